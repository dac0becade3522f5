import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually, startInboxApp, type InboxApp } from '../inbox/support/inbox-app';
import { LONG } from '../outbox/support/outbox-harness';
import { API_KEY_OF_MODEL, startAiHarness, type AiHarness } from './support/ai-harness';

/**
 * The AI's replies against the sandbox and a loopback OpenAI-compatible model, on both database adapters: what the
 * model is asked (model, prompt with variables and knowledge, context in order, one call per burst), replies through
 * the outbox (split, typing), keywords, the hand_off tool, provider failures handed off with the reason, business
 * hours, idle resume, groups, duplicate deliveries and two server processes giving one reply.
 */
describe.each(ADAPTERS)('AI replies on %s', (_name, open: () => Promise<Db>) => {
	let h: AiHarness;
	beforeAll(async () => {
		h = await startAiHarness(open);
	});
	afterAll(async () => {
		await h?.close();
	});
	afterEach(() => {
		h.model.respond = () => ({});
	});

	const aiView = async (conversationId: string) => (await h.server.call('GET', `/api/v1/conversations/${conversationId}/ai`, h.admin)).json();
	const sends = async (channel: { name: string }) =>
		((await h.sandbox.get(`/_sandbox/sends?instance=${channel.name}`)).body.sends as Array<{ text: string | null; delay?: number; remoteJid: string }>) ?? [];
	const systemLines = async (conversationId: string) =>
		(await h.db.query<{ body: string }>(`SELECT body FROM whatsapp_messages WHERE conversation_id = $1 AND type = 'system' ORDER BY created_at, id`, [conversationId])).rows.map((r) => r.body);
	/** The AI lines' details: what a page needs to say each in its reader's language. */
	const aiLineDetails = async (conversationId: string) =>
		(
			await h.db.query<{ details: { reason: string; vars?: Record<string, unknown> } }>(
				`SELECT details FROM whatsapp_messages WHERE conversation_id = $1 AND type = 'system' AND details->>'kind' = 'ai_state' ORDER BY created_at, id`,
				[conversationId],
			)
		).rows.map((r) => r.details);
	const deliveriesOf = async (channel: { name: string }, text: string) => {
		const { body } = await h.sandbox.get(`/_sandbox/deliveries?instance=${channel.name}&event=messages.upsert`);
		const list = (Array.isArray(body) ? body : body.deliveries) as Array<{ url: string; headers: Record<string, string>; body: any }>;
		return list.filter((d) => JSON.stringify(d.body).includes(text));
	};
	const replay = (delivery: { url: string; headers: Record<string, string>; body: unknown }, base?: string) => {
		const url = base ? base + new URL(delivery.url).pathname : delivery.url;
		return fetch(url, { method: 'POST', headers: { ...delivery.headers, 'content-type': 'application/json' }, body: JSON.stringify(delivery.body) });
	};

	it('replies to one message: the model gets the prompt with its variables and knowledge, the context in order, and the reply goes through the outbox as the AI', async () => {
		const channel = await h.channel();
		await h.agent(channel, {
			systemPrompt: 'Você é o assistente da loja {{channel.name}}. O cliente se chama {{contact.name}}. Agora: {{now}}.',
			knowledge: [{ title: 'Horário', text: 'Abrimos de segunda a sábado, das 9h às 18h.' }],
			contextMessages: 10,
			maxTokens: 321,
			temperature: 0.3,
		});
		const phone = h.phone();
		h.model.respond = () => ({ reply: 'Abrimos sábado das 9h às 18h!' });
		await h.say(channel, phone, 'Oi! Vocês abrem sábado?');
		const conversationId = await h.conversationOf(channel, phone);
		await eventually(async () => expect(await h.aiMessages(conversationId)).toEqual([expect.objectContaining({ body: 'Abrimos sábado das 9h às 18h!', origin: 'reply' })]), LONG);
		await eventually(async () => expect((await sends(channel)).filter((s) => s.text === 'Abrimos sábado das 9h às 18h!')).toHaveLength(1), LONG);

		const [request] = h.model.chatsMentioning('Vocês abrem sábado?');
		expect(request.authorization).toBe(`Bearer ${API_KEY_OF_MODEL}`);
		expect(request.body).toMatchObject({ model: 'gpt-test', max_tokens: 321, temperature: 0.3 });
		expect(request.body.tools.map((t: any) => t.function.name)).toEqual(['hand_off']);
		const system = request.body.messages[0];
		expect(system.role).toBe('system');
		expect(system.content).toContain('Você é o assistente da loja Vendas. O cliente se chama Maria Souza. Agora: ');
		expect(system.content).toContain('### Horário\nAbrimos de segunda a sábado, das 9h às 18h.');
		expect(system.content).not.toContain('{{');
		expect(request.body.messages.slice(1)).toEqual([{ role: 'user', content: 'Oi! Vocês abrem sábado?' }]);

		// The second turn carries the conversation so far, oldest first.
		h.model.respond = () => ({ reply: 'Aceitamos pix sim.' });
		await h.say(channel, phone, 'E aceitam pix?');
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(2), LONG);
		const [second] = h.model.chatsMentioning('E aceitam pix?');
		expect(second.body.messages.slice(1)).toEqual([
			{ role: 'user', content: 'Oi! Vocês abrem sábado?' },
			{ role: 'assistant', content: 'Abrimos sábado das 9h às 18h!' },
			{ role: 'user', content: 'E aceitam pix?' },
		]);
		// Cost and outcome recorded, and counted in /metrics.
		const records = (await aiView(conversationId)).replies;
		expect(records[0]).toMatchObject({ outcome: 'replied', model: 'gpt-test', tokensIn: 120, tokensOut: 30, error: null });
		expect(records[0].latencyMs).toEqual(expect.any(Number));
		const metrics = await (await fetch(`${h.server.url}/metrics`)).text();
		expect(metrics).toMatch(/whatsapp_inbox_ai_replies_total\{outcome="replied"\} [1-9]/);
		expect(metrics).toMatch(/whatsapp_inbox_ai_tokens_total\{model="gpt-test",direction="in"\} [1-9]/);
	});

	it('makes a burst of five messages one call and one reply', async () => {
		const channel = await h.channel();
		await h.agent(channel, { debounceMs: 1_500 });
		const phone = h.phone();
		const burst = ['oi', 'tudo bem?', 'queria saber', 'o preço', 'do plano anual'];
		// WhatsApp's times have whole seconds; a second each gives the burst its order whatever order the webhooks arrive in.
		const start = Math.floor(Date.now() / 1000) - 10;
		for (const [i, text] of burst.entries()) await h.say(channel, phone, text, { timestamp: start + i });
		const conversationId = await h.conversationOf(channel, phone);
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(1), LONG);
		await h.handled(conversationId);
		const calls = h.model.chatsMentioning('do plano anual');
		expect(calls).toHaveLength(1);
		expect(calls[0].body.messages.slice(1)).toEqual(burst.map((content) => ({ role: 'user', content })));
		expect(h.model.chatsMentioning('queria saber')).toHaveLength(1);
	});

	it('splits a long reply on blank lines, each part with its typing time', async () => {
		const channel = await h.channel();
		await h.agent(channel, { splitMessages: true, timePerCharMs: 100 });
		const phone = h.phone();
		const first = 'Claro!';
		const second = 'O plano anual custa R$ 1.200, em até 12 vezes.';
		h.model.respond = () => ({ reply: `${first}\n\n${second}\n\n` });
		await h.say(channel, phone, 'Quanto custa?');
		const conversationId = await h.conversationOf(channel, phone);
		await eventually(async () => expect((await h.aiMessages(conversationId)).map((m) => m.body)).toEqual([first, second]), LONG);
		const out = await eventually(async () => {
			const list = (await sends(channel)).filter((s) => s.text === first || s.text === second);
			expect(list).toHaveLength(2);
			return list;
		}, LONG);
		expect(out.map((s) => [s.text, s.delay])).toEqual([
			[first, 1_000], // 6 characters × 100 ms, clamped up to 1 s
			[second, [...second].length * 100],
		]);
	});

	it('turns off on the finish keyword and hands off on a hand-off keyword, without calling the model', async () => {
		const channel = await h.channel();
		await h.agent(channel, { finishKeyword: 'tchau', handOffMessage: 'Já chamo um atendente!' });
		const a = h.phone();
		await h.say(channel, a, 'Tchau ');
		const finished = await h.conversationOf(channel, a);
		await eventually(async () => expect(await aiView(finished)).toMatchObject({ state: 'off', reason: 'finished' }), LONG);
		expect(h.model.chatsMentioning('Tchau')).toHaveLength(0);

		const b = h.phone();
		await h.say(channel, b, 'Quero falar com um ATENDENTE por favor');
		const handed = await h.conversationOf(channel, b);
		await eventually(async () => expect((await aiView(handed)).state).toBe('handed_off'), LONG);
		expect(h.model.chatsMentioning('ATENDENTE')).toHaveLength(0);
		const view = (await h.server.call('GET', `/api/v1/conversations/${handed}`, h.admin)).json();
		// The admin signed in moments ago: the online attendant gets it, and the bell rings for them.
		expect(view.assigneeId).toBe(h.workspace.admin.id);
		expect(view.status).toBe('open');
		await eventually(async () => expect((await h.aiMessages(handed)).map((m) => m.body)).toEqual(['Já chamo um atendente!']), LONG);
		const adminName = (await h.db.query('SELECT name FROM users WHERE id = $1', [h.workspace.admin.id])).rows[0].name;
		expect(await systemLines(handed)).toContain(`AI handed the conversation off to ${adminName}: the customer asked for a person ("atendente")`);
		expect(await aiLineDetails(handed)).toEqual([
			expect.objectContaining({ reason: 'customer_started', vars: { agent: expect.any(String) } }),
			expect.objectContaining({ reason: 'handed_off: the customer asked for a person ("atendente")', vars: { assignee: adminName, keyword: 'atendente' } }),
		]);
		const bell = (await h.server.call('GET', '/api/v1/notifications', h.admin)).json();
		expect(bell.data ?? bell.items).toEqual(expect.arrayContaining([expect.objectContaining({ kind: 'ai_handed_off', conversationId: handed })]));
		// Handed off holds: the customer's next message is not answered.
		await h.say(channel, b, 'alô?');
		await h.handled(handed);
		expect(h.model.chatsMentioning('alô?')).toHaveLength(0);
	});

	it('hands off when the model calls hand_off(reason)', async () => {
		const channel = await h.channel();
		await h.agent(channel);
		const phone = h.phone();
		h.model.respond = () => ({ handOff: 'o cliente quer negociar um desconto' });
		await h.say(channel, phone, 'Consigo um desconto de 30%?');
		const conversationId = await h.conversationOf(channel, phone);
		await eventually(async () => expect(await aiView(conversationId)).toMatchObject({ state: 'handed_off', reason: 'handed_off: o cliente quer negociar um desconto' }), LONG);
		expect(await h.aiMessages(conversationId)).toHaveLength(0);
		expect((await aiLineDetails(conversationId)).at(-1)).toMatchObject({ vars: { why: 'o cliente quer negociar um desconto' } });
		await eventually(() =>
			expect(h.events.some((e) => e.type === 'conversation.ai_changed' && e.conversationId === conversationId && e.data.aiState === 'handed_off')).toBe(true),
		);
		expect((await aiView(conversationId)).replies[0]).toMatchObject({ outcome: 'handed_off', tokensIn: 120 });
	});

	it('retries a failing or slow provider with back-off, then hands off with the reason', async () => {
		const channel = await h.channel();
		await h.agent(channel, { maxAttempts: 3, requestTimeoutMs: 300, handOffMessage: 'Um atendente vai continuar.' });
		// Slow once (times out), then answers.
		const slow = h.phone();
		let slowCalls = 0;
		h.model.respond = (body) => (JSON.stringify(body).includes('demora') && slowCalls++ === 0 ? { delayMs: 2_000 } : { reply: 'Pronto!' });
		await h.say(channel, slow, 'resposta que demora');
		const slowId = await h.conversationOf(channel, slow);
		await eventually(async () => expect((await h.aiMessages(slowId)).map((m) => m.body)).toEqual(['Pronto!']), LONG);
		const slowRecords = (await aiView(slowId)).replies;
		expect(slowRecords.map((r: any) => r.outcome).sort()).toEqual(['error', 'replied']);
		expect(slowRecords.find((r: any) => r.outcome === 'error').error).toMatch(/^timeout/);

		// Failing every time: three calls, then a person with the reason; the customer hears it.
		const failing = h.phone();
		h.model.respond = () => ({ status: 500 });
		await h.say(channel, failing, 'preciso de ajuda');
		const failingId = await h.conversationOf(channel, failing);
		await eventually(async () => expect((await aiView(failingId)).state).toBe('handed_off'), LONG);
		expect(h.model.chatsMentioning('preciso de ajuda')).toHaveLength(3);
		expect((await aiView(failingId)).reason).toMatch(/^handed_off: the AI provider failed after 3 attempts \(the AI provider answered 500\)$/);
		expect(await systemLines(failingId)).toEqual(expect.arrayContaining([expect.stringMatching(/^AI handed the conversation off to .*: the AI provider failed after 3 attempts/)]));
		expect((await aiLineDetails(failingId)).at(-1)).toMatchObject({ vars: { attempts: 3 } });
		await eventually(async () => expect((await h.aiMessages(failingId)).map((m) => m.body)).toEqual(['Um atendente vai continuar.']), LONG);
		const outcomes = (await aiView(failingId)).replies.map((r: any) => r.outcome).sort();
		expect(outcomes).toEqual(['error', 'error', 'error', 'handed_off']);
	});

	it('outside business hours sends the away message once per conversation and does not call the model', async () => {
		const channel = await h.channel();
		// Open on no day at all: always outside.
		await h.agent(channel, { businessHours: { timeZone: 'America/Sao_Paulo', days: {} }, awayMessage: 'Estamos fora do horário; respondemos amanhã às 9h.' });
		const phone = h.phone();
		await h.say(channel, phone, 'Alguém aí?');
		const conversationId = await h.conversationOf(channel, phone);
		await eventually(async () => expect((await h.aiMessages(conversationId)).map((m) => m.body)).toEqual(['Estamos fora do horário; respondemos amanhã às 9h.']), LONG);
		await h.handled(conversationId);
		await h.say(channel, phone, 'Oi??');
		await h.handled(conversationId);
		expect(await h.aiMessages(conversationId)).toHaveLength(1);
		expect(h.model.chatsMentioning('Alguém aí?')).toHaveLength(0);
	});

	it('resumes after the idle time with no attendant activity', async () => {
		const channel = await h.channel();
		await h.agent(channel, { idleResumeMinutes: 0.02 });
		const phone = h.phone();
		await h.say(channel, phone, 'Oi');
		const conversationId = await h.conversationOf(channel, phone);
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(1), LONG);
		await h.server.call('POST', `/api/v1/conversations/${conversationId}/ai`, h.admin, { state: 'paused' });
		await eventually(async () => expect(await aiView(conversationId)).toMatchObject({ state: 'active', reason: 'idle_resume' }), LONG);
		expect(await systemLines(conversationId)).toEqual(expect.arrayContaining([expect.stringMatching(/^AI resumed: no attendant activity for/)]));
		expect((await aiLineDetails(conversationId)).find((d) => d.reason === 'idle_resume')?.vars).toEqual({ minutes: expect.any(Number) });
		await h.say(channel, phone, 'Voltei');
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(2), LONG);
	});

	it('transcribes a voice note before replying: the transcript is stored on the message and given to the model', async () => {
		const channel = await h.channel();
		await h.agent(channel, { transcribeAudio: true, transcriptionModel: 'whisper-test' });
		const phone = h.phone();
		h.model.transcript = 'quero marcar uma consulta amanhã às dez';
		const answer = await h.sandbox.post(`/_sandbox/instances/${channel.name}/messages`, { type: 'audio', from: phone, ptt: true });
		expect(answer.status).toBeLessThan(300);
		const conversationId = await h.conversationOf(channel, phone);
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(1), LONG);
		const stored = (await h.db.query<{ transcript: string | null }>(`SELECT transcript FROM whatsapp_messages WHERE conversation_id = $1 AND type = 'audio'`, [conversationId])).rows;
		expect(stored).toEqual([{ transcript: 'quero marcar uma consulta amanhã às dez' }]);
		const upload = h.model.requests.filter((r) => r.path.endsWith('/audio/transcriptions')).at(-1)!;
		expect(upload.authorization).toBe(`Bearer ${API_KEY_OF_MODEL}`);
		expect(upload.raw).toContain('whisper-test');
		const [call] = h.model.chatsMentioning('consulta amanhã às dez');
		expect(call.body.messages.at(-1)).toEqual({ role: 'user', content: '[voice note] quero marcar uma consulta amanhã às dez' });
		// The inbox hears the transcript on the message.
		await eventually(() =>
			expect(h.events.some((e) => e.type === 'message.updated' && (e.data.message as { transcript?: string }).transcript === 'quero marcar uma consulta amanhã às dez')).toBe(true),
		);
	});

	it('ignores groups and listed chats', async () => {
		const channel = await h.channel();
		const listed = h.phone();
		await h.agent(channel, { ignoreChats: [`+${listed.slice(0, 2)} ${listed.slice(2)}`] });
		await h.say(channel, h.phone(), 'Oi grupo', { group: '120363000000000777@g.us' });
		const { rows } = await eventually(async () => {
			const found = await h.db.query<{ id: string }>(`SELECT id FROM whatsapp_conversations WHERE channel_id = $1 AND is_group`, [channel.id]);
			expect(found.rows).toHaveLength(1);
			return found;
		}, LONG);
		await h.handled(rows[0].id);
		await h.say(channel, listed, 'Oi, sou da lista');
		const listedId = await h.conversationOf(channel, listed);
		await h.handled(listedId);
		expect(h.model.chatsMentioning('Oi grupo')).toHaveLength(0);
		expect(h.model.chatsMentioning('sou da lista')).toHaveLength(0);
		expect(await h.aiMessages(rows[0].id)).toHaveLength(0);
	});

	it('gives one reply to duplicate webhook deliveries, and to two server processes receiving the same burst', async () => {
		const channel = await h.channel();
		const agent = await h.agent(channel, { debounceMs: 800 });
		const phone = h.phone();
		await h.say(channel, phone, 'mensagem duplicada');
		const conversationId = await h.conversationOf(channel, phone);
		const [delivery] = await eventually(async () => {
			const found = await deliveriesOf(channel, 'mensagem duplicada');
			expect(found.length).toBeGreaterThan(0);
			return found;
		}, LONG);
		await Promise.all([replay(delivery), replay(delivery), replay(delivery)]);
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(1), LONG);
		await h.handled(conversationId);
		for (const answer of await Promise.all([replay(delivery), replay(delivery)])) expect(answer.status).toBe(200);
		await h.handled(conversationId);
		expect(h.model.chatsMentioning('mensagem duplicada')).toHaveLength(1);

		// A second replica on the same database and Redis (same QUEUE_PREFIX): every delivery of a burst reaches both.
		// A debounce long enough for the replays to land inside it.
		expect((await h.server.call('PATCH', `/api/v1/ai/agents/${agent.id}`, h.admin, { debounceMs: 4_000 })).statusCode).toBe(200);
		let second: InboxApp | undefined;
		try {
			second = await startInboxApp(h.db, {
				env: { QUEUE_PREFIX: h.server.runtime.config.queuePrefix!, OUTBOX_TIME_SCALE: '0.01', OUTBOX_RECONCILE_MS: '500', AI_SWEEP_MS: '200' },
				evolution: h.server.runtime.evolution,
				integrationsKey: h.server.runtime.integrationsKey,
			});
			const other = h.phone();
			const burst = ['réplica um', 'réplica dois', 'réplica três'];
			for (const text of burst) {
				await h.say(channel, other, text);
				const [sent] = await eventually(async () => {
					const found = await deliveriesOf(channel, text);
					expect(found.length).toBeGreaterThan(0);
					return found;
				}, LONG);
				await Promise.all([replay(sent, second.url), replay(sent, second.url)]);
			}
			const otherId = await h.conversationOf(channel, other);
			await eventually(async () => expect(await h.aiMessages(otherId)).toHaveLength(1), LONG);
			await h.handled(otherId);
			expect(h.model.chatsMentioning('réplica três')).toHaveLength(1);
			expect(await h.aiMessages(otherId)).toHaveLength(1);
			await eventually(async () => expect((await sends(channel)).filter((s) => s.remoteJid.startsWith(other))).toHaveLength(1), LONG);
		} finally {
			await second?.close();
		}
	});
});
