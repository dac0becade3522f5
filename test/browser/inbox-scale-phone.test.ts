import { randomBytes } from 'node:crypto';
import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { registerWorkspace, signIn as signInAs } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const TOTAL = 10_000;
/** Rows the list may keep in the page at once: a screenful (800 px / 72 px) and the overscan either side, with room. */
const WINDOW = 40;

/**
 * A workspace with 10,000 conversations: the list shows "999+", scrolls page after page to the oldest one, and the
 * page never holds more than a window of rows. Then a phone-width screen: one pane at a time, and back to the list.
 */
describe.each(ADAPTERS.slice(0, 1))('the inbox at scale and on a phone on %s', (_driver, open) => {
	let stack: Stack;
	let desk: Browser | undefined;
	let phone: Browser | undefined;

	beforeAll(async () => {
		stack = await startStack(open);
		const { server, db } = stack;
		const admin = await registerWorkspace(stack);
		const created = await server.call('POST', '/api/v1/channels', admin, { name: 'Vendas', instanceName: `scale-${randomBytes(3).toString('hex')}` });
		expect(created.statusCode).toBe(201);
		const channelId = created.json().channel.id as string;
		const workspaceId = (await db.query<{ workspace_id: string }>('SELECT workspace_id FROM whatsapp_channels WHERE id = $1', [channelId])).rows[0].workspace_id;
		// Cliente 1 is the newest, Cliente 10000 the oldest: the list's order is known.
		await db.query(`INSERT INTO contacts (workspace_id, phone_e164, name) SELECT $1, '+5511' || (900000000 + g), 'Cliente ' || g FROM generate_series(1, $2::int) g`, [workspaceId, TOTAL]);
		await db.query(
			`INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, status, last_message_at, last_message_preview)
			 SELECT $1, $2, id, phone_e164 || '@s.whatsapp.net', 'open', now() - (substr(name, 9)::int * interval '1 minute'), 'mensagem ' || substr(name, 9)
			 FROM contacts WHERE workspace_id = $1`,
			[workspaceId, channelId],
		);
		await db.exec('ANALYZE');
	});
	afterAll(async () => {
		await desk?.close();
		await phone?.close();
		await stack?.close();
	});

	const signIn = async (browser: Browser) => {
		await signInAs(browser, stack.server.url);
		await browser.page.getByRole('button', { name: 'Cliente 1', exact: true }).waitFor();
	};

	it('scrolls through 10,000 conversations to the oldest, with only a window of rows in the page', async () => {
		desk = await openBrowser();
		const { page } = desk;
		await signIn(desk);
		await page.getByRole('tab', { name: /Todas/ }).getByText('999+').waitFor();
		const rows = page.locator('.conversation-list > li');
		expect(await rows.count()).toBeLessThanOrEqual(WINDOW);

		// Scroll to the end again and again: each time the next page of 50 loads, until the oldest conversation shows.
		const oldest = page.getByRole('button', { name: `Cliente ${TOTAL}`, exact: true });
		let mostRows = 0;
		await eventually(
			async () => {
				await page.locator('.conversation-scroller').evaluate((el) => el.scrollTo(0, el.scrollHeight));
				mostRows = Math.max(mostRows, await rows.count());
				expect(await oldest.count()).toBe(1);
			},
			600_000,
		);
		// The list's height is every loaded row's (the scrollbar is true), while the page holds a window of them.
		const height = await page.locator('.conversation-list').evaluate((el) => el.getBoundingClientRect().height);
		expect(height).toBe(TOTAL * 72);
		expect(mostRows).toBeLessThanOrEqual(WINDOW);
		expect(await rows.count()).toBeLessThanOrEqual(WINDOW);
		await screenshot(page, 'inbox-10000-conversations');

		// The oldest opens like any other.
		await oldest.click();
		await page.locator('.chat-header').getByText(`Cliente ${TOTAL}`).waitFor();
		expect(desk.errors).toEqual([]);
	}, 900_000);

	it('shows one pane at a time at phone width, with a way back to the list', async () => {
		phone = await openBrowser({ width: 390, height: 844 });
		const { page } = phone;
		await signIn(phone);
		const sidebar = page.getByRole('complementary', { name: 'Lista de conversas' });
		expect(await sidebar.isVisible()).toBe(true);
		expect(await page.locator('.chat').isVisible()).toBe(false);
		const noSideways = () => page.locator('html').evaluate((html) => html.scrollWidth <= html.clientWidth);
		expect(await noSideways()).toBe(true);
		await screenshot(page, 'phone-list');

		await page.getByRole('button', { name: 'Cliente 2', exact: true }).click();
		await page.locator('.chat-header').getByText('Cliente 2').waitFor();
		expect(await sidebar.isVisible()).toBe(false);
		const back = page.getByRole('button', { name: 'Voltar às conversas' });
		expect(await back.isVisible()).toBe(true);
		// The text box keeps a usable width (the composer's buttons go below it).
		const box = await page.locator('.composer textarea').boundingBox();
		expect(box?.width).toBeGreaterThan(300);
		expect(await noSideways()).toBe(true);
		await screenshot(page, 'phone-chat');

		await back.click();
		await sidebar.waitFor();
		expect(await page.locator('.chat').isVisible()).toBe(false);
		expect(new URL(page.url()).pathname).toBe('/');
		// Widened to a laptop, both panes show and the phone's back button goes.
		await page.getByRole('button', { name: 'Cliente 2', exact: true }).click();
		await page.setViewportSize({ width: 1280, height: 800 });
		await sidebar.waitFor();
		expect(await page.locator('.chat-header').isVisible()).toBe(true);
		expect(await back.isVisible()).toBe(false);
		expect(phone.errors).toEqual([]);
	});
});
