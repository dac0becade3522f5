/**
 * The four WhatsApp Inbox example workflows of workflows/ (lead capture, AI auto-reply, campaign, QR onboarding) run
 * in the suite's real n8n against the suite's companion server and Evolution sandbox. The repository files are
 * imported with only this run's ids filled in (channel, attendant, instance name, the model's URL); the outcomes are
 * read back from the server's API and the sandbox, not from n8n alone.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { TEST_PASSWORD } from '../../../server/test/inbox/support/inbox-app';
import { FakeOpenAi } from '../../../server/test/ai/support/fake-openai';
import type { RunningSandbox } from './evolution-sandbox';
import type { RunningInboxServer } from './inbox-server';
import { N8N_OWNER, type ExecutionSummary, type N8nInstance, type RunOfNode } from './n8n-instance';
import { openBrowser } from '../../browser/support/browser';
import { REPO_ROOT } from './package-tarball';
import { waitFor } from './processes';
import type { WorkflowJson } from './workflows';

export const LEAD_CAPTURE = 'inboxLeadCapture';
export const AI_AUTO_REPLY = 'inboxAiAutoReply';
export const CAMPAIGN = 'inboxCampaign001';
export const QR_ONBOARDING = 'inboxQrOnboard01';

/** Workflow id → the picture's name (docs/workflows/<name>.png, the README's). */
const PICTURES: Record<string, string> = {
	[LEAD_CAPTURE]: 'inbox-lead-capture',
	[AI_AUTO_REPLY]: 'inbox-ai-auto-reply',
	[CAMPAIGN]: 'inbox-campaign',
	[QR_ONBOARDING]: 'inbox-qr-onboarding',
};
const ARTIFACTS = join(REPO_ROOT, 'test', 'e2e', 'artifacts');
const README_PICTURES = join(REPO_ROOT, 'docs', 'workflows');

const MODEL_CREDENTIAL = { id: 'openAiHeaderAuth', name: 'OpenAI-compatible API key' };
const MODEL_KEY = 'sk-e2e-loopback-model';
const MODEL_REPLY = 'Abrimos sim, aos domingos das 9h às 13h! Posso ajudar em mais alguma coisa?';

interface Attendant {
	id: string;
	email: string;
	role: string;
}

export interface ExampleWorkflows {
	/** The repository workflow with this run's ids, or the workflow unchanged when it is not one of the four. */
	prepare(workflow: WorkflowJson): WorkflowJson;
	credentials: object[];
	model: FakeOpenAi;
	agent: Attendant;
	onboardingInstance: string;
	/** The prepared example workflows, by id (what was imported). */
	imported: Map<string, WorkflowJson>;
	close(): Promise<void>;
}

export interface ExampleContext {
	n8n: N8nInstance;
	sandbox: RunningSandbox;
	inbox: RunningInboxServer;
	examples: ExampleWorkflows;
}

/** The server's API with the suite's admin token (or another authorization). */
async function api(inbox: RunningInboxServer, method: string, path: string, body?: unknown, authorization = `Bearer ${inbox.token}`): Promise<any> {
	const response = await fetch(`${inbox.url}${path}`, {
		method,
		headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
		body: body === undefined ? undefined : JSON.stringify(body),
		signal: AbortSignal.timeout(30_000),
	});
	const text = await response.text();
	if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${text}`);
	return text === '' ? undefined : JSON.parse(text);
}

function setNode(workflow: WorkflowJson, name: string, change: (parameters: Record<string, any>) => void): void {
	const node = workflow.nodes.find((candidate) => candidate.name === name);
	if (!node) throw new Error(`workflow ${workflow.id} has no node "${name}"`);
	change(node.parameters);
}

function setAssignment(parameters: Record<string, any>, name: string, value: string): void {
	const assignment = (parameters.assignments.assignments as Array<{ name: string; value: string }>).find((candidate) => candidate.name === name);
	if (!assignment) throw new Error(`no assignment "${name}"`);
	assignment.value = value;
}

export async function prepareExampleWorkflows(inbox: RunningInboxServer): Promise<ExampleWorkflows> {
	const model = await FakeOpenAi.start();
	model.respond = () => ({ reply: MODEL_REPLY });
	const attendants = (await api(inbox, 'GET', '/api/v1/attendants')).data as Attendant[];
	const agent = attendants.find((attendant) => attendant.role === 'agent');
	if (!agent) throw new Error(`no agent among ${JSON.stringify(attendants)}`);
	const onboardingInstance = `onboard-e2e-${randomBytes(3).toString('hex')}`;
	const byId = (value: string) => ({ __rl: true, mode: 'id', value });

	const changes: Record<string, (workflow: WorkflowJson) => void> = {
		[LEAD_CAPTURE]: (workflow) => setNode(workflow, 'Give Lead to Attendant', (p) => (p.updateFields.ownerUserId = agent.id)),
		[AI_AUTO_REPLY]: (workflow) => setNode(workflow, 'Ask the Model', (p) => (p.url = `${model.url}/chat/completions`)),
		[CAMPAIGN]: (workflow) => setNode(workflow, 'Send Campaign', (p) => (p.channelId = byId(inbox.channel.id))),
		[QR_ONBOARDING]: (workflow) =>
			setNode(workflow, 'Settings', (p) => {
				setAssignment(p, 'instanceName', onboardingInstance);
				setAssignment(p, 'managerPhone', '+55 11 95555-0001');
			}),
	};
	const imported = new Map<string, WorkflowJson>();
	return {
		prepare: (workflow) => {
			const change = changes[workflow.id];
			if (!change) return workflow;
			const copy = JSON.parse(JSON.stringify(workflow)) as WorkflowJson;
			change(copy);
			imported.set(copy.id, copy);
			return copy;
		},
		imported,
		credentials: [{ ...MODEL_CREDENTIAL, type: 'httpHeaderAuth', data: { name: 'Authorization', value: `Bearer ${MODEL_KEY}` } }],
		model,
		agent,
		onboardingInstance,
		close: () => model.close(),
	};
}

function nodeOutput(runData: Record<string, RunOfNode[]> | undefined, node: string) {
	return runData?.[node]?.[0]?.data?.main?.[0] ?? [];
}

/** What the sandbox's number sent (the send routes), oldest first. */
async function sandboxSends(sandbox: RunningSandbox, instance: string): Promise<Array<{ remoteJid: string; text: string | null; at: number }>> {
	return (await sandbox.ok('GET', `/_sandbox/sends?instance=${encodeURIComponent(instance)}`)).sends;
}

function expectCliSuccess(result: Awaited<ReturnType<N8nInstance['execute']>>): void {
	const ended = result.code === 0 ? {} : { signal: result.signal ?? null, stderr: result.stderr.slice(-1500), stdout: result.stdout.slice(-1500) };
	expect({ code: result.code, error: result.run?.data.resultData.error?.message, ...ended }).toEqual({ code: 0, error: undefined });
}

/** The two manual workflows, run with `n8n execute --id` (before the suite starts n8n: the CLI shares its database). */
export function describeExampleWorkflowRuns(context: () => ExampleContext): void {
	describe('example workflows run with `n8n execute`', () => {
		it('Campaign: personalised messages through the outbox, paced, opted-out contacts skipped, a summary of sent / failed / opted out', async () => {
			const { n8n, sandbox, inbox } = context();
			// Three of the list wrote an opt-out word before the campaign.
			for (const [from, text] of [['5511988880004', 'SAIR'], ['5511988880005', 'Parar'], ['5511988880006', 'stop']]) {
				await sandbox.receive(inbox.channel.instance, { type: 'text', from, text });
			}
			for (const phone of ['5511988880004', '5511988880005', '5511988880006']) {
				await waitFor(`${phone} opted out`, async () => {
					const [contact] = (await api(inbox, 'GET', `/api/v1/contacts?phone=${phone}`)).data as Array<{ optedOutAt: string | null }>;
					return contact?.optedOutAt ? true : undefined;
				}, 60_000);
			}

			const result = await n8n.execute(CAMPAIGN);
			expectCliSuccess(result);
			const runData = result.run?.data.resultData.runData;
			const [summary] = nodeOutput(runData, 'Summary');
			expect(summary.json).toMatchObject({ total: 7, sent: 3, failed: 1, optedOut: 3, optedOutNumbers: ['5511988880004', '5511988880005', '5511988880006'] });
			expect((summary.json.failures as Array<{ to: string }>).map((failure) => failure.to)).toEqual(['98-0007']);
			// One output item per contact, in the list's order.
			expect(nodeOutput(runData, 'Send Campaign').map((item) => item.json.status === 'rejected')).toEqual([false, false, false, true, true, true, true]);

			// The outbox sent the three, personalised, one after the other at the channel's pace (30 a minute: ≥ 2 s apart).
			const expected = [
				['5511988880001', 'Oi Maria! 🎁 Na Black Friday da ACME seu cupom é BF10. Responda SAIR para não receber mais ofertas.'],
				['5511988880002', 'Oi João! 🎁 Na Black Friday da ACME seu cupom é BF15. Responda SAIR para não receber mais ofertas.'],
				['5511988880003', 'Oi Ana! 🎁 Na Black Friday da ACME seu cupom é BF10. Responda SAIR para não receber mais ofertas.'],
			];
			const sends = await waitFor('the three campaign messages in the sandbox', async () => {
				const found = (await sandboxSends(sandbox, inbox.channel.instance)).filter((sent) => sent.text?.includes('Black Friday'));
				return found.length >= 3 ? found : undefined;
			}, 120_000);
			expect(sends.map((sent) => [sent.remoteJid.split('@')[0], sent.text]).sort()).toEqual(expected);
			const times = sends.map((sent) => sent.at).sort((a, b) => a - b);
			expect(times[1] - times[0]).toBeGreaterThanOrEqual(1_900);
			expect(times[2] - times[1]).toBeGreaterThanOrEqual(1_900);
		}, 300_000);

		it('QR onboarding: creates a channel on the server, gives its QR as a PNG, waits for the scan, then sends the welcome', async () => {
			const { n8n, sandbox, inbox, examples } = context();
			const instance = examples.onboardingInstance;
			const run = n8n.execute(QR_ONBOARDING);
			// The person holding the phone scans the QR after it has been on the screen a moment (the node shows it as
			// soon as the server has it).
			const channelId = await waitFor('the channel on the server', async () => {
				const channels = (await api(inbox, 'GET', '/api/v1/channels')).data as Array<{ id: string; instanceName: string }>;
				return channels.find((channel) => channel.instanceName === instance)?.id;
			}, 180_000, 500);
			let shownSince: number | undefined;
			await waitFor('the QR on the screen for five seconds', async () => {
				const qr = await api(inbox, 'GET', `/api/v1/channels/${channelId}/qr`).catch(() => undefined);
				if (qr?.code) shownSince ??= Date.now();
				return shownSince !== undefined && Date.now() - shownSince >= 5_000 ? true : undefined;
			}, 180_000, 500);
			await sandbox.ok('POST', `/_sandbox/instances/${instance}/scan`, { number: '5511999990077', profileName: 'ACME Loja Centro' });

			const result = await run;
			expectCliSuccess(result);
			const runData = result.run?.data.resultData.runData;
			const [created] = nodeOutput(runData, 'Create Channel');
			// qr: true only once the node downloaded the PNG; the file itself rides as the binary `qr`.
			expect({ ...created.json, binary: created.binary?.qr?.mimeType }).toMatchObject({ name: 'Loja Centro', instanceName: instance, qr: true, binary: 'image/png' });
			const [welcome] = nodeOutput(runData, 'Send Welcome');
			expect(['sent', 'delivered', 'read']).toContain(welcome.json.status);
			expect(runData?.['Not Scanned in 5 Minutes']).toBeUndefined();

			const sends = await sandboxSends(sandbox, instance);
			expect(sends.map((sent) => [sent.remoteJid, sent.text])).toEqual([
				['5511955550001@s.whatsapp.net', 'Olá! Este é o novo WhatsApp da ACME Loja Centro, já conectado ao atendimento. ✅'],
			]);
		}, 420_000);
	});
}

/** The two trigger workflows, activated one at a time in the running n8n. */
export function describeExampleWorkflowsInRunningN8n(context: () => ExampleContext): void {
	describe('example workflows activated in the running n8n', () => {
		const finishedExecutions = (n8n: N8nInstance, workflowId: string, count: number) =>
			waitFor(`${count} finished executions of ${workflowId}`, async () => {
				const found = (await n8n.executions(workflowId)).filter((execution) => execution.mode !== 'manual');
				if (found.length > count) throw new Error(`expected ${count} executions of ${workflowId}, found ${found.length}`);
				return found.length === count && found.every((execution) => execution.finished || execution.status === 'error') ? found : undefined;
			}, 90_000, 300);

		const activateAndWaitForSubscription = async (n8n: N8nInstance, inbox: RunningInboxServer, workflowId: string, webhookId: string) => {
			expect((await n8n.activate(workflowId)).status).toBe(200);
			await waitFor(`${workflowId} subscribed on the server`, async () => ((await inbox.subscriptionsAt(`${n8n.url}/webhook/${webhookId}/inbox`)).length === 1 ? true : undefined), 60_000);
		};

		it('Lead capture: the landing page form and the vm_token message make one attributed lead, a plain first message a new one; the attendant is notified of both', async () => {
			const { n8n, sandbox, inbox, examples } = context();
			await activateAndWaitForSubscription(n8n, inbox, LEAD_CAPTURE, '5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c');

			// The landing page posts its form (2.x registers the production webhook asynchronously: retry a 404).
			const form = { name: 'Fernanda Lopes', vm_token: `lp${randomBytes(4).toString('hex')}`, utm_source: 'instagram', utm_medium: 'cpc', utm_campaign: 'bf2026' };
			const answer = await waitFor('the landing page form webhook', async () => {
				const response = await fetch(`${n8n.url}/webhook/lead-form`, {
					method: 'POST',
					headers: { 'content-type': 'application/json' },
					body: JSON.stringify(form),
					signal: AbortSignal.timeout(60_000),
				});
				if (response.status === 404) return undefined;
				return { status: response.status, json: (await response.json()) as { leadId: string; whatsappUrl: string } };
			}, 60_000, 500);
			expect(answer.status).toBe(200);
			expect(answer.json.whatsappUrl).toContain(encodeURIComponent(`vm_token:${form.vm_token}`));
			const formLeadId = answer.json.leadId;

			// She taps the link: her first WhatsApp message carries the token. Another person just writes.
			await sandbox.receive(inbox.channel.instance, { type: 'text', from: '5511966660001', pushName: 'Fernanda', text: `Olá! Quero saber mais. vm_token:${form.vm_token}` });
			await sandbox.receive(inbox.channel.instance, { type: 'text', from: '5511966660002', pushName: 'Rafael Costa', text: 'Oi, qual o preço do plano anual?' });
			const executions = await finishedExecutions(n8n, LEAD_CAPTURE, 3);
			expect(executions.map((execution) => execution.status)).toEqual(['success', 'success', 'success']);

			const tokenLead = await api(inbox, 'GET', `/api/v1/leads/${formLeadId}`);
			expect(tokenLead).toMatchObject({
				name: 'Fernanda Lopes',
				source: 'form',
				firstTouchToken: form.vm_token,
				matchMethod: 'token',
				utmSource: 'instagram',
				utmMedium: 'cpc',
				utmCampaign: 'bf2026',
				phoneE164: '+5511966660001',
				ownerUserId: examples.agent.id,
			});
			expect(tokenLead.contactId).toEqual(expect.any(String));
			const [rafael] = (await api(inbox, 'GET', '/api/v1/contacts?phone=5511966660002')).data as Array<{ leadId: string }>;
			const plainLead = await api(inbox, 'GET', `/api/v1/leads/${rafael.leadId}`);
			expect(plainLead).toMatchObject({ source: 'whatsapp', matchMethod: 'new', firstTouchToken: null, ownerUserId: examples.agent.id });

			// Both conversations are the agent's, and the agent's bell says so with the attribution in the note.
			const agent = await api(inbox, 'POST', '/api/v1/auth/login', { email: examples.agent.email, password: TEST_PASSWORD }, '');
			const notifications = (await api(inbox, 'GET', '/api/v1/notifications', undefined, `Bearer ${agent.token}`)).data as Array<{ kind: string; body: string | null }>;
			const bodies = notifications.filter((notification) => notification.kind === 'conversation_assigned').map((notification) => notification.body);
			expect(bodies).toEqual(
				expect.arrayContaining([
					`Novo lead: Fernanda Lopes · origem form · campanha bf2026 · chegou pelo link da landing page (vm_token ${form.vm_token})`,
					expect.stringMatching(/^Novo lead: (Rafael Costa|\+5511966660002) · origem whatsapp$/),
				]),
			);
			expect(bodies).toHaveLength(2);

			expect((await n8n.deactivate(LEAD_CAPTURE)).status).toBe(200);
			await waitFor('the lead capture subscription removed', async () => ((await inbox.subscriptionsAt(`${n8n.url}/webhook/5e4d3c2b-1a09-4f8e-9d7c-6b5a4f3e2d1c/inbox`)).length === 0 ? true : undefined), 60_000);
		}, 300_000);

		it('AI auto-reply: a message goes to the OpenAI-compatible model and its answer back to the contact, until an attendant takes the conversation', async () => {
			const { n8n, sandbox, inbox, examples } = context();
			const webhookId = '2b3c4d5e-6f70-4a81-9b2c-3d4e5f607182';
			await activateAndWaitForSubscription(n8n, inbox, AI_AUTO_REPLY, webhookId);
			const customer = '5511977770001';
			const toCustomer = async () => (await sandboxSends(sandbox, inbox.channel.instance)).filter((sent) => sent.remoteJid === `${customer}@s.whatsapp.net`);

			await sandbox.receive(inbox.channel.instance, { type: 'text', from: customer, pushName: 'Luiza', text: 'Vocês abrem no domingo?' });
			const [first] = await finishedExecutions(n8n, AI_AUTO_REPLY, 1);
			expect(first.status).toBe('success');
			const asked = examples.model.chatsMentioning('Vocês abrem no domingo?');
			expect(asked).toHaveLength(1);
			expect(asked[0].authorization).toBe(`Bearer ${MODEL_KEY}`);
			expect(asked[0].body.messages.at(-1)).toEqual({ role: 'user', content: 'Vocês abrem no domingo?' });
			const replies = await waitFor('the AI answer in the sandbox', async () => {
				const found = await toCustomer();
				return found.length > 0 ? found : undefined;
			}, 60_000);
			expect(replies.map((sent) => sent.text)).toEqual([MODEL_REPLY]);

			// The attendant takes the conversation: the next message is theirs, the model is not asked.
			const conversationId = String((nodeOutput(first.data?.resultData.runData, 'Message Received')[0].json as { conversationId: string }).conversationId);
			const agent = await api(inbox, 'POST', '/api/v1/auth/login', { email: examples.agent.email, password: TEST_PASSWORD }, '');
			await api(inbox, 'POST', `/api/v1/conversations/${conversationId}/assignment`, { assigneeId: examples.agent.id }, `Bearer ${agent.token}`);
			await sandbox.receive(inbox.channel.instance, { type: 'text', from: customer, text: 'E tem estacionamento?' });
			const executions = await finishedExecutions(n8n, AI_AUTO_REPLY, 2);
			const second = executions[1] as ExecutionSummary;
			expect(second.status).toBe('success');
			expect(nodeOutput(second.data?.resultData.runData, 'Attendant Has It')).toHaveLength(1);
			expect(second.data?.resultData.runData['Ask the Model']).toBeUndefined();
			expect(examples.model.chatsMentioning('estacionamento')).toHaveLength(0);
			expect(await toCustomer()).toHaveLength(1);

			expect((await n8n.deactivate(AI_AUTO_REPLY)).status).toBe(200);
			await waitFor('the auto-reply subscription removed', async () => ((await inbox.subscriptionsAt(`${n8n.url}/webhook/${webhookId}/inbox`)).length === 0 ? true : undefined), 60_000);
		}, 300_000);

		it('the four open in the n8n editor with every node known (and their pictures are taken there)', async () => {
			const { n8n, examples } = context();
			expect([...examples.imported.keys()].sort()).toEqual(Object.keys(PICTURES).sort());
			const browser = await openBrowser({ locale: 'en-US', width: 1400, height: 720 });
			try {
				const { page } = browser;
				// The editor is a large bundle: on a loaded machine its first load takes a while.
				page.setDefaultTimeout(120_000);
				page.setDefaultNavigationTimeout(180_000);
				await page.goto(`${n8n.url}/signin`, { waitUntil: 'domcontentloaded' });
				await page.locator('input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(N8N_OWNER.email);
				await page.locator('input[name="password"]').fill(N8N_OWNER.password);
				await page.locator('[data-test-id="form-submit-button"], button[type="submit"]').first().click();
				await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 120_000 });
				mkdirSync(ARTIFACTS, { recursive: true });
				for (const [id, picture] of Object.entries(PICTURES)) {
					const workflow = examples.imported.get(id)!;
					await page.goto(`${n8n.url}/workflow/${id}`, { waitUntil: 'domcontentloaded' });
					const nodes = page.locator('[data-test-id="canvas-node"]');
					await waitFor(`${id} on the canvas`, async () => ((await nodes.count()) === workflow.nodes.length ? true : undefined), 120_000, 500);
					for (const node of workflow.nodes) expect(await nodes.filter({ hasText: node.name }).count()).toBeGreaterThanOrEqual(1);
					// A node type n8n does not know is drawn with the "install this node" placeholder.
					expect(await page.locator('[data-test-id="canvas-node"] [data-test-id="node-issues"], .node-missing').count()).toBe(0);
					await page.keyboard.press('1'); // zoom to fit; then wait for the zoom's animation to settle
					let previous = '';
					await waitFor('the canvas to stop moving', async () => {
						const transform = (await page.locator('.vue-flow__transformationpane').first().getAttribute('style')) ?? '';
						const settled = transform === previous;
						previous = transform;
						return settled ? true : undefined;
					}, 30_000, 400);
					const canvas = page.locator('[data-test-id="canvas"], .vue-flow').first();
					await canvas.screenshot({ path: join(ARTIFACTS, `${picture}-${n8n.majorVersion}.png`) });
					if (process.env.SCREENSHOTS_TO_README === '1' && n8n.majorVersion === 2) {
						mkdirSync(README_PICTURES, { recursive: true });
						await canvas.screenshot({ path: join(README_PICTURES, `${picture}.png`) });
					}
				}
			} finally {
				await browser.close();
			}
		}, 600_000);
	});
}
