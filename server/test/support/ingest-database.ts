import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createChannel } from '../../src/channels/channel-repository';
import type { Db } from '../../src/db/db';
import { migrate } from '../../src/db/migrate';
import { createPgDb } from '../../src/db/pg-db';
import { createPgliteDb } from '../../src/db/pglite-db';
import { createTestDatabase } from '../../../test/support/test-database';

/** Both database adapters the server supports; every ingest test runs on each. */
export const ADAPTERS: Array<[string, () => Promise<Db>]> = [
	['pglite', () => createPgliteDb()],
	['pg', async () => createPgDb(await createTestDatabase('ingest'))],
];

export const TEST_KEY = Buffer.alloc(32, 7);
/** A throw-away instance key: the tests check it never appears at rest. */
export const TEST_INSTANCE_KEY = ['instance', 'api', 'key', '123'].join('-');

export async function openMigratedDb(open: () => Promise<Db>): Promise<Db> {
	const db = await open();
	await migrate(db);
	return db;
}

export async function createWorkspaceWithChannel(db: Db, options: { provider?: 'evolution' | 'waha'; slug?: string } = {}) {
	const slug = options.slug ?? `ws-${Math.random().toString(36).slice(2, 10)}`;
	const { rows } = await db.query<{ id: string }>('INSERT INTO workspaces (name, slug) VALUES ($1, $2) RETURNING id', [slug, slug]);
	const workspaceId = rows[0].id;
	const { channel, webhookSecret } = await createChannel(db, TEST_KEY, {
		workspaceId,
		name: 'Vendas',
		provider: options.provider ?? 'evolution',
		instanceName: 'acme-sales',
		baseUrl: 'http://evolution.test',
		apiKey: TEST_INSTANCE_KEY,
	});
	return { workspaceId, channelId: channel.id, webhookSecret };
}

export type FixtureJson = any;

const FIXTURES = join(__dirname, '../../../test/fixtures/evolution/payloads');

export function evolutionFixture(name: string): Record<string, FixtureJson> {
	return JSON.parse(readFileSync(join(FIXTURES, `webhook-${name}.json`), 'utf8'));
}

/** A messages.upsert text webhook from a given number, in the shape of the contract's fixture. */
export function textWebhook(options: { id: string; phone?: string; lid?: string; text?: string; fromMe?: boolean; timestamp?: number; contextInfo?: Record<string, unknown>; pushName?: string }) {
	const key: Record<string, unknown> = { remoteJid: `${options.phone ?? '5511988887777'}@s.whatsapp.net`, fromMe: options.fromMe ?? false, id: options.id, addressingMode: 'pn' };
	if (options.lid) key.remoteJidAlt = options.lid;
	return {
		event: 'messages.upsert',
		instance: 'acme-sales',
		data: {
			key,
			pushName: options.pushName ?? 'Maria Souza',
			status: options.fromMe ? 'SERVER_ACK' : 'DELIVERY_ACK',
			message: { conversation: options.text ?? 'Oi!' },
			...(options.contextInfo ? { contextInfo: options.contextInfo } : {}),
			messageType: 'conversation',
			messageTimestamp: options.timestamp ?? 1763800060,
			instanceId: '0b8c3f6e-5a9d-4e21-9c47-3f1d2a6b8e90',
			source: 'ios',
		},
		date_time: '2025-11-22T05:27:40.512Z',
		sender: '5511999990000@s.whatsapp.net',
		server_url: 'https://evo.example.com',
		apikey: null,
	};
}

export function ackWebhook(keyId: string, status: string) {
	return { event: 'messages.update', instance: 'acme-sales', data: { keyId, remoteJid: '5511988887777@s.whatsapp.net', fromMe: true, status, instanceId: 'x' } };
}
