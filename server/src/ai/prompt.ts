import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { Queryable } from '../db/db';
import { fill } from '../outbox/outbox';
import type { AgentSettings } from './agent-settings';

export interface PromptContext {
	contactName: string | null;
	channelName: string;
	now: Date;
}

/** {{contact.name}}, {{channel.name}}, {{now}} (in the business hours' time zone when set), then the knowledge snippets. */
export function systemPrompt(settings: AgentSettings, context: PromptContext): string {
	const timeZone = settings.businessHours?.timeZone ?? 'UTC';
	const now = new Intl.DateTimeFormat('pt-BR', { timeZone, dateStyle: 'full', timeStyle: 'short' }).format(context.now);
	const prompt = fill(settings.systemPrompt, { 'contact.name': context.contactName ?? '', 'channel.name': context.channelName, now: `${now} (${timeZone})` }) ?? '';
	if (!settings.knowledge.length) return prompt;
	const snippets = settings.knowledge.map((k) => (k.title ? `### ${k.title}\n${k.text}` : k.text)).join('\n\n');
	return `${prompt}\n\n## Knowledge\n${snippets}`;
}

interface ContextRow {
	direction: 'inbound' | 'outbound';
	type: string;
	body: string | null;
	transcript: string | null;
}

/** What a message says to the model: its text, a caption, a voice note's transcript; nothing for what has no words. */
export function messageText(row: ContextRow): string | null {
	if (row.type === 'audio') return row.transcript ? `[voice note] ${row.transcript}` : '[voice note]';
	if (row.type === 'text') return row.body;
	if (['image', 'video', 'document', 'sticker', 'location', 'contact'].includes(row.type)) return row.body ? `[${row.type}] ${row.body}` : `[${row.type}]`;
	return row.body;
}

/**
 * The last `count` messages of the conversation, oldest first (WhatsApp's time, then ours: its times have whole
 * seconds); the customer's as user, ours (AI or attendants) as assistant.
 */
export async function conversationContext(db: Queryable, workspaceId: string, conversationId: string, count: number): Promise<ChatCompletionMessageParam[]> {
	if (count <= 0) return [];
	const { rows } = await db.query<ContextRow>(
		`SELECT direction, type, body, transcript FROM (
			SELECT m.direction, m.type, m.body, m.transcript, m.thread_at, m.thread_seq, m.id FROM whatsapp_messages m
			WHERE m.workspace_id = $1 AND m.conversation_id = $2 AND m.direction <> 'internal' AND NOT m.is_deleted AND m.type NOT IN ('reaction', 'unknown')
				AND m.status <> 'failed'
			ORDER BY m.thread_at DESC, m.thread_seq DESC, m.id DESC LIMIT $3) recent
		 ORDER BY thread_at, thread_seq, id`,
		[workspaceId, conversationId, count],
	);
	return rows.flatMap((row): ChatCompletionMessageParam[] => {
		const text = messageText(row);
		if (!text) return [];
		return [row.direction === 'inbound' ? { role: 'user', content: text } : { role: 'assistant', content: text }];
	});
}
