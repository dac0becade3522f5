/**
 * The set-up page tests start from, done the way an integrator would (the public REST API and the sandbox standing in
 * for WhatsApp): a workspace registered with its first admin, more attendants, a number connected (QR scanned in the
 * sandbox, the server calling it connected), customers writing in; and a browser signed in from the page's own form.
 * The sign-in screen itself is tested in sign-in.test.ts; the other tests only need to be in.
 */
import { randomBytes } from 'node:crypto';
import { eventually } from '../../../server/test/inbox/support/inbox-app';
import type { Browser } from './browser';
import type { Stack } from './stack';

export interface Person {
	name: string;
	email: string;
	password: string;
}

/** The workspace's first admin in every page test. */
export const ANA: Person = { name: 'Ana', email: 'ana@example.com', password: 'uma senha comprida' };
/** A second attendant (an agent unless a test says otherwise). */
export const BRUNO: Person = { name: 'Bruno', email: 'bruno@example.com', password: 'outra senha comprida' };

/** The business's own WhatsApp number, as the sandbox's phone scans the QR with it. */
export const BUSINESS_NUMBER = '5511999990000';

/** Registers the workspace "Loja" with `owner` as its admin; answers the owner's `Bearer …` authorization. */
export async function registerWorkspace(stack: Stack, owner: Person = ANA, workspaceName = 'Loja'): Promise<string> {
	const registered = await stack.server.call('POST', '/api/v1/auth/register', undefined, { workspaceName, ...owner });
	if (registered.statusCode !== 201) throw new Error(`register answered ${registered.statusCode}: ${registered.body}`);
	return `Bearer ${registered.json().token}`;
}

export interface Attendant {
	id: string;
	/** Their own `Bearer …` authorization (signed in over the API). */
	authorization: string;
}

/** Adds an attendant (an agent unless told) and signs them in over the API. */
export async function addAttendant(stack: Stack, admin: string, person: Person = BRUNO, role: 'agent' | 'admin' = 'agent'): Promise<Attendant> {
	const created = await stack.server.call('POST', '/api/v1/attendants', admin, { ...person, role });
	if (created.statusCode !== 201) throw new Error(`adding ${person.email} answered ${created.statusCode}: ${created.body}`);
	const login = await stack.server.call('POST', '/api/v1/auth/login', undefined, { email: person.email, password: person.password });
	return { id: created.json().id as string, authorization: `Bearer ${login.json().token}` };
}

export interface ConnectedChannel {
	id: string;
	/** The Evolution instance's name: the sandbox's control routes take it. */
	instance: string;
}

/**
 * Creates a channel over the API, scans its QR in the sandbox, and waits until the server calls it `connected`.
 * The instance name is the prefix with a random tail (one sandbox may hold several workspaces' numbers).
 */
export async function connectChannel(
	stack: Stack,
	admin: string,
	options: { name?: string; prefix?: string; number?: string; profileName?: string } = {},
): Promise<ConnectedChannel> {
	const instance = `${options.prefix ?? 'web'}-${randomBytes(3).toString('hex')}`;
	const created = await stack.server.call('POST', '/api/v1/channels', admin, { name: options.name ?? 'Vendas', instanceName: instance });
	if (created.statusCode !== 201) throw new Error(`creating the channel answered ${created.statusCode}: ${created.body}`);
	const id = created.json().channel.id as string;
	const scanned = await stack.sandbox.post(`/_sandbox/instances/${instance}/scan`, { number: options.number ?? BUSINESS_NUMBER, profileName: options.profileName ?? 'Loja Vendas' });
	if (scanned.status !== 200) throw new Error(`the sandbox's scan answered ${scanned.status}: ${scanned.text}`);
	await eventually(async () => expect((await stack.server.call('GET', `/api/v1/channels/${id}`, admin)).json().status).toBe('connected'), 60_000);
	return { id, instance };
}

export interface Workspace {
	/** Ana's (the admin's) `Bearer …` authorization. */
	admin: string;
	/** The attendants added besides Ana, by e-mail. */
	attendants: Record<string, Attendant>;
	channel: ConnectedChannel;
}

/** The usual start: the workspace with Ana, the attendants asked for, and one connected number "Vendas". */
export async function setUpWorkspace(stack: Stack, options: { attendants?: Person[]; channelPrefix?: string; channelName?: string } = {}): Promise<Workspace> {
	const admin = await registerWorkspace(stack);
	const attendants: Record<string, Attendant> = {};
	for (const person of options.attendants ?? []) attendants[person.email] = await addAttendant(stack, admin, person);
	const channel = await connectChannel(stack, admin, { prefix: options.channelPrefix, name: options.channelName });
	return { admin, attendants, channel };
}

/**
 * Signs a browser in from the page's form (pt-BR labels: the browsers open in pt-BR unless told) and waits for the
 * signed-in app bar. Whatever the test waits for next (the empty list, a conversation) it says itself.
 */
export async function signIn(browser: Browser, url: string, person: Person = ANA): Promise<void> {
	const { page } = browser;
	await page.goto(url);
	await page.getByLabel('E-mail').fill(person.email);
	await page.getByLabel('Senha').fill(person.password);
	await page.getByRole('button', { name: 'Entrar' }).click();
	await page.getByRole('navigation').getByRole('button', { name: 'Conversas' }).waitFor();
}

/** What a sandbox customer sends (the body of `/_sandbox/instances/:name/messages`: type, text, media, timestamp…). */
export interface CustomerMessage {
	from: string;
	pushName?: string;
	type?: string;
	[field: string]: unknown;
}

/** A customer writes to the number: the sandbox's WhatsApp delivers it to the server. Answers its WhatsApp id. */
export async function customerSays(stack: Stack, instance: string, message: CustomerMessage): Promise<string> {
	const sent = await stack.sandbox.post(`/_sandbox/instances/${instance}/messages`, { type: 'text', ...message });
	if (sent.status !== 200) throw new Error(`the sandbox's customer message answered ${sent.status}: ${sent.text}`);
	return (sent.body as { message: { key: { id: string } } }).message.key.id;
}

/** The id of the workspace's only conversation, once the customer's first message has made it (ingest is async). */
export async function onlyConversation(stack: Stack, admin: string): Promise<string> {
	return eventually(async () => {
		const list = (await stack.server.call('GET', '/api/v1/conversations', admin)).json().data as Array<{ id: string }>;
		expect(list).toHaveLength(1);
		return list[0].id;
	}, 60_000);
}
