/** /instance/*: create, connect, restart, connectionState, fetchInstances, setPresence, logout, delete. */
import { InstanceState } from '../domain/instance-state';
import { seedLabels } from '../domain/labels';
import { badRequest, internalError, internalServerException, notConnected, notFound, RawReply, unauthorized } from '../http/errors';
import { isGlobalKey, requestApikey } from '../http/guards';
import { defineRoute, type JsonBody, type RouteDeps } from '../http/route';
import { schemas } from '../http/schemas';
import { validateBody } from '../http/validate';
import { WEBHOOK_EVENTS } from '../webhooks/events';
import { createWebhookRow } from './webhook';

const INTEGRATIONS = ['WHATSAPP-BAILEYS', 'WHATSAPP-BUSINESS', 'EVOLUTION'];
const SETTING_KEYS = ['rejectCall', 'msgCall', 'groupsIgnore', 'alwaysOnline', 'readMessages', 'readStatus', 'syncFullHistory', 'wavoipToken'] as const;

export function registerInstanceRoutes(deps: RouteDeps): void {
	const { world, lifecycle } = deps;

	defineRoute(deps, {
		method: 'POST',
		path: '/instance/create',
		status: 201,
		guard: 'create',
		handler: async ({ body }) => {
			if (!INTEGRATIONS.includes(body.integration)) throw badRequest('Invalid integration');
			if (body.instanceName === undefined) throw internalError('Argument `name` is missing.');
			const instance = new InstanceState(
				String(body.instanceName),
				body.integration,
				typeof body.token === 'string' && body.token ? body.token : undefined,
				typeof body.number === 'string' ? body.number : null,
				typeof body.businessId === 'string' ? body.businessId : null,
			);
			for (const key of SETTING_KEYS) if (body[key] !== undefined) (instance.settings as unknown as JsonBody)[key] = body[key];
			seedLabels(instance);
			world.instances.set(instance.name, instance);
			if (body.webhook && typeof body.webhook === 'object') {
				if (!Array.isArray(body.webhook.events)) {
					// The row is already saved; Evolution rolls it back a few ms later (correction 3).
					setTimeout(() => world.remove(instance), 15).unref();
					throw badRequest("Cannot read properties of undefined (reading 'length')");
				}
				instance.webhook = createWebhookRow(instance, {
					enabled: true,
					url: String(body.webhook.url ?? ''),
					headers: body.webhook.headers ?? null,
					events: body.webhook.events.length === 0 ? [...WEBHOOK_EVENTS] : body.webhook.events.map(String),
					byEvents: !!body.webhook.byEvents,
					base64: !!body.webhook.base64,
				});
			}
			world.emit(instance, 'instance.create', { instanceName: instance.name, instanceId: instance.id });
			let qrcode: Record<string, unknown> | undefined;
			if (body.qrcode === true && instance.integration === 'WHATSAPP-BAILEYS') {
				await lifecycle.connect(instance, instance.number);
				qrcode = qrCodeBody(instance);
			}
			const webhook = instance.webhook;
			return dropUndefined({
				instance: {
					instanceName: instance.name,
					instanceId: instance.id,
					integration: instance.integration,
					webhookWaBusiness: null,
					accessTokenWaBusiness: '',
					status: instance.connection,
				},
				hash: instance.token,
				webhook: webhook
					? { webhookUrl: webhook.url, webhookHeaders: webhook.headers ?? undefined, webhookByEvents: webhook.webhookByEvents, webhookBase64: webhook.webhookBase64 }
					: {},
				websocket: {},
				rabbitmq: {},
				nats: {},
				sqs: {},
				settings: Object.fromEntries(SETTING_KEYS.map((key) => [key, instance.settings[key]])),
				qrcode,
			});
		},
	});

	defineRoute(deps, {
		method: 'GET',
		path: '/instance/connect',
		status: 200,
		handler: async ({ instance, query }) => {
			if (instance.connection === 'open') return { instance: { instanceName: instance.name, state: 'open' } };
			if (instance.connection === 'connecting') return qrCodeBody(instance);
			await lifecycle.connect(instance, query.number ?? null);
			if (world.options.connectDelayMs > 0) await new Promise((resolve) => instance.schedule(world.options.connectDelayMs, () => resolve(undefined)));
			return qrCodeBody(instance);
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/instance/restart',
		status: 200,
		handler: async ({ instance }) => {
			// Evolution catches everything here and answers 200 {error:true, message:toString()}.
			if (instance.connection === 'close') throw new RawReply(200, { error: true, message: '[object Object]' });
			// With saved credentials Baileys logs straight back in (no QR), unless WhatsApp cannot be reached.
			if (instance.hasSession) {
				lifecycle.drop(instance, instance.offline ? null : 0);
				return qrCodeBody(instance);
			}
			lifecycle.stopQr(instance);
			instance.connection = 'close';
			await lifecycle.connect(instance, instance.pairingNumber);
			return qrCodeBody(instance);
		},
	});

	defineRoute(deps, {
		method: 'GET',
		path: '/instance/connectionState',
		status: 200,
		handler: ({ instance }) => ({ instance: { instanceName: instance.name, state: instance.connection } }),
	});

	defineRoute(deps, {
		method: 'GET',
		path: '/instance/fetchInstances',
		status: 200,
		guard: 'fetchInstances',
		handler: ({ request, query }) => {
			let rows = [...world.instances.values()];
			if (!isGlobalKey(world, request)) {
				const key = requestApikey(request);
				rows = rows.filter(
					(instance) =>
						instance.token === key &&
						(!query.instanceName || instance.name === query.instanceName) &&
						(!query.instanceId || instance.id === query.instanceId),
				);
				if (rows.length === 0) throw unauthorized();
			} else if (query.instanceId || query.number) {
				rows = rows.filter(
					(instance) =>
						(!query.instanceId || instance.id === query.instanceId) &&
						(!query.number || instance.number === query.number || instance.ownerJid?.startsWith(query.number + '@')),
				);
			} else if (query.instanceName) {
				rows = rows.filter((instance) => instance.name === query.instanceName);
				if (rows.length === 0) throw notFound(`Instance "${query.instanceName}" not found`);
			}
			return rows.map(instanceRow);
		},
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/instance/setPresence',
		status: 201,
		handler: ({ instance, body }) => {
			const data = validateBody<{ presence: string }>(body, schemas.setPresence);
			if (instance.connection !== 'open')
				throw internalServerException("TypeError: Cannot read properties of undefined (reading 'sendPresenceUpdate')");
			return { presence: data.presence };
		},
	});

	defineRoute(deps, {
		method: 'DELETE',
		path: '/instance/logout',
		status: 200,
		handler: ({ instance }) => {
			if (instance.connection === 'close') throw notConnected(instance.name);
			lifecycle.logout(instance);
			return { status: 'SUCCESS', error: false, response: { message: 'Instance logged out' } };
		},
	});

	defineRoute(deps, {
		method: 'DELETE',
		path: '/instance/delete',
		status: 200,
		handler: ({ instance }) => {
			if (instance.connection !== 'close') lifecycle.logout(instance);
			lifecycle.stopQr(instance);
			instance.deleting = true;
			world.emit(instance, 'instance.delete', { instanceName: instance.name, instanceId: instance.id });
			// The instance goes only once remove.instance was delivered, retries included (correction 4).
			void world.emit(instance, 'remove.instance', null).then(() => world.remove(instance));
			return { status: 'SUCCESS', error: false, response: { message: 'Instance deleted' } };
		},
	});
}

/** instance.qrCode: {pairingCode, code, base64, count} with undefined keys dropped. */
export function qrCodeBody(instance: InstanceState): Record<string, unknown> {
	return dropUndefined({
		pairingCode: instance.qr.pairingCode,
		code: instance.qr.code,
		base64: instance.qr.base64,
		count: instance.qr.count,
	});
}

/** The raw Prisma Instance row with the relations fetchInstances includes (no Webhook). */
function instanceRow(instance: InstanceState) {
	return {
		id: instance.id,
		name: instance.name,
		connectionStatus: instance.connection,
		ownerJid: instance.ownerJid,
		profileName: instance.profileName,
		profilePicUrl: instance.profilePicUrl,
		integration: instance.integration,
		number: instance.number,
		businessId: instance.businessId,
		token: instance.token,
		clientName: 'evolution_exchange',
		disconnectionReasonCode: instance.disconnectionReasonCode,
		disconnectionObject: instance.disconnectionObject,
		disconnectionAt: instance.disconnectionAt,
		createdAt: instance.createdAt,
		updatedAt: instance.updatedAt,
		Chatwoot: null,
		Proxy: null,
		Rabbitmq: null,
		Nats: null,
		Sqs: null,
		Websocket: null,
		Setting: instance.settings,
		_count: { Message: instance.messages.length, Contact: instance.contacts.size, Chat: instance.chats.size },
	};
}

function dropUndefined<T extends Record<string, unknown>>(object: T): T {
	return JSON.parse(JSON.stringify(object)) as T;
}
