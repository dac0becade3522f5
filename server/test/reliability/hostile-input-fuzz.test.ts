import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import fc from 'fast-check';
import { listRoutes } from '../../src/inbox/api/route-catalog';
import { textWebhook } from '../support/ingest-database';
import { request } from '../inbox/support/inbox-app';
import { ADAPTERS, type HostileServer, nestedText, startHostileServer } from '../security/support/hostile-server';
import { scaled } from './scale';

/**
 * Property: whatever body reaches the webhook route or a REST route with a body (malformed JSON, hostile strings,
 * numbers out of every range, nesting thousands deep, oversized ids and names, valid shapes with one field made
 * hostile), the answer is 2xx or 4xx (a 502 naming Evolution counts: the sandbox upstream refused), the process
 * stays up, its heap does not grow with the inputs, and /health is green afterwards. On PGlite and PostgreSQL.
 */
const INPUTS = scaled(150, 10_000); // per adapter, split between the webhook and the REST routes: 10,000 on each at full size

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
function heapMb(): number {
	gc();
	gc();
	return Math.round(process.memoryUsage().heapUsed / 1_048_576);
}

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const hostileString = fc.oneof(
	fc.string({ unit: 'binary', maxLength: 40 }),
	fc.array(fc.oneof(fc.string({ maxLength: 8 }), loneSurrogate, fc.constant('\u0000'), fc.constant('😀'), fc.constant('"\\'), fc.constant("'; DROP TABLE x; --")), { maxLength: 12 }).map((parts) => parts.join('')),
	fc.tuple(fc.constantFrom('A', '9', '😀', '\u0000', '\ud83d'), fc.integer({ min: 200, max: 300_000 })).map(([c, n]) => c.repeat(n)),
	fc.constantFrom('', ' ', 'null', '1e309', '00000000-0000-0000-0000-000000000000', '../../etc/passwd', '__proto__', '2026-13-45T99:99:99Z'),
);
const hostileNumber = fc.oneof(
	fc.double(),
	fc.constantFrom(1e15, 1e300, -1, 2.5, -0, Number.MAX_SAFE_INTEGER + 2, 2 ** 63, -(2 ** 31) - 1),
	fc.constantFrom('12345678901234567890', '99999999999999999999999999999999', '-1', '1.5'),
	fc.record({ low: fc.integer(), high: fc.integer(), unsigned: fc.boolean() }),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 4, arbitrary: hostileString },
	{ weight: 3, arbitrary: hostileNumber },
	{ weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}) },
	{ weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
	{ weight: 1, arbitrary: fc.integer({ min: 10, max: 70 }).map((depth) => JSON.parse(nestedText(depth))) },
);

/** Sets one leaf (or adds a key) of a copy of `template`, chosen by `pick`. */
function withHostileField(template: unknown, pick: number, value: unknown): unknown {
	const copy = JSON.parse(JSON.stringify(template)) as Record<string, unknown>;
	const holders: Array<Record<string, unknown>> = [];
	const walk = (node: unknown) => {
		if (node && typeof node === 'object') {
			holders.push(node as Record<string, unknown>);
			for (const child of Object.values(node)) walk(child);
		}
	};
	walk(copy);
	const holder = holders[pick % holders.length];
	const keys = Object.keys(holder);
	holder[keys.length ? keys[pick % keys.length] : 'x'] = value;
	return copy;
}

/** Turns a value into the text sent: usually JSON, sometimes broken or deeper than any limit. */
const asBodyText = (value: fc.Arbitrary<unknown>) =>
	fc.oneof(
		{ weight: 6, arbitrary: value.map((v) => JSON.stringify(v) ?? 'null') },
		{ weight: 1, arbitrary: fc.tuple(value, fc.nat()).map(([v, cut]) => { const text = JSON.stringify(v) ?? ''; return text.slice(0, cut % (text.length + 1)); }) },
		{ weight: 1, arbitrary: fc.tuple(value, fc.nat(), fc.constantFrom('\\', '"', '{', ']', '\\ud800', '\\u0000', ',', ':')).map(([v, at, junk]) => { const text = JSON.stringify(v) ?? ''; const i = at % (text.length + 1); return text.slice(0, i) + junk + text.slice(i); }) },
		{ weight: 1, arbitrary: fc.integer({ min: 65, max: 20_000 }).map((depth) => `{"a":${nestedText(depth)}}`) },
		{ weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
	);

const FIELDS = ['body', 'name', 'email', 'password', 'phone', 'attributes', 'status', 'source', 'score', 'assigneeId', 'note', 'apiKey', 'instanceName', 'instance', 'baseUrl', 'scopes', 'expiresAt', 'snoozedUntil', 'isPrivate', 'role', 'text', 'clientId', 'mediaId', 'settings', 'conversationIds', 'ids', 'utmSource', 'firstTouchToken', 'takeOver', 'connect', 'phoneNumber', 'active', 'workspaceName'];

describe.each(ADAPTERS)('hostile input fuzz on %s', (_name, open) => {
	let h: HostileServer;
	beforeAll(async () => {
		h = await startHostileServer(open);
	});
	afterAll(async () => {
		await h?.close();
	});

	it(`${INPUTS} generated bodies on the webhook and every REST route with a body: only 2xx/4xx, heap flat, healthy after`, async () => {
		const ids: Record<string, string> = {
			conversationId: h.seeded.conversationId,
			leadId: h.seeded.leadId,
			channelId: h.seeded.channelId,
			attendantId: h.seeded.agent.id,
		};
		// Left out: logout, and rotating the webhook secret (it takes no body, and a rotated secret makes the webhook
		// check after the run answer 401, as it should).
		const routes = listRoutes(h.server.app).filter(
			(r) => ['POST', 'PATCH', 'PUT'].includes(r.method) && r.url.startsWith('/api/v1/') && !r.websocket && r.url !== '/api/v1/auth/logout' && !r.url.endsWith('/webhook-secret'),
		);
		expect(routes.length).toBeGreaterThan(10);
		let counts: Record<string, number> = {};
		const refusals: string[] = [];
		const send = async (method: string, url: string, text: string, webhook: boolean) => {
			const answer = await request(h.server.url, method, url, {
				payload: text,
				headers: webhook ? { 'content-type': 'application/json', 'x-webhook-secret': h.seeded.webhookSecret } : { 'content-type': 'application/json', authorization: h.admin },
			});
			counts[answer.statusCode] = (counts[answer.statusCode] ?? 0) + 1;
			const upstream = answer.statusCode === 502 && /evolution|upstream/.test(answer.body);
			if (answer.statusCode >= 500 && !upstream) refusals.push(`${method} ${url} → ${answer.statusCode} ${answer.body.slice(0, 200)} for ${text.slice(0, 300)}`);
			return answer.statusCode < 500 || upstream;
		};

		const webhookBody = asBodyText(
			fc.oneof(
				fc.tuple(fc.nat(), hostileValue, fc.string({ maxLength: 12 })).map(([pick, value, id]) => withHostileField(textWebhook({ id: `3AFUZZ${id}` }), pick, value)),
				fc.dictionary(fc.constantFrom('event', 'data', 'instance', 'apikey', 'date_time', 'sender'), hostileValue),
				fc.constantFrom('messages.upsert', 'messages.update', 'messages.delete', 'contacts.upsert', 'connection.update', 'presence.update', 'qrcode.updated', 'send.message', 'messages.edited')
					.chain((event) => fc.record({ event: fc.constant(event), data: fc.oneof(hostileValue, fc.dictionary(fc.constantFrom('key', 'message', 'pushName', 'messageTimestamp', 'status', 'keyId', 'remoteJid', 'id', 'state', 'statusReason', 'presences', 'qrcode'), hostileValue)) })),
			),
		);
		const restBody = asBodyText(fc.dictionary(fc.constantFrom(...FIELDS), hostileValue, { maxKeys: 5 }));
		const restCall = fc.tuple(fc.constantFrom(...routes), restBody).map(([route, text]) => ({
			method: route.method,
			url: route.url.replace(/:(\w+)/g, (_m, name: string) => ids[name] ?? '00000000-0000-0000-0000-000000000000'),
			text,
		}));

		// Warm-up (first compilations, pools, prepared statements), then the baseline.
		for (let i = 0; i < 20; i++) await send('POST', `/webhooks/evolution/${h.seeded.channelId}`, JSON.stringify(textWebhook({ id: `3AWARM${i}` })), true);
		counts = {};
		const heapBefore = heapMb();
		const started = Date.now();
		const webhookUrl = `/webhooks/evolution/${h.seeded.channelId}`;
		await fc.assert(fc.asyncProperty(webhookBody, (text) => send('POST', webhookUrl, text, true)), { numRuns: INPUTS / 2, endOnFailure: true });
		await fc.assert(fc.asyncProperty(restCall, ({ method, url, text }) => send(method, url, text, false)), { numRuns: INPUTS / 2, endOnFailure: true });
		const seconds = (Date.now() - started) / 1000;
		const heapAfter = heapMb();
		expect(refusals).toEqual([]);

		// Still healthy and still storing.
		expect(await h.healthy()).toBe(true);
		const id = `3AAFTERFUZZ${Date.now()}`;
		expect((await h.webhook(textWebhook({ id, text: 'depois do fuzz' }))).statusCode).toBe(200);
		const rows = await h.db.query<{ body: string }>('SELECT body FROM whatsapp_messages WHERE wa_message_id = $1', [id]);
		expect(rows.rows[0]?.body).toBe('depois do fuzz');
		// Flat: what the inputs leave behind after a full GC is bounded, not proportional to their number.
		expect(heapAfter - heapBefore).toBeLessThan(64);
		process.stdout.write(`hostile-input fuzz on ${_name}: ${INPUTS} inputs in ${seconds.toFixed(1)} s, statuses ${JSON.stringify(counts)}, heap ${heapBefore} MB → ${heapAfter} MB\n`);
	});
});
