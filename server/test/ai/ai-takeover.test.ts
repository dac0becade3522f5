import type { Db } from '../../src/db/db';
import { ADAPTERS, eventually, signIn } from '../inbox/support/inbox-app';
import { LONG } from '../outbox/support/outbox-harness';
import { API_KEY_OF_MODEL, startAiHarness, type AiHarness } from './support/ai-harness';

/**
 * AI agents (admins only, the key never returned and sealed at rest) and the take-over that holds, against the
 * sandbox and a loopback model, on both database adapters: an attendant's send pauses the AI and the next customer
 * messages get no reply (evolution#830), a conversation a person started is never answered (#846), only giving it
 * back resumes it, and every change is a system line and a conversation.ai_changed event.
 */
describe.each(ADAPTERS)('AI take-over on %s', (_name, open: () => Promise<Db>) => {
	let h: AiHarness;
	beforeAll(async () => {
		h = await startAiHarness(open);
	});
	afterAll(async () => {
		await h?.close();
	});

	const systemLines = async (conversationId: string) =>
		(
			await h.db.query<{ body: string; details: any }>(`SELECT body, details FROM whatsapp_messages WHERE conversation_id = $1 AND type = 'system' ORDER BY created_at, id`, [
				conversationId,
			])
		).rows;

	it('lets only admins manage agents; the key is never answered and is sealed at rest', async () => {
		const channel = await h.channel();
		const agent = await h.agent(channel, { systemPrompt: 'Você atende a {{channel.name}}.' });
		expect(agent).toMatchObject({ name: 'Assistente', model: 'gpt-test', hasApiKey: true, channelIds: [channel.id], debounceMs: 300, handOffKeywords: ['atendente', 'humano'] });
		const listed = await h.server.call('GET', '/api/v1/ai/agents', h.admin);
		expect(listed.statusCode).toBe(200);
		for (const answer of [JSON.stringify(agent), listed.body, (await h.server.call('GET', `/api/v1/ai/agents/${agent.id}`, h.admin)).body]) {
			expect(answer).not.toContain(API_KEY_OF_MODEL);
		}
		const { rows } = await h.db.query<{ sealed: string; settings: unknown }>('SELECT api_key_encrypted AS sealed, settings FROM ai_agents WHERE id = $1', [agent.id]);
		expect(rows[0].sealed).toMatch(/^v1:/);
		expect(JSON.stringify(rows)).not.toContain(API_KEY_OF_MODEL);

		const member = (await signIn(h.server, h.workspace.agent.email)).authorization;
		expect((await h.server.call('GET', '/api/v1/ai/agents', member)).statusCode).toBe(403);
		expect((await h.server.call('POST', '/api/v1/ai/agents', member, { name: 'x', model: 'm' })).statusCode).toBe(403);

		const bad = await h.server.call('POST', '/api/v1/ai/agents', h.admin, { name: 'x', model: 'm', trigger: { type: 'keyword', operator: 'regex', value: '([' } });
		expect(bad.statusCode).toBe(400);
		const unknownChannel = await h.server.call('POST', '/api/v1/ai/agents', h.admin, { name: 'x', model: 'm', channelIds: ['00000000-0000-4000-8000-000000000000'] });
		expect(unknownChannel.statusCode).toBe(404);

		const patched = await h.server.call('PATCH', `/api/v1/ai/agents/${agent.id}`, h.admin, { apiKey: null, temperature: 0.2 });
		expect(patched.json()).toMatchObject({ hasApiKey: false, temperature: 0.2, systemPrompt: 'Você atende a {{channel.name}}.' });
		expect((await h.server.call('DELETE', `/api/v1/ai/agents/${agent.id}`, h.admin)).statusCode).toBe(200);
		expect((await h.server.call('GET', `/api/v1/ai/agents/${agent.id}`, h.admin)).statusCode).toBe(404);
	});

	it("pauses on an attendant's send: the next three customer messages get no reply; giving it back resumes it", async () => {
		const channel = await h.channel();
		await h.agent(channel);
		const phone = h.phone();
		await h.say(channel, phone, 'Oi, vocês abrem sábado?');
		const conversationId = await h.conversationOf(channel, phone);
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(1), LONG);
		await eventually(() => expect(h.events.some((e) => e.type === 'conversation.ai_changed' && e.conversationId === conversationId && e.data.aiState === 'active')).toBe(true));

		const sent = await h.server.call('POST', `/api/v1/conversations/${conversationId}/messages`, h.admin, { text: 'Oi! Aqui é a Ana, eu assumo.', typing: false });
		expect(sent.statusCode).toBe(202);
		await eventually(async () => {
			const view = (await h.server.call('GET', `/api/v1/conversations/${conversationId}/ai`, h.admin)).json();
			expect(view).toMatchObject({ state: 'paused', reason: 'attendant_message' });
		}, LONG);
		await eventually(() =>
			expect(h.events.some((e) => e.type === 'conversation.ai_changed' && e.conversationId === conversationId && e.data.aiState === 'paused' && e.data.previousAiState === 'active')).toBe(true),
		);
		const callsBefore = h.model.requests.length;
		for (const text of ['obrigado', 'e no domingo?', 'alô?']) {
			await h.say(channel, phone, text);
			await h.handled(conversationId);
		}
		expect(h.model.chatsMentioning('alô?')).toHaveLength(0);
		expect(h.model.requests.length).toBe(callsBefore);
		expect(await h.aiMessages(conversationId)).toHaveLength(1);
		expect((await h.server.call('GET', `/api/v1/conversations/${conversationId}`, h.admin)).json().aiState).toBe('paused');

		const back = await h.server.call('POST', `/api/v1/conversations/${conversationId}/ai`, h.admin, { state: 'active' });
		expect(back.statusCode).toBe(200);
		expect(back.json().aiState).toBe('active');
		await h.say(channel, phone, 'Vocês aceitam pix?');
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(2), LONG);
		// Given back: what was said while paused is context, not answered again; the call carries the new message last.
		const last = h.model.chatsMentioning('Vocês aceitam pix?');
		expect(last).toHaveLength(1);
		expect(last[0].body.messages.at(-1)).toEqual({ role: 'user', content: 'Vocês aceitam pix?' });
		const lines = (await systemLines(conversationId)).map((l) => l.body);
		expect(lines).toEqual(expect.arrayContaining(['AI agent Assistente is answering this conversation', 'AI paused: an attendant sent a message', expect.stringMatching(/gave the conversation back to the AI$/)]));
	});

	it('does not answer a conversation a person started (evolution#846), nor after a message typed on the phone', async () => {
		const channel = await h.channel();
		await h.agent(channel);
		const phone = h.phone();
		const started = await h.server.call('POST', '/api/v1/messages', h.admin, { channelId: channel.id, to: `+${phone}`, text: 'Olá! Seu pedido chegou.', typing: false });
		expect(started.statusCode).toBe(202);
		const conversationId = started.json().conversationId as string;
		await h.say(channel, phone, 'Oba, obrigado!');
		await h.handled(conversationId);
		expect(h.model.chatsMentioning('Oba, obrigado!')).toHaveLength(0);
		expect(await h.aiMessages(conversationId)).toHaveLength(0);
		expect((await h.server.call('GET', `/api/v1/conversations/${conversationId}/ai`, h.admin)).json().state).toBe('off');

		// Another customer: the AI answers, then someone types on the phone (fromMe, not through the server): paused.
		const other = h.phone();
		await h.say(channel, other, 'Bom dia');
		const otherId = await h.conversationOf(channel, other);
		await eventually(async () => expect(await h.aiMessages(otherId)).toHaveLength(1), LONG);
		await h.say(channel, other, 'Deixa comigo, Maria!', { fromMe: true });
		await eventually(async () => expect((await h.server.call('GET', `/api/v1/conversations/${otherId}/ai`, h.admin)).json()).toMatchObject({ state: 'paused', reason: 'phone_message' }), LONG);
		await h.say(channel, other, 'Ok!');
		await h.handled(otherId);
		expect(h.model.chatsMentioning('Ok!')).toHaveLength(0);
		// The AI's own reply, echoed back by WhatsApp, never counted as a person's.
		expect((await systemLines(otherId)).filter((l) => l.details?.to === 'paused')).toHaveLength(1);
	});

	it('lets a proactive send ask the AI to take the replies (aiReplies), refused with 422 on a channel without an agent', async () => {
		const channel = await h.channel();
		await h.agent(channel);
		const phone = h.phone();
		const started = await h.server.call('POST', '/api/v1/messages', h.admin, { channelId: channel.id, to: `+${phone}`, text: 'Seu boleto vence amanhã.', typing: false, aiReplies: true });
		expect(started.statusCode).toBe(202);
		const conversationId = started.json().conversationId as string;
		expect((await h.server.call('GET', `/api/v1/conversations/${conversationId}/ai`, h.admin)).json()).toMatchObject({ state: 'active', reason: 'proactive_ai' });
		await h.say(channel, phone, 'Posso pagar com cartão?');
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(1), LONG);
		// Its own send, heard after it was made, did not pause it.
		expect((await h.server.call('GET', `/api/v1/conversations/${conversationId}/ai`, h.admin)).json().state).toBe('active');

		const bare = await h.channel();
		const refused = await h.server.call('POST', '/api/v1/messages/batch', h.admin, { channelId: bare.id, aiReplies: true, messages: [{ to: `+${h.phone()}`, text: 'Promoção só hoje' }] });
		expect(refused.statusCode).toBe(422);
		expect(refused.json().error.code).toBe('no_ai_agent');
		expect(await h.sendsOf('Promoção só hoje')).toBe(0);
	});

	it('pauses on an assignment to a person and answers 422 when the channel has no agent', async () => {
		const channel = await h.channel();
		await h.agent(channel);
		const phone = h.phone();
		await h.say(channel, phone, 'Quero um orçamento');
		const conversationId = await h.conversationOf(channel, phone);
		await eventually(async () => expect(await h.aiMessages(conversationId)).toHaveLength(1), LONG);
		const assigned = await h.server.call('POST', `/api/v1/conversations/${conversationId}/assignment`, h.admin, { assigneeId: h.workspace.agent.id });
		expect(assigned.statusCode).toBe(200);
		await eventually(async () => expect((await h.server.call('GET', `/api/v1/conversations/${conversationId}/ai`, h.admin)).json()).toMatchObject({ state: 'paused', reason: 'assigned' }), LONG);

		const bare = await h.channel();
		const lone = await h.conversation(bare);
		const refused = await h.server.call('POST', `/api/v1/conversations/${lone.id}/ai`, h.admin, { state: 'active' });
		expect(refused.statusCode).toBe(422);
		expect(refused.json().error.code).toBe('no_ai_agent');
		expect((await h.server.call('POST', `/api/v1/conversations/${lone.id}/ai`, h.admin, { state: 'handed_off' })).statusCode).toBe(400);
	});
});
