import { z } from 'zod/v4';
import type { ApiRouter } from '../api/api-router';
import type { InboxApiDeps } from '../inbox-deps';
import { cannedResponseSchema } from './canned-response-schema';
import { createCannedResponse, deleteCannedResponse, listCannedResponses, updateCannedResponse } from './canned-responses';

const shortCode = z
	.string()
	.trim()
	.transform((value) => value.replace(/^\//, '').toLowerCase())
	.pipe(z.string().regex(/^[a-z0-9_-]{1,40}$/, 'shortCode: 1 to 40 letters, digits, "-" or "_" (what follows "/" in the composer)'));
const content = z.string().trim().min(1).max(4096).describe('The text; {{name}}, {{first_name}} and {{phone}} are filled in from the conversation.');
const params = z.object({ cannedResponseId: z.uuid() });

/**
 * Canned responses of the workspace (Chatwoot's "/" shortcuts): every attendant reads and keeps them, for the
 * team; the page fills the variables in from the open conversation when one is picked.
 */
export function registerCannedResponseRoutes(api: ApiRouter, deps: Pick<InboxApiDeps, 'db'>): void {
	const { db } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/canned-responses',
		summary: 'List the canned responses by short code (q: keep those whose code or text contains it)',
		tag: 'canned-responses',
		access: 'member',
		query: z.object({ q: z.string().trim().max(200).optional() }),
		response: z.object({ data: z.array(cannedResponseSchema) }),
		handler: async ({ caller, query }) => ({ data: await listCannedResponses(db, caller.workspaceId, query.q || undefined) }),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/canned-responses',
		summary: 'Create a canned response (409 when its short code is taken)',
		tag: 'canned-responses',
		access: 'member',
		successStatus: 201,
		body: z.object({ shortCode, content }),
		response: cannedResponseSchema,
		handler: async ({ caller, body }) => createCannedResponse(db, caller.workspaceId, { ...body, createdByUserId: caller.userId }),
	});

	api.add({
		method: 'PATCH',
		url: '/api/v1/canned-responses/:cannedResponseId',
		summary: 'Change a canned response (its short code, its text or both)',
		tag: 'canned-responses',
		access: 'member',
		params,
		body: z.object({ shortCode: shortCode.optional(), content: content.optional() }),
		response: cannedResponseSchema,
		handler: async ({ caller, params, body }) => updateCannedResponse(db, caller.workspaceId, params.cannedResponseId, body),
	});

	api.add({
		method: 'DELETE',
		url: '/api/v1/canned-responses/:cannedResponseId',
		summary: 'Delete a canned response',
		tag: 'canned-responses',
		access: 'member',
		params,
		successStatus: 204,
		handler: async ({ caller, params }) => deleteCannedResponse(db, caller.workspaceId, params.cannedResponseId),
	});
}
