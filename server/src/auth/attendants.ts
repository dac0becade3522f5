import type { Queryable } from '../db/db';
import { conflict, notFound } from '../inbox/api/api-error';
import { hashPassword } from './password-hash';

/** An attendant as the API shows it: never with the password hash. */
export interface Attendant {
	id: string;
	workspaceId: string;
	email: string;
	name: string;
	role: 'admin' | 'agent';
	locale: string;
	isActive: boolean;
	authUserId: string | null;
	lastSeenAt: string | null;
	createdAt: string;
}

export const ATTENDANT_COLUMNS = `id, workspace_id AS "workspaceId", email, name, role, locale, is_active AS "isActive",
	auth_user_id AS "authUserId", last_seen_at AS "lastSeenAt", created_at AS "createdAt"`;

export interface NewAttendant {
	email: string;
	name: string;
	role: 'admin' | 'agent';
	password?: string;
	locale?: string;
	authUserId?: string;
}

function isUniqueViolation(error: unknown): boolean {
	return (error as { code?: string }).code === '23505';
}

export async function createAttendant(db: Queryable, workspaceId: string, input: NewAttendant): Promise<Attendant> {
	const passwordHash = input.password ? await hashPassword(input.password) : null;
	try {
		const { rows } = await db.query<Attendant>(
			`INSERT INTO users (workspace_id, email, name, role, password_hash, locale, auth_user_id)
			 VALUES ($1, $2, $3, $4, $5, coalesce($6, 'pt-BR'), $7) RETURNING ${ATTENDANT_COLUMNS}`,
			[workspaceId, input.email.trim().toLowerCase(), input.name, input.role, passwordHash, input.locale ?? null, input.authUserId ?? null],
		);
		return rows[0];
	} catch (error) {
		if (isUniqueViolation(error)) throw conflict('An attendant with this e-mail (or Supabase user) already exists.', 'email_taken');
		throw error;
	}
}

export async function listAttendants(db: Queryable, workspaceId: string): Promise<Attendant[]> {
	const { rows } = await db.query<Attendant>(`SELECT ${ATTENDANT_COLUMNS} FROM users WHERE workspace_id = $1 ORDER BY name, id`, [workspaceId]);
	return rows;
}

export async function findAttendant(db: Queryable, workspaceId: string, userId: string): Promise<Attendant | undefined> {
	const { rows } = await db.query<Attendant>(`SELECT ${ATTENDANT_COLUMNS} FROM users WHERE workspace_id = $1 AND id = $2`, [workspaceId, userId]);
	return rows[0];
}

export interface AttendantPatch {
	name?: string;
	role?: 'admin' | 'agent';
	locale?: string;
	isActive?: boolean;
	password?: string;
	authUserId?: string | null;
}

export async function updateAttendant(db: Queryable, workspaceId: string, userId: string, patch: AttendantPatch): Promise<Attendant> {
	const passwordHash = patch.password ? await hashPassword(patch.password) : null;
	try {
		const { rows } = await db.query<Attendant>(
			`UPDATE users SET
				name = coalesce($3, name),
				role = coalesce($4, role),
				locale = coalesce($5, locale),
				is_active = coalesce($6, is_active),
				password_hash = coalesce($7, password_hash),
				auth_user_id = CASE WHEN $8::boolean THEN $9::uuid ELSE auth_user_id END,
				updated_at = now()
			 WHERE workspace_id = $1 AND id = $2 RETURNING ${ATTENDANT_COLUMNS}`,
			[
				workspaceId,
				userId,
				patch.name ?? null,
				patch.role ?? null,
				patch.locale ?? null,
				patch.isActive ?? null,
				passwordHash,
				patch.authUserId !== undefined,
				patch.authUserId ?? null,
			],
		);
		if (!rows[0]) throw notFound('Attendant');
		return rows[0];
	} catch (error) {
		if (isUniqueViolation(error)) throw conflict('That Supabase user is already linked to another attendant.', 'auth_user_taken');
		throw error;
	}
}

/** Sign-in looks the e-mail up before any workspace is known (addresses are unique server-wide). */
export async function findLoginCandidate(
	db: Queryable,
	email: string,
): Promise<(Attendant & { passwordHash: string | null }) | undefined> {
	const { rows } = await db.query<Attendant & { passwordHash: string | null }>(
		`SELECT ${ATTENDANT_COLUMNS}, password_hash AS "passwordHash" FROM users WHERE lower(email) = lower($1)`,
		[email.trim()],
	);
	return rows[0];
}
