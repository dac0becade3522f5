/** /settings/set|find, /proxy/find and /label/findLabels|handleLabel. */
import { createJid } from '../domain/jid';
import { badRequest } from '../http/errors';
import { defineRoute, type RouteDeps } from '../http/route';
import { schemas } from '../http/schemas';
import { validateBody } from '../http/validate';
import { requireSocket } from '../messages/sender';

const SETTING_KEYS = ['rejectCall', 'msgCall', 'groupsIgnore', 'alwaysOnline', 'readMessages', 'readStatus', 'syncFullHistory', 'wavoipToken'] as const;

export function registerSettingsAndLabelRoutes(deps: RouteDeps): void {
	const { world } = deps;

	defineRoute(deps, {
		method: 'POST',
		path: '/settings/set',
		status: 201,
		handler: ({ instance, body }) => {
			const data = validateBody<Record<string, unknown>>(body, schemas.settings);
			const settings = instance.settings as unknown as Record<string, unknown>;
			settings.msgCall = '';
			settings.wavoipToken = '';
			for (const key of SETTING_KEYS) if (data[key] !== undefined) settings[key] = data[key];
			instance.settings.updatedAt = new Date();
			// 2.3.7 answers `{ settings: { ...instanceDto, settings: data } }`: the body as it was set, not the stored row.
			return { settings: { instanceName: instance.name, settings: data } };
		},
	});

	defineRoute(deps, {
		method: 'GET',
		path: '/settings/find',
		status: 200,
		handler: ({ instance }) => Object.fromEntries(SETTING_KEYS.map((key) => [key, instance.settings[key]])),
	});

	// No proxy can be set in the sandbox (2.3.7 tests a new proxy against icanhazip.com before storing it), so every
	// instance has none: 2.3.7 answers 200 `null` then.
	defineRoute(deps, {
		method: 'GET',
		path: '/proxy/find',
		status: 200,
		handler: () => null,
	});

	defineRoute(deps, {
		method: 'GET',
		path: '/label/findLabels',
		status: 200,
		handler: ({ instance }) =>
			[...instance.labels.values()].map((label) => ({ color: label.color, name: label.name, id: label.id, predefinedId: label.predefinedId })),
	});

	defineRoute(deps, {
		method: 'POST',
		path: '/label/handleLabel',
		status: 200,
		handler: ({ instance, body }) => {
			const data = validateBody<{ number: string; labelId: string; action: 'add' | 'remove' }>(body, schemas.handleLabel);
			requireSocket(instance, 'addChatLabel');
			if (!instance.labels.has(data.labelId)) throw badRequest('Label not found');
			const numberJid = createJid(data.number);
			world.emit(instance, 'labels.association', { instance: instance.name, type: data.action, chatId: numberJid, labelId: data.labelId });
			return { numberJid, labelId: data.labelId, [data.action]: true };
		},
	});
}
