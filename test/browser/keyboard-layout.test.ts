import type { Page } from 'playwright-core';
import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { ANA, customerSays, setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

interface FocusState {
	tag: string;
	label: string;
	outlineStyle: string;
	outlineWidth: number;
	outlineOffset: number;
	outlineColor: string;
	focusVisible: boolean;
}

/** The focused element: its accessible label (or text) and how its focus ring is drawn. (Runs in the page.) */
const FOCUSED = `(() => {
	const element = document.activeElement;
	if (!element || element === document.body) return null;
	const style = getComputedStyle(element);
	return {
		tag: element.tagName.toLowerCase(),
		label: element.getAttribute('aria-label') ?? element.textContent.trim(),
		outlineStyle: style.outlineStyle,
		outlineWidth: parseFloat(style.outlineWidth),
		outlineOffset: parseFloat(style.outlineOffset),
		outlineColor: style.outlineColor,
		focusVisible: element.matches(':focus-visible'),
	};
})()`;

const focused = (page: Page) => page.evaluate(FOCUSED) as Promise<FocusState | null>;

/** A ring an attendant can see: drawn (not none), at least 2 px, not transparent, on an element the keyboard reached. */
function expectVisibleRing(state: FocusState | null) {
	expect(state).not.toBeNull();
	expect(state!.focusVisible).toBe(true);
	expect(state!.outlineStyle).not.toBe('none');
	expect(state!.outlineWidth).toBeGreaterThanOrEqual(2);
	expect(state!.outlineColor).not.toMatch(/rgba\(\d+, \d+, \d+, 0\)|transparent/);
}

/**
 * Text that does not fit its control: its own overflow (scrollWidth past clientWidth) and, for a select, a box
 * narrower than its longest choice (a select clips its text inside without overflowing, so its natural width, as
 * a copy of it laid out without any width constraint, is compared with the real one). (Runs in the page.)
 */
async function truncated(page: Page, selector: string): Promise<string[]> {
	return page.evaluate(`(() => [...document.querySelectorAll(${JSON.stringify(selector)})].flatMap((element) => {
		const out = [];
		const name = element.getAttribute('aria-label') ?? element.textContent.trim();
		if (element.scrollWidth > element.clientWidth) out.push(name + ': scrollWidth ' + element.scrollWidth + ' > clientWidth ' + element.clientWidth);
		if (element.tagName === 'SELECT') {
			const copy = element.cloneNode(true);
			copy.removeAttribute('class');
			copy.style.cssText = 'position: absolute; visibility: hidden; width: auto; min-width: 0; max-width: none; flex: none';
			element.parentElement.appendChild(copy);
			const natural = copy.getBoundingClientRect().width;
			copy.remove();
			const actual = element.getBoundingClientRect().width;
			if (actual + 0.5 < natural) out.push(name + ': ' + actual + 'px wide, its longest choice needs ' + natural + 'px');
		}
		return out;
	}))()`) as Promise<string[]>;
}

/**
 * The inbox by keyboard alone, with a focus ring an attendant can see at every stop, and the sidebar's filters
 * readable in full at a laptop's 1280 px, in Portuguese and English.
 */
describe.each(ADAPTERS.slice(0, 1))('keyboard and layout of the inbox in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let admin: string;
	let instance: string;

	beforeAll(async () => {
		stack = await startStack(open);
		const workspace = await setUpWorkspace(stack);
		admin = workspace.admin;
		instance = workspace.channel.instance;
		await customerSays(stack, instance, { from: '5511911112222', pushName: 'Carla Dias', text: 'Oi, tudo bem?' });
		// WhatsApp times a customer's message to the second: Diego writes in a later second, so he is the newest for sure.
		await new Promise((resolve) => setTimeout(resolve, 1_100));
		await customerSays(stack, instance, { from: '5511933334444', pushName: 'Diego Reis', text: 'Qual o prazo de entrega?' });
		await eventually(async () => expect((await stack.server.call('GET', '/api/v1/conversations', admin)).json().data).toHaveLength(2), 60_000);
		ana = await openBrowser({ width: 1280, height: 800 });
		await signIn(ana, stack.server.url, ANA);
		await ana.page.getByRole('button', { name: 'Diego Reis' }).waitFor();
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	it('tabs from the app bar to the list, moves in it with the arrows, opens with Enter and sends from the composer', async () => {
		const { page } = ana;
		// A fresh page: the first Tab starts at the top of the document.
		await page.reload();
		await page.getByRole('button', { name: 'Diego Reis' }).waitFor();
		await page.keyboard.press('Tab');
		const first = await focused(page);
		expect(first?.label).toBe('Conversas');
		expectVisibleRing(first);

		// From the search box: status, channel, then the list as one stop (the newest conversation first).
		await page.getByLabel('Pesquisar', { exact: true }).focus();
		const stops: string[] = [];
		for (let i = 0; i < 3; i++) {
			await page.keyboard.press('Tab');
			const state = await focused(page);
			expectVisibleRing(state);
			stops.push(`${state!.tag} ${state!.label}`);
		}
		expect(stops).toEqual(['select Status', 'select Canal', 'button Diego Reis']);
		const row = await focused(page);
		// The ring is drawn inside the row: the scrolling list would clip one drawn outside.
		expect(row!.outlineOffset + row!.outlineWidth).toBeLessThanOrEqual(0);
		await screenshot(page, 'keyboard-list-focus');

		// The whole list is one stop: Shift+Tab goes back to the filters, not to another row.
		await page.keyboard.press('Shift+Tab');
		expect((await focused(page))?.label).toBe('Canal');
		await page.keyboard.press('Tab');
		expect((await focused(page))?.label).toBe('Diego Reis');
		await page.keyboard.press('Tab');
		expect((await focused(page))?.label).not.toBe('Carla Dias');
		await page.keyboard.press('Shift+Tab');
		expect((await focused(page))?.label).toBe('Diego Reis');

		await page.keyboard.press('ArrowDown');
		await eventually(async () => expect((await focused(page))?.label).toBe('Carla Dias'));
		expectVisibleRing(await focused(page));
		await page.keyboard.press('Enter');
		await page.getByRole('heading', { name: 'Carla Dias' }).waitFor();
		await page.getByRole('list', { name: 'Mensagens' }).getByText('Oi, tudo bem?').waitFor();
		await eventually(async () => expect((await focused(page))?.label).toBe('Digite uma mensagem'));
		expectVisibleRing(await focused(page));

		await page.keyboard.type('Tudo ótimo! Como posso ajudar?');
		await page.keyboard.press('Enter');
		await page.getByRole('list', { name: 'Mensagens' }).getByText('Tudo ótimo! Como posso ajudar?').waitFor();
		await eventually(async () => {
			const sends = ((await stack.sandbox.get(`/_sandbox/sends?instance=${instance}`)).body as { sends: Array<{ text: string | null }> }).sends;
			expect(sends.filter((s) => s.text === 'Tudo ótimo! Como posso ajudar?')).toHaveLength(1);
		}, 60_000);
		// The list remembers the conversation: Tab back into it lands on Carla, who is now the newest.
		await page.getByLabel('Pesquisar', { exact: true }).focus();
		for (let i = 0; i < 3; i++) await page.keyboard.press('Tab');
		expect((await focused(page))?.label).toBe('Carla Dias');
		await screenshot(page, 'keyboard-sent');
	});

	it('shows the status filter and the tabs in full at 1280 px, in Portuguese and in English, whatever status is chosen', async () => {
		const { page } = ana;
		expect(page.viewportSize()?.width).toBe(1280);
		for (const [language, statusLabel] of [
			['pt-BR', 'Status'],
			['en', 'Status'],
		] as const) {
			await page.locator('.language-switch select').selectOption(language);
			await page.getByRole('tab', { name: language === 'en' ? /Mine/ : /Minhas/ }).waitFor();
			const status = page.getByLabel(statusLabel, { exact: true });
			const values = await status.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value') ?? ''));
			expect(values).toHaveLength(6);
			for (const value of values) {
				await status.selectOption(value);
				expect({ language, value, problems: await truncated(page, '.sidebar .filters select, .sidebar .filters input, .sidebar .tabs button, .sidebar .filters, .sidebar .tabs') }).toEqual({
					language,
					value,
					problems: [],
				});
			}
			await status.selectOption('active');
			await screenshot(page, `sidebar-filters-${language}`);
		}
		await page.locator('.language-switch select').selectOption('pt-BR');
	});
});
