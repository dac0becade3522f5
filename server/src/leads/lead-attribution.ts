/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error, no-console */
import { phoneVariants } from '../contacts/phone-number';
import type { Tx } from '../db/db';
import type { AdReferral } from '../providers/provider-events';
import { findFirstTouchToken } from './first-touch-token';

export interface FirstContact {
	workspaceId: string;
	contactId: string;
	phone?: string;
	name?: string;
	/** Text of the contact's first inbound message. */
	text?: string;
	referral?: AdReferral;
	at: Date;
}

export interface AttributedLead {
	leadId: string;
	created: boolean;
	matchMethod: 'token' | 'phone' | 'new' | 'existing';
}

function referralParams(referral: AdReferral | undefined): unknown[] {
	return [referral?.ctwaClid ?? null, referral?.sourceId ?? null, referral?.sourceType ?? null, referral?.sourceUrl ?? null, referral?.headline ?? null, referral?.body ?? null, referral ? JSON.stringify(referral.raw) : null];
}

// Fills the ad columns from $4…$10 without overwriting what an earlier touch recorded.
const MATCH_SET = `contact_id = $2, matched_at = now(), first_message_at = COALESCE(first_message_at, $3),
	ctwa_clid = COALESCE(ctwa_clid, $4), ad_source_id = COALESCE(ad_source_id, $5), ad_source_type = COALESCE(ad_source_type, $6),
	ad_source_url = COALESCE(ad_source_url, $7), ad_headline = COALESCE(ad_headline, $8), ad_body = COALESCE(ad_body, $9),
	referral = COALESCE(referral, $10::jsonb), updated_at = now()`;

/**
 * Ties a contact's first inbound message to a lead: the lead whose first_touch_token the message quotes, else an
 * unclaimed lead with the same phone (ninth-digit variants included), else a new lead. Concurrent first messages
 * converge on one lead through the unique (workspace_id, contact_id) index; the losers read the winner's row.
 */
export async function attributeLead(tx: Tx, first: FirstContact): Promise<AttributedLead> {
	const common = [first.workspaceId, first.contactId, first.at.toISOString(), ...referralParams(first.referral)];
	const token = findFirstTouchToken(first.text);
	if (token) {
		const byToken = await tx.query<{ id: string }>(
			`UPDATE leads SET ${MATCH_SET}, match_method = 'token', phone_e164 = COALESCE(phone_e164, $12)
			 WHERE workspace_id = $1 AND first_touch_token = $11 AND contact_id IS NULL RETURNING id`,
			[...common, token, first.phone ?? null],
		);
		if (byToken.rows[0]) return { leadId: byToken.rows[0].id, created: false, matchMethod: 'token' };
	}
	if (first.phone) {
		const byPhone = await tx.query<{ id: string }>(
			`UPDATE leads SET ${MATCH_SET}, match_method = 'phone', phone_e164 = $12
			 WHERE id = (SELECT id FROM leads WHERE workspace_id = $1 AND contact_id IS NULL AND phone_e164 = ANY($11::text[])
			             ORDER BY created_at DESC LIMIT 1 FOR UPDATE)
			   AND contact_id IS NULL RETURNING id`,
			[...common, phoneVariants(first.phone), first.phone],
		);
		if (byPhone.rows[0]) return { leadId: byPhone.rows[0].id, created: false, matchMethod: 'phone' };
	}
	const inserted = await tx.query<{ id: string }>(
		`INSERT INTO leads (workspace_id, contact_id, first_message_at, ctwa_clid, ad_source_id, ad_source_type, ad_source_url, ad_headline, ad_body, referral,
			name, phone_e164, source, match_method, matched_at, attributes)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, 'new', now(), $14::jsonb)
		 ON CONFLICT (workspace_id, contact_id) WHERE contact_id IS NOT NULL DO NOTHING RETURNING id`,
		[...common, first.name ?? null, first.phone ?? null, first.referral ? 'ctwa_ad' : 'whatsapp', JSON.stringify(token ? { unmatchedFirstTouchToken: token } : {})],
	);
	if (inserted.rows[0]) return { leadId: inserted.rows[0].id, created: true, matchMethod: 'new' };
	const existing = await tx.query<{ id: string }>('SELECT id FROM leads WHERE workspace_id = $1 AND contact_id = $2', [first.workspaceId, first.contactId]);
	if (!existing.rows[0]) throw Object.assign(new Error('lead vanished during attribution'), { code: '40001' });
	return { leadId: existing.rows[0].id, created: false, matchMethod: 'existing' };
}

/** A later ad click by a known contact: keep the referral on the lead if it has none yet. */
export async function recordReferral(tx: Tx, workspaceId: string, leadId: string, referral: AdReferral): Promise<void> {
	await tx.query(
		`UPDATE leads SET ctwa_clid = $3, ad_source_id = $4, ad_source_type = $5, ad_source_url = $6, ad_headline = $7, ad_body = $8, referral = $9::jsonb, updated_at = now()
		 WHERE workspace_id = $1 AND id = $2 AND referral IS NULL AND ctwa_clid IS NULL`,
		[workspaceId, leadId, ...referralParams(referral)],
	);
}

/** Leads already attached to these contacts. */
export async function findLeadsByContact(tx: Tx, contacts: Array<{ workspaceId: string; contactId: string }>): Promise<Map<string, string>> {
	if (!contacts.length) return new Map();
	const { rows } = await tx.query<{ id: string; contact_id: string }>(
		'SELECT l.id, l.contact_id FROM leads l JOIN unnest($1::uuid[], $2::uuid[]) AS v(w, c) ON l.workspace_id = v.w AND l.contact_id = v.c',
		[contacts.map((c) => c.workspaceId), contacts.map((c) => c.contactId)],
	);
	return new Map(rows.map((r) => [r.contact_id, r.id]));
}
