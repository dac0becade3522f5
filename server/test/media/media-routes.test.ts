import { createHash, randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from '../inbox/support/inbox-app';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
// 50 KB: small enough that the test can go over it cheaply.
const LIMIT_MB = '0.05';
const LIMIT_BYTES = Math.round(0.05 * 1024 * 1024);

async function upload(server: InboxApp, authorization: string, bytes: Buffer, name: string, type: string, fields: Record<string, string> = {}) {
	const form = new FormData();
	for (const [key, value] of Object.entries(fields)) form.append(key, value);
	form.append('file', new Blob([bytes], { type }), name);
	const response = await fetch(`${server.url}/api/v1/media`, { method: 'POST', headers: { authorization }, body: form });
	const text = await response.text();
	return { status: response.status, body: text, json: () => JSON.parse(text) };
}

async function download(server: InboxApp, authorization: string, path: string, headers: Record<string, string> = {}) {
	const response = await fetch(`${server.url}${path}`, { headers: { authorization, ...headers } });
	return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe.each(ADAPTERS)('media store routes on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let a: SeededWorkspace;
	let b: SeededWorkspace;
	let authA: string;
	let authB: string;

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db, { env: { MEDIA_MAX_UPLOAD_MB: LIMIT_MB } });
		a = await seedWorkspace(db, server.runtime.integrationsKey);
		b = await seedWorkspace(db, server.runtime.integrationsKey);
		authA = (await signIn(server, a.agent.email)).authorization;
		authB = (await signIn(server, b.admin.email)).authorization;
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it('keeps an upload and serves the same bytes back, with its SHA-256, type and file name', async () => {
		const bytes = randomBytes(20_000);
		const saved = await upload(server, authA, bytes, 'relatório de março.pdf', 'application/pdf');
		expect(saved.status).toBe(201);
		const file = saved.json();
		expect(file).toMatchObject({ origin: 'upload', status: 'stored', sha256: sha256(bytes), sizeBytes: bytes.length, contentType: 'application/pdf', fileName: 'relatório de março.pdf' });
		expect(JSON.stringify(file)).not.toMatch(/storage|\/media\//i);

		const served = await download(server, authA, `/api/v1/media/${file.id}`);
		expect(served.status).toBe(200);
		expect(sha256(served.bytes)).toBe(sha256(bytes));
		expect(served.headers.get('content-type')).toBe('application/pdf');
		expect(served.headers.get('content-length')).toBe(String(bytes.length));
		expect(served.headers.get('accept-ranges')).toBe('bytes');
		// A PDF downloads, under its own (UTF-8) name.
		expect(served.headers.get('content-disposition')).toBe(`attachment; filename="relat_rio de mar_o.pdf"; filename*=UTF-8''relat%C3%B3rio%20de%20mar%C3%A7o.pdf`);

		const info = await server.call('GET', `/api/v1/media/${file.id}/info`, authA);
		expect(info.json()).toEqual(file);
	});

	it('answers byte ranges of audio and video (206 with Content-Range), and 416 past the end', async () => {
		const bytes = randomBytes(10_000);
		const file = (await upload(server, authA, bytes, 'voice.ogg', 'audio/ogg', { durationSeconds: '7' })).json();
		expect(file.durationSeconds).toBe(7);

		const middle = await download(server, authA, `/api/v1/media/${file.id}`, { range: 'bytes=100-1099' });
		expect(middle.status).toBe(206);
		expect(middle.headers.get('content-range')).toBe(`bytes 100-1099/${bytes.length}`);
		expect(middle.headers.get('content-length')).toBe('1000');
		expect(middle.bytes.equals(bytes.subarray(100, 1100))).toBe(true);
		expect(middle.headers.get('content-disposition')).toMatch(/^inline; filename="voice.ogg"/);

		const open = await download(server, authA, `/api/v1/media/${file.id}`, { range: 'bytes=9000-' });
		expect(open.status).toBe(206);
		expect(open.bytes.equals(bytes.subarray(9000))).toBe(true);

		const suffix = await download(server, authA, `/api/v1/media/${file.id}`, { range: 'bytes=-16' });
		expect(suffix.headers.get('content-range')).toBe(`bytes ${bytes.length - 16}-${bytes.length - 1}/${bytes.length}`);
		expect(suffix.bytes.equals(bytes.subarray(bytes.length - 16))).toBe(true);

		const beyond = await download(server, authA, `/api/v1/media/${file.id}`, { range: `bytes=${bytes.length}-` });
		expect(beyond.status).toBe(416);
		expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

		// Chunk by chunk, the way a player streams it, the file comes back whole.
		const chunks: Buffer[] = [];
		for (let start = 0; start < bytes.length; start += 4096) {
			const end = Math.min(start + 4095, bytes.length - 1);
			chunks.push((await download(server, authA, `/api/v1/media/${file.id}`, { range: `bytes=${start}-${end}` })).bytes);
		}
		expect(sha256(Buffer.concat(chunks))).toBe(file.sha256);
	});

	it('refuses a file over the size limit with a clear 413, and non-multipart bodies with 415', async () => {
		const tooBig = await upload(server, authA, randomBytes(LIMIT_BYTES + 1), 'big.bin', 'application/octet-stream');
		expect(tooBig.status).toBe(413);
		expect(tooBig.json().error).toEqual({ code: 'payload_too_large', message: expect.stringMatching(/larger than the 51 KB upload limit/) });
		const atLimit = await upload(server, authA, randomBytes(LIMIT_BYTES), 'fits.bin', 'application/octet-stream');
		expect(atLimit.status).toBe(201);

		const json = await server.call('POST', '/api/v1/media', authA, { file: 'aGVsbG8=' });
		expect(json.statusCode).toBe(415);
		expect(json.json().error.message).toMatch(/multipart\/form-data/);
		const empty = await upload(server, authA, Buffer.alloc(0), 'empty.txt', 'text/plain');
		expect(empty.status).toBe(400);
		expect((await upload(server, authA, randomBytes(10), 'x.bin', 'application/octet-stream', { durationSeconds: 'long' })).status).toBe(400);
	});

	it('keeps files to their workspace: 404 from another one, 401 without a sign-in', async () => {
		const bytes = randomBytes(1000);
		const file = (await upload(server, authA, bytes, 'photo.jpg', 'image/jpeg')).json();
		const fromB = await download(server, authB, `/api/v1/media/${file.id}`);
		expect(fromB.status).toBe(404);
		expect(fromB.bytes.includes(bytes)).toBe(false);
		expect((await server.call('GET', `/api/v1/media/${file.id}/info`, authB)).statusCode).toBe(404);
		expect((await fetch(`${server.url}/api/v1/media/${file.id}`)).status).toBe(401);
		expect((await upload(server, 'Bearer nope', bytes, 'photo.jpg', 'image/jpeg')).status).toBe(401);
		expect((await download(server, authA, '/api/v1/media/not-a-uuid')).status).toBe(400);
	});

	it('shows the media id, type, size, duration and file name on the message in a thread', async () => {
		const bytes = randomBytes(3000);
		const file = (await upload(server, authA, bytes, 'clip.mp4', 'video/mp4', { durationSeconds: '12' })).json();
		const messageId = a.messageIds[0];
		await db.query(
			`UPDATE whatsapp_messages SET type = 'video', media_id = $3, media_mime_type = 'video/mp4', media_size_bytes = $4, media_duration_seconds = 12, media_file_name = 'clip.mp4'
			 WHERE workspace_id = $1 AND id = $2`,
			[a.workspaceId, messageId, file.id, bytes.length],
		);
		const thread = await server.call('GET', `/api/v1/conversations/${a.conversationId}/messages`, authA);
		expect(thread.statusCode).toBe(200);
		const message = thread.json().data.find((m: { id: string }) => m.id === messageId);
		expect(message.media).toMatchObject({ id: file.id, mimeType: 'video/mp4', sizeBytes: bytes.length, durationSeconds: 12, fileName: 'clip.mp4' });
	});
});
