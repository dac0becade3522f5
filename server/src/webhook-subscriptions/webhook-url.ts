/**
 * A subscription's URL: http(s) only (no file:, gopher:, data: or other schemes a fetch might follow), no user:password
 * part (it would be stored and shown in the clear), at most 2,000 characters. Private addresses stay allowed: n8n
 * usually runs beside the server, on the same host or network.
 */
export function webhookUrlProblem(raw: string): string | undefined {
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		return 'url: not a valid URL';
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') return `url: only http and https URLs are delivered to (got ${url.protocol.replace(/:$/, '')})`;
	if (url.username || url.password) return 'url: credentials in the URL are not accepted; the signature header authenticates each delivery';
	if (raw.length > 2000) return 'url: at most 2000 characters';
	return undefined;
}
