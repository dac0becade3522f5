import axios from 'axios';
import type { Redis } from 'ioredis';
import type { Db } from '../db/db';

export type PartStatus = { status: 'up' | 'down'; latencyMs: number; error?: string } & Record<string, unknown>;

export interface HealthReport {
	status: 'ok' | 'degraded';
	checkedAt: string;
	postgres: PartStatus;
	redis: PartStatus;
	evolution: PartStatus;
}

export interface HealthDependencies {
	db: Db;
	redis: Redis;
	redisMode: 'private' | 'external';
	evolution: { baseUrl: string; sandbox: boolean };
	timeoutMs?: number;
}

async function measure(fn: () => Promise<Record<string, unknown>>, timeoutMs: number): Promise<PartStatus> {
	const started = performance.now();
	let timer: NodeJS.Timeout | undefined;
	try {
		const timeout = new Promise<never>((_, reject) => {
			timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
		});
		const details = await Promise.race([fn(), timeout]);
		return { status: 'up', latencyMs: Math.round(performance.now() - started), ...details };
	} catch (error) {
		return { status: 'down', latencyMs: Math.round(performance.now() - started), error: (error as Error).message };
	} finally {
		clearTimeout(timer);
	}
}

/** Checks the three parts the server stands on. Each check is bounded so /health answers even when one hangs. */
export async function checkHealth(deps: HealthDependencies): Promise<HealthReport> {
	const timeoutMs = deps.timeoutMs ?? 2000;
	const [postgres, redis, evolution] = await Promise.all([
		measure(async () => {
			await deps.db.query('SELECT 1');
			return { driver: deps.db.driver };
		}, timeoutMs),
		measure(async () => {
			const pong = await deps.redis.ping();
			if (pong !== 'PONG') throw new Error(`unexpected PING answer: ${pong}`);
			return { mode: deps.redisMode };
		}, timeoutMs),
		measure(async () => {
			// Evolution's root route answers without a key: {status, message, version, ...}.
			const response = await axios.get(`${deps.evolution.baseUrl}/`, { timeout: timeoutMs, validateStatus: () => true });
			const body = response.data as { message?: unknown; version?: unknown };
			if (response.status !== 200 || typeof body?.version !== 'string') {
				throw new Error(`not an Evolution API server (HTTP ${response.status})`);
			}
			return { url: deps.evolution.baseUrl, version: body.version, sandbox: deps.evolution.sandbox };
		}, timeoutMs),
	]);
	const allUp = [postgres, redis, evolution].every((p) => p.status === 'up');
	return { status: allUp ? 'ok' : 'degraded', checkedAt: new Date().toISOString(), postgres, redis, evolution };
}
