import { z } from 'zod/v4';
import { conflict, notFound } from '../inbox/api/api-error';
import type { ApiRouter } from '../inbox/api/api-router';
import { findConversation } from '../inbox/conversations/conversation-view';
import type { InboxApiDeps } from '../inbox/inbox-deps';
import { webhookUrlProblem } from '../webhook-subscriptions/webhook-url';
import type { ReplyWaitQueue } from './reply-wait-queue';
import { cancelReplyWait, createReplyWait, getReplyWait, listConversationWaits } from './reply-waits';

const resumeUrl = z
	.string()
	.trim()
	.min(1)
	.max(2000)
	.superRefine((value, context) => {
		const problem = webhookUrlProblem(value);
		if (problem) context.addIssue({ code: 'custom', message: problem.replace(/^url: /, '') });
	});
const choice = z.object({ key: z.string().trim().min(1).max(20), label: z.string().trim().min(1).max(100) });
const createBody = z.object({
	resumeUrl,
	choices: z
		.array(choice)
		.max(20)
		.default([])
		.refine((list) => new Set(list.map((c) => c.key.toLowerCase())).size === list.length, { message: 'choice keys must differ' }),
	// Up to 30 days: a wait past it resumes the execution with timedOut: true.
	timeoutSeconds: z.number().int().min(1).max(30 * 24 * 3600),
	messageId: z.uuid().optional(),
	clientId: z.string().trim().min(1).max(200).optional(),
});
const conversationParams = z.object({ conversationId: z.uuid() });
const waitParams = z.object({ waitId: z.uuid() });

/**
 * Reply waits (members and admins, like the other conversation routes): an n8n execution waiting for the contact's
 * next message in a conversation. The resume URL is stored sealed and never answered.
 */
export function registerReplyWaitRoutes(api: ApiRouter, deps: Pick<InboxApiDeps, 'db' | 'integrationsKey'>, queue: ReplyWaitQueue): void {
	const { db, integrationsKey } = deps;

	api.add({
		method: 'POST',
		url: '/api/v1/conversations/:conversationId/reply-waits',
		summary: "Wait for the contact's next message: it (or a timeout) is POSTed once to resumeUrl; the same clientId answers the wait it made",
		tag: 'reply-waits',
		access: 'member',
		successStatus: 201,
		params: conversationParams,
		body: createBody,
		handler: async ({ caller, params, body }) => {
			if (!(await findConversation(db, caller.workspaceId, params.conversationId))) throw notFound('Conversation');
			const { wait, created } = await createReplyWait(db, integrationsKey, caller.workspaceId, {
				conversationId: params.conversationId,
				resumeUrl: body.resumeUrl,
				choices: body.choices,
				timeoutSeconds: body.timeoutSeconds,
				messageId: body.messageId,
				clientId: body.clientId,
				createdByUserId: caller.userId,
			});
			if (wait.conversationId !== params.conversationId) throw conflict('clientId: already used for a wait on another conversation', 'client_id_in_use');
			if (created) await queue.scheduleTimeout(caller.workspaceId, wait.id, new Date(wait.expiresAt));
			return { wait };
		},
	});

	api.add({
		method: 'GET',
		url: '/api/v1/conversations/:conversationId/reply-waits',
		summary: 'The newest reply waits of a conversation (at most 50)',
		tag: 'reply-waits',
		access: 'member',
		params: conversationParams,
		handler: async ({ caller, params }) => {
			if (!(await findConversation(db, caller.workspaceId, params.conversationId))) throw notFound('Conversation');
			return { data: await listConversationWaits(db, caller.workspaceId, params.conversationId) };
		},
	});

	api.add({
		method: 'GET',
		url: '/api/v1/reply-waits/:waitId',
		summary: 'A reply wait: open, answered, timed out or cancelled, and whether its resume was delivered',
		tag: 'reply-waits',
		access: 'member',
		params: waitParams,
		handler: async ({ caller, params }) => {
			const wait = await getReplyWait(db, caller.workspaceId, params.waitId);
			if (!wait) throw notFound('Reply wait');
			return { wait };
		},
	});

	api.add({
		method: 'DELETE',
		url: '/api/v1/reply-waits/:waitId',
		summary: 'Cancel an open reply wait (nothing is POSTed); 409 when it is already answered or timed out',
		tag: 'reply-waits',
		access: 'member',
		params: waitParams,
		successStatus: 204,
		handler: async ({ caller, params }) => {
			if (await cancelReplyWait(db, caller.workspaceId, params.waitId)) {
				await queue.cancelTimeout(params.waitId);
				return;
			}
			const wait = await getReplyWait(db, caller.workspaceId, params.waitId);
			if (!wait) throw notFound('Reply wait');
			if (wait.status !== 'cancelled') throw conflict(`The wait is already ${wait.status.replace('_', ' ')}.`, 'reply_wait_closed');
		},
	});
}
