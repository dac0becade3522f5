import pino, { type Logger, type LoggerOptions } from 'pino';

/**
 * Paths pino blanks out before a line is written. Secrets never reach logs: API keys, tokens, passwords,
 * webhook secrets, and the headers that carry them.
 */
export const REDACTED_PATHS = [
	'apikey',
	'apiKey',
	'api_key',
	'password',
	'token',
	'secret',
	'webhookSecret',
	'encryptedApiKey',
	'*.apikey',
	'*.apiKey',
	'*.api_key',
	'*.password',
	'*.token',
	'*.secret',
	'*.webhookSecret',
	'req.headers.apikey',
	'req.headers.authorization',
	'req.headers.cookie',
	'req.headers["x-webhook-secret"]',
	'headers.apikey',
	'headers.authorization',
];

export function createLogger(options: { level?: LoggerOptions['level']; destination?: pino.DestinationStream } = {}): Logger {
	const settings: LoggerOptions = {
		level: options.level ?? 'info',
		redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
		base: { service: 'whatsapp-inbox' },
	};
	return options.destination ? pino(settings, options.destination) : pino(settings);
}

export type { Logger };
