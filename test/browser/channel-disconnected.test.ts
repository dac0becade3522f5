import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { customerSays, onlyConversation, setUpWorkspace, signIn, type Workspace } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511977776666';
const HELD_TEXT = 'Já verifico o seu pedido e te respondo.';

/**
 * The "channel disconnected" error state in the inbox: when WhatsApp drops the number (the sandbox's phone loses its
 * connection), the open conversation says so above the composer — what happened, that what is sent waits in the queue,
 * and where to fix it — in pt-BR and English. A message sent meanwhile is held (queued, not tried, still there after a
 * reload) and goes out once, when "Reconectar agora" brings the number back.
 */
describe.each(ADAPTERS.slice(1))('a disconnected channel in the inbox on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let workspace: Workspace;
	let conversationId: string;

	const sandboxSends = async (text: string) =>
		((await stack.sandbox.get(`/_sandbox/sends?instance=${workspace.channel.instance}`)).body.sends as Array<{ text?: string }>).filter((s) => s.text === text).length;
	const heldRow = async () =>
		((await stack.server.call('GET', `/api/v1/conversations/${conversationId}/messages`, workspace.admin)).json().data as Array<{ body: string; status: string; attempts: number }>).find(
			(m) => m.body === HELD_TEXT,
		);

	beforeAll(async () => {
		// Held sends are looked at again every 200 ms (15 s scaled, at least 200 ms), so the one held here goes soon after the reconnect.
		stack = await startStack(open, { OUTBOX_TIME_SCALE: '0.01', OUTBOX_RECONCILE_MS: '500' });
		workspace = await setUpWorkspace(stack, { channelPrefix: 'down' });
		await customerSays(stack, workspace.channel.instance, { from: CUSTOMER, pushName: 'Maria Souza', text: 'Meu pedido já saiu?' });
		conversationId = await onlyConversation(stack, workspace.admin);
		ana = await openBrowser();
		await signIn(ana, stack.server.url);
		await ana.page.getByRole('button', { name: 'Maria Souza' }).click();
		await ana.page.getByRole('list', { name: 'Mensagens' }).getByText('Meu pedido já saiu?').waitFor();
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	it('says the channel is disconnected and what to do; a message sent meanwhile is held, then goes out once after the reconnect', async () => {
		const { page } = ana;
		const notice = page.getByRole('alert').filter({ hasText: 'desconectado do WhatsApp' });
		expect(await notice.count()).toBe(0);

		// The phone loses WhatsApp and does not come back by itself.
		expect((await stack.sandbox.post(`/_sandbox/instances/${workspace.channel.instance}/drop`, { reconnect: false })).status).toBe(200);
		await notice.waitFor({ timeout: 60_000 });
		expect(await notice.textContent()).toBe(
			'O canal Vendas está desconectado do WhatsApp (Conexão perdida — reconectando). O que você enviar fica na fila e sai quando ele reconectar: nada se perde. ' +
				'Se não voltar sozinho em alguns minutos, use "Reconectar agora" em Canais.Abrir Canais',
		);

		// Sent while down: the bubble stays 🕒 and says it waits for the channel; the server holds it without trying.
		await page.getByLabel('Digite uma mensagem').fill(HELD_TEXT);
		await page.getByLabel('Digite uma mensagem').press('Enter');
		const bubble = page.locator('.bubble-row', { hasText: HELD_TEXT });
		await bubble.getByText('na fila: sai quando o canal reconectar').waitFor();
		await bubble.getByRole('img', { name: 'Na fila' }).waitFor();
		await eventually(async () => expect(await heldRow()).toMatchObject({ status: 'queued', attempts: 0 }), 30_000);
		await screenshot(page, 'inbox-channel-down', { readme: true });

		// Not lost: after a reload it is still there, still held.
		await page.reload();
		await bubble.getByText('na fila: sai quando o canal reconectar').waitFor();
		await notice.waitFor();

		// The same in English.
		await page.getByLabel('Idioma').selectOption('en');
		const noticeEn = page.getByRole('alert').filter({ hasText: 'disconnected from WhatsApp' });
		expect(await noticeEn.textContent()).toBe(
			'The channel Vendas is disconnected from WhatsApp (Connection lost — reconnecting). What you send waits in the queue and goes out when it reconnects: nothing is lost. ' +
				'If it does not come back by itself in a few minutes, use "Reconnect now" in Channels.Open Channels',
		);
		await bubble.getByText('queued: goes out when the channel reconnects').waitFor();
		await bubble.getByRole('img', { name: 'Queued' }).waitFor();
		await screenshot(page, 'inbox-channel-down.en');
		expect(await sandboxSends(HELD_TEXT)).toBe(0);
		expect(await heldRow()).toMatchObject({ status: 'queued', attempts: 0 });

		// What to do: Channels → "Reconnect now"; the number is back and the held message goes out, once.
		await noticeEn.getByRole('button', { name: 'Open Channels' }).click();
		const card = page.getByRole('listitem', { name: 'Vendas' });
		await card.locator('.channel-main .channel-status').getByText('Disconnected', { exact: true }).waitFor();
		await card.getByRole('button', { name: 'Reconnect now' }).click();
		await card.locator('.channel-main .channel-status').getByText('Connected', { exact: true }).waitFor({ timeout: 60_000 });
		await page.getByRole('navigation').getByRole('button', { name: 'Conversations' }).click();
		await page.getByRole('button', { name: 'Maria Souza' }).click();
		await bubble.getByRole('img', { name: /^(Delivered|Read)$/ }).waitFor({ timeout: 60_000 });
		expect(await noticeEn.count()).toBe(0);
		expect(await bubble.getByText('queued: goes out when the channel reconnects').count()).toBe(0);
		expect(await sandboxSends(HELD_TEXT)).toBe(1);
		await page.getByLabel('Language').selectOption('pt-BR');
		expect(ana.dialogs).toEqual([]);
	});
});
