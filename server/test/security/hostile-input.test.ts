import { MAX_JSON_DEPTH } from '../../src/http/bounded-json';
import { ADAPTERS, type HostileServer, nestedText, startHostileServer } from './support/hostile-server';

/** REST bodies, paths and query strings that once answered 500 (or worse): each now a clear 4xx, or stored made safe. */
describe.each(ADAPTERS)('hostile REST input on %s', (_name, open) => {
	let h: HostileServer;
	beforeAll(async () => {
		h = await startHostileServer(open);
	});
	afterAll(async () => {
		await h?.close();
	});
	afterEach(async () => {
		expect(await h.healthy()).toBe(true);
	});
	const notes = () => `/api/v1/conversations/${h.seeded.conversationId}/notes`;

	it('a body nested deeper than the limit: 400 body_too_deep on any route, before validation', async () => {
		for (const [method, url] of [
			['POST', notes()],
			['POST', '/api/v1/leads'],
			['PATCH', `/api/v1/leads/${h.seeded.leadId}`],
			['POST', '/api/v1/auth/login'],
		]) {
			const answer = await h.api(method, url, `{"body":${nestedText(100_000)}}`);
			expect(answer.statusCode).toBe(400);
			expect(answer.json().error).toMatchObject({ code: 'body_too_deep', message: expect.stringContaining(String(MAX_JSON_DEPTH)) });
		}
	});

	it('a NUL in a note, a lead or a login: 400 body_contains_nul, nothing stored', async () => {
		const before = await h.db.query('SELECT count(*)::int AS n FROM whatsapp_messages');
		for (const [method, url, payload] of [
			['POST', notes(), { body: 'nota\u0000secreta' }],
			['POST', '/api/v1/leads', { name: 'Lead \u0000' }],
			['PATCH', `/api/v1/leads/${h.seeded.leadId}`, { attributes: { plano: 'a\u0000' } }],
			['PATCH', `/api/v1/leads/${h.seeded.leadId}`, { attributes: { 'chave\u0000': 1 } }],
			['POST', '/api/v1/auth/login', { email: h.seeded.admin.email, password: 'x\u0000' }],
		] as const) {
			const answer = await h.api(method, url, payload);
			expect(answer.statusCode).toBe(400);
			expect(answer.json().error).toMatchObject({ code: 'body_contains_nul', message: expect.stringContaining('NUL') });
		}
		expect(await h.db.query('SELECT count(*)::int AS n FROM whatsapp_messages')).toEqual(before);
	});

	it('a NUL in the query string or the path: 400, not a database error', async () => {
		for (const url of ['/api/v1/conversations?q=a%00b', '/api/v1/leads?q=%00', `/api/v1/leads/${h.seeded.leadId}%00`, '/api/v1/conversations?status=%00']) {
			const answer = await h.api('GET', url);
			expect(answer.statusCode).toBe(400);
		}
	});

	it('lone surrogates in a note: stored with U+FFFD (a text cut mid-emoji is still a note)', async () => {
		const answer = await h.api('POST', notes(), '{"body":"nota \\ud83d cortada \\ude00"}');
		expect(answer.statusCode).toBe(201);
		expect(answer.json().body).toBe('nota \uFFFD cortada \uFFFD');
		const row = (await h.db.query<{ body: string }>('SELECT body FROM whatsapp_messages WHERE id = $1', [answer.json().id])).rows[0];
		expect(row.body).toBe('nota \uFFFD cortada \uFFFD');
	});

	it('lead attributes nested too deep or too large: 400 naming the limit; within the limits stored as sent', async () => {
		let deep: Record<string, unknown> = { fim: true };
		for (let i = 0; i < 20; i++) deep = { nivel: deep };
		const tooDeep = await h.api('PATCH', `/api/v1/leads/${h.seeded.leadId}`, { attributes: deep });
		expect(tooDeep.statusCode).toBe(400);
		expect(tooDeep.json().error).toMatchObject({ code: 'validation_error', message: expect.stringContaining('nest at most 8 levels') });
		const tooLarge = await h.api('PATCH', `/api/v1/leads/${h.seeded.leadId}`, { attributes: { notas: 'x'.repeat(20_000) } });
		expect(tooLarge.statusCode).toBe(400);
		expect(tooLarge.json().error.message).toContain('characters of JSON');
		const fine = await h.api('PATCH', `/api/v1/leads/${h.seeded.leadId}`, { attributes: { plano: { nome: 'ouro', itens: [1, 2] } } });
		expect(fine.statusCode).toBe(200);
		expect(fine.json().attributes).toEqual({ plano: { nome: 'ouro', itens: [1, 2] } });
	});

	it('"__proto__" keys, empty and broken JSON: 400 with a code, and the body is not quoted back', async () => {
		const proto = await h.api('PATCH', `/api/v1/leads/${h.seeded.leadId}`, '{"attributes":{"__proto__":{"admin":true}}}');
		expect(proto.statusCode).toBe(400);
		expect(proto.json().error.code).toBe('forbidden_key');
		const empty = await h.api('POST', notes(), '');
		expect(empty.statusCode).toBe(400);
		const broken = await h.api('POST', notes(), '{"body": "SEGREDO-NA-NOTA');
		expect(broken.statusCode).toBe(400);
		expect(broken.json().error.code).toBe('invalid_json');
		expect(broken.body).not.toContain('SEGREDO');
	});
});
