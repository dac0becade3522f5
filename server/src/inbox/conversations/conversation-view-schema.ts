import { z } from 'zod/v4';

/**
 * A conversation as the API answers it (conversation-view.ts selects it). The schema documents the answers in OpenAPI,
 * from which the web app's types are generated; strict objects, so a test parsing a real answer with it fails when the
 * view gains or renames a field the schema does not have.
 */
export const conversationContactSchema = z.strictObject({
	id: z.uuid(),
	name: z.string().nullable(),
	pushName: z.string().nullable().describe('The name the contact set on WhatsApp'),
	phoneE164: z.string().nullable(),
	waJid: z.string().nullable(),
	avatarUrl: z.string().nullable(),
	isGroup: z.boolean(),
});

export const CONVERSATION_STATUSES = ['open', 'pending', 'resolved', 'snoozed'] as const;

export const conversationViewSchema = z.strictObject({
	id: z.uuid(),
	channelId: z.uuid(),
	contactId: z.uuid(),
	leadId: z.uuid().nullable(),
	chatJid: z.string(),
	isGroup: z.boolean(),
	assigneeId: z.uuid().nullable(),
	status: z.enum(CONVERSATION_STATUSES),
	snoozedUntil: z.string().nullable(),
	resolvedAt: z.string().nullable(),
	aiState: z.string().describe('The AI auto-reply here, apart from the workflow status: active, paused (an attendant acted), handed_off, off'),
	aiStateReason: z.string().nullable().describe('Why the AI state last changed'),
	aiStateChangedAt: z.string().nullable(),
	unreadCount: z.number().int(),
	lastMessageAt: z.string().nullable(),
	lastMessagePreview: z.string().nullable(),
	lastMessageDirection: z.string().nullable().describe('inbound, outbound or internal'),
	lastInboundAt: z.string().nullable(),
	agentLastSeenAt: z.string().nullable(),
	contactPresence: z.string().nullable().describe("The contact's last presence (composing, recording, available…)"),
	tags: z.array(z.string()),
	lastActivityAt: z.string(),
	createdAt: z.string(),
	updatedAt: z.string(),
	contact: conversationContactSchema,
});

export const conversationTabCountsSchema = z.strictObject({ mine: z.number().int(), unassigned: z.number().int(), all: z.number().int() });

/** GET /api/v1/conversations: a page of the list with the tab counts (each stops at countCap). */
export const conversationPageSchema = z.strictObject({
	data: z.array(conversationViewSchema),
	meta: z.strictObject({
		counts: conversationTabCountsSchema,
		countCap: z.number().int().describe('The counts stop here: a page shows "999+"'),
		nextCursor: z.string().nullable(),
	}),
});
