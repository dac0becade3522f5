/**
 * Debian's Chromium driven by playwright-core (no browser download: the ensure step installs the `chromium`
 * package), one fresh profile per browser, plus the screenshots each scenario leaves behind.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumPath(): string {
	const found = CANDIDATES.find((path) => existsSync(path));
	if (!found) throw new Error('Chromium is missing: run `node scripts/ensure-system-packages.js --for test` (Debian package "chromium").');
	return found;
}

/** Screenshots of every scenario (gitignored); `npm run screenshots` also refreshes the README's. */
export const ARTIFACTS = join(__dirname, '..', 'artifacts');
export const README_SCREENSHOTS = join(__dirname, '..', '..', '..', 'docs', 'screenshots');

export interface Browser {
	context: BrowserContext;
	page: Page;
	/** Alerts, confirms and prompts the page opened: a hostile text that ran would show here. */
	dialogs: string[];
	/** Every URL the page asked for, its own origin's and others'. */
	requests: string[];
	/** Uncaught errors and console errors of the page. */
	errors: string[];
	close(): Promise<void>;
}

export async function openBrowser(options: { locale?: string; width?: number; height?: number } = {}): Promise<Browser> {
	const profile = mkdtempSync(join(tmpdir(), 'inbox-chromium-'));
	const context = await chromium.launchPersistentContext(profile, {
		executablePath: chromiumPath(),
		headless: true,
		// The fake microphone (a steady tone) with its permission granted: voice notes record for real, without a device.
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--use-fake-device-for-media-stream',
			'--use-fake-ui-for-media-stream',
		],
		locale: options.locale ?? 'pt-BR',
		viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
		timezoneId: 'America/Sao_Paulo',
	});
	const page = context.pages()[0] ?? (await context.newPage());
	const dialogs: string[] = [];
	const requests: string[] = [];
	const errors: string[] = [];
	context.on('request', (request) => requests.push(request.url()));
	page.on('dialog', (dialog) => {
		dialogs.push(`${dialog.type()}: ${dialog.message()}`);
		void dialog.dismiss();
	});
	page.on('pageerror', (error) => errors.push(error.message));
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
	});
	page.setDefaultTimeout(30_000);
	return {
		context,
		page,
		dialogs,
		requests,
		errors,
		close: async () => {
			await context.close();
			rmSync(profile, { recursive: true, force: true });
		},
	};
}

/**
 * Switches the page's language the way its language menu does, without moving the focus (a popover open beside the
 * text box must stay open for the picture), and waits for the page to show it. Answers the language it had, or null
 * when the page has no language menu.
 */
async function switchLanguage(page: Page, language: string): Promise<string | null> {
	// A script as text: the tests compile without the DOM's types.
	const previous = (await page.evaluate(`(() => {
		const select = document.querySelector('.language-switch select');
		if (!select) return null;
		const before = select.value;
		Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(select, ${JSON.stringify(language)});
		select.dispatchEvent(new Event('change', { bubbles: true }));
		return before;
	})()`)) as string | null;
	if (previous === null) return null;
	await page.waitForFunction(`document.documentElement.lang === ${JSON.stringify(language)}`);
	// React renders the new words on its next turn; two frames later they are painted.
	await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
	return previous;
}

/**
 * Saves the page as test/browser/artifacts/<name>.png. Under `npm run screenshots` a README picture is also written to
 * docs/screenshots: <name>.png as the test shows it (pt-BR) and <name>.en.png, the same screen in English.
 */
export async function screenshot(page: Page, name: string, options: { readme?: boolean } = {}): Promise<void> {
	mkdirSync(ARTIFACTS, { recursive: true });
	await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
	if (options.readme && process.env.SCREENSHOTS_TO_README === '1') {
		mkdirSync(README_SCREENSHOTS, { recursive: true });
		await page.screenshot({ path: join(README_SCREENSHOTS, `${name}.png`) });
		const previous = await switchLanguage(page, 'en');
		if (previous !== null) {
			await page.screenshot({ path: join(README_SCREENSHOTS, `${name}.en.png`) });
			await switchLanguage(page, previous);
		}
	}
}
