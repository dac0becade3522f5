import axios from 'axios';
import { textWebhook } from '../support/ingest-database';
import { eventually, TEST_PASSWORD } from '../inbox/support/inbox-app';
import { API_KEY } from '../sandbox/support/sandbox-client';
import { ADAPTERS, type HostileServer, startHostileServer } from './support/hostile-server';

/**
 * A run through the real logger (every level, Fastify's request logs included) and the database it leaves behind:
 * no channel API key, token or password in either, and no message text, request body or query string in the logs.
 * The failure paths are walked too, since they are where drivers and HTTP clients attach what they were given.
 */
describe.each(ADAPTERS)('secrets at rest and in logs on %s', (_name, open) => {
	const lines: string[] = [];
	let h: HostileServer;
	beforeAll(async () => {
		h = await startHostileServer(open, { logLines: lines });
	});
	afterAll(async () => {
		await h?.close();
	});

	it('a full run logs none of the secrets or texts it used, and the dump holds no key, token or password', async () => {
		const secrets: string[] = [TEST_PASSWORD, API_KEY, h.seeded.webhookSecret, h.admin.slice('Bearer '.length)];
		const texts: string[] = [];
		const mark = (what: string) => `${what}-${Math.random().toString(36).slice(2, 10)}`;

		// A channel created through the API against the sandbox: its instance token comes back from Evolution.
		const channel = await h.api('POST', '/api/v1/channels', { name: 'Suporte', instanceName: mark('suporte'), apiKey: API_KEY, connect: true });
		expect(channel.statusCode).toBe(201);
		secrets.push(channel.json().webhookSecret);
		const sandboxState = (await h.sandbox.get('/_sandbox')).body as { instances: Array<{ name: string; token: string }> };
		for (const instance of sandboxState.instances) secrets.push(instance.token);
		// A second channel whose key is a value we chose, rotated once.
		const ownKey = mark('OWN-INSTANCE-KEY');
		const stored = await h.api('POST', '/api/v1/channels', { name: 'Manual', instanceName: mark('manual'), apiKey: ownKey, instance: 'none' });
		expect(stored.statusCode).toBe(201);
		const rotated = mark('ROTATED-KEY');
		expect((await h.api('PATCH', `/api/v1/channels/${stored.json().channel.id}`, { apiKey: rotated })).statusCode).toBe(200);
		secrets.push(ownKey, rotated, stored.json().webhookSecret);

		// An API token, used once; a wrong password; a query string carrying a token and a search.
		const token = await h.api('POST', '/api/v1/api-tokens', { name: 'n8n' });
		expect(token.statusCode).toBe(201);
		secrets.push(token.json().token);
		expect((await h.server.call('GET', '/api/v1/conversations', `Bearer ${token.json().token}`)).statusCode).toBe(200);
		const wrongPassword = mark('wrong-password');
		secrets.push(wrongPassword);
		expect((await h.server.call('POST', '/api/v1/auth/login', undefined, { email: h.seeded.admin.email, password: wrongPassword })).statusCode).toBe(401);
		const search = mark('busca');
		texts.push(search);
		await h.api('GET', `/api/v1/conversations?q=${search}`);
		await h.api('GET', `/api/v1/conversations?token=${token.json().token}`);

		// Webhooks carrying the instance key and texts, accepted and refused; a note; a refused note.
		const evolutionKey = mark('EVOLUTION-BODY-KEY');
		secrets.push(evolutionKey);
		for (let i = 0; i < 3; i++) {
			const text = mark(`texto-${i}`);
			texts.push(text);
			expect((await h.webhook({ ...textWebhook({ id: mark('3AID'), text }), apikey: evolutionKey })).statusCode).toBe(200);
		}
		const brokenText = mark('texto-quebrado');
		texts.push(brokenText);
		expect((await h.webhook(`{"event":"messages.upsert","apikey":"${evolutionKey}","data":{"text":"${brokenText}"`)).statusCode).toBe(400);
		const unknownText = mark('texto-forma-errada');
		texts.push(unknownText);
		expect((await h.webhook({ event: 'messages.upsert', apikey: evolutionKey, data: { text: unknownText } })).statusCode).toBe(422);
		const note = mark('nota');
		texts.push(note);
		expect((await h.api('POST', `/api/v1/conversations/${h.seeded.conversationId}/notes`, { body: note })).statusCode).toBe(201);
		const nulNote = mark('nota-nul');
		texts.push(nulNote);
		expect((await h.api('POST', `/api/v1/conversations/${h.seeded.conversationId}/notes`, { body: `${nulNote}\u0000` })).statusCode).toBe(400);

		// An AI agent's key, used against a model that cannot be reached: the failure is logged and handed off, never with the key.
		const aiKey = mark('sk-AI-PROVIDER-KEY');
		secrets.push(aiKey);
		const agent = await h.api('POST', '/api/v1/ai/agents', {
			name: 'IA',
			model: 'gpt-test',
			apiKey: aiKey,
			baseUrl: 'http://127.0.0.1:9/v1',
			channelIds: [h.seeded.channelId],
			debounceMs: 0,
			maxAttempts: 1,
			handOffMessage: null,
		});
		expect(agent.statusCode).toBe(201);
		expect(agent.body).not.toContain(aiKey);
		const aiText = mark('texto-para-ia');
		texts.push(aiText);
		expect((await h.webhook({ ...textWebhook({ id: mark('3AID'), text: aiText, timestamp: Math.floor(Date.now() / 1000) }), apikey: evolutionKey })).statusCode).toBe(200);
		await eventually(async () => {
			const { rows } = await h.db.query<{ outcome: string }>(`SELECT outcome FROM ai_replies WHERE agent_id = $1 ORDER BY created_at`, [agent.json().id]);
			expect(rows.map((r) => r.outcome)).toEqual(['error', 'handed_off']);
		}, 60_000);

		// What code does with a failed statement or a failed upstream call: log the error. Neither may carry its input.
		const parameter = mark('PARAMETRO-SECRETO');
		secrets.push(parameter);
		const failed = await h.db.query('SELECT $1::int', [parameter]).catch((error: unknown) => error);
		h.server.runtime.logger.error({ err: failed }, 'statement failed');
		const upstream = await axios.get(`${h.sandbox.url}/instance/fetchInstances`, { headers: { apikey: mark('WRONG-UPSTREAM-KEY') } }).catch((error: unknown) => error);
		secrets.push((upstream as { config: { headers: Record<string, string> } }).config.headers.apikey);
		h.server.runtime.logger.error({ err: upstream }, 'upstream failed');

		await eventually(async () => expect(lines.some((l) => l.includes('statement failed'))).toBe(true));
		const log = lines.join('');
		expect(lines.length).toBeGreaterThan(20);
		for (const value of [...secrets, ...texts]) expect({ value, inLogs: log.includes(value) }).toEqual({ value, inLogs: false });
		// The failures were logged, with what says why.
		expect(log).toContain('22P02');
		expect(log).toContain('401');

		// Every text and JSON column of every table.
		const columns = await h.db.query<{ table_name: string; column_name: string }>(
			`SELECT table_name, column_name FROM information_schema.columns
			 WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED')`,
		);
		expect(columns.rows.length).toBeGreaterThan(20);
		let dump = '';
		for (const { table_name, column_name } of columns.rows) {
			const rows = await h.db.query<{ v: string | null }>(`SELECT "${column_name}"::text AS v FROM "${table_name}"`);
			dump += rows.rows.map((r) => r.v ?? '').join('\n');
		}
		expect(dump).toContain(texts[1]); // message texts are data: stored
		for (const value of secrets) expect({ value, atRest: dump.includes(value) }).toEqual({ value, atRest: false });
	});
});
