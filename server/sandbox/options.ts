/** Sandbox options and their defaults (the defaults are Evolution 2.3.7's). */
export interface SandboxOptions {
	/** The global key (AUTHENTICATION_API_KEY). */
	apiKey: string;
	/** Goes into webhook envelopes as server_url; default: the listening URL. */
	serverUrl?: string;
	/** Interval between QR codes while connecting; default 40000. */
	qrRefreshMs?: number;
	/** QRCODE_LIMIT: QR codes issued before the "refused" flow; default 30. */
	qrLimit?: number;
	/** The 2 s Evolution sleeps in /instance/connect from close; default 0. */
	connectDelayMs?: number;
	/** Evolution's webhook retry policy; defaults 10 tries, 5000 ms, 300000 ms cap, 30000 ms timeout. */
	webhookRetry?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number; timeoutMs?: number };
	/** Minutes to subtract from UTC for the fake-Z date_time, with Date#getTimezoneOffset's sign (São Paulo = 180). */
	timezoneOffsetMinutes?: number;
	/** fastify logger option; default false. */
	logger?: boolean | object;
	/** Caps the blocking `delay` of sends and sendPresence (Evolution has no cap); default: no cap. */
	maxSendDelayMs?: number;
	/** Delays of the simulated receipts after a send: SERVER_ACK, DELIVERY_ACK, READ, PLAYED (audio). */
	ackDelaysMs?: { serverAck?: number; delivery?: number; read?: number; played?: number };
	/** Keep instances, sessions, chats and messages in this JSON file across restarts (npm start: DATA_DIR/sandbox/); default: memory only. */
	stateFile?: string;
}

export interface ResolvedOptions {
	apiKey: string;
	serverUrl: string | undefined;
	qrRefreshMs: number;
	qrLimit: number;
	connectDelayMs: number;
	webhookRetry: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number; timeoutMs: number };
	timezoneOffsetMinutes: number;
	maxSendDelayMs: number;
	ackDelaysMs: { serverAck: number; delivery: number; read: number; played: number };
}

export function resolveOptions(options: SandboxOptions): ResolvedOptions {
	return {
		apiKey: options.apiKey,
		serverUrl: options.serverUrl,
		qrRefreshMs: options.qrRefreshMs ?? 40000,
		qrLimit: options.qrLimit ?? 30,
		connectDelayMs: options.connectDelayMs ?? 0,
		webhookRetry: {
			maxAttempts: options.webhookRetry?.maxAttempts ?? 10,
			initialDelayMs: options.webhookRetry?.initialDelayMs ?? 5000,
			maxDelayMs: options.webhookRetry?.maxDelayMs ?? 300000,
			timeoutMs: options.webhookRetry?.timeoutMs ?? 30000,
		},
		timezoneOffsetMinutes: options.timezoneOffsetMinutes ?? new Date().getTimezoneOffset(),
		maxSendDelayMs: options.maxSendDelayMs ?? Number.POSITIVE_INFINITY,
		ackDelaysMs: {
			serverAck: options.ackDelaysMs?.serverAck ?? 100,
			delivery: options.ackDelaysMs?.delivery ?? 300,
			read: options.ackDelaysMs?.read ?? 1000,
			played: options.ackDelaysMs?.played ?? 1500,
		},
	};
}
