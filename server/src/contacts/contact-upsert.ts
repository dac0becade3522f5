/* eslint-disable @n8n/community-nodes/no-restricted-globals, @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-dangerous-functions, @n8n/community-nodes/require-node-api-error, no-console */
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
}

/** The identity a contact is found by: its phone, else its @lid, else (groups) its JID. */
export function contactKey(workspaceId: string, chat: ChatIdentity): string {
	if (chat.isGroup) return `g|${workspaceId}|${chat.jid}`;
	if (chat.phone) return `p|${workspaceId}|${chat.phone}`;
	return `l|${workspaceId}|${chat.lid ?? chat.jid}`;
}

const RETURNING = 'id, workspace_id, phone_e164, wa_jid, lid, is_group, name, push_name, avatar_url';

/**
 * Finds or creates the contacts for a batch of chats without read-then-write races: INSERT … ON CONFLICT DO
 * NOTHING against the unique identity indexes, then SELECT (which, under READ COMMITTED, sees a concurrent
 * writer's row once it has committed). New knowledge (an @lid, a newer push name) is merged into existing rows.
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
	const created = new Set<string>();

	const phones = keys.filter((k) => k.startsWith('p|')).map((k) => byKey.get(k) as ContactInput);
	const lids = keys.filter((k) => k.startsWith('l|')).map((k) => byKey.get(k) as ContactInput);
	const groups = keys.filter((k) => k.startsWith('g|')).map((k) => byKey.get(k) as ContactInput);

	if (phones.length) {
		const inserted = await tx.query<{ id: string }>(
			`INSERT INTO contacts (workspace_id, phone_e164, wa_jid, lid, push_name)
			 SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[])
			 ON CONFLICT DO NOTHING RETURNING id`,
			[phones.map((i) => i.workspaceId), phones.map((i) => i.chat.phone), phones.map((i) => i.chat.jid), phones.map((i) => i.chat.lid ?? null), phones.map((i) => i.pushName ?? null)],
		);
		for (const row of inserted.rows) created.add(row.id);
		const found = await tx.query<ContactRow>(
			`SELECT ${RETURNING} FROM contacts c JOIN unnest($1::uuid[], $2::text[]) AS v(w, p) ON c.workspace_id = v.w AND c.phone_e164 = v.p`,
			[phones.map((i) => i.workspaceId), phones.map((i) => i.chat.phone)],
		);
		const rows = new Map(found.rows.map((r) => [contactKey(r.workspace_id, { jid: '', phone: r.phone_e164 ?? undefined, isGroup: false }), r]));
		for (const input of phones) {
			const key = contactKey(input.workspaceId, input.chat);
			let row = rows.get(key);
			// The insert lost on the @lid index: the person wrote before from a chat that only showed the @lid.
			if (!row && input.chat.lid) {
				const adopted = await tx.query<ContactRow>(
					`UPDATE contacts SET phone_e164 = $3, wa_jid = $4, updated_at = now()
					 WHERE workspace_id = $1 AND lid = $2 AND phone_e164 IS NULL RETURNING ${RETURNING}`,
					[input.workspaceId, input.chat.lid, input.chat.phone, input.chat.jid],
				);
				row = adopted.rows[0];
			}
			if (!row) throw Object.assign(new Error(`contact for ${key} vanished during upsert`), { code: '40001' });
			result.set(key, { row, created: created.has(row.id) });
		}
	}

	for (const [inputs, conflictColumn] of [[lids, 'lid'], [groups, 'wa_jid']] as const) {
		if (!inputs.length) continue;
		const isGroup = conflictColumn === 'wa_jid';
		const ids = inputs.map((i) => (isGroup ? i.chat.jid : i.chat.lid ?? i.chat.jid));
		const inserted = await tx.query<{ id: string }>(
			`INSERT INTO contacts (workspace_id, ${isGroup ? 'wa_jid, is_group' : 'lid, wa_jid'}, push_name)
			 SELECT w, j, ${isGroup ? 'true' : 'j'}, n FROM unnest($1::uuid[], $2::text[], $3::text[]) AS v(w, j, n)
			 ON CONFLICT DO NOTHING RETURNING id`,
			[inputs.map((i) => i.workspaceId), ids, inputs.map((i) => i.pushName ?? null)],
		);
		for (const row of inserted.rows) created.add(row.id);
		const found = await tx.query<ContactRow>(
			`SELECT ${RETURNING} FROM contacts c JOIN unnest($1::uuid[], $2::text[]) AS v(w, j)
			 ON c.workspace_id = v.w AND c.${conflictColumn} = v.j ${isGroup ? 'AND c.is_group' : ''}`,
			[inputs.map((i) => i.workspaceId), ids],
		);
		const rows = new Map(found.rows.map((r) => [`${r.workspace_id}|${isGroup ? r.wa_jid : r.lid}`, r]));
		inputs.forEach((input, index) => {
			const row = rows.get(`${input.workspaceId}|${ids[index]}`);
			if (!row) throw Object.assign(new Error(`contact ${ids[index]} vanished during upsert`), { code: '40001' });
			result.set(contactKey(input.workspaceId, input.chat), { row, created: created.has(row.id) });
		});
	}

	await mergeContactDetails(tx, [...byKey.entries()].map(([key, input]) => ({ input, resolved: result.get(key) as ResolvedContact })));
	return result;
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
		 WHERE c.id = v.id RETURNING c.${RETURNING.split(', ').join(', c.')}`,
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
