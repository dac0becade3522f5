import type { Tx } from '../db/db';
import type { ChatIdentity } from '../providers/provider-events';

export interface ContactInput {
	workspaceId: string;
	chat: ChatIdentity;
	/** The person's WhatsApp display name, from a message they sent. */
	pushName?: string;
}

export interface ContactRow {
	id: string;
	workspace_id: string;
	phone_e164: string | null;
	wa_jid: string | null;
	lid: string | null;
	is_group: boolean;
	name: string | null;
	push_name: string | null;
	avatar_url: string | null;
}

export interface ResolvedContact {
	row: ContactRow;
	created: boolean;
	/** The lead already tied to this contact, read in the same statement (saves the lead lookup a round trip). */
	leadId?: string;
}

/** The identity a contact is found by: (p) its phone, else (l) its @lid, else (g, groups) its JID. */
export function contactIdentity(chat: ChatIdentity): { kind: 'p' | 'l' | 'g'; value: string } {
	if (chat.isGroup) return { kind: 'g', value: chat.jid };
	if (chat.phone) return { kind: 'p', value: chat.phone };
	return { kind: 'l', value: chat.lid ?? chat.jid };
}

export function contactKey(workspaceId: string, chat: ChatIdentity): string {
	const identity = contactIdentity(chat);
	return `${identity.kind}|${workspaceId}|${identity.value}`;
}

const COLUMNS = ['id', 'workspace_id', 'phone_e164', 'wa_jid', 'lid', 'is_group', 'name', 'push_name', 'avatar_url'];
const RETURNING = COLUMNS.join(', ');

type FoundRow = ContactRow & { created: boolean; lead_id: string | null };

/**
 * One statement per identity kind: read the contacts that exist, insert the missing ones (ON CONFLICT DO NOTHING
 * against the unique identity index), and return both with each one's lead. Existing contacts, the steady state,
 * cost no insert attempt at all. A row missing from the answer lost a race with another process (or, for phones,
 * collided with an @lid-only contact, which is then adopted); the transaction is retried and sees the winner.
 */
async function findOrInsert(tx: Tx, insert: { columns: string; values: string; params: unknown[] }, match: string): Promise<FoundRow[]> {
	const { rows } = await tx.query<FoundRow>(
		`WITH v AS (SELECT * FROM unnest(${insert.values}) AS v(w, k, a, b, n)),
		 found AS (SELECT c.* FROM contacts c JOIN v ON c.workspace_id = v.w AND ${match}),
		 ins AS (
			INSERT INTO contacts (workspace_id, ${insert.columns}, push_name)
			SELECT w, k, a, b, n FROM v WHERE NOT EXISTS (SELECT 1 FROM found c WHERE c.workspace_id = v.w AND ${match})
			ON CONFLICT DO NOTHING RETURNING ${RETURNING}
		 ),
		 hit AS (SELECT ${RETURNING}, false AS created FROM found UNION ALL SELECT ${RETURNING}, true AS created FROM ins)
		 SELECT h.*, (SELECT l.id FROM leads l WHERE l.workspace_id = h.workspace_id AND l.contact_id = h.id) AS lead_id FROM hit h`,
		insert.params,
	);
	return rows;
}

function resolved(row: FoundRow): ResolvedContact {
	const { created, lead_id, ...contact } = row;
	return { row: contact, created, leadId: lead_id ?? undefined };
}

/**
 * Finds or creates the contacts for a batch of chats without read-then-write races (unique identity indexes and
 * ON CONFLICT). New knowledge (an @lid, a newer push name) is merged into existing rows.
 */
export async function upsertContacts(tx: Tx, inputs: ContactInput[]): Promise<Map<string, ResolvedContact>> {
	const byKey = new Map<string, ContactInput>();
	for (const input of inputs) {
		const key = contactKey(input.workspaceId, input.chat);
		const seen = byKey.get(key);
		byKey.set(key, seen ? { ...seen, chat: { ...seen.chat, lid: seen.chat.lid ?? input.chat.lid }, pushName: input.pushName ?? seen.pushName } : input);
	}
	const keys = [...byKey.keys()].sort();
	const result = new Map<string, ResolvedContact>();

	const phones = keys.filter((k) => k.startsWith('p|')).map((k) => byKey.get(k) as ContactInput);
	const lids = keys.filter((k) => k.startsWith('l|')).map((k) => byKey.get(k) as ContactInput);
	const groups = keys.filter((k) => k.startsWith('g|')).map((k) => byKey.get(k) as ContactInput);

	if (phones.length) {
		const found = await findOrInsert(
			tx,
			{
				columns: 'phone_e164, wa_jid, lid',
				values: '$1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[]',
				params: [phones.map((i) => i.workspaceId), phones.map((i) => i.chat.phone), phones.map((i) => i.chat.jid), phones.map((i) => i.chat.lid ?? null), phones.map((i) => i.pushName ?? null)],
			},
			'c.phone_e164 = v.k',
		);
		const rows = new Map(found.map((r) => [contactKey(r.workspace_id, { jid: '', phone: r.phone_e164 ?? undefined, isGroup: false }), r]));
		for (const input of phones) {
			const key = contactKey(input.workspaceId, input.chat);
			const row = rows.get(key);
			if (row) result.set(key, resolved(row));
			// The insert lost on the @lid index: the person wrote before from a chat that only showed the @lid.
			else if (input.chat.lid) result.set(key, await adoptLidContact(tx, input));
			else throw Object.assign(new Error(`contact for ${key} vanished during upsert`), { code: '40001' });
		}
	}

	for (const [list, isGroup] of [[lids, false], [groups, true]] as const) {
		if (!list.length) continue;
		const ids = list.map((i) => (isGroup ? i.chat.jid : i.chat.lid ?? i.chat.jid));
		const found = await findOrInsert(
			tx,
			{
				// A group is known by its JID; a person without a known phone by their @lid, which is also where replies go.
				columns: isGroup ? 'wa_jid, lid, is_group' : 'lid, wa_jid, is_group',
				values: '$1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::text[]',
				params: [list.map((i) => i.workspaceId), ids, isGroup ? list.map(() => null) : ids, list.map(() => isGroup), list.map((i) => i.pushName ?? null)],
			},
			isGroup ? 'c.wa_jid = v.k AND c.is_group' : 'c.lid = v.k',
		);
		const rows = new Map(found.map((r) => [`${r.workspace_id}|${isGroup ? r.wa_jid : r.lid}`, r]));
		list.forEach((input, index) => {
			const row = rows.get(`${input.workspaceId}|${ids[index]}`);
			if (!row) throw Object.assign(new Error(`contact ${ids[index]} vanished during upsert`), { code: '40001' });
			result.set(contactKey(input.workspaceId, input.chat), resolved(row));
		});
	}

	await mergeContactDetails(tx, [...byKey.entries()].map(([key, input]) => ({ input, resolved: result.get(key) as ResolvedContact })));
	return result;
}

/** Gives the @lid-only contact of this person their phone number; rare, so one statement per contact. */
async function adoptLidContact(tx: Tx, input: ContactInput): Promise<ResolvedContact> {
	const { rows } = await tx.query<FoundRow>(
		`UPDATE contacts c SET phone_e164 = $3, wa_jid = $4, updated_at = now()
		 WHERE workspace_id = $1 AND lid = $2 AND phone_e164 IS NULL
		 RETURNING ${COLUMNS.map((column) => `c.${column}`).join(', ')}, false AS created,
			(SELECT l.id FROM leads l WHERE l.workspace_id = c.workspace_id AND l.contact_id = c.id) AS lead_id`,
		[input.workspaceId, input.chat.lid, input.chat.phone, input.chat.jid],
	);
	if (!rows[0]) throw Object.assign(new Error(`contact for ${input.chat.phone} vanished during upsert`), { code: '40001' });
	return resolved(rows[0]);
}

/** Adds what the batch taught us about existing contacts: a missing @lid or JID, a changed push name. */
async function mergeContactDetails(tx: Tx, items: Array<{ input: ContactInput; resolved: ResolvedContact }>): Promise<void> {
	const changes = items.filter(({ input, resolved }) => {
		if (resolved.created) return false;
		const row = resolved.row;
		return (
			(input.chat.lid && !row.lid) ||
			(!input.chat.isGroup && input.chat.phone && !row.wa_jid) ||
			(input.pushName && input.pushName !== row.push_name)
		);
	});
	if (!changes.length) return;
	changes.sort((a, b) => (a.resolved.row.id < b.resolved.row.id ? -1 : 1));
	const updated = await tx.query<ContactRow>(
		`UPDATE contacts c SET
			lid = CASE WHEN c.lid IS NULL AND v.l IS NOT NULL AND NOT EXISTS (SELECT 1 FROM contacts o WHERE o.workspace_id = c.workspace_id AND o.lid = v.l) THEN v.l ELSE c.lid END,
			wa_jid = COALESCE(c.wa_jid, v.j),
			push_name = COALESCE(v.n, c.push_name),
			updated_at = now()
		 FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS v(id, l, j, n)
		 WHERE c.id = v.id RETURNING ${COLUMNS.map((column) => `c.${column}`).join(', ')}`,
		[
			changes.map((c) => c.resolved.row.id),
			changes.map((c) => c.input.chat.lid ?? null),
			changes.map((c) => (c.input.chat.isGroup ? null : c.input.chat.jid)),
			changes.map((c) => c.input.pushName ?? null),
		],
	);
	const byId = new Map(updated.rows.map((r) => [r.id, r]));
	for (const change of changes) change.resolved.row = byId.get(change.resolved.row.id) ?? change.resolved.row;
}
