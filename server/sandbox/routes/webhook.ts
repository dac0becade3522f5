/** /webhook/set and /webhook/find: the instance webhook row, with 2.3.7's partial-update semantics. */
import { cuid } from '../domain/ids';
import type { InstanceState, WebhookRow } from '../domain/instance-state';
import { internalError } from '../http/errors';
import { defineRoute, type RouteDeps } from '../http/route';
import { schemas } from '../http/schemas';
import { validateBody } from '../http/validate';
import { WEBHOOK_EVENTS } from '../webhooks/events';

interface WebhookInput {
	enabled: boolean;
	url: string;
	headers?: Record<string, string> | null;
	events: string[];
	byEvents?: boolean;
	base64?: boolean;
}

export function createWebhookRow(instance: InstanceState, input: WebhookInput): WebhookRow {
	const now = new Date();
	return {
		id: cuid(),
		url: input.url,
		headers: input.headers ?? null,
		enabled: input.enabled,
		events: input.events,
		webhookByEvents: input.byEvents ?? false,
		webhookBase64: input.base64 ?? false,
		createdAt: now,
		updatedAt: now,
		instanceId: instance.id,
	};
}

export function registerWebhookRoutes(deps: RouteDeps): void {
	defineRoute(deps, {
		method: 'POST',
		path: '/webhook/set',
		status: 201,
		handler: ({ instance, body }) => {
			const { webhook } = validateBody<{ webhook: Partial<WebhookInput> & { enabled: boolean; url: string } }>(body, schemas.webhook);
			let events: string[];
			if (!webhook.enabled) events = [];
			else if (!webhook.events) throw internalError("Cannot read properties of undefined (reading 'length')");
			else events = webhook.events.length === 0 ? [...WEBHOOK_EVENTS] : webhook.events;
			const existing = instance.webhook;
			if (!existing) {
				instance.webhook = createWebhookRow(instance, { ...webhook, events });
			} else {
				// Prisma upsert: fields left undefined keep their stored values (correction 8).
				existing.enabled = webhook.enabled;
				existing.url = webhook.url;
				existing.events = events;
				if (webhook.headers !== undefined) existing.headers = webhook.headers;
				if (webhook.byEvents !== undefined) existing.webhookByEvents = webhook.byEvents;
				if (webhook.base64 !== undefined) existing.webhookBase64 = webhook.base64;
				existing.updatedAt = new Date();
			}
			return instance.webhook;
		},
	});

	defineRoute(deps, {
		method: 'GET',
		path: '/webhook/find',
		status: 200,
		handler: ({ instance }) => instance.webhook ?? null,
	});
}
