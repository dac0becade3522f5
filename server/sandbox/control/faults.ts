/**
 * Fault injection for the REST routes: per route prefix (and optional method), an error rate with a
 * status (answered in Evolution's error envelope, shaped as Evolution answers that status), added latency, a hang
 * (no answer: a timeout for the client), an answer lost after the request was carried out (the client cannot tell
 * whether its send went out), an answer held after the request was carried out (its webhooks overtake it, as they do
 * when Evolution answers slowly under load), or 429 with Retry-After.
 * Error rates are applied deterministically (the n-th matching request fails when
 * floor(n·rate) increases), so a test asking for 0.5 sees every second call fail.
 */
import { STATUS_CODES } from 'node:http';
import { z } from 'zod';

export const faultSchema = z.object({
	route: z.string().min(1),
	method: z.string().optional(),
	errorRate: z.number().min(0).max(1).optional(),
	errorStatus: z.number().int().min(400).max(599).optional(),
	/** `response.message` of the error, verbatim (a string, string[], string[][] or objects, as Evolution varies it); default by status. */
	errorMessage: z.unknown().optional(),
	latencyMs: z.number().int().min(0).optional(),
	timeout: z.boolean().optional(),
	hangMs: z.number().int().min(0).optional(),
	rateLimit: z.object({ retryAfterSeconds: z.number().int().min(0) }).optional(),
	/** The request is carried out (a send goes out, its webhooks fire), then the answer is lost: the socket closes after hangMs (default 0). */
	dropAnswer: z.boolean().optional(),
	/** The request is carried out (a send goes out, its webhooks fire), then its answer leaves this many ms later. */
	answerDelayMs: z.number().int().min(0).optional(),
	times: z.number().int().min(1).optional(),
});

export type FaultSpec = z.infer<typeof faultSchema>;

export interface Fault extends FaultSpec {
	id: number;
	matched: number;
	applied: number;
}

export type FaultAction =
	| { kind: 'none'; latencyMs: number }
	| { kind: 'error'; latencyMs: number; status: number; message?: unknown }
	| { kind: 'rateLimit'; latencyMs: number; retryAfterSeconds: number }
	| { kind: 'hang'; latencyMs: number; hangMs: number }
	| { kind: 'dropAnswer'; latencyMs: number; hangMs: number }
	| { kind: 'slowAnswer'; latencyMs: number; answerDelayMs: number };

export class FaultInjector {
	private faults: Fault[] = [];
	private nextId = 1;

	add(spec: FaultSpec): Fault {
		const fault: Fault = { ...spec, id: this.nextId++, matched: 0, applied: 0 };
		this.faults.push(fault);
		return fault;
	}

	list(): Fault[] {
		return this.faults;
	}

	remove(id: number): boolean {
		const before = this.faults.length;
		this.faults = this.faults.filter((fault) => fault.id !== id);
		return this.faults.length !== before;
	}

	reset(): void {
		this.faults = [];
	}

	/**
	 * Decides what to do with one request: the matching faults in the order they were added; the first that fires
	 * wins (an error-rate fault that does not fire this time lets the next one decide, so 30 % 5xx and 10 % lost
	 * answers can be combined on one route).
	 */
	decide(method: string, path: string): FaultAction {
		const candidates = this.faults.filter(
			(candidate) =>
				path.startsWith(candidate.route) &&
				(!candidate.method || candidate.method.toUpperCase() === method.toUpperCase()) &&
				(candidate.times === undefined || candidate.applied < candidate.times),
		);
		let latencyMs = 0;
		for (const fault of candidates) {
			fault.matched++;
			latencyMs += fault.latencyMs ?? 0;
			const rate = fault.errorRate ?? 1;
			const hit = Math.floor(fault.matched * rate) > Math.floor((fault.matched - 1) * rate);
			const failing =
				fault.timeout || fault.dropAnswer || fault.rateLimit || fault.answerDelayMs !== undefined || fault.errorStatus !== undefined || fault.errorRate !== undefined;
			if (!failing) {
				fault.applied++;
				return { kind: 'none', latencyMs };
			}
			if (!hit) continue;
			fault.applied++;
			if (fault.dropAnswer) return { kind: 'dropAnswer', latencyMs, hangMs: fault.hangMs ?? 0 };
			if (fault.answerDelayMs !== undefined) return { kind: 'slowAnswer', latencyMs, answerDelayMs: fault.answerDelayMs };
			if (fault.timeout) return { kind: 'hang', latencyMs, hangMs: fault.hangMs ?? 60000 };
			if (fault.rateLimit) return { kind: 'rateLimit', latencyMs, retryAfterSeconds: fault.rateLimit.retryAfterSeconds };
			return { kind: 'error', latencyMs, status: fault.errorStatus ?? 500, message: fault.errorMessage };
		}
		return { kind: 'none', latencyMs };
	}
}

/**
 * An injected error as Evolution renders it (CONTRACT §1.3, {status, error, response: {message}}): a 401 is the
 * guard's "Unauthorized" string; a 404 the instance guard's ["The "<instance>" instance does not exist"] (the
 * instance is the path's last segment); other 4xx an HttpException's array of strings under the status' name
 * ("Bad Request", "Forbidden"…); a 5xx an uncaught error (a string under "Internal Server Error"). `message`, when
 * given, is `response.message` verbatim: e.g. the JSON-schema shape [["instance requires property \"text\""]].
 */
export function injectedErrorBody(status: number, path: string, message?: unknown): { status: number; error: string; response: { message: unknown } } {
	if (status >= 500) return { status, error: 'Internal Server Error', response: { message: message ?? 'Sandbox injected fault' } };
	const error = STATUS_CODES[status] ?? 'Bad Request';
	if (message !== undefined) return { status, error, response: { message } };
	if (status === 401) return { status, error, response: { message: 'Unauthorized' } };
	if (status === 404) return { status, error, response: { message: [`The "${decodeURIComponent(path.split('/').pop() ?? '')}" instance does not exist`] } };
	return { status, error, response: { message: ['Sandbox injected fault'] } };
}
