import type { ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

export interface ProbeResponse {
	statusCode: number;
	body: unknown;
}

/** Performs one GET; rejects only when no answer arrived (the error's `code` says why). */
export type Probe = (url: string, headers: Record<string, string>) => Promise<ProbeResponse>;

const NETWORK_REASONS: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused (nothing listens there)',
	ENOTFOUND: 'the host name does not resolve',
	EAI_AGAIN: 'the host name could not be resolved right now',
	ETIMEDOUT: 'the connection timed out',
	ECONNABORTED: 'the connection timed out',
	ECONNRESET: 'the connection was reset',
	EHOSTUNREACH: 'the host is unreachable',
	CERT_HAS_EXPIRED: 'its TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
};

export function parse(body: unknown): unknown {
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body) as unknown;
	} catch {
		return body;
	}
}

export function field(body: unknown, key: string): unknown {
	return typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[key] : undefined;
}

/** A first probe that got no answer, in words: why (refused, unknown host, TLS…) and which credential field to check. */
export function unreachable(url: string, error: unknown, urlField: string): INodeCredentialTestResult {
	const code = String((error as { code?: unknown }).code ?? '');
	const reason = NETWORK_REASONS[code] ?? (error as Error).message ?? 'no answer';
	return {
		status: 'Error',
		message: `Cannot reach ${url}: ${reason}${code ? ` (${code})` : ''}. Check the ${urlField} and that the server is running.`,
	};
}

/**
 * The probe of a credential test. n8n gives credential tests only the request-style helper (there is no `httpRequest`
 * on ICredentialTestFunctions), so the probes go through it.
 */
export function requestProbe(context: ICredentialTestFunctions): Probe {
	const { helpers } = context;
	return async (url, headers) =>
		(await helpers.request({
			method: 'GET',
			uri: url,
			headers,
			json: true,
			simple: false,
			resolveWithFullResponse: true,
			timeout: 15000,
		})) as ProbeResponse;
}
