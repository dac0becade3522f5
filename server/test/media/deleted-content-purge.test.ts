import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually } from '../inbox/support/inbox-app';
import { LONG, startOutboxHarness, type OutboxHarness } from '../outbox/support/outbox-harness';

/**
 * A message deleted for everyone takes its content with it everywhere the server kept it: the message row (0017),
 * the captured file in the media store and the webhook audit copies (0065) — unless the workspace retains deleted
 * messages, and then until an admin turns that off. Against the sandbox: the customer sends an image with a caption
 * holding a CPF, then revokes it.
 */
describe.each(ADAPTERS)('deleted messages forget their files and audit copies on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	beforeAll(async () => {
		h = await startOutboxHarness(open, { MEDIA_SWEEP_INTERVAL_MS: '100', MEDIA_FETCH_GRACE_MS: '300', MEDIA_FETCH_RETRY_MS: '100' });
	});
	afterAll(async () => {
		await h?.close();
	});

	const setRetention = async (retainDeletedMessages: boolean) =>
		expect((await h.server.call('PATCH', '/api/v1/workspace/settings', h.admin, { retainDeletedMessages })).statusCode).toBe(200);

	/** The customer sends an image whose caption is a secret; answers once its file is stored. */
	async function receiveSecret(channel: { name: string; id: string }) {
		const secret = `CPF ${randomBytes(4).readUInt32BE()}-00`;
		const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(20_000)]);
		const from = `55119${String(70_000_000 + Math.floor(Math.random() * 9_000_000))}`;
		const sent = await h.sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'image', from, media: bytes.toString('base64'), caption: secret, mimetype: 'image/png' });
		expect(sent.status).toBeLessThan(300);
		const waMessageId = sent.body.message.key.id as string;
		const row = await eventually(async () => {
			const { rows } = await h.db.query<{ id: string; media_id: string; storage_key: string; status: string }>(
				`SELECT m.id, m.media_id, f.storage_key, f.status FROM whatsapp_messages m JOIN media_files f ON f.id = m.media_id WHERE m.channel_id = $1 AND m.wa_message_id = $2`,
				[channel.id, waMessageId],
			);
			expect(rows[0]?.status).toBe('stored');
			return rows[0];
		}, LONG);
		return { ...row, waMessageId, secret, path: join(h.server.runtime.config.dataDir, 'media', row.storage_key) };
	}

	const served = async (mediaId: string) => (await fetch(`${h.server.url}/api/v1/media/${mediaId}`, { headers: { authorization: h.admin } })).status;
	const auditCopiesHolding = async (text: string) =>
		Number((await h.db.query<{ n: string }>(`SELECT count(*) AS n FROM webhook_deliveries WHERE strpos(payload::text, $1) > 0`, [text])).rows[0].n);
	const revoke = async (channel: { name: string }, waMessageId: string) =>
		expect((await h.sandbox.post(`/_sandbox/instances/${channel.name}/messages/${waMessageId}/revoke`, {})).status).toBeLessThan(300);

	it('removes the file from the store and the message from the audit copies, and the file answers 404', async () => {
		await setRetention(false);
		const channel = await h.channel();
		const message = await receiveSecret(channel);
		expect(existsSync(message.path)).toBe(true);
		expect(await served(message.media_id)).toBe(200);
		expect(await auditCopiesHolding(message.secret)).toBeGreaterThan(0);

		await revoke(channel, message.waMessageId);
		await eventually(async () => {
			expect(await served(message.media_id)).toBe(404);
			expect(existsSync(message.path)).toBe(false);
			expect(await auditCopiesHolding(message.secret)).toBe(0);
			expect(await auditCopiesHolding(message.waMessageId)).toBe(0);
		}, LONG);
		// The rows stay, saying what happened: the message (deleted, no content) and the deliveries (redacted).
		const row = (await h.db.query('SELECT is_deleted, body, media_id FROM whatsapp_messages WHERE id = $1', [message.id])).rows[0];
		expect(row).toEqual({ is_deleted: true, body: null, media_id: null });
		const redacted = await h.db.query(`SELECT event FROM webhook_deliveries WHERE channel_id = $1 AND payload @> '{"redacted": true}'::jsonb`, [channel.id]);
		expect(redacted.rows.map((r) => r.event)).toContain('messages.upsert');
		// Nothing is left to do now; only the later looks for late copies (0085) wait in the queue.
		const queue = (await h.db.query<{ pass: number; files: number }>('SELECT pass, cardinality(media_keys) AS files FROM deleted_content_purges WHERE channel_id = $1', [channel.id])).rows;
		expect(queue.every((p) => p.pass > 0 && p.files === 0)).toBe(true);
	});

	it('redacts a copy that arrives after the purge: a retried delivery of the deleted message', async () => {
		await setRetention(false);
		const channel = await h.channel();
		const message = await receiveSecret(channel);
		const { body: deliveries } = await h.sandbox.get(`/_sandbox/deliveries?instance=${channel.name}&event=messages.upsert`);
		const upsert = (deliveries as Array<{ url: string; headers: Record<string, string>; body: { data?: { key?: { id?: string } } } }>).find(
			(d) => d.body.data?.key?.id === message.waMessageId,
		);
		expect(upsert).toBeDefined();
		await revoke(channel, message.waMessageId);
		await eventually(async () => expect(await auditCopiesHolding(message.secret)).toBe(0), LONG);

		// Evolution retries a delivery for about 20 minutes with a byte-identical body: this one comes after the purge ran.
		const retried = await fetch(upsert!.url, { method: 'POST', headers: { ...upsert!.headers, 'content-type': 'application/json' }, body: JSON.stringify(upsert!.body) });
		expect(retried.status).toBe(200);
		expect(await retried.json()).toMatchObject({ ok: true, outcome: 'duplicate' });
		// The purge looks again later (5 s, 2 min and 30 min after the deletion): its next pass is queued; bring it due
		// now rather than wait for the clock, and it forgets the late copy too.
		const later = await h.db.query(`UPDATE deleted_content_purges SET not_before = now() WHERE wa_message_id = $1 AND pass > 0 RETURNING pass`, [message.waMessageId]);
		expect(later.rows).toHaveLength(1);
		await eventually(async () => {
			expect(await auditCopiesHolding(message.secret)).toBe(0);
			expect(await auditCopiesHolding(message.waMessageId)).toBe(0);
		}, LONG);
		const row = (await h.db.query('SELECT is_deleted, body FROM whatsapp_messages WHERE id = $1', [message.id])).rows[0];
		expect(row).toEqual({ is_deleted: true, body: null });
	});

	it('keeps them while the workspace retains deleted messages, and forgets them when an admin turns that off', async () => {
		await setRetention(true);
		const channel = await h.channel();
		const message = await receiveSecret(channel);
		await revoke(channel, message.waMessageId);
		await eventually(async () => {
			const { rows } = await h.db.query<{ is_deleted: boolean }>('SELECT is_deleted FROM whatsapp_messages WHERE id = $1', [message.id]);
			expect(rows[0].is_deleted).toBe(true);
		}, LONG);
		// Given the purge a few sweeps to (wrongly) act: nothing may go while retention is on.
		await new Promise((resolve) => setTimeout(resolve, 1_000));
		expect(await served(message.media_id)).toBe(200);
		expect(existsSync(message.path)).toBe(true);
		expect(await auditCopiesHolding(message.secret)).toBeGreaterThan(0);

		await setRetention(false);
		await eventually(async () => {
			expect(await served(message.media_id)).toBe(404);
			expect(existsSync(message.path)).toBe(false);
			expect(await auditCopiesHolding(message.secret)).toBe(0);
		}, LONG);
	});

	it("leaves other messages' files and audit copies alone", async () => {
		await setRetention(false);
		const channel = await h.channel();
		const kept = await receiveSecret(channel);
		const deleted = await receiveSecret(channel);
		await revoke(channel, deleted.waMessageId);
		await eventually(async () => expect(existsSync(deleted.path)).toBe(false), LONG);
		expect(await served(kept.media_id)).toBe(200);
		expect(existsSync(kept.path)).toBe(true);
		expect(await auditCopiesHolding(kept.secret)).toBeGreaterThan(0);
	});
});
