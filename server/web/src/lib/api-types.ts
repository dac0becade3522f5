/**
 * The shapes of the answers the page reads, taken from the OpenAPI document (api-schema.d.ts, generated from the
 * server's response schemas: server/src/auth/session-answer-schema.ts, server/src/inbox/conversations/conversation-view-schema.ts,
 * messages/message-view-schema.ts, channels/channel-view-schema.ts and the others beside their routes), so a field
 * the server renames or drops fails the page's typecheck. Nothing here is written by hand.
 */
import type { ApiAnswer } from './api-client';

/** What signing in and creating a workspace answer: the session token with the attendant and the workspace. */
export type SessionAnswer = ApiAnswer<'/api/v1/auth/login', 'post'>;

/** An attendant of the workspace (never the password hash); GET /api/v1/attendants lists the same. */
export type Attendant = SessionAnswer['user'];

export type Workspace = SessionAnswer['workspace'];

/** The caller (GET /api/v1/auth/me): user is null for an API token. */
export type Me = ApiAnswer<'/api/v1/auth/me', 'get'>;

/** One conversation with its contact (GET /api/v1/conversations/{id}); lists, assigning and status changes answer the same. */
export type Conversation = ApiAnswer<'/api/v1/conversations/{conversationId}', 'get'>;

export type ConversationStatus = Conversation['status'];

/** The person a conversation is with, as the conversation carries it. */
export type Contact = Conversation['contact'];

/** A page of the inbox list, with the mine / unassigned / all counts (each stops at meta.countCap). */
export type ConversationPage = ApiAnswer<'/api/v1/conversations', 'get'>;

export type TabCounts = ConversationPage['meta']['counts'];

/**
 * A message as the thread shows it (GET /api/v1/messages/{id}); sends, notes, retries and edits answer the same.
 * media.id is the file in the media store (GET /api/v1/media/{id}), null until the server has it.
 */
export type Message = ApiAnswer<'/api/v1/messages/{messageId}', 'get'>;

export type Reaction = Message['reactions'][number];

/** A page of a thread, newest last; meta.nextCursor is `before` for the older page. */
export type MessagePage = ApiAnswer<'/api/v1/conversations/{conversationId}/messages', 'get'>;

/** A channel (never its secrets); settings.outbox holds the sending pace (server/src/outbox/outbox-settings.ts). */
export type Channel = ApiAnswer<'/api/v1/channels/{channelId}', 'get'>;
