import { createHash, randomBytes, randomUUID } from 'node:crypto';
import nock from 'nock';
import type { Db } from '../../src/db/db';
import { SupabaseMediaStore } from '../../src/media/supabase-media-store';
import { createSupabaseServiceClient } from '../../src/supabase/supabase-client';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, signIn, startInboxApp } from '../inbox/support/inbox-app';

const SUPABASE_URL = 'https://mediastoretest.supabase.co';
const SERVICE_ROLE_KEY = `service-role-${randomUUID()}`;
const BUCKET = 'whatsapp-media';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * Supabase Storage's HTTP API as the server uses it, recorded from its documented answers: bucket creation (a
 * second one answers 400 with statusCode "409", as Storage does), object upload with x-upsert, authenticated download
 * with byte ranges (206), and removal by prefixes. Missing objects answer 400 with statusCode "404", as Storage does.
 */
function recordedStorage() {
	const buckets = new Map<string, { public: boolean }>();
	const objects = new Map<string, { bytes: Buffer; contentType: string }>();
	const calls: Array<{ method: string; path: string; apikey?: string; authorization?: string }> = [];
	const header = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
	nock(SUPABASE_URL)
		.persist()
		.post('/storage/v1/bucket')
		.reply(function (_uri, body) {
			calls.push({ method: 'POST', path: '/bucket', apikey: header(this.req.headers.apikey), authorization: header(this.req.headers.authorization) });
			const { name, public: isPublic } = body as { name: string; public: boolean };
			if (buckets.has(name)) return [400, { statusCode: '409', error: 'Duplicate', message: 'The resource already exists' }];
			buckets.set(name, { public: isPublic });
			return [200, { name }];
		})
		.post(/^\/storage\/v1\/object\/[^/]+\/.+/)
		.reply(function (uri, body) {
			const path = decodeURIComponent(uri.replace('/storage/v1/object/', ''));
			calls.push({ method: 'POST', path, apikey: header(this.req.headers.apikey), authorization: header(this.req.headers.authorization) });
			if (!buckets.has(path.split('/')[0])) return [400, { statusCode: '404', error: 'Bucket not found', message: 'Bucket not found' }];
			const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body as string, typeof body === 'string' && /^[0-9a-f]+$/.test(body) ? 'hex' : 'binary');
			objects.set(path, { bytes, contentType: header(this.req.headers['content-type']) ?? 'application/octet-stream' });
			return [200, { Key: path, Id: randomUUID() }];
		})
		.get(/^\/storage\/v1\/object\/authenticated\/.+/)
		.reply(function (uri) {
			const path = decodeURIComponent(uri.replace('/storage/v1/object/authenticated/', ''));
			calls.push({ method: 'GET', path, apikey: header(this.req.headers.apikey), authorization: header(this.req.headers.authorization) });
			const object = objects.get(path);
			if (!object) return [400, { statusCode: '404', error: 'not_found', message: 'Object not found' }];
			const range = /^bytes=(\d+)-(\d+)$/.exec(header(this.req.headers.range) ?? '');
			if (!range) return [200, object.bytes, { 'content-type': object.contentType }];
			const [start, end] = [Number(range[1]), Number(range[2])];
			return [206, object.bytes.subarray(start, end + 1), { 'content-type': object.contentType, 'content-range': `bytes ${start}-${end}/${object.bytes.length}` }];
		})
		.delete(/^\/storage\/v1\/object\/[^/]+$/)
		.reply(function (uri, body) {
			const bucket = uri.split('/').pop()!;
			calls.push({ method: 'DELETE', path: bucket, apikey: header(this.req.headers.apikey), authorization: header(this.req.headers.authorization) });
			const removed = (body as { prefixes: string[] }).prefixes.filter((key) => objects.delete(`${bucket}/${key}`));
			return [200, removed.map((name) => ({ name }))];
		});
	return { buckets, objects, calls };
}

// nock replaces the process's http client as soon as it is imported, and the test files that Jest runs one after another
// in a worker share that module: left on, every later file's HTTP went through its interceptor, whose passthrough
// sockets surfaced there as bare `connect ECANCELED` failures. This file puts it back when it is done.
afterAll(() => nock.restore());

describe.each(ADAPTERS)('media in Supabase Storage on %s (recorded HTTP)', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let authorization: string;
	let storage: ReturnType<typeof recordedStorage>;

	beforeAll(async () => {
		nock.disableNetConnect();
		nock.enableNetConnect('127.0.0.1');
		storage = recordedStorage();
		db = await openMigratedDb(open);
		server = await startInboxApp(db, { env: { SUPABASE_URL, SUPABASE_SERVICE_ROLE_KEY: SERVICE_ROLE_KEY } });
		const ws = await seedWorkspace(db, server.runtime.integrationsKey);
		authorization = (await signIn(server, ws.admin.email)).authorization;
	});
	afterAll(async () => {
		nock.cleanAll();
		nock.enableNetConnect();
		await server?.close();
		await db?.close();
	});

	const upload = async (bytes: Buffer, name: string, type: string) => {
		const form = new FormData();
		form.append('file', new Blob([bytes], { type }), name);
		const response = await fetch(`${server.url}/api/v1/media`, { method: 'POST', headers: { authorization }, body: form });
		return { status: response.status, json: (await response.json()) as { id: string; sha256: string } };
	};
	const download = async (id: string, headers: Record<string, string> = {}) => {
		const response = await fetch(`${server.url}/api/v1/media/${id}`, { headers: { authorization, ...headers } });
		return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
	};

	it('keeps uploads in a private bucket it creates, with the service key, and serves them back whole and in ranges', async () => {
		const bytes = Buffer.concat([Buffer.from('OggS'), randomBytes(30_000)]);
		const saved = await upload(bytes, 'áudio.ogg', 'audio/ogg');
		expect(saved.status).toBe(201);
		expect(storage.buckets.get(BUCKET)).toEqual({ public: false });
		const key = [...storage.objects.keys()].find((k) => k.endsWith(saved.json.id));
		expect(key).toBeDefined();
		expect(sha256(storage.objects.get(key!)!.bytes)).toBe(sha256(bytes));
		expect(storage.objects.get(key!)!.contentType).toBe('audio/ogg');

		const whole = await download(saved.json.id);
		expect(whole.status).toBe(200);
		expect(sha256(whole.bytes)).toBe(sha256(bytes));
		const part = await download(saved.json.id, { range: 'bytes=4-1003' });
		expect(part.status).toBe(206);
		expect(part.headers.get('content-range')).toBe(`bytes 4-1003/${bytes.length}`);
		expect(part.bytes.equals(bytes.subarray(4, 1004))).toBe(true);

		// Every call carried the service key; the bucket was created once, however many uploads.
		await upload(randomBytes(100), 'b.bin', 'application/octet-stream');
		expect(storage.calls.filter((c) => c.path === '/bucket')).toHaveLength(1);
		for (const call of storage.calls) expect(call).toMatchObject({ apikey: SERVICE_ROLE_KEY, authorization: `Bearer ${SERVICE_ROLE_KEY}` });
	});

	it('uses a bucket that already exists, removes files, and answers 410 (not 500) for a file gone from the bucket', async () => {
		const store = new SupabaseMediaStore(createSupabaseServiceClient({ url: SUPABASE_URL, serviceRoleKey: SERVICE_ROLE_KEY, privateChannels: true }), { url: SUPABASE_URL, serviceRoleKey: SERVICE_ROLE_KEY, bucket: BUCKET });
		await store.put('w/one', Buffer.from('um'), 'text/plain');
		expect(storage.objects.get(`${BUCKET}/w/one`)?.bytes.toString()).toBe('um');

		const saved = await upload(randomBytes(2_000), 'doc.pdf', 'application/pdf');
		const key = [...storage.objects.keys()].find((k) => k.endsWith(saved.json.id))!;
		await store.remove(key.slice(BUCKET.length + 1));
		expect(storage.objects.has(key)).toBe(false);
		const gone = await download(saved.json.id);
		expect(gone.status).toBe(410);
		expect(JSON.parse(gone.bytes.toString()).error.code).toBe('media_unavailable');
	});
});
