import websocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { RawData } from 'ws';
import type { Caller } from '../auth/caller';
import { bearerToken, type CallerResolver } from '../auth/caller-resolver';
import type { Queryable } from '../db/db';
import { clientFrameSchema, parseChannel } from './client-frames';
import { conversationChannel, type InboxPublisher, userChannel, workspaceChannel } from './inbox-events';
import { RealtimeHub, type SocketClient } from './realtime-hub';
import { RedisRealtimeSubscriber } from './redis-realtime';
import type { TypingTracker } from './typing-tracker';

export interface RealtimeRouteDeps {
	db: Queryable;
	redis: Redis;
	resolver: CallerResolver;
	publisher: InboxPublisher;
	typing: TypingTracker;
	/** How long a socket may stay unauthenticated. */
	authTimeoutMs?: number;
	heartbeatMs?: number;
}

export const REALTIME_PATH = '/realtime';
const UNAUTHORIZED = 4401;

async function conversationInWorkspace(db: Queryable, workspaceId: string, conversationId: string): Promise<boolean> {
	const { rows } = await db.query('SELECT 1 FROM whatsapp_conversations WHERE workspace_id = $1 AND id = $2', [workspaceId, conversationId]);
	return rows.length > 0;
}

/**
 * GET /realtime (WebSocket). Authenticate with "Authorization: Bearer <token>" on the upgrade, or (browsers) with a
 * first frame {"type":"auth","token"}; then subscribe to "workspace" or "whatsapp.conversation.{id}". Events from
 * any replica arrive through Redis pub/sub.
 */
export async function registerRealtime(app: FastifyInstance, deps: RealtimeRouteDeps): Promise<RealtimeHub> {
	const hub = new RealtimeHub();
	const subscriber = await RedisRealtimeSubscriber.start(deps.redis, (workspaceId, event) => hub.deliver(workspaceId, event));
	const heartbeat = setInterval(() => {
		for (const client of hub.sockets()) {
			const alive = client.socket as unknown as { isAlive?: boolean };
			if (alive.isAlive === false) client.socket.terminate();
			else {
				alive.isAlive = false;
				client.socket.ping();
			}
		}
	}, deps.heartbeatMs ?? 30_000);
	heartbeat.unref();
	app.addHook('onClose', async () => {
		clearInterval(heartbeat);
		deps.typing.close();
		for (const client of hub.sockets()) client.socket.close(1001, 'server shutting down');
		await subscriber.close();
	});

	await app.register(async (scope) => {
		await scope.register(websocket, { options: { maxPayload: 64 * 1024 } });
		scope.get(REALTIME_PATH, { websocket: true }, (socket, request) => {
			const client: SocketClient = { socket, caller: null, channels: new Set() };
			const send = (frame: Record<string, unknown>) => {
				if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(frame));
			};
			const fail = (code: string, message: string, ref?: unknown) => send({ type: 'error', code, message, ...(ref === undefined ? {} : { ref }) });
			(socket as unknown as { isAlive: boolean }).isAlive = true;
			socket.on('pong', () => ((socket as unknown as { isAlive: boolean }).isAlive = true));
			hub.add(client);
			socket.on('close', () => hub.remove(client));

			const authenticate = async (token: string | undefined) => {
				const caller = token ? await deps.resolver.resolve(token) : undefined;
				if (!caller) {
					send({ type: 'error', code: 'unauthorized', message: 'The token is invalid, expired or revoked.' });
					socket.close(UNAUTHORIZED, 'unauthorized');
					return;
				}
				client.caller = caller;
				const channels = caller.userId ? [userChannel(caller.userId)] : [];
				send({ type: 'ready', workspaceId: caller.workspaceId, userId: caller.userId, channels });
			};
			const authTimer = setTimeout(() => {
				if (!client.caller) {
					fail('unauthorized', 'Authenticate within a few seconds of connecting.');
					socket.close(UNAUTHORIZED, 'unauthorized');
				}
			}, deps.authTimeoutMs ?? 10_000);
			authTimer.unref();
			socket.on('close', () => clearTimeout(authTimer));

			// Frames are handled one at a time so "subscribe" then "typing" keep their order.
			let queue = Promise.resolve();
			socket.on('message', (raw: RawData) => {
				queue = queue.then(() => handleFrame(raw)).catch(() => fail('internal_error', 'Could not handle that frame.'));
			});

			const handleFrame = async (raw: RawData) => {
				let parsed: unknown;
				try {
					parsed = JSON.parse(raw.toString());
				} catch {
					return fail('bad_frame', 'Frames are JSON objects.');
				}
				const frame = clientFrameSchema.safeParse(parsed);
				if (!frame.success) return fail('bad_frame', frame.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
				const message = frame.data;
				if (message.type === 'auth') {
					if (client.caller) return fail('already_authenticated', 'This socket is already authenticated.');
					return authenticate(message.token);
				}
				if (message.type === 'ping') return send({ type: 'pong' });
				const caller: Caller | null = client.caller;
				if (!caller) return fail('unauthorized', 'Send {"type":"auth","token":"…"} first.');

				if (message.type === 'subscribe' || message.type === 'unsubscribe') {
					const ref = parseChannel(message.channel);
					if (!ref) return fail('bad_channel', 'Channels are "workspace" or "whatsapp.conversation.{id}".', message.channel);
					let name: string;
					if (ref.kind === 'workspace') {
						if (ref.workspaceId && ref.workspaceId !== caller.workspaceId) return fail('not_found', 'Workspace not found.', message.channel);
						name = workspaceChannel(caller.workspaceId);
					} else {
						if (!(await conversationInWorkspace(deps.db, caller.workspaceId, ref.conversationId))) {
							return fail('not_found', 'Conversation not found in your workspace.', message.channel);
						}
						name = conversationChannel(ref.conversationId);
					}
					if (message.type === 'subscribe') client.channels.add(name);
					else client.channels.delete(name);
					return send({ type: message.type === 'subscribe' ? 'subscribed' : 'unsubscribed', channel: name });
				}

				// typing
				if (!caller.userId) return fail('forbidden', 'Only attendants type.');
				if (!(await conversationInWorkspace(deps.db, caller.workspaceId, message.conversationId))) {
					return fail('not_found', 'Conversation not found in your workspace.', message.conversationId);
				}
				const typist = { kind: 'user' as const, userId: caller.userId, isPrivate: message.isPrivate };
				const event = message.on
					? await deps.typing.start(caller.workspaceId, message.conversationId, typist)
					: await deps.typing.stop(caller.workspaceId, message.conversationId, typist);
				await deps.publisher.publish(caller.workspaceId, [event]);
			};

			const headerToken = bearerToken(request.headers.authorization);
			if (headerToken) queue = queue.then(() => authenticate(headerToken));
		});
	});
	return hub;
}
