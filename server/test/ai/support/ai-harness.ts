import type { Db } from '../../../src/db/db';
import { eventually } from '../../inbox/support/inbox-app';
import { LONG, startOutboxHarness, type OutboxHarness } from '../../outbox/support/outbox-harness';
import { FakeOpenAi } from './fake-openai';

export const API_KEY_OF_MODEL = 'sk-test-ai-key-0123456789abcdef';

export interface AiHarness extends OutboxHarness {
	model: FakeOpenAi;
	/** Creates an agent answering the channel, on the loopback model; `settings` override the defaults. */
	agent(channel: { id: string }, settings?: Record<string, unknown>): Promise<any>;
	/** A customer (or, with fromMe, our phone) writes on the channel through the sandbox; resolves once the server stored it. */
	say(channel: { id: string; name: string }, from: string, text: string, extra?: Record<string, unknown>): Promise<void>;
	conversationOf(channel: { id: string }, phone: string): Promise<string>;
	/** Waits until the AI dealt with every customer message of the conversation so far (answered, ignored, held). */
	handled(conversationId: string): Promise<void>;
	aiMessages(conversationId: string): Promise<Array<{ id: string; body: string; status: string; origin: string }>>;
	conversation(channel: { id: string; name: string }, from?: string): Promise<{ id: string; from: string; contactId: string }>;
	phone(): string;
}

let numbers = 0;

/** The outbox harness (sandbox, real server, both adapters) plus the loopback model and AI helpers. */
export async function startAiHarness(open: () => Promise<Db>, env: Record<string, string> = {}): Promise<AiHarness> {
	const model = await FakeOpenAi.start();
	const h = await startOutboxHarness(open, { AI_SWEEP_MS: '200', AI_ECHO_GRACE_MS: '300', ...env });
	const close = h.close.bind(h);
	return Object.assign(h, {
		model,
		async agent(channel: { id: string }, settings: Record<string, unknown> = {}) {
			const answer = await h.server.call('POST', '/api/v1/ai/agents', h.admin, {
				name: 'Assistente',
				baseUrl: model.url,
				apiKey: API_KEY_OF_MODEL,
				model: 'gpt-test',
				channelIds: [channel.id],
				debounceMs: 300,
				timePerCharMs: 0,
				splitMessages: false,
				retryBackoffMs: 50,
				requestTimeoutMs: 2_000,
				handOffMessage: null,
				...settings,
			});
			if (answer.statusCode !== 201) throw new Error(`agent create: ${answer.statusCode} ${answer.body}`);
			return answer.json();
		},
		async say(channel: { id: string; name: string }, from: string, text: string, extra: Record<string, unknown> = {}) {
			const answer = await h.sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'text', from, text, ...extra });
			if (answer.status >= 300) throw new Error(`sandbox message: ${answer.status} ${answer.text}`);
			// Stored before anything waits on the AI having dealt with it (a webhook may be delivered late).
			await eventually(async () => {
				const { rows } = await h.db.query('SELECT 1 FROM whatsapp_messages WHERE channel_id = $1 AND body = $2 AND from_me = $3', [channel.id, text, extra.fromMe === true]);
				expect({ text, stored: rows.length > 0 }).toEqual({ text, stored: true });
			}, LONG);
		},
		conversationOf: (channel: { id: string }, phone: string) =>
			eventually(async () => {
				const { rows } = await h.db.query<{ id: string }>(
					`SELECT c.id FROM whatsapp_conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE c.channel_id = $1 AND ct.phone_e164 = $2`,
					[channel.id, `+${phone}`],
				);
				expect(rows).toHaveLength(1);
				return rows[0].id;
			}, LONG),
		handled: (conversationId: string) =>
			eventually(async () => {
				const { rows } = await h.db.query<{ done: boolean }>(
					`SELECT (c.ai_handled_through IS NOT NULL AND c.ai_handled_through >= (SELECT max(m.created_at) FROM whatsapp_messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound')) AS done
					 FROM whatsapp_conversations c WHERE c.id = $1`,
					[conversationId],
				);
				expect({ conversationId, handled: rows[0]?.done }).toEqual({ conversationId, handled: true });
			}, LONG),
		async aiMessages(conversationId: string) {
			const { rows } = await h.db.query<{ id: string; body: string; status: string; origin: string }>(
				`SELECT id, body, status, origin FROM whatsapp_messages WHERE conversation_id = $1 AND sent_by_ai ORDER BY created_at, id`,
				[conversationId],
			);
			return rows;
		},
		phone() {
			numbers++;
			return `55119${String(60_000_000 + numbers * 7_919 + Math.floor(Math.random() * 1000)).padStart(8, '0')}`;
		},
		async close() {
			await close();
			await model.close();
		},
	}) as AiHarness;
}
