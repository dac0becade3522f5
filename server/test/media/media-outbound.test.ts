import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { ADAPTERS, seedWorkspace, signIn } from '../inbox/support/inbox-app';
import { startOutboxHarness, type OutboxHarness } from '../outbox/support/outbox-harness';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Outbound media from the store: a file uploaded to POST /api/v1/media and sent by its mediaId reaches Evolution
 * (the sandbox) byte for byte, and a mediaId of another workspace is refused as unknown.
 */
describe.each(ADAPTERS)('sending a stored file by mediaId on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	beforeAll(async () => {
		h = await startOutboxHarness(open);
	});
	afterAll(async () => {
		await h?.close();
	});

	async function upload(authorization: string, bytes: Buffer, name: string, type: string) {
		const form = new FormData();
		form.append('file', new Blob([bytes], { type }), name);
		const response = await fetch(`${h.server.url}/api/v1/media`, { method: 'POST', headers: { authorization }, body: form });
		expect(response.status).toBe(201);
		return (await response.json()) as { id: string; sha256: string };
	}

	it('sends the uploaded bytes, and Evolution holds exactly them', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(30_000)]);
		const file = await upload(h.admin, bytes, 'proposta.pdf', 'application/pdf');
		expect(file.sha256).toBe(sha256(bytes));

		const answer = await h.server.call('POST', `/api/v1/conversations/${conversation.id}/messages`, h.admin, {
			type: 'document',
			caption: 'Segue a proposta',
			media: { mediaId: file.id },
			typing: false,
		});
		expect(answer.statusCode).toBe(202);
		// The queued row names its file at once (the thread shows it before WhatsApp's echo comes back), and the file
		// belongs to the message.
		expect(answer.json().media).toMatchObject({ id: file.id, fileName: 'proposta.pdf', mimeType: 'application/pdf' });
		const owner = await h.db.query<{ message_id: string }>('SELECT message_id FROM media_files WHERE id = $1', [file.id]);
		expect(owner.rows[0].message_id).toBe(answer.json().id);
		const sent = await h.waitRow(answer.json().id, (row) => row.wa_message_id !== null && ['sent', 'server_ack', 'delivered', 'read'].includes(row.status));
		// What the sandbox (Evolution) keeps for that message is the file we stored.
		const held = await h.sandbox.post(`/chat/getBase64FromMediaMessage/${channel.name}`, { message: { key: { id: sent.wa_message_id } }, convertToMp4: false });
		expect(held.status).toBe(201);
		expect(sha256(Buffer.from(held.body.base64 as string, 'base64'))).toBe(file.sha256);
		expect(held.body).toMatchObject({ mimetype: 'application/pdf', fileName: 'proposta.pdf' });
	});

	it('takes the file with the send as multipart/form-data: stored, sent byte for byte, idempotent by clientId', async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(20_000)]);
		const sendForm = (fields: Record<string, string>, file?: { bytes: Buffer; name: string; type: string }) => {
			const form = new FormData();
			for (const [name, value] of Object.entries(fields)) form.append(name, value);
			if (file) form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
			return fetch(`${h.server.url}/api/v1/conversations/${conversation.id}/messages`, { method: 'POST', headers: { authorization: h.admin }, body: form });
		};
		const photo = { bytes, name: 'vitrine.png', type: 'image/png' };

		// No type field: an image/* file is sent as an image. Fields may come before or after the file.
		const first = await sendForm({ caption: 'Nossa vitrine', clientId: 'form-send-1', typing: 'false' }, photo);
		expect(first.status).toBe(202);
		const message = (await first.json()) as { id: string; type: string; body: string; status: string; media: { id: string; mimeType: string; fileName: string } };
		expect(message).toMatchObject({ type: 'image', body: 'Nossa vitrine', status: 'queued', media: { mimeType: 'image/png', fileName: 'vitrine.png' } });
		const stored = await h.db.query<{ sha256: string; message_id: string; origin: string }>('SELECT sha256, message_id, origin FROM media_files WHERE id = $1', [message.media.id]);
		expect(stored.rows[0]).toEqual({ sha256: sha256(bytes), message_id: message.id, origin: 'upload' });

		const sent = await h.waitRow(message.id, (row) => row.wa_message_id !== null && ['sent', 'server_ack', 'delivered', 'read'].includes(row.status));
		const held = await h.sandbox.post(`/chat/getBase64FromMediaMessage/${channel.name}`, { message: { key: { id: sent.wa_message_id } }, convertToMp4: false });
		expect(sha256(Buffer.from(held.body.base64 as string, 'base64'))).toBe(sha256(bytes));

		// The same clientId again: the same message, nothing sent twice.
		const again = await sendForm({ clientId: 'form-send-1', typing: 'false', caption: 'Nossa vitrine' }, photo);
		expect(again.status).toBe(202);
		expect(((await again.json()) as { id: string }).id).toBe(message.id);
		const rows = await h.db.query("SELECT id FROM whatsapp_messages WHERE conversation_id = $1 AND direction = 'outbound'", [conversation.id]);
		expect(rows.rows).toEqual([{ id: message.id }]);
		expect((await h.sandbox.get(`/_sandbox/sends?instance=${channel.name}`)).body.sends).toHaveLength(1);

		// What a form cannot be: without a file, a type that has no file, a typing that is not a boolean.
		const noFile = await sendForm({ caption: 'sem arquivo' });
		expect(noFile.status).toBe(400);
		expect(((await noFile.json()) as { error: { message: string } }).error.message).toContain('"file"');
		const location = await sendForm({ type: 'location' }, photo);
		expect(location.status).toBe(400);
		expect(((await location.json()) as { error: { message: string } }).error.message).toContain('body.type');
		expect((await sendForm({ typing: 'maybe' }, photo)).status).toBe(400);
	});

	it("refuses another workspace's mediaId as unknown, and a malformed one the same way", async () => {
		const channel = await h.channel();
		const conversation = await h.conversation(channel);
		const other = await seedWorkspace(h.db, h.server.runtime.integrationsKey, { messages: 0 });
		const otherAdmin = (await signIn(h.server, other.admin.email)).authorization;
		const theirs = await upload(otherAdmin, randomBytes(500), 'theirs.pdf', 'application/pdf');
		for (const mediaId of [theirs.id, 'not-a-media-id']) {
			const answer = await h.server.call('POST', `/api/v1/conversations/${conversation.id}/messages`, h.admin, { type: 'document', media: { mediaId }, typing: false });
			expect({ mediaId, status: answer.statusCode }).toEqual({ mediaId, status: 404 });
			expect(answer.body).not.toContain('theirs.pdf');
		}
	});
});
