import { findConversation } from '../../src/inbox/conversations/conversation-view';
import { listThread } from '../../src/inbox/messages/thread';
import { updateWorkspaceSettings } from '../../src/inbox/workspace/workspace-settings';
import { DELETED_MESSAGE_PREVIEW } from '../../src/messages/message-preview';
import { ADAPTERS, type FixtureJson, evolutionFixture, textWebhook } from '../support/ingest-database';
import { startIngestHarness, type IngestHarness } from '../support/ingest-harness';

/** What the stored data says after tricky but valid Evolution payloads (#9). */
describe.each(ADAPTERS)('stored data on %s', (_name, open) => {
	let h: IngestHarness;
	beforeEach(async () => {
		h = await startIngestHarness(open);
	});
	afterEach(async () => {
		await h.close();
	});

	const conversation = async () => {
		const { rows } = await h.db.query<{ id: string }>('SELECT id FROM whatsapp_conversations WHERE workspace_id = $1', [h.workspaceId]);
		return (await findConversation(h.db, h.workspaceId, rows[0].id))!;
	};
	const thread = async () => (await listThread(h.db, h.workspaceId, (await conversation()).id, { limit: 100 })).items;
	const revoke = (id: string) => {
		const body = evolutionFixture('messages.delete');
		body.data.id = id;
		return body;
	};
	const imageWithCaption = (id: string) => {
		const body = evolutionFixture('messages.upsert-image');
		body.data.key = { ...body.data.key, id, remoteJid: '5511988887777@s.whatsapp.net' };
		body.data.messageTimestamp = 1763800100;
		return body;
	};

	it('a message deleted for everyone keeps isDeleted and serves no content; the preview stops showing it', async () => {
		await h.deliver(textWebhook({ id: 'CPF1', text: 'meu CPF é 123.456.789-09', timestamp: 1763800060 }));
		await h.deliver(imageWithCaption('IMG1'));
		await h.deliver(textWebhook({ id: 'LAST', text: 'cartão 4111 1111 1111 1111', timestamp: 1763800200 }));
		expect((await conversation()).lastMessagePreview).toBe('cartão 4111 1111 1111 1111');

		h.events.length = 0;
		for (const id of ['CPF1', 'IMG1', 'LAST']) await h.deliver(revoke(id));
		const messages = await thread();
		expect(messages.map((m) => [m.waMessageId, m.isDeleted, m.body, m.media, m.details])).toEqual([
			['CPF1', true, null, null, null],
			['IMG1', true, null, null, null],
			['LAST', true, null, null, null],
		]);
		const stored = await h.db.query<FixtureJson>('SELECT body, media_url, media_mime_type, details FROM whatsapp_messages WHERE workspace_id = $1', [h.workspaceId]);
		expect(stored.rows.every((r: FixtureJson) => r.body === null && r.media_url === null && r.media_mime_type === null && r.details === null)).toBe(true);
		// The newest message was deleted: the list shows that, not its text, and says so in realtime.
		const after = await conversation();
		expect(after.lastMessagePreview).toBe(DELETED_MESSAGE_PREVIEW);
		expect(after.unreadCount).toBe(3);
		const announced = h.events.filter((e) => e.type === 'conversation.updated').map((e) => (e.data.conversation as FixtureJson).lastMessagePreview);
		expect(announced).toEqual([DELETED_MESSAGE_PREVIEW]);
		const updates = h.events.filter((e) => e.type === 'message.updated').map((e) => (e.data.message as FixtureJson).body);
		expect(updates).toEqual([null, null, null]);

		// A repeated delete changes nothing; an edit arriving after the delete does not bring text back.
		expect((await h.deliver(revoke('CPF1'))).body).toMatchObject({ outcome: 'duplicate' });
		const edit = evolutionFixture('messages.edited');
		edit.data.key.id = 'CPF1';
		await h.deliver(edit);
		expect((await thread())[0]).toMatchObject({ waMessageId: 'CPF1', body: null, isDeleted: true });
	});

	it('a delete that arrives before its message stores the message without content and without a preview of it', async () => {
		await h.deliver(textWebhook({ id: 'OLD', text: 'primeira', timestamp: 1763800000 }));
		await h.deliver(revoke('EARLY'));
		await h.deliver(textWebhook({ id: 'EARLY', text: 'segredo', timestamp: 1763800300 }));
		expect((await thread()).find((m) => m.waMessageId === 'EARLY')).toMatchObject({ isDeleted: true, body: null });
		expect((await conversation()).lastMessagePreview).toBe(DELETED_MESSAGE_PREVIEW);
	});

	it('keeps deleted content only while the workspace retains deleted messages; turning it off clears what was kept', async () => {
		await updateWorkspaceSettings(h.db, h.workspaceId, { retainDeletedMessages: true });
		await h.deliver(textWebhook({ id: 'KEEP', text: 'guardado por lei' }));
		await h.deliver(revoke('KEEP'));
		expect((await thread())[0]).toMatchObject({ isDeleted: true, body: 'guardado por lei' });

		expect(await updateWorkspaceSettings(h.db, h.workspaceId, { retainDeletedMessages: false })).toEqual({ retainDeletedMessages: false });
		expect((await thread())[0]).toMatchObject({ isDeleted: true, body: null });
	});

	it('a reaction and its removal stay on their message: no thread rows, no unread count, no preview', async () => {
		await h.deliver(evolutionFixture('messages.upsert-text-conversation'));
		const target = evolutionFixture('messages.upsert-fromme');
		await h.deliver(target);
		const targetId = target.data.key.id as string;
		const before = await conversation();

		const heart = evolutionFixture('messages.upsert-reaction');
		heart.data.message.reactionMessage.key.id = targetId;
		heart.data.message.reactionMessage.text = '❤️';
		expect((await h.deliver(heart)).body).toMatchObject({ outcome: 'processed' });
		let messages = await thread();
		expect(messages.map((m) => m.type)).not.toContain('reaction');
		expect(messages.find((m) => m.waMessageId === targetId)?.reactions).toEqual([{ emoji: '❤️', reactorJid: '5511988887777@s.whatsapp.net', fromMe: false }]);
		expect(h.events.filter((e) => e.type === 'message.reaction').at(-1)).toMatchObject({ conversationId: before.id, data: { emoji: '❤️', targetWaMessageId: targetId } });

		const removal = evolutionFixture('messages.upsert-reaction');
		removal.data.key.id = 'REMOVAL1';
		removal.data.message.reactionMessage.key.id = targetId;
		removal.data.message.reactionMessage.text = '';
		removal.data.messageTimestamp += 5;
		await h.deliver(removal);
		// The ❤️ delivered again after its removal (Evolution retries) does not come back, and announces nothing.
		const eventsBefore = h.events.length;
		expect((await h.deliver(heart)).body).toMatchObject({ outcome: 'duplicate' });
		expect(h.events.length).toBe(eventsBefore);

		messages = await thread();
		expect(messages.map((m) => m.type)).toEqual(['text', 'text']);
		expect(messages.find((m) => m.waMessageId === targetId)?.reactions).toEqual([]);
		expect(await h.count('whatsapp_messages')).toBe(2);
		const after = await conversation();
		expect({ unread: after.unreadCount, preview: after.lastMessagePreview, at: after.lastMessageAt }).toEqual({
			unread: before.unreadCount,
			preview: before.lastMessagePreview,
			at: before.lastMessageAt,
		});
	});

	it('a messages.upsert whose data has no message stores nothing and rings nothing', async () => {
		await h.deliver(textWebhook({ id: 'FIRST', text: 'olá' }));
		const before = await conversation();
		for (const message of [undefined, null, {}]) {
			const body = textWebhook({ id: `EMPTY-${String(message)}`, timestamp: 1763900000 }) as FixtureJson;
			if (message === undefined) delete body.data.message;
			else body.data.message = message;
			const answer = await h.deliver(body);
			expect(answer).toEqual({ status: 200, body: { ok: true, outcome: 'ignored', reason: 'messages.upsert without a message: nothing stored' } });
		}
		expect(await h.count('whatsapp_messages')).toBe(1);
		const after = await conversation();
		expect({ unread: after.unreadCount, preview: after.lastMessagePreview }).toEqual({ unread: before.unreadCount, preview: 'olá' });
		const audited = await h.db.query<{ outcome: string }>("SELECT outcome FROM webhook_deliveries WHERE workspace_id = $1 AND body_sha256 IS NOT NULL ORDER BY received_at", [h.workspaceId]);
		expect(audited.rows.map((r) => r.outcome)).toEqual(['processed', 'ignored', 'ignored', 'ignored']);
	});
});
