/**
 * The control API under /_sandbox (global apikey): plays the phone and the customers, and exposes
 * what the sandbox did (webhook deliveries) and can break (faults). See ../README.md.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';

import { lidFor } from '../domain/ids';
import type { InstanceState } from '../domain/instance-state';
import { createJid } from '../domain/jid';
import { fakeProfilePictureUrl } from '../domain/profile';
import { CONTROL_PREFIX } from '../http/app';
import { sendJson, type RouteDeps } from '../http/route';
import { incomingSchema, receiveMessage } from '../messages/incoming';
import { emitPresence } from '../messages/presence';
import type { SandboxWorld } from '../world';
import { ControlError } from './control-error';
import { faultSchema } from './faults';
import { seedHistory } from './history-seed';


const scanSchema = z.object({
	number: z.string().regex(/^\d+$/).optional(),
	/** Typed on the phone instead of scanning: one the instance issued since its connect with ?number= ("ABCD-EFGH" or "ABCDEFGH"). */
	pairingCode: z.string().max(20).optional(),
	profileName: z.string().default('Sandbox Business'),
	profilePicUrl: z.string().nullable().optional(),
});
const dropSchema = z.object({ reconnect: z.boolean().default(true), reconnectAfterMs: z.number().int().min(0).default(0) });
const presenceSchema = z.object({
	from: z.string().default('5511988887777'),
	group: z.string().optional(),
	lid: z.boolean().default(false),
	presence: z.enum(['available', 'unavailable', 'composing', 'recording', 'paused']),
});
const seedSchema = z.object({
	messages: z.number().int().min(0).max(2_000_000),
	chats: z.number().int().min(1).max(100_000).default(1),
	since: z.number().int().optional(),
	until: z.number().int().optional(),
	firstNumber: z.string().regex(/^\d+$/).optional(),
	addressing: z.enum(['pn', 'lid']).default('pn'),
});
const offlineSchema = z.object({ offline: z.boolean().default(true) });
const numbersSchema = z.object({ numbers: z.array(z.string()).min(1) });
const editSchema = z.object({ text: z.string() });

function parse<T>(schema: z.ZodType<T, z.ZodTypeDef, unknown>, body: unknown): T {
	const result = schema.safeParse(body ?? {});
	if (!result.success) throw new ControlError(400, 'Invalid body', result.error.issues);
	return result.data;
}

export function registerControlRoutes({ app, world, lifecycle }: RouteDeps): void {
	type Handler = (request: FastifyRequest, instance: InstanceState) => unknown;
	const control = (method: 'GET' | 'POST' | 'DELETE', path: string, handler: (request: FastifyRequest) => unknown, status = 200) =>
		app.route({
			method,
			url: CONTROL_PREFIX + path,
			handler: async (request: FastifyRequest, reply: FastifyReply) => {
				if (request.headers.apikey !== world.options.apiKey) throw new ControlError(401, 'Unauthorized: send the global apikey');
				return sendJson(reply, status, await handler(request));
			},
		});
	const onInstance = (method: 'GET' | 'POST' | 'DELETE', path: string, handler: Handler) =>
		control(method, `/instances/:name${path}`, (request) => handler(request, instanceOf(world, request)));

	control('GET', '', () => ({
		instances: [...world.instances.values()].map((instance) => ({
			name: instance.name,
			id: instance.id,
			token: instance.token,
			state: instance.connection,
			wuid: instance.wuid ?? null,
			qrCount: instance.qr.count,
			messages: instance.messages.length,
			webhook: instance.webhook,
		})),
		numbers: world.directory.snapshot(),
		faults: world.faults.list(),
	}));

	onInstance('POST', '/scan', (request, instance) => {
		if (instance.connection !== 'connecting') throw new ControlError(409, `Instance is ${instance.connection}; call /instance/connect first`);
		const body = parse(scanSchema, request.body);
		let number = body.number ?? '5511999991234';
		if (body.pairingCode !== undefined) {
			// WhatsApp links by code only the number it was asked for, and only with a code it gave for it.
			if (!instance.pairingNumber) throw new ControlError(409, 'This pairing was not started with a phone number (/instance/connect?number=)');
			if (body.number && body.number !== instance.pairingNumber) throw new ControlError(409, `The pairing code was asked for ${instance.pairingNumber}, not ${body.number}`);
			if (!instance.issuedPairingCodes.has(body.pairingCode.replace(/[\s-]/g, '').toUpperCase())) throw new ControlError(400, 'Wrong pairing code');
			number = instance.pairingNumber;
		}
		const jid = `${number}@s.whatsapp.net`;
		lifecycle.scan(instance, {
			number,
			profileName: body.profileName,
			profilePicUrl: body.profilePicUrl === undefined ? fakeProfilePictureUrl(jid) : body.profilePicUrl,
		});
		return { state: instance.connection, wuid: instance.wuid };
	});

	onInstance('POST', '/qr/next', (_request, instance) => {
		if (instance.connection !== 'connecting') throw new ControlError(409, `Instance is ${instance.connection}`);
		return lifecycle.nextQr(instance).then(() => ({ count: instance.qr.count, state: instance.connection }));
	});

	onInstance('POST', '/offline', (request, instance) => {
		instance.offline = parse(offlineSchema, request.body).offline;
		return { offline: instance.offline };
	});

	onInstance('POST', '/drop', (request, instance) => {
		if (instance.connection !== 'open') throw new ControlError(409, `Instance is ${instance.connection}`);
		const body = parse(dropSchema, request.body);
		lifecycle.drop(instance, body.reconnect ? body.reconnectAfterMs : null);
		return { state: instance.connection };
	});

	onInstance('POST', '/logout', (_request, instance) => {
		if (instance.connection === 'close') throw new ControlError(409, 'Instance is already closed');
		lifecycle.logout(instance, 'Stream Errored (conflict)');
		return { state: instance.connection };
	});

	onInstance('POST', '/messages', (request, instance) => {
		requireOpen(instance);
		const spec = parse(incomingSchema, request.body);
		if (spec.replyTo && !instance.messagesByKeyId.has(spec.replyTo)) throw new ControlError(404, `No message ${spec.replyTo} to reply to`);
		return { message: receiveMessage(world, instance, spec) };
	});

	onInstance('POST', '/messages/:id/edit', (request, instance) => {
		requireOpen(instance);
		const row = messageOf(instance, request);
		const { text } = parse(editSchema, request.body);
		row.message = { ...row.message, conversation: text };
		row.status = 'EDITED';
		const key = { remoteJid: row.key.remoteJidAlt && row.key.addressingMode === 'lid' ? row.key.remoteJidAlt : row.key.remoteJid, fromMe: row.key.fromMe, id: row.key.id };
		const data = { key, type: 'MESSAGE_EDIT', editedMessage: { conversation: text }, timestampMs: String(Date.now()) };
		world.emit(instance, 'messages.edited', data);
		return { edited: data };
	});

	onInstance('POST', '/messages/:id/revoke', (request, instance) => {
		requireOpen(instance);
		const row = messageOf(instance, request);
		row.status = 'DELETED';
		world.emit(instance, 'messages.delete', { ...row.key, status: 'DELETED' });
		world.emit(instance, 'messages.edited', { key: { remoteJid: row.key.remoteJid, fromMe: row.key.fromMe, id: row.key.id }, type: 'REVOKE' });
		return { revoked: row.key };
	});

	onInstance('POST', '/presence', (request, instance) => {
		requireOpen(instance);
		const body = parse(presenceSchema, request.body);
		const pn = createJid(body.from);
		const participant = body.lid || body.group ? lidOf(pn) : pn;
		const chat = body.group ? createJid(body.group) : body.lid ? lidOf(pn) : pn;
		emitPresence(world, instance, chat, participant, body.presence);
		return { id: chat, participant, presence: body.presence };
	});

	onInstance('POST', '/history', (request, instance) => {
		const body = parse(seedSchema, request.body);
		const started = Date.now();
		const result = seedHistory(instance, body);
		return { ...result, chats: result.chats.length > 100 ? result.chats.slice(0, 100) : result.chats, chatCount: result.chats.length, ms: Date.now() - started };
	});

	control('GET', '/numbers', () => world.directory.snapshot());
	control('POST', '/numbers/not-on-whatsapp', (request) => {
		world.directory.markMissing(parse(numbersSchema, request.body).numbers);
		return world.directory.snapshot();
	});
	control('POST', '/numbers/on-whatsapp', (request) => {
		world.directory.markPresent(parse(numbersSchema, request.body).numbers);
		return world.directory.snapshot();
	});

	control('GET', '/deliveries', (request) => {
		const query = request.query as { instance?: string; event?: string };
		return world.dispatcher.list({ instance: query.instance, event: query.event });
	});
	control('DELETE', '/deliveries', () => {
		world.dispatcher.clear();
		return { cleared: true };
	});

	// What went out through the send routes (a test counts deliveries per message with it).
	control('GET', '/sends', (request) => {
		const { instance } = request.query as { instance?: string };
		const sends = instance ? world.sends.filter((sent) => sent.instance === instance) : world.sends;
		return { total: sends.length, sends };
	});
	control('DELETE', '/sends', () => {
		world.sends.length = 0;
		return { cleared: true };
	});
	control('GET', '/faults', () => world.faults.list());
	control('POST', '/faults', (request) => world.faults.add(parse(faultSchema, request.body)), 201);
	control('DELETE', '/faults/:id', (request) => {
		const removed = world.faults.remove(Number((request.params as { id: string }).id));
		if (!removed) throw new ControlError(404, 'No such fault');
		return { removed: true };
	});
	control('DELETE', '/faults', () => {
		world.faults.reset();
		return { reset: true };
	});

	control('POST', '/reset', () => {
		for (const instance of [...world.instances.values()]) world.remove(instance);
		world.faults.reset();
		world.directory.reset();
		world.dispatcher.clear();
		world.sends.length = 0;
		return { reset: true };
	});
}

/** Same derivation as messages/incoming, so presence ids line up with message participants. */
const lidOf = (pn: string) => lidFor(pn.split('@')[0]);

function instanceOf(world: SandboxWorld, request: FastifyRequest): InstanceState {
	const name = (request.params as { name: string }).name;
	const instance = world.instances.get(name);
	if (!instance) throw new ControlError(404, `No instance "${name}"`);
	return instance;
}

function messageOf(instance: InstanceState, request: FastifyRequest) {
	const id = (request.params as { id: string }).id;
	const row = instance.messagesByKeyId.get(id);
	if (!row) throw new ControlError(404, `No message ${id}`);
	return row;
}

function requireOpen(instance: InstanceState): void {
	if (instance.connection !== 'open') throw new ControlError(409, `Instance is ${instance.connection}; scan it first`);
}
