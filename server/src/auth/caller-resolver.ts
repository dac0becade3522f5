import type { Queryable } from '../db/db';
import { resolveApiToken } from './api-tokens';
import type { Caller } from './caller';
import { API_TOKEN_PREFIX, SESSION_TOKEN_PREFIX } from './secret-token';
import { resolveSessionToken } from './sessions';

/** Turns a Supabase Auth access token into the auth.users id it belongs to (see supabase/supabase-auth.ts). */
export interface ExternalIdentityVerifier {
	verify(accessToken: string): Promise<string | undefined>;
}

/** Finds who a bearer token belongs to: our session, an API token, or (when configured) a Supabase Auth user. */
export class CallerResolver {
	constructor(
		private readonly db: Queryable,
		private readonly supabase?: ExternalIdentityVerifier,
	) {}

	async resolve(token: string): Promise<Caller | undefined> {
		if (token.startsWith(SESSION_TOKEN_PREFIX)) return resolveSessionToken(this.db, token);
		if (token.startsWith(API_TOKEN_PREFIX)) return resolveApiToken(this.db, token);
		if (this.supabase && token.split('.').length === 3) return this.resolveSupabase(token);
		return undefined;
	}

	private async resolveSupabase(accessToken: string): Promise<Caller | undefined> {
		const authUserId = await this.supabase?.verify(accessToken);
		if (!authUserId) return undefined;
		const { rows } = await this.db.query<{ id: string; workspaceId: string; role: 'admin' | 'agent' }>(
			'SELECT id, workspace_id AS "workspaceId", role FROM users WHERE auth_user_id = $1 AND is_active',
			[authUserId],
		);
		const user = rows[0];
		return user ? { workspaceId: user.workspaceId, userId: user.id, role: user.role, via: 'supabase' } : undefined;
	}
}

/** "Bearer <token>" from the Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
	const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
	return match?.[1];
}
