import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { webp } from './support/media-files';
import { recordVideo } from './support/recorded-video';
import { BRUNO, customerSays, onlyConversation, setUpWorkspace, signIn, type CustomerMessage, type Workspace } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511944447777';
const HISTORY_CUSTOMER = '5511933330001';
const DAY = 24 * 3600;
const TIME_ZONE = 'America/Sao_Paulo';

// The browser's calendar (it runs in São Paulo's time zone): a day as YYYY-MM-DD, and a separator's label for it.
const calendarDay = (seconds: number) => new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(seconds * 1000));
function separatorLabel(seconds: number, now: number): string {
	if (calendarDay(seconds) === calendarDay(now)) return 'Hoje';
	if (calendarDay(seconds) === calendarDay(now - DAY)) return 'Ontem';
	return new Intl.DateTimeFormat('pt-BR', { timeZone: TIME_ZONE, day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(seconds * 1000));
}

/**
 * The chat pane as the attendant reads it: what a customer sends besides text (a video, a sticker, a location with a
 * map link, a contact card), a message edited and one deleted on the phone, the customer's "digitando…", the system
 * lines of assignments and status changes in the page's language, and an imported history with its days separated
 * and its older pages loading when scrolling up.
 */
describe.each(ADAPTERS.slice(0, 1))('the chat pane in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let workspace: Workspace;
	let ana: Browser;
	let conversationId: string;

	const say = (message: Omit<CustomerMessage, 'from'>) => customerSays(stack, workspace.channel.instance, { from: CUSTOMER, pushName: 'Rafaela Costa', ...message });
	const thread = () => ana.page.getByRole('list', { name: 'Mensagens' });

	beforeAll(async () => {
		stack = await startStack(open);
		workspace = await setUpWorkspace(stack, { attendants: [BRUNO], channelPrefix: 'thread' });
		await say({ text: 'Oi! Comprei ontem e tenho umas dúvidas.' });
		conversationId = await onlyConversation(stack, workspace.admin);
		ana = await openBrowser();
		await signIn(ana, stack.server.url);
		await ana.page.getByRole('button', { name: 'Rafaela Costa' }).click();
		await thread().getByText('Oi! Comprei ontem e tenho umas dúvidas.').waitFor();
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	it("shows the customer's video, sticker, location (with a map link) and contact card", async () => {
		const { page } = ana;
		const video = await recordVideo(ana.context, { width: 160, height: 120 });
		await say({ type: 'video', media: video.bytes.toString('base64'), mimetype: video.mimetype, caption: 'Olha como chegou a caixa' });
		await say({ type: 'sticker', media: webp(128, 128, [255, 196, 0]).toString('base64'), mimetype: 'image/webp' });
		await say({ type: 'location', location: { latitude: -23.5614, longitude: -46.6559, name: 'Loja da Paulista', address: 'Av. Paulista, 1000 - Bela Vista, São Paulo' } });
		await say({ type: 'contact', contact: { fullName: 'Carlos Lima', phoneNumber: '+55 11 95555-4444' } });

		// The video plays from the media store: the player knows its picture's size.
		const player = thread().getByLabel('🎥 Vídeo');
		await player.waitFor({ timeout: 60_000 });
		await eventually(async () => expect(await player.evaluate((el) => (el as unknown as { videoWidth: number }).videoWidth)).toBe(160), 60_000);
		await page.locator('.bubble-row', { has: page.getByLabel('🎥 Vídeo') }).getByText('Olha como chegou a caixa').waitFor();

		// The sticker at its size, decoded; nothing to enlarge, as on the phone.
		const sticker = thread().getByRole('img', { name: 'Figurinha' });
		await eventually(async () => expect(await sticker.evaluate((el) => (el as unknown as { complete: boolean; naturalWidth: number }).naturalWidth)).toBe(128), 60_000);
		const stickerRow = page.locator('.bubble-row', { has: page.getByRole('img', { name: 'Figurinha' }) });
		expect(await stickerRow.count()).toBe(1);
		expect(await stickerRow.getByRole('button', { name: 'Ampliar a foto' }).count()).toBe(0);

		// The place's name and address, and a link that opens the point on a map in a new tab.
		const place = page.locator('.bubble-row', { hasText: 'Loja da Paulista' });
		await place.getByText('Av. Paulista, 1000 - Bela Vista, São Paulo').waitFor();
		const map = place.getByRole('link', { name: 'Abrir no mapa' });
		const href = new URL((await map.getAttribute('href'))!);
		expect(`${href.origin}${href.pathname}`).toBe('https://www.google.com/maps/search/');
		expect(href.searchParams.get('query')).toBe('-23.5614,-46.6559');
		expect(await map.getAttribute('target')).toBe('_blank');
		expect(await map.getAttribute('rel')).toContain('noopener');

		// The contact card: the person's name and number from the vCard.
		const card = thread().getByRole('group', { name: 'Contato: Carlos Lima' });
		await card.getByText('Carlos Lima', { exact: true }).waitFor();
		await card.getByText('+55 11 95555-4444', { exact: true }).waitFor();
		await screenshot(page, 'thread-video-sticker-location-contact');
		expect(ana.dialogs).toEqual([]);
	});

	it('shows an edited message with its new text, and a deleted one as deleted', async () => {
		const { page } = ana;
		const late = await say({ text: 'Chego às 15h para buscar' });
		await thread().getByText('Chego às 15h para buscar').waitFor();
		expect((await stack.sandbox.post(`/_sandbox/instances/${workspace.channel.instance}/messages/${late}/edit`, { text: 'Chego às 16h para buscar' })).status).toBe(200);
		const edited = page.locator('.bubble-row', { hasText: 'Chego às 16h para buscar' });
		await edited.getByText('editada', { exact: true }).waitFor({ timeout: 60_000 });
		expect(await thread().getByText('Chego às 15h para buscar').count()).toBe(0);

		const secret = await say({ text: 'Meu CPF é 123.456.789-00' });
		const revoked = page.locator(`.bubble-row`, { hasText: 'Meu CPF é 123.456.789-00' });
		await revoked.waitFor();
		const messageId = await revoked.getAttribute('data-message-id');
		expect((await stack.sandbox.post(`/_sandbox/instances/${workspace.channel.instance}/messages/${secret}/revoke`)).status).toBe(200);
		const deleted = page.locator(`.bubble-row[data-message-id="${messageId}"]`);
		await deleted.getByText('Mensagem apagada').waitFor({ timeout: 60_000 });
		expect(await thread().getByText('Meu CPF é 123.456.789-00').count()).toBe(0);
		// Nothing to answer or react to on a deleted message.
		expect(await deleted.getByRole('button', { name: 'Responder' }).count()).toBe(0);
		await screenshot(page, 'thread-edited-deleted');
	});

	it('shows "digitando…" while the customer types and "gravando áudio…" while they record, and takes it away when they stop', async () => {
		const { page } = ana;
		const header = page.locator('.chat-header');
		const presence = (state: string) => stack.sandbox.post(`/_sandbox/instances/${workspace.channel.instance}/presence`, { from: CUSTOMER, presence: state });
		expect((await presence('composing')).status).toBe(200);
		await header.getByText('digitando…').waitFor({ timeout: 60_000 });
		await page.getByRole('complementary', { name: 'Lista de conversas' }).getByText('digitando…').waitFor();
		await screenshot(page, 'thread-customer-typing');
		expect((await presence('paused')).status).toBe(200);
		await header.getByText('digitando…').waitFor({ state: 'detached', timeout: 60_000 });
		await header.getByText('+5511944447777').waitFor();
		expect(await page.getByText('digitando…').count()).toBe(0);

		// Recording a voice note is said as such, in the header and in the list.
		expect((await presence('recording')).status).toBe(200);
		await header.getByText('gravando áudio…').waitFor({ timeout: 60_000 });
		await page.getByRole('complementary', { name: 'Lista de conversas' }).getByText('gravando áudio…').waitFor();
		expect(await page.getByText('digitando…').count()).toBe(0);
		expect((await presence('paused')).status).toBe(200);
		await header.getByText('gravando áudio…').waitFor({ state: 'detached', timeout: 60_000 });
	});

	it("writes assignments, transfers and status changes in the thread, in the page's language", async () => {
		const { page } = ana;
		const line = (text: string) => thread().getByRole('note').filter({ hasText: text });
		await page.getByRole('button', { name: 'Atribuir a mim' }).click();
		await line('Ana atribuiu a conversa a Ana').waitFor();
		await page.getByRole('button', { name: 'Transferir', exact: true }).click();
		const transfer = page.getByRole('form', { name: 'Transferir a conversa' });
		await transfer.getByLabel('Para', { exact: true }).selectOption({ label: 'Bruno' });
		await transfer.getByRole('button', { name: 'Transferir agora' }).click();
		await line('Ana transferiu a conversa de Ana para Bruno').waitFor();
		// Bruno hands it back through the API, with a note: the line arrives live.
		const attendants = (await stack.server.call('GET', '/api/v1/attendants', workspace.admin)).json().data as Array<{ id: string; email: string }>;
		const anaId = attendants.find((a) => a.email === 'ana@example.com')!.id;
		const back = await stack.server.call('POST', `/api/v1/conversations/${conversationId}/assignment`, workspace.attendants[BRUNO.email].authorization, { assigneeId: anaId, note: 'Ela quer trocar o tamanho' });
		expect(back.statusCode).toBe(200);
		await line('Bruno transferiu a conversa de Bruno para Ana: Ela quer trocar o tamanho').waitFor({ timeout: 60_000 });
		await page.getByLabel('Status da conversa').selectOption('resolved');
		await line('Ana resolveu a conversa').waitFor();
		await page.getByLabel('Status da conversa').selectOption('open');
		await line('Ana reabriu a conversa').waitFor();
		// The server's English words (its lines for the API) are not what a pt-BR attendant reads.
		expect(await thread().getByText(/the conversation/).count()).toBe(0);
		await screenshot(page, 'thread-system-lines');

		await page.getByLabel('Idioma').selectOption('en');
		const english = (text: string) => page.getByRole('list', { name: 'Messages' }).getByRole('note').filter({ hasText: text });
		await english('Ana transferred the conversation from Ana to Bruno').waitFor();
		await english('Ana reopened the conversation').waitFor();
		await page.getByLabel('Language').selectOption('pt-BR');
		await line('Ana resolveu a conversa').waitFor();
	});

	it("separates an imported history's days, and loads the older pages when scrolling up", async () => {
		const { page } = ana;
		// The phone holds 120 messages with this customer over the last three days; the history sync imports them.
		const now = Math.floor(Date.now() / 1000);
		const total = 120;
		const since = now - 3 * DAY;
		const until = now - 120;
		expect((await stack.sandbox.post(`/_sandbox/instances/${workspace.channel.instance}/history`, { messages: total, chats: 1, firstNumber: HISTORY_CUSTOMER, since, until })).status).toBe(200);
		expect((await stack.server.call('POST', `/api/v1/channels/${workspace.channel.id}/syncs`, workspace.admin, { days: 30, chats: [`${HISTORY_CUSTOMER}@s.whatsapp.net`] })).statusCode).toBe(202);
		await eventually(async () => {
			const [run] = (await stack.server.call('GET', `/api/v1/channels/${workspace.channel.id}/syncs`, workspace.admin)).json().data;
			expect(run).toMatchObject({ status: 'completed', messagesImported: total });
		}, 120_000);
		const list = (await stack.server.call('GET', '/api/v1/conversations?status=all&limit=100', workspace.admin)).json().data as Array<{ id: string; contact: { phoneE164: string } }>;
		const history = list.find((c) => c.contact.phoneE164 === `+${HISTORY_CUSTOMER}`)!;
		await page.goto(`${stack.server.url}/conversations/${history.id}`);

		// The newest page first (50 of the 120), at the bottom of the thread.
		const rows = page.locator('.bubble-row');
		await thread().getByText('Resposta 120', { exact: true }).waitFor({ timeout: 60_000 });
		expect(await rows.count()).toBe(50);
		expect(await thread().getByText('Mensagem 1', { exact: true }).count()).toBe(0);

		// The thread opens at its newest message.
		const scroller = page.locator('.messages');
		const atBottom = () => scroller.evaluate((el) => (({ scrollTop, scrollHeight, clientHeight }) => scrollHeight > clientHeight && scrollTop + clientHeight >= scrollHeight - 2)(el as unknown as { scrollTop: number; scrollHeight: number; clientHeight: number }));
		await eventually(async () => expect(await atBottom()).toBe(true));
		// Scrolled to the top, the older page comes in above, and the attendant keeps their place (not thrown to the top).
		const toTop = () => scroller.evaluate((el) => ((el as unknown as { scrollTop: number }).scrollTop = 0));
		await toTop();
		await eventually(async () => expect(await rows.count()).toBe(100), 60_000);
		expect(await scroller.evaluate((el) => (el as unknown as { scrollTop: number }).scrollTop)).toBeGreaterThan(0);
		await eventually(async () => {
			await toTop();
			expect(await thread().getByText('Mensagem 1', { exact: true }).count()).toBe(1);
		}, 60_000);
		expect(await rows.count()).toBe(total);
		expect(await page.getByRole('button', { name: 'Carregar mensagens anteriores' }).count()).toBe(0);

		// One separator per day, in order: the dates, then "Ontem" and "Hoje" (the days the seeded times fall on).
		const at = Math.floor(Date.now() / 1000);
		const times = Array.from({ length: total }, (_, index) => since + Math.floor(((until - since) * index) / (total - 1)));
		const expected = times.map((seconds) => separatorLabel(seconds, at)).filter((label, index, labels) => index === 0 || labels[index - 1] !== label);
		expect(expected.length).toBeGreaterThanOrEqual(3);
		expect(await thread().getByRole('separator').allTextContents()).toEqual(expected);
		await screenshot(page, 'thread-history-days');
		expect(ana.dialogs).toEqual([]);
	});
});
