/**
 * A client that goes away in the middle of a file download (a browser tab closed, n8n's download cut short) must
 * cost the server nothing: no 500 written over a half-sent file, no unhandled rejection (which ends the process),
 * and the next download is served whole.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, signIn, startInboxApp } from '../inbox/support/inbox-app';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
// Far more than the socket buffers hold, so the server is still writing when the client resets the connection.
const FILE_BYTES = 24 * 1024 * 1024;

/** GETs `path` over a raw socket, reads the first chunk of the answer, then resets the connection (RST). */
function downloadThenReset(url: string, path: string, authorization: string): Promise<string> {
	const { hostname, port } = new URL(url);
	return new Promise((resolve, reject) => {
		const socket = connect(Number(port), hostname, () => {
			socket.write(`GET ${path} HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: ${authorization}\r\nConnection: close\r\n\r\n`);
		});
		socket.once('data', (chunk: Buffer) => {
			socket.resetAndDestroy();
			resolve(chunk.toString('latin1').split('\r\n')[0]);
		});
		socket.once('error', reject);
	});
}

describe.each(ADAPTERS)('a media download cut short by the client on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	const rejections: unknown[] = [];
	const onRejection = (reason: unknown) => rejections.push(reason);

	beforeAll(async () => {
		process.on('unhandledRejection', onRejection);
		db = await openMigratedDb(open);
		server = await startInboxApp(db, { env: { MEDIA_MAX_UPLOAD_MB: '32' } });
	});
	afterAll(async () => {
		process.off('unhandledRejection', onRejection);
		await server.close();
		await db.close();
	});

	it('leaves the server up and the next download whole', async () => {
		const workspace = await seedWorkspace(db, server.runtime.integrationsKey);
		const { authorization } = await signIn(server, workspace.agent.email);
		const bytes = randomBytes(FILE_BYTES);
		const form = new FormData();
		form.append('file', new Blob([bytes], { type: 'video/mp4' }), 'campanha.mp4');
		const uploaded = await fetch(`${server.url}/api/v1/media`, { method: 'POST', headers: { authorization }, body: form });
		expect(uploaded.status).toBe(201);
		const { id } = (await uploaded.json()) as { id: string };

		for (let attempt = 0; attempt < 8; attempt++) {
			expect(await downloadThenReset(server.url, `/api/v1/media/${id}`, authorization)).toBe('HTTP/1.1 200 OK');
		}
		// A ranged read (a video player seeking) cut short as well.
		expect(await downloadThenReset(server.url, `/api/v1/media/${id}?download=1`, authorization)).toBe('HTTP/1.1 200 OK');

		const whole = await fetch(`${server.url}/api/v1/media/${id}`, { headers: { authorization } });
		expect(whole.status).toBe(200);
		expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(bytes));
		// Give a late rejection of the cut-short replies the chance to surface before the check.
		await new Promise((resolve) => setImmediate(resolve));
		expect(rejections).toEqual([]);
	});
});
