/**
 * presence.update as Baileys reports it: only for chats the instance subscribed to (Evolution
 * subscribes when it sends with `delay` or calls sendPresence); `paused` is reported as `available`.
 */
import { isGroupJid } from '../domain/jid';
import type { InstanceState } from '../domain/instance-state';
import { nowSeconds } from './message-row';
import type { SandboxWorld } from '../world';

export type Presence = 'available' | 'unavailable' | 'composing' | 'recording' | 'paused';

export function emitPresence(world: SandboxWorld, instance: InstanceState, chatJid: string, participantJid: string, presence: Presence): void {
	const reported = presence === 'paused' ? 'available' : presence;
	const entry: Record<string, unknown> = { lastKnownPresence: reported };
	if (reported === 'unavailable') entry.lastSeen = nowSeconds();
	world.emit(instance, 'presence.update', { id: chatJid, presences: { [participantJid]: entry } });
}

/** presenceSubscribe(): the first subscription makes WhatsApp report the contact's current presence. */
export function subscribePresence(world: SandboxWorld, instance: InstanceState, chatJid: string): void {
	if (instance.presenceSubscriptions.has(chatJid)) return;
	instance.presenceSubscriptions.add(chatJid);
	if (!isGroupJid(chatJid)) emitPresence(world, instance, chatJid, chatJid, 'available');
}
