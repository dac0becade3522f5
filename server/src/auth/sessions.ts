import type { Queryable } from '../db/db';
import type { Caller } from './caller';
import { generateToken, hashToken, SESSION_TOKEN_PREFIX } from './secret-token';

/** Signs an attendant in: a random bearer token whose sha256 is stored with an expiry. */
export async function createSession(
	db: Queryable,
	user: { id: string; workspaceId: string },
	options: { ttlMs: number; userAgent?: string; ip?: string },
): Promise<{ token: string; sessionId: string; expiresAt: string }> {
	const token = generateToken(SESSION_TOKEN_PREFIX);
	const { rows } = await db.query<{ id: string; expiresAt: Date }>(
		`INSERT INTO user_sessions (workspace_id, user_id, token_hash, user_agent, ip, expires_at)
		 VALUES ($1, $2, $3, $4, $5, now() + ($6::bigint * interval '1 millisecond')) RETURNING id, expires_at AS "expiresAt"`,
		[user.workspaceId, user.id, hashToken(token), options.userAgent?.slice(0, 300) ?? null, options.ip ?? null, options.ttlMs],
	);
	await db.query('UPDATE users SET last_seen_at = now() WHERE id = $1', [user.id]);
	return { token, sessionId: rows[0].id, expiresAt: new Date(rows[0].expiresAt).toISOString() };
}

/** The caller behind a session token, if the session is live and the attendant still active. */
export async function resolveSessionToken(db: Queryable, token: string): Promise<Caller | undefined> {
	const { rows } = await db.query<{ id: string; workspaceId: string; userId: string; role: 'admin' | 'agent'; stale: boolean }>(
		`SELECT s.id, s.workspace_id AS "workspaceId", s.user_id AS "userId", u.role,
			(s.last_used_at IS NULL OR s.last_used_at < now() - interval '1 minute') AS stale
		 FROM user_sessions s JOIN users u ON u.id = s.user_id AND u.workspace_id = s.workspace_id
		 WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.is_active`,
		[hashToken(token)],
	);
	const session = rows[0];
	if (!session) return undefined;
	// Touch at most once a minute: a write per request would cost more than the lookup itself.
	if (session.stale) await db.query('UPDATE user_sessions SET last_used_at = now() WHERE id = $1', [session.id]);
	return { workspaceId: session.workspaceId, userId: session.userId, role: session.role, via: 'session', credentialId: session.id };
}

export async function revokeSession(db: Queryable, workspaceId: string, sessionId: string): Promise<void> {
	await db.query('UPDATE user_sessions SET revoked_at = now() WHERE workspace_id = $1 AND id = $2 AND revoked_at IS NULL', [workspaceId, sessionId]);
}

/** Deactivating an attendant or changing their password ends every session they have. */
export async function revokeUserSessions(db: Queryable, workspaceId: string, userId: string): Promise<void> {
	await db.query('UPDATE user_sessions SET revoked_at = now() WHERE workspace_id = $1 AND user_id = $2 AND revoked_at IS NULL', [workspaceId, userId]);
}
