import { z } from 'zod/v4';
import { ApiError, unauthorized } from '../inbox/api/api-error';
import type { ApiRouter } from '../inbox/api/api-router';
import type { InboxApiDeps } from '../inbox/inbox-deps';
import { findAttendant, findLoginCandidate } from './attendants';
import { burnPasswordCheck, verifyPassword } from './password-hash';
import { callerAnswerSchema, sessionAnswerSchema } from './session-answer-schema';
import { createSession, revokeSession } from './sessions';
import { createWorkspaceWithAdmin, findWorkspace, hasAnyWorkspace } from './workspaces';

export const passwordSchema = z.string().min(10, 'Use at least 10 characters.').max(200);
const emailSchema = z.email().max(320);

const loginBody = z.object({ email: emailSchema, password: z.string().min(1).max(200) });
const registerBody = z.object({
	workspaceName: z.string().trim().min(1).max(120),
	name: z.string().trim().min(1).max(120),
	email: emailSchema,
	password: passwordSchema,
});

/** Sign-up, sign-in (rate limited per address and client), sign-out, and "who am I". */
export function registerAuthRoutes(api: ApiRouter, deps: InboxApiDeps): void {
	const { db } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/auth/signup',
		summary: 'Whether POST /auth/register takes a new workspace now (the web app shows "create your workspace" on a fresh server)',
		tag: 'auth',
		access: 'public',
		response: z.object({ open: z.boolean(), mode: z.enum(['first', 'open', 'closed']) }),
		handler: async () => ({ open: await signupOpen(deps), mode: deps.auth.signupMode }),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/auth/register',
		summary: 'Create a workspace and its first admin (only while the server has none, unless SIGNUP_MODE=open)',
		tag: 'auth',
		access: 'public',
		body: registerBody,
		successStatus: 201,
		response: sessionAnswerSchema,
		rateLimit: { max: deps.auth.loginRateLimit.max, timeWindow: deps.auth.loginRateLimit.timeWindowMs },
		handler: async ({ body, request }) => {
			if (!(await signupOpen(deps))) {
				throw new ApiError(403, 'signup_closed', 'This server does not take new workspaces; ask an admin to invite you.');
			}
			const { workspace, admin } = await createWorkspaceWithAdmin(db, body);
			const session = await createSession(db, admin, { ttlMs: deps.auth.sessionTtlMs, userAgent: request.headers['user-agent'], ip: request.ip });
			return { token: session.token, expiresAt: session.expiresAt, user: admin, workspace };
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/auth/login',
		summary: 'Sign in with e-mail and password; answers a session token (rate limited)',
		tag: 'auth',
		access: 'public',
		body: loginBody,
		response: sessionAnswerSchema,
		rateLimit: {
			max: deps.auth.loginRateLimit.max,
			timeWindow: deps.auth.loginRateLimit.timeWindowMs,
			// Per client and address: one attacker cannot lock a person out from everywhere.
			keyGenerator: (request: { ip: string; body?: unknown }) => {
				const email = (request.body as { email?: unknown } | undefined)?.email;
				return `login:${request.ip}:${typeof email === 'string' ? email.trim().toLowerCase() : ''}`;
			},
		},
		handler: async ({ body, request }) => {
			const candidate = await findLoginCandidate(db, body.email);
			if (!candidate?.passwordHash || !candidate.isActive) {
				await burnPasswordCheck(body.password);
				throw unauthorized('Wrong e-mail or password.');
			}
			if (!(await verifyPassword(body.password, candidate.passwordHash))) throw unauthorized('Wrong e-mail or password.');
			const session = await createSession(db, candidate, { ttlMs: deps.auth.sessionTtlMs, userAgent: request.headers['user-agent'], ip: request.ip });
			const { passwordHash, ...user } = candidate;
			void passwordHash;
			return { token: session.token, expiresAt: session.expiresAt, user, workspace: await findWorkspace(db, candidate.workspaceId) };
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/auth/logout',
		summary: 'Sign out: revokes the session token used for this request',
		tag: 'auth',
		access: 'member',
		successStatus: 204,
		handler: async ({ caller }) => {
			if (caller.via === 'session' && caller.credentialId) await revokeSession(db, caller.workspaceId, caller.credentialId);
		},
	});

	api.add({
		method: 'GET',
		url: '/api/v1/auth/me',
		summary: 'The caller: attendant (or API token), role and workspace',
		tag: 'auth',
		access: 'member',
		response: callerAnswerSchema,
		handler: async ({ caller }) => ({
			via: caller.via,
			role: caller.role,
			user: caller.userId ? ((await findAttendant(db, caller.workspaceId, caller.userId)) ?? null) : null,
			workspace: await findWorkspace(db, caller.workspaceId),
		}),
	});
}

/** SIGNUP_MODE: open takes any new workspace, first only the server's first one, closed none. */
async function signupOpen(deps: InboxApiDeps): Promise<boolean> {
	const mode = deps.auth.signupMode;
	if (mode === 'closed') return false;
	return mode === 'open' || !(await hasAnyWorkspace(deps.db));
}
