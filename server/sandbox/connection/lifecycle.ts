/**
 * The connection state machine of one Baileys socket as Evolution reports it:
 * close → connecting (QR every qrRefreshMs, limit → refused) → open (scan) → close (logout, 401) or
 * connecting again (dropped, Evolution reconnects at once).
 */
import { pairingCode, qrPayload } from '../domain/ids';
import type { InstanceState } from '../domain/instance-state';
import { emitInitialSync } from '../messages/history-sync';
import type { SandboxWorld } from '../world';
import { qrDataUrl } from './qr-code';

export interface LoginProfile {
	number: string;
	profileName: string;
	profilePicUrl: string | null;
}

const qrTimers = new WeakMap<InstanceState, NodeJS.Timeout>();

export class ConnectionLifecycle {
	constructor(private readonly world: SandboxWorld) {}

	/** connectToWhatsapp(): a new socket; from close it starts issuing QR codes. */
	async connect(instance: InstanceState, number: string | null): Promise<void> {
		instance.loadedWebhookBase64 = !!instance.webhook?.webhookBase64;
		instance.pairingNumber = number;
		instance.issuedPairingCodes.clear();
		instance.connection = 'connecting';
		instance.touch();
		this.world.emit(instance, 'connection.update', { instance: instance.name, state: 'connecting', statusReason: 200 });
		// Offline, Baileys never gets a QR: connect answers {count: 0}.
		if (!instance.offline) await this.issueQr(instance);
	}

	/** The phone scanned the QR code (or typed the pairing code). */
	scan(instance: InstanceState, profile: LoginProfile): void {
		this.stopQr(instance);
		instance.wuid = `${profile.number}@s.whatsapp.net`;
		instance.ownerJid = instance.wuid;
		instance.profileName = profile.profileName;
		instance.profilePicUrl = profile.profilePicUrl;
		instance.hasSession = true;
		this.open(instance);
		emitInitialSync(this.world, instance);
	}

	/** The socket dropped with a reconnectable code: Evolution reconnects, emitting only `connecting`. */
	drop(instance: InstanceState, reconnectAfterMs: number | null): void {
		this.stopQr(instance);
		instance.loadedWebhookBase64 = !!instance.webhook?.webhookBase64;
		instance.connection = 'connecting';
		instance.touch();
		this.world.emit(instance, 'connection.update', { instance: instance.name, state: 'connecting', statusReason: 200 });
		if (reconnectAfterMs !== null && instance.wuid) instance.schedule(reconnectAfterMs, () => this.open(instance));
	}

	/** Logged out (from the phone or DELETE /instance/logout): close 401, status.instance, logout.instance. */
	logout(instance: InstanceState, message = 'Intentional Logout'): void {
		this.stopQr(instance);
		const now = new Date();
		const lastDisconnect = {
			error: {
				data: { reason: '401', location: 'rva' },
				isBoom: true,
				isServer: false,
				output: { statusCode: 401, payload: { statusCode: 401, error: 'Unauthorized', message }, headers: {} },
			},
			date: now,
		};
		instance.connection = 'close';
		instance.hasSession = false;
		instance.qr = { count: 0 };
		instance.disconnectionAt = now;
		instance.disconnectionReasonCode = 401;
		instance.disconnectionObject = JSON.stringify(lastDisconnect);
		instance.touch();
		this.world.emit(instance, 'status.instance', {
			instance: instance.name,
			status: 'closed',
			disconnectionAt: now,
			disconnectionReasonCode: 401,
			disconnectionObject: instance.disconnectionObject,
		});
		this.world.emit(instance, 'logout.instance', null);
		this.world.emit(instance, 'connection.update', { instance: instance.name, state: 'close', statusReason: 401 });
	}

	/** Issues the next QR now instead of waiting for the refresh timer (control API). */
	async nextQr(instance: InstanceState): Promise<void> {
		this.stopQr(instance);
		await this.issueQr(instance);
	}

	stopQr(instance: InstanceState): void {
		instance.cancel(qrTimers.get(instance));
		qrTimers.delete(instance);
	}

	private open(instance: InstanceState): void {
		instance.connection = 'open';
		instance.touch();
		this.world.emit(instance, 'connection.update', {
			instance: instance.name,
			wuid: instance.wuid,
			profileName: instance.profileName,
			profilePictureUrl: instance.profilePicUrl,
			state: 'open',
			statusReason: 200,
		});
	}

	private async issueQr(instance: InstanceState): Promise<void> {
		if (instance.connection !== 'connecting' || instance.deleting) return;
		if (instance.qr.count === this.world.options.qrLimit) return this.refuse(instance);
		instance.qr.count++;
		const code = qrPayload();
		instance.qr.pairingCode = instance.pairingNumber ? pairingCode() : null;
		if (instance.qr.pairingCode) instance.issuedPairingCodes.add(instance.qr.pairingCode);
		instance.qr.base64 = await qrDataUrl(code);
		instance.qr.code = code;
		this.world.emit(instance, 'qrcode.updated', {
			qrcode: { instance: instance.name, pairingCode: instance.qr.pairingCode, code, base64: instance.qr.base64 },
		});
		qrTimers.set(
			instance,
			instance.schedule(this.world.options.qrRefreshMs, () => void this.issueQr(instance)),
		);
	}

	/** QRCODE_LIMIT reached: the limit message, then `refused` (428); the instance is closed again. */
	private refuse(instance: InstanceState): void {
		this.world.emit(instance, 'qrcode.updated', { message: 'QR code limit reached, please login again', statusCode: 500 });
		this.world.emit(instance, 'connection.update', { instance: instance.name, state: 'refused', statusReason: 428 });
		instance.qr = { count: 0 };
		instance.connection = 'close';
		instance.touch();
	}
}
