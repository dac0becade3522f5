/** The lifecycle's periods (defaults are the product's; tests pass a time scale through the config). */
export interface ChannelTimings {
	/** Ask Evolution for a fresh QR this often while pairing (Evolution itself rotates every 45 s). */
	qrRefreshMs: number;
	/** A pairing not finished by then is `expired` ("QR expirado — tente de novo"). */
	qrWindowMs: number;
	/** Health monitor: connectionState of every watched channel this often, each at a random point of the period. */
	healthIntervalMs: number;
	/** After a reconnect, how long Evolution gets to come back `open` before "reconnect failed". */
	reconnectVerifyMs: number;
	/** Timeout of one Evolution call made by the lifecycle. */
	requestTimeoutMs: number;
}

export const DEFAULT_CHANNEL_TIMINGS: ChannelTimings = {
	qrRefreshMs: 40_000,
	qrWindowMs: 180_000,
	healthIntervalMs: 60_000,
	reconnectVerifyMs: 20_000,
	requestTimeoutMs: 15_000,
};

/** Consecutive failed checks before the alert, and before the automatic reconnect. */
export const HEALTH_ALERT_AFTER = 2;
export const HEALTH_RECONNECT_AFTER = 3;
