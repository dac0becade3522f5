import type { EvolutionWebhookRow, serverWebhook } from './evolution-instance';
import { WEBHOOK_SECRET_HEADER } from './webhook-secret';

/** What can be wrong with an instance's webhook; names only, so they can be logged (never the secret itself). */
export type WebhookDrift = 'missing' | 'url' | 'enabled' | 'events' | 'secret' | 'byEvents' | 'base64';

/**
 * Where the webhook Evolution holds (GET /webhook/find) differs from the one the server would set: an empty list
 * means it is right and is not set again. Extra custom headers are tolerated (they stop no delivery); the secret
 * header must be ours, the events exactly ours (in any order), byEvents off (it would add a suffix to our URL) and
 * base64 on (media inline).
 */
export function webhookDrift(current: EvolutionWebhookRow | null, expected: ReturnType<typeof serverWebhook>): WebhookDrift[] {
	if (!current) return ['missing'];
	const drift: WebhookDrift[] = [];
	if (current.url !== expected.url) drift.push('url');
	if (!current.enabled) drift.push('enabled');
	const events = [...(current.events ?? [])].sort();
	const ours = [...expected.events].sort();
	if (events.length !== ours.length || events.some((event, i) => event !== ours[i])) drift.push('events');
	if (current.headers?.[WEBHOOK_SECRET_HEADER] !== expected.headers[WEBHOOK_SECRET_HEADER]) drift.push('secret');
	if (current.webhookByEvents !== expected.byEvents) drift.push('byEvents');
	if (current.webhookBase64 !== expected.base64) drift.push('base64');
	return drift;
}

/** A webhook URL as logs may show it: without user:password and query string, where receivers keep credentials. */
export function loggableUrl(url: string): string {
	try {
		const parsed = new URL(url);
		return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
	} catch {
		return '(not a URL)';
	}
}
