import type { INodeCredentialTestResult } from 'n8n-workflow';

import { field, parse, unreachable, type Probe, type ProbeResponse } from '../../shared/connectionTest';

/**
 * Tests an Evolution credential in two steps so the failure says which part is wrong:
 * `GET /` proves an Evolution API answers at the Base URL (its welcome JSON has a `version`),
 * `GET /instance/fetchInstances` proves the key is accepted, and the default instance is checked
 * against what the key can see.
 */
export async function testEvolutionConnection(
	credentials: { baseUrl?: unknown; apiKey?: unknown; defaultInstance?: unknown },
	probe: Probe,
): Promise<INodeCredentialTestResult> {
	const baseUrl = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]+/i.test(baseUrl)) {
		return { status: 'Error', message: `The Base URL "${baseUrl}" is not an http(s) address, e.g. https://evolution.example.com` };
	}

	let welcome: ProbeResponse;
	try {
		welcome = await probe(`${baseUrl}/`, {});
	} catch (error) {
		return unreachable(baseUrl, error, 'Base URL');
	}

	const body = parse(welcome.body);
	const version = field(body, 'version');
	const message = String(field(body, 'message') ?? '');
	if (welcome.statusCode !== 200 || (typeof version !== 'string' && !/evolution/i.test(message))) {
		return {
			status: 'Error',
			message: `${baseUrl} answered (HTTP ${welcome.statusCode}) but is not an Evolution API server. Use the root address of the server, not the /manager page.`,
		};
	}
	const server = `Evolution API ${typeof version === 'string' ? version : ''}`.trim();

	const apiKey = String(credentials.apiKey ?? '');
	let instances: ProbeResponse;
	try {
		instances = await probe(`${baseUrl}/instance/fetchInstances`, { apikey: apiKey });
	} catch (error) {
		return { status: 'Error', message: `${server} stopped answering while checking the key: ${(error as Error).message}` };
	}
	if (instances.statusCode === 401 || instances.statusCode === 403) {
		return {
			status: 'Error',
			message: `Wrong API key: ${server} at ${baseUrl} rejected it (HTTP ${instances.statusCode}). Use the global key (AUTHENTICATION_API_KEY) or an instance token.`,
		};
	}
	if (instances.statusCode < 200 || instances.statusCode >= 300) {
		return {
			status: 'Error',
			message: `${server} could not list instances (HTTP ${instances.statusCode}): ${JSON.stringify(parse(instances.body))}`,
		};
	}

	const rows = parse(instances.body);
	const names = Array.isArray(rows) ? rows.map((row) => String(field(row, 'name') ?? '')) : [];
	const defaultInstance = String(credentials.defaultInstance ?? '').trim();
	if (defaultInstance !== '' && !names.includes(defaultInstance)) {
		return {
			status: 'Error',
			message: `The key works, but the default instance "${defaultInstance}" does not exist or this key cannot use it. Known instances: ${names.join(', ') || 'none'}.`,
		};
	}
	return { status: 'OK', message: `Connected to ${server}; the key sees ${names.length} instance(s).` };
}
