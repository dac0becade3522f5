/**
 * The end-to-end suite, run once per n8n flavour (n8n1.test.ts, n8n2.test.ts): the packed package in a real
 * n8n, against the Evolution sandbox. Action workflows run with `n8n execute --id`; the trigger workflow is
 * activated in a running n8n and driven by sandbox customers.
 */
import { randomBytes } from 'node:crypto';

import { DELIVERY_HEADER_NAME as SECRET_HEADER } from '../../../nodes/EvolutionApi/trigger/secret';
import { describeExampleWorkflowRuns, describeExampleWorkflowsInRunningN8n, prepareExampleWorkflows, type ExampleWorkflows } from './example-workflows';
import { startEvolutionSandbox, startRecordingReceiver, type RecordingReceiver, type RunningSandbox, type SandboxDelivery } from './evolution-sandbox';
import { describeInboxNodeInN8n } from './inbox-node-e2e';
import { INBOX_TRIGGER_NODE, startInboxServer, type RunningInboxServer } from './inbox-server';
import { ensureN8n, warmN8nCacheInBackground, type N8nFlavor } from './n8n-install';
import { N8nInstance, type ExecutionSummary, type RunOfNode } from './n8n-instance';
import { packPackage, type PackedPackage } from './package-tarball';
import { waitFor } from './processes';
import { loadRepoWorkflows, variant, type WorkflowJson } from './workflows';

const INSTANCE = 'sales';
const CREDENTIAL = { id: 'evoCredential001', name: 'Evolution API account' };
const TRIGGER_WORKFLOW = 'evoTrgAutoReply1';
const FAIL_MODE_WORKFLOW = 'evoTrgFailMode01';
const BY_EVENTS_WORKFLOW = 'evoTrgByEvents01';
const BY_EVENTS_INSTANCE = 'support';
const BY_EVENTS_WEBHOOK_ID = '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
const SEND_TEXT_WORKFLOW = 'evoActSendText01';
const TRIGGER_NODE = 'Evolution API Trigger';
const INBOX_WORKFLOW = 'inboxTrgMsgRecv1';
const INBOX_WEBHOOK_ID = '4d3c2b1a-6f5e-4b7a-9c8d-1e2f3a4b5c6d';

/** Cold installs take minutes; a warm cache makes this seconds. */
const SETUP_TIMEOUT_MS = 45 * 60_000;

const IMAGE = Buffer.from('/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=', 'base64');
const VOICE = Buffer.from('OggS\0\x02e2e voice note for the trigger OpusHead');

function nodeOutput(runData: Record<string, RunOfNode[]> | undefined, node: string) {
	const run = runData?.[node]?.[0];
	return run?.data?.main?.[0] ?? [];
}

export function describeN8nEndToEnd(flavor: N8nFlavor): void {
	describe(`real n8n (${flavor}) with the packed package`, () => {
		let sandbox: RunningSandbox;
		let crm: RecordingReceiver;
		let n8n: N8nInstance;
		let workflows: Map<string, WorkflowJson>;
		let productionUrl: string;
		let packed: PackedPackage | undefined;
		let inbox: RunningInboxServer;
		let examples: ExampleWorkflows;
		const exampleContext = () => ({ n8n, sandbox, inbox, examples });

		beforeAll(async () => {
			// On a cold cache, the first e2e file to start installs both flavours at once (the other file then
			// waits on the lock instead of starting its own install later).
			warmN8nCacheInBackground();
			const [install, pack] = await Promise.all([ensureN8n(flavor), packPackage()]);
			packed = pack;
			expect(pack.files).toEqual(expect.arrayContaining(['dist/nodes/EvolutionApi/EvolutionApiTrigger.node.js', 'dist/nodes/EvolutionApi/EvolutionApiTrigger.node.json']));
			sandbox = await startEvolutionSandbox(`sandbox-example-${randomBytes(6).toString('hex')}`);
			crm = await startRecordingReceiver();
			// The WhatsApp Inbox server, on the same sandbox, for the Inbox Trigger.
			inbox = await startInboxServer(sandbox);
			// The example workflows of workflows/ get this run's ids (support/example-workflows.ts).
			examples = await prepareExampleWorkflows(inbox);
			await sandbox.createConnectedInstance(INSTANCE);
			await sandbox.createConnectedInstance(BY_EVENTS_INSTANCE);
			// Another receiver (a CRM) already holds the instance's one webhook.
			await sandbox.ok('POST', `/webhook/set/${INSTANCE}`, {
				webhook: { enabled: true, url: crm.url, headers: { authorization: 'Bearer crm-example-token' }, byEvents: false, base64: false, events: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'] },
			});

			n8n = await N8nInstance.create(install, pack);
			workflows = loadRepoWorkflows();
			const trigger = workflows.get(TRIGGER_WORKFLOW)!;
			const toImport = [...workflows.values()].map((workflow) =>
				workflow.id === TRIGGER_WORKFLOW ? variant(workflow, { node: TRIGGER_NODE, parameters: { existingWebhook: 'takeOver' } }) : examples.prepare(workflow),
			);
			toImport.push(
				variant(trigger, {
					id: FAIL_MODE_WORKFLOW,
					name: 'Auto-reply, refusing to take over',
					node: TRIGGER_NODE,
					parameters: { existingWebhook: 'fail' },
					webhookId: '0f0e0d0c-1b1a-4c2d-8e3f-405162738495',
				}),
				variant(trigger, {
					id: BY_EVENTS_WORKFLOW,
					name: 'Auto-reply with per-event URLs',
					node: TRIGGER_NODE,
					parameters: {
						instanceName: { __rl: true, mode: 'name', value: BY_EVENTS_INSTANCE },
						options: { perEventUrls: true, downloadMedia: false },
					},
					webhookId: BY_EVENTS_WEBHOOK_ID,
				}),
			);
			await n8n.importCredentials([
				{ ...CREDENTIAL, type: 'evolutionApi', data: { baseUrl: sandbox.url, apiKey: sandbox.apiKey, defaultInstance: INSTANCE } },
				inbox.credential,
				...examples.credentials,
			]);
			toImport.push(inbox.workflow(INBOX_WORKFLOW, INBOX_WEBHOOK_ID) as WorkflowJson);
			await n8n.importWorkflows(toImport);
			const webhookId = trigger.nodes.find((node) => node.name === TRIGGER_NODE)!.webhookId;
			productionUrl = `${n8n.url}/webhook/${webhookId}/evolution`;
		}, SETUP_TIMEOUT_MS);

		afterAll(async () => {
			await n8n?.dispose();
			await inbox?.close();
			await examples?.close();
			await sandbox?.close();
			await crm?.close();
			packed?.dispose();
		}, 60_000);

		it('runs the send-text action workflow with `n8n execute --id`', async () => {
			const result = await n8n.execute(SEND_TEXT_WORKFLOW);
			// On a failure the answer says how the CLI ended (seen once in CI: no exit code), and what it printed last.
			const ended = result.code === 0 ? {} : { signal: result.signal ?? null, stderr: result.stderr.slice(-1500), stdout: result.stdout.slice(-500) };
			expect({ code: result.code, error: result.run?.data.resultData.error?.message, ...ended }).toEqual({ code: 0, error: undefined });
			const [item] = nodeOutput(result.run?.data.resultData.runData, 'Send Text');
			expect(item.json).toMatchObject({
				key: { remoteJid: '5511988887777@s.whatsapp.net', fromMe: true },
				message: { conversation: 'Hello from n8n! Your order #1042 has shipped.' },
				status: 'PENDING',
			});
			expect(String((item.json.key as { id: string }).id)).toMatch(/^[0-9A-F]{16,}$/);
		}, 180_000);

		describeExampleWorkflowRuns(exampleContext);

		describe('trigger workflow in a running n8n', () => {
			const executions: ExecutionSummary[] = [];
			let secret: string;
			let firstDelivery: SandboxDelivery;

			/** Waits until the workflow has `count` finished executions and returns them. */
			const waitForExecutions = async (count: number) =>
				await waitFor(
					`${count} finished executions of ${TRIGGER_WORKFLOW}`,
					async () => {
						const list = (await n8n.executions(TRIGGER_WORKFLOW)).filter((execution) => execution.mode !== 'manual');
						if (list.length > count) throw new Error(`expected ${count} executions, found ${list.length}`);
						return list.length === count && list.every((execution) => execution.finished || execution.status === 'error') ? list : undefined;
					},
					60_000,
					300,
				);

			const triggerItem = (execution: ExecutionSummary) => nodeOutput(execution.data?.resultData.runData, TRIGGER_NODE)[0];

			beforeAll(async () => {
				await n8n.start();
				await n8n.setupApiAccess();
			}, 240_000);

			it('refuses to activate over another receiver unless told to take it over', async () => {
				const answer = await n8n.activate(FAIL_MODE_WORKFLOW);
				if (n8n.majorVersion === 1) {
					// 1.x activates synchronously and returns the node's error.
					expect(answer.status).toBe(400);
					expect(answer.json.message).toBe(`Instance "${INSTANCE}" already sends its webhook to ${crm.url}`);
				} else {
					// 2.x publishes asynchronously; the failure is logged with the node's message.
					await waitFor('the activation error in the n8n log', () => (n8n.log().includes(`already sends its webhook to ${crm.url}`) ? true : undefined), 60_000);
					await n8n.deactivate(FAIL_MODE_WORKFLOW);
				}
				expect(await sandbox.findWebhook(INSTANCE)).toMatchObject({ url: crm.url, headers: { authorization: 'Bearer crm-example-token' } });
			}, 120_000);

			it('listening for a test event uses the test URL, runs once, then gives the webhook back', async () => {
				const webhookId = workflows.get(TRIGGER_WORKFLOW)!.nodes.find((node) => node.name === TRIGGER_NODE)!.webhookId;
				const testUrl = `${n8n.url}/webhook-test/${webhookId}/evolution`;
				const answer = await n8n.listenForTestEvent(TRIGGER_WORKFLOW, TRIGGER_NODE);
				expect(answer).toMatchObject({ status: 200, json: { data: { waitingForWebhook: true } } });
				const row = await waitFor('the test URL on the instance', async () => {
					const current = await sandbox.findWebhook(INSTANCE);
					return current?.url === testUrl ? current : undefined;
				}, 60_000);
				expect(typeof row.headers[SECRET_HEADER]).toBe('string');
				const message = await sandbox.receive(INSTANCE, { type: 'text', from: '5511944443333', pushName: 'Teste', text: 'test event' });
				const manual = await waitFor('the manual execution', async () => {
					const found = (await n8n.executions(TRIGGER_WORKFLOW)).filter((execution) => execution.mode === 'manual');
					return found.length === 1 && found[0].finished ? found[0] : undefined;
				}, 60_000);
				expect(triggerItem(manual).json).toMatchObject({ messageId: message.key.id, text: 'test event', phone: '5511944443333' });
				// After the test event n8n removes the test webhook: the CRM is back.
				const restored = await waitFor('the CRM webhook back after the test event', async () => {
					const current = await sandbox.findWebhook(INSTANCE);
					return current?.url === crm.url ? current : undefined;
				}, 60_000);
				expect(restored).toMatchObject({ enabled: true, headers: { authorization: 'Bearer crm-example-token' } });
			}, 120_000);

			it('registers its webhook with a secret header on activation (taking over)', async () => {
				const answer = await n8n.activate(TRIGGER_WORKFLOW);
				expect(answer.status).toBe(200);
				const row = await waitFor('the trigger webhook on the instance', async () => {
					const current = await sandbox.findWebhook(INSTANCE);
					return current?.url === productionUrl ? current : undefined;
				}, 60_000);
				expect(row).toMatchObject({ enabled: true, events: ['MESSAGES_UPSERT'], webhookBase64: true, webhookByEvents: false });
				secret = row.headers[SECRET_HEADER];
				expect(typeof secret).toBe('string');
				expect(secret.length).toBeGreaterThanOrEqual(40);
				expect(Object.keys(row.headers)).toEqual([SECRET_HEADER]);
			}, 120_000);

			it('turns text, image, audio, reaction and reply into one execution each, with simplified output and binaries', async () => {
				const text = await sandbox.receive(INSTANCE, { type: 'text', from: '5511988887777', pushName: 'Maria Souza', text: 'Oi! Vocês entregam no sábado?' });
				await waitForExecutions(1);
				// Evolution applies the webhook's base64 setting on the next connect: this image comes without the
				// file, so the trigger fetches it (getBase64FromMediaMessage); after a reconnect files are inline.
				const image = await sandbox.receive(INSTANCE, { type: 'image', from: '5511988887777', caption: 'Foto do produto', media: IMAGE.toString('base64'), mimetype: 'image/jpeg' });
				await waitForExecutions(2);
				await sandbox.ok('POST', `/_sandbox/instances/${INSTANCE}/drop`, { reconnect: true, reconnectAfterMs: 0 });
				await waitFor('the instance to reconnect', async () => ((await sandbox.ok('GET', `/instance/connectionState/${INSTANCE}`)).instance.state === 'open' ? true : undefined));
				const audio = await sandbox.receive(INSTANCE, { type: 'audio', from: '5511977776666', pushName: 'João', lid: true, media: VOICE.toString('base64'), mimetype: 'audio/ogg; codecs=opus', ptt: true });
				await waitForExecutions(3);
				const reaction = await sandbox.receive(INSTANCE, { type: 'reaction', from: '5511988887777', reaction: { messageId: text.key.id, emoji: '❤️' } });
				await waitForExecutions(4);
				const reply = await sandbox.receive(INSTANCE, { type: 'text', from: '5511988887777', text: 'Pode ser às 15h', replyTo: text.key.id });
				executions.push(...(await waitForExecutions(5)));

				expect(executions.map((execution) => [execution.mode, execution.status])).toEqual(Array(5).fill(['webhook', 'success']));
				const [textOut, imageOut, audioOut, reactionOut, replyOut] = executions.map((execution) => triggerItem(execution));

				expect(textOut.json).toMatchObject({
					event: 'messages.upsert',
					instance: INSTANCE,
					chatId: '5511988887777@s.whatsapp.net',
					phone: '5511988887777',
					isGroup: false,
					fromMe: false,
					messageId: text.key.id,
					type: 'text',
					text: 'Oi! Vocês entregam no sábado?',
					pushName: 'Maria Souza',
					timestamp: new Date(text.messageTimestamp * 1000).toISOString(),
				});
				expect((textOut.json.raw as Record<string, any>).data.key.id).toBe(text.key.id);
				expect(textOut.binary).toBeUndefined();

				expect(imageOut.json).toMatchObject({ type: 'image', caption: 'Foto do produto', mimeType: 'image/jpeg', messageId: image.key.id });
				expect(imageOut.binary?.data).toMatchObject({ mimeType: 'image/jpeg', fileName: `${image.key.id}.jpeg` });
				expect(audioOut.json).toMatchObject({ type: 'audio', phone: '5511977776666', pushName: 'João', messageId: audio.key.id });
				expect(audioOut.binary?.data).toMatchObject({ mimeType: 'audio/ogg', fileName: `${audio.key.id}.ogg` });
				const bytesOf = async (binary: Record<string, unknown>) =>
					typeof binary.id === 'string' ? await n8n.binary(binary.id) : Buffer.from(String(binary.data), 'base64');
				expect((await bytesOf(imageOut.binary!.data)).equals(IMAGE)).toBe(true);
				expect((await bytesOf(audioOut.binary!.data)).equals(VOICE)).toBe(true);

				expect(reactionOut.json).toMatchObject({ type: 'reaction', reaction: { emoji: '❤️', messageId: text.key.id }, messageId: reaction.key.id });
				expect(replyOut.json).toMatchObject({ type: 'text', text: 'Pode ser às 15h', quotedMessageId: text.key.id, messageId: reply.key.id });

				// The Reply node answered each message through the Evolution API.
				const replyNode = nodeOutput(executions[0].data?.resultData.runData, 'Reply')[0];
				expect(replyNode.json).toMatchObject({
					key: { remoteJid: '5511988887777@s.whatsapp.net', fromMe: true },
					message: { conversation: 'Thanks Maria Souza! We received your text message and will answer soon.' },
				});

				const deliveries = await sandbox.deliveries(INSTANCE, 'messages.upsert');
				const toTrigger = deliveries.filter((delivery) => delivery.url === productionUrl);
				expect(toTrigger).toHaveLength(5);
				expect(toTrigger.every((delivery) => delivery.state === 'delivered' && delivery.headers[SECRET_HEADER] === secret)).toBe(true);
				// n8n 2 activates in the background (its publication outbox): a message in that instant is answered 503 until the
				// secret is saved, and Evolution's retry brings it in. Nothing else is refused, and each ends in one 200.
				for (const delivery of toTrigger) {
					expect(delivery.attempts.map((attempt) => attempt.status)).toEqual([...Array(delivery.attempts.length - 1).fill(503), 200]);
				}
				firstDelivery = toTrigger[0];
				// The image was fetched through the API, the audio (after the reconnect) came inline.
				expect(toTrigger[1].body.data.message.base64).toBeUndefined();
				expect(toTrigger[2].body.data.message.base64).toBe(VOICE.toString('base64'));
				// The CRM got nothing while the trigger held the webhook.
				expect(crm.received.filter((request) => (request.body as { event?: string }).event === 'messages.upsert')).toHaveLength(0);
			}, 240_000);

			const post = (url: string, body: unknown, headers: Record<string, string>) =>
				fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });

			it('refuses a delivery with a wrong or missing secret (401) and a duplicate starts nothing', async () => {
				const forged = JSON.parse(JSON.stringify(firstDelivery.body));
				forged.data.key.id = '3A00000000000000F0RG';
				const wrong = await post(productionUrl, forged, { [SECRET_HEADER]: `${secret.slice(0, -2)}xx` });
				expect(wrong.status).toBe(401);
				const missing = await post(productionUrl, forged, {});
				expect(missing.status).toBe(401);

				// Evolution retrying the first message (byte-identical body, correct secret).
				const duplicate = await post(productionUrl, firstDelivery.body, firstDelivery.headers);
				expect(duplicate.status).toBe(200);

				// A real new message afterwards is the only new execution.
				const sentinel = await sandbox.receive(INSTANCE, { type: 'text', from: '5511988887777', text: 'sentinel after the refused ones' });
				const list = await waitForExecutions(executions.length + 1);
				expect(triggerItem(list[list.length - 1]).json).toMatchObject({ messageId: sentinel.key.id, text: 'sentinel after the refused ones' });
				executions.splice(0, executions.length, ...list);
			}, 120_000);

			it('works with Evolution\'s "webhook by events" URLs (…/evolution/messages-upsert)', async () => {
				expect((await n8n.activate(BY_EVENTS_WORKFLOW)).status).toBe(200);
				const base = `${n8n.url}/webhook/${BY_EVENTS_WEBHOOK_ID}/evolution`;
				// The plain URL is registered first, per-event URLs switched on once n8n has stored their path (n8n 2 activates
				// in the background, so the first state can be seen here).
				const row = await waitFor('the per-event registration', async () => {
					const current = await sandbox.findWebhook(BY_EVENTS_INSTANCE);
					return current?.url === base && current.webhookByEvents === true ? current : undefined;
				}, 60_000);
				expect(row).toMatchObject({ enabled: true, events: ['MESSAGES_UPSERT'] });
				const message = await sandbox.receive(BY_EVENTS_INSTANCE, { type: 'text', from: '5511955554444', text: 'via the by-events URL' });
				const list = await waitFor(`an execution of ${BY_EVENTS_WORKFLOW}`, async () => {
					const found = await n8n.executions(BY_EVENTS_WORKFLOW);
					if (found.length === 1 && found[0].finished) return found;
					// What a timeout reports: how Evolution's delivery went and what n8n has so far.
					const deliveries = await sandbox.deliveries(BY_EVENTS_INSTANCE);
					throw new Error(`deliveries ${JSON.stringify(deliveries.map(({ url, state, attempts }) => ({ url, state, attempts })))}; executions ${JSON.stringify(found.map(({ id, status, finished }) => ({ id, status, finished })))}; n8n log tail ${n8n.log().slice(-1500)}`);
				}, 60_000);
				expect(triggerItem(list[0]).json).toMatchObject({ messageId: message.key.id, text: 'via the by-events URL', instance: BY_EVENTS_INSTANCE });
				const [delivery] = await sandbox.deliveries(BY_EVENTS_INSTANCE, 'messages.upsert');
				expect(delivery).toMatchObject({ url: `${base}/messages-upsert`, state: 'delivered' });
				// A suffix that contradicts the event is acknowledged but runs nothing; a wrong secret is refused there too.
				const mismatch = await post(`${base}/connection-update`, delivery.body, delivery.headers);
				expect(mismatch.status).toBe(200);
				const forged = await post(`${base}/messages-upsert`, { ...delivery.body, data: { ...delivery.body.data, key: { ...delivery.body.data.key, id: 'X' } } }, {});
				expect(forged.status).toBe(401);
				expect((await n8n.deactivate(BY_EVENTS_WORKFLOW)).status).toBe(200);
				await waitFor('the per-event webhook to be switched off', async () => ((await sandbox.findWebhook(BY_EVENTS_INSTANCE))?.enabled === false ? true : undefined), 60_000);
				expect(await n8n.executions(BY_EVENTS_WORKFLOW)).toHaveLength(1);
			}, 120_000);

			it('restores the previous webhook on deactivation', async () => {
				const answer = await n8n.deactivate(TRIGGER_WORKFLOW);
				expect(answer.status).toBe(200);
				const row = await waitFor('the CRM webhook back on the instance', async () => {
					const current = await sandbox.findWebhook(INSTANCE);
					return current?.url === crm.url ? current : undefined;
				}, 60_000);
				expect(row).toMatchObject({
					enabled: true,
					headers: { authorization: 'Bearer crm-example-token' },
					events: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'],
					webhookByEvents: false,
					webhookBase64: false,
				});
				const after = await sandbox.receive(INSTANCE, { type: 'text', from: '5511988887777', text: 'back to the CRM' });
				await waitFor('the CRM to receive the next message', () =>
					crm.received.some((request) => (request.body as Record<string, any>)?.data?.key?.id === after.key.id) ? true : undefined,
				);
				expect((await n8n.executions(TRIGGER_WORKFLOW)).filter((execution) => execution.mode === 'webhook')).toHaveLength(executions.length);
			}, 120_000);

			it('WhatsApp Inbox Trigger: hears a message the server received, on the test URL and then activated; deactivation unsubscribes', async () => {
				const testUrl = `${n8n.url}/webhook-test/${INBOX_WEBHOOK_ID}/inbox`;
				const productionUrl = `${n8n.url}/webhook/${INBOX_WEBHOOK_ID}/inbox`;
				const finished = (mode: string, count: number) =>
					waitFor(`${count} ${mode} executions of ${INBOX_WORKFLOW}`, async () => {
						const found = (await n8n.executions(INBOX_WORKFLOW)).filter((execution) => execution.mode === mode);
						return found.length === count && found.every((execution) => execution.finished) ? found : undefined;
					}, 60_000);
				const inboxItem = (execution: ExecutionSummary) => nodeOutput(execution.data?.resultData.runData, INBOX_TRIGGER_NODE)[0];

				// "Listen for test event": n8n subscribes the test URL, takes one event, then unsubscribes it.
				expect(await n8n.listenForTestEvent(INBOX_WORKFLOW, INBOX_TRIGGER_NODE)).toMatchObject({ status: 200, json: { data: { waitingForWebhook: true } } });
				await waitFor('the test URL subscribed', async () => ((await inbox.subscriptionsAt(testUrl)).length === 1 ? true : undefined), 60_000);
				await sandbox.receive(inbox.channel.instance, { type: 'text', from: '5511933332222', pushName: 'Ana', text: 'teste pelo inbox' });
				const [manual] = await finished('manual', 1);
				expect(inboxItem(manual).json).toMatchObject({
					event: 'message.received',
					channelId: inbox.channel.id,
					chat: { phone: '+5511933332222', isGroup: false },
					message: { direction: 'inbound', body: 'teste pelo inbox' },
				});
				await waitFor('the test subscription removed', async () => ((await inbox.subscriptionsAt(testUrl)).length === 0 ? true : undefined), 60_000);

				// Activated: the production URL is subscribed and every received message starts the workflow.
				expect((await n8n.activate(INBOX_WORKFLOW)).status).toBe(200);
				await waitFor('the production URL subscribed', async () => ((await inbox.subscriptionsAt(productionUrl)).length === 1 ? true : undefined), 60_000);
				await sandbox.receive(inbox.channel.instance, { type: 'text', from: '5511922221111', pushName: 'Bruno', text: 'mensagem em produção' });
				const [webhook] = await finished('webhook', 1);
				expect(webhook.status).toBe('success');
				expect(inboxItem(webhook).json).toMatchObject({ event: 'message.received', chat: { phone: '+5511922221111' }, message: { body: 'mensagem em produção' } });

				expect((await n8n.deactivate(INBOX_WORKFLOW)).status).toBe(200);
				await waitFor('the production subscription removed', async () => ((await inbox.subscriptionsAt(productionUrl)).length === 0 ? true : undefined), 60_000);
			}, 240_000);

			describeExampleWorkflowsInRunningN8n(exampleContext);
		});

		// The WhatsApp Inbox action node, in the n8n started above (support/inbox-node-e2e.ts).
		describeInboxNodeInN8n(() => ({ n8n, sandbox, inbox }));
	});
}
