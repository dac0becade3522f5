import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually } from '../inbox/support/inbox-app';
import { LONG, startOutboxHarness, type OutboxHarness } from '../outbox/support/outbox-harness';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Inbound media kept in the store, against the sandbox: from the webhook's own base64 (checked against fileSha256 and
 * fileLength), and fetched in the background with getBase64FromMediaMessage when the webhook has none or its bytes
 * do not match. The bytes served by GET /api/v1/media/:id are the customer's, SHA-256 for SHA-256.
 */
describe.each(ADAPTERS)('inbound media capture on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	beforeAll(async () => {
		// Webhook bodies over 200 KB lose their base64 (a small limit, so a test file can be over it).
		h = await startOutboxHarness(open, { MEDIA_SWEEP_INTERVAL_MS: '100', MEDIA_FETCH_GRACE_MS: '300', MEDIA_FETCH_RETRY_MS: '100', WEBHOOK_BODY_LIMIT_MB: String(200 / 1024) });
	});
	afterAll(async () => {
		await h?.close();
	});

	/** The customer sends a file; answers our message row once its media is stored. */
	async function receive(channel: { name: string; id: string }, type: string, bytes: Buffer, extra: Record<string, unknown> = {}) {
		const from = `55119${String(80_000_000 + Math.floor(Math.random() * 9_000_000))}`;
		const sent = await h.sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type, from, media: bytes.toString('base64'), ...extra });
		expect(sent.status).toBeLessThan(300);
		const waMessageId = sent.body.message.key.id as string;
		return stored(channel.id, waMessageId);
	}

	async function stored(channelId: string, waMessageId: string) {
		return eventually(async () => {
			const { rows } = await h.db.query<{ id: string; media_id: string | null; status: string | null; attempts: number; error: string | null; sha256: string | null }>(
				`SELECT m.id, m.media_id, f.status, f.attempts, f.error, f.sha256 FROM whatsapp_messages m LEFT JOIN media_files f ON f.id = m.media_id
				 WHERE m.channel_id = $1 AND m.wa_message_id = $2`,
				[channelId, waMessageId],
			);
			expect(rows[0]?.status).toBe('stored');
			return { ...rows[0], waMessageId };
		}, LONG);
	}

	async function served(mediaId: string, headers: Record<string, string> = {}) {
		const response = await fetch(`${h.server.url}/api/v1/media/${mediaId}`, { headers: { authorization: h.admin, ...headers } });
		return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
	}

	it("keeps the file from the webhook's base64, byte for byte", async () => {
		const channel = await h.channel();
		const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(40_000)]);
		const message = await receive(channel, 'image', bytes, { caption: 'foto', mimetype: 'image/png' });
		expect(message.sha256).toBe(sha256(bytes));
		expect(message.attempts).toBe(0);
		const file = await served(message.media_id!);
		expect(file.status).toBe(200);
		expect(sha256(file.bytes)).toBe(sha256(bytes));
		expect(file.headers.get('content-type')).toBe('image/png');
		// The thread shows the message with its file.
		const conversationId = (await h.db.query<{ conversation_id: string }>('SELECT conversation_id FROM whatsapp_messages WHERE id = $1', [message.id])).rows[0].conversation_id;
		const thread = (await h.server.call('GET', `/api/v1/conversations/${conversationId}/messages`, h.admin)).json();
		expect(thread.data.find((m: { id: string }) => m.id === message.id).media).toMatchObject({ id: message.media_id, mimeType: 'image/png', sizeBytes: bytes.length });
	});

	it('fetches the file in the background when the webhook carries no base64 (voice note, with ranges)', async () => {
		const channel = await h.channel();
		// base64 off for this instance; Evolution loads the setting when it connects.
		const webhook = (await h.sandbox.get(`/webhook/find/${channel.name}`)).body;
		const set = await h.sandbox.post(`/webhook/set/${channel.name}`, { webhook: { enabled: true, url: webhook.url, headers: webhook.headers, events: webhook.events, base64: false } });
		expect(set.status).toBe(201);
		await h.sandbox.post(`/_sandbox/instances/${channel.name}/drop`, { reconnect: true });
		await eventually(async () => expect((await h.sandbox.get('/_sandbox')).body.instances.find((i: { name: string }) => i.name === channel.name)?.state).toBe('open'), LONG);

		const bytes = Buffer.concat([Buffer.from('OggS'), randomBytes(20_000)]);
		const message = await receive(channel, 'audio', bytes, { ptt: true });
		const deliveries = (await h.sandbox.get(`/_sandbox/deliveries?instance=${channel.name}&event=messages.upsert`)).body;
		const delivered = JSON.stringify(deliveries);
		expect(delivered).toContain(message.waMessageId);
		expect(delivered).not.toContain(bytes.toString('base64').slice(0, 64));

		expect(message.sha256).toBe(sha256(bytes));
		const whole = await served(message.media_id!);
		expect(sha256(whole.bytes)).toBe(sha256(bytes));
		const part = await served(message.media_id!, { range: 'bytes=4-1027' });
		expect(part.status).toBe(206);
		expect(part.bytes.equals(bytes.subarray(4, 1028))).toBe(true);
	});

	it('keeps the message of a webhook too large with its base64, and fetches the file in the background', async () => {
		const channel = await h.channel();
		const bytes = Buffer.concat([Buffer.from('\0\0\0 ftypisom'), randomBytes(400_000)]);
		const message = await receive(channel, 'video', bytes, { caption: 'vídeo grande', mimetype: 'video/mp4' });
		// It came in a webhook body over the limit (the sandbox sent it with base64), answered 200 (a 413 would have lost
		// the message: Evolution does not retry a 4xx), and the file was fetched afterwards.
		const deliveries = (await h.sandbox.get(`/_sandbox/deliveries?instance=${channel.name}&event=messages.upsert`)).body;
		const delivery = (deliveries.deliveries ?? deliveries).find((d: { payload?: unknown; body?: unknown }) => JSON.stringify(d).includes(message.waMessageId));
		expect(JSON.stringify(delivery)).toContain('"status":200');
		expect(message.sha256).toBe(sha256(bytes));
		const file = await served(message.media_id!);
		expect(sha256(file.bytes)).toBe(sha256(bytes));
	});

	it('retries the background fetch when getBase64FromMediaMessage fails, and keeps the file once it answers', async () => {
		const channel = await h.channel();
		await h.sandbox.post('/_sandbox/faults', { route: `/chat/getBase64FromMediaMessage/${channel.name}`, errorRate: 1, errorStatus: 500, times: 2 });
		// Over the webhook limit: the message comes without its bytes and the file must be fetched.
		const bytes = Buffer.concat([Buffer.from('\0\0\0 ftypisom'), randomBytes(300_000)]);
		const message = await receive(channel, 'video', bytes, { mimetype: 'video/mp4' });
		expect(message.attempts).toBe(2);
		expect(message.sha256).toBe(sha256(bytes));
		expect(sha256((await served(message.media_id!)).bytes)).toBe(sha256(bytes));
		const faults = (await h.sandbox.get('/_sandbox/faults')).body as Array<{ route: string; applied: number }>;
		expect(faults.find((f) => f.route === `/chat/getBase64FromMediaMessage/${channel.name}`)?.applied).toBe(2);
	});

	it("rejects a webhook whose base64 does not match fileSha256 (or fileLength), and fetches the right file", async () => {
		const channel = await h.channel();
		const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(8_000)]);
		const message = await receive(channel, 'document', bytes, { fileName: 'contrato.pdf', mimetype: 'application/pdf' });
		// The same delivery again, as if it arrived for the first time with its bytes corrupted on the way.
		const delivery = ((await h.sandbox.get(`/_sandbox/deliveries?instance=${channel.name}&event=messages.upsert`)).body as Array<{ url: string; headers: Record<string, string>; body: any }>).find(
			(d) => d.body?.data?.key?.id === message.waMessageId,
		)!;
		expect(delivery).toBeDefined();
		await h.db.query('DELETE FROM whatsapp_messages WHERE id = $1', [message.id]);
		await h.db.query('DELETE FROM media_files WHERE id = $1', [message.media_id]);
		for (const corrupt of [randomBytes(bytes.length), bytes.subarray(0, bytes.length - 1)]) {
			const body = structuredClone(delivery.body);
			body.data.message.base64 = corrupt.toString('base64');
			const secretHeader = Object.entries(delivery.headers).find(([name]) => name.toLowerCase() === 'x-webhook-secret')!;
			const posted = await fetch(delivery.url, { method: 'POST', headers: { 'content-type': 'application/json', [secretHeader[0]]: secretHeader[1] }, body: JSON.stringify(body) });
			expect(posted.status).toBe(200);
			const again = await stored(channel.id, message.waMessageId);
			// One attempt was the rejected base64; the fetch brought the right bytes.
			expect(again.attempts).toBeGreaterThanOrEqual(1);
			expect(again.sha256).toBe(sha256(bytes));
			expect(sha256((await served(again.media_id!)).bytes)).toBe(sha256(bytes));
			const { rows } = await h.db.query<{ id: string }>('SELECT id FROM whatsapp_messages WHERE channel_id = $1 AND wa_message_id = $2', [channel.id, message.waMessageId]);
			await h.db.query('DELETE FROM media_files WHERE id = (SELECT media_id FROM whatsapp_messages WHERE id = $1)', [rows[0].id]);
			await h.db.query('DELETE FROM whatsapp_messages WHERE id = $1', [rows[0].id]);
		}
	});
});
