import { z } from 'zod/v4';
import { canonicalPhone, phoneVariants } from '../../contacts/phone-number';
import type { Queryable } from '../../db/db';
import { badRequest, notFound } from '../api/api-error';

/**
 * A person (or group) the workspace talks to on WhatsApp, with their opt-out state, as the API answers it (the schema
 * documents it in OpenAPI).
 */
export const contactSchema = z.object({
	id: z.uuid(),
	phoneE164: z.string().nullable(),
	waJid: z.string().nullable(),
	isGroup: z.boolean(),
	name: z.string().nullable().describe("The team's name for them (null: WhatsApp's push name is shown)"),
	pushName: z.string().nullable().describe('The name they gave WhatsApp'),
	avatarUrl: z.string().nullable(),
	email: z.string().nullable(),
	tags: z.array(z.string()),
	attributes: z.record(z.string(), z.unknown()),
	optedOutAt: z.string().nullable().describe('When they opted out of proactive sends (an opt-out word, or through the API); null while they take them'),
	optedOutWord: z.string().nullable(),
	leadId: z.uuid().nullable().describe('Their lead, when they have one'),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type Contact = z.infer<typeof contactSchema>;

export interface ContactPatch {
	name?: string | null;
	email?: string | null;
	tags?: string[];
	attributes?: Record<string, unknown>;
}

const COLUMNS = `ct.id, ct.phone_e164 AS "phoneE164", ct.wa_jid AS "waJid", ct.is_group AS "isGroup", ct.name, ct.push_name AS "pushName",
	ct.avatar_url AS "avatarUrl", ct.email, ct.tags, ct.attributes, ct.opted_out_at AS "optedOutAt", ct.opted_out_word AS "optedOutWord",
	(SELECT l.id FROM leads l WHERE l.workspace_id = ct.workspace_id AND l.contact_id = ct.id) AS "leadId",
	ct.created_at AS "createdAt", ct.updated_at AS "updatedAt"`;

export async function findContact(db: Queryable, workspaceId: string, contactId: string): Promise<Contact> {
	const { rows } = await db.query<Contact>(`SELECT ${COLUMNS} FROM contacts ct WHERE ct.workspace_id = $1 AND ct.id = $2`, [workspaceId, contactId]);
	if (!rows[0]) throw notFound('Contact');
	return rows[0];
}

/** The contact of a phone number in any format; a Brazilian mobile is found with or without its ninth digit. */
export async function findContactsByPhone(db: Queryable, workspaceId: string, phone: string): Promise<Contact[]> {
	const e164 = canonicalPhone(phone);
	if (!e164) throw badRequest('phone is not a valid phone number; include the country code (e.g. +55 11 98888-7777).', 'invalid_phone');
	const { rows } = await db.query<Contact>(
		`SELECT ${COLUMNS} FROM contacts ct WHERE ct.workspace_id = $1 AND ct.phone_e164 = ANY($2::text[]) ORDER BY ct.created_at, ct.id`,
		[workspaceId, phoneVariants(e164)],
	);
	return rows;
}

// jsonb parameters go as text on both drivers.
const toParam = (value: unknown) => (value !== null && typeof value === 'object' && !Array.isArray(value) ? JSON.stringify(value) : value);

const WRITABLE: Array<[keyof ContactPatch, string]> = [
	['name', 'name'],
	['email', 'email'],
	['tags', 'tags'],
	['attributes', 'attributes'],
];

export async function updateContact(db: Queryable, workspaceId: string, contactId: string, patch: ContactPatch): Promise<Contact> {
	const present = WRITABLE.filter(([key]) => patch[key] !== undefined);
	const sets = present.map(([key, column], i) => `${column} = $${i + 3}${key === 'attributes' ? '::jsonb' : key === 'tags' ? '::text[]' : ''}`);
	const { rowCount } = await db.query(`UPDATE contacts SET ${[...sets, 'updated_at = now()'].join(', ')} WHERE workspace_id = $1 AND id = $2`, [
		workspaceId,
		contactId,
		...present.map(([key]) => toParam(patch[key])),
	]);
	if (rowCount === 0) throw notFound('Contact');
	return findContact(db, workspaceId, contactId);
}

/**
 * Opts a contact out of proactive sends (the outbox refuses them, replies still go), or back in. Opting out keeps the
 * first time and word; `word` records why (an automation's reason), "API" when none is given.
 */
export async function setOptOut(db: Queryable, workspaceId: string, contactId: string, optedOut: boolean, word?: string): Promise<Contact> {
	const { rowCount } = optedOut
		? await db.query(
				`UPDATE contacts SET opted_out_at = coalesce(opted_out_at, now()), opted_out_word = coalesce(opted_out_word, $3), updated_at = now()
				 WHERE workspace_id = $1 AND id = $2`,
				[workspaceId, contactId, word ?? 'API'],
			)
		: await db.query('UPDATE contacts SET opted_out_at = NULL, opted_out_word = NULL, updated_at = now() WHERE workspace_id = $1 AND id = $2', [workspaceId, contactId]);
	if (rowCount === 0) throw notFound('Contact');
	return findContact(db, workspaceId, contactId);
}
