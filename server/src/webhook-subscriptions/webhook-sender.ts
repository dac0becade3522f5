/** What one HTTP attempt of a delivery came to. */
export interface AttemptResult {
	ok: boolean;
	statusCode: number | null;
	/** The network problem, or the answer's status line; never the receiver's body (it may echo secrets). */
	error: string | null;
	durationMs: number;
}

/**
 * POSTs one signed delivery. Redirects are not followed (a receiver cannot bounce the request to an address the
 * subscription did not name), and the answer's body is read and dropped. A 2xx is delivered; anything else, a
 * timeout or a network error is a failed attempt to retry.
 */
export async function postDelivery(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<AttemptResult> {
	const started = performance.now();
	try {
		const response = await fetch(url, {
			method: 'POST',
			body,
			headers: { 'content-type': 'application/json', 'user-agent': 'whatsapp-inbox-webhooks/1', ...headers },
			redirect: 'manual',
			signal: AbortSignal.timeout(timeoutMs),
		});
		await response.arrayBuffer().catch(() => undefined);
		const ok = response.status >= 200 && response.status < 300;
		return { ok, statusCode: response.status, error: ok ? null : `HTTP ${response.status}`, durationMs: performance.now() - started };
	} catch (error) {
		const err = error as Error & { cause?: { code?: string } };
		const reason = err.name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : (err.cause?.code ?? err.message);
		return { ok: false, statusCode: null, error: reason, durationMs: performance.now() - started };
	}
}
