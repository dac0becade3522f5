import { MAX_JSON_DEPTH } from '../../src/http/bounded-json';
import { EVENT_LIMITS } from '../../src/providers/event-bounds';
import { evolutionFixture, textWebhook } from '../support/ingest-database';
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

	it('timestamps out of range (1e15, a 20-digit string, negative): stored with the time of arrival', async () => {
		for (const messageTimestamp of [1e15, '12345678901234567890', -5, 1e300, '99999999999999999999999999999999']) {
			const id = nextId();
			const before = Date.now();
			const body = { ...textWebhook({ id }), data: { ...textWebhook({ id }).data, messageTimestamp } };
			expect((await h.webhook(body)).statusCode).toBe(200);
			const row = (await h.db.query<{ at: Date }>('SELECT wa_timestamp AS at FROM whatsapp_messages WHERE wa_message_id = $1', [id])).rows[0];
			expect(row.at.getTime()).toBeGreaterThanOrEqual(before - 1000);
			expect(row.at.getTime()).toBeLessThanOrEqual(Date.now() + 1000);
		}
	});

	it('fractional or huge integers (seconds, fileLength, statusReason): rounded or left empty, the rest stored', async () => {
		const cases: Array<[unknown, unknown, number | null, number | null]> = [
			[7.6, { low: 9421, high: 0, unsigned: true }, 8, 9421],
			[1e300, '123456789012345678901234567890', null, null],
			[-3, 1e20, null, null],
			[Number.MAX_SAFE_INTEGER, { low: -1, high: -1 }, null, null],
		];
		for (const [seconds, fileLength, expectedSeconds, expectedLength] of cases) {
			const audio = evolutionFixture('messages.upsert-audio-ptt');
			const id = nextId();
			audio.data.key.id = id;
			audio.data.message.audioMessage.seconds = seconds;
			audio.data.message.audioMessage.fileLength = fileLength;
			expect((await h.webhook(audio)).statusCode).toBe(200);
			const row = (await h.db.query<{ s: number | null; n: string | null }>('SELECT media_duration_seconds AS s, media_size_bytes AS n FROM whatsapp_messages WHERE wa_message_id = $1', [id])).rows[0];
			expect(row.s).toBe(expectedSeconds);
			expect(row.n === null ? null : Number(row.n)).toBe(expectedLength);
		}
		for (const statusReason of [2.5, 1e300, -1, 2 ** 40]) {
			const close = evolutionFixture('connection.update-close');
			close.data.statusReason = statusReason;
			expect((await h.webhook(close)).statusCode).toBe(200);
		}
		const open = evolutionFixture('connection.update-open');
		expect((await h.webhook(open)).statusCode).toBe(200);
	});

	it('oversized ids and JIDs: 422 naming the field; oversized names clamped and the message stored', async () => {
		const longId = await h.webhook(textWebhook({ id: 'A'.repeat(8000) }));
		expect(longId.statusCode).toBe(422);
		expect(longId.json().reason).toContain('data.key.id');
		const longJid = await h.webhook(textWebhook({ id: nextId(), phone: '5'.repeat(5000) }));
		expect(longJid.statusCode).toBe(422);
		expect(longJid.json().reason).toContain('remoteJid');
		const contacts = evolutionFixture('contacts.upsert');
		contacts.data.remoteJid = `${'9'.repeat(4000)}@s.whatsapp.net`;
		expect((await h.webhook(contacts)).statusCode).toBe(422);

		const id = nextId();
		const megabyteName = 'Ana 😀'.repeat(200_000);
		expect((await h.webhook(textWebhook({ id, phone: '5511977770002', pushName: megabyteName, text: 'x'.repeat(100_000) }))).statusCode).toBe(200);
		expect((await stored(id)).body).toHaveLength(EVENT_LIMITS.body);
		const contact = (await h.db.query<{ push_name: string }>('SELECT push_name FROM contacts WHERE wa_jid = $1', ['5511977770002@s.whatsapp.net'])).rows[0];
		expect(contact.push_name.length).toBeLessThanOrEqual(EVENT_LIMITS.name);
		expect(megabyteName.startsWith(contact.push_name)).toBe(true);
		const bigContact = evolutionFixture('contacts.upsert');
		bigContact.data.pushName = 'C'.repeat(1_000_000);
		expect((await h.webhook(bigContact)).statusCode).toBe(200);
	});

	it('the server keeps storing ordinary deliveries after all of it', async () => {
		const id = nextId();
		expect((await h.webhook(textWebhook({ id, text: 'ainda aqui' }))).statusCode).toBe(200);
		expect((await stored(id)).body).toBe('ainda aqui');
	});
});
