import { contactKey, upsertContacts, type ContactInput } from '../contacts/contact-upsert';
import { conversationKey, upsertConversations } from '../conversations/conversation-upsert';
import type { Db, Queryable, Tx } from '../db/db';
import { isRetryableDbError } from '../db/retryable-error';
import type { ConversationSummary } from '../inbox/conversations/conversation-view';
import { writeMessages, type MessageWrite } from '../messages/message-batch-write';
import { boundEvents } from '../providers/event-bounds';
import { isEvolutionMessageRaw } from '../providers/evolution/evolution-message-raw-check';
import { EvolutionNormaliser } from '../providers/evolution/evolution-normaliser';
import type { IncomingMessage } from '../providers/provider-events';
import type { EvolutionHistoryRecord } from './chat-pager';

const STATUS_RANK = ['ERROR', 'PENDING', 'SERVER_ACK', 'DELIVERY_ACK', 'READ', 'PLAYED'];
const normaliser = new EvolutionNormaliser();

/** What one page did: messages read, newly stored, unreadable. */
export interface PageResult {
	seen: number;
	imported: number;
	unreadable: number;
}

/** What one chunk did: its pages' results (in their order) and the conversations whose summary moved. */
export interface ChunkResult {
	pages: PageResult[];
	conversations: ConversationSummary[];
}

/** The best receipt of a record's MessageUpdate[] (the record has no status column, CONTRACT §2.3). */
function bestReceipt(updates: unknown): string | undefined {
	if (!Array.isArray(updates)) return undefined;
	let best: string | undefined;
	for (const update of updates) {
		const status = (update as { status?: unknown } | null)?.status;
		if (typeof status !== 'string') continue;
		const name = status.toUpperCase();
		if (STATUS_RANK.indexOf(name) > STATUS_RANK.indexOf(best ?? '')) best = name;
	}
	return best;
}

/**
 * A findMessages record as ingest's IncomingMessage, marked history: checked as a messages.set item is (the same
 * rules as its schema, without a copy of the record), normalised, and bounded as live ingest bounds what it stores
 * (ids and JIDs that fit, names and texts clamped, a timestamp PostgreSQL can hold). The best receipt in
 * MessageUpdate[] stands in for the status, as Evolution's own status would. Records the live normaliser would not
 * store (protocol messages, status broadcasts) give null; an unreadable one gives undefined. Never throws.
 */
export function historyMessage(record: unknown, now: number = Date.now()): IncomingMessage | null | undefined {
	if (!isEvolutionMessageRaw(record)) return undefined;
	try {
		const event = normaliser.historyEvents(record, bestReceipt((record as { MessageUpdate?: unknown }).MessageUpdate)).find((e) => e.kind === 'message');
		if (!event) return null;
		const bounded = boundEvents([event], now).events[0];
		return bounded?.kind === 'message' ? bounded.message : undefined;
	} catch {
		return undefined;
	}
}

/**
 * Writes history through ingest's own write path: contacts and conversations found or created with the same upserts
 * (an `@lid` chat resolves through remoteJidAlt exactly as live), then the one batch statement (writeMessages) with
 * every message marked history — so not unread, no bell, no lead attribution, no reopening — and idempotent on the
 * WhatsApp id: a message already stored (an earlier run, or live meanwhile) is not stored again. Contact and
 * conversation ids are cached for the run, so a chat costs its upserts once, not once per chunk.
 *
 * A chunk (the pages of one or several chats) is one transaction: the chats' upserts, the messages and the caller's
 * bookkeeping (the pages' cursors and counters, `recordPages`) commit together, so a cursor never moves past rows
 * that were not stored, nor rows stored without their cursor (a resumed run reads no page twice and skips none).
 */
export class HistoryImporter {
	/** contactKey → conversation id of this channel, for the chats already resolved in this run. */
	private readonly known = new Map<string, string>();

	constructor(
		private readonly db: Db,
		private readonly workspaceId: string,
		private readonly channelId: string,
	) {}

	/** One page alone: `importPages` of a chunk of one. */
	async importChunk(records: EvolutionHistoryRecord[], recordPage: (tx: Queryable, page: PageResult) => Promise<void>): Promise<PageResult & { conversations: ConversationSummary[] }> {
		const chunk = await this.importPages([records], (tx, [page]) => recordPage(tx, page));
		return { ...chunk.pages[0], conversations: chunk.conversations };
	}

	async importPages(pages: EvolutionHistoryRecord[][], recordPages: (tx: Queryable, pages: PageResult[]) => Promise<void>): Promise<ChunkResult> {
		const messages: IncomingMessage[] = [];
		// The page each message came from, to count what each page stored.
		const pageOf: number[] = [];
		const read = pages.map((records) => ({ seen: records.length, imported: 0, unreadable: 0 }));
		const ids = new Set<string>();
		const now = Date.now();
		pages.forEach((records, index) => {
			for (const record of records) {
				const message = historyMessage(record, now);
				if (message === undefined) read[index].unreadable++;
				else if (message && !ids.has(message.waMessageId)) {
					ids.add(message.waMessageId);
					messages.push(message);
					pageOf.push(index);
				}
			}
		});
		for (let attempt = 1; ; attempt++) {
			// Chats resolved by this attempt: known to the run only once their transaction has committed.
			const resolved = new Map<string, string>();
			try {
				const chunk = await this.db.transaction(async (tx) => {
					const results = read.map((page) => ({ ...page }));
					let conversations: ConversationSummary[] = [];
					if (messages.length) {
						const written = await this.write(tx, messages, resolved);
						written.inserted.forEach((inserted, index) => {
							if (inserted) results[pageOf[index]].imported++;
						});
						conversations = written.conversations;
					}
					await recordPages(tx, results);
					return { pages: results, conversations };
				});
				for (const [key, conversationId] of resolved) this.known.set(key, conversationId);
				return chunk;
			} catch (error) {
				// A live message creating the same contact or conversation meanwhile: run again, it is found this time.
				if (attempt >= 4 || !isRetryableDbError(error)) throw error;
				this.known.clear();
			}
		}
	}

	private async write(tx: Tx, messages: IncomingMessage[], resolved: Map<string, string>): Promise<{ inserted: boolean[]; conversations: ConversationSummary[] }> {
		await this.resolveChats(tx, messages, resolved);
		// Each message names its conversation, resolved above or earlier in the run: the write takes it by id.
		const writes: MessageWrite[] = messages.map((message) => {
			const key = contactKey(this.workspaceId, message.chat);
			return { delivery: 0, workspaceId: this.workspaceId, channelId: this.channelId, message, conversationId: resolved.get(key) ?? this.known.get(key) };
		});
		// Only counts come back (messageRows: false): the import never shows the rows it stored.
		const result = await writeMessages(tx, writes, [], { onlyKnownChats: false, messageRows: false });
		if (result.items.some((item) => !item.resolved)) {
			// A conversation removed since it was cached: resolve again next time.
			this.known.clear();
			throw Object.assign(new Error('a conversation vanished during the import'), { code: '40001' });
		}
		return {
			inserted: result.items.map((item) => item.inserted),
			conversations: result.conversations.map((c) => c.conversation),
		};
	}

	/**
	 * The contacts and conversations of the chats not yet resolved in this run, in the chunk's transaction; noted in
	 * `resolved`. Conversations the import creates are history, nothing to attend to: they start resolved (a live
	 * message reopens them).
	 */
	private async resolveChats(tx: Tx, messages: IncomingMessage[], resolved: Map<string, string>): Promise<void> {
		const pending = new Map<string, ContactInput>();
		for (const message of messages) {
			const key = contactKey(this.workspaceId, message.chat);
			if (this.known.has(key) || resolved.has(key)) continue;
			const seen = pending.get(key);
			// The person's newest name in the chunk (pages are newest first): what they are called now.
			pending.set(key, { workspaceId: this.workspaceId, chat: seen ? { ...seen.chat, lid: seen.chat.lid ?? message.chat.lid } : message.chat, pushName: seen?.pushName ?? (message.fromMe ? undefined : message.pushName) });
		}
		if (!pending.size) return;
		const contacts = await upsertContacts(tx, [...pending.values()]);
		const inputs = [...pending.entries()].map(([key, input]) => {
			const contact = contacts.get(key)!;
			return {
				key,
				input: {
					workspaceId: this.workspaceId,
					channelId: this.channelId,
					contactId: contact.row.id,
					leadId: contact.leadId,
					chatJid: input.chat.jid,
					chatLid: input.chat.lid,
					isGroup: input.chat.isGroup,
					initialStatus: 'resolved' as const,
				},
			};
		});
		const conversations = await upsertConversations(tx, inputs.map((i) => i.input));
		for (const { key, input } of inputs) {
			resolved.set(key, conversations.get(conversationKey(this.workspaceId, this.channelId, input.contactId))!.row.id);
		}
	}
}
