import type { Queryable } from '../db/db';
import { notFound } from '../inbox/api/api-error';
import type { Caller } from './caller';
import { API_TOKEN_PREFIX, generateToken, hashToken } from './secret-token';

/** Scopes an API token may carry: 'inbox' (conversations, messages, leads) and 'admin' (channels, attendants, tokens). */
export const API_TOKEN_SCOPES = ['inbox', 'admin'] as const;
export type ApiTokenScope = (typeof API_TOKEN_SCOPES)[number];

export interface ApiToken {
	id: string;
	name: string;
	tokenPrefix: string;
	scopes: ApiTokenScope[];
	createdByUserId: string | null;
	lastUsedAt: string | null;
	expiresAt: string | null;
	revokedAt: string | null;
	createdAt: string;
}

const COLUMNS = `id, name, token_prefix AS "tokenPrefix", scopes, created_by_user_id AS "createdByUserId", last_used_at AS "lastUsedAt",
	expires_at AS "expiresAt", revoked_at AS "revokedAt", created_at AS "createdAt"`;

/** Makes a token for n8n; the plaintext is returned this once and only its sha256 is kept. */
export async function createApiToken(
	db: Queryable,
	workspaceId: string,
	input: { name: string; scopes: ApiTokenScope[]; createdByUserId: string | null; expiresAt?: string },
): Promise<{ apiToken: ApiToken; token: string }> {
	const token = generateToken(API_TOKEN_PREFIX);
	const { rows } = await db.query<ApiToken>(
		`INSERT INTO api_tokens (workspace_id, name, token_prefix, token_hash, scopes, created_by_user_id, expires_at)
		 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
		[workspaceId, input.name, token.slice(0, 10), hashToken(token), input.scopes, input.createdByUserId, input.expiresAt ?? null],
	);
	return { apiToken: rows[0], token };
}

export async function listApiTokens(db: Queryable, workspaceId: string): Promise<ApiToken[]> {
	const { rows } = await db.query<ApiToken>(`SELECT ${COLUMNS} FROM api_tokens WHERE workspace_id = $1 ORDER BY created_at DESC, id`, [workspaceId]);
	return rows;
}

export async function revokeApiToken(db: Queryable, workspaceId: string, tokenId: string): Promise<ApiToken> {
	const { rows } = await db.query<ApiToken>(
		`UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
		[workspaceId, tokenId],
	);
	if (!rows[0]) throw notFound('API token');
	return rows[0];
}

export async function resolveApiToken(db: Queryable, token: string): Promise<Caller | undefined> {
	const { rows } = await db.query<{ id: string; workspaceId: string; scopes: string[]; stale: boolean }>(
		`SELECT id, workspace_id AS "workspaceId", scopes,
			(last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
		 FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())`,
		[hashToken(token)],
	);
	const row = rows[0];
	if (!row) return undefined;
	if (row.stale) await db.query('UPDATE api_tokens SET last_used_at = now() WHERE id = $1', [row.id]);
	return { workspaceId: row.workspaceId, userId: null, role: row.scopes.includes('admin') ? 'admin' : 'agent', via: 'api_token', credentialId: row.id };
}
