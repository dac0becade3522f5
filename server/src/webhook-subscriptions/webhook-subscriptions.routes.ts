import { z } from 'zod/v4';
import type { ApiRouter } from '../inbox/api/api-router';
import type { InboxApiDeps } from '../inbox/inbox-deps';
import { listDeliveries } from './webhook-deliveries';
import { WEBHOOK_EVENT_TYPES } from './webhook-events';
import { createSubscription, deleteSubscription, getSubscription, listSubscriptions, updateSubscription } from './webhook-subscriptions';
import { webhookUrlProblem } from './webhook-url';

const url = z
	.string()
	.trim()
	.min(1)
	.max(2000)
	.superRefine((value, context) => {
		const problem = webhookUrlProblem(value);
		if (problem) context.addIssue({ code: 'custom', message: problem.replace(/^url: /, '') });
	});
const events = z.array(z.enum(WEBHOOK_EVENT_TYPES)).max(WEBHOOK_EVENT_TYPES.length).transform((list) => [...new Set(list)]);
// A secret the caller chooses (n8n generates its own): long enough to resist guessing, printable.
const secret = z.string().regex(/^[\x21-\x7e]{24,200}$/, 'secret: 24 to 200 printable characters, no spaces');
const description = z.string().trim().max(300);
const params = z.object({ subscriptionId: z.uuid() });

/**
 * Outgoing webhook subscriptions (admin, or an API token with the admin scope): the URLs that hear inbox events, each
 * delivery signed with the subscription's secret. The secret is answered only when it is made (created, set, rotated).
 */
export function registerWebhookSubscriptionRoutes(api: ApiRouter, deps: Pick<InboxApiDeps, 'db' | 'integrationsKey'>): void {
	const { db, integrationsKey } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/webhook-subscriptions',
		summary: 'List webhook subscriptions (never their secrets)',
		tag: 'webhook-subscriptions',
		access: 'admin',
		handler: async ({ caller }) => ({ data: await listSubscriptions(db, caller.workspaceId), eventTypes: WEBHOOK_EVENT_TYPES }),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/webhook-subscriptions',
		summary: 'Subscribe a URL to inbox events; the answer holds the signing secret (generated unless given), shown only this once',
		tag: 'webhook-subscriptions',
		access: 'admin',
		successStatus: 201,
		body: z.object({ url, events: events.default([]), description: description.optional(), secret: secret.optional(), active: z.boolean().default(true) }),
		handler: async ({ caller, body }) =>
			createSubscription(db, integrationsKey, caller.workspaceId, {
				url: body.url,
				events: body.events,
				description: body.description,
				secret: body.secret,
				active: body.active,
				createdByUserId: caller.userId,
			}),
	});

	api.add({
		method: 'GET',
		url: '/api/v1/webhook-subscriptions/:subscriptionId',
		summary: 'Get a webhook subscription (never its secret)',
		tag: 'webhook-subscriptions',
		access: 'admin',
		params,
		handler: async ({ caller, params }) => ({ subscription: await getSubscription(db, caller.workspaceId, params.subscriptionId) }),
	});

	api.add({
		method: 'PATCH',
		url: '/api/v1/webhook-subscriptions/:subscriptionId',
		summary: 'Change a webhook subscription; a new secret (given, or rotateSecret: true) is answered this once',
		tag: 'webhook-subscriptions',
		access: 'admin',
		params,
		body: z
			.object({ url: url.optional(), events: events.optional(), description: description.nullable().optional(), active: z.boolean().optional(), secret: secret.optional(), rotateSecret: z.boolean().optional() })
			.refine((b) => !(b.secret && b.rotateSecret), { message: 'give either secret or rotateSecret, not both' }),
		handler: async ({ caller, params, body }) => updateSubscription(db, integrationsKey, caller.workspaceId, params.subscriptionId, body),
	});

	api.add({
		method: 'DELETE',
		url: '/api/v1/webhook-subscriptions/:subscriptionId',
		summary: 'Delete a webhook subscription and its delivery records',
		tag: 'webhook-subscriptions',
		access: 'admin',
		params,
		successStatus: 204,
		handler: async ({ caller, params }) => deleteSubscription(db, caller.workspaceId, params.subscriptionId),
	});

	api.add({
		method: 'GET',
		url: '/api/v1/webhook-subscriptions/:subscriptionId/deliveries',
		summary: 'The newest deliveries of a subscription, each with every attempt (status code or error, duration)',
		tag: 'webhook-subscriptions',
		access: 'admin',
		params,
		query: z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), status: z.enum(['pending', 'delivered', 'failed']).optional() }),
		handler: async ({ caller, params, query }) => {
			await getSubscription(db, caller.workspaceId, params.subscriptionId);
			return { data: await listDeliveries(db, caller.workspaceId, params.subscriptionId, query) };
		},
	});
}
