import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { boundEvents } from '../../src/providers/event-bounds';
import { isEvolutionMessageRaw } from '../../src/providers/evolution/evolution-message-raw-check';
import { EvolutionNormaliser } from '../../src/providers/evolution/evolution-normaliser';
import { evolutionMessageRawSchema } from '../../src/providers/evolution/evolution-webhook.schema';
import { historyMessage } from '../../src/sync/history-import';
import { evolutionFixture } from '../support/ingest-database';

/**
 * History sync checks findMessages records with a hand-written copy of the messages.set schema (zod's parse of every
 * record was a large part of its CPU). The two must accept and reject the same records, and a history record must
 * become the same message as the same record sent as a messages.set webhook, bounded as ingest bounds it.
 */
const FIXTURES = join(__dirname, '../../../test/fixtures/evolution/payloads');
const findMessages = JSON.parse(readFileSync(join(FIXTURES, 'response-chat-findMessages.json'), 'utf8')) as { messages: { records: unknown[] } };
const TEMPLATES: unknown[] = [
	...findMessages.messages.records,
	...['text-conversation', 'text-extended', 'fromme', 'group', 'image', 'audio-ptt', 'document-pdf', 'sticker', 'reaction', 'reply'].map(
		(name) => evolutionFixture(`messages.upsert-${name}`).data,
	),
];

const hostileString = fc.oneof(
	fc.string({ maxLength: 20 }),
	fc.constantFrom('', ' ', '@lid', '123@lid', '5511988887777@s.whatsapp.net', '120363025555555555@g.us', 'status@broadcast', '__proto__', 'READ', 'read', 'PLAYED'),
	fc.tuple(fc.constantFrom('9', 'A', '😀'), fc.integer({ min: 100, max: 70_000 })).map(([c, n]) => c.repeat(n)),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
	{ weight: 4, arbitrary: hostileString },
	{ weight: 2, arbitrary: fc.oneof(fc.double(), fc.constantFrom(1e15, 1e300, -1, 0, 2.5, 2 ** 63), fc.constantFrom('12345678901234567890', '-1', '1.5')) },
	{ weight: 2, arbitrary: fc.constantFrom(null, undefined, true, false, [], {}, [{ status: 'READ' }], { low: 1, high: 2, unsigned: true }) },
	{ weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A copy of `template` with one value (anywhere in it, or a new key) made hostile, or removed. */
function mutate(template: unknown, pick: number, value: unknown, remove: boolean): unknown {
	const copy = JSON.parse(JSON.stringify(template)) as Record<string, unknown>;
	const holders: Array<Record<string, unknown>> = [];
	const walk = (node: unknown) => {
		if (node && typeof node === 'object') {
			holders.push(node as Record<string, unknown>);
			for (const child of Object.values(node)) walk(child);
		}
	};
	walk(copy);
	// The top of the record and its key are where the schema looks: pick them more often.
	const holder = pick % 3 === 0 ? copy : pick % 3 === 1 && copy.key && typeof copy.key === 'object' ? (copy.key as Record<string, unknown>) : holders[pick % holders.length];
	const keys = [...Object.keys(holder), 'key', 'message', 'MessageUpdate', 'status', 'pushName', 'contextInfo', 'messageType', 'remoteJidAlt', 'participant', 'participantAlt', 'fromMe', 'addressingMode', 'extra'];
	const name = keys[pick % keys.length];
	// Removed: set to undefined, which JSON (what findMessages answers) does not carry.
	holder[name] = remove ? undefined : value;
	return remove ? JSON.parse(JSON.stringify(copy)) : copy;
}

const records = fc.oneof(
	{ weight: 8, arbitrary: fc.tuple(fc.constantFrom(...TEMPLATES), fc.nat(), hostileValue, fc.boolean(), fc.nat(), hostileValue).map(([t, a, v, remove, b, w]) => mutate(mutate(t, a, v, remove), b, w, false)) },
	{ weight: 1, arbitrary: fc.constantFrom(...TEMPLATES) },
	{ weight: 1, arbitrary: hostileValue },
);

const normaliser = new EvolutionNormaliser();
const NOW = Date.parse('2026-12-06T12:00:00Z');

/** What live ingest makes of the same record sent as a messages.set webhook (with the status history gives it). */
function asWebhook(record: Record<string, unknown>) {
	const updates = Array.isArray(record.MessageUpdate) ? (record.MessageUpdate as Array<{ status?: unknown } | null>) : [];
	const rank = ['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED'];
	const best = updates
		.map((u) => (typeof u?.status === 'string' ? u.status.toUpperCase() : ''))
		.reduce<string | undefined>((top, status) => (rank.indexOf(status) > rank.indexOf(top ?? '') ? status : top), undefined);
	const result = normaliser.normalise({ event: 'messages.set', data: [best ? { ...record, status: best } : record] });
	if (!result.ok) return undefined;
	const event = result.events.find((e) => e.kind === 'message');
	if (!event) return null;
	const bounded = boundEvents([event], NOW).events[0];
	return bounded?.kind === 'message' ? bounded.message : undefined;
}

/** Compared as data (an inline file is a function, equal only to itself). */
const plain = (value: unknown) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

describe('the history record check, side by side with the messages.set schema', () => {
	// A record without a usable time is stamped "now": the same now on both sides.
	beforeAll(() => jest.useFakeTimers({ now: NOW }));
	afterAll(() => jest.useRealTimers());

	it('accepts every contract fixture record', () => {
		for (const record of TEMPLATES) expect(isEvolutionMessageRaw(record)).toBe(true);
	});

	it('accepts and rejects exactly what the schema does, and gives the message a messages.set webhook gives', () => {
		let rejected = 0;
		fc.assert(
			fc.property(records, (record) => {
				const accepted = isEvolutionMessageRaw(record);
				expect(accepted).toBe(evolutionMessageRawSchema.safeParse(record).success);
				if (!accepted) rejected++;
				const message = historyMessage(record, NOW);
				expect(plain(message)).toEqual(accepted ? plain(asWebhook(record as Record<string, unknown>)) : undefined);
			}),
			{ numRuns: 1500 },
		);
		// The property saw both sides.
		expect(rejected).toBeGreaterThan(100);
	});

	it('never throws on what a hostile Evolution could answer, and bounds what it keeps', () => {
		const [template] = findMessages.messages.records as Array<Record<string, unknown>>;
		const far = { ...template, messageTimestamp: 1e15, pushName: 'N'.repeat(1000), message: { conversation: 'x'.repeat(70_000) } };
		const message = historyMessage(far, NOW);
		expect(message).toMatchObject({ timestamp: new Date(NOW), pushName: 'N'.repeat(256), history: true });
		expect(message?.body).toHaveLength(65_536);
		for (const bad of [null, 7, 'x', [], { key: null }, { key: { id: 'a'.repeat(129), remoteJid: '1@s.whatsapp.net' } }, { ...template, MessageUpdate: { status: 'READ' } }]) {
			expect(() => historyMessage(bad, NOW)).not.toThrow();
		}
		expect(historyMessage({ ...template, MessageUpdate: 'READ' }, NOW)).toMatchObject({ waMessageId: (template.key as { id: string }).id });
	});
});
