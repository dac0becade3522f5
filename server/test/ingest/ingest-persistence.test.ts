import { ADAPTERS, type FixtureJson, ackWebhook, evolutionFixture, textWebhook } from '../support/ingest-database';
import { startIngestHarness, type IngestHarness } from '../support/ingest-harness';

describe.each(ADAPTERS)('webhook ingest persistence on %s', (_name, open) => {
	let h: IngestHarness;
	beforeEach(async () => {
		h = await startIngestHarness(open);
	});
	afterEach(async () => {
		await h.close();
	});

	const message = async (waId: string) =>
		(await h.db.query<Record<string, FixtureJson>>('SELECT * FROM whatsapp_messages WHERE workspace_id = $1 AND wa_message_id = $2', [h.workspaceId, waId])).rows[0];

	it('stores a first message as contact + lead + conversation + message, and a repeated delivery changes nothing', async () => {
		const body = evolutionFixture('messages.upsert-text-conversation');
		expect(await h.deliver(body)).toEqual({ status: 200, body: { ok: true, outcome: 'processed' } });
		const eventsAfterFirst = h.events.length;
		expect(h.events.map((e) => e.type)).toEqual(expect.arrayContaining(['contact.created', 'lead.created', 'message.created', 'conversation.created']));
		expect(await h.deliver(body)).toEqual({ status: 200, body: { ok: true, outcome: 'duplicate' } });
		expect(h.events.length).toBe(eventsAfterFirst);
		expect([await h.count('contacts'), await h.count('leads'), await h.count('whatsapp_conversations'), await h.count('whatsapp_messages')]).toEqual([1, 1, 1, 1]);
		const { rows } = await h.db.query<Record<string, FixtureJson>>('SELECT * FROM whatsapp_conversations WHERE workspace_id = $1', [h.workspaceId]);
		expect(rows[0]).toMatchObject({ unread_count: 1, status: 'pending', last_message_preview: 'Oi! Vocês entregam no sábado?', chat_jid: '5511988887777@s.whatsapp.net', chat_lid: '201122334455667@lid' });
		const contact = (await h.db.query<Record<string, FixtureJson>>('SELECT * FROM contacts WHERE workspace_id = $1', [h.workspaceId])).rows[0];
		expect(contact).toMatchObject({ phone_e164: '+5511988887777', wa_jid: '5511988887777@s.whatsapp.net', lid: '201122334455667@lid', push_name: 'Maria Souza' });
		const audit = await h.db.query<{ outcome: string }>('SELECT outcome FROM webhook_deliveries WHERE workspace_id = $1 ORDER BY id', [h.workspaceId]);
		expect(audit.rows.map((r) => r.outcome)).toEqual(['processed', 'duplicate']);
	});

	it('100 concurrent first messages from one new number make 1 contact, 1 lead, 1 conversation', async () => {
		const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => h.deliver(textWebhook({ id: `RACE${i}`, phone: '5521977771234', text: `msg ${i}`, timestamp: 1763800000 + i }))));
		expect(answers.every((a) => a.status === 200)).toBe(true);
		expect([await h.count('contacts'), await h.count('leads'), await h.count('whatsapp_conversations'), await h.count('whatsapp_messages')]).toEqual([1, 1, 1, 100]);
		const { rows } = await h.db.query<Record<string, FixtureJson>>('SELECT unread_count, last_message_preview FROM whatsapp_conversations WHERE workspace_id = $1', [h.workspaceId]);
		expect(rows[0]).toEqual({ unread_count: 100, last_message_preview: 'msg 99' });
	});

	it('keeps both identities of a @lid chat and finds the same person by either', async () => {
		const lidFirst = evolutionFixture('messages.upsert-text-conversation');
		lidFirst.data.key = { remoteJid: '201122334455667@lid', remoteJidAlt: '551188887777@s.whatsapp.net', fromMe: false, id: 'LIDMSG1', addressingMode: 'lid' };
		await h.deliver(lidFirst);
		// Same person, phone JID with the ninth digit, no alternate.
		await h.deliver(textWebhook({ id: 'PNMSG2', phone: '5511988887777' }));
		expect(await h.count('contacts')).toBe(1);
		expect(await h.count('whatsapp_conversations')).toBe(1);
		const contact = (await h.db.query<Record<string, FixtureJson>>('SELECT * FROM contacts WHERE workspace_id = $1', [h.workspaceId])).rows[0];
		expect(contact).toMatchObject({ phone_e164: '+5511988887777', lid: '201122334455667@lid', wa_jid: '551188887777@s.whatsapp.net' });
	});

	it('a @lid-only chat becomes the phone contact once the phone is learnt', async () => {
		const lidOnly = textWebhook({ id: 'L1' });
		lidOnly.data.key = { remoteJid: '99887766554433@lid', fromMe: false, id: 'L1', addressingMode: 'lid' };
		await h.deliver(lidOnly);
		await h.deliver(textWebhook({ id: 'L2', phone: '5531999998888', lid: '99887766554433@lid' }));
		expect(await h.count('contacts')).toBe(1);
		const contact = (await h.db.query<Record<string, FixtureJson>>('SELECT * FROM contacts WHERE workspace_id = $1', [h.workspaceId])).rows[0];
		expect(contact).toMatchObject({ phone_e164: '+5531999998888', lid: '99887766554433@lid' });
	});

	it('acks only move forward; duplicate and out-of-order acks are harmless; early acks apply when the message arrives', async () => {
		await h.deliver(textWebhook({ id: 'OUT1', fromMe: true, text: 'Olá!' }));
		expect((await message('OUT1')).status).toBe('server_ack');
		await h.deliver(ackWebhook('OUT1', 'READ'));
		await h.deliver(ackWebhook('OUT1', 'DELIVERY_ACK'));
		await h.deliver(ackWebhook('OUT1', 'READ'));
		await h.deliver(ackWebhook('OUT1', 'ERROR'));
		expect(await message('OUT1')).toMatchObject({ status: 'read', read_at: expect.any(Date) });
		await h.deliver(ackWebhook('OUT1', 'PLAYED'));
		expect((await message('OUT1')).status).toBe('played');

		expect(await h.deliver(ackWebhook('EARLY1', 'DELIVERY_ACK'))).toMatchObject({ status: 200 });
		expect(await h.deliver(ackWebhook('EARLY1', 'SERVER_ACK'))).toMatchObject({ status: 200 });
		expect(await h.count('whatsapp_pending_message_updates')).toBe(1);
		await h.deliver(textWebhook({ id: 'EARLY1', fromMe: true, text: 'chegou depois' }));
		expect((await message('EARLY1')).status).toBe('delivered');
		expect(await h.count('whatsapp_pending_message_updates')).toBe(0);
	});

	it('a reaction attaches to its target, an edit replaces the body, a delete marks the message (also when they come first)', async () => {
		await h.deliver(evolutionFixture('messages.upsert-text-conversation'));
		await h.deliver(evolutionFixture('messages.edited'));
		expect(await message('3A5F1C2B9E8D7A6B5C4D')).toMatchObject({ body: 'Oi! Vocês entregam no domingo?', is_edited: true });
		await h.deliver(evolutionFixture('messages.delete'));
		expect(await message('3A5F1C2B9E8D7A6B5C4D')).toMatchObject({ is_deleted: true, deleted_at: expect.any(Date) });

		await h.deliver(evolutionFixture('messages.upsert-reaction'));
		const reactions = await h.db.query<Record<string, FixtureJson>>('SELECT * FROM whatsapp_message_reactions WHERE workspace_id = $1', [h.workspaceId]);
		expect(reactions.rows).toEqual([expect.objectContaining({ target_wa_message_id: '3EB0C431D7A2F1E5B6A9C8', emoji: '👍', reactor_jid: '5511988887777@s.whatsapp.net' })]);
		const unread = (await h.db.query<{ unread_count: number }>('SELECT unread_count FROM whatsapp_conversations WHERE workspace_id = $1', [h.workspaceId])).rows[0];
		expect(unread.unread_count).toBe(1);
		const removal = evolutionFixture('messages.upsert-reaction');
		removal.data.key.id = 'REACT2';
		removal.data.message.reactionMessage.text = '';
		removal.data.messageTimestamp += 10;
		await h.deliver(removal);
		// The removal stays as an empty-emoji row (so a late ❤️ cannot come back); the message shows no reaction.
		const after = await h.db.query<Record<string, FixtureJson>>("SELECT emoji FROM whatsapp_message_reactions WHERE workspace_id = $1", [h.workspaceId]);
		expect(after.rows).toEqual([{ emoji: '' }]);

		// Edit and delete before their message exists.
		const early = evolutionFixture('messages.edited');
		early.data.key.id = 'LATE1';
		await h.deliver(early);
		const deleteFirst = evolutionFixture('messages.delete');
		deleteFirst.data.id = 'LATE1';
		await h.deliver(deleteFirst);
		await h.deliver(textWebhook({ id: 'LATE1', text: 'original' }));
		// Deleted for everyone: the content is gone (the workspace does not retain deleted messages).
		expect(await message('LATE1')).toMatchObject({ body: null, is_edited: true, is_deleted: true });
	});

	it('stores media references without the base64 blob, and group messages under the group', async () => {
		await h.deliver(evolutionFixture('messages.upsert-image'));
		await h.deliver(evolutionFixture('messages.upsert-audio-ptt'));
		await h.deliver(evolutionFixture('messages.upsert-group'));
		const image = await message('3A9C0D1E2F3A4B5C6D7E');
		expect(image).toMatchObject({ type: 'image', body: 'Segue a foto do produto', media_mime_type: 'image/jpeg', media_url: expect.stringContaining('https://mmg.whatsapp.net') });
		expect(JSON.stringify(image)).not.toContain('/9j/4AAQ');
		expect(await message('A51B2C3D4E5F60718293A4B5C6D7E8F9')).toMatchObject({ type: 'audio', media_duration_seconds: 7, details: { voiceNote: true } });
		expect(await message('AC77E2F1B0C9D8E7F6A5B4C3D2E1F0A9')).toMatchObject({ sender_jid: '5511977776666@s.whatsapp.net', sender_name: 'João Pedro' });
		const audit = await h.db.query<{ payload: string }>("SELECT payload::text AS payload FROM webhook_deliveries WHERE workspace_id = $1 AND event = 'messages.upsert'", [h.workspaceId]);
		expect(audit.rows.every((r) => !r.payload.includes('/9j/4AAQ'))).toBe(true);
		expect(await h.count('leads')).toBe(1); // groups make no lead
	});

	it('attributes leads: first-touch token, then phone (ninth-digit variants), else new; ad referral kept', async () => {
		await h.db.query("INSERT INTO leads (workspace_id, name, source, first_touch_token) VALUES ($1, 'Landing', 'form', 'ABC123')", [h.workspaceId]);
		await h.db.query("INSERT INTO leads (workspace_id, name, source, phone_e164) VALUES ($1, 'Form lead', 'form', '+552188887777')", [h.workspaceId]);
		await h.deliver(textWebhook({ id: 'T1', phone: '5511911112222', text: 'Olá! vm_token:ABC123 quero saber' }));
		await h.deliver(textWebhook({ id: 'T2', phone: '5521988887777', text: 'Oi' }));
		await h.deliver(
			textWebhook({ id: 'T3', phone: '5531933334444', text: 'Vi o anúncio', contextInfo: { externalAdReply: { title: 'Promo', sourceType: 'ad', sourceId: '120', sourceUrl: 'https://fb.me/x', ctwaClid: 'CLID9' } } }),
		);
		const { rows } = await h.db.query<Record<string, FixtureJson>>(
			'SELECT l.name, l.source, l.match_method, l.ctwa_clid, l.ad_source_url, c.phone_e164 FROM leads l JOIN contacts c ON c.id = l.contact_id WHERE l.workspace_id = $1 ORDER BY c.phone_e164',
			[h.workspaceId],
		);
		expect(rows).toEqual([
			{ name: 'Landing', source: 'form', match_method: 'token', ctwa_clid: null, ad_source_url: null, phone_e164: '+5511911112222' },
			{ name: 'Form lead', source: 'form', match_method: 'phone', ctwa_clid: null, ad_source_url: null, phone_e164: '+5521988887777' },
			{ name: 'Maria Souza', source: 'ctwa_ad', match_method: 'new', ctwa_clid: 'CLID9', ad_source_url: 'https://fb.me/x', phone_e164: '+5531933334444' },
		]);
		const conversations = await h.db.query<{ n: string }>('SELECT count(*) AS n FROM whatsapp_conversations WHERE workspace_id = $1 AND lead_id IS NOT NULL', [h.workspaceId]);
		expect(Number(conversations.rows[0].n)).toBe(3);
	});

	it('presence, connection and QR events update state and are published', async () => {
		await h.deliver(evolutionFixture('messages.upsert-text-conversation'));
		await h.deliver(evolutionFixture('presence.update-composing'));
		expect(h.events.at(-1)).toMatchObject({ type: 'presence.update', data: { presence: 'composing' }, conversationId: expect.any(String) });
		await h.deliver(evolutionFixture('qrcode.updated'));
		let channel = (await h.db.query<Record<string, FixtureJson>>('SELECT * FROM whatsapp_channels WHERE id = $1', [h.channelId])).rows[0];
		expect(channel).toMatchObject({ status: 'connecting', status_reason: 'qr_issued', qr_count: 1, qr_code: expect.stringMatching(/^2@/), qr_updated_at: expect.any(Date) });
		await h.deliver(evolutionFixture('connection.update-open'));
		channel = (await h.db.query<Record<string, FixtureJson>>('SELECT * FROM whatsapp_channels WHERE id = $1', [h.channelId])).rows[0];
		expect(channel).toMatchObject({ status: 'connected', status_reason: 'paired', phone_e164: '+5511999990000', profile_name: 'ACME Vendas', qr_code: null });
		const published = h.events.find((e) => e.type === 'channel.updated');
		expect(JSON.stringify(published)).not.toMatch(/secret|api_key/);
	});

	it('rejects an unknown shape with a reason and writes nothing but the audit row', async () => {
		const answer = await h.deliver({ event: 'messages.upsert', data: { key: { id: 'X' }, message: { conversation: 'hi' } } });
		expect(answer).toEqual({ status: 422, body: { error: 'unsupported_webhook', reason: expect.stringContaining('data.key.remoteJid') } });
		expect(await h.deliver({ nope: true })).toMatchObject({ status: 400 });
		expect([await h.count('contacts'), await h.count('whatsapp_messages')]).toEqual([0, 0]);
		const audit = await h.db.query<{ outcome: string; http_status: number }>('SELECT outcome, http_status FROM webhook_deliveries WHERE workspace_id = $1 ORDER BY id', [h.workspaceId]);
		expect(audit.rows).toEqual([{ outcome: 'rejected', http_status: 422 }, { outcome: 'rejected', http_status: 400 }]);
	});
});
