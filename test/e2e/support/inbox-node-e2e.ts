/**
 * The WhatsApp Inbox action node in a running n8n (both flavours): a webhook-started workflow that sends to a
 * conversation and upserts a lead. Workflows are created through n8n's public API and started by their Webhook node,
 * as a production workflow would be.
 */
import { randomBytes, randomUUID } from 'node:crypto';

import type { RunningSandbox } from './evolution-sandbox';
import { INBOX_CREDENTIAL, type RunningInboxServer } from './inbox-server';
import type { ExecutionSummary, N8nInstance } from './n8n-instance';
import { waitFor } from './processes';

const INBOX_NODE_TYPE = 'n8n-nodes-evolution-whatsapp.whatsAppInbox';

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
		const paths = { actions: `inbox-actions-${tag}` };
		let actionsId: string;

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

		const startWorkflow = async (path: string, body: unknown) => {
			const response = await fetch(`${context().n8n.url}/webhook/${path}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify(body),
				signal: AbortSignal.timeout(60_000),
			});
			expect(response.status).toBe(200);
		};

		/** The execution of the workflow whose Webhook got `marker`, once it is in the wanted state. */
		const executionWith = (workflowId: string, marker: string, done: (execution: ExecutionSummary) => boolean, timeoutMs = 90_000) =>
			waitFor(`the execution of ${workflowId} for ${marker}`, async () => {
				const found = (await context().n8n.executions(workflowId)).find((execution) => outputOf(execution, 'Webhook')?.body?.marker === marker);
				return found && done(found) ? found : undefined;
			}, timeoutMs, 500);

		beforeAll(async () => {
			const { n8n } = context();
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
	});
}
