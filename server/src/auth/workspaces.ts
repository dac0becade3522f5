import { randomBytes } from 'node:crypto';
import type { Db } from '../db/db';
import { type Attendant, createAttendant } from './attendants';

export interface Workspace {
	id: string;
	name: string;
	slug: string;
	createdAt: string;
}

export const WORKSPACE_COLUMNS = `id, name, slug, created_at AS "createdAt"`;

function slugify(name: string): string {
	const base = name
		.normalize('NFKD')
		.replace(/[\u0300-\u036f]/g, '')
		.toLowerCase()
		.replace(/[^a-z0-9]+/g, '-')
		.replace(/^-+|-+$/g, '')
		.slice(0, 40);
	return `${base || 'workspace'}-${randomBytes(3).toString('hex')}`;
}

/** A new workspace and its first admin, together or not at all. */
export async function createWorkspaceWithAdmin(
	db: Db,
	input: { workspaceName: string; name: string; email: string; password?: string; authUserId?: string },
): Promise<{ workspace: Workspace; admin: Attendant }> {
	return db.transaction(async (tx) => {
		const { rows } = await tx.query<Workspace>(`INSERT INTO workspaces (name, slug) VALUES ($1, $2) RETURNING ${WORKSPACE_COLUMNS}`, [
			input.workspaceName,
			slugify(input.workspaceName),
		]);
		const admin = await createAttendant(tx, rows[0].id, {
			email: input.email,
			name: input.name,
			role: 'admin',
			password: input.password,
			authUserId: input.authUserId,
		});
		return { workspace: rows[0], admin };
	});
}

export async function findWorkspace(db: Pick<Db, 'query'>, workspaceId: string): Promise<Workspace | undefined> {
	const { rows } = await db.query<Workspace>(`SELECT ${WORKSPACE_COLUMNS} FROM workspaces WHERE id = $1`, [workspaceId]);
	return rows[0];
}

export async function hasAnyWorkspace(db: Pick<Db, 'query'>): Promise<boolean> {
	const { rows } = await db.query('SELECT 1 FROM workspaces LIMIT 1');
	return rows.length > 0;
}
