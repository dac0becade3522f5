/** Who is calling: resolved once per request from the bearer token, and the scope of every query the request makes. */
export interface Caller {
	workspaceId: string;
	/** The attendant; null for an API token (n8n), which acts for the workspace, not for a person. */
	userId: string | null;
	role: 'admin' | 'agent';
	via: 'session' | 'api_token' | 'supabase';
	/** The session or API token row, so sign-out can revoke exactly it. */
	credentialId?: string;
}

declare module 'fastify' {
	interface FastifyRequest {
		caller: Caller | null;
	}
	interface FastifyContextConfig {
		/** Routes under /api/ that answer without a bearer token (sign-in, registration, docs). */
		public?: boolean;
	}
}
