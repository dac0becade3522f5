import { z } from 'zod/v4';

/** What a client may send on /realtime. Anything else is answered with an error frame. */
export const clientFrameSchema = z.discriminatedUnion('type', [
	z.object({ type: z.literal('auth'), token: z.string().min(1).max(4096) }),
	z.object({ type: z.literal('subscribe'), channel: z.string().min(1).max(200) }),
	z.object({ type: z.literal('unsubscribe'), channel: z.string().min(1).max(200) }),
	z.object({ type: z.literal('typing'), conversationId: z.uuid(), on: z.boolean(), isPrivate: z.boolean().default(false) }),
	z.object({ type: z.literal('ping') }),
]);

export type ClientFrame = z.infer<typeof clientFrameSchema>;

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const WORKSPACE = new RegExp(`^whatsapp\\.workspace\\.(${UUID})$`);
const CONVERSATION = new RegExp(`^whatsapp\\.conversation\\.(${UUID})$`);

export type ChannelRef = { kind: 'workspace'; workspaceId?: string } | { kind: 'conversation'; conversationId: string };

/** "workspace" (the caller's own), "whatsapp.workspace.{id}" or "whatsapp.conversation.{id}". */
export function parseChannel(name: string): ChannelRef | undefined {
	if (name === 'workspace') return { kind: 'workspace' };
	const workspace = WORKSPACE.exec(name);
	if (workspace) return { kind: 'workspace', workspaceId: workspace[1].toLowerCase() };
	const conversation = CONVERSATION.exec(name);
	if (conversation) return { kind: 'conversation', conversationId: conversation[1].toLowerCase() };
	return undefined;
}
