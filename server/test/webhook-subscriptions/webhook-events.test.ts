import type { InboxEvent } from '../../src/realtime/inbox-events';
import { webhookEventsOf } from '../../src/webhook-subscriptions/webhook-events';

const WS = '6f1c7a2e-0000-4000-8000-000000000001';
const at = Date.UTC(2026, 11, 6, 7, 0, 0);
const event = (type: string, fields: Partial<InboxEvent> = {}): InboxEvent => ({ type: type as InboxEvent['type'], data: {}, at, ...fields });
const message = (fields: Record<string, unknown>) => event('message.updated', { conversationId: 'conv-1', channelId: 'ch-1', data: { message: { id: 'msg-1', ...fields } } });
const mapped = (events: InboxEvent[]) => webhookEventsOf(WS, events).map((e) => e.type);

describe('realtime events → webhook events', () => {
	it('messages: received once when created inbound; sent and each receipt of an outbound one; nothing for notes or queued sends', () => {
		expect(mapped([event('message.created', { data: { message: { id: 'm', direction: 'inbound', status: 'delivered' } } })])).toEqual(['message.received']);
		// An inbound message edited or reacted to later is not received again.
		expect(mapped([message({ direction: 'inbound', status: 'read' })])).toEqual([]);
		expect(mapped([event('message.created', { data: { message: { id: 'm', direction: 'outbound', status: 'queued' } } })])).toEqual([]);
		expect(mapped([event('message.created', { data: { message: { id: 'm', direction: 'internal', status: 'sent' } } })])).toEqual([]);
		expect(mapped([message({ direction: 'outbound', status: 'sent' })])).toEqual(['message.sent']);
		expect(mapped([message({ direction: 'outbound', status: 'server_ack' })])).toEqual(['message.sent']);
		expect(mapped([message({ direction: 'outbound', status: 'failed' })])).toEqual(['message.status_changed']);
	});

	it('a message delivered is announced sent too, one read delivered, one played read, with the ids those facts get alone, once a batch', () => {
		const facts = (events: InboxEvent[]) => webhookEventsOf(WS, events).map((e) => [e.type === 'message.sent' ? 'sent' : e.data.status, e.id] as const);
		const alone = (status: string) => webhookEventsOf(WS, [message({ direction: 'outbound', status })]);
		const [sent] = alone('sent');
		const delivered = alone('delivered');
		expect(delivered.map((e) => [e.type, e.data.status])).toEqual([
			['message.sent', undefined],
			['message.status_changed', 'delivered'],
		]);
		expect(delivered[0]!.id).toBe(sent!.id);
		const read = alone('read');
		expect(read.map((e) => [e.type, e.data.status])).toEqual([
			['message.sent', undefined],
			['message.status_changed', 'delivered'],
			['message.status_changed', 'read'],
		]);
		expect(read.slice(0, 2).map((e) => e.id)).toEqual(delivered.map((e) => e.id));
		expect(new Set(read.map((e) => e.id)).size).toBe(3);
		// Each carries the message as it is now (read), and says which status it announces.
		expect(read[1]!.data).toMatchObject({ status: 'delivered', message: { id: 'msg-1', status: 'read' } });
		const played = facts([message({ direction: 'outbound', status: 'played' })]);
		expect(played.map(([fact]) => fact)).toEqual(['sent', 'delivered', 'read', 'played']);
		expect(played.slice(0, 3).map(([, id]) => id)).toEqual(read.map((e) => e.id));
		// Receipts announced one after another in one batch make each fact once.
		const each = facts(['sent', 'delivered', 'read'].map((status) => message({ direction: 'outbound', status })));
		expect(each).toEqual(read.map((e) => [e.type === 'message.sent' ? 'sent' : e.data.status, e.id]));
		// A failed send implies nothing else.
		expect(facts([message({ direction: 'outbound', status: 'failed' })]).map(([fact]) => fact)).toEqual(['failed']);
	});

	it('gives the same fact the same id wherever it is mapped, and different facts different ids', () => {
		const [sentA] = webhookEventsOf(WS, [message({ direction: 'outbound', status: 'sent' })]);
		const [sentB] = webhookEventsOf(WS, [message({ direction: 'outbound', status: 'server_ack' })]);
		expect(sentA!.id).toBe(sentB!.id);
		expect(sentA!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
		const [failed] = webhookEventsOf(WS, [message({ direction: 'outbound', status: 'failed' })]);
		const [delivered] = webhookEventsOf(WS, [message({ direction: 'outbound', status: 'delivered' })]);
		expect(failed!.id).not.toBe(delivered!.id);
		// The same message id in another workspace is another event.
		expect(webhookEventsOf('another-workspace', [message({ direction: 'outbound', status: 'sent' })])[0]!.id).not.toBe(sentA!.id);
		// Facts that happen again (two updates of one lead) are never merged.
		const update = event('lead.updated', { data: { lead: { id: 'lead-1' } } });
		expect(webhookEventsOf(WS, [update])[0]!.id).not.toBe(webhookEventsOf(WS, [update])[0]!.id);
	});

	it('channels: connected and disconnected (or logged out) once per state change; other states and fields nothing', () => {
		const channel = (status: string, statusChangedAt: string) => event('channel.updated', { channelId: 'ch-1', data: { id: 'ch-1', status, statusChangedAt } });
		expect(mapped([channel('connected', '2026-12-06T07:00:00.000Z')])).toEqual(['channel.connected']);
		expect(mapped([channel('disconnected', '2026-12-06T07:01:00.000Z')])).toEqual(['channel.disconnected']);
		expect(mapped([channel('logged_out', '2026-12-06T07:02:00.000Z')])).toEqual(['channel.disconnected']);
		expect(mapped([channel('connecting', '2026-12-06T07:03:00.000Z'), channel('expired', '2026-12-06T07:04:00.000Z')])).toEqual([]);
		// A rename announces the channel again with the same state change: the same event id, so one delivery.
		const first = webhookEventsOf(WS, [channel('connected', '2026-12-06T07:00:00.000Z')])[0]!;
		expect(webhookEventsOf(WS, [channel('connected', '2026-12-06T07:00:00.000Z')])[0]!.id).toBe(first.id);
		expect(webhookEventsOf(WS, [channel('connected', '2026-12-06T08:00:00.000Z')])[0]!.id).not.toBe(first.id);
	});

	it('history sync: finished when a run completes, is cancelled or fails; progress is not an event', () => {
		const run = (status: string) => event('sync.progress', { channelId: 'ch-1', data: { run: { id: 'run-1', status } } });
		expect(mapped([run('queued'), run('running')])).toEqual([]);
		for (const status of ['completed', 'cancelled', 'failed']) expect(mapped([run(status)])).toEqual(['sync.finished']);
	});

	it('conversations: assignment and status changes carry the conversation announced with them; AI hand-offs too', () => {
		const conversation = { id: 'conv-1', status: 'open', assignedUserId: 'user-2' };
		const batch = [
			event('assignee.changed', { conversationId: 'conv-1', data: { conversationId: 'conv-1', assigneeId: 'user-2', previousAssigneeId: null, byUserId: 'user-1' } }),
			event('conversation.updated', { conversationId: 'conv-1', data: { conversation } }),
			event('conversation.status_changed', { conversationId: 'conv-1', data: { conversationId: 'conv-1', status: 'open', previousStatus: 'pending' } }),
			event('conversation.ai_changed', { conversationId: 'conv-1', data: { conversationId: 'conv-1', aiState: 'handed_off', previousAiState: 'active', reason: 'keyword' } }),
			event('conversation.ai_changed', { conversationId: 'conv-1', data: { conversationId: 'conv-1', aiState: 'paused', previousAiState: 'active' } }),
		];
		const out = webhookEventsOf(WS, batch);
		expect(out.map((e) => e.type)).toEqual(['conversation.assigned', 'conversation.status_changed', 'ai.handed_off']);
		for (const e of out) expect(e.data.conversation).toEqual(conversation);
		expect(out[0]).toMatchObject({ conversationId: 'conv-1', occurredAt: '2026-12-06T07:00:00.000Z', data: { assigneeId: 'user-2' } });
		expect(out[2]!.data).toMatchObject({ reason: 'keyword' });
		// Presence, typing, unread counts, the bell and channel logs are for the pages only.
		expect(mapped(['presence.update', 'conversation.typing_on', 'conversation.unread_count_changed', 'notification.created', 'channel.log', 'channel.qr'].map((t) => event(t)))).toEqual([]);
	});
});
