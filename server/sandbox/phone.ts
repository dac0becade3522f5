import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The sandbox's "phone", for a person trying the product without one: `npm start` runs the sandbox in-process, and
 * the inbox page shows its QR, but there is no phone to scan it or customer to write. These calls do what the phone
 * and a customer would, through the sandbox's control API (`/_sandbox`), exactly as the tests do.
 */
export interface SandboxTarget {
	url: string;
	apiKey: string;
}

export interface SandboxInstance {
	name: string;
	state: string;
	wuid: string | null;
}

/**
 * Where the sandbox listens: SANDBOX_URL when set; else the address `npm start` saved under DATA_DIR
 * (`sandbox/address.json`); else the standalone sandbox's default (`npm run sandbox`, port 8080).
 */
export function findSandbox(env: Record<string, string | undefined>, cwd: string): SandboxTarget {
	const apiKey = env.SANDBOX_API_KEY || 'sandbox-api-key';
	if (env.SANDBOX_URL) return { url: env.SANDBOX_URL.replace(/\/+$/, ''), apiKey };
	const saved = join(env.DATA_DIR || join(cwd, '.data'), 'sandbox', 'address.json');
	if (existsSync(saved)) {
		const address = JSON.parse(readFileSync(saved, 'utf8')) as { url?: unknown };
		if (typeof address.url === 'string') return { url: address.url, apiKey };
	}
	return { url: `http://127.0.0.1:${env.SANDBOX_PORT || 8080}`, apiKey };
}

async function call<T>(target: SandboxTarget, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
	let response: Response;
	try {
		response = await fetch(target.url + path, {
			method,
			headers: { apikey: target.apiKey, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
	} catch {
		throw new Error(`No sandbox answers at ${target.url}. Is \`npm start\` running? (Or set SANDBOX_URL.)`);
	}
	const text = await response.text();
	if (response.status === 401) throw new Error(`The sandbox at ${target.url} refused the key: set SANDBOX_API_KEY to the one it was started with.`);
	if (!response.ok) {
		let message = text;
		try {
			const parsed = JSON.parse(text) as { response?: { message?: unknown }; message?: unknown; error?: unknown };
			message = String(parsed.response?.message ?? parsed.message ?? parsed.error ?? text);
		} catch {
			/* the text as it came */
		}
		throw new Error(`The sandbox answered ${response.status}: ${message}`);
	}
	return (text ? JSON.parse(text) : undefined) as T;
}

export async function listInstances(target: SandboxTarget): Promise<SandboxInstance[]> {
	const answer = await call<{ instances: SandboxInstance[] }>(target, 'GET', '/_sandbox');
	return answer.instances.map(({ name, state, wuid }) => ({ name, state, wuid }));
}

/**
 * The phone scans the QR of each named instance, or of every instance waiting for a scan (state `connecting`). Each
 * gets its own number unless one is given: 5511999991234, then …235, and so on.
 */
export async function scan(target: SandboxTarget, options: { instance?: string; number?: string; profileName?: string } = {}): Promise<SandboxInstance[]> {
	const instances = await listInstances(target);
	const waiting = options.instance ? instances.filter((i) => i.name === options.instance) : instances.filter((i) => i.state === 'connecting');
	if (options.instance && !waiting.length) throw new Error(`The sandbox has no instance "${options.instance}" (it has: ${names(instances)}).`);
	if (!waiting.length) throw new Error(`No number is waiting for its QR to be read (${names(instances) || 'no instances yet'}). In the inbox: Canais → Adicionar número.`);
	const taken = new Set(instances.map((i) => i.wuid?.split('@')[0]).filter(Boolean));
	let next = 5511999991234;
	const scanned: SandboxInstance[] = [];
	for (const instance of waiting) {
		let number = options.number;
		if (!number) {
			while (taken.has(String(next))) next++;
			number = String(next);
			taken.add(number);
		}
		const answer = await call<{ state: string; wuid: string | null }>(target, 'POST', `/_sandbox/instances/${encodeURIComponent(instance.name)}/scan`, {
			number,
			...(options.profileName ? { profileName: options.profileName } : {}),
		});
		scanned.push({ name: instance.name, state: answer.state, wuid: answer.wuid });
	}
	return scanned;
}

/** A customer writes a text to a connected number (the named instance, or the only connected one). */
export async function customerSays(
	target: SandboxTarget,
	text: string,
	options: { instance?: string; from?: string; name?: string } = {},
): Promise<{ instance: string; from: string; id: string }> {
	const instances = await listInstances(target);
	const open = instances.filter((i) => i.state === 'open');
	let instance: string;
	if (options.instance) instance = options.instance;
	else if (open.length === 1) instance = open[0].name;
	else if (!open.length) throw new Error('No number is connected yet: read its QR first (scan).');
	else throw new Error(`Several numbers are connected (${names(open)}): say which with --instance.`);
	const from = (options.from ?? '5511988887777').replace(/\D/g, '');
	const answer = await call<{ message: { key: { id: string } } }>(target, 'POST', `/_sandbox/instances/${encodeURIComponent(instance)}/messages`, {
		type: 'text',
		from,
		pushName: options.name ?? 'Maria Souza',
		text,
	});
	return { instance, from, id: answer.message.key.id };
}

function names(instances: SandboxInstance[]): string {
	return instances.map((i) => `${i.name} (${i.state})`).join(', ');
}
