/** Everything the sandbox remembers about one instance: the in-memory stand-in for Evolution's Prisma rows. */
import { cuid, instanceToken, uuid } from './ids';

export type ConnectionState = 'open' | 'close' | 'connecting';

export interface MessageKey {
	remoteJid: string;
	remoteJidAlt?: string;
	fromMe: boolean;
	id: string;
	participant?: string;
	participantAlt?: string;
	addressingMode?: 'pn' | 'lid';
}

/** The Message row: Evolution's pre-webhook messageRaw plus the DB columns. */
export interface StoredMessage {
	id: string;
	key: MessageKey;
	pushName: string;
	participant: null;
	messageType: string;
	message: Record<string, unknown>;
	contextInfo: Record<string, unknown> | null;
	source: string;
	messageTimestamp: number;
	instanceId: string;
	status: string;
	sessionId: null;
	/** The MessageUpdate rows of the message (its receipts), oldest first. */
	updates: Array<{ id: string; status: string }>;
}

export interface WebhookRow {
	id: string;
	url: string;
	headers: Record<string, string> | null;
	enabled: boolean;
	events: string[];
	webhookByEvents: boolean;
	webhookBase64: boolean;
	createdAt: Date;
	updatedAt: Date;
	instanceId: string;
}

export interface SettingsRow {
	id: string;
	rejectCall: boolean;
	msgCall: string;
	groupsIgnore: boolean;
	alwaysOnline: boolean;
	readMessages: boolean;
	readStatus: boolean;
	syncFullHistory: boolean;
	wavoipToken: string;
	createdAt: Date;
	updatedAt: Date;
	instanceId: string;
}

export interface ChatRow {
	id: string;
	remoteJid: string;
	name: string | null;
	unreadMessages: number;
	archived: boolean;
	createdAt: Date;
	updatedAt: Date;
}

export interface ContactRow {
	id: string;
	remoteJid: string;
	pushName: string;
	profilePicUrl: string | null;
	createdAt: Date;
	updatedAt: Date;
}

export interface GroupParticipant {
	id: string;
	phoneNumber: string;
	admin: 'admin' | 'superadmin' | null;
}

export interface GroupRow {
	id: string;
	subject: string;
	subjectOwner: string;
	subjectTime: number;
	pictureUrl: string | null;
	creation: number;
	owner: string;
	desc: string;
	descId: string;
	restrict: boolean;
	announce: boolean;
	participants: GroupParticipant[];
	inviteCode: string;
}

export interface LabelRow {
	id: string;
	name: string;
	color: number;
	predefinedId: string | null;
}

export interface MediaBlob {
	data: Buffer;
	mimetype: string;
	fileName?: string;
}

export interface QrState {
	count: number;
	code?: string;
	base64?: string;
	pairingCode?: string | null;
}

export class InstanceState {
	readonly id = uuid();
	readonly createdAt = new Date();
	updatedAt = new Date();
	connection: ConnectionState = 'close';
	/** The connected account (`sender`); stays set after a logout, like Evolution's in-process wuid. */
	wuid: string | undefined;
	ownerJid: string | null = null;
	/** Baileys' saved credentials: set by a scan, wiped by a logout. A restart with them logs straight back in. */
	hasSession = false;
	profileName: string | null = null;
	profilePicUrl: string | null = null;
	profileStatus = '';
	disconnectionReasonCode: number | null = null;
	disconnectionObject: string | null = null;
	disconnectionAt: Date | null = null;
	qr: QrState = { count: 0 };
	pairingNumber: string | null = null;
	/** The pairing codes issued since the last connect: the phone may type any of them (WhatsApp shows a fresh one every QR). */
	readonly issuedPairingCodes = new Set<string>();
	webhook: WebhookRow | null = null;
	/** webhookBase64 as loaded at the last connect (Evolution's loadWebhook()). */
	loadedWebhookBase64 = false;
	settings: SettingsRow;
	readonly messages: StoredMessage[] = [];
	readonly messagesByKeyId = new Map<string, StoredMessage>();
	/**
	 * The rows of each chat JID (remoteJid and remoteJidAlt both), in insertion order: findMessages by chat reads its
	 * chat's rows, as Evolution's indexed table does, instead of scanning every message of the instance on each page.
	 */
	readonly messagesByChatJid = new Map<string, StoredMessage[]>();
	readonly chats = new Map<string, ChatRow>();
	readonly contacts = new Map<string, ContactRow>();
	readonly groups = new Map<string, GroupRow>();
	readonly labels = new Map<string, LabelRow>();
	readonly media = new Map<string, MediaBlob>();
	readonly presenceSubscriptions = new Set<string>();
	readonly blocked = new Set<string>();
	/** Simulates a server that cannot reach WhatsApp: connecting never yields a QR (control API). */
	offline = false;
	/** Set once delete was requested; the row goes when remove.instance has been delivered. */
	deleting = false;
	private readonly timers = new Set<NodeJS.Timeout>();

	constructor(
		readonly name: string,
		readonly integration: string,
		readonly token: string = instanceToken(),
		readonly number: string | null = null,
		readonly businessId: string | null = null,
	) {
		const now = new Date();
		this.settings = {
			id: cuid(),
			rejectCall: false,
			msgCall: '',
			groupsIgnore: false,
			alwaysOnline: false,
			readMessages: false,
			readStatus: false,
			syncFullHistory: false,
			wavoipToken: '',
			createdAt: now,
			updatedAt: now,
			instanceId: this.id,
		};
	}

	touch(): void {
		this.updatedAt = new Date();
	}

	/** setTimeout bound to the instance so deleting it (or closing the sandbox) cancels its work. */
	schedule(ms: number, task: () => void): NodeJS.Timeout {
		const timer = setTimeout(() => {
			this.timers.delete(timer);
			task();
		}, ms);
		this.timers.add(timer);
		return timer;
	}

	cancel(timer: NodeJS.Timeout | undefined): void {
		if (!timer) return;
		clearTimeout(timer);
		this.timers.delete(timer);
	}

	cancelAll(): void {
		for (const timer of this.timers) clearTimeout(timer);
		this.timers.clear();
	}

	addMessage(message: StoredMessage): void {
		this.messages.push(message);
		this.messagesByKeyId.set(message.key.id, message);
		for (const jid of new Set([message.key.remoteJid, message.key.remoteJidAlt])) {
			if (!jid) continue;
			const rows = this.messagesByChatJid.get(jid);
			if (rows) rows.push(message);
			else this.messagesByChatJid.set(jid, [message]);
		}
	}

	isSubscribedTo(event: string): boolean {
		return !!this.webhook?.enabled && this.webhook.events.includes(event);
	}
}
