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

interface Candidate {
	id: string;
	workspace_id: string;
	first_touch_token: string | null;
	phone_e164: string | null;
}

type Decision = { first: FirstContact; token?: string; claim?: { leadId: string; method: 'token' | 'phone' } };

/**
 * Ties contacts' first inbound messages to leads, for a whole batch in two statements: the lead whose
 * first_touch_token the message quotes, else the newest unclaimed lead with the same phone (ninth-digit variants
 * included), else a new lead. The candidates are locked while read; a claim or insert that another process won
 * meanwhile (the contact_id IS NULL guard, the unique (workspace_id, contact_id) index) is reported as a
 * serialization failure, so the transaction is retried and then sees the winner's lead as the contact's own.
 */
export async function attributeLeads(tx: Tx, firsts: FirstContact[]): Promise<Map<string, AttributedLead>> {
	const result = new Map<string, AttributedLead>();
	if (!firsts.length) return result;
	const people = [...firsts].sort((a, b) => (a.contactId < b.contactId ? -1 : 1));
	const tokens = people.map((first) => findFirstTouchToken(first.text));

	const tokenKeys = people.flatMap((first, i) => (tokens[i] ? [[first.workspaceId, tokens[i]]] : []));
	const phoneKeys = people.flatMap((first) => (first.phone ? phoneVariants(first.phone).map((variant) => [first.workspaceId, variant]) : []));
	const { rows: candidates } = await tx.query<Candidate>(
		`SELECT id, workspace_id, first_touch_token, phone_e164 FROM leads
		 WHERE contact_id IS NULL AND id IN (
			SELECT l.id FROM leads l JOIN unnest($1::uuid[], $2::text[]) AS v(w, t) ON l.workspace_id = v.w AND l.first_touch_token = v.t
			UNION SELECT l.id FROM leads l JOIN unnest($3::uuid[], $4::text[]) AS v(w, p) ON l.workspace_id = v.w AND l.phone_e164 = v.p)
		 ORDER BY created_at DESC, id FOR UPDATE`,
		[tokenKeys.map((k) => k[0]), tokenKeys.map((k) => k[1]), phoneKeys.map((k) => k[0]), phoneKeys.map((k) => k[1])],
	);

	const claimed = new Set<string>();
	const decisions: Decision[] = people.map((first, i) => {
		const token = tokens[i];
		const available = candidates.filter((c) => c.workspace_id === first.workspaceId && !claimed.has(c.id));
		const byToken = token ? available.find((c) => c.first_touch_token === token) : undefined;
		const variants = first.phone ? phoneVariants(first.phone) : [];
		// Candidates come newest first: the most recent form fill for this number wins.
		const byPhone = byToken ? undefined : available.find((c) => c.phone_e164 !== null && variants.includes(c.phone_e164));
		const lead = byToken ?? byPhone;
		if (!lead) return { first, token };
		claimed.add(lead.id);
		return { first, token, claim: { leadId: lead.id, method: byToken ? 'token' : 'phone' } };
	});

	const claims = decisions.filter((d) => d.claim);
	const fresh = decisions.filter((d) => !d.claim);
	const column = <T>(list: Decision[], pick: (d: Decision) => T) => list.map(pick);
	const referral = (list: Decision[], index: number) => list.map((d) => referralParams(d.first.referral)[index]);
	const { rows } = await tx.query<{ id: string; contact_id: string; match_method: 'token' | 'phone' | 'new' }>(
		`WITH claim AS (
			UPDATE leads l SET contact_id = v.contact, matched_at = now(), first_message_at = COALESCE(l.first_message_at, v.at),
				ctwa_clid = COALESCE(l.ctwa_clid, v.clid), ad_source_id = COALESCE(l.ad_source_id, v.sid), ad_source_type = COALESCE(l.ad_source_type, v.stype),
				ad_source_url = COALESCE(l.ad_source_url, v.surl), ad_headline = COALESCE(l.ad_headline, v.head), ad_body = COALESCE(l.ad_body, v.body),
				referral = COALESCE(l.referral, v.ref::jsonb), match_method = v.method,
				phone_e164 = CASE WHEN v.method = 'token' THEN COALESCE(l.phone_e164, v.phone) ELSE v.phone END, updated_at = now()
			FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])
				AS v(id, contact, method, at, clid, sid, stype, surl, head, body, ref, phone)
			WHERE l.id = v.id AND l.contact_id IS NULL
			RETURNING l.id, l.contact_id, l.match_method
		 ),
		 fresh AS (
			INSERT INTO leads (workspace_id, contact_id, first_message_at, ctwa_clid, ad_source_id, ad_source_type, ad_source_url, ad_headline, ad_body, referral,
				name, phone_e164, source, match_method, matched_at, attributes)
			SELECT w, contact, at, clid, sid, stype, surl, head, body, ref::jsonb, name, phone, source, 'new', now(), attrs::jsonb
			FROM unnest($13::uuid[], $14::uuid[], $15::timestamptz[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[],
				$23::text[], $24::text[], $25::text[], $26::text[])
				AS v(w, contact, at, clid, sid, stype, surl, head, body, ref, name, phone, source, attrs)
			ON CONFLICT (workspace_id, contact_id) WHERE contact_id IS NOT NULL DO NOTHING
			RETURNING id, contact_id, match_method
		 )
		 SELECT * FROM claim UNION ALL SELECT * FROM fresh`,
		[
			column(claims, (d) => d.claim?.leadId),
			column(claims, (d) => d.first.contactId),
			column(claims, (d) => d.claim?.method),
			column(claims, (d) => d.first.at.toISOString()),
			...[0, 1, 2, 3, 4, 5, 6].map((i) => referral(claims, i)),
			column(claims, (d) => d.first.phone ?? null),
			column(fresh, (d) => d.first.workspaceId),
			column(fresh, (d) => d.first.contactId),
			column(fresh, (d) => d.first.at.toISOString()),
			...[0, 1, 2, 3, 4, 5, 6].map((i) => referral(fresh, i)),
			column(fresh, (d) => d.first.name ?? null),
			column(fresh, (d) => d.first.phone ?? null),
			column(fresh, (d) => (d.first.referral ? 'ctwa_ad' : 'whatsapp')),
			column(fresh, (d) => JSON.stringify(d.token ? { unmatchedFirstTouchToken: d.token } : {})),
		],
	);
	for (const row of rows) result.set(row.contact_id, { leadId: row.id, created: row.match_method === 'new', matchMethod: row.match_method });
	const lost = people.find((first) => !result.has(first.contactId));
	if (lost) throw Object.assign(new Error(`lead attribution for contact ${lost.contactId} lost a race`), { code: '40001' });
	return result;
}

/** A later ad click by a known contact: keep the referral on the lead if it has none yet. */
export async function recordReferral(tx: Tx, workspaceId: string, leadId: string, referral: AdReferral): Promise<void> {
	await tx.query(
		`UPDATE leads SET ctwa_clid = $3, ad_source_id = $4, ad_source_type = $5, ad_source_url = $6, ad_headline = $7, ad_body = $8, referral = $9::jsonb, updated_at = now()
		 WHERE workspace_id = $1 AND id = $2 AND referral IS NULL AND ctwa_clid IS NULL`,
		[workspaceId, leadId, ...referralParams(referral)],
	);
}
