/**
 * The sandbox's memory on disk (only when started with a stateFile, as `npm start` does under DATA_DIR): what a real
 * Evolution keeps in its database and session store, so a restart finds the same instances, webhooks, sessions,
 * chats, contacts and messages. A saved session logs straight back in, as Evolution reconnects stored sessions at boot.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { InstanceState, type ChatRow, type ContactRow, type SettingsRow, type StoredMessage, type WebhookRow } from '../domain/instance-state';
import { seedLabels } from '../domain/labels';
import type { SandboxWorld } from '../world';

interface InstanceSnapshot {
	name: string;
	integration: string;
	token: string;
	number: string | null;
	businessId: string | null;
	hasSession: boolean;
	wuid?: string;
	ownerJid: string | null;
	profileName: string | null;
	profilePicUrl: string | null;
	webhook: WebhookRow | null;
	settings: SettingsRow;
	chats: ChatRow[];
	contacts: ContactRow[];
	messages: StoredMessage[];
}

export interface SandboxSnapshot {
	version: 1;
	instances: InstanceSnapshot[];
}

export function snapshotWorld(world: SandboxWorld): SandboxSnapshot {
	return {
		version: 1,
		instances: [...world.instances.values()]
			.filter((i) => !i.deleting)
			.map((i) => ({
				name: i.name,
				integration: i.integration,
				token: i.token,
				number: i.number,
				businessId: i.businessId,
				hasSession: i.hasSession,
				wuid: i.wuid,
				ownerJid: i.ownerJid,
				profileName: i.profileName,
				profilePicUrl: i.profilePicUrl,
				webhook: i.webhook,
				settings: i.settings,
				chats: [...i.chats.values()],
				contacts: [...i.contacts.values()],
				messages: i.messages,
			})),
	};
}

/** Writes atomically (temp file + rename): a crash mid-write never leaves half a file. Returns the JSON written. */
export function saveSnapshot(file: string, world: SandboxWorld, previous?: string): string {
	const json = JSON.stringify(snapshotWorld(world));
	if (json === previous) return json;
	mkdirSync(dirname(file), { recursive: true });
	writeFileSync(`${file}.tmp`, json);
	renameSync(`${file}.tmp`, file);
	return json;
}

// JSON turned the rows' dates into strings.
const dates = <T extends { createdAt: Date; updatedAt: Date }>(row: T): T => ({ ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) });

/** Restores the instances of a snapshot; a missing or unreadable file is a fresh sandbox. Returns the JSON read. */
export function loadSnapshot(file: string, world: SandboxWorld): string | undefined {
	if (!existsSync(file)) return undefined;
	let snapshot: SandboxSnapshot;
	const json = readFileSync(file, 'utf8');
	try {
		snapshot = JSON.parse(json) as SandboxSnapshot;
	} catch {
		return undefined;
	}
	for (const saved of snapshot.instances ?? []) {
		const instance = new InstanceState(saved.name, saved.integration, saved.token, saved.number, saved.businessId);
		instance.wuid = saved.wuid;
		instance.ownerJid = saved.ownerJid;
		instance.profileName = saved.profileName;
		instance.profilePicUrl = saved.profilePicUrl;
		instance.webhook = saved.webhook ? { ...dates(saved.webhook), instanceId: instance.id } : null;
		instance.loadedWebhookBase64 = !!saved.webhook?.webhookBase64;
		instance.settings = { ...dates(saved.settings), instanceId: instance.id };
		for (const chat of saved.chats) instance.chats.set(chat.remoteJid, dates(chat));
		for (const contact of saved.contacts) instance.contacts.set(contact.remoteJid, dates(contact));
		for (const message of saved.messages) instance.addMessage({ ...message, instanceId: instance.id });
		seedLabels(instance);
		// A stored session reconnects at boot without a QR; without one the instance waits, closed, for /instance/connect.
		instance.hasSession = saved.hasSession;
		instance.connection = saved.hasSession && saved.wuid ? 'open' : 'close';
		world.instances.set(instance.name, instance);
	}
	return json;
}
