import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { registerWebhookRoutes } from '../../src/ingest/webhook.routes';
import { createLogger } from '../../src/logging/logger';
import { ADAPTERS, type FixtureJson, evolutionFixture } from '../support/ingest-database';
import { startIngestHarness, type IngestHarness } from '../support/ingest-harness';

describe.each(ADAPTERS)('POST /webhooks/:provider/:channelId on %s', (_name, open) => {
	let h: IngestHarness;
	let app: FastifyInstance;
	const lines: string[] = [];
	let base = '';
	beforeAll(async () => {
		h = await startIngestHarness(open);
		app = Fastify();
		const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
		registerWebhookRoutes(app, h.ingest, logger, { bodyLimit: 64 * 1024 });
		base = await app.listen({ port: 0, host: '127.0.0.1' });
	});
	afterAll(async () => {
		await app.close();
		await h.close();
	});
	const post = async (payload: string | object, headers: Record<string, string> = {}, provider = 'evolution', channelId = h.channelId) => {
		const response = await fetch(`${base}/webhooks/${provider}/${channelId}`, {
			method: 'POST',
			body: typeof payload === 'string' ? payload : JSON.stringify(payload),
			headers: { 'content-type': 'application/json', 'x-webhook-secret': h.webhookSecret, ...headers },
		});
		const text = await response.text();
		return { statusCode: response.status, json: () => JSON.parse(text) };
	};

	it('answers 200 and publishes a realtime event for a valid delivery', async () => {
		const response = await post(evolutionFixture('messages.upsert-text-conversation'));
		expect(response.statusCode).toBe(200);
		expect(response.json()).toEqual({ ok: true, outcome: 'processed' });
		await h.ingest.drain();
		const created = h.events.find((e) => e.type === 'message.created');
		expect(created?.data.message).toMatchObject({ waMessageId: '3A5F1C2B9E8D7A6B5C4D', direction: 'inbound', body: 'Oi! Vocês entregam no sábado?', reactions: [] });
		expect((await post(evolutionFixture('messages.upsert-text-conversation'))).json()).toEqual({ ok: true, outcome: 'duplicate' });
		expect((await post(evolutionFixture('chats.upsert'))).json()).toMatchObject({ ok: true, outcome: 'ignored' });
	});

	it('401 without or with a wrong secret, 404 for an unknown channel or the wrong provider; secrets never logged', async () => {
		expect((await post({}, { 'x-webhook-secret': 'wrong' })).statusCode).toBe(401);
		const missing = await fetch(`${base}/webhooks/evolution/${h.channelId}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
		expect(missing.status).toBe(401);
		expect((await post({}, {}, 'evolution', '00000000-0000-0000-0000-000000000000')).statusCode).toBe(404);
		expect((await post({}, {}, 'evolution', 'not-a-uuid')).statusCode).toBe(404);
		expect((await post({}, {}, 'waha')).statusCode).toBe(404);
		expect(lines.join('\n')).not.toContain(h.webhookSecret);
	});

	it('413 over the size limit, 400 for malformed JSON, 422 for an unknown shape — each with a reason and a log line', async () => {
		const big = await post(JSON.stringify({ event: 'messages.upsert', data: { pad: 'x'.repeat(70 * 1024) } }));
		expect(big.statusCode).toBe(413);
		expect(big.json()).toMatchObject({ error: 'payload_too_large', reason: expect.any(String) });
		const malformed = await post('{"event": "messages.upsert", ');
		expect(malformed.statusCode).toBe(400);
		expect(malformed.json()).toMatchObject({ error: 'invalid_webhook', reason: expect.stringContaining('not valid JSON') });
		const unknown = await post({ event: 'messages.upsert', data: { nothing: true } });
		expect(unknown.statusCode).toBe(422);
		expect(unknown.json().reason).toContain('data.key');
		// 413 and 400 are logged by the route; the 422 by the ingest service's logger (silent in this harness).
		expect(lines.filter((l) => l.includes('webhook rejected')).length).toBeGreaterThanOrEqual(2);
		// The server keeps answering.
		expect((await post(evolutionFixture('presence.update-composing'))).statusCode).toBe(200);
	});

	it('stores a message whose base64 media makes the body too large, without the media (fetched later), and logs why', async () => {
		const image = evolutionFixture('messages.upsert-image') as FixtureJson & { data: { key: { id: string }; message: Record<string, unknown> } };
		const waMessageId = `BIGMEDIA${Date.now()}`;
		const base64 = Buffer.alloc(200 * 1024, 7).toString('base64');
		const body = { ...image, data: { ...image.data, key: { ...image.data.key, id: waMessageId }, message: { ...image.data.message, base64 } } };
		const answer = await post(body);
		expect({ status: answer.statusCode, body: answer.json() }).toEqual({ status: 200, body: { ok: true, outcome: 'processed' } });
		await h.ingest.drain();
		const { rows } = await h.db.query<{ type: string }>('SELECT type FROM whatsapp_messages WHERE wa_message_id = $1', [waMessageId]);
		expect(rows).toEqual([{ type: 'image' }]);
		expect(lines.some((l) => l.includes('base64 media left out'))).toBe(true);
		// The audit copy is the body without the file, not a refusal.
		const audit = await h.db.query<{ outcome: string; http_status: number }>(`SELECT outcome, http_status FROM webhook_deliveries WHERE strpos(payload::text, $1) > 0`, [waMessageId]);
		expect(audit.rows).toEqual([{ outcome: 'processed', http_status: 200 }]);
	});

	it('logs rejections, not every accepted delivery (the audit table keeps those)', async () => {
		const appLines: string[] = [];
		const logger = createLogger({ level: 'info', destination: { write: (line: string) => appLines.push(line) } });
		const logged = Fastify({ loggerInstance: logger as FastifyBaseLogger }) as unknown as FastifyInstance;
		registerWebhookRoutes(logged, h.ingest, logger);
		const url = await logged.listen({ port: 0, host: '127.0.0.1' });
		appLines.length = 0; // "Server listening at …"
		try {
			const body = evolutionFixture('messages.upsert-text-conversation');
			body.data.key.id = '3A00LOG0000000000001';
			const accepted = await fetch(`${url}/webhooks/evolution/${h.channelId}`, {
				method: 'POST',
				body: JSON.stringify(body),
				headers: { 'content-type': 'application/json', 'x-webhook-secret': h.webhookSecret },
			});
			expect(accepted.status).toBe(200);
			expect(appLines).toEqual([]);
			const refused = await fetch(`${url}/webhooks/evolution/${h.channelId}`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', 'x-webhook-secret': 'wrong' } });
			expect(refused.status).toBe(401);
			expect(appLines.map((l) => JSON.parse(l).msg)).toContain('webhook with a missing or wrong secret');
		} finally {
			await logged.close();
		}
	});

	it('stores a payload carrying NUL characters (which PostgreSQL cannot hold) without them, instead of failing forever', async () => {
		const fixture = evolutionFixture('messages.upsert-text-conversation') as { data: { key: { id: string }; pushName: string; message: { conversation: string } } };
		fixture.data.key.id = '3A00NUL0000000000001';
		fixture.data.pushName = 'Ana\u0000 Paula';
		fixture.data.message.conversation = 'oi\u0000 tudo bem?';
		const response = await post(fixture);
		expect(response.statusCode).toBe(200);
		expect(response.json()).toEqual({ ok: true, outcome: 'processed' });
		const { rows } = await h.db.query<{ body: string }>('SELECT body FROM whatsapp_messages WHERE wa_message_id = $1', ['3A00NUL0000000000001']);
		expect(rows).toEqual([{ body: 'oi tudo bem?' }]);
		// A literal backslash-u sequence is text, not a NUL, and survives untouched.
		const literal = evolutionFixture('messages.upsert-text-conversation') as typeof fixture;
		literal.data.key.id = '3A00NUL0000000000002';
		literal.data.message.conversation = 'path C:\\u0000dir and \u0000';
		expect((await post(literal)).statusCode).toBe(200);
		const stored = await h.db.query<{ body: string }>('SELECT body FROM whatsapp_messages WHERE wa_message_id = $1', ['3A00NUL0000000000002']);
		expect(stored.rows).toEqual([{ body: 'path C:\\u0000dir and ' }]);
	});
});

describe.each(ADAPTERS)('WAHA webhooks on %s', (_name, open) => {
	let h: IngestHarness;
	beforeAll(async () => {
		h = await startIngestHarness(open, 'waha');
	});
	afterAll(async () => {
		await h.close();
	});

	it('stores a WAHA message and applies its ack through the same pipeline', async () => {
		const payload = { id: 'false_5511977778888@c.us_3EB0AABBCCDDEEFF001122', timestamp: 1763800000, from: '5511977778888@c.us', fromMe: false, to: '5511999990000@c.us', body: 'Olá via WAHA', hasMedia: false, ack: 2, ackName: 'DEVICE', _data: { notifyName: 'Bruna' } };
		expect(await h.deliver({ event: 'message', session: 'default', payload })).toMatchObject({ status: 200, body: { outcome: 'processed' } });
		const out = { ...payload, id: 'true_5511977778888@c.us_3EB0FFEE', fromMe: true, from: '5511999990000@c.us', to: '5511977778888@c.us', body: 'Resposta', ack: 1, ackName: 'SERVER' };
		await h.deliver({ event: 'message.any', session: 'default', payload: out });
		await h.deliver({ event: 'message.ack', session: 'default', payload: { ...out, ack: 3, ackName: 'READ' } });
		const { rows } = await h.db.query<Record<string, FixtureJson>>('SELECT wa_message_id, direction, status, body FROM whatsapp_messages WHERE workspace_id = $1 ORDER BY wa_message_id', [h.workspaceId]);
		expect(rows).toEqual([
			{ wa_message_id: '3EB0AABBCCDDEEFF001122', direction: 'inbound', status: 'delivered', body: 'Olá via WAHA' },
			{ wa_message_id: '3EB0FFEE', direction: 'outbound', status: 'read', body: 'Resposta' },
		]);
		const contact = (await h.db.query<Record<string, FixtureJson>>('SELECT phone_e164, push_name FROM contacts WHERE workspace_id = $1', [h.workspaceId])).rows[0];
		expect(contact).toEqual({ phone_e164: '+5511977778888', push_name: 'Bruna' });
		expect(await h.deliver({ event: 'message', payload: { nope: 1 } })).toMatchObject({ status: 422 });
	});
});
