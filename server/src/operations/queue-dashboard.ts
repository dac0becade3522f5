import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken } from '../auth/caller-resolver';
import type { Caller } from '../auth/caller';
import { SESSION_TOKEN_PREFIX } from '../auth/secret-token';
import { resolveSessionToken } from '../auth/sessions';
import type { Queryable } from '../db/db';
import { type DashboardScope, dashboardScopeOf, mayRequest, mayView } from './queue-dashboard-scope';

export const QUEUE_DASHBOARD_PATH = '/admin/queues';
export const ADMIN_LOGIN_PATH = '/admin/login';
const COOKIE = 'wis_admin';

/** The admin session token of a request: the dashboard's cookie, or a bearer header (scripts). */
function sessionTokenOf(request: FastifyRequest): string | undefined {
	const fromCookie = (request.headers.cookie ?? '')
		.split(';')
		.map((part) => part.trim().split('='))
		.find(([name]) => name === COOKIE)?.[1];
	const token = fromCookie ? decodeURIComponent(fromCookie) : bearerToken(request.headers.authorization);
	return token?.startsWith(SESSION_TOKEN_PREFIX) ? token : undefined;
}

async function adminOf(db: Queryable, request: FastifyRequest): Promise<Caller | 'none' | 'not_admin'> {
	const token = sessionTokenOf(request);
	const caller = token ? await resolveSessionToken(db, token) : undefined;
	if (!caller) return 'none';
	return caller.role === 'admin' ? caller : 'not_admin';
}

const LOGIN_PAGE = `<!doctype html>
<html lang="pt-BR"><head><meta charset="utf-8"><title>Filas / Queues — sign in</title>
<meta name="viewport" content="width=device-width,initial-scale=1">
<style>body{font:16px system-ui,sans-serif;max-width:22rem;margin:4rem auto;padding:0 1rem}label,input,button{display:block;width:100%;margin:.4rem 0}input,button{padding:.5rem;font:inherit}#error{color:#b00020}</style></head>
<body><h1>Filas / Queues</h1><p>Entre como administrador · Sign in as a workspace admin.</p>
<form id="login"><label>E-mail <input name="email" type="email" autocomplete="username" required></label>
<label>Senha / Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Entrar / Sign in</button><p id="error" role="alert"></p></form>
<script>
document.getElementById('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const error = document.getElementById('error');
  const login = await fetch('/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: form.get('email'), password: form.get('password') }) });
  if (!login.ok) { error.textContent = (await login.json()).error.message; return; }
  const session = await fetch('${ADMIN_LOGIN_PATH}', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: (await login.json()).token }) });
  if (!session.ok) { error.textContent = (await session.json()).error.message; return; }
  location.href = '${QUEUE_DASHBOARD_PATH}';
});
</script></body></html>`;

/**
 * The bull-board dashboard at /admin/queues, for admins only: a request without an admin's session (the cookie
 * /admin/login sets, or a bearer session token) is sent to the sign-in page (pages) or refused (its API), and an
 * agent's session is refused. Never open without a login. What an admin sees is scoped (queue-dashboard-scope.ts):
 * their own workspace's outbox queues, or every queue for a server operator (OPERATOR_WORKSPACE_IDS).
 */
export function registerQueueDashboard(
	app: FastifyInstance,
	deps: { db: Queryable; queues: Queue[]; secureCookie: boolean; operatorWorkspaceIds: readonly string[] },
): void {
	app.route({
		method: 'GET',
		url: ADMIN_LOGIN_PATH,
		config: { public: true },
		handler: async (_request, reply) => reply.header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(LOGIN_PAGE),
	});
	app.route({
		method: 'POST',
		url: ADMIN_LOGIN_PATH,
		config: { public: true },
		handler: async (request, reply) => {
			const token = (request.body as { token?: unknown } | undefined)?.token;
			const caller = typeof token === 'string' && token.startsWith(SESSION_TOKEN_PREFIX) ? await resolveSessionToken(deps.db, token) : undefined;
			if (!caller) return reply.code(401).send({ error: { code: 'unauthorized', message: 'Sign in first: POST /api/v1/auth/login, then send its token here.' } });
			if (caller.role !== 'admin') return reply.code(403).send({ error: { code: 'forbidden', message: 'The queue dashboard is for workspace admins.' } });
			const secure = deps.secureCookie ? '; Secure' : '';
			return reply
				.code(204)
				.header('set-cookie', `${COOKIE}=${encodeURIComponent(token as string)}; Path=/admin; HttpOnly; SameSite=Strict${secure}`)
				.send();
		},
	});

	const adapter = new FastifyAdapter();
	adapter.setBasePath(QUEUE_DASHBOARD_PATH);
	// @bull-board/fastify pins its own patch of @bull-board/api: the same interface under two declarations.
	const serverAdapter = adapter as unknown as Parameters<typeof createBullBoard>[0]['serverAdapter'];
	const board = createBullBoard({ queues: [], serverAdapter, options: { uiConfig: { boardTitle: 'WhatsApp Inbox' } } });
	// The scope of each request in flight, found by bull-board's visibility guards through the headers object it is
	// handed (the request's own, so it cannot be forged: a guard without a scope shows nothing).
	const scopes = new WeakMap<object, DashboardScope>();
	let shown = -1;
	app.register(async (scope) => {
		scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
			const admin = await adminOf(deps.db, request);
			if (admin === 'none') {
				request.log.info({ url: request.url }, 'queue dashboard: no admin session');
				if ((request.headers.accept ?? '').includes('text/html')) return reply.redirect(ADMIN_LOGIN_PATH, 302);
				return reply.code(401).send({ error: { code: 'unauthorized', message: `Sign in at ${ADMIN_LOGIN_PATH} as a workspace admin.` } });
			}
			if (admin === 'not_admin') return reply.code(403).send({ error: { code: 'forbidden', message: 'The queue dashboard is for workspace admins.' } });
			const allowed = await dashboardScopeOf(deps.db, admin, deps.operatorWorkspaceIds);
			const route = (request.routeOptions.url ?? '').slice(QUEUE_DASHBOARD_PATH.length);
			if (!mayRequest(allowed, request.method, route)) {
				return reply.code(403).send({
					error: {
						code: 'forbidden',
						message: 'Workspace admins may retry, clean, promote, pause, resume and empty their queues; other changes are for server operators (OPERATOR_WORKSPACE_IDS).',
					},
				});
			}
			scopes.set(request.headers, allowed);
			// Queues appear while the server runs (the outbox makes one per channel): show the current list.
			if (deps.queues.length !== shown) {
				board.replaceQueues(
					deps.queues.map((queue) => {
						const view = new BullMQAdapter(queue);
						view.setVisibilityGuard((bullRequest) => mayView(scopes.get(bullRequest.headers), queue.name));
						return view;
					}),
				);
				shown = deps.queues.length;
			}
			return undefined;
		});
		await scope.register(adapter.registerPlugin(), { prefix: QUEUE_DASHBOARD_PATH });
	});
}
