import WebSocket from 'ws';
import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { BRUNO, customerSays, onlyConversation, setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511977771234';

/**
 * Sending from the composer, with the feedback an attendant relies on: the bubble at once with 🕒, then the ticks
 * as WhatsApp's receipts arrive; ❗ with the reason when every try failed, and a retry that sends it once; the same
 * for a send that never reached the server (offline); our typing heard by the other attendants; and the pacing
 * notice when proactive sends are held back. Retries and pacing run 100× faster (OUTBOX_TIME_SCALE).
 */
describe.each(ADAPTERS.slice(1))('sending with feedback in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let admin: string;
	let instance: string;
	let channelId: string;
	let conversationId: string;

	const sandboxSends = async (text: string) => {
		const { body } = await stack.sandbox.get(`/_sandbox/sends?instance=${instance}`);
		return ((body as { sends: Array<{ text: string | null }> }).sends).filter((s) => s.text === text).length;
	};
	const messageRow = async (text: string) =>
		(await stack.db.query<{ id: string; status: string; attempts: number }>(`SELECT id, status, attempts FROM whatsapp_messages WHERE body = $1 AND from_me`, [text])).rows;

	beforeAll(async () => {
		stack = await startStack(open, { OUTBOX_TIME_SCALE: '0.01', OUTBOX_RECONCILE_MS: '500', OUTBOX_SEND_TIMEOUT_MS: '5000' });
		const { server } = stack;
		const workspace = await setUpWorkspace(stack, { attendants: [BRUNO], channelPrefix: 'send' });
		admin = workspace.admin;
		({ id: channelId, instance } = workspace.channel);
		// The customer wrote first: what the attendant sends are replies (never paced).
		await customerSays(stack, instance, { from: CUSTOMER, pushName: 'Maria Souza', text: 'Oi! Vocês têm o tênis 42?' });
		conversationId = await onlyConversation(stack, admin);

		ana = await openBrowser();
		await signIn(ana, server.url);
		await ana.page.getByRole('button', { name: 'Maria Souza' }).click();
		await ana.page.getByRole('list', { name: 'Mensagens' }).getByText('Oi! Vocês têm o tênis 42?').waitFor();
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	const bubble = (text: string) => ana.page.locator('.bubble-row', { hasText: text });
	// ✓✓: delivered (grey) or read (blue); the sandbox sends both receipts. On a timeout, say what the page and the
	// database showed.
	const waitTwoTicks = (text: string) =>
		bubble(text)
			.getByRole('img', { name: /^(Entregue|Lida)$/ })
			.waitFor({ timeout: 60_000 })
			.catch(async (error: Error) => {
				const html = await bubble(text).evaluateAll((els) => els.map((el) => el.outerHTML));
				throw new Error(`${error.message}\npage: ${html.join('\n')}\nrows: ${JSON.stringify(await messageRow(text))}\npage errors: ${ana.errors.join('; ')}`);
			});

	it('shows the bubble at once with 🕒, then ✓✓ as the receipts arrive', async () => {
		const { page } = ana;
		// Evolution answers slowly this once: the queued clock stays long enough to be seen.
		await stack.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${instance}`, latencyMs: 2_000, times: 1 });
		await page.getByLabel('Digite uma mensagem').fill('Olá, tudo bem?');
		await page.getByLabel('Digite uma mensagem').press('Enter');
		await bubble('Olá, tudo bem?').getByRole('img', { name: 'Na fila' }).waitFor();
		expect(await bubble('Olá, tudo bem?').locator('.tick').textContent()).toBe('🕒');
		await screenshot(page, 'send-queued');
		await waitTwoTicks('Olá, tudo bem?');
		expect(await bubble('Olá, tudo bem?').locator('.tick').textContent()).toBe('✓✓');
		await screenshot(page, 'send-read');
		expect(await sandboxSends('Olá, tudo bem?')).toBe(1);
		expect(await bubble('Olá, tudo bem?').count()).toBe(1);
		await stack.sandbox.request('DELETE', '/_sandbox/faults');
	});

	it('shows ❗ with the reason after five failed tries, and the retry sends it once', async () => {
		const { page } = ana;
		await stack.sandbox.post('/_sandbox/faults', { route: `/message/sendText/${instance}`, errorRate: 1, errorStatus: 503 });
		await page.getByLabel('Digite uma mensagem').fill('Chega amanhã cedo');
		await page.getByLabel('Digite uma mensagem').press('Enter');
		const failed = bubble('Chega amanhã cedo');
		await failed.getByRole('img', { name: 'Falhou' }).waitFor({ timeout: 60_000 });
		await failed.getByText('O WhatsApp (Evolution) falhou em todas as tentativas (erro 503).').waitFor();
		expect((await messageRow('Chega amanhã cedo'))[0]).toMatchObject({ status: 'failed', attempts: 5 });
		expect(await sandboxSends('Chega amanhã cedo')).toBe(0);
		await screenshot(page, 'send-failed');

		await stack.sandbox.request('DELETE', '/_sandbox/faults');
		await failed.getByRole('button', { name: 'Tentar de novo' }).click();
		await waitTwoTicks('Chega amanhã cedo');
		expect(await failed.getByRole('button', { name: 'Tentar de novo' }).count()).toBe(0);
		expect(await sandboxSends('Chega amanhã cedo')).toBe(1);
		expect(await messageRow('Chega amanhã cedo')).toHaveLength(1);
	});

	it('keeps a send the server never got, says so, and the retry posts it once', async () => {
		const { page, context } = ana;
		await context.setOffline(true);
		await page.getByLabel('Digite uma mensagem').fill('Sem internet aqui');
		await page.getByLabel('Digite uma mensagem').press('Enter');
		const stuck = bubble('Sem internet aqui');
		await stuck.getByText('Sem conexão com o servidor: a mensagem não saiu.').waitFor();
		await stuck.getByRole('img', { name: 'Falhou' }).waitFor();
		expect(await messageRow('Sem internet aqui')).toHaveLength(0);
		await screenshot(page, 'send-offline');
		await context.setOffline(false);
		// As a person would: back online once the yellow "no connection" banner is gone.
		await page.getByText('Sem conexão em tempo real.', { exact: false }).waitFor({ state: 'detached', timeout: 60_000 });
		await stuck.getByRole('button', { name: 'Tentar de novo' }).click();
		await waitTwoTicks('Sem internet aqui');
		expect(await messageRow('Sem internet aqui')).toHaveLength(1);
		expect(await sandboxSends('Sem internet aqui')).toBe(1);
		expect(await stuck.count()).toBe(1);
	});

	it('tells the other attendants that Ana is typing, and that she stopped', async () => {
		const login = await stack.server.call('POST', '/api/v1/auth/login', undefined, { email: BRUNO.email, password: BRUNO.password });
		const frames: Array<{ type: string; event?: string; conversationId?: string; data?: { typist?: { kind: string } } }> = [];
		const socket = new WebSocket(`${stack.server.url.replace('http', 'ws')}/realtime`);
		socket.on('message', (raw) => frames.push(JSON.parse(String(raw))));
		await new Promise((resolve) => socket.once('open', resolve));
		socket.send(JSON.stringify({ type: 'auth', token: login.json().token }));
		socket.send(JSON.stringify({ type: 'subscribe', channel: 'workspace' }));
		await eventually(() => expect(frames.some((f) => f.type === 'subscribed')).toBe(true));
		try {
			const typingOf = (event: string) => frames.filter((f) => f.event === event && f.conversationId === conversationId && f.data?.typist?.kind === 'user');
			await ana.page.getByLabel('Digite uma mensagem').pressSequentially('Um moment', { delay: 20 });
			await eventually(() => expect(typingOf('conversation.typing_on')).toHaveLength(1), 30_000);
			// A pause of a few seconds, then off (without sending anything).
			await eventually(() => expect(typingOf('conversation.typing_off')).toHaveLength(1), 30_000);
			await ana.page.getByLabel('Digite uma mensagem').fill('');
		} finally {
			socket.close();
		}
	});

	it('shows "Mensagens em fila para evitar bloqueio" with the time when proactive sends are held back', async () => {
		const { page } = ana;
		// Two proactive sends a minute on this number: a campaign of 12 must wait its turn.
		expect((await stack.server.call('PATCH', `/api/v1/channels/${channelId}`, admin, { settings: { outbox: { perMinute: 2 } } })).statusCode).toBe(200);
		const messages = Array.from({ length: 12 }, (_, i) => ({ to: `+55 11 96666-${String(1000 + i)}`, text: `Promoção de sábado ${i}` }));
		expect((await stack.server.call('POST', '/api/v1/messages/batch', admin, { channelId, messages })).statusCode).toBe(202);
		const banner = page.getByRole('status').filter({ hasText: 'Mensagens em fila para evitar bloqueio.' });
		await banner.waitFor();
		await banner.getByText(/mensagens saem aos poucos; a última por volta das \d\d:\d\d\./).waitFor();
		await screenshot(page, 'send-paced');
		await banner.getByRole('button', { name: 'Fechar aviso' }).click();
		await banner.waitFor({ state: 'detached' });
		expect(ana.dialogs).toEqual([]);
	});
});
