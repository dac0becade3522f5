import { z } from 'zod/v4';
import type { ApiRouter } from '../inbox/api/api-router';
import type { InboxApiDeps } from '../inbox/inbox-deps';
import { API_TOKEN_SCOPES, createApiToken, listApiTokens, revokeApiToken } from './api-tokens';

/** API tokens for n8n and other automation (admin). The token itself is shown once, at creation. */
export function registerApiTokenRoutes(api: ApiRouter, deps: InboxApiDeps): void {
	const { db } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/api-tokens',
		summary: 'List API tokens (prefix only, never the token)',
		tag: 'api-tokens',
		access: 'admin',
		handler: async ({ caller }) => ({ data: await listApiTokens(db, caller.workspaceId) }),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/api-tokens',
		summary: 'Create an API token for n8n; the answer holds the token, shown only this once',
		tag: 'api-tokens',
		access: 'admin',
		successStatus: 201,
		body: z.object({
			name: z.string().trim().min(1).max(120),
			scopes: z.array(z.enum(API_TOKEN_SCOPES)).min(1).default(['inbox']),
			expiresAt: z.iso.datetime({ offset: true }).optional(),
		}),
		handler: async ({ caller, body }) => createApiToken(db, caller.workspaceId, { ...body, createdByUserId: caller.userId }),
	});

	api.add({
		method: 'DELETE',
		url: '/api/v1/api-tokens/:tokenId',
		summary: 'Revoke an API token',
		tag: 'api-tokens',
		access: 'admin',
		params: z.object({ tokenId: z.uuid() }),
		handler: async ({ caller, params }) => revokeApiToken(db, caller.workspaceId, params.tokenId),
	});
}
