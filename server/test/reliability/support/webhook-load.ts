import Fastify, { type FastifyInstance } from 'fastify';
import type { Db } from '../../../src/db/db';
import { createWebhookIngest } from '../../../src/ingest/create-webhook-ingest';
import type { WebhookIngest } from '../../../src/ingest/webhook-ingest';
import { registerWebhookRoutes } from '../../../src/ingest/webhook.routes';
import { createLogger } from '../../../src/logging/logger';
import type { RealtimePublisher } from '../../../src/realtime/publisher';
import { InMemoryRealtimePublisher } from '../../../src/realtime/publisher-in-memory';
import { createWorkspaceWithChannel, openMigratedDb, textWebhook } from '../../support/ingest-database';

/** The webhook route of the real server (Fastify, the route, ingest) on a database, for the fault suites. */
export interface WebhookLoad {
	db: Db;
	app: FastifyInstance;
	ingest: WebhookIngest;
	workspaceId: string;
	channelId: string;
	/** POSTs one body as Evolution does; resolves with the status and the Retry-After header. */
	post(body: unknown): Promise<{ status: number; retryAfter?: string; outcome?: string }>;
	close(): Promise<void>;
}

export async function startWebhookLoad(open: () => Promise<Db>, publisher: RealtimePublisher = new InMemoryRealtimePublisher()): Promise<WebhookLoad> {
	const db = await openMigratedDb(open);
	const { workspaceId, channelId, webhookSecret } = await createWorkspaceWithChannel(db);
	const logger = createLogger({ level: 'silent' });
	const ingest = createWebhookIngest({ db, logger, publisher });
	const app = Fastify();
	registerWebhookRoutes(app, ingest, logger);
	const base = await app.listen({ port: 0, host: '127.0.0.1' });
	return {
		db,
		app,
		ingest,
		workspaceId,
		channelId,
		async post(body) {
			const response = await fetch(`${base}/webhooks/evolution/${channelId}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-webhook-secret': webhookSecret },
				body: JSON.stringify(body),
			});
			const text = await response.text();
			let outcome: string | undefined;
			try {
				outcome = (JSON.parse(text) as { outcome?: string }).outcome;
			} catch {
				outcome = undefined;
			}
			return { status: response.status, retryAfter: response.headers.get('retry-after') ?? undefined, outcome };
		},
		async close() {
			await app.close();
			await ingest.close();
			await db.close();
		},
	};
}

/** A deterministic PRNG (mulberry32): the same shuffle and repeat counts on every run. */
export function seededRandom(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Message `i` of a run: inbound text from one of `people` contacts (phones +55 11 97xxx-xxxx), in time order. */
export function nthMessage(i: number, people: number) {
	const person = i % people;
	return textWebhook({ id: `REL${String(i).padStart(6, '0')}`, phone: `55119${String(71000000 + person)}`, text: `mensagem ${i}`, timestamp: 1763800000 + i, pushName: `Pessoa ${person}` });
}

/** Runs `work` on `senders` concurrent workers pulling from one list. */
export async function withSenders<T>(items: T[], senders: number, work: (item: T) => Promise<void>): Promise<void> {
	let next = 0;
	await Promise.all(
		Array.from({ length: senders }, async () => {
			while (next < items.length) await work(items[next++]);
		}),
	);
}
