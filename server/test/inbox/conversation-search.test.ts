import type { Db } from '../../src/db/db';
import { createPgDb } from '../../src/db/pg-db';
import { conversationSearch, conversationSearchHitsSql } from '../../src/inbox/conversations/conversation-search';
import { createTestDatabase } from '../../../test/support/test-database';
import { ADAPTERS, type InboxApp, openMigratedDb, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from './support/inbox-app';

interface Person {
	name?: string | null;
	pushName?: string | null;
	phone?: string | null;
	isGroup?: boolean;
	preview: string;
	status?: string;
	assignee?: string | null;
	/** Minutes since the last message: the list's order. */
	minutesAgo: number;
}

/** A contact and its conversation in the workspace; answers the conversation id. */
async function addPerson(db: Db, ws: SeededWorkspace, person: Person): Promise<string> {
	const jid = person.isGroup ? `1203630${Math.floor(Math.random() * 1e9)}@g.us` : `${(person.phone ?? '').slice(1)}@s.whatsapp.net`;
	const contact = await db.query<{ id: string }>(
		'INSERT INTO contacts (workspace_id, phone_e164, wa_jid, name, push_name, is_group) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
		[ws.workspaceId, person.phone ?? null, jid, person.name ?? null, person.pushName ?? null, person.isGroup ?? false],
	);
	const { rows } = await db.query<{ id: string }>(
		`INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, is_group, status, assigned_user_id, last_message_at, last_message_preview)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, now() - interval '1 hour' - ($8::int * interval '1 minute'), $9) RETURNING id`,
		[ws.workspaceId, ws.channelId, contact.rows[0].id, jid, person.isGroup ?? false, person.status ?? 'open', person.assignee ?? null, person.minutesAgo, person.preview],
	);
	return rows[0].id;
}

describe('conversationSearch', () => {
	it('searches the text anywhere with % and _ literal, and the digits of a phone-like text in phones', () => {
		expect(conversationSearch('Maria')).toEqual({ contains: '%Maria%', phoneDigits: null });
		expect(conversationSearch('100%_a\\b')).toEqual({ contains: '%100\\%\\_a\\\\b%', phoneDigits: null });
		expect(conversationSearch('+55 (11) 98765-4321')).toEqual({ contains: '%+55 (11) 98765-4321%', phoneDigits: '%5511987654321%' });
		expect(conversationSearch('98765')).toEqual({ contains: '%98765%', phoneDigits: '%98765%' });
		// Letters make it a text search only; punctuation without digits is no phone number.
		expect(conversationSearch('pedido 7781').phoneDigits).toBeNull();
		expect(conversationSearch('+ -').phoneDigits).toBeNull();
	});
});

describe.each(ADAPTERS)('conversation search on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	let other: SeededWorkspace;
	let agent: { authorization: string };
	let otherAgent: { authorization: string };
	const id: Record<string, string> = {};

	/** The ids a search answers (status=all unless the query says otherwise), and the whole answer. */
	async function search(q: string, extra = 'status=all', who = agent) {
		const answer = await server.call('GET', `/api/v1/conversations?q=${encodeURIComponent(q)}&${extra}`, who.authorization);
		expect(answer.statusCode).toBe(200);
		const body = answer.json() as { data: Array<{ id: string }>; meta: { counts: Record<string, number>; nextCursor: string | null } };
		return { ids: body.data.map((c) => c.id), meta: body.meta, data: body.data };
	}

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db);
		ws = await seedWorkspace(db, server.runtime.integrationsKey);
		other = await seedWorkspace(db, server.runtime.integrationsKey);
		agent = await signIn(server, ws.agent.email);
		otherAgent = await signIn(server, other.agent.email);
		id.zelia = await addPerson(db, ws, { name: 'Zélia Prado', pushName: 'Zezé', phone: '+5511987654321', preview: 'Bom dia', minutesAgo: 1 });
		id.bruna = await addPerson(db, ws, { name: null, pushName: 'Bruninha Doces', phone: '+5521912345678', preview: 'ok', assignee: ws.agent.id, minutesAgo: 2 });
		id.natural = await addPerson(db, ws, { name: 'Loja 100% Natural', phone: '+5531911112222', preview: 'tudo certo', minutesAgo: 3 });
		id.underscore = await addPerson(db, ws, { name: 'joao_silva', phone: '+5541933334444', preview: 'hi', status: 'pending', minutesAgo: 4 });
		id.noUnderscore = await addPerson(db, ws, { name: 'joaoXsilva', phone: '+5541955556666', preview: 'hi', status: 'pending', minutesAgo: 5 });
		id.carlos = await addPerson(db, ws, { name: 'Carlos Lima', phone: '+5511900001111', preview: 'Quero o BOLETO do pedido 7781', status: 'resolved', assignee: ws.agent.id, minutesAgo: 6 });
		id.group = await addPerson(db, ws, { name: 'Vendas 2024', isGroup: true, preview: 'reunião às 10h', minutesAgo: 7 });
		// The same names, number and words in another workspace: never found from the first.
		id.otherZelia = await addPerson(db, other, { name: 'Zélia Prado', phone: '+5511987654321', preview: 'Quero o boleto, 100% certo', minutesAgo: 1 });
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it('finds a contact by name, case-insensitively and anywhere in it', async () => {
		expect((await search('zélia')).ids).toEqual([id.zelia]);
		expect((await search('PRADO')).ids).toEqual([id.zelia]);
		expect((await search('lia pr')).ids).toEqual([id.zelia]);
		expect((await search('carlos')).ids).toEqual([id.carlos]);
		expect((await search('vendas 20')).ids).toEqual([id.group]);
		expect((await search('nobody by this name')).ids).toEqual([]);
	});

	it('finds a contact by push name', async () => {
		expect((await search('bruninha')).ids).toEqual([id.bruna]);
		expect((await search('DOCES')).ids).toEqual([id.bruna]);
		expect((await search('zezé')).ids).toEqual([id.zelia]);
	});

	it('finds a contact by phone digits, however the number is written', async () => {
		for (const q of ['98765', '987654321', '+5511987654321', '5511987654321', '+55 11 9876', '(11) 98765-4321', '11 98765.4321']) {
			expect({ q, ids: (await search(q)).ids }).toEqual({ q, ids: [id.zelia] });
		}
		expect((await search('912345')).ids).toEqual([id.bruna]);
		// A number in a name is found as text; a contact without a phone (a group) is simply not a phone match.
		expect((await search('2024')).ids).toEqual([id.group]);
	});

	it('finds a conversation by the text of its last message', async () => {
		expect((await search('boleto')).ids).toEqual([id.carlos]);
		expect((await search('PEDIDO 7781')).ids).toEqual([id.carlos]);
		expect((await search('reunião')).ids).toEqual([id.group]);
	});

	it('takes % and _ literally', async () => {
		expect((await search('%')).ids).toEqual([id.natural]);
		expect((await search('100%')).ids).toEqual([id.natural]);
		expect((await search('o_s')).ids).toEqual([id.underscore]);
		expect((await search('_')).ids).toEqual([id.underscore]);
		expect((await search('joao_')).ids).toEqual([id.underscore]);
	});

	it('matches within the name or within the push name, not across the two', async () => {
		// "Maria Souza", push name "Maria" (seeded): "souza maria" is no part of either.
		expect((await search('maria souza')).ids).toEqual([ws.conversationId]);
		expect((await search('souza maria')).ids).toEqual([]);
	});

	it('keeps to the caller’s workspace', async () => {
		expect((await search('zélia')).meta.counts).toEqual({ mine: 0, unassigned: 1, all: 1 });
		expect((await search('boleto')).ids).toEqual([id.carlos]);
		expect((await search('987654321')).ids).toEqual([id.zelia]);
		expect((await search('zélia', 'status=all', otherAgent)).ids).toEqual([id.otherZelia]);
		expect((await search('100%', 'status=all', otherAgent)).ids).toEqual([id.otherZelia]);
		expect((await search('bruninha', 'status=all', otherAgent)).ids).toEqual([]);
	});

	it('applies the tab, status and channel filters, with the tab counts of the search', async () => {
		const silva = await search('silva');
		expect(silva.ids).toEqual([id.underscore, id.noUnderscore]);
		expect(silva.meta.counts).toEqual({ mine: 0, unassigned: 2, all: 2 });
		expect((await search('silva', 'status=open')).ids).toEqual([]);
		expect((await search('silva', 'status=pending&assignee=unassigned')).ids).toEqual([id.underscore, id.noUnderscore]);
		expect((await search('silva', 'status=pending&assignee=mine')).ids).toEqual([]);

		const boletoMine = await search('boleto', 'status=all&assignee=mine');
		expect(boletoMine.ids).toEqual([id.carlos]);
		expect(boletoMine.meta.counts).toEqual({ mine: 1, unassigned: 0, all: 1 });
		expect((await search('boleto', 'status=resolved&assignee=unassigned')).data).toEqual([]);
		// The default status is open: the resolved conversation is not in it.
		const boletoOpen = await search('boleto', 'assignee=all');
		expect(boletoOpen.ids).toEqual([]);
		expect(boletoOpen.meta.counts).toEqual({ mine: 0, unassigned: 0, all: 0 });

		expect((await search('zélia', `status=all&channelId=${ws.channelId}`)).ids).toEqual([id.zelia]);
		// A search answer carries whole conversations, contact included.
		expect((await search('zélia')).data[0]).toMatchObject({ id: id.zelia, status: 'open', lastMessagePreview: 'Bom dia', contact: { name: 'Zélia Prado', pushName: 'Zezé', phoneE164: '+5511987654321' } });
	});

	it('follows renames and new messages', async () => {
		await db.query(`UPDATE contacts SET push_name = 'Bruna Confeitaria' WHERE workspace_id = $1 AND push_name = 'Bruninha Doces'`, [ws.workspaceId]);
		expect((await search('bruninha')).ids).toEqual([]);
		expect((await search('confeitaria')).ids).toEqual([id.bruna]);
		await db.query(`UPDATE whatsapp_conversations SET last_message_preview = 'Pode mandar o orçamento?' WHERE id = $1`, [id.bruna]);
		expect((await search('orçamento')).ids).toEqual([id.bruna]);
		expect((await search('ok')).ids).not.toContain(id.bruna);
	});

	it('pages through many matches newest first without skipping or repeating, counts capped at meta.countCap', async () => {
		await db.query(
			`INSERT INTO contacts (workspace_id, phone_e164, name) SELECT $1, '+5551' || (900000000 + g), 'Atacado ' || g FROM generate_series(1, 1005) g`,
			[ws.workspaceId],
		);
		await db.query(
			`INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, status, assigned_user_id, last_message_at, last_message_preview)
			 SELECT $1, $2, id, phone_e164 || '@s.whatsapp.net', 'open', CASE WHEN name LIKE '%7' THEN $3::uuid END,
				now() - interval '1 day' - (substr(name, 9)::int * interval '1 second'), 'pedido'
			 FROM contacts WHERE workspace_id = $1 AND name LIKE 'Atacado %'`,
			[ws.workspaceId, ws.channelId, ws.agent.id],
		);
		const first = await search('atacado', 'status=open&limit=3');
		expect(first.meta.counts).toEqual({ mine: 100, unassigned: 905, all: 1000 });
		expect(first.data.map((c) => (c as unknown as { contact: { name: string } }).contact.name)).toEqual(['Atacado 1', 'Atacado 2', 'Atacado 3']);

		const seen: string[] = [];
		let cursor: string | null = null;
		do {
			const page = await search('atacado', `status=open&limit=100${cursor ? `&cursor=${cursor}` : ''}`);
			expect(page.meta.counts.all).toBe(1000);
			seen.push(...page.ids);
			cursor = page.meta.nextCursor;
		} while (cursor);
		expect(seen).toHaveLength(1005);
		expect(new Set(seen).size).toBe(1005);

		const mine = await search('atacado 1', 'status=open&assignee=mine&limit=100');
		// Mine are the names ending in 7; with "atacado 1" in them: Atacado 17 and 107, 117, …, 197.
		expect(mine.ids).toHaveLength(11);
		expect(mine.meta.nextCursor).toBeNull();
	});
});

describe('conversation search indexes on PostgreSQL', () => {
	let db: Db;
	beforeAll(async () => {
		db = await openMigratedDb(async () => createPgDb(await createTestDatabase('search')));
	});
	afterAll(async () => db.close());

	it('the contact and last-message branches each probe their trigram index', async () => {
		const workspaceId = (await db.query<{ id: string }>("INSERT INTO workspaces (name, slug) VALUES ('Plan', 'plan') RETURNING id")).rows[0].id;
		const channelId = (
			await db.query<{ id: string }>(
				"INSERT INTO whatsapp_channels (workspace_id, name, instance_name, base_url, webhook_secret_hash) VALUES ($1, 'c', 'plan', 'http://x.test', 'x') RETURNING id",
				[workspaceId],
			)
		).rows[0].id;
		await db.query(
			`INSERT INTO contacts (workspace_id, phone_e164, name, push_name) SELECT $1, '+5511' || (900000000 + g), 'Cliente ' || g, 'Cli ' || g FROM generate_series(1, 5000) g`,
			[workspaceId],
		);
		await db.query(
			`INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, status, last_message_at, last_message_preview)
			 SELECT $1, $2, id, phone_e164 || '@s.whatsapp.net', 'open', now(), 'mensagem de ' || name FROM contacts WHERE workspace_id = $1`,
			[workspaceId, channelId],
		);
		await db.exec('VACUUM ANALYZE');
		const search = conversationSearch('98765');
		// Small tables scan cheaply, so sequential scans are priced out: the planner then picks the trigram indexes as
		// long as the search conditions are the ones they were built for, which is what this guards. (VACUUM merges
		// the indexes' pending lists, as autovacuum does; unmerged, they make a probe look dear.)
		const plan = await db.transaction(async (tx) => {
			await tx.query('SET LOCAL enable_seqscan = off');
			return tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${conversationSearchHitsSql(['c.workspace_id = $1', "c.status = 'open'"], '$2', '$3')}`, [
				workspaceId,
				search.contains,
				search.phoneDigits,
			]);
		});
		const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
		expect(text).toContain('contacts_search_text_trgm_idx');
		expect(text).toContain('contacts_phone_digits_trgm_idx');
		expect(text).toContain('whatsapp_conversations_preview_trgm_idx');
		expect(text).not.toMatch(/Seq Scan/);
	});
});
