import type { IDataObject, IExecuteFunctions, IHookFunctions, IWebhookFunctions, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { instancePath } from '../helpers/instance';
import { CREDENTIAL_NAME, evolutionApiRequest, type EvolutionRequest } from '../transport';
import { toEvolutionEventName } from './events';
import { generateSecret, DELIVERY_HEADER_NAME } from './secret';

/** What the trigger keeps in `getWorkflowStaticData('node')`. */
export interface TriggerStaticData extends IDataObject {
	/** The secret Evolution sends in {@link DELIVERY_HEADER_NAME}. */
	secret?: string;
	/** The URL registered on the instance, the instance, and the registered settings. */
	webhookUrl?: string;
	instance?: string;
	events?: string[];
	byEvents?: boolean;
	base64?: boolean;
	/** The instance's webhook before this trigger took it over (null: there was none). */
	previousWebhook?: IDataObject | null;
	/** Recent delivery keys (see dedupe.ts). */
	recentDeliveries?: IDataObject;
}

/** The settings of an Evolution webhook row (`GET /webhook/find`) worth restoring. */
export interface WebhookRow extends IDataObject {
	url: string;
	enabled: boolean;
	headers: IDataObject | null;
	events: string[];
	webhookByEvents: boolean;
	webhookBase64: boolean;
}

type TriggerContext = IHookFunctions | IWebhookFunctions;

/**
 * The action node's transport, used from hook and webhook contexts. It only needs `getCredentials`,
 * `getNode` and `helpers.httpRequestWithAuthentication`, which these contexts have as well.
 */
export async function triggerApiRequest(this: TriggerContext, request: EvolutionRequest): Promise<unknown> {
	return await evolutionApiRequest.call(this as unknown as IExecuteFunctions, request);
}

/** The instance the trigger watches: the node's field, or else the credential's default instance. */
export async function resolveTriggerInstance(this: TriggerContext): Promise<string> {
	const chosen = String(this.getNodeParameter('instanceName', '', { extractValue: true }) ?? '').trim();
	if (chosen !== '') return chosen;
	const credentials = await this.getCredentials(CREDENTIAL_NAME);
	const fallback = String(credentials.defaultInstance ?? '').trim();
	if (fallback !== '') return fallback;
	throw new NodeOperationError(this.getNode(), 'No instance chosen', {
		description: 'Pick an instance in the "Instance" field, or set a Default Instance in the Evolution API credential.',
	});
}

/** The settings the node's parameters ask for. */
export function desiredSettings(this: IHookFunctions): { events: string[]; byEvents: boolean; base64: boolean } {
	const events = (this.getNodeParameter('events', []) as string[]).map(toEvolutionEventName);
	const options = this.getNodeParameter('options', {}) as IDataObject;
	return {
		events: [...new Set(events)].sort(),
		byEvents: options.perEventUrls === true,
		base64: options.downloadMedia === true,
	};
}

function asRow(value: unknown): WebhookRow | null {
	if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
	const row = value as IDataObject;
	if (typeof row.url !== 'string') return null;
	return {
		url: row.url,
		enabled: row.enabled === true,
		headers: (row.headers as IDataObject | null) ?? null,
		events: Array.isArray(row.events) ? (row.events as string[]) : [],
		webhookByEvents: row.webhookByEvents === true,
		webhookBase64: row.webhookBase64 === true,
	};
}

export async function findWebhook(this: IHookFunctions, instance: string): Promise<WebhookRow | null> {
	const row = await triggerApiRequest.call(this, {
		method: 'GET',
		path: `/webhook/find/${instancePath(instance)}`,
		instanceName: instance,
	});
	return asRow(row);
}

async function setWebhook(this: IHookFunctions, instance: string, webhook: IDataObject): Promise<void> {
	await triggerApiRequest.call(this, {
		method: 'POST',
		path: `/webhook/set/${instancePath(instance)}`,
		body: { webhook },
		instanceName: instance,
	});
}

function sameSet(a: string[], b: string[]): boolean {
	const left = [...new Set(a)].sort();
	const right = [...new Set(b)].sort();
	return left.length === right.length && left.every((value, i) => value === right[i]);
}

function headerValue(headers: IDataObject | null, name: string): unknown {
	if (!headers) return undefined;
	const match = Object.keys(headers).find((key) => key.toLowerCase() === name);
	return match === undefined ? undefined : headers[match];
}

/** Whether the instance's webhook points somewhere else and is live (someone else relies on it). */
export function isForeign(row: WebhookRow | null, ownUrl: string): boolean {
	return row !== null && row.enabled && row.url !== '' && row.url !== ownUrl;
}

/**
 * `checkExists`: true when the instance's webhook is already exactly ours (URL, secret, events).
 * A live webhook pointing elsewhere fails the activation unless the user chose to take it over.
 */
export async function checkWebhookExists(this: IHookFunctions): Promise<boolean> {
	const instance = await resolveTriggerInstance.call(this);
	const url = this.getNodeWebhookUrl('default') as string;
	const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
	const row = await findWebhook.call(this, instance);

	if (row !== null && isForeign(row, url)) {
		if (this.getNodeParameter('existingWebhook', 'fail') !== 'takeOver') {
			throw new NodeOperationError(
				this.getNode(),
				`Instance "${instance}" already sends its webhook to ${row.url}`,
				{
					description:
						'Evolution API keeps one webhook per instance, so activating this trigger would cut that receiver off. ' +
						'Point the other receiver elsewhere, or set "If Another Webhook Is Set" to "Take It Over": the trigger then ' +
						'replaces it while active and restores it when deactivated.',
				},
			);
		}
		return false;
	}

	const wanted = desiredSettings.call(this);
	return (
		row !== null &&
		row.enabled &&
		row.url === url &&
		staticData.secret !== undefined &&
		staticData.instance === instance &&
		headerValue(row.headers, DELIVERY_HEADER_NAME) === staticData.secret &&
		sameSet(row.events, wanted.events) &&
		row.webhookByEvents === wanted.byEvents &&
		row.webhookBase64 === wanted.base64
	);
}

/**
 * `create` of the first webhook: registers this node's plain URL with a fresh secret (or the one it still holds),
 * remembering a webhook it replaces. Per-event URLs, when asked, are switched on by the second webhook's `create`
 * (switchToPerEventUrls), once n8n has stored that path too.
 */
export async function createWebhook(this: IHookFunctions): Promise<boolean> {
	return await register.call(this, false);
}

/** `checkExists` of the per-event webhook: nothing to do unless per-event URLs are asked and not yet on. */
export async function checkPerEventUrls(this: IHookFunctions): Promise<boolean> {
	if (!desiredSettings.call(this).byEvents) return true;
	const row = await findWebhook.call(this, await resolveTriggerInstance.call(this));
	return row !== null && row.enabled && row.url === (this.getNodeWebhookUrl('default') as string) && row.webhookByEvents;
}

/** `create` of the per-event webhook: the registration again, with Evolution's per-event URLs on (same secret). */
export async function switchToPerEventUrls(this: IHookFunctions): Promise<boolean> {
	return await register.call(this, true);
}

async function register(this: IHookFunctions, perEventUrls: boolean): Promise<boolean> {
	const instance = await resolveTriggerInstance.call(this);
	const url = this.getNodeWebhookUrl('default') as string;
	const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
	const row = await findWebhook.call(this, instance);

	if (row !== null && isForeign(row, url) && this.getNodeParameter('existingWebhook', 'fail') !== 'takeOver') {
		throw new NodeOperationError(this.getNode(), `Instance "${instance}" already sends its webhook to ${row.url}`, {
			description: 'Evolution API keeps one webhook per instance. Set "If Another Webhook Is Set" to "Take It Over" to replace it.',
		});
	}
	// Remember what was there, unless it is our own registration from an earlier activation.
	if (row === null) {
		if (staticData.previousWebhook === undefined || staticData.instance !== instance) staticData.previousWebhook = null;
	} else if (row.url !== url) {
		staticData.previousWebhook = { ...row };
	} else if (staticData.previousWebhook === undefined || staticData.instance !== instance) {
		staticData.previousWebhook = null;
	}

	const wanted = desiredSettings.call(this);
	// A secret still held (the node was not deactivated since: n8n restarted, or the instance's webhook changed under
	// it) is kept: the copy n8n has saved is that one until this activation ends, and deliveries are checked against it.
	const secret = staticData.secret !== undefined && staticData.instance === instance ? staticData.secret : generateSecret();
	await setWebhook.call(this, instance, {
		enabled: true,
		url,
		headers: { [DELIVERY_HEADER_NAME]: secret },
		byEvents: perEventUrls,
		base64: wanted.base64,
		events: wanted.events,
	});
	staticData.secret = secret;
	staticData.webhookUrl = url;
	staticData.instance = instance;
	staticData.events = wanted.events;
	staticData.byEvents = perEventUrls;
	staticData.base64 = wanted.base64;
	return true;
}

/**
 * `delete`: puts the instance back as it was before activation (the previous webhook, or none), but only
 * if the webhook is still ours; a receiver registered since then is left alone.
 */
export async function deleteWebhook(this: IHookFunctions): Promise<boolean> {
	const staticData = this.getWorkflowStaticData('node') as TriggerStaticData;
	const url = staticData.webhookUrl ?? (this.getNodeWebhookUrl('default') as string);
	const instance = staticData.instance ?? (await resolveTriggerInstance.call(this));

	let row: WebhookRow | null;
	try {
		row = await findWebhook.call(this, instance);
	} catch (error) {
		// The instance itself was deleted: there is nothing left to restore.
		if ((error as NodeApiError).httpCode !== '404') throw new NodeApiError(this.getNode(), error as JsonObject);
		row = null;
	}

	if (row !== null && row.url === url) {
		const previous = asRow(staticData.previousWebhook);
		if (previous) {
			await setWebhook.call(this, instance, {
				enabled: previous.enabled,
				url: previous.url,
				headers: previous.headers ?? {},
				byEvents: previous.webhookByEvents,
				base64: previous.webhookBase64,
				events: previous.events,
			});
		} else {
			await setWebhook.call(this, instance, {
				enabled: false,
				url,
				headers: {},
				byEvents: false,
				base64: false,
				events: [],
			});
		}
	}
	for (const key of ['secret', 'webhookUrl', 'instance', 'events', 'byEvents', 'base64', 'previousWebhook', 'recentDeliveries']) {
		delete staticData[key];
	}
	return true;
}
