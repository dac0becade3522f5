import { createChannel } from '../../src/channels/channel-repository';
import type { WebhookChannel } from '../../src/channels/channel-webhook-directory';
import { findConversation } from '../../src/inbox/conversations/conversation-view';
import { findMessage } from '../../src/inbox/messages/message-view';
import { ADAPTERS, TEST_KEY, type FixtureJson, ackWebhook, evolutionFixture, textWebhook } from '../support/ingest-database';
import { countingTransactions, startIngestHarness, type IngestHarness } from '../support/ingest-harness';

/** What a client receives: the event data after JSON, as the REST API's answer is. */
const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe.each(ADAPTERS)('ingest write path on %s', (_name, open) => {
	let h: IngestHarness;
	const counter = { transactions: 0 };
	beforeEach(async () => {
		h = await startIngestHarness(async () => countingTransactions(await open(), counter));
		counter.transactions = 0;
	});
	afterEach(async () => {
		await h.close();
	});

	const conversationRow = async () =>
		(await h.db.query<Record<string, FixtureJson>>('SELECT * FROM whatsapp_conversations WHERE workspace_id = $1', [h.workspaceId])).rows[0];
	const assignTo = async () => {
		const { rows } = await h.db.query<{ id: string }>("INSERT INTO users (workspace_id, email, name) VALUES ($1, $2, 'Ana') RETURNING id", [h.workspaceId, `ana-${h.workspaceId}@acme.test`]);
		await h.db.query("UPDATE whatsapp_conversations SET assigned_user_id = $2, status = 'open' WHERE workspace_id = $1", [h.workspaceId, rows[0].id]);
		return rows[0].id;
	};

	it("writes a known contact's message without a transaction, and its events carry the rows the REST API shows", async () => {
		await h.deliver(textWebhook({ id: 'K1', text: 'primeira' }));
		expect(counter.transactions).toBe(1); // a new person: contact, lead, conversation
		counter.transactions = 0;
		h.events.length = 0;

		expect(await h.deliver(textWebhook({ id: 'K2', text: 'segunda', timestamp: 1763800100 }))).toEqual({ status: 200, body: { ok: true, outcome: 'processed' } });
		expect(counter.transactions).toBe(0);
		expect(h.events.map((e) => e.type)).toEqual(['message.created', 'conversation.updated', 'conversation.unread_count_changed']);
		const created = h.events[0].data.message as { id: string };
		expect(asJson(created)).toEqual(asJson(await findMessage(h.db, h.workspaceId, created.id)));
		const conversationId = h.events[1].conversationId as string;
		expect(asJson(h.events[1].data.conversation)).toEqual(asJson(await findConversation(h.db, h.workspaceId, conversationId)));
		expect(h.events[1].data.conversation).toMatchObject({ unreadCount: 2, lastMessagePreview: 'segunda', lastMessageDirection: 'inbound' });
		expect(h.events[2].data).toEqual({ conversationId, unreadCount: 2 });

		// A repeated delivery: nothing changes, nothing is published, the audit says so.
		h.events.length = 0;
		expect(await h.deliver(textWebhook({ id: 'K2', text: 'segunda', timestamp: 1763800100 }))).toEqual({ status: 200, body: { ok: true, outcome: 'duplicate' } });
		expect(h.events).toEqual([]);
		expect(counter.transactions).toBe(0);
		const audit = await h.db.query<{ outcome: string }>('SELECT outcome FROM webhook_deliveries WHERE workspace_id = $1 ORDER BY id', [h.workspaceId]);
		expect(audit.rows.map((r) => r.outcome)).toEqual(['processed', 'processed', 'duplicate']);

		// An ack's event carries the whole message too.
		await h.deliver(textWebhook({ id: 'K3', fromMe: true, text: 'resposta' }));
		h.events.length = 0;
		await h.deliver(ackWebhook('K3', 'READ'));
		const updated = h.events.find((e) => e.type === 'message.updated')?.data.message as { id: string; status: string };
		expect(updated.status).toBe('read');
		expect(asJson(updated)).toEqual(asJson(await findMessage(h.db, h.workspaceId, updated.id)));
	});

	it('takes the transaction for what needs more than a lookup: a lead to attribute, a new push name, an @lid, a reaction, a new channel', async () => {
		// We wrote first: contact and conversation, no lead yet.
		await h.deliver(textWebhook({ id: 'O1', fromMe: true, text: 'Olá, tudo bem?' }));
		expect([await h.count('contacts'), await h.count('whatsapp_conversations'), await h.count('leads')]).toEqual([1, 1, 0]);
		counter.transactions = 0;
		await h.deliver(textWebhook({ id: 'O2', text: 'Tudo! Quero um orçamento' }));
		expect(counter.transactions).toBe(1);
		expect(await h.count('leads')).toBe(1);
		expect((await conversationRow()).lead_id).toEqual(expect.any(String));

		await h.deliver(textWebhook({ id: 'O3', text: 'oi', pushName: 'Maria S.' }));
		expect(counter.transactions).toBe(2);
		await h.deliver(textWebhook({ id: 'O4', text: 'oi de novo', lid: '201122334455667@lid', pushName: 'Maria S.' }));
		expect(counter.transactions).toBe(3);
		const contact = (await h.db.query<Record<string, FixtureJson>>('SELECT * FROM contacts WHERE workspace_id = $1', [h.workspaceId])).rows[0];
		expect(contact).toMatchObject({ push_name: 'Maria S.', lid: '201122334455667@lid' });

		const reaction = evolutionFixture('messages.upsert-reaction');
		reaction.data.message.reactionMessage.key.id = 'O2';
		reaction.data.pushName = 'Maria S.';
		await h.deliver(reaction);
		expect(counter.transactions).toBe(4);
		const reactions = await h.db.query<{ target_wa_message_id: string }>('SELECT target_wa_message_id FROM whatsapp_message_reactions WHERE workspace_id = $1', [h.workspaceId]);
		expect(reactions.rows).toEqual([{ target_wa_message_id: 'O2' }]);

		// The same person on a second number of the business: a conversation of its own, the same contact and lead.
		const second = await createChannel(h.db, TEST_KEY, { workspaceId: h.workspaceId, name: 'Suporte', instanceName: 'acme-support', baseUrl: 'http://evolution.test' });
		const channel = (await h.ingest.authenticate('evolution', second.channel.id, second.webhookSecret)) as WebhookChannel;
		await h.ingest.ingest(channel, textWebhook({ id: 'S1', text: 'suporte?', pushName: 'Maria S.', lid: '201122334455667@lid' }), { sha256: 'sha' });
		await h.ingest.drain();
		expect(counter.transactions).toBe(5);
		const conversations = await h.db.query<{ lead_id: string; contact_id: string }>('SELECT lead_id, contact_id FROM whatsapp_conversations WHERE workspace_id = $1', [h.workspaceId]);
		expect(conversations.rows).toHaveLength(2);
		expect(new Set(conversations.rows.map((r) => r.contact_id)).size).toBe(1);
		expect(new Set(conversations.rows.map((r) => r.lead_id)).size).toBe(1);

		// Now everything about her is known: one statement again.
		await h.deliver(textWebhook({ id: 'O5', text: 'obrigada', pushName: 'Maria S.', lid: '201122334455667@lid' }));
		expect(counter.transactions).toBe(5);
		// Six messages: the reaction is kept on its target, not as a message.
		expect(await h.count('whatsapp_messages')).toBe(6);
	});

	it("counts a batch's messages in WhatsApp's order on both paths: an answer clears unread, history only moves time, late ones keep the preview", async () => {
		const t = nowSeconds();
		await h.deliver(textWebhook({ id: 'A0', phone: '5511911110001', text: 'conhecido', timestamp: t - 100 }));
		counter.transactions = 0;
		const batch = (phone: string, prefix: string) => [
			textWebhook({ id: `${prefix}1`, phone, text: 'pergunta', timestamp: t - 50 }),
			textWebhook({ id: `${prefix}2`, phone, fromMe: true, text: 'resposta', timestamp: t - 40 }),
			textWebhook({ id: `${prefix}3`, phone, text: 'mais uma', timestamp: t - 30 }),
			// Arrives last but was sent before the answer: not unread, and not the preview.
			textWebhook({ id: `${prefix}4`, phone, text: 'atrasada', timestamp: t - 45 }),
		];
		// A known person (one statement) and a new one (the transaction) in the same batch.
		await Promise.all([...batch('5511911110001', 'K'), ...batch('5511911110002', 'N')].map((body) => h.deliver(body)));
		expect(counter.transactions).toBe(1);
		const { rows } = await h.db.query<Record<string, FixtureJson>>(
			`SELECT ct.phone_e164, c.unread_count, c.last_message_preview, c.last_message_direction, c.last_message_at, c.last_inbound_at
			 FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.workspace_id = $1 ORDER BY ct.phone_e164`,
			[h.workspaceId],
		);
		for (const row of rows) {
			expect(row).toMatchObject({ unread_count: 1, last_message_preview: 'mais uma', last_message_direction: 'inbound', last_message_at: new Date((t - 30) * 1000), last_inbound_at: new Date((t - 30) * 1000) });
		}

		// History import: stored, older, changes neither unread nor the last message, and reopens nothing.
		await h.db.query("UPDATE whatsapp_conversations SET status = 'resolved' WHERE workspace_id = $1", [h.workspaceId]);
		const history = evolutionFixture('messages.set');
		history.data = [textWebhook({ id: 'H1', phone: '5511911110001', text: 'antiga', timestamp: t - 5000 }).data];
		await h.deliver(history);
		const after = (await h.db.query<Record<string, FixtureJson>>(
			"SELECT c.unread_count, c.last_message_preview, c.status FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.workspace_id = $1 AND ct.phone_e164 = '+5511911110001'",
			[h.workspaceId],
		)).rows[0];
		expect(after).toEqual({ unread_count: 1, last_message_preview: 'mais uma', status: 'resolved' });
		expect((await findMessage(h.db, h.workspaceId, (await h.db.query<{ id: string }>("SELECT id FROM whatsapp_messages WHERE wa_message_id = 'H1'")).rows[0].id))?.body).toBe('antiga');

		// A live message reopens it.
		await h.deliver(textWebhook({ id: 'K9', phone: '5511911110001', text: 'voltei', timestamp: t }));
		expect((await h.db.query<{ status: string }>("SELECT c.status FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE ct.phone_e164 = '+5511911110001'")).rows[0].status).toBe('pending');
	});

	it("rings the assignee's bell for recent inbound messages: one unread notification per conversation, refreshed, never for old or own messages", async () => {
		const t = nowSeconds();
		await h.deliver(textWebhook({ id: 'B0', text: 'oi', timestamp: t - 10 }));
		const agent = await assignTo();
		h.events.length = 0;
		await Promise.all([textWebhook({ id: 'B1', text: 'primeira', timestamp: t - 5 }), textWebhook({ id: 'B2', text: 'segunda', timestamp: t - 4 })].map((b) => h.deliver(b)));
		const bell = h.events.find((e) => e.type === 'notification.created');
		expect(bell).toMatchObject({ recipientUserId: agent, data: { notification: { userId: agent, kind: 'message_received', title: 'New message from Maria Souza', body: 'segunda', readAt: null } } });
		const unread = () => h.db.query<{ body: string }>('SELECT body FROM inbox_notifications WHERE workspace_id = $1 AND read_at IS NULL', [h.workspaceId]);
		expect((await unread()).rows).toEqual([{ body: 'segunda' }]);

		await h.deliver(textWebhook({ id: 'B3', text: 'terceira', timestamp: t - 3 }));
		expect((await unread()).rows).toEqual([{ body: 'terceira' }]);
		// Our own answers, and messages older than a quarter of an hour, ring nothing.
		h.events.length = 0;
		await h.deliver(textWebhook({ id: 'B4', fromMe: true, text: 'já vejo', timestamp: t - 2 }));
		await h.deliver(textWebhook({ id: 'B5', text: 'de ontem', timestamp: t - 86_400 }));
		expect(h.events.filter((e) => e.type === 'notification.created')).toEqual([]);

		// Once read, the next message makes a new one.
		await h.db.query('UPDATE inbox_notifications SET read_at = now() WHERE workspace_id = $1', [h.workspaceId]);
		await h.deliver(textWebhook({ id: 'B6', text: 'e agora?', timestamp: t }));
		expect((await unread()).rows).toEqual([{ body: 'e agora?' }]);
		expect(await h.count('inbox_notifications')).toBe(2);
	});
});
