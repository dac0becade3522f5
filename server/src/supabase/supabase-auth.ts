import type { SupabaseClient } from '@supabase/supabase-js';
import type { ExternalIdentityVerifier } from '../auth/caller-resolver';

/**
 * Accepts attendants signed in with Supabase Auth: their access token is checked by Supabase itself
 * (GET /auth/v1/user), and the answer kept for a minute so every request does not cost a round trip.
 * The auth user id is then matched to users.auth_user_id by the caller resolver.
 */
export class SupabaseAuthVerifier implements ExternalIdentityVerifier {
	private readonly cache = new Map<string, { userId: string | undefined; expires: number }>();

	constructor(
		private readonly client: SupabaseClient,
		private readonly ttlMs = 60_000,
	) {}

	async verify(accessToken: string): Promise<string | undefined> {
		const now = Date.now();
		const cached = this.cache.get(accessToken);
		if (cached && cached.expires > now) return cached.userId;
		const { data, error } = await this.client.auth.getUser(accessToken);
		const userId = error ? undefined : data.user?.id;
		if (this.cache.size > 5_000) this.cache.clear();
		// Never cache past the token's own expiry.
		this.cache.set(accessToken, { userId, expires: Math.min(now + this.ttlMs, tokenExpiry(accessToken) ?? Infinity) });
		return userId;
	}
}

function tokenExpiry(jwt: string): number | undefined {
	try {
		const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as { exp?: number };
		return typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
	} catch {
		return undefined;
	}
}
