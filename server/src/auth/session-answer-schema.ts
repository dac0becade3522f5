import { z } from 'zod/v4';
import { attendantViewSchema } from './attendant-view-schema';
import { workspaceViewSchema } from './workspace-view-schema';

/**
 * What signing in (POST /auth/login) and creating a workspace (POST /auth/register) answer: the session token, shown
 * only this once, with the attendant and the workspace. Strict, as the other documented answers (the web app's types
 * are generated from it).
 */
export const sessionAnswerSchema = z.strictObject({
	token: z.string().describe('The bearer token of the new session; the server keeps only its hash'),
	expiresAt: z.string(),
	user: attendantViewSchema,
	workspace: workspaceViewSchema,
});

/** GET /auth/me: who the caller is. An API token has no attendant behind it (user null). */
export const callerAnswerSchema = z.strictObject({
	via: z.enum(['session', 'api_token', 'supabase']).describe('How the caller signed in'),
	role: z.enum(['admin', 'agent']),
	user: attendantViewSchema.nullable(),
	workspace: workspaceViewSchema,
});
