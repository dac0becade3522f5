import type { Db } from '../../src/db/db';
import { createPgDb } from '../../src/db/pg-db';
import { type ConversationSearch, conversationSearch, conversationSearchHitsSql, probeWords } from '../../src/inbox/conversations/conversation-search';
import { searchStatistics, wordShare } from '../../src/inbox/conversations/search-statistics';
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
		expect(conversationSearch('Maria')).toMatchObject({ contains: '%Maria%', phoneDigits: null });
		expect(conversationSearch('100%_a\\b')).toMatchObject({ contains: '%100\\%\\_a\\\\b%', phoneDigits: null });
		expect(conversationSearch('+55 (11) 98765-4321')).toMatchObject({ contains: '%+55 (11) 98765-4321%', phoneDigits: '%5511987654321%' });
		expect(conversationSearch('98765')).toMatchObject({ contains: '%98765%', phoneDigits: '%98765%' });
		// Letters make it a text search only; punctuation without digits is no phone number.
		expect(conversationSearch('pedido 7781').phoneDigits).toBeNull();
		expect(conversationSearch('+ -').phoneDigits).toBeNull();
	});

	it('estimates how common a word is from the column statistics, as the planner does', () => {
		const share = wordShare({ nullFrac: 0.1, commonValues: ['Ok', 'Obrigado!'], commonShares: [0.2, 0.1], histogram: ['Cliente 1', 'Cliente 20', 'Loja 3', 'cliente 4'] });
		expect(share('ok')).toBeCloseTo(0.2);
		expect(share('CLIENTE')).toBeCloseTo(0.6 * (3 / 4));
		expect(share('obrigado')).toBeCloseTo(0.1);
		expect(share('nowhere')).toBe(0);
	});

	it('probes an index with the selective words when another word is in most rows, otherwise with the whole text', () => {
		const shares: Record<string, number> = { cliente: 0.99, mensagem: 0.7, maria: 0.1, '4242': 0, da: 0.6, '42': 0.01 };
		const share = (word: string) => shares[word.toLowerCase()] ?? 0;
		expect(probeWords('Cliente 4242', share)).toEqual(['%4242%']);
		expect(probeWords('cliente maria 4242', share)).toEqual(['%maria%', '%4242%']);
		expect(probeWords('Cliente 4_424', share)).toEqual(['%4\\_424%']);
		// Nothing common, or nothing selective left, or nothing long enough to look up: the whole text.
		expect(probeWords('maria 4242', share)).toBeNull();
		expect(probeWords('cliente maria', share)).toBeNull();
		expect(probeWords('cliente 42', share)).toBeNull();
		expect(probeWords('cliente', share)).toBeNull();
		expect(probeWords('da mensagem', share)).toBeNull();
		// Without statistics nothing is common.
		expect(conversationSearch('Cliente 4242').probe).toEqual({ contactText: null, lastMessage: null });
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

describe.each(ADAPTERS)('conversation search where most rows share a word, on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let agent: { authorization: string };

	async function names(q: string): Promise<string[]> {
		const answer = await server.call('GET', `/api/v1/conversations?status=all&limit=100&q=${encodeURIComponent(q)}`, agent.authorization);
		expect(answer.statusCode).toBe(200);
		return (answer.json().data as Array<{ contact: { name: string } }>).map((c) => c.contact.name).sort();
	}

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db);
		const ws = await seedWorkspace(db, server.runtime.integrationsKey);
		agent = await signIn(server, ws.agent.email);
		await db.query(
			`INSERT INTO contacts (workspace_id, phone_e164, name, push_name) SELECT $1, '+5511' || (900000000 + g), 'Cliente ' || g, 'Cli ' || g FROM generate_series(1, 300) g`,
			[ws.workspaceId],
		);
		await db.query(`INSERT INTO contacts (workspace_id, phone_e164, name) VALUES ($1, '+5511955550123', 'Loja 123')`, [ws.workspaceId]);
		await db.query(
			`INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, status, last_message_at, last_message_preview)
			 SELECT $1, $2, id, phone_e164 || '@s.whatsapp.net', 'open', now(),
				CASE WHEN name LIKE 'Cliente %' THEN 'Última mensagem ' || substr(name, 9) ELSE 'pedido 123 confirmado' END
			 FROM contacts WHERE workspace_id = $1 AND (name LIKE 'Cliente %' OR name = 'Loja 123')`,
			[ws.workspaceId, ws.channelId],
		);
		await db.exec('ANALYZE');
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it('finds exactly what the whole text matches when the common word is left out of the index probe', async () => {
		// The statistics the server reads say so: "cliente" is in nearly every contact, "mensagem" in most last messages.
		const statistics = await searchStatistics(db);
		expect(statistics.contactText('cliente')).toBeGreaterThan(0.5);
		expect(statistics.lastMessage('mensagem')).toBeGreaterThan(0.5);
		expect(conversationSearch('Cliente 123', statistics).probe.contactText).toEqual(['%123%']);

		expect(await names('Cliente 123')).toEqual(['Cliente 123']);
		expect(await names('CLIENTE 12')).toEqual(['Cliente 12', ...Array.from({ length: 10 }, (_, i) => `Cliente 12${i}`)].sort());
		expect(await names('ente 29')).toEqual(['Cliente 29', ...Array.from({ length: 10 }, (_, i) => `Cliente 29${i}`)].sort());
		expect(await names('cliente 1234')).toEqual([]);
		// "123" is also in Loja 123, its phone and its last message: only the whole text tells them apart.
		expect(await names('mensagem 123')).toEqual(['Cliente 123']);
		expect(await names('ÚLTIMA mensagem 123')).toEqual(['Cliente 123']);
		expect(await names('pedido 123')).toEqual(['Loja 123']);
		// (The seeded contact's random number may have "123" in it as well.)
		expect((await names('123')).filter((name) => name !== 'Maria Souza')).toEqual(['Cliente 123', 'Loja 123']);
	});
});

describe('conversation search indexes on PostgreSQL', () => {
	let db: Db;
	let workspaceId: string;
	const filters = ['c.workspace_id = $1', "c.status = 'open'"];

	/** The plan of the search's hits; small tables scan cheaply, so sequential scans are priced out. */
	async function explain(search: ConversationSearch): Promise<string> {
		const params: unknown[] = [workspaceId];
		const sql = conversationSearchHitsSql(filters, search, (value) => `$${params.push(value)}`);
		const plan = await db.transaction(async (tx) => {
			await tx.query('SET LOCAL enable_seqscan = off');
			return tx.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
		});
		return plan.rows.map((r) => r['QUERY PLAN']).join('\n');
	}

	async function hits(search: ConversationSearch): Promise<string[]> {
		const params: unknown[] = [workspaceId];
		const sql = conversationSearchHitsSql(filters, search, (value) => `$${params.push(value)}`);
		const { rows } = await db.query<{ name: string }>(
			`SELECT ct.name FROM (${sql}) h JOIN whatsapp_conversations c ON c.id = h.id JOIN contacts ct ON ct.id = c.contact_id ORDER BY 1`,
			params,
		);
		return rows.map((r) => r.name);
	}

	beforeAll(async () => {
		db = await openMigratedDb(async () => createPgDb(await createTestDatabase('search')));
		workspaceId = (await db.query<{ id: string }>("INSERT INTO workspaces (name, slug) VALUES ('Plan', 'plan') RETURNING id")).rows[0].id;
		const channelId = (
			await db.query<{ id: string }>(
				"INSERT INTO whatsapp_channels (workspace_id, name, instance_name, base_url, webhook_secret_hash) VALUES ($1, 'c', 'plan', 'http://x.test', 'x') RETURNING id",
				[workspaceId],
			)
		).rows[0].id;
		// The benchmark's shape: every name has "Cliente", every last message "mensagem".
		await db.query(
			`INSERT INTO contacts (workspace_id, phone_e164, name, push_name) SELECT $1, '+5511' || (900000000 + g), 'Cliente ' || g, 'Cli ' || g FROM generate_series(1, 5000) g`,
			[workspaceId],
		);
		await db.query(
			`INSERT INTO whatsapp_conversations (workspace_id, channel_id, contact_id, chat_jid, status, last_message_at, last_message_preview)
			 SELECT $1, $2, id, phone_e164 || '@s.whatsapp.net', 'open', now(), 'última mensagem ' || substr(name, 9) FROM contacts WHERE workspace_id = $1`,
			[workspaceId, channelId],
		);
		// VACUUM merges the trigram indexes' pending lists, as autovacuum does (unmerged, they make a probe look dear);
		// ANALYZE gives the statistics the search reads.
		await db.exec('VACUUM ANALYZE');
	});
	afterAll(async () => db.close());

	it('the contact and last-message branches each probe their trigram index', async () => {
		// The planner picks the indexes as long as the search conditions are the ones they were built for.
		const plan = await explain(conversationSearch('98765'));
		expect(plan).toContain('contacts_search_text_trgm_idx');
		expect(plan).toContain('contacts_phone_digits_trgm_idx');
		expect(plan).toContain('whatsapp_conversations_preview_trgm_idx');
		expect(plan).not.toMatch(/Seq Scan/);
	});

	it('leaves a word every row has out of the probe and checks the whole text on what the probe finds', async () => {
		const statistics = await searchStatistics(db);
		const byName = conversationSearch('Cliente 4242', statistics);
		expect(byName.probe).toEqual({ contactText: ['%4242%'], lastMessage: null });
		const namePlan = await explain(byName);
		expect(namePlan).toMatch(/Index Cond: \(search_text ~~ lower\('%4242%'::text\)\)|Index Cond: \(search_text ~~ '%4242%'::text\)/);
		expect(namePlan).toMatch(/textlike\(s\.search_text, '%cliente 4242%'::text\)|textlike\(search_text, '%cliente 4242%'::text\)/);
		expect(await hits(byName)).toEqual(['Cliente 4242']);
		expect(await hits(conversationSearch('Cliente 4242'))).toEqual(['Cliente 4242']);
		// The probe finds every name with "424" in it (Cliente 1424, 2424, …): the whole text keeps those with "ente 424".
		expect(conversationSearch('ente 424', statistics).probe.contactText).toEqual(['%424%']);
		expect(await hits(conversationSearch('ente 424', statistics))).toEqual(['Cliente 424', 'Cliente 4240', 'Cliente 4241', 'Cliente 4242', 'Cliente 4243', 'Cliente 4244', 'Cliente 4245', 'Cliente 4246', 'Cliente 4247', 'Cliente 4248', 'Cliente 4249']);

		const byMessage = conversationSearch('mensagem 4242', statistics);
		expect(byMessage.probe).toEqual({ contactText: null, lastMessage: ['%4242%'] });
		expect(await explain(byMessage)).toMatch(/texticlike\(c\.last_message_preview, '%mensagem 4242%'::text\)|texticlike\(last_message_preview, '%mensagem 4242%'::text\)/);
		expect(await hits(byMessage)).toEqual(['Cliente 4242']);
		expect(await hits(conversationSearch('última mensagem 4242', statistics))).toEqual(['Cliente 4242']);
	});
});
