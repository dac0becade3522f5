import { MAX_JSON_DEPTH } from '../../src/http/bounded-json';
import { textWebhook } from '../support/ingest-database';
import { ADAPTERS, type HostileServer, nestedText, startHostileServer } from '../security/support/hostile-server';

/**
 * Each class of hostile or broken webhook body that once answered 5xx (and made Evolution retry it for 20 minutes)
 * or took the process down: now a 4xx, or a 2xx storing what can be stored, and the server healthy after.
 */
describe.each(ADAPTERS)('hostile webhook bodies on %s', (_name, open) => {
	let h: HostileServer;
	let n = 0;
	const nextId = () => `3AHOSTILE${String(++n).padStart(8, '0')}`;
	beforeAll(async () => {
		h = await startHostileServer(open);
	});
	afterAll(async () => {
		await h?.close();
	});
	afterEach(async () => {
		expect(await h.healthy()).toBe(true);
	});

	const stored = async (waMessageId: string) =>
		(await h.db.query<{ body: string | null }>('SELECT body FROM whatsapp_messages WHERE wa_message_id = $1', [waMessageId])).rows[0];
	const audit = async () =>
		(await h.db.query<{ payload: unknown }>('SELECT payload FROM webhook_deliveries WHERE workspace_id = $1 ORDER BY id DESC LIMIT 1', [h.seeded.workspaceId])).rows[0];

	it('JSON nested thousands of levels deep: 400 body_too_deep, for arrays, objects and inside a real event', async () => {
		for (const text of [
			nestedText(10_000),
			'{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000),
			JSON.stringify(textWebhook({ id: nextId() })).replace('"Oi!"', nestedText(MAX_JSON_DEPTH + 1, '"x"')),
		]) {
			const answer = await h.webhook(text);
			expect(answer.statusCode).toBe(400);
			expect(answer.json()).toMatchObject({ error: 'body_too_deep', reason: expect.stringContaining(String(MAX_JSON_DEPTH)) });
		}
		// Brackets inside strings are text, not nesting.
		const id = nextId();
		const answer = await h.webhook(textWebhook({ id, text: '['.repeat(5000) + ' "\\" {{{' }));
		expect(answer.statusCode).toBe(200);
		expect((await stored(id)).body).toBe('['.repeat(5000) + ' "\\" {{{');
	});

	it('unpaired UTF-16 surrogates (a name cut mid-emoji) in text, names and keys: stored with U+FFFD, audited', async () => {
		const id = nextId();
		const body = JSON.stringify(textWebhook({ id, phone: '5511977770001', text: 'fim 😀 e meio TEXT_HALF', pushName: 'Maria NAME_HALF' }))
			.replace('TEXT_HALF', '\\udE00 e \\ud83d')
			.replace('NAME_HALF', '\\uD83D')
			.replace('"source":', '"\\udc00key":1,"source":');
		const answer = await h.webhook(body);
		expect(answer.statusCode).toBe(200);
		expect(answer.json()).toMatchObject({ ok: true, outcome: 'processed' });
		expect((await stored(id)).body).toBe('fim 😀 e meio \uFFFD e \uFFFD');
		const contact = (await h.db.query<{ push_name: string }>('SELECT push_name FROM contacts WHERE wa_jid = $1', ['5511977770001@s.whatsapp.net'])).rows[0];
		expect(contact.push_name).toBe('Maria \uFFFD');
		expect(JSON.stringify((await audit())?.payload)).toContain('\uFFFDkey');
	});

	it('NUL characters anywhere: dropped, the message stored', async () => {
		const id = nextId();
		const body = JSON.stringify(textWebhook({ id, text: 'a\u0000b', pushName: 'N\u0000ame' })).replace('"source":', '"nul\\u0000name":"\\u0000","source":');
		expect((await h.webhook(body)).statusCode).toBe(200);
		expect((await stored(id)).body).toBe('ab');
	});

	it('the audit copy never keeps the instance API key, whichever way it is made', async () => {
		const key = 'B6D711FCDE4D4FD5936544120E713976';
		const plain = { ...textWebhook({ id: nextId() }), apikey: key };
		const withThumbnail = { ...textWebhook({ id: nextId() }), apikey: key, data: { ...textWebhook({ id: nextId() }).data, jpegThumbnail: '/9j/4AAQ' } };
		const spaced = JSON.stringify({ ...textWebhook({ id: nextId() }), apikey: key }).replace('"apikey":', '"apikey" :  ');
		for (const body of [plain, withThumbnail, spaced]) {
			expect((await h.webhook(body)).statusCode).toBe(200);
			const row = await audit();
			expect(JSON.stringify(row?.payload)).not.toContain(key);
			expect(row?.payload).toMatchObject({ apikey: '[removed]' });
		}
		const dump = await h.db.query<{ payload: string }>('SELECT payload::text AS payload FROM webhook_deliveries');
		expect(dump.rows.some((r) => r.payload?.includes(key))).toBe(false);
	});

	it('the server keeps storing ordinary deliveries after all of it', async () => {
		const id = nextId();
		expect((await h.webhook(textWebhook({ id, text: 'ainda aqui' }))).statusCode).toBe(200);
		expect((await stored(id)).body).toBe('ainda aqui');
	});
});
