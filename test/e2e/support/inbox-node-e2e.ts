/**
 * The WhatsApp Inbox action node in a running n8n (both flavours): a webhook-started workflow that sends to a
 * conversation and upserts a lead, and Message → Send and Wait for Reply, whose execution waits until the contact's
 * reply (a customer message injected through the sandbox) or the server's timeout resumes it. Workflows are created
 * through n8n's public API and started by their Webhook node, as a production workflow would be.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import type { RunningSandbox } from './evolution-sandbox';
import { INBOX_CREDENTIAL, type RunningInboxServer } from './inbox-server';
import type { ExecutionSummary, N8nInstance } from './n8n-instance';
import { waitFor } from './processes';

const INBOX_NODE_TYPE = 'n8n-nodes-evolution-whatsapp.whatsAppInbox';
const ASK_NODE_ID = 'a5c0ffee-0000-4000-8000-00000000000a';

export interface InboxNodeContext {
	n8n: N8nInstance;
	sandbox: RunningSandbox;
	inbox: RunningInboxServer;
}

const rl = (value: string) => ({ __rl: true, mode: 'id', value });

function webhookNode(path: string) {
	return {
		id: randomUUID(),
		name: 'Webhook',
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId: randomUUID(),
		parameters: { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} },
	};
}

function inboxNode(name: string, x: number, parameters: Record<string, unknown>, id: string = randomUUID()) {
	return { id, name, type: INBOX_NODE_TYPE, typeVersion: 1, position: [x, 0], parameters, credentials: { whatsAppInboxApi: INBOX_CREDENTIAL } };
}

/** A straight line of nodes, each feeding the next. */
function chain(name: string, nodes: Array<{ name: string; [key: string]: unknown }>) {
	const connections: Record<string, unknown> = {};
	for (let i = 0; i + 1 < nodes.length; i++) connections[nodes[i].name] = { main: [[{ node: nodes[i + 1].name, type: 'main', index: 0 }]] };
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** The first output item of a node in an execution. */
function outputOf(execution: ExecutionSummary, node: string): Record<string, any> | undefined {
	const runs = execution.data?.resultData.runData[node] ?? [];
	return runs[runs.length - 1]?.data?.main?.[0]?.[0]?.json;
}

/** Registers the tests; call inside the suite's describe, after n8n was started with API access. */
export function describeInboxNodeInN8n(context: () => InboxNodeContext): void {
	describe('WhatsApp Inbox node in a running n8n', () => {
		const tag = randomBytes(3).toString('hex');
		const paths = { actions: `inbox-actions-${tag}`, ask: `inbox-ask-${tag}` };
		let actionsId: string;
		let askId: string;

		const api = async (method: string, path: string, body?: unknown) => {
			const { inbox } = context();
			const response = await fetch(`${inbox.url}${path}`, {
				method,
				headers: { authorization: `Bearer ${inbox.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
				body: body === undefined ? undefined : JSON.stringify(body),
				signal: AbortSignal.timeout(30_000),
			});
			const text = await response.text();
			if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
			return text === '' ? undefined : JSON.parse(text);
		};

		/** A contact writes to the inbox's channel; answers their conversation once the server stored the message. */
		const contactWrites = async (phone: string, text: string): Promise<string> => {
			const { sandbox, inbox } = context();
			await sandbox.receive(inbox.channel.instance, { type: 'text', from: phone, pushName: `Cliente ${phone.slice(-4)}`, text });
			return await waitFor(`the conversation of ${phone}`, async () => {
				const page = await api('GET', `/api/v1/conversations?status=all&q=${phone}`);
				return (page.data as Array<{ id: string }>)[0]?.id;
			}, 60_000);
		};

		// Activation answers before every production webhook is served: on a loaded machine n8n 2 answered 404 ("not
		// registered") for a moment after it. A 404 runs nothing, so asking again is safe; any other answer is final.
		const startWorkflow = async (path: string, body: unknown) => {
			const deadline = Date.now() + 60_000;
			for (;;) {
				const response = await fetch(`${context().n8n.url}/webhook/${path}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(body),
					signal: AbortSignal.timeout(60_000),
				});
				if (response.status !== 404 || Date.now() > deadline) {
					expect(response.status).toBe(200);
					return;
				}
				await response.body?.cancel();
				await new Promise((resolve) => setTimeout(resolve, 500));
			}
		};

		/** The execution of the workflow whose Webhook got `marker`, once it is in the wanted state. */
		const executionWith = (workflowId: string, marker: string, done: (execution: ExecutionSummary) => boolean, timeoutMs = 90_000) =>
			waitFor(`the execution of ${workflowId} for ${marker}`, async () => {
				const found = (await context().n8n.executions(workflowId)).find((execution) => outputOf(execution, 'Webhook')?.body?.marker === marker);
				return found && done(found) ? found : undefined;
			}, timeoutMs, 500);

		beforeAll(async () => {
			const { n8n, inbox } = context();
			// The trigger tests before this block start n8n; run alone (jest -t), this block starts it.
			const started = await n8n.api('GET', '/workflows?limit=1').then(
				() => true,
				() => false,
			);
			if (!started) {
				await n8n.start();
				await n8n.setupApiAccess();
			}
			const create = async (workflow: object) => {
				const created = await n8n.api('POST', '/workflows', workflow);
				if (created.status !== 200) throw new Error(`create workflow: ${created.status} ${JSON.stringify(created.json)}`);
				const id = created.json.id as string;
				const activated = await n8n.activate(id);
				if (activated.status !== 200) throw new Error(`activate ${id}: ${activated.status} ${JSON.stringify(activated.json)}`);
				return id;
			};
			actionsId = await create(
				chain('Inbox: send to a conversation, upsert the lead', [
					webhookNode(paths.actions),
					inboxNode('Send', 200, {
						resource: 'message',
						operation: 'send',
						sendTo: 'conversation',
						conversationId: rl('={{ $json.body.conversationId }}'),
						messageType: 'text',
						text: '={{ $json.body.text }}',
						options: { typing: false, waitUntilSent: true, waitTimeout: 60, clientId: '={{ $json.body.marker }}' },
					}),
					inboxNode('Upsert Lead', 400, {
						resource: 'lead',
						operation: 'upsert',
						phone: "={{ $('Webhook').item.json.body.phone }}",
						fields: { name: 'Lead do n8n', source: 'form', firstTouch: "={{ $('Webhook').item.json.body.token }}", utmCampaign: 'black-friday' },
					}),
				]),
			);
			askId = await create(
				chain('Inbox: ask and wait for the reply', [
					webhookNode(paths.ask),
					inboxNode(
						'Ask',
						200,
						{
							resource: 'message',
							operation: 'sendAndWait',
							sendTo: 'phone',
							channelId: rl(inbox.channel.id),
							to: '={{ $json.body.phone }}',
							text: '={{ $json.body.question }}',
							choices: { choice: [{ key: '1', label: 'Sim' }, { key: '2', label: 'Não' }] },
							timeoutMinutes: '={{ $json.body.timeoutMinutes }}',
							options: { typing: false },
						},
						ASK_NODE_ID,
					),
					{ id: randomUUID(), name: 'After', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [400, 0], parameters: {} },
				]),
			);
		}, 360_000);

		it('sends to a conversation (delivered in the sandbox) and upserts the lead with its attribution', async () => {
			const phone = `55119${String(Date.now()).slice(-8)}`;
			const conversationId = await contactWrites(phone, 'Oi, quero saber do frete');
			const marker = `e2e-send-${tag}`;
			const text = `Frete grátis hoje! (${tag})`;
			// A lead from a form, for a number that has not written yet (one that wrote already has ingest's lead).
			const leadPhone = `+55116${String(Date.now()).slice(-8)}`;
			await startWorkflow(paths.actions, { marker, conversationId, text, phone: leadPhone, token: `vm-${tag}` });
			const execution = await executionWith(actionsId, marker, (found) => found.finished || found.status === 'error');
			expect({ status: execution.status, error: execution.data?.resultData.error?.message }).toEqual({ status: 'success', error: undefined });

			const sent = outputOf(execution, 'Send')!;
			expect(sent).toMatchObject({ conversationId, direction: 'outbound', body: text });
			expect(['sent', 'server_ack', 'delivered', 'read']).toContain(sent.status);
			const { sandbox, inbox } = context();
			const sends = (await sandbox.ok('GET', `/_sandbox/sends?instance=${inbox.channel.instance}`)).sends as Array<{ remoteJid: string; text: string | null }>;
			expect(sends.filter((send) => send.text === text)).toEqual([expect.objectContaining({ remoteJid: `${phone}@s.whatsapp.net` })]);
			// The sandbox's delivery receipt reaches the server.
			await waitFor('the message delivered', async () => {
				const message = await api('GET', `/api/v1/messages/${sent.id}`);
				return ['delivered', 'read'].includes(message.status) ? message : undefined;
			}, 60_000);

			const lead = outputOf(execution, 'Upsert Lead')!;
			expect(lead).toMatchObject({ created: true, name: 'Lead do n8n', phoneE164: leadPhone, source: 'form', firstTouchToken: `vm-${tag}`, utmCampaign: 'black-friday' });
			const stored = await api('GET', `/api/v1/leads/${lead.id}`);
			expect(stored).toMatchObject({ id: lead.id, source: 'form', firstTouchToken: `vm-${tag}`, utmCampaign: 'black-friday' });
		}, 240_000);

		it('Send and Wait for Reply: the execution waits, the reply resumes it with the choice; with no reply it outputs "no reply"', async () => {
			const { n8n, sandbox, inbox } = context();
			const replier = `55118${String(Date.now()).slice(-8)}`;
			const silent = `55117${String(Date.now()).slice(-8)}`;
			const replierConversation = await contactWrites(replier, 'Olá');
			const silentConversation = await contactWrites(silent, 'Olá');
			// The silent one first: its one-minute timeout runs while the other is answered.
			await startWorkflow(paths.ask, { marker: `e2e-silent-${tag}`, phone: `+${silent}`, question: `Confirma a visita? (${tag} b)`, timeoutMinutes: 1 });
			await startWorkflow(paths.ask, { marker: `e2e-reply-${tag}`, phone: `+${replier}`, question: `Confirma a visita? (${tag} a)`, timeoutMinutes: 30 });

			// The execution is found through the server's wait (its clientId names the execution and the node), then
			// asked for by id: n8n 1's public API leaves a waiting execution out of every list (it stays among the
			// active executions, which the list excludes), though it answers it by id.
			const waitOf = (conversationId: string) =>
				waitFor(`the server's wait on ${conversationId}`, async () => {
					const waits = (await api('GET', `/api/v1/conversations/${conversationId}/reply-waits`)).data as Array<{ clientId: string | null }>;
					return waits[0]?.clientId ?? undefined;
				}, 90_000, 500);
			const executionIdOf = (clientId: string) => {
				const match = new RegExp(`^n8n-send-and-wait-(.+)-${ASK_NODE_ID}$`).exec(clientId);
				if (!match) throw new Error(`unexpected clientId ${clientId}`);
				return match[1];
			};
			const executionById = (id: string, done: (execution: ExecutionSummary) => boolean, timeoutMs = 90_000) =>
				waitFor(`execution ${id}`, async () => {
					const { status, json } = await n8n.api('GET', `/executions/${id}?includeData=true`);
					if (status !== 200) throw new Error(`execution ${id}: ${status} ${JSON.stringify(json)}`);
					return done(json as ExecutionSummary) ? (json as ExecutionSummary) : undefined;
				}, timeoutMs, 500);
			const replierExecution = executionIdOf(await waitOf(replierConversation));
			const silentExecution = executionIdOf(await waitOf(silentConversation));
			const waiting = await executionById(replierExecution, (found) => found.status !== 'running' && found.status !== 'new').catch(async (error: unknown) => {
				const logged = n8n.log().split('\n').filter((line) => /waiting|resume|signature|error|Ask/i.test(line)).slice(-15);
				throw new Error(`${String(error)}\nn8n: ${logged.join('\n')}`);
			});
			expect({ workflowId: waiting.workflowId, status: waiting.status, marker: outputOf(waiting, 'Webhook')?.body?.marker }).toEqual({ workflowId: askId, status: 'waiting', marker: `e2e-reply-${tag}` });
			expect(waiting.finished).toBe(false);
			const question = `Confirma a visita? (${tag} a)\n\n1 - Sim\n2 - Não`;
			const sends = (await sandbox.ok('GET', `/_sandbox/sends?instance=${inbox.channel.instance}`)).sends as Array<{ remoteJid: string; text: string | null }>;
			expect(sends.filter((send) => send.text === question)).toEqual([expect.objectContaining({ remoteJid: `${replier}@s.whatsapp.net` })]);
			if (n8n.majorVersion >= 2) {
				// n8n 2 signs resume URLs: the unsigned address does not resume the execution.
				const unsigned = await fetch(`${n8n.url}/webhook-waiting/${waiting.id}/${ASK_NODE_ID}`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify({ timedOut: false, reply: { text: 'forged' } }),
					signal: AbortSignal.timeout(30_000),
				});
				expect(unsigned.status).toBeGreaterThanOrEqual(400);
				const after = await n8n.api('GET', `/executions/${waiting.id}`);
				expect(after.json.status).toBe('waiting');
			}

			await sandbox.receive(inbox.channel.instance, { type: 'text', from: replier, text: 'sim' });
			const answered = await executionById(replierExecution, (found) => found.finished || found.status === 'error').catch(async (error: unknown) => {
				// Why it did not resume: the server's side of the wait, and what n8n logged about it.
				const waits = await api('GET', `/api/v1/conversations/${replierConversation}/reply-waits`);
				const logged = n8n.log().split('\n').filter((line) => /waiting|resume|signature|token|error/i.test(line)).slice(-15);
				throw new Error(`${String(error)}\nwaits: ${JSON.stringify(waits.data)}\nn8n: ${logged.join('\n')}`);
			});
			expect({ status: answered.status, error: answered.data?.resultData.error?.message }).toEqual({ status: 'success', error: undefined });
			expect(outputOf(answered, 'After')).toMatchObject({
				timedOut: false,
				choice: '1',
				reply: { text: 'sim', type: 'text', choice: '1' },
				contact: { phone: `+${replier}` },
			});

			// Nobody answered the other one: the server's timeout resumes it with no reply.
			const timedOut = await executionById(silentExecution, (found) => found.finished || found.status === 'error', 180_000);
			expect(outputOf(timedOut, 'Webhook')?.body?.marker).toBe(`e2e-silent-${tag}`);
			expect({ status: timedOut.status, error: timedOut.data?.resultData.error?.message }).toEqual({ status: 'success', error: undefined });
			expect(outputOf(timedOut, 'After')).toMatchObject({ timedOut: true, reply: null, choice: null, contact: { phone: `+${silent}` } });
		}, 360_000);
	});
}
