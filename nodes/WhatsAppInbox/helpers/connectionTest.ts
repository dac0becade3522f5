import type { INodeCredentialTestResult } from 'n8n-workflow';

import { field, parse, unreachable, type Probe, type ProbeResponse } from '../../shared/connectionTest';

/** What the public GET /api/v1/auth/signup answers as `mode` (tells a WhatsApp Inbox server apart). */
const SIGNUP_MODES = ['first', 'open', 'closed'];

/** The server's address without trailing slashes (and without a pasted /api/v1 or /docs suffix). */
export function normalizeServerUrl(value: unknown): string {
	return String(value ?? '')
		.trim()
		.replace(/\/+$/, '')
		.replace(/\/(api\/v1|docs)$/i, '');
}

/**
 * Tests a WhatsApp Inbox credential in steps so the failure says which part is wrong:
 * `GET /api/v1/auth/signup` (public) proves a WhatsApp Inbox server answers at the URL, the token's shape is checked
 * (`wit_…`), `GET /api/v1/auth/me` proves the token is accepted (not wrong, expired or revoked) and tells its role,
 * which must be admin when the credential asks for admin access.
 */
export async function testInboxConnection(
	credentials: { serverUrl?: unknown; apiToken?: unknown; requireAdmin?: unknown },
	probe: Probe,
): Promise<INodeCredentialTestResult> {
	const serverUrl = normalizeServerUrl(credentials.serverUrl);
	if (!/^https?:\/\/[^/]+/i.test(serverUrl)) {
		return { status: 'Error', message: `The Server URL "${serverUrl}" is not an http(s) address, e.g. https://inbox.example.com` };
	}

	let welcome: ProbeResponse;
	try {
		welcome = await probe(`${serverUrl}/api/v1/auth/signup`, {});
	} catch (error) {
		return unreachable(serverUrl, error, 'Server URL');
	}
	const signup = parse(welcome.body);
	if (welcome.statusCode !== 200 || !SIGNUP_MODES.includes(String(field(signup, 'mode')))) {
		return {
			status: 'Error',
			message: `${serverUrl} answered (HTTP ${welcome.statusCode}) but is not a WhatsApp Inbox server. Use the address the server prints at start-up (its PUBLIC_URL), not an Evolution API or another service.`,
		};
	}

	const apiToken = String(credentials.apiToken ?? '').trim();
	if (!apiToken.startsWith('wit_')) {
		return {
			status: 'Error',
			message: 'The API Token is not a WhatsApp Inbox API token: those start with "wit_". A workspace admin creates one with POST /api/v1/api-tokens.',
		};
	}

	let me: ProbeResponse;
	try {
		me = await probe(`${serverUrl}/api/v1/auth/me`, { Authorization: `Bearer ${apiToken}` });
	} catch (error) {
		return { status: 'Error', message: `The WhatsApp Inbox server at ${serverUrl} stopped answering while checking the token: ${(error as Error).message}` };
	}
	if (me.statusCode === 401) {
		return {
			status: 'Error',
			message: `Bad token: the WhatsApp Inbox server at ${serverUrl} does not accept it (HTTP 401): it is wrong, expired or revoked. Create a new one with POST /api/v1/api-tokens.`,
		};
	}
	if (me.statusCode !== 200) {
		return { status: 'Error', message: `The WhatsApp Inbox server at ${serverUrl} could not check the token (HTTP ${me.statusCode}): ${JSON.stringify(parse(me.body))}` };
	}

	const caller = parse(me.body);
	const workspace = String(field(field(caller, 'workspace'), 'name') ?? 'the workspace');
	const isAdmin = field(caller, 'role') === 'admin';
	if (credentials.requireAdmin === true && !isAdmin) {
		return {
			status: 'Error',
			message: `Missing scope: the token works for ${workspace} but has only the "inbox" scope, and this credential asks for admin access (channels, webhook subscriptions). Use a token with the "admin" scope, or turn Admin Access off.`,
		};
	}
	const scopes = isAdmin ? 'admin' : 'inbox (channel operations need the admin scope)';
	return { status: 'OK', message: `Connected to workspace ${workspace}; token scope: ${scopes}.` };
}
