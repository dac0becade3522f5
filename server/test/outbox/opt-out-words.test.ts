import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually } from '../inbox/support/inbox-app';
import { LONG, startOutboxHarness, type OutboxHarness } from './support/outbox-harness';

/**
 * The opt-out words are configurable (OPT_OUT_WORDS, comma separated): the server's configured list is the one ingest
 * checks, replacing the defaults, on both database adapters.
 */
describe.each(ADAPTERS)('configured opt-out words on %s', (_name, open: () => Promise<Db>) => {
	let h: OutboxHarness;
	beforeAll(async () => {
		h = await startOutboxHarness(open, { OPT_OUT_WORDS: 'DESCADASTRAR, não quero mais' });
	});
	afterAll(async () => {
		await h?.close();
	});

	const optOut = async (contactId: string) =>
		(await h.db.query<{ at: Date | null; word: string | null }>('SELECT opted_out_at AS at, opted_out_word AS word FROM contacts WHERE id = $1', [contactId])).rows[0];
	const stored = (conversationId: string, body: string) =>
		eventually(async () => {
			const { rows } = await h.db.query('SELECT id FROM whatsapp_messages WHERE conversation_id = $1 AND body = $2', [conversationId, body]);
			expect(rows).toHaveLength(1);
		}, LONG);

	it('marks a contact who writes a configured word, and no longer the default ones', async () => {
		const channel = await h.channel();
		const [first, second, third] = [await h.conversation(channel, '5511931110001'), await h.conversation(channel, '5511931110002'), await h.conversation(channel, '5511931110003')];
		await h.sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from: first.from, text: 'Descadastrar.' });
		await h.sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from: second.from, text: 'Nao quero MAIS' });
		await h.sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from: third.from, text: 'SAIR' });
		await eventually(async () => expect((await optOut(first.contactId)).word).toBe('DESCADASTRAR'), LONG);
		await eventually(async () => expect((await optOut(second.contactId)).word).toBe('NAO QUERO MAIS'), LONG);
		// A default word is not one of this server's: stored as a message, the contact stays reachable.
		await stored(third.id, 'SAIR');
		expect(await optOut(third.contactId)).toEqual({ at: null, word: null });

		await h.db.query(`UPDATE whatsapp_conversations SET last_inbound_at = now() - interval '2 days' WHERE id = ANY($1::uuid[])`, [[first.id, third.id]]);
		const refused = await h.server.call('POST', '/api/v1/messages', h.admin, { channelId: channel.id, to: `+${first.from}`, text: 'Promoção!', typing: false });
		expect(refused.statusCode).toBe(422);
		expect(refused.json().error.code).toBe('opted_out');
		const allowed = await h.server.call('POST', '/api/v1/messages', h.admin, { channelId: channel.id, to: `+${third.from}`, text: 'Promoção!', typing: false });
		expect(allowed.statusCode).toBe(202);
	});
});
