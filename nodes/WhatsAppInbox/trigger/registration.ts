import type { IDataObject, IHookFunctions } from 'n8n-workflow';

import { inboxRequest, inboxRequestOrMissing } from './api';
import { generateSigningSecret } from './signature';

const SUBSCRIPTIONS = '/api/v1/webhook-subscriptions';

/** One subscription this node made on the server: its id, its signing secret and the events it asked for. */
export interface OwnSubscription extends IDataObject {
	id: string;
	secret: string;
	events: string[];
}

/**
 * What the trigger keeps in `getWorkflowStaticData('node')`: its subscriptions keyed by the webhook URL they deliver
 * to, so the production URL (activation) and the test URL ("Listen for test event") each have their own.
 */
export interface InboxTriggerStaticData extends IDataObject {
	subscriptions?: { [url: string]: OwnSubscription };
	/** Recent event ids (see the Evolution trigger's dedupe.ts, reused). */
	recentEvents?: IDataObject;
}

interface ServerSubscription {
	id: string;
	url: string;
	events: string[];
	active: boolean;
}

/** The events the node's parameter asks for, sorted and without repeats. */
export function wantedEvents(this: IHookFunctions): string[] {
	return [...new Set(this.getNodeParameter('events', []) as string[])].sort();
}

function sameSet(a: string[], b: string[]): boolean {
	const left = [...new Set(a)].sort();
	const right = [...new Set(b)].sort();
	return left.length === right.length && left.every((value, i) => value === right[i]);
}

function ownUrl(this: IHookFunctions): string {
	return this.getNodeWebhookUrl('default') as string;
}

function subscriptionsOf(staticData: InboxTriggerStaticData): { [url: string]: OwnSubscription } {
	staticData.subscriptions ??= {};
	return staticData.subscriptions;
}

/** Subscriptions on the server that deliver to this URL: the URL carries the node's webhook id, so they are ours. */
async function serverSubscriptionsFor(this: IHookFunctions, url: string): Promise<ServerSubscription[]> {
	const answer = (await inboxRequest.call(this, 'GET', SUBSCRIPTIONS)) as { data?: ServerSubscription[] };
	return (answer.data ?? []).filter((subscription) => subscription.url === url);
}

/** Deletes a subscription; one already gone (404) is what was wanted. */
async function removeSubscription(this: IHookFunctions, id: string): Promise<void> {
	await inboxRequestOrMissing.call(this, 'DELETE', `${SUBSCRIPTIONS}/${encodeURIComponent(id)}`);
}

/** `checkExists`: true when the subscription this node made for this URL is still on the server, active, with the same events. */
export async function checkSubscriptionExists(this: IHookFunctions): Promise<boolean> {
	const url = ownUrl.call(this);
	const staticData = this.getWorkflowStaticData('node') as InboxTriggerStaticData;
	const own = subscriptionsOf(staticData)[url];
	if (!own) return false;
	const answer = await inboxRequestOrMissing.call(this, 'GET', `${SUBSCRIPTIONS}/${encodeURIComponent(own.id)}`);
	if (!answer.found) {
		delete subscriptionsOf(staticData)[url];
		return false;
	}
	const subscription = (answer.body as { subscription?: ServerSubscription }).subscription;
	return subscription !== undefined && subscription.url === url && subscription.active && sameSet(subscription.events, wantedEvents.call(this));
}

/**
 * `create`: subscribes this node's URL to the chosen events with a fresh signing secret (sent by the node, so it never
 * has to be read back). Leftovers for the same URL (static data lost, events changed) are removed first: one URL, one
 * subscription, so no event arrives twice.
 */
export async function createSubscription(this: IHookFunctions): Promise<boolean> {
	const url = ownUrl.call(this);
	const staticData = this.getWorkflowStaticData('node') as InboxTriggerStaticData;
	for (const leftover of await serverSubscriptionsFor.call(this, url)) await removeSubscription.call(this, leftover.id);
	const events = wantedEvents.call(this);
	const secret = generateSigningSecret();
	const workflowName = this.getWorkflow().name ?? '';
	const description = `n8n: ${workflowName ? `${workflowName} / ` : ''}${this.getNode().name}`.slice(0, 300);
	const answer = (await inboxRequest.call(this, 'POST', SUBSCRIPTIONS, { url, events, secret, description })) as {
		subscription: ServerSubscription;
	};
	subscriptionsOf(staticData)[url] = { id: answer.subscription.id, secret, events };
	return true;
}

/** `delete`: removes this URL's subscription from the server (and any leftover for it) and forgets its secret. */
export async function deleteSubscription(this: IHookFunctions): Promise<boolean> {
	const url = ownUrl.call(this);
	const staticData = this.getWorkflowStaticData('node') as InboxTriggerStaticData;
	const own = subscriptionsOf(staticData)[url];
	const ids = new Set<string>(own ? [own.id] : []);
	for (const leftover of await serverSubscriptionsFor.call(this, url)) ids.add(leftover.id);
	for (const id of ids) await removeSubscription.call(this, id);
	delete subscriptionsOf(staticData)[url];
	if (Object.keys(subscriptionsOf(staticData)).length === 0) delete staticData.recentEvents;
	return true;
}
