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
