import type { Tx } from '../db/db';
import type { ChatIdentity } from '../providers/provider-events';
import { contactIdentity, contactKey, type ContactRow } from './contact-upsert';

/** One contact named by contacts.upsert / contacts.update. */
export interface ContactProfileInput {
	workspaceId: string;
	chat: ChatIdentity;
	/** Their WhatsApp push name (Evolution's name, verified name or, useless to us, the number: already dropped). */
	name?: string;
	/** undefined: unknown (leave as is); null: they have no picture (or hide it). */
	avatarUrl?: string | null;
}

export interface ContactProfileChange {
	/** The key of the input it answers (contactKey). */
	key: string;
	row: ContactRow;
	created: boolean;
}

const COLUMNS = 'id, workspace_id, phone_e164, wa_jid, lid, is_group, name, push_name, avatar_url';

/*
 * v: the contacts (one per identity); found: the ones that exist, by phone, @lid or group JID, the unique identity
 * indexes; upd: those whose push name or picture changed; ins: the others, created (a phone contact with its JID, an
 * @lid one with the @lid as its identity and address and no phone, a group by its JID). ON CONFLICT DO NOTHING: a
 * contact another writer created meanwhile is left to it (the next contacts.update refreshes it).
 */
const STATEMENT = `WITH v AS (
	SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[]) WITH ORDINALITY
	AS v(w, kind, k, jid, lid, n, has_avatar, avatar, ord)
 ),
 found AS MATERIALIZED (
	SELECT v.ord, c.id FROM v JOIN contacts c ON c.workspace_id = v.w AND c.phone_e164 = v.k WHERE v.kind = 'p'
	UNION ALL SELECT v.ord, c.id FROM v JOIN contacts c ON c.workspace_id = v.w AND c.lid = v.k WHERE v.kind = 'l'
	UNION ALL SELECT v.ord, c.id FROM v JOIN contacts c ON c.workspace_id = v.w AND c.wa_jid = v.k AND c.is_group WHERE v.kind = 'g'
 ),
 upd AS (
	UPDATE contacts c SET push_name = COALESCE(v.n, c.push_name), avatar_url = CASE WHEN v.has_avatar THEN v.avatar ELSE c.avatar_url END, updated_at = now()
	FROM found f JOIN v ON v.ord = f.ord
	WHERE c.id = f.id AND (c.push_name IS DISTINCT FROM COALESCE(v.n, c.push_name) OR (v.has_avatar AND c.avatar_url IS DISTINCT FROM v.avatar))
	RETURNING ${COLUMNS.split(', ').map((c) => `c.${c}`).join(', ')}
 ),
 ins AS (
	INSERT INTO contacts (workspace_id, phone_e164, wa_jid, lid, is_group, push_name, avatar_url)
	SELECT v.w, CASE WHEN v.kind = 'p' THEN v.k END, v.jid, v.lid, v.kind = 'g', v.n, v.avatar
	FROM v WHERE NOT EXISTS (SELECT 1 FROM found f WHERE f.ord = v.ord)
	ON CONFLICT DO NOTHING
	RETURNING ${COLUMNS}
 )
 SELECT *, false AS created FROM upd UNION ALL SELECT *, true AS created FROM ins`;

function keyOfRow(row: ContactRow): string {
	const chat: ChatIdentity = row.is_group
		? { jid: row.wa_jid ?? '', isGroup: true }
		: { jid: row.wa_jid ?? '', phone: row.phone_e164 ?? undefined, lid: row.lid ?? undefined, isGroup: false };
	return contactKey(row.workspace_id, chat);
}

/**
 * contacts.upsert / contacts.update: creates the contacts they name and refreshes the push name and picture of those
 * we have, in one set-based statement whatever the batch's size (a phone's address-book sync sends thousands at once).
 * A contact is not a conversation: nothing appears in the inbox until someone writes. Returns only what changed, so a
 * repeated delivery announces nothing.
 */
export async function upsertContactProfiles(tx: Tx, inputs: ContactProfileInput[]): Promise<ContactProfileChange[]> {
	const byKey = new Map<string, ContactProfileInput>();
	for (const input of inputs) {
		const key = contactKey(input.workspaceId, input.chat);
		const seen = byKey.get(key);
		byKey.set(key, seen ? { ...input, name: input.name ?? seen.name, avatarUrl: input.avatarUrl !== undefined ? input.avatarUrl : seen.avatarUrl } : input);
	}
	if (!byKey.size) return [];
	// In key order, so two writers lock the same rows in the same order.
	const list = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, input]) => input);
	const identities = list.map((i) => contactIdentity(i.chat));
	const { rows } = await tx.query<ContactRow & { created: boolean }>(STATEMENT, [
		list.map((i) => i.workspaceId),
		identities.map((i) => i.kind),
		identities.map((i) => i.value),
		list.map((i) => (i.chat.isGroup || i.chat.phone ? i.chat.jid : (i.chat.lid ?? i.chat.jid))),
		list.map((i) => (i.chat.isGroup ? null : (i.chat.lid ?? null))),
		list.map((i) => i.name ?? null),
		list.map((i) => i.avatarUrl !== undefined),
		list.map((i) => i.avatarUrl ?? null),
	]);
	return rows.map(({ created, ...row }) => ({ key: keyOfRow(row), row, created }));
}
