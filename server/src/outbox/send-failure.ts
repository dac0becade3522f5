import { EvolutionError } from '../providers/evolution/evolution-client';

/**
 * What a failed send means for the next step:
 * - `permanent`: Evolution refused the message itself (number not on WhatsApp, a 4xx): never retried.
 * - `rate_limited`: 429; wait its Retry-After, the attempt is not counted, the channel's breaker opens.
 * - `not_sent`: nothing reached Evolution, or it answered an error (5xx): retried on the schedule.
 * - `ambiguous`: the request went out and no answer came (timeout, connection reset): the message may have been
 *   sent, so the next step looks for it before sending again.
 */
export type SendFailureKind = 'permanent' | 'rate_limited' | 'not_sent' | 'ambiguous';

export interface SendFailure {
	kind: SendFailureKind;
	/** Machine-readable, stored on the row (error_code). */
	code: string;
	/** A sentence a person can act on, stored on the row (error). */
	message: string;
	retryAfterMs?: number;
}

// Socket errors that mean the request never left this machine (or never reached a listener).
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED_BEFORE_SEND']);

/** The Evolution 400 for a number without WhatsApp: `response.message` = [{jid, exists: false, number}] (CONTRACT §1.3). */
export function isNotOnWhatsApp(body: unknown): boolean {
	const message = (body as { response?: { message?: unknown } } | undefined)?.response?.message;
	return Array.isArray(message) && message.some((item) => typeof item === 'object' && item !== null && (item as { exists?: unknown }).exists === false);
}

export function classifySendFailure(error: unknown): SendFailure {
	if (!(error instanceof EvolutionError)) {
		return { kind: 'ambiguous', code: 'internal_error', message: (error as Error)?.message ?? String(error) };
	}
	if (error.kind === 'timeout') return { kind: 'ambiguous', code: 'timeout', message: error.message };
	if (error.kind === 'unreachable') {
		if (error.nothingSent || (error.code && NOT_SENT_CODES.has(error.code))) return { kind: 'not_sent', code: 'unreachable', message: error.message };
		return { kind: 'ambiguous', code: 'connection_lost', message: error.message };
	}
	const status = error.status ?? 0;
	if (status === 429) return { kind: 'rate_limited', code: 'rate_limited', message: error.message, retryAfterMs: error.retryAfterMs };
	if (status === 400 && isNotOnWhatsApp(error.body)) return { kind: 'permanent', code: 'not_on_whatsapp', message: 'This number is not on WhatsApp.' };
	// 408 is a timeout said out loud: the gateway may still be working on it.
	if (status === 408) return { kind: 'ambiguous', code: 'http_408', message: error.message };
	if (status >= 400 && status < 500) return { kind: 'permanent', code: `http_${status}`, message: error.message };
	return { kind: 'not_sent', code: `http_${status || 'error'}`, message: error.message };
}
