import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { hashPassword } from '../../../src/auth/password-hash';
import { createChannel } from '../../../src/channels/channel-repository';
import { loadConfig } from '../../../src/config/config';
import type { Db } from '../../../src/db/db';
import { migrate } from '../../../src/db/migrate';
import { createPgDb } from '../../../src/db/pg-db';
import { createPgliteDb } from '../../../src/db/pglite-db';
import { buildApp } from '../../../src/http/app';
import { createLogger } from '../../../src/logging/logger';
import { createInboxPublisher } from '../../../src/realtime/create-inbox-publisher';
import type { Runtime } from '../../../src/runtime/start-runtime';
import { runStartupTasks } from '../../../src/runtime/startup-tasks';
import { createTestDatabase, testRedisUrl } from '../../../../test/support/test-database';

/** Both database adapters; every inbox test runs on each. */
export const ADAPTERS: Array<[string, () => Promise<Db>]> = [
	['pglite', () => createPgliteDb()],
	['pg', async () => createPgDb(await createTestDatabase('inbox'))],
];

export async function openMigratedDb(open: () => Promise<Db>): Promise<Db> {
	const db = await open();
	await migrate(db);
	return db;
}

export interface HttpAnswer {
	statusCode: number;
	body: string;
	headers: Headers;
	json(): any;
}

/** Real HTTP (light-my-request's inject cannot load under Jest here). */
export async function request(
	base: string,
	method: string,
	url: string,
	options: { authorization?: string; payload?: unknown; headers?: Record<string, string> } = {},
): Promise<HttpAnswer> {
	const response = await fetch(base + url, {
		method,
		headers: {
			...(options.authorization ? { authorization: options.authorization } : {}),
			...(options.payload === undefined ? {} : { 'content-type': 'application/json' }),
			...options.headers,
		},
		body: options.payload === undefined ? undefined : typeof options.payload === 'string' ? options.payload : JSON.stringify(options.payload),
	});
	const body = await response.text();
	return { statusCode: response.status, body, headers: response.headers, json: () => JSON.parse(body) };
}

export interface InboxApp {
	app: FastifyInstance;
	runtime: Runtime;
	/** http://127.0.0.1:port */
	url: string;
	call(method: string, url: string, authorization?: string, payload?: unknown): Promise<HttpAnswer>;
	/** With `startupTasks: true`: settles when the start's background work (as main.ts runs it) is done. */
	startupTasks: Promise<void>;
	close(): Promise<void>;
}

/**
 * The real server (buildApp) on a given database and the run's private Redis, with a runtime assembled the way
 * startRuntime does it, minus the sandbox. `env` adds configuration (e.g. a short typing timeout). `startupTasks`
 * runs what main.ts starts once listening (channel re-check, webhook check…), as a process start does.
 */
export async function startInboxApp(
	db: Db,
	options: { env?: Record<string, string>; logLines?: string[]; evolution?: Runtime['evolution']; integrationsKey?: Buffer; startupTasks?: boolean } = {},
): Promise<InboxApp> {
	const config = loadConfig({
		NODE_ENV: 'test',
		LOG_LEVEL: 'silent',
		DATA_DIR: mkdtempSync(join(tmpdir(), 'inbox-test-')),
		// Each app its own BullMQ keys on the run's shared Redis: no job of one test reaches another's database.
		QUEUE_PREFIX: `test-${randomBytes(4).toString('hex')}`,
		...options.env,
	});
	const lines = options.logLines;
	const logger = lines
		? createLogger({ level: 'trace', destination: new Writable({ write: (chunk, _encoding, done) => (lines.push(chunk.toString()), done()) }) })
		: createLogger({ level: 'silent' });
	const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 2 });
	const runtime: Runtime = {
		config,
		logger,
		db,
		redis: { url: testRedisUrl(), mode: 'external', client: redis },
		evolution: options.evolution ?? { baseUrl: 'http://evolution.test', apiKey: 'global-evolution-key' },
		// A restart keeps its key (DATA_DIR or INTEGRATIONS_KEY): pass the first app's to a second one on the same database.
		integrationsKey: options.integrationsKey ?? randomBytes(32),
		publisher: createInboxPublisher({ redis, logger, config }),
		queues: [],
		startupTasks: options.startupTasks ? [] : undefined,
		close: async () => undefined,
	};
	const app = buildApp(runtime);
	await app.listen({ host: '127.0.0.1', port: 0 });
	const address = app.server.address();
	const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
	const startupTasks = runStartupTasks(runtime.startupTasks, logger);
	return {
		app,
		runtime,
		url,
		call: (method, path, authorization, payload) => request(url, method, path, { authorization, payload }),
		startupTasks,
		close: async () => {
			await startupTasks;
			await app.close();
			redis.disconnect();
		},
	};
}

let sharedHash: Promise<string> | undefined;
export const TEST_PASSWORD = 'correct horse battery staple';

/** One real scrypt hash reused for every seeded attendant: hashing is deliberately slow. */
function passwordHash(): Promise<string> {
	sharedHash ??= hashPassword(TEST_PASSWORD);
	return sharedHash;
}

export interface SeededWorkspace {
	workspaceId: string;
	admin: { id: string; email: string };
	agent: { id: string; email: string };
	channelId: string;
	webhookSecret: string;
	/** The contact's number as WhatsApp writes it (digits, no +). */
	phoneDigits: string;
	contactId: string;
	conversationId: string;
	leadId: string;
	messageIds: string[];
}

/** A workspace with an admin, an agent, a channel, a contact with a lead and a conversation of `messages` messages. */
export async function seedWorkspace(db: Db, integrationsKey: Buffer, options: { messages?: number } = {}): Promise<SeededWorkspace> {
	const tag = randomBytes(4).toString('hex');
	const hash = await passwordHash();
	const ws = (await db.query<{ id: string }>('INSERT INTO workspaces (name, slug) VALUES ($1, $2) RETURNING id', [`Acme ${tag}`, `acme-${tag}`])).rows[0].id;
	const user = async (role: string) =>
		(
			await db.query<{ id: string; email: string }>(
				`INSERT INTO users (workspace_id, email, name, role, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id, email`,
				[ws, `${role}-${tag}@example.com`, `${role === 'admin' ? 'Ana' : 'Bruno'} ${tag}`, role, hash],
			)
		).rows[0];
	const admin = await user('admin');
	const agent = await user('agent');
	const { channel, webhookSecret } = await createChannel(db, integrationsKey, {
		workspaceId: ws,
		name: 'Vendas',
		instanceName: `acme-${tag}`,
		baseUrl: 'http://evolution.test',
		apiKey: `instance-key-${tag}`,
	});
	const phone = `+55119${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
	const contactId = (
		await db.query<{ id: string }>(
			`INSERT INTO contacts (workspace_id, phone_e164, wa_jid, name, push_name) VALUES ($1, $2, $3, 'Maria Souza', 'Maria') RETURNING id`,
			[ws, phone, `${phone.slice(1)}@s.whatsapp.net`],
		)
	).rows[0].id;
	const leadId = (await db.query<{ id: string }>(`INSERT INTO leads (workspace_id, contact_id, name, phone_e164) VALUES ($1, $2, 'Maria Souza', $3) RETURNING id`, [ws, contactId, phone])).rows[0].id;
	const conversationId = (
		await db.query<{ id: string }>(
			`INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, lead_id, chat_jid, status, unread_count, last_message_at, last_message_preview, last_message_direction)
			 VALUES ($1, $2, $3, $4, $5, 'pending', 2, now(), 'Oi!', 'inbound') RETURNING id`,
			[ws, channel.id, contactId, leadId, `${phone.slice(1)}@s.whatsapp.net`],
		)
	).rows[0].id;
	const messageIds: string[] = [];
	for (let i = 0; i < (options.messages ?? 3); i++) {
		const { rows } = await db.query<{ id: string }>(
			`INSERT INTO whatsapp_messages (workspace_id, channel_id, conversation_id, wa_message_id, direction, from_me, type, body, status, wa_timestamp)
			 VALUES ($1, $2, $3, $4, 'inbound', false, 'text', $5, 'delivered', now() - ($6::int * interval '1 minute')) RETURNING id`,
			[ws, channel.id, conversationId, `WA${tag}${i}`, `message ${i}`, 100 - i],
		);
		messageIds.push(rows[0].id);
	}
	return { workspaceId: ws, admin, agent, channelId: channel.id, webhookSecret, phoneDigits: phone.slice(1), contactId, conversationId, leadId, messageIds };
}

/** Signs in through the real route and answers the bearer header. */
export async function signIn(server: InboxApp, email: string, password = TEST_PASSWORD): Promise<{ authorization: string; token: string }> {
	const response = await server.call('POST', '/api/v1/auth/login', undefined, { email, password });
	if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
	const token = response.json().token as string;
	return { authorization: `Bearer ${token}`, token };
}

/** Polls until `check` passes or the deadline does: no fixed sleeps. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			return await check();
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((r) => setTimeout(r, 25));
		}
	}
}
