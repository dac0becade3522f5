import type { z } from 'zod/v4';
import { canonicalPhone, phoneVariants } from '../../contacts/phone-number';
import type { Db, Queryable } from '../../db/db';
import { badRequest, conflict, notFound } from '../api/api-error';
import { cursorKeySql, decodeCursor, encodeCursor, withoutSortKey } from '../api/cursor';
import type { CreateLead, leadSchema, ListLeadsQuery, UpdateLead } from './lead-schemas';

export type Lead = z.infer<typeof leadSchema>;

const COLUMNS = `l.id, l.contact_id AS "contactId", l.name, l.phone_e164 AS "phoneE164", l.email, l.source, l.status, l.score,
	l.first_touch_token AS "firstTouchToken", l.match_method AS "matchMethod", l.matched_at AS "matchedAt", l.first_message_at AS "firstMessageAt",
	l.utm_source AS "utmSource", l.utm_medium AS "utmMedium", l.utm_campaign AS "utmCampaign", l.utm_content AS "utmContent", l.utm_term AS "utmTerm",
	l.ctwa_clid AS "ctwaClid", l.ad_source_id AS "adSourceId", l.ad_source_type AS "adSourceType", l.ad_source_url AS "adSourceUrl",
	l.ad_headline AS "adHeadline", l.owner_user_id AS "ownerUserId", l.attributes, l.created_at AS "createdAt", l.updated_at AS "updatedAt"`;

/** Client field → column; the order is the order of the SQL parameters. */
const WRITABLE: Array<[keyof UpdateLead, string]> = [
	['name', 'name'],
	['phone', 'phone_e164'],
	['email', 'email'],
	['source', 'source'],
	['status', 'status'],
	['score', 'score'],
	['firstTouchToken', 'first_touch_token'],
	['utmSource', 'utm_source'],
	['utmMedium', 'utm_medium'],
	['utmCampaign', 'utm_campaign'],
	['utmContent', 'utm_content'],
	['utmTerm', 'utm_term'],
	['ownerUserId', 'owner_user_id'],
	['contactId', 'contact_id'],
	['attributes', 'attributes'],
];

/** Checks that referenced rows are in the caller's workspace and normalises the phone. */
async function prepare(db: Queryable, workspaceId: string, input: Partial<UpdateLead>): Promise<Partial<UpdateLead>> {
	const out = { ...input };
	if (input.phone) {
		const e164 = canonicalPhone(input.phone);
		if (!e164) throw badRequest('phone is not a valid phone number; include the country code (e.g. +55 11 98888-7777).', 'invalid_phone');
		out.phone = e164;
	}
	if (input.ownerUserId) {
		const { rows } = await db.query('SELECT 1 FROM users WHERE workspace_id = $1 AND id = $2', [workspaceId, input.ownerUserId]);
		if (!rows.length) throw notFound('Owner attendant');
	}
	if (input.contactId) {
		const { rows } = await db.query('SELECT 1 FROM contacts WHERE workspace_id = $1 AND id = $2', [workspaceId, input.contactId]);
		if (!rows.length) throw notFound('Contact');
	}
	return out;
}

// jsonb parameters go as text on both drivers.
const toParam = (value: unknown) => (value !== null && typeof value === 'object' ? JSON.stringify(value) : value);

function rethrowUnique(error: unknown): never {
	const e = error as { code?: string; constraint?: string; message?: string };
	if (e.code === '23505') {
		const which = `${e.constraint ?? ''} ${e.message ?? ''}`;
		if (which.includes('first_touch')) throw conflict('Another lead already has this firstTouchToken.', 'token_taken');
		throw conflict('That contact already has a lead.', 'contact_has_lead');
	}
	throw error;
}

export async function createLead(db: Queryable, workspaceId: string, input: CreateLead): Promise<Lead> {
	const fields = await prepare(db, workspaceId, input);
	const present = WRITABLE.filter(([key]) => fields[key] !== undefined);
	const columns = ['workspace_id', ...present.map(([, column]) => column)];
	const values = [workspaceId, ...present.map(([key]) => toParam(fields[key]))];
	try {
		const { rows } = await db.query<Lead>(
			`WITH l AS (INSERT INTO leads (${columns.join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING *)
			 SELECT ${COLUMNS} FROM l`,
			values,
		);
		return rows[0];
	} catch (error) {
		rethrowUnique(error);
	}
}

export async function findLead(db: Queryable, workspaceId: string, leadId: string): Promise<Lead | undefined> {
	const { rows } = await db.query<Lead>(`SELECT ${COLUMNS} FROM leads l WHERE l.workspace_id = $1 AND l.id = $2`, [workspaceId, leadId]);
	return rows[0];
}

export async function updateLead(db: Queryable, workspaceId: string, leadId: string, patch: Partial<UpdateLead>): Promise<Lead> {
	const fields = await prepare(db, workspaceId, patch);
	const present = WRITABLE.filter(([key]) => fields[key] !== undefined);
	const sets = present.map(([, column], i) => `${column} = $${i + 3}`);
	try {
		const { rows } = await db.query<Lead>(
			`WITH l AS (UPDATE leads SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE workspace_id = $1 AND id = $2 RETURNING *)
			 SELECT ${COLUMNS} FROM l`,
			[workspaceId, leadId, ...present.map(([key]) => toParam(fields[key]))],
		);
		if (!rows[0]) throw notFound('Lead');
		return rows[0];
	} catch (error) {
		rethrowUnique(error);
	}
}

export async function deleteLead(db: Queryable, workspaceId: string, leadId: string): Promise<void> {
	const { rowCount } = await db.query('DELETE FROM leads WHERE workspace_id = $1 AND id = $2', [workspaceId, leadId]);
	if (rowCount === 0) throw notFound('Lead');
}

export async function listLeads(db: Queryable, workspaceId: string, query: ListLeadsQuery): Promise<{ items: Lead[]; nextCursor: string | null }> {
	const params: unknown[] = [workspaceId];
	const where = ['l.workspace_id = $1'];
	const add = (sql: (p: string) => string, value: unknown) => {
		params.push(value);
		where.push(sql(`$${params.length}`));
	};
	if (query.status) add((p) => `l.status = ${p}`, query.status);
	if (query.source) add((p) => `l.source = ${p}`, query.source);
	if (query.ownerUserId) add((p) => `l.owner_user_id = ${p}`, query.ownerUserId);
	if (query.q) {
		add((p) => `(l.name ILIKE ${p} OR l.email ILIKE ${p} OR l.phone_e164 LIKE ${p})`, `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
	}
	if (query.cursor) {
		const after = decodeCursor(query.cursor);
		params.push(after.at, after.id);
		where.push(`(l.created_at, l.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
	}
	params.push(query.limit + 1);
	const { rows } = await db.query<Lead & { sortKey: string }>(
		`SELECT ${COLUMNS}, ${cursorKeySql('l.created_at')} AS "sortKey" FROM leads l WHERE ${where.join(' AND ')}
		 ORDER BY l.created_at DESC, l.id DESC LIMIT $${params.length}`,
		params,
	);
	const page = rows.slice(0, query.limit);
	const last = page[page.length - 1];
	return {
		items: page.map(withoutSortKey),
		nextCursor: rows.length > query.limit && last ? encodeCursor(last.sortKey, last.id) : null,
	};
}

/** First-touch attribution: set when a lead is created, never overwritten by a later upsert of the same person. */
const ATTRIBUTION: Array<keyof UpdateLead> = ['source', 'firstTouchToken', 'utmSource', 'utmMedium', 'utmCampaign', 'utmContent', 'utmTerm'];

/**
 * Upsert by phone (n8n's "create or update"): the oldest lead with this phone (a Brazilian mobile with or without its
 * ninth digit) gets the given fields; without one, a lead is created with them and its attribution (source default
 * manual). On an existing lead the attribution fields only fill what is still empty (the first touch wins). Upserts of
 * one phone are serialised by a transaction-scoped advisory lock, so concurrent calls make one lead.
 */
export async function upsertLeadByPhone(
	db: Db,
	workspaceId: string,
	input: Partial<UpdateLead> & { phone: string },
): Promise<{ lead: Lead; created: boolean }> {
	const e164 = canonicalPhone(input.phone);
	if (!e164) throw badRequest('phone is not a valid phone number; include the country code (e.g. +55 11 98888-7777).', 'invalid_phone');
	return db.transaction(async (tx) => {
		await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`lead-phone:${workspaceId}:${e164}`]);
		const { rows } = await tx.query<{ id: string }>(
			'SELECT id FROM leads WHERE workspace_id = $1 AND phone_e164 = ANY($2::text[]) ORDER BY created_at, id LIMIT 1',
			[workspaceId, phoneVariants(e164)],
		);
		if (!rows[0]) {
			const lead = await createLead(tx, workspaceId, { ...input, phone: e164, source: input.source ?? 'manual', status: input.status ?? 'new' });
			return { lead, created: true };
		}
		const existing = (await findLead(tx, workspaceId, rows[0].id)) as Lead;
		const kept = new Set<string>(['phone', ...ATTRIBUTION.filter((key) => key === 'source' || existing[key as keyof Lead] !== null)]);
		const patch = Object.fromEntries(Object.entries(input).filter(([key]) => !kept.has(key))) as Partial<UpdateLead>;
		const changed = Object.values(patch).some((value) => value !== undefined);
		return { lead: changed ? await updateLead(tx, workspaceId, existing.id, patch) : existing, created: false };
	});
}
