import type { Queryable } from '../../db/db';
import { conflict, notFound } from '../api/api-error';
import { isoTimestamp } from '../api/iso-timestamp';

/** A ready answer of the workspace: "/" + its short code in the composer puts its content in the text box. */
export interface CannedResponse {
	id: string;
	shortCode: string;
	content: string;
	createdByUserId: string | null;
	createdAt: string;
	updatedAt: string;
}

/** A workspace keeps at most this many (the composer lists them all, filtered as the attendant types). */
export const MAX_CANNED_RESPONSES = 500;

const COLUMNS = `id, short_code AS "shortCode", content, created_by_user_id AS "createdByUserId",
	${isoTimestamp('created_at')} AS "createdAt", ${isoTimestamp('updated_at')} AS "updatedAt"`;

// The unique index on (workspace_id, short_code): a second "/oi" is a clear 409, not a 500.
const isDuplicate = (error: unknown) => (error as { code?: string }).code === '23505';
const duplicate = (shortCode: string) => conflict(`The short code "/${shortCode}" is already used by another canned response; choose another.`, 'duplicate_short_code');

/** Every canned response, by short code; `q` keeps those whose code or content contains it. */
export async function listCannedResponses(db: Queryable, workspaceId: string, q?: string): Promise<CannedResponse[]> {
	const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
	const { rows } = await db.query<CannedResponse>(
		`SELECT ${COLUMNS} FROM canned_responses
		 WHERE workspace_id = $1 AND ($2::text IS NULL OR short_code ILIKE $2 OR content ILIKE $2)
		 ORDER BY short_code LIMIT ${MAX_CANNED_RESPONSES}`,
		[workspaceId, pattern],
	);
	return rows;
}

export async function createCannedResponse(db: Queryable, workspaceId: string, input: { shortCode: string; content: string; createdByUserId: string | null }): Promise<CannedResponse> {
	const { rows: count } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM canned_responses WHERE workspace_id = $1', [workspaceId]);
	if (count[0].n >= MAX_CANNED_RESPONSES) throw conflict(`A workspace keeps at most ${MAX_CANNED_RESPONSES} canned responses; delete some first.`, 'too_many');
	try {
		const { rows } = await db.query<CannedResponse>(
			`INSERT INTO canned_responses (workspace_id, short_code, content, created_by_user_id) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
			[workspaceId, input.shortCode, input.content, input.createdByUserId],
		);
		return rows[0];
	} catch (error) {
		if (isDuplicate(error)) throw duplicate(input.shortCode);
		throw error;
	}
}

export async function updateCannedResponse(db: Queryable, workspaceId: string, id: string, input: { shortCode?: string; content?: string }): Promise<CannedResponse> {
	try {
		const { rows } = await db.query<CannedResponse>(
			`UPDATE canned_responses SET short_code = coalesce($3, short_code), content = coalesce($4, content), updated_at = now()
			 WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
			[workspaceId, id, input.shortCode ?? null, input.content ?? null],
		);
		if (!rows[0]) throw notFound('Canned response');
		return rows[0];
	} catch (error) {
		if (isDuplicate(error)) throw duplicate(input.shortCode ?? '');
		throw error;
	}
}

export async function deleteCannedResponse(db: Queryable, workspaceId: string, id: string): Promise<void> {
	const { rowCount } = await db.query('DELETE FROM canned_responses WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
	if (!rowCount) throw notFound('Canned response');
}
