import { randomBytes } from 'node:crypto';
import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511944440011';

async function signIn(browser: Browser, url: string, email: string, password: string): Promise<void> {
	await browser.page.goto(url);
	await browser.page.getByLabel('E-mail').fill(email);
	await browser.page.getByLabel('Senha').fill(password);
	await browser.page.getByRole('button', { name: 'Entrar' }).click();
	await browser.page.getByRole('navigation').getByRole('button', { name: 'Conversas' }).waitFor();
}

/**
 * The global bell, live in two browsers: a newcomer nobody has taken rings every attendant under "Sem atendente";
 * once assigned, the assignee hears the assignment and the customer's next message "Para você"; opening the
 * conversation from the bell settles them.
 */
describe.each(ADAPTERS.slice(0, 1))('the notification bell in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let bruno: Browser;
	let admin: string;
	let brunoId: string;
	let brunoAuth: string;
	let instance: string;

	beforeAll(async () => {
		stack = await startStack(open);
		const { server, sandbox } = stack;
		const registered = await server.call('POST', '/api/v1/auth/register', undefined, { workspaceName: 'Loja', name: 'Ana', email: 'ana@example.com', password: 'uma senha comprida' });
		admin = `Bearer ${registered.json().token}`;
		const created = await server.call('POST', '/api/v1/attendants', admin, { email: 'bruno@example.com', name: 'Bruno', role: 'agent', password: 'outra senha comprida' });
		expect(created.statusCode).toBe(201);
		brunoId = created.json().id;
		brunoAuth = `Bearer ${(await server.call('POST', '/api/v1/auth/login', undefined, { email: 'bruno@example.com', password: 'outra senha comprida' })).json().token}`;
		instance = `bell-${randomBytes(3).toString('hex')}`;
		const channel = await server.call('POST', '/api/v1/channels', admin, { name: 'Vendas', instanceName: instance });
		const channelId = channel.json().channel.id as string;
		await sandbox.post(`/_sandbox/instances/${instance}/scan`, { number: '5511999990000', profileName: 'Loja Vendas' });
		await eventually(async () => expect((await server.call('GET', `/api/v1/channels/${channelId}`, admin)).json().status).toBe('connected'), 60_000);
		ana = await openBrowser();
		bruno = await openBrowser();
		await signIn(ana, server.url, 'ana@example.com', 'uma senha comprida');
		await signIn(bruno, server.url, 'bruno@example.com', 'outra senha comprida');
	}, 300_000);
	afterAll(async () => {
		await ana?.close();
		await bruno?.close();
		await stack?.close();
	});

	it('rings everyone for a newcomer nobody has taken, and quiets once it is read', async () => {
		await ana.page.getByRole('button', { name: 'Notificações: nada pendente' }).waitFor();
		await stack.sandbox.post(`/_sandbox/instances/${instance}/messages`, { type: 'text', from: CUSTOMER, pushName: 'Paula', text: 'Oi, alguém aí?' });
		for (const { page } of [ana, bruno]) await page.getByRole('button', { name: 'Notificações: 1 pendente' }).waitFor({ timeout: 60_000 });
		const { page } = ana;
		await page.getByRole('button', { name: 'Notificações: 1 pendente' }).click();
		const panel = page.getByRole('dialog', { name: 'Notificações' });
		const waiting = panel.getByRole('list', { name: 'Sem atendente, com mensagens não lidas' });
		await waiting.getByText('Paula').waitFor();
		await waiting.getByText('1 mensagem não lida').waitFor();
		await screenshot(page, 'bell-unassigned', { readme: true });
		await waiting.getByRole('button', { name: /Paula/ }).click();
		await page.getByRole('list', { name: 'Mensagens' }).getByText('Oi, alguém aí?').waitFor();
		for (const { page: each } of [ana, bruno]) await each.getByRole('button', { name: 'Notificações: nada pendente' }).waitFor({ timeout: 60_000 });
	});

	it("rings the assignee for the assignment and the customer's next message; opening it from the bell settles both", async () => {
		const { server, sandbox } = stack;
		const [conversation] = (await server.call('GET', '/api/v1/conversations', admin)).json().data;
		expect((await server.call('POST', `/api/v1/conversations/${conversation.id}/assignment`, admin, { assigneeId: brunoId, note: 'Cliente do Bruno' })).statusCode).toBe(200);
		const { page } = bruno;
		await page.getByRole('button', { name: 'Notificações: 1 pendente' }).waitFor({ timeout: 60_000 });
		await sandbox.post(`/_sandbox/instances/${instance}/messages`, { type: 'text', from: CUSTOMER, pushName: 'Paula', text: 'Quero falar do meu pedido <img src=x onerror=alert(1)>' });
		await page.getByRole('button', { name: 'Notificações: 2 pendentes' }).waitFor({ timeout: 60_000 });
		// Ana hears neither: it is Bruno's now.
		expect(await ana.page.getByRole('button', { name: 'Notificações: nada pendente' }).count()).toBe(1);

		await page.getByRole('button', { name: 'Notificações: 2 pendentes' }).click();
		const forYou = page.getByRole('dialog', { name: 'Notificações' }).getByRole('list', { name: 'Para você' });
		await forYou.getByText('Conversa atribuída a você').waitFor();
		await forYou.getByText('Cliente do Bruno').waitFor();
		const message = forYou.getByRole('button', { name: /Nova mensagem/ });
		await message.getByText('Quero falar do meu pedido <img src=x onerror=alert(1)>').waitFor();
		await screenshot(page, 'bell-for-you', { readme: true });
		await message.click();
		await page.getByRole('list', { name: 'Mensagens' }).getByText('Quero falar do meu pedido <img src=x onerror=alert(1)>').waitFor();
		await page.getByRole('button', { name: 'Notificações: nada pendente' }).waitFor();
		await eventually(async () => expect((await server.call('GET', '/api/v1/notifications?unread=true', brunoAuth)).json().meta.unreadCount).toBe(0));
		expect(bruno.dialogs).toEqual([]);
		expect(ana.dialogs).toEqual([]);
	});
});
