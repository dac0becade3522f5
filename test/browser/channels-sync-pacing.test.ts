import { type Browser, openBrowser, screenshot } from './support/browser';
import { setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const DAY = 24 * 3600;

/**
 * The "Canais" card's history sync and sending pace: "Sincronizar histórico" imports what the sandbox's Evolution
 * holds with a progress bar the sync.progress events move; "Ritmo de envio" saves the channel's pacing, which the
 * outbox then applies (a campaign is held back), and a refused value says why.
 */
describe.each(ADAPTERS.slice(0, 1))('history sync and sending pace on the channels screen on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let admin: string;
	let channelId: string;
	let instance: string;

	beforeAll(async () => {
		stack = await startStack(open);
		const { server, sandbox } = stack;
		const workspace = await setUpWorkspace(stack, { channelPrefix: 'sync' });
		admin = workspace.admin;
		({ id: channelId, instance } = workspace.channel);
		// What the phone holds: 40 chats of the last 10 days, and one chat older than the 30 days asked for.
		const now = Math.floor(Date.now() / 1000);
		expect((await sandbox.post(`/_sandbox/instances/${instance}/history`, { messages: 2000, chats: 40, firstNumber: '5511970000001', since: now - 10 * DAY, until: now - 60 })).status).toBe(200);
		expect((await sandbox.post(`/_sandbox/instances/${instance}/history`, { messages: 20, chats: 1, firstNumber: '5511950000001', since: now - 60 * DAY, until: now - 40 * DAY })).status).toBe(200);
		ana = await openBrowser();
		await signIn(ana, server.url);
		await ana.page.getByRole('navigation').getByRole('button', { name: 'Canais' }).click();
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	it('"Sincronizar histórico" imports the last 30 days with a live progress bar', async () => {
		const { page } = ana;
		const card = page.getByRole('listitem', { name: 'Vendas' });
		const history = card.getByRole('region', { name: 'Histórico' });
		// Every text the run's status line shows, in order: the bar must move between the start and the end.
		// (A script as text: the tests compile without the DOM's types.)
		await page.evaluate(`(() => {
			const seen = [];
			window.syncTexts = seen;
			new MutationObserver(() => {
				const text = document.querySelector('.sync-run')?.textContent ?? '';
				if (text && seen[seen.length - 1] !== text) seen.push(text);
			}).observe(document.body, { subtree: true, childList: true, characterData: true });
		})()`);
		// A phone a little slow to answer, as a real one is: each page of a chat's messages takes 400 ms, so the run
		// lasts a few seconds and the bar has time to be seen moving.
		expect((await stack.sandbox.post('/_sandbox/faults', { route: '/chat/findMessages', latencyMs: 400 })).status).toBe(201);
		await history.getByLabel('Dias para trás').fill('30');
		await history.getByRole('button', { name: 'Sincronizar histórico' }).click();
		await history.getByText(/Sincronização concluída às \d\d:\d\d: 2\.000 mensagens importadas\./).waitFor({ timeout: 120_000 });
		const texts = (await page.evaluate('window.syncTexts')) as string[];
		// Part-way: fewer than the 41 chats done (40 in the window, one older), some messages in.
		expect(texts).toEqual(expect.arrayContaining([expect.stringMatching(/^([1-9]|[1-3]\d|40) de 41 conversas · [\d.]+ mensage(m|ns) importadas?/)]));
		const [run] = (await stack.server.call('GET', `/api/v1/channels/${channelId}/syncs`, admin)).json().data;
		expect(run).toMatchObject({ status: 'completed', days: 30, chatsTotal: 41, chatsDone: 41, messagesImported: 2000 });
		await stack.sandbox.request('DELETE', '/_sandbox/faults');
		await screenshot(page, 'channels-sync', { readme: true });
		// The imported chats are in the inbox, as history (not unread).
		await page.getByRole('navigation').getByRole('button', { name: 'Conversas' }).click();
		const list = (await stack.server.call('GET', '/api/v1/conversations?status=all&limit=100', admin)).json().data as Array<{ unreadCount: number }>;
		expect(list).toHaveLength(40);
		expect(list.every((c) => c.unreadCount === 0)).toBe(true);
		await page.getByRole('navigation').getByRole('button', { name: 'Canais' }).click();
	});

	it('"Ritmo de envio" saves the pace the outbox then applies; a bad value is refused with the reason', async () => {
		const { page } = ana;
		const card = page.getByRole('listitem', { name: 'Vendas' });
		await card.getByText('Ritmo de envio').click();
		const form = card.getByRole('form', { name: 'Ritmo de envio' });
		expect(await form.getByLabel('Mensagens por minuto').inputValue()).toBe('30');
		await form.getByLabel('Mensagens por minuto').fill('1');
		await form.getByLabel('Limite por dia').fill('200');
		await form.getByLabel('Aquecimento do número').uncheck();
		await form.getByLabel('Enviar só em um horário').check();
		await form.getByLabel('Dom').check();
		await form.getByLabel('Das (hora)').fill('18');
		await form.getByLabel('Até (hora)').fill('9');
		await form.getByRole('button', { name: 'Salvar ritmo' }).click();
		await form.getByRole('alert').getByText('A hora final precisa ser depois da inicial.').waitFor();
		await form.getByLabel('Das (hora)').fill('0');
		await form.getByLabel('Até (hora)').fill('24');
		await form.getByLabel('Fuso horário').fill('Marte/Base_Alfa');
		await form.getByRole('button', { name: 'Salvar ritmo' }).click();
		await form.getByRole('alert').getByText(/Não foi possível salvar: .*time zone/).waitFor();
		expect((await stack.server.call('GET', `/api/v1/channels/${channelId}`, admin)).json().settings.outbox).toBeUndefined();

		await form.getByLabel('Fuso horário').fill('America/Sao_Paulo');
		await form.getByRole('button', { name: 'Salvar ritmo' }).click();
		await form.getByRole('status').getByText('Ritmo salvo.').waitFor();
		const saved = (await stack.server.call('GET', `/api/v1/channels/${channelId}`, admin)).json().settings.outbox;
		expect(saved).toMatchObject({ perMinute: 1, dailyCap: 200, warmup: false, sendWindow: { startHour: 0, endHour: 24, days: [0, 1, 2, 3, 4, 5, 6], timeZone: 'America/Sao_Paulo' } });
		await screenshot(page, 'channels-pacing');

		// One proactive send a minute: a campaign of three is held back, and the page says so.
		const messages = Array.from({ length: 3 }, (_, i) => ({ to: `+55 11 96666-${String(2000 + i)}`, text: `Novidade ${i}` }));
		expect((await stack.server.call('POST', '/api/v1/messages/batch', admin, { channelId, messages })).statusCode).toBe(202);
		await page.getByRole('status').filter({ hasText: 'Mensagens em fila para evitar bloqueio.' }).waitFor();
		expect(ana.dialogs).toEqual([]);
	});
});
