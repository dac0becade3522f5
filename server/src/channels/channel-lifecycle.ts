import type { Db, Queryable } from '../db/db';
import { ApiError, conflict, notFound } from '../inbox/api/api-error';
import type { Logger } from '../logging/logger';
import { EvolutionClient, EvolutionError } from '../providers/evolution/evolution-client';
import type { InboxPublisher } from '../realtime/inbox-events';
import { createChannel } from './channel-repository';
import { channelQrView, type ChannelQrView } from './channel-qr-view';
import { logChannelStep, setChannelStatus, type ChannelRealtimeEvent } from './channel-state';
import { isMonitoredStatus, needsPairing, type ChannelStatus } from './channel-status';
import { HEALTH_ALERT_AFTER, HEALTH_RECONNECT_AFTER, type ChannelTimings } from './channel-timings';
import { readChannelViews, type ChannelView } from './channel-view';
import { EvolutionInstance, isNotFound, serverWebhook, type EvolutionWebhookRow } from './evolution-instance';
import { loggableUrl, webhookDrift } from './instance-webhook-drift';
import { decryptSecret, encryptSecret } from './secret-cipher';
import { generateWebhookSecret, hashWebhookSecret, WEBHOOK_SECRET_HEADER } from './webhook-secret';

/** The jobs the lifecycle schedules (channel-jobs.ts runs them on BullMQ, shared by every replica). */
export interface ChannelJobScheduler {
	scheduleQrRefresh(job: QrRefreshJob, delayMs: number): Promise<void>;
	scheduleReconnectVerify(job: ChannelJobRef, delayMs: number): Promise<void>;
	scheduleWebhookChecks(jobs: WebhookCheckJob[]): Promise<void>;
}

export interface ChannelJobRef {
	workspaceId: string;
	channelId: string;
}

/** One pairing attempt's refresh chain: a newer connect (another qrStartedAt) ends the older chain. */
export interface QrRefreshJob extends ChannelJobRef {
	qrStartedAt: string;
}

/** A check of the instance's webhook; atStart: the first try after this server started (a failure is logged on the channel). */
export interface WebhookCheckJob extends ChannelJobRef {
	atStart: boolean;
}

export interface ChannelLifecycleDeps {
	db: Db;
	integrationsKey: Buffer;
	publisher: InboxPublisher;
	logger: Logger;
	timings: ChannelTimings;
	/** The server's Evolution (EVOLUTION_BASE_URL or the sandbox) and its global key. */
	evolution: { baseUrl: string; apiKey?: string };
	/** Where Evolution reaches this server: PUBLIC_URL, else the listening address (known once listening). */
	publicUrl(): string;
	jobs: ChannelJobScheduler;
}

export type InstanceMode = 'create' | 'attach' | 'none';

export interface AddChannelInput {
	name: string;
	provider: 'evolution' | 'waha';
	instanceName: string;
	baseUrl?: string;
	apiKey?: string;
	instance: InstanceMode;
	takeOver: boolean;
	/** After create: start pairing right away (a QR, or a pairing code for this number). */
	connect: boolean;
	phoneNumber?: string;
}

interface LifecycleRow {
	id: string;
	workspaceId: string;
	provider: 'evolution' | 'waha';
	instanceName: string;
	baseUrl: string;
	status: ChannelStatus;
	apiKeySealed: string | null;
	tokenSealed: string | null;
	secretSealed: string | null;
	previousWebhookSealed: string | null;
	instanceOwned: boolean;
	qrCode: string | null;
	qrStartedAt: string | null;
	qrExpired: boolean;
	healthFailures: number;
	pairingPhone: string | null;
	webhookCheckBase: string | null;
}

const ROW = `id, workspace_id AS "workspaceId", provider, instance_name AS "instanceName", base_url AS "baseUrl", status,
	api_key_encrypted AS "apiKeySealed", instance_token_encrypted AS "tokenSealed", webhook_secret_encrypted AS "secretSealed",
	previous_webhook_encrypted AS "previousWebhookSealed", instance_owned AS "instanceOwned", qr_code AS "qrCode",
	to_char(qr_started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "qrStartedAt", (qr_expires_at IS NOT NULL AND qr_expires_at <= now()) AS "qrExpired",
	health_failures AS "healthFailures", pairing_phone AS "pairingPhone", webhook_check_base AS "webhookCheckBase"`;

/**
 * A channel's life on Evolution: create or attach the instance with our webhook, pair it (QR refreshed until open
 * or expiry, or a pairing code), watch its health (alert, automatic reconnect), reconnect / restart / logout /
 * remove on request. Every step and state change is logged on the channel and published.
 */
export class ChannelLifecycle {
	constructor(private readonly deps: ChannelLifecycleDeps) {}

	// ---- create / attach / remove -------------------------------------------------------------------------------

	async addChannel(workspaceId: string, input: AddChannelInput): Promise<{ channel: ChannelView; webhookSecret: string }> {
		const { db, integrationsKey } = this.deps;
		const mode: InstanceMode = input.provider === 'waha' ? 'none' : input.instance;
		const baseUrl = (input.baseUrl ?? this.deps.evolution.baseUrl).replace(/\/+$/, '');
		let created;
		try {
			created = await createChannel(db, integrationsKey, { workspaceId, name: input.name, provider: input.provider, instanceName: input.instanceName, baseUrl, apiKey: input.apiKey });
		} catch (error) {
			if ((error as { code?: string }).code === '23505') throw conflict('This workspace already has a channel for that instance.', 'instance_taken');
			throw error;
		}
		const channelId = created.channel.id;
		if (mode !== 'none') {
			try {
				if (mode === 'create') await this.createInstance(workspaceId, channelId, created.webhookSecret, input);
				else await this.attachInstance(workspaceId, channelId, created.webhookSecret, input.takeOver);
			} catch (error) {
				// Nothing half-made: the row goes again and the answer says why.
				await db.query('DELETE FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2', [workspaceId, channelId]);
				throw error;
			}
			if (mode === 'create' && input.connect) await this.connect(workspaceId, channelId, input.phoneNumber);
		}
		return { channel: await this.view(workspaceId, channelId), webhookSecret: created.webhookSecret };
	}

	/** The one place the channel's webhook URL is made: under `base`, by default this server's PUBLIC_URL or own address. */
	private webhookUrl(channelId: string, base = this.deps.publicUrl()): string {
		return `${base.replace(/\/+$/, '')}/webhooks/evolution/${channelId}`;
	}

	/** The webhook the server sets on a channel's instance (create, attach, and the check at start). */
	private expectedWebhook(channelId: string, secret: string, base?: string): ReturnType<typeof serverWebhook> {
		return serverWebhook(this.webhookUrl(channelId, base), secret);
	}

	private async createInstance(workspaceId: string, channelId: string, secret: string, input: AddChannelInput): Promise<void> {
		const row = await this.row(workspaceId, channelId);
		// /instance/create needs the global key: the one given for this channel, else the server's EVOLUTION_API_KEY.
		const client = new EvolutionClient({ baseUrl: row.baseUrl, apiKey: input.apiKey ?? this.deps.evolution.apiKey, timeoutMs: this.deps.timings.requestTimeoutMs });
		const instance = new EvolutionInstance(client, row.instanceName);
		const webhook = this.expectedWebhook(channelId, secret);
		const { url } = webhook;
		let answer;
		try {
			answer = await instance.create(webhook);
		} catch (error) {
			if (error instanceof EvolutionError && error.status === 403 && /already in use/i.test(error.message))
				throw conflict(`Evolution already has an instance named "${row.instanceName}". Attach it instead (instance: "attach").`, 'instance_exists');
			throw upstream(error, 'create the Evolution instance');
		}
		await this.deps.db.query(
			`UPDATE whatsapp_channels SET instance_token_encrypted = $3, provider_instance_id = $4, instance_owned = true, webhook_managed = true, status_reason = 'instance_created',
				status_changed_at = now(), updated_at = now() WHERE workspace_id = $1 AND id = $2`,
			[workspaceId, channelId, answer.token ? encryptSecret(answer.token, this.deps.integrationsKey) : null, answer.instanceId],
		);
		await this.step(workspaceId, channelId, { kind: 'step', reason: 'instance_created', message: `Evolution instance "${row.instanceName}" created with the webhook ${url}` });
	}

	private async attachInstance(workspaceId: string, channelId: string, secret: string, takeOver: boolean): Promise<void> {
		const row = await this.row(workspaceId, channelId);
		const instance = this.instance(row);
		const url = this.webhookUrl(channelId);
		let current: EvolutionWebhookRow | null;
		try {
			current = await instance.findWebhook();
		} catch (error) {
			if (isNotFound(error)) throw new ApiError(422, 'instance_not_found', `Evolution has no instance named "${row.instanceName}". Create it (instance: "create") or check the name.`);
			throw upstream(error, 'read the instance webhook');
		}
		const heldByOther = !!current && current.enabled && !!current.url && current.url !== url;
		if (heldByOther && !takeOver)
			throw conflict(
				`The instance's webhook already points to ${current!.url}. Send takeOver: true to point it at this server instead (that configuration is saved and put back when the channel is removed).`,
				'webhook_taken',
			);
		if (heldByOther) {
			await this.deps.db.query('UPDATE whatsapp_channels SET previous_webhook_encrypted = $3 WHERE workspace_id = $1 AND id = $2', [
				workspaceId,
				channelId,
				encryptSecret(JSON.stringify(current), this.deps.integrationsKey),
			]);
		}
		try {
			await instance.setWebhook(this.expectedWebhook(channelId, secret));
		} catch (error) {
			throw upstream(error, 'set the instance webhook');
		}
		await this.deps.db.query('UPDATE whatsapp_channels SET webhook_managed = true WHERE workspace_id = $1 AND id = $2', [workspaceId, channelId]);
		await this.step(workspaceId, channelId, {
			kind: 'step',
			reason: 'instance_attached',
			message: heldByOther ? `Webhook taken over from ${current!.url} (saved, restored on removal); now ${url}` : `Webhook set to ${url}`,
		});
		// Where the instance stands now: an attached number may already be connected.
		const state = await instance.connectionState().catch(() => undefined);
		if (state === 'open') await this.setStatus(workspaceId, channelId, { status: 'connected', reason: 'instance_attached' });
	}

	/** Removes the channel; its Evolution instance is deleted (`delete`) or only let go of (`detach`, webhook restored). */
	async remove(workspaceId: string, channelId: string, evolutionInstance?: 'delete' | 'detach'): Promise<void> {
		const row = await this.row(workspaceId, channelId);
		if (row.provider === 'evolution') {
			const mode = evolutionInstance ?? (row.instanceOwned ? 'delete' : 'detach');
			const instance = this.instance(row);
			try {
				if (mode === 'delete') await instance.remove();
				else await this.detach(row, instance);
			} catch (error) {
				// A missing instance is already gone; anything else keeps the channel so the admin can try again.
				if (!isNotFound(error)) throw upstream(error, mode === 'delete' ? 'delete the Evolution instance' : 'detach the Evolution instance');
			}
			this.deps.logger.info({ channelId, mode }, 'channel removed');
		}
		await this.deps.db.query('DELETE FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2', [workspaceId, channelId]);
		await this.deps.publisher.publish(workspaceId, [{ channelId, type: 'channel.removed', data: { id: channelId }, at: Date.now() }]);
	}

	private async detach(row: LifecycleRow, instance: EvolutionInstance): Promise<void> {
		if (row.previousWebhookSealed) {
			const previous = JSON.parse(decryptSecret(row.previousWebhookSealed, this.deps.integrationsKey)) as EvolutionWebhookRow;
			await instance.setWebhook({
				url: previous.url,
				enabled: previous.enabled,
				headers: previous.headers ?? {},
				events: previous.events,
				byEvents: previous.webhookByEvents,
				base64: previous.webhookBase64,
			});
		} else {
			// Only ours: stop the deliveries to a channel that no longer exists. Best effort: nothing of anyone else's
			// is at stake, and deliveries to a removed channel are answered 404 (Evolution does not retry those).
			await instance.setWebhook({ url: this.webhookUrl(row.id), enabled: false, events: [] }).catch((error: Error) =>
				this.deps.logger.warn({ channelId: row.id, err: error.message }, 'could not switch the removed channel\'s webhook off'),
			);
		}
	}

	/**
	 * A new webhook secret. When the instance's webhook points at this channel (the server created or attached it),
	 * its secret header is changed on Evolution first: otherwise every delivery after the rotation would carry the old
	 * secret and be refused. A webhook set up by hand (or an Evolution that cannot be reached) is left to the admin:
	 * the channel's log says so.
	 */
	async rotateWebhookSecret(workspaceId: string, channelId: string): Promise<{ webhookSecret: string }> {
		const row = await this.row(workspaceId, channelId);
		const webhookSecret = generateWebhookSecret();
		let updated = false;
		if (row.provider === 'evolution') {
			const instance = this.instance(row);
			const url = this.webhookUrl(channelId);
			const current = await instance.findWebhook().catch(() => null);
			if (current?.enabled && current.url === url) {
				try {
					await instance.setWebhook({ ...this.expectedWebhook(channelId, webhookSecret), events: current.events, byEvents: current.webhookByEvents, base64: current.webhookBase64 });
				} catch (error) {
					throw upstream(error, 'put the new secret on the instance webhook (the old secret still works)');
				}
				updated = true;
			}
		}
		await this.deps.db.query(
			`UPDATE whatsapp_channels SET webhook_secret_hash = $3, webhook_secret_encrypted = $4, updated_at = now() WHERE workspace_id = $1 AND id = $2`,
			[workspaceId, channelId, hashWebhookSecret(webhookSecret), encryptSecret(webhookSecret, this.deps.integrationsKey)],
		);
		await this.step(workspaceId, channelId, {
			kind: 'step',
			message: updated
				? 'Webhook secret rotated; the instance webhook sends the new one'
				: `Webhook secret rotated; the instance webhook does not point at this server: send the new secret in the ${WEBHOOK_SECRET_HEADER} header`,
		});
		return { webhookSecret };
	}

	// ---- the instance webhook after a restart ---------------------------------------------------------------------

	/**
	 * At start: every instance webhook the server manages is owed a check against this server's base (a restart on
	 * another PUBLIC_URL or port moves it). The checks run as jobs on the channel queue, one per channel and health
	 * period whichever replica starts, and never hold the start. Answers how many were queued.
	 */
	async checkWebhooksAtStart(): Promise<number> {
		const { rows } = await this.deps.db.query<ChannelJobRef>(
			`UPDATE whatsapp_channels SET webhook_check_base = $1 WHERE provider = 'evolution' AND webhook_managed
			 RETURNING workspace_id AS "workspaceId", id AS "channelId"`,
			[this.deps.publicUrl()],
		);
		await this.deps.jobs.scheduleWebhookChecks(rows.map((ref) => ({ ...ref, atStart: true })));
		return rows.length;
	}

	/** The checks still owed (Evolution could not be reached): the health sweep queues them again. */
	async pendingWebhookChecks(): Promise<ChannelJobRef[]> {
		const { rows } = await this.deps.db.query<ChannelJobRef>(
			`SELECT workspace_id AS "workspaceId", id AS "channelId" FROM whatsapp_channels
			 WHERE provider = 'evolution' AND webhook_managed AND webhook_check_base IS NOT NULL ORDER BY id`,
		);
		return rows;
	}

	/**
	 * One check: read the webhook Evolution holds and set it again only where it differs from ours (URL, enabled,
	 * events, secret header, byEvents, base64), so a second replica or a second start finds nothing to do. Evolution
	 * unreachable: the check stays owed and the next health sweep tries again; nothing is thrown.
	 */
	async checkWebhook(job: WebhookCheckJob): Promise<void> {
		const row = await this.findRow(job.workspaceId, job.channelId);
		const base = row?.webhookCheckBase;
		if (!row || !base) return;
		const done = () =>
			this.deps.db.query('UPDATE whatsapp_channels SET webhook_check_base = NULL WHERE workspace_id = $1 AND id = $2 AND webhook_check_base = $3', [
				job.workspaceId,
				job.channelId,
				base,
			]);
		if (!row.secretSealed) {
			// Nothing to put in the secret header: an admin rotates the secret, which sets the webhook with it.
			this.deps.logger.warn({ channelId: row.id }, 'instance webhook not checked: the channel has no stored webhook secret');
			await done();
			return;
		}
		const expected = this.expectedWebhook(row.id, decryptSecret(row.secretSealed, this.deps.integrationsKey), base);
		const instance = this.instance(row);
		let current: EvolutionWebhookRow | null;
		try {
			current = await instance.findWebhook();
		} catch (error) {
			// A missing instance has no webhook to fix; the health monitor reports it (instance_missing).
			if (isNotFound(error)) await done();
			else await this.webhookCheckFailed(job, row.instanceName, 'read', error as Error);
			return;
		}
		const drift = webhookDrift(current, expected);
		if (!drift.length) {
			await done();
			return;
		}
		try {
			await instance.setWebhook(expected);
		} catch (error) {
			await this.webhookCheckFailed(job, row.instanceName, 'set', error as Error);
			return;
		}
		await done();
		const was = current?.url ? loggableUrl(current.url) : null;
		this.deps.logger.info({ channelId: row.id, instance: row.instanceName, drift, from: was, to: loggableUrl(expected.url) }, 'instance webhook re-pointed at this server');
		await this.step(job.workspaceId, job.channelId, {
			kind: 'step',
			message: `Webhook set again to ${loggableUrl(expected.url)}${was && was !== loggableUrl(expected.url) ? ` (it pointed to ${was})` : ''}: ${drift.join(', ')} differed`,
			details: { drift },
		});
	}

	private async webhookCheckFailed(job: WebhookCheckJob, instanceName: string, what: 'read' | 'set', error: Error): Promise<void> {
		// Once on the channel's log (the start's try); the sweep's retries only go to the server's debug log.
		const fields = { channelId: job.channelId, instance: instanceName, err: error.message };
		if (!job.atStart) {
			this.deps.logger.debug(fields, `instance webhook check: could not ${what} it; tried again at the next health sweep`);
			return;
		}
		this.deps.logger.warn(fields, `instance webhook check: could not ${what} it; tried again at the next health sweep`);
		await this.step(job.workspaceId, job.channelId, {
			kind: 'error',
			reason: 'provider_error',
			message: `Could not ${what} the instance webhook after the server started (${error.message}); trying again with the health checks`,
		});
	}

	// ---- pairing ------------------------------------------------------------------------------------------------

	/** Starts pairing: a QR (refreshed until open or the window closes) or, with a phone number, a pairing code. */
	async connect(workspaceId: string, channelId: string, phoneNumber?: string): Promise<ChannelQrView> {
		const row = await this.row(workspaceId, channelId);
		this.requireEvolution(row);
		if (row.status === 'connected') throw conflict('This channel is already connected.', 'already_connected');
		const { rows } = await this.deps.db.query<{ qrStartedAt: string }>(
			`UPDATE whatsapp_channels SET qr_started_at = clock_timestamp(), qr_expires_at = clock_timestamp() + make_interval(secs => $3::float8),
				qr_code = NULL, qr_image = NULL, pairing_code = NULL, qr_count = 0, pairing_phone = $4, health_failures = 0, updated_at = now()
			 WHERE workspace_id = $1 AND id = $2
			 RETURNING to_char(qr_started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "qrStartedAt"`,
			[workspaceId, channelId, this.deps.timings.qrWindowMs / 1000, phoneNumber ?? null],
		);
		await this.setStatus(workspaceId, channelId, { status: 'connecting', reason: phoneNumber ? 'pairing_requested' : 'qr_requested' }, true);
		await this.step(workspaceId, channelId, { kind: 'step', message: phoneNumber ? `Pairing code requested for ${maskPhone(phoneNumber)}` : 'QR requested' });
		await this.refreshQr({ workspaceId, channelId, qrStartedAt: rows[0].qrStartedAt }, phoneNumber);
		return (await channelQrView(this.deps.db, workspaceId, channelId))!;
	}

	/**
	 * One turn of the QR chain: expired → `expired`; otherwise ask Evolution for the current QR, store and publish it
	 * when new, and come back in qrRefreshMs (or at the window's end). Stops once the channel is not pairing.
	 */
	async refreshQr(job: QrRefreshJob, phoneNumber?: string): Promise<void> {
		const row = await this.findRow(job.workspaceId, job.channelId);
		if (!row || row.status !== 'connecting' || row.qrStartedAt !== job.qrStartedAt) return;
		if (row.qrExpired) {
			// Evolution is left alone: a logout here could race a scan of the last QR and log the new session out.
			// It stops issuing QRs by itself at its limit, and a late scan still connects (open wins over expired).
			await this.setStatus(job.workspaceId, job.channelId, { status: 'expired', reason: 'qr_expired', from: ['connecting'] });
			return;
		}
		const instance = this.instance(row);
		try {
			const answer = await instance.connect(phoneNumber ?? row.pairingPhone ?? undefined, this.deps.timings.requestTimeoutMs);
			if (answer.open) {
				await this.setStatus(job.workspaceId, job.channelId, { status: 'connected', reason: 'paired', from: ['connecting'] });
				return;
			}
			if (answer.qr.code || answer.qr.pairingCode) await this.storeQr(job, answer.qr);
		} catch (error) {
			await this.step(job.workspaceId, job.channelId, { kind: 'error', message: `QR refresh failed: ${(error as Error).message}` });
		}
		const remaining = await this.msUntilQrExpiry(job);
		await this.deps.jobs.scheduleQrRefresh(job, Math.max(20, Math.min(this.deps.timings.qrRefreshMs, remaining)));
	}

	private async storeQr(job: QrRefreshJob, qr: { code?: string; base64?: string; pairingCode?: string | null }): Promise<void> {
		const { rowCount } = await this.deps.db.query(
			`UPDATE whatsapp_channels SET qr_code = $4, qr_image = $5, pairing_code = COALESCE($6, pairing_code), qr_count = qr_count + 1, qr_updated_at = now(), updated_at = now()
			 WHERE workspace_id = $1 AND id = $2 AND status = 'connecting' AND qr_started_at = $3::timestamptz AND qr_code IS DISTINCT FROM $4`,
			[job.workspaceId, job.channelId, job.qrStartedAt, qr.code ?? null, qr.base64 ?? null, qr.pairingCode ?? null],
		);
		if (!rowCount) return;
		const view = await channelQrView(this.deps.db, job.workspaceId, job.channelId);
		if (view) await this.publish(job.workspaceId, [{ channelId: job.channelId, type: 'channel.qr', data: { ...view } }]);
	}

	private async msUntilQrExpiry(job: ChannelJobRef): Promise<number> {
		const { rows } = await this.deps.db.query<{ ms: number | null }>(
			`SELECT (EXTRACT(EPOCH FROM (qr_expires_at - now())) * 1000)::float8 AS ms FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2`,
			[job.workspaceId, job.channelId],
		);
		return Math.max(0, Number(rows[0]?.ms ?? 0));
	}

	async qr(workspaceId: string, channelId: string): Promise<ChannelQrView> {
		const view = await channelQrView(this.deps.db, workspaceId, channelId);
		if (!view) throw notFound('Channel');
		return view;
	}

	// ---- health, reconnect, restart, logout ---------------------------------------------------------------------

	/** The channels the monitor checks: connected, disconnected or error; never those waiting for a person. */
	async monitoredChannels(): Promise<ChannelJobRef[]> {
		const { rows } = await this.deps.db.query<ChannelJobRef>(
			`SELECT workspace_id AS "workspaceId", id AS "channelId" FROM whatsapp_channels
			 WHERE provider = 'evolution' AND status IN ('connected', 'disconnected', 'error') ORDER BY id`,
		);
		return rows;
	}

	/** One health check: `open` heals; a failure counts, the 2nd alerts, the 3rd reconnects by itself (once). */
	async checkHealth(job: ChannelJobRef): Promise<void> {
		const row = await this.findRow(job.workspaceId, job.channelId);
		if (!row || row.provider !== 'evolution' || !isMonitoredStatus(row.status)) return;
		let state: string | undefined;
		let problem: string;
		try {
			state = await this.instance(row).connectionState(this.deps.timings.requestTimeoutMs);
			problem = `connectionState is ${state ?? 'unknown'}`;
		} catch (error) {
			if (isNotFound(error)) {
				await this.setStatus(job.workspaceId, job.channelId, { status: 'error', reason: 'instance_missing', detail: (error as Error).message });
				return;
			}
			problem = (error as Error).message;
		}
		if (state === 'open') {
			await this.deps.db.query('UPDATE whatsapp_channels SET health_failures = 0, health_checked_at = now() WHERE workspace_id = $1 AND id = $2', [job.workspaceId, job.channelId]);
			if (row.status !== 'connected') await this.setStatus(job.workspaceId, job.channelId, { status: 'connected', reason: 'reconnected' });
			return;
		}
		const { rows } = await this.deps.db.query<{ failures: number }>(
			`UPDATE whatsapp_channels SET health_failures = health_failures + 1, health_checked_at = now() WHERE workspace_id = $1 AND id = $2
			 AND status IN ('connected', 'disconnected', 'error') RETURNING health_failures AS failures`,
			[job.workspaceId, job.channelId],
		);
		const failures = rows[0]?.failures;
		if (failures === undefined) return;
		if (failures === HEALTH_ALERT_AFTER) {
			const message = `Health check failed ${failures} times in a row (${problem})`;
			const events = await logChannelStep(this.deps.db, job.workspaceId, job.channelId, { kind: 'alert', message, details: { failures } });
			await this.publish(job.workspaceId, [...events, { channelId: job.channelId, type: 'channel.alert', data: { channelId: job.channelId, failures, message } }]);
		} else if (failures === HEALTH_RECONNECT_AFTER) {
			await this.reconnect(job.workspaceId, job.channelId, 'monitor');
		}
	}

	/**
	 * At start: what Evolution says now, not what was stored before the restart (the sandbox or Evolution may have
	 * restarted too, or lost the instance). A channel stored `connected` is `connected` only if connectionState is
	 * `open`; otherwise it is `disconnected` (the monitor then reconnects it) or `error / instance_missing`.
	 */
	async recheckAtStart(): Promise<void> {
		for (const ref of await this.monitoredChannels()) {
			const row = await this.findRow(ref.workspaceId, ref.channelId);
			if (!row) continue;
			let state: string | undefined;
			try {
				state = await this.instance(row).connectionState(this.deps.timings.requestTimeoutMs);
			} catch (error) {
				if (isNotFound(error)) await this.setStatus(ref.workspaceId, ref.channelId, { status: 'error', reason: 'instance_missing', detail: (error as Error).message });
				else if (row.status === 'connected') await this.setStatus(ref.workspaceId, ref.channelId, { status: 'disconnected', reason: 'connection_lost', detail: `at start: ${(error as Error).message}` });
				continue;
			}
			if (state === 'open' && row.status !== 'connected') await this.setStatus(ref.workspaceId, ref.channelId, { status: 'connected', reason: 'reconnected' });
			else if (state !== 'open' && row.status === 'connected') {
				await this.setStatus(ref.workspaceId, ref.channelId, { status: 'disconnected', reason: 'connection_lost', detail: `at start: connectionState is ${state ?? 'unknown'}` });
			}
		}
	}

	/**
	 * Reconnect: restart the instance (a saved session logs straight back in), then check after reconnectVerifyMs:
	 * `connected` again or "reconnect failed — reconnect now". A channel that needs pairing gets a new QR instead.
	 */
	async reconnect(workspaceId: string, channelId: string, by: 'monitor' | 'admin'): Promise<ChannelView> {
		const row = await this.row(workspaceId, channelId);
		this.requireEvolution(row);
		if (needsPairing(row.status) || row.status === 'connecting') {
			if (by === 'monitor') return this.view(workspaceId, channelId);
			await this.connect(workspaceId, channelId);
			return this.view(workspaceId, channelId);
		}
		await this.setStatus(workspaceId, channelId, { status: 'disconnected', reason: 'reconnecting', details: { by } });
		await this.step(workspaceId, channelId, { kind: 'step', reason: 'reconnecting', message: by === 'monitor' ? 'Automatic reconnect after 3 failed health checks' : 'Reconnect requested' });
		try {
			await this.instance(row).restart();
		} catch (error) {
			await this.setStatus(workspaceId, channelId, { status: 'error', reason: 'reconnect_failed', detail: (error as Error).message });
			return this.view(workspaceId, channelId);
		}
		await this.deps.jobs.scheduleReconnectVerify({ workspaceId, channelId }, this.deps.timings.reconnectVerifyMs);
		return this.view(workspaceId, channelId);
	}

	async verifyReconnect(job: ChannelJobRef): Promise<void> {
		const row = await this.findRow(job.workspaceId, job.channelId);
		if (!row || row.status === 'connected' || !isMonitoredStatus(row.status)) return;
		const state = await this.instance(row)
			.connectionState(this.deps.timings.requestTimeoutMs)
			.catch((error: Error) => `unreachable (${error.message})`);
		if (state === 'open') await this.setStatus(job.workspaceId, job.channelId, { status: 'connected', reason: 'reconnected' });
		else await this.setStatus(job.workspaceId, job.channelId, { status: 'error', reason: 'reconnect_failed', detail: `connectionState is ${state ?? 'unknown'}` });
	}

	async restart(workspaceId: string, channelId: string): Promise<ChannelView> {
		const row = await this.row(workspaceId, channelId);
		this.requireEvolution(row);
		await this.step(workspaceId, channelId, { kind: 'step', reason: 'restarting', message: 'Restart requested' });
		try {
			await this.instance(row).restart();
		} catch (error) {
			await this.step(workspaceId, channelId, { kind: 'error', reason: 'provider_error', message: `Restart failed: ${(error as Error).message}` });
			throw upstream(error, 'restart the instance');
		}
		return this.view(workspaceId, channelId);
	}

	async logout(workspaceId: string, channelId: string): Promise<ChannelView> {
		const row = await this.row(workspaceId, channelId);
		this.requireEvolution(row);
		try {
			await this.instance(row).logout();
		} catch (error) {
			// "not connected" (400) is a logout already done; anything else is a failure to report.
			if (!(error instanceof EvolutionError && error.status === 400)) throw upstream(error, 'log the instance out');
		}
		await this.step(workspaceId, channelId, { kind: 'step', reason: 'logged_out', message: 'Logged out by an admin' });
		await this.setStatus(workspaceId, channelId, { status: 'logged_out', reason: 'logged_out', detail: 'by an admin' });
		return this.view(workspaceId, channelId);
	}

	// ---- helpers -------------------------------------------------------------------------------------------------

	private async setStatus(
		workspaceId: string,
		channelId: string,
		change: Parameters<typeof setChannelStatus>[3],
		force = false,
	): Promise<{ changed: boolean }> {
		// The state and its log line in one transaction: whoever sees the new state (the page, the monitor's next look)
		// also finds the line that says why.
		const result = await this.deps.db.transaction((tx) => setChannelStatus(tx, workspaceId, channelId, change));
		if (!result.changed && force) {
			// Same state and reason (e.g. a second "connect" while pairing): still logged, as the admin asked again.
			await this.step(workspaceId, channelId, { kind: 'state', status: change.status, reason: change.reason, message: `Still ${change.status}` });
		}
		await this.publish(workspaceId, result.events);
		return result;
	}

	private async step(workspaceId: string, channelId: string, entry: Parameters<typeof logChannelStep>[3]): Promise<void> {
		await this.publish(workspaceId, await logChannelStep(this.deps.db, workspaceId, channelId, entry));
	}

	private async publish(workspaceId: string, events: ChannelRealtimeEvent[]): Promise<void> {
		if (events.length) await this.deps.publisher.publish(workspaceId, events.map((e) => ({ ...e, at: Date.now() })));
	}

	private view(workspaceId: string, channelId: string): Promise<ChannelView> {
		return readChannelViews(this.deps.db, workspaceId, channelId).then(([view]) => {
			if (!view) throw notFound('Channel');
			return view;
		});
	}

	private async findRow(workspaceId: string, channelId: string, db: Queryable = this.deps.db): Promise<LifecycleRow | undefined> {
		const { rows } = await db.query<LifecycleRow>(`SELECT ${ROW} FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2`, [workspaceId, channelId]);
		return rows[0];
	}

	private async row(workspaceId: string, channelId: string): Promise<LifecycleRow> {
		const row = await this.findRow(workspaceId, channelId);
		if (!row) throw notFound('Channel');
		return row;
	}

	private requireEvolution(row: LifecycleRow): void {
		if (row.provider !== 'evolution') throw new ApiError(422, 'unsupported_provider', 'Only Evolution channels are connected through the server.');
	}

	/** The channel's instance with the best key it has: its own API key, else the instance token, else the server's. */
	private instance(row: LifecycleRow): EvolutionInstance {
		const key = this.deps.integrationsKey;
		const apiKey = row.apiKeySealed ? decryptSecret(row.apiKeySealed, key) : row.tokenSealed ? decryptSecret(row.tokenSealed, key) : this.deps.evolution.apiKey;
		return new EvolutionInstance(new EvolutionClient({ baseUrl: row.baseUrl, apiKey, timeoutMs: this.deps.timings.requestTimeoutMs }), row.instanceName);
	}
}

/** An Evolution failure as the API answers it: 502 with Evolution's own words (never the key). */
function upstream(error: unknown, what: string): ApiError {
	if (error instanceof ApiError) return error;
	return new ApiError(502, 'evolution_error', `Could not ${what}: ${(error as Error).message}`);
}

function maskPhone(phone: string): string {
	return phone.length > 4 ? `${'•'.repeat(phone.length - 4)}${phone.slice(-4)}` : phone;
}
