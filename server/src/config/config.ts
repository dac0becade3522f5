import { resolve } from 'node:path';
import { z } from 'zod';

const optionalUrl = z
	.string()
	.trim()
	.transform((v) => (v === '' ? undefined : v))
	.pipe(z.string().url().optional())
	.optional();
// An address the server calls or hands out: only http(s) makes sense (a typo like "localhost:8080" parses as a URL
// with the scheme "localhost:" and would fail later, far from its cause).
const optionalHttpUrl = (what: string) =>
	z
		.string()
		.trim()
		.transform((v) => (v === '' ? undefined : v))
		.pipe(
			z
				.string()
				.url()
				.refine((v) => /^https?:\/\//i.test(v), { message: `must start with http:// or https:// (${what})` })
				.optional(),
		)
		.optional();
const optionalString = z
	.string()
	.transform((v) => (v.trim() === '' ? undefined : v))
	.optional();
const port = z.coerce.number().int().min(0).max(65535);

const envSchema = z.object({
	NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
	HOST: z.string().default('127.0.0.1'),
	PORT: port.default(3000),
	// A base the server appends paths to (PUBLIC_URL/webhooks/evolution/<channel id>): a path prefix is fine (a reverse
	// proxy serving the server under /inbox), a ?query or #fragment would land in the middle of every URL made from it.
	PUBLIC_URL: optionalHttpUrl('the address Evolution uses to reach this server, e.g. https://inbox.example.com').refine((v) => v === undefined || !/[?#]/.test(v), {
		message: 'must be a base address without ?query or #fragment (e.g. https://example.com/inbox): /webhooks/evolution/<channel id> is appended to it',
	}),
	DATA_DIR: z.string().default('.data'),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	DATABASE_URL: optionalUrl,
	DATABASE_PREPARED_STATEMENTS: z.enum(['auto', 'on', 'off']).default('auto'),
	REDIS_URL: optionalUrl,
	EVOLUTION_BASE_URL: optionalHttpUrl('your Evolution API server, e.g. http://localhost:8080; unset it to use the embedded sandbox'),
	EVOLUTION_API_KEY: optionalString,
	SANDBOX_PORT: port.optional(),
	SANDBOX_API_KEY: z.string().min(1).default('sandbox-api-key'),
	INTEGRATIONS_KEY: optionalString,
	// Inbox API, realtime and Supabase (see server/API.md).
	AUTH_SESSION_TTL_HOURS: z.coerce.number().positive().max(24 * 365).default(720),
	SIGNUP_MODE: z.enum(['first', 'open', 'closed']).default('first'),
	LOGIN_RATE_LIMIT_MAX: z.coerce.number().int().min(1).default(10),
	LOGIN_RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
	REALTIME_TYPING_TIMEOUT_MS: z.coerce.number().int().min(50).default(30_000),
	// Channel lifecycle periods (README "Connecting a number"); tests shorten them.
	CHANNEL_QR_REFRESH_MS: z.coerce.number().int().min(10).default(40_000),
	CHANNEL_QR_WINDOW_MS: z.coerce.number().int().min(50).default(180_000),
	CHANNEL_HEALTH_INTERVAL_MS: z.coerce.number().int().min(50).default(60_000),
	CHANNEL_RECONNECT_VERIFY_MS: z.coerce.number().int().min(10).default(20_000),
	// BullMQ key prefix: lets several deployments (or test runs) share one Redis.
	QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9:_-]{1,64}$/).default('bull'),
	// Outbox (README "Sending"): a time scale for tests and benchmarks (0.01 = every back-off, pacing gap and window
	// 100× shorter), the send timeout (added to a send's typing delay), the reconciler's period, the opt-out words.
	OUTBOX_TIME_SCALE: z.coerce.number().positive().max(1).default(1),
	OUTBOX_SEND_TIMEOUT_MS: z.coerce.number().int().min(50).default(20_000),
	OUTBOX_RECONCILE_MS: z.coerce.number().int().min(50).default(30_000),
	OPT_OUT_WORDS: z.string().default('SAIR,PARAR,STOP,CANCELAR'),
	// Outgoing webhook subscriptions (README "Webhook subscriptions"): tries per delivery, the first back-off (doubled
	// each retry), the per-attempt timeout.
	WEBHOOK_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(30).default(8),
	WEBHOOK_DELIVERY_RETRY_MS: z.coerce.number().int().min(10).default(10_000),
	WEBHOOK_DELIVERY_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
	SUPABASE_URL: optionalUrl,
	SUPABASE_SERVICE_ROLE_KEY: optionalString,
	SUPABASE_REALTIME_PRIVATE: z.enum(['true', 'false']).default('true'),
	// Media store (README "Media"): size limits, the Supabase Storage bucket, how far back inbound media is fetched.
	MEDIA_MAX_UPLOAD_MB: z.coerce.number().positive().max(2048).default(64),
	MEDIA_MAX_INBOUND_MB: z.coerce.number().positive().max(2048).default(100),
	MEDIA_STORAGE_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9._-]{1,62}$/).default('whatsapp-media'),
	MEDIA_CAPTURE_WINDOW_HOURS: z.coerce.number().positive().max(24 * 365).default(24),
	MEDIA_FETCH_RETRY_MS: z.coerce.number().int().min(1).default(5_000),
	MEDIA_SWEEP_INTERVAL_MS: z.coerce.number().int().min(10).default(2_000),
	MEDIA_FETCH_GRACE_MS: z.coerce.number().int().min(0).default(3_000),
	// A webhook body over this is kept without its base64 media (fetched in the background instead): ingest/webhook-body-reader.ts.
	WEBHOOK_BODY_LIMIT_MB: z.coerce.number().positive().max(512).default(32),
	// AI auto-reply (README "AI auto-reply"): how often held conversations are looked at for the idle resume, how long
	// a fromMe message waits before it counts as typed on the phone (it may be the echo of an AI send), and how recently
	// an attendant must have used the inbox to get a hand-off.
	AI_SWEEP_MS: z.coerce.number().int().min(50).default(30_000),
	AI_ECHO_GRACE_MS: z.coerce.number().int().min(0).default(5_000),
	AI_ONLINE_WINDOW_MINUTES: z.coerce.number().positive().max(24 * 60).default(10),
	// Operations (README "Operations"): /metrics wants "Authorization: Bearer <METRICS_TOKEN>" when set.
	METRICS_TOKEN: optionalString,
	// The workspaces whose admins operate the whole server (README "Operations"): on /admin/queues they see every queue,
	// the shared ones included; any other admin sees only the outbox queues of their own workspace's channels.
	OPERATOR_WORKSPACE_IDS: z
		.string()
		.default('')
		.transform((v) => v.split(',').map((id) => id.trim().toLowerCase()).filter(Boolean))
		.pipe(z.array(z.string().uuid({ message: 'must be workspace ids (UUIDs, comma-separated), e.g. the "workspace.id" that /api/v1/auth/me answers' }))),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
	env: Env['NODE_ENV'];
	host: string;
	port: number;
	/** Where Evolution reaches our webhooks; defaults to the listening address. */
	publicUrl?: string;
	dataDir: string;
	logLevel: Env['LOG_LEVEL'];
	/** PGlite under dataDir when unset. */
	databaseUrl?: string;
	/** Prepare hot statements on DATABASE_URL: auto = unless it is a pooler in transaction mode (see pg-db.ts). */
	databasePreparedStatements?: 'auto' | 'on' | 'off';
	/** A private redis-server is started when unset. */
	redisUrl?: string;
	evolution: { baseUrl?: string; apiKey?: string };
	sandbox: { port?: number; apiKey: string };
	integrationsKey?: string;
	/** Inbox sign-in; defaults apply when absent (configs built by hand in tests). */
	auth?: { sessionTtlMs: number; signupMode: 'first' | 'open' | 'closed'; loginRateLimit: { max: number; timeWindowMs: number } };
	realtime?: { typingTimeoutMs: number };
	/** Channel lifecycle periods; defaults apply when absent (configs built by hand in tests). */
	channels?: { qrRefreshMs: number; qrWindowMs: number; healthIntervalMs: number; reconnectVerifyMs: number };
	/** BullMQ key prefix (default "bull"). */
	queuePrefix?: string;
	/** Outbox timings; defaults apply when absent (configs built by hand in tests). */
	outbox?: { timeScale: number; sendTimeoutMs: number; reconcileMs: number; optOutWords: string[] };
	/** Outgoing webhook deliveries; defaults apply when absent (configs built by hand in tests). */
	webhookDeliveries?: { attempts: number; retryBaseMs: number; timeoutMs: number };
	/** Media store limits and settings; defaults apply when absent (configs built by hand in tests). */
	media?: {
		maxUploadBytes: number;
		maxInboundBytes: number;
		bucket: string;
		captureWindowMs: number;
		fetchRetryMs: number;
		sweepIntervalMs: number;
		fetchGraceMs: number;
	};
	/** Webhook bodies over this many bytes lose their base64 media (fetched in the background); default 32 MB. */
	webhookBodyLimit?: number;
	/** AI auto-reply timings; defaults apply when absent (configs built by hand in tests). */
	ai?: { sweepMs: number; echoGraceMs: number; onlineWindowMs: number };
	/** Bearer token /metrics asks for; open when unset. */
	metricsToken?: string;
	/** Workspaces whose admins see every queue on the dashboard (server operators); none when absent. */
	operatorWorkspaceIds?: string[];
	/** Set when SUPABASE_URL and SUPABASE_SERVICE_ROLE_KEY are: Realtime broadcast and Supabase Auth sign-in. */
	supabase?: { url: string; serviceRoleKey: string; privateChannels: boolean };
}

export class ConfigError extends Error {}

/** Builds the one typed config object from the environment; fails fast with every problem listed. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
	const parsed = envSchema.safeParse(env);
	if (!parsed.success) {
		const problems = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
		throw new ConfigError(`Invalid configuration:\n${problems}`);
	}
	const e = parsed.data;
	if (e.NODE_ENV === 'production' && !e.INTEGRATIONS_KEY) {
		throw new ConfigError(
			'Invalid configuration:\n  INTEGRATIONS_KEY: required in production (32 random bytes, base64 or hex) to encrypt channel API keys at rest',
		);
	}
	return {
		env: e.NODE_ENV,
		host: e.HOST,
		port: e.PORT,
		publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
		dataDir: resolve(e.DATA_DIR),
		logLevel: e.LOG_LEVEL,
		databaseUrl: e.DATABASE_URL,
		databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
		redisUrl: e.REDIS_URL,
		evolution: { baseUrl: e.EVOLUTION_BASE_URL?.replace(/\/+$/, ''), apiKey: e.EVOLUTION_API_KEY },
		sandbox: { port: e.SANDBOX_PORT, apiKey: e.SANDBOX_API_KEY },
		integrationsKey: e.INTEGRATIONS_KEY,
		auth: {
			sessionTtlMs: e.AUTH_SESSION_TTL_HOURS * 3_600_000,
			signupMode: e.SIGNUP_MODE,
			loginRateLimit: { max: e.LOGIN_RATE_LIMIT_MAX, timeWindowMs: e.LOGIN_RATE_LIMIT_WINDOW_SECONDS * 1000 },
		},
		realtime: { typingTimeoutMs: e.REALTIME_TYPING_TIMEOUT_MS },
		channels: {
			qrRefreshMs: e.CHANNEL_QR_REFRESH_MS,
			qrWindowMs: e.CHANNEL_QR_WINDOW_MS,
			healthIntervalMs: e.CHANNEL_HEALTH_INTERVAL_MS,
			reconnectVerifyMs: e.CHANNEL_RECONNECT_VERIFY_MS,
		},
		queuePrefix: e.QUEUE_PREFIX,
		outbox: {
			timeScale: e.OUTBOX_TIME_SCALE,
			sendTimeoutMs: e.OUTBOX_SEND_TIMEOUT_MS,
			reconcileMs: e.OUTBOX_RECONCILE_MS,
			optOutWords: e.OPT_OUT_WORDS.split(',').map((w) => w.trim()).filter(Boolean),
		},
		webhookDeliveries: { attempts: e.WEBHOOK_DELIVERY_ATTEMPTS, retryBaseMs: e.WEBHOOK_DELIVERY_RETRY_MS, timeoutMs: e.WEBHOOK_DELIVERY_TIMEOUT_MS },
		media: {
			maxUploadBytes: Math.round(e.MEDIA_MAX_UPLOAD_MB * 1024 * 1024),
			maxInboundBytes: Math.round(e.MEDIA_MAX_INBOUND_MB * 1024 * 1024),
			bucket: e.MEDIA_STORAGE_BUCKET,
			captureWindowMs: e.MEDIA_CAPTURE_WINDOW_HOURS * 3_600_000,
			fetchRetryMs: e.MEDIA_FETCH_RETRY_MS,
			sweepIntervalMs: e.MEDIA_SWEEP_INTERVAL_MS,
			fetchGraceMs: e.MEDIA_FETCH_GRACE_MS,
		},
		webhookBodyLimit: Math.round(e.WEBHOOK_BODY_LIMIT_MB * 1024 * 1024),
		ai: { sweepMs: e.AI_SWEEP_MS, echoGraceMs: e.AI_ECHO_GRACE_MS, onlineWindowMs: Math.round(e.AI_ONLINE_WINDOW_MINUTES * 60_000) },
		metricsToken: e.METRICS_TOKEN,
		operatorWorkspaceIds: e.OPERATOR_WORKSPACE_IDS,
		supabase:
			e.SUPABASE_URL && e.SUPABASE_SERVICE_ROLE_KEY
				? { url: e.SUPABASE_URL.replace(/\/+$/, ''), serviceRoleKey: e.SUPABASE_SERVICE_ROLE_KEY, privateChannels: e.SUPABASE_REALTIME_PRIVATE === 'true' }
				: undefined,
	};
}
