/**
 * The fastify app shell: body parsers (JSON up to 136 MB, urlencoded, multipart with a `file` part),
 * Evolution's error envelope and 404, and the fault-injection hook in front of every REST route.
 */
import multipart from '@fastify/multipart';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

import { ControlError } from '../control/control-error';
import { injectedErrorBody } from '../control/faults';
import type { SandboxWorld } from '../world';
import { EvolutionError, RawReply } from './errors';
import { type JsonBody, sendJson } from './route';

const BODY_LIMIT = 136 * 1024 * 1024;
export const CONTROL_PREFIX = '/_sandbox';

export interface UploadedFile {
	buffer: Buffer;
	originalname: string;
	mimetype: string;
}

export function createApp(world: SandboxWorld, logger: boolean | object): FastifyInstance {
	const app = Fastify({ logger: logger as boolean, bodyLimit: BODY_LIMIT, forceCloseConnections: true });

	// express.json() treats an empty body as {}; clients often send none with a JSON content type.
	app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
		const text = String(body);
		if (text.trim() === '') return done(null, {});
		try {
			done(null, JSON.parse(text));
		} catch (error) {
			done(new EvolutionError(400, 'Bad Request', (error as Error).message), undefined);
		}
	});
	app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
		done(null, Object.fromEntries(new URLSearchParams(String(body))));
	});
	void app.register(multipart, { attachFieldsToBody: true, limits: { fileSize: BODY_LIMIT } });
	app.addHook('preHandler', flattenMultipart);

	const hangs = new Set<NodeJS.Timeout>();
	const droppedAnswers = new WeakMap<FastifyRequest, number>();
	const heldAnswers = new WeakMap<FastifyRequest, number>();
	app.addHook('onRequest', async (request, reply) => {
		if (request.url.startsWith(CONTROL_PREFIX)) return;
		const path = request.url.split('?')[0];
		const action = world.faults.decide(request.method, path);
		if (action.latencyMs > 0) await sleep(action.latencyMs, hangs);
		if (action.kind === 'error') return sendJson(reply, action.status, injectedErrorBody(action.status, path, action.message));
		if (action.kind === 'rateLimit') {
			reply.header('retry-after', String(action.retryAfterSeconds));
			return sendJson(reply, 429, { status: 429, error: 'Too Many Requests', response: { message: 'Too Many Requests' } });
		}
		if (action.kind === 'hang') {
			await sleep(action.hangMs, hangs);
			request.raw.socket.destroy();
			return reply.hijack();
		}
		if (action.kind === 'dropAnswer') droppedAnswers.set(request, action.hangMs);
		if (action.kind === 'slowAnswer') heldAnswers.set(request, action.answerDelayMs);
		return undefined;
	});
	// dropAnswer: the handler ran (the send went out); its answer never reaches the client. answerDelayMs: it does, late.
	app.addHook('onSend', async (request, _reply, payload) => {
		const heldMs = heldAnswers.get(request);
		if (heldMs !== undefined) {
			await sleep(heldMs, hangs);
			return payload;
		}
		const hangMs = droppedAnswers.get(request);
		if (hangMs === undefined) return payload;
		if (hangMs > 0) await sleep(hangMs, hangs);
		request.raw.socket.destroy();
		return payload;
	});
	app.addHook('onClose', async () => {
		for (const timer of hangs) clearTimeout(timer);
		world.close();
	});

	app.setErrorHandler((error: FastifyError | EvolutionError | RawReply | ControlError, request: FastifyRequest, reply: FastifyReply) => {
		if (error instanceof RawReply) return sendJson(reply, error.status, error.body);
		if (error instanceof ControlError) return sendJson(reply, error.status, error.toBody());
		if (error instanceof EvolutionError) return sendJson(reply, error.status, error.toBody());
		const status = (error as FastifyError).statusCode ?? 500;
		if (status >= 500) request.log.error(error);
		return sendJson(reply, status, {
			status,
			error: status === 413 ? 'Payload Too Large' : status < 500 ? 'Bad Request' : 'Internal Server Error',
			response: { message: error.message },
		});
	});
	app.setNotFoundHandler((request, reply) =>
		sendJson(reply, 404, {
			status: 404,
			error: 'Not Found',
			response: { message: [`Cannot ${request.method.toUpperCase()} ${request.url}`] },
		}),
	);
	return app;
}

/** multer-style body: plain string fields plus `file`. */
async function flattenMultipart(request: FastifyRequest): Promise<void> {
	if (!request.isMultipart()) return;
	const flat: Record<string, unknown> = {};
	for (const [name, part] of Object.entries((request.body ?? {}) as JsonBody)) {
		const entry = Array.isArray(part) ? part[0] : part;
		if (entry?.type === 'file') {
			if (name === 'file')
				flat.file = { buffer: await entry.toBuffer(), originalname: entry.filename, mimetype: entry.mimetype } satisfies UploadedFile;
		} else if (entry?.type === 'field') {
			flat[name] = entry.value;
		}
	}
	request.body = flat;
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
	return new Promise((resolve) => {
		const timer = setTimeout(() => {
			timers.delete(timer);
			resolve();
		}, ms);
		timers.add(timer);
	});
}
