import { z } from 'zod/v4';
import type { ApiRouter } from '../api/api-router';
import type { InboxApiDeps } from '../inbox-deps';
import { readWorkspaceSettings, updateWorkspaceSettings } from './workspace-settings';

const workspaceSettingsSchema = z.object({
	retainDeletedMessages: z.boolean().describe('Keep the content of messages deleted for everyone (off: cleared when the delete arrives)'),
});

/** The caller's workspace settings: every member reads them, admins change them. */
export function registerWorkspaceSettingsRoutes(api: ApiRouter, deps: InboxApiDeps): void {
	const { db } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/workspace/settings',
		summary: "The workspace's settings (retention of deleted messages)",
		tag: 'workspace',
		access: 'member',
		response: workspaceSettingsSchema,
		handler: ({ caller }) => readWorkspaceSettings(db, caller.workspaceId),
	});

	api.add({
		method: 'PATCH',
		url: '/api/v1/workspace/settings',
		summary: "Change the workspace's settings (admin); turning retainDeletedMessages off clears the content kept so far",
		tag: 'workspace',
		access: 'admin',
		body: workspaceSettingsSchema.partial(),
		response: workspaceSettingsSchema,
		handler: ({ caller, body }) => updateWorkspaceSettings(db, caller.workspaceId, body),
	});
}
