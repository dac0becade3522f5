import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { BRUNO, setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511944440011';

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
		const workspace = await setUpWorkspace(stack, { attendants: [BRUNO], channelPrefix: 'bell' });
		admin = workspace.admin;
		({ id: brunoId, authorization: brunoAuth } = workspace.attendants[BRUNO.email]);
		instance = workspace.channel.instance;
		ana = await openBrowser();
		bruno = await openBrowser();
		await signIn(ana, stack.server.url);
		await signIn(bruno, stack.server.url, BRUNO);
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
