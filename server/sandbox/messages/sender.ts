/**
 * sendMessageWithTyping(): the common path of every /message/send* route.
 * onWhatsApp check → optional typing delay (subscribing to presence) → messageRaw with
 * status PENDING / pushName "Você" / source "web" → send.message webhook → receipts.
 */
import { digitsOf } from '../domain/directory';
import { outgoingMessageId } from '../domain/ids';
import type { InstanceState, MediaBlob } from '../domain/instance-state';
import { createJid, isGroupJid } from '../domain/jid';
import { outgoingContextInfo } from '../domain/protobuf';
import { badRequest, noSocket } from '../http/errors';
import type { SandboxWorld } from '../world';
import { ensureChat, type MessageRaw, messageRaw, nowSeconds, storeMessage, withBase64 } from './message-row';
import { subscribePresence } from './presence';
import { scheduleReceipts } from './receipts';

export interface SendOptions {
	delay?: number;
	quoted?: { key?: { id?: string; remoteJid?: string; fromMe?: boolean }; message?: Record<string, unknown> };
	mentioned?: string[];
	mentionsEveryOne?: boolean;
}

export interface OutgoingContent {
	messageType: string;
	/** The content object, e.g. {conversation} or {imageMessage:{...}}, without contextInfo. */
	content: Record<string, unknown>;
	/** Reactions carry no contextInfo at all. */
	withoutContext?: boolean;
	media?: MediaBlob;
}

export function whatsappLookup(world: SandboxWorld, instance: InstanceState, number: string) {
	const jid = createJid(number);
	const digits = digitsOf(jid);
	return { jid, number: digits, exists: isGroupJid(jid) || world.directory.exists(digits, instance.wuid && digitsOf(instance.wuid)) };
}

/** Rejects sends from an instance with no open socket (Baileys' client is undefined before login). */
export function requireSocket(instance: InstanceState, method = 'onWhatsApp'): void {
	if (instance.connection !== 'open') throw noSocket(method);
}

export async function sendMessage(
	world: SandboxWorld,
	instance: InstanceState,
	number: string,
	options: SendOptions,
	build: (jid: string) => Promise<OutgoingContent> | OutgoingContent,
): Promise<MessageRaw> {
	requireSocket(instance);
	const lookup = whatsappLookup(world, instance, number);
	if (!lookup.exists) throw badRequest({ jid: lookup.jid, exists: false, number: lookup.number });
	const jid = lookup.jid;
	const outgoing = await build(jid);
	if (options.delay && options.delay > 0) {
		subscribePresence(world, instance, jid);
		await new Promise((resolve) => instance.schedule(Math.min(options.delay!, world.options.maxSendDelayMs), () => resolve(undefined)));
	}
	const id = outgoingMessageId();
	if (outgoing.media) instance.media.set(id, outgoing.media);
	const contextInfo = outgoing.withoutContext ? undefined : buildContextInfo(instance, jid, options);
	const mediaField = outgoing.content[outgoing.messageType] as Record<string, unknown> | undefined;
	if (contextInfo && mediaField && typeof mediaField === 'object') mediaField.contextInfo = contextInfo;
	const raw = messageRaw({
		key: { remoteJid: jid, fromMe: true, id },
		pushName: 'Você',
		status: 'PENDING',
		message: outgoing.content,
		contextInfo,
		messageType: outgoing.messageType,
		messageTimestamp: nowSeconds(),
		instanceId: instance.id,
		source: 'web',
	});
	const row = storeMessage(instance, raw);
	world.sends.push({
		instance: instance.name,
		id,
		remoteJid: jid,
		messageType: outgoing.messageType,
		text: sentText(outgoing.content[outgoing.messageType]),
		delay: options.delay ?? null,
		at: Date.now(),
	});
	ensureChat(instance, jid, null);
	world.emit(instance, 'send.message', withBase64(instance, raw));
	scheduleReceipts(world, instance, row);
	return JSON.parse(JSON.stringify(raw)) as MessageRaw;
}

/** 1:1 sends carry Baileys 7's contextInfo; quotes and group mentions are added to it. */
function buildContextInfo(instance: InstanceState, jid: string, options: SendOptions): Record<string, unknown> | undefined {
	const group = isGroupJid(jid);
	const context: Record<string, unknown> = group ? { mentionedJid: [] as string[], groupMentions: [] } : outgoingContextInfo();
	const quotedId = options.quoted?.key?.id;
	if (quotedId) {
		const stored = instance.messagesByKeyId.get(quotedId);
		const quotedMessage = options.quoted?.message ?? stored?.message;
		// Evolution silently drops a quote it cannot load.
		if (quotedMessage) {
			const fromMe = options.quoted?.key?.fromMe ?? stored?.key.fromMe ?? false;
			context.stanzaId = quotedId;
			context.participant = fromMe ? instance.wuid : (stored?.key.participant ?? options.quoted?.key?.remoteJid ?? jid);
			context.quotedMessage = stripMessageContextInfo(quotedMessage);
		}
	}
	if (group && options.mentionsEveryOne) {
		const groupRow = instance.groups.get(jid);
		context.mentionedJid = groupRow ? groupRow.participants.map((participant) => participant.phoneNumber) : [];
	} else if (group && options.mentioned?.length) {
		context.mentionedJid = options.mentioned.map((mention) => createJid(mention));
	}
	if (group && !quotedId && (context.mentionedJid as string[]).length === 0) return undefined;
	return context;
}

function stripMessageContextInfo(message: Record<string, unknown>): Record<string, unknown> {
	const rest = { ...message };
	delete rest.messageContextInfo;
	delete rest.base64;
	return rest;
}

function sentText(content: unknown): string | null {
	if (typeof content === 'string') return content;
	if (content && typeof content === 'object') {
		const record = content as { text?: unknown; caption?: unknown };
		if (typeof record.text === 'string') return record.text;
		if (typeof record.caption === 'string') return record.caption;
	}
	return null;
}
