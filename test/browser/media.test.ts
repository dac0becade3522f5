import { readFileSync } from 'node:fs';
import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { pdf, png, wav } from './support/media-files';
import { setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511955550001';
const PHOTO = png(160, 120, [0, 168, 132], [83, 189, 235]);
const VOICE = wav(1.5);
const RECEIPT = pdf('Pedido 123');

/**
 * Media both ways: a customer's photo (click to enlarge), voice note (a player that knows its length) and document
 * (name, size, a download with the same bytes) shown from the media store; the list's "📄 Documento" follows the
 * page's language; the attendant attaches a photo with a caption and a PDF, which go out through the sandbox.
 */
describe.each(ADAPTERS.slice(0, 1))('media in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let admin: string;
	let instance: string;

	beforeAll(async () => {
		stack = await startStack(open, { OUTBOX_TIME_SCALE: '0.01' });
		const workspace = await setUpWorkspace(stack, { channelPrefix: 'media' });
		admin = workspace.admin;
		instance = workspace.channel.instance;
		ana = await openBrowser();
		await signIn(ana, stack.server.url);
		await ana.page.getByText('Nenhuma conversa por aqui.').waitFor();
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	it("shows a customer's photo, voice note and document, and the list's line in the page's language", async () => {
		const { page } = ana;
		const say = (body: Record<string, unknown>) => stack.sandbox.post(`/_sandbox/instances/${instance}/messages`, { from: CUSTOMER, pushName: 'João Lima', ...body });
		await say({ type: 'image', media: PHOTO.toString('base64'), mimetype: 'image/png', caption: 'Olha o defeito' });
		await say({ type: 'audio', media: VOICE.toString('base64'), mimetype: 'audio/wav', ptt: true });
		await say({ type: 'document', media: RECEIPT.toString('base64'), mimetype: 'application/pdf', fileName: 'nota-fiscal.pdf' });

		const row = page.getByRole('button', { name: 'João Lima' });
		await row.getByText('📄 Documento').waitFor();
		expect(await row.textContent()).not.toContain('Document ');
		await row.click();
		const thread = page.getByRole('list', { name: 'Mensagens' });

		const photo = thread.getByRole('img', { name: 'Olha o defeito' });
		await photo.waitFor();
		await eventually(async () => expect(await photo.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(160));
		const voice = thread.getByLabel('🎤 Mensagem de voz');
		await voice.waitFor();
		await eventually(async () => expect(await voice.evaluate((audio) => Math.round((audio as unknown as { duration: number }).duration * 10))).toBe(15));
		await thread.getByText('nota-fiscal.pdf').waitFor();
		await screenshot(page, 'media-received', { readme: true });

		const [download] = await Promise.all([page.waitForEvent('download'), thread.getByRole('link', { name: 'Baixar nota-fiscal.pdf' }).click()]);
		expect(download.suggestedFilename()).toBe('nota-fiscal.pdf');
		expect(readFileSync((await download.path())!).equals(RECEIPT)).toBe(true);

		await thread.getByRole('button', { name: 'Ampliar a foto' }).click();
		const enlarged = page.getByRole('dialog', { name: '📷 Foto' });
		await enlarged.getByRole('img', { name: 'Olha o defeito' }).waitFor();
		await enlarged.getByRole('button', { name: 'Fechar' }).click();
		await enlarged.waitFor({ state: 'detached' });

		// The same line in English once the attendant switches.
		await page.getByLabel('Idioma').selectOption('en');
		await row.getByText('📄 Document', { exact: true }).waitFor();
		await screenshot(page, 'media-received-en');
		await page.getByLabel('Language').selectOption('pt-BR');
		await row.getByText('📄 Documento').waitFor();
		expect(ana.dialogs).toEqual([]);
	});

	it('sends a photo with a caption and a PDF: the bubbles show at once, the files go out and come back from the store', async () => {
		const { page } = ana;
		const thread = page.getByRole('list', { name: 'Mensagens' });
		await page.getByLabel('Escolher arquivo').setInputFiles({ name: 'vitrine.png', mimeType: 'image/png', buffer: PHOTO });
		await page.getByRole('group', { name: 'Anexo' }).getByText('vitrine.png').waitFor();
		await page.getByLabel('Digite uma mensagem').fill('Temos nessa cor');
		await page.getByLabel('Digite uma mensagem').press('Enter');
		const sentPhoto = page.locator('.bubble-row.ours', { hasText: 'Temos nessa cor' });
		await sentPhoto.getByRole('img', { name: 'Temos nessa cor' }).waitFor();
		await sentPhoto.getByRole('img', { name: /^(Entregue|Lida)$/ }).waitFor({ timeout: 60_000 });

		await page.getByLabel('Escolher arquivo').setInputFiles({ name: 'orçamento.pdf', mimeType: 'application/pdf', buffer: RECEIPT });
		await page.getByRole('button', { name: 'Enviar' }).click();
		const sentDoc = page.locator('.bubble-row.ours', { hasText: 'orçamento.pdf' });
		await sentDoc.getByRole('img', { name: /^(Entregue|Lida)$/ }).waitFor({ timeout: 60_000 });
		await thread.getByRole('link', { name: 'Baixar orçamento.pdf' }).waitFor();
		await screenshot(page, 'media-sent', { readme: true });

		// What WhatsApp got: one image with its caption and one document with its name.
		const sends = ((await stack.sandbox.get(`/_sandbox/sends?instance=${instance}`)).body as { sends: Array<{ messageType: string; text: string | null }> }).sends;
		expect(sends.map((s) => s.messageType).sort()).toEqual(['documentMessage', 'imageMessage']);
		expect(sends.find((s) => s.messageType === 'imageMessage')?.text).toBe('Temos nessa cor');
		// The stored rows name their files in the store, byte for byte what was attached.
		const { rows } = await stack.db.query<{ type: string; media_id: string }>(`SELECT type, media_id FROM whatsapp_messages WHERE from_me ORDER BY created_at`);
		expect(rows.map((r) => r.type)).toEqual(['image', 'document']);
		const token = admin.slice('Bearer '.length);
		for (const [index, expected] of [PHOTO, RECEIPT].entries()) {
			const answer = await fetch(`${stack.server.url}/api/v1/media/${rows[index].media_id}`, { headers: { authorization: `Bearer ${token}` } });
			expect(Buffer.from(await answer.arrayBuffer()).equals(expected)).toBe(true);
		}
		expect(ana.dialogs).toEqual([]);
	});
	it('records a voice note in the browser and sends it as one: the bubble plays it, WhatsApp gets an audio message', async () => {
		const { page } = ana;
		await page.getByRole('button', { name: 'Gravar áudio' }).click();
		const recording = page.getByRole('group', { name: 'Gravando áudio' });
		// The fake microphone records for real: wait until two seconds are in.
		await recording.getByRole('timer', { name: 'Gravando há 0:02' }).waitFor({ timeout: 30_000 });
		await screenshot(page, 'voice-recording');
		await recording.getByRole('button', { name: 'Enviar áudio' }).click();
		await recording.waitFor({ state: 'detached' });
		const sent = page.locator('.bubble-row.ours').filter({ has: page.getByLabel('🎤 Mensagem de voz') }).last();
		await sent.getByRole('img', { name: /^(Entregue|Lida|Ouvida)$/ }).waitFor({ timeout: 60_000 });

		const sends = ((await stack.sandbox.get(`/_sandbox/sends?instance=${instance}`)).body as { sends: Array<{ messageType: string }> }).sends;
		expect(sends.filter((s) => s.messageType === 'audioMessage')).toHaveLength(1);
		const { rows } = await stack.db.query<{ type: string; media_id: string }>(`SELECT type, media_id FROM whatsapp_messages WHERE from_me AND type = 'audio'`);
		expect(rows).toHaveLength(1);
		const answer = await fetch(`${stack.server.url}/api/v1/media/${rows[0].media_id}`, { headers: { authorization: admin } });
		expect(answer.headers.get('content-type')).toMatch(/^audio\/(webm|ogg)/);
		const bytes = Buffer.from(await answer.arrayBuffer());
		// A real recording: a WebM (EBML) or OGG container of some size, not an empty blob.
		expect(bytes.subarray(0, 4).toString('hex') === '1a45dfa3' || bytes.subarray(0, 4).toString('latin1') === 'OggS').toBe(true);
		expect(bytes.length).toBeGreaterThan(2_000);
		// The page plays what it sent back from the store: the player knows its length.
		const player = sent.getByLabel('🎤 Mensagem de voz');
		await eventually(async () => expect(await player.evaluate((audio) => (audio as unknown as { readyState: number }).readyState)).toBeGreaterThan(0), 30_000);
		expect(ana.dialogs).toEqual([]);
	});
});
