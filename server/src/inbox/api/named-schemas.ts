import { z } from 'zod/v4';
import { agentViewSchema } from '../../ai/agent-store';
import { attendantViewSchema } from '../../auth/attendant-view-schema';
import { sessionAnswerSchema } from '../../auth/session-answer-schema';
import { workspaceViewSchema } from '../../auth/workspace-view-schema';
import { channelLogEntrySchema } from '../../channels/channel-log-schema';
import { channelQrViewSchema } from '../../channels/channel-qr-view-schema';
import { channelViewSchema } from '../../channels/channel-view-schema';
import { mediaFileSchema } from '../../media/media-file-schema';
import { outboxSettingsSchema } from '../../outbox/outbox-settings-schema';
import { syncRunSchema } from '../../sync/sync-runs';
import { cannedResponseSchema } from '../canned-responses/canned-response-schema';
import { contactSchema } from '../contacts/contacts';
import { conversationContactSchema, conversationViewSchema } from '../conversations/conversation-view-schema';
import { leadSchema } from '../leads/lead-schemas';
import { messageMediaSchema, messageReactionSchema, threadMessageSchema } from '../messages/message-view-schema';
import { notificationSchema } from '../notifications/notifications';

/**
 * The answers' shapes that many routes share, by the name the OpenAPI document gives them
 * (`#/components/schemas/<name>`): a reader of /docs sees one "Message" instead of the same object written out under
 * every route that answers one, and the generated web types refer to it once. Only answers (output) are named: a
 * request body's JSON can differ from the answer's (defaults, optional fields).
 */
class AnswerNames extends z.core.$ZodRegistry<{ id?: string }> {
	/** A schema's name here, over what it says of itself in the global registry (`.describe()`, `.meta()`), which is kept. */
	override get(schema: z.core.$ZodType): { id?: string } | undefined {
		const described = z.globalRegistry.get(schema);
		const named = super.get(schema);
		return described || named ? { ...described, ...named } : undefined;
	}
}

export const namedApiSchemas = new AnswerNames();

const NAMES: Array<[z.ZodType, string]> = [
	[conversationViewSchema, 'Conversation'],
	[conversationContactSchema, 'ConversationContact'],
	[threadMessageSchema, 'Message'],
	[messageMediaSchema, 'MessageMedia'],
	[messageReactionSchema, 'MessageReaction'],
	[channelViewSchema, 'Channel'],
	[outboxSettingsSchema, 'OutboxSettings'],
	[channelQrViewSchema, 'ChannelQr'],
	[channelLogEntrySchema, 'ChannelLogEntry'],
	[syncRunSchema, 'SyncRun'],
	[agentViewSchema, 'AiAgent'],
	[notificationSchema, 'Notification'],
	[leadSchema, 'Lead'],
	[contactSchema, 'Contact'],
	[cannedResponseSchema, 'CannedResponse'],
	[mediaFileSchema, 'MediaFile'],
	[attendantViewSchema, 'Attendant'],
	[workspaceViewSchema, 'Workspace'],
	[sessionAnswerSchema, 'Session'],
];
for (const [schema, id] of NAMES) namedApiSchemas.add(schema, { id });
