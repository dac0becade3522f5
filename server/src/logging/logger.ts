import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Keys whose values never reach a log line, at the top level and one or two objects down: secrets (API keys, tokens,
 * passwords, webhook secrets, the headers that carry them) and data (request and message bodies, message texts,
 * query strings and a statement's parameter list, whatever the database driver attaches to its errors).
 */
const REDACTED_KEYS = [
	'apikey',
	'apiKey',
	'api_key',
	'password',
	'newPassword',
	'currentPassword',
	'passwordHash',
	'password_hash',
	'token',
	'accessToken',
	'refreshToken',
	'secret',
	'webhookSecret',
	'encryptedApiKey',
	'authorization',
	'cookie',
	'pairingCode',
	'body',
	'text',
	'query',
	'params',
	'payload',
];

export const REDACTED_PATHS = [
	...REDACTED_KEYS,
	...REDACTED_KEYS.map((key) => `*.${key}`),
	...REDACTED_KEYS.map((key) => `*.*.${key}`),
	'req.headers["x-webhook-secret"]',
	'headers["x-webhook-secret"]',
];

/** Fields of an error worth a log line; everything else an error carries (an HTTP client's config and headers, a driver's query and parameters) is left out. */
const ERROR_FIELDS = ['code', 'statusCode', 'status', 'constraint', 'table', 'column', 'severity', 'errno', 'syscall'] as const;

function serialiseError(value: unknown, depth = 0): unknown {
	if (!(value instanceof Error)) return value;
	const out: Record<string, unknown> = { type: value.constructor?.name ?? value.name, message: value.message, stack: value.stack };
	for (const field of ERROR_FIELDS) {
		const item = (value as unknown as Record<string, unknown>)[field];
		if (typeof item === 'string' || typeof item === 'number') out[field] = item;
	}
	if (value.cause !== undefined && depth < 3) out.cause = serialiseError(value.cause, depth + 1);
	return out;
}

/** A request as logged: method and path, never the query string (search terms, a realtime token). */
function serialiseRequest(request: { method?: string; url?: string; ip?: string; id?: unknown }): Record<string, unknown> {
	return { method: request.method, url: request.url?.split('?')[0], remoteAddress: request.ip };
}

export function createLogger(options: { level?: LoggerOptions['level']; destination?: pino.DestinationStream } = {}): Logger {
	const settings: LoggerOptions = {
		level: options.level ?? 'info',
		redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
		base: { service: 'whatsapp-inbox' },
		// Fastify keeps these over its own (its request serialiser logs the query string).
		serializers: { err: serialiseError, error: serialiseError, req: serialiseRequest },
	};
	return options.destination ? pino(settings, options.destination) : pino(settings);
}

export type { Logger };
