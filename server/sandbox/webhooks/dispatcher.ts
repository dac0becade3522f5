/**
 * Sends instance webhooks like Evolution's WebhookController: filter by the instance's events,
 * byEvents suffix, custom headers (jwt_key → Bearer JWT), retries with back-off, and a record of
 * every attempt for the control API. A delivery never throws into the caller.
 */
import axios from 'axios';

import type { InstanceState } from '../domain/instance-state';
import type { ResolvedOptions } from '../options';
import { buildEnvelope, fakeZuluNow } from './envelope';
import { byEventsSuffix, filterName } from './events';
import { webhookJwt } from './jwt';
import { isRetryable, retryDelayMs } from './retry-policy';

export interface DeliveryAttempt {
	at: string;
	status?: number;
	error?: string;
	durationMs: number;
}

export interface DeliveryRecord {
	id: number;
	instance: string;
	event: string;
	url: string;
	headers: Record<string, string>;
	body: Record<string, unknown>;
	attempts: DeliveryAttempt[];
	state: 'pending' | 'delivered' | 'failed';
}

const MAX_RECORDS = 20000;
const HTTP_URL = /^(https?:\/\/)/;

export class WebhookDispatcher {
	private readonly records: DeliveryRecord[] = [];
	private nextId = 1;
	private readonly waits = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
	private readonly requests = new Set<AbortController>();
	private closed = false;

	constructor(
		private readonly options: ResolvedOptions,
		private readonly serverUrl: () => string,
	) {}

	/** Emits one event for an instance; resolves when the delivery chain (retries included) is over. */
	emit(instance: InstanceState, event: string, data: unknown, extra?: Record<string, unknown>): Promise<void> {
		const webhook = instance.webhook;
		if (this.closed || !webhook?.enabled || !webhook.events.includes(filterName(event))) return Promise.resolve();
		const body = buildEnvelope({
			event,
			instance: instance.name,
			data,
			destination: webhook.url,
			dateTime: fakeZuluNow(this.options.timezoneOffsetMinutes),
			sender: instance.wuid,
			serverUrl: this.serverUrl(),
			apikey: instance.token,
			extra,
		});
		if (!HTTP_URL.test(webhook.url)) return Promise.resolve();
		const url = webhook.webhookByEvents ? `${webhook.url}/${byEventsSuffix(event)}` : webhook.url;
		const record: DeliveryRecord = {
			id: this.nextId++,
			instance: instance.name,
			event,
			url,
			headers: this.headersFor(webhook.headers),
			body,
			attempts: [],
			state: 'pending',
		};
		this.records.push(record);
		if (this.records.length > MAX_RECORDS) this.records.splice(0, this.records.length - MAX_RECORDS);
		return this.run(record).catch((error: unknown) => {
			record.state = 'failed';
			record.attempts.push({ at: new Date().toISOString(), error: String(error), durationMs: 0 });
		});
	}

	list(filter: { instance?: string; event?: string } = {}): DeliveryRecord[] {
		return this.records.filter(
			(record) => (!filter.instance || record.instance === filter.instance) && (!filter.event || record.event === filter.event),
		);
	}

	clear(): void {
		this.records.length = 0;
	}

	/** Stops pending retries and in-flight requests (sandbox shutdown). */
	close(): void {
		this.closed = true;
		for (const wait of this.waits) {
			clearTimeout(wait.timer);
			wait.resolve();
		}
		this.waits.clear();
		for (const controller of this.requests) controller.abort();
	}

	private headersFor(configured: Record<string, string> | null): Record<string, string> {
		const headers: Record<string, string> = { ...(configured ?? {}) };
		if ('jwt_key' in headers) {
			headers.Authorization = `Bearer ${webhookJwt(String(headers.jwt_key))}`;
			delete headers.jwt_key;
		}
		return headers;
	}

	private async run(record: DeliveryRecord): Promise<void> {
		// Serialised once so every retry sends byte-identical JSON (same date_time).
		const payload = JSON.stringify(record.body);
		const policy = this.options.webhookRetry;
		for (let attempt = 1; attempt <= policy.maxAttempts && !this.closed; attempt++) {
			const status = await this.post(record, payload);
			if (status !== undefined && status >= 200 && status < 300) {
				record.state = 'delivered';
				return;
			}
			if (!isRetryable(status) || attempt === policy.maxAttempts) break;
			await this.wait(retryDelayMs(policy, attempt));
		}
		record.state = 'failed';
	}

	private async post(record: DeliveryRecord, payload: string): Promise<number | undefined> {
		const started = Date.now();
		const controller = new AbortController();
		this.requests.add(controller);
		try {
			const response = await axios.post(record.url, payload, {
				headers: { 'Content-Type': 'application/json', ...record.headers },
				timeout: this.options.webhookRetry.timeoutMs,
				validateStatus: () => true,
				maxRedirects: 0,
				signal: controller.signal,
				transformRequest: [(data: unknown) => data],
				responseType: 'text',
			});
			record.attempts.push({ at: new Date(started).toISOString(), status: response.status, durationMs: Date.now() - started });
			return response.status;
		} catch (error) {
			const code = (error as { code?: string }).code;
			const message = code === 'ECONNABORTED' ? 'timeout' : (code ?? (error as Error).message);
			record.attempts.push({ at: new Date(started).toISOString(), error: message, durationMs: Date.now() - started });
			return undefined;
		} finally {
			this.requests.delete(controller);
		}
	}

	private wait(ms: number): Promise<void> {
		return new Promise((resolve) => {
			const entry = {
				timer: setTimeout(() => {
					this.waits.delete(entry);
					resolve();
				}, ms),
				resolve,
			};
			this.waits.add(entry);
		});
	}
}
