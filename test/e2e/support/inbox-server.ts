/**
 * The WhatsApp Inbox companion server in this process for the end-to-end suite: the real server (PGlite, the run's
 * Redis) on the suite's Evolution sandbox, a workspace with an admin API token for n8n, and one connected channel.
 */
import { randomBytes } from 'node:crypto';

import type { Db } from '../../../server/src/db/db';
import { createPgliteDb } from '../../../server/src/db/pglite-db';
import { eventually, openMigratedDb, seedWorkspace, signIn, startInboxApp, type InboxApp } from '../../../server/test/inbox/support/inbox-app';
import type { RunningSandbox } from './evolution-sandbox';

export const INBOX_TRIGGER_NODE = 'WhatsApp Inbox Trigger';
export const INBOX_CREDENTIAL = { id: 'inboxCredential1', name: 'WhatsApp Inbox account' };

export interface RunningInboxServer {
	url: string;
	/** An API token with the inbox and admin scopes (what the trigger needs to subscribe). */
	token: string;
	channel: { id: string; instance: string };
	/** The credential n8n imports. */
	credential: object;
	/** A workflow that is only the Inbox Trigger (message received), for activation and test-event runs. */
	workflow(id: string, webhookId: string): object;
	/** The server's subscriptions delivering to this URL. */
	subscriptionsAt(url: string): Promise<Array<{ id: string; url: string; events: string[] }>>;
	close(): Promise<void>;
}

export async function startInboxServer(sandbox: RunningSandbox): Promise<RunningInboxServer> {
	const db: Db = await openMigratedDb(() => createPgliteDb());
	const server: InboxApp = await startInboxApp(db, { evolution: { baseUrl: sandbox.url, apiKey: sandbox.apiKey } });
	try {
		const workspace = await seedWorkspace(db, server.runtime.integrationsKey, { messages: 0 });
		const admin = (await signIn(server, workspace.admin.email)).authorization;
		const token = (await server.call('POST', '/api/v1/api-tokens', admin, { name: 'n8n e2e', scopes: ['inbox', 'admin'] })).json().token as string;
		const instance = `inbox-e2e-${randomBytes(3).toString('hex')}`;
		const created = await server.call('POST', '/api/v1/channels', admin, { name: 'Vendas', instanceName: instance });
		if (created.statusCode !== 201) throw new Error(`channel create: ${created.statusCode} ${created.body}`);
		const channel = { id: created.json().channel.id as string, instance };
		await sandbox.ok('POST', `/_sandbox/instances/${instance}/scan`, { number: '5511999990002', profileName: 'ACME Inbox' });
		await eventually(async () => {
			const status = (await server.call('GET', `/api/v1/channels/${channel.id}`, admin)).json().status;
			if (status !== 'connected') throw new Error(`channel ${status}`);
		}, 60_000);
		return {
			url: server.url,
			token,
			channel,
			credential: { ...INBOX_CREDENTIAL, type: 'whatsAppInboxApi', data: { serverUrl: server.url, apiToken: token, requireAdmin: true } },
			workflow: (id, webhookId) => ({
				id,
				name: 'Inbox Trigger: message received',
				active: false,
				nodes: [
					{
						id: 'b6f1c1de-0000-4000-8000-000000000001',
						name: INBOX_TRIGGER_NODE,
						type: 'n8n-nodes-evolution-whatsapp.whatsAppInboxTrigger',
						typeVersion: 1,
						position: [0, 0],
						webhookId,
						parameters: { events: ['message.received'], options: { ignoreGroups: true } },
						credentials: { whatsAppInboxApi: INBOX_CREDENTIAL },
					},
				],
				connections: {},
				settings: { executionOrder: 'v1' },
			}),
			subscriptionsAt: async (url) =>
				((await server.call('GET', '/api/v1/webhook-subscriptions', `Bearer ${token}`)).json().data as Array<{ id: string; url: string; events: string[] }>).filter(
					(subscription) => subscription.url === url,
				),
			close: async () => {
				await server.close();
				await db.close();
			},
		};
	} catch (error) {
		await server.close();
		await db.close();
		throw error;
	}
}
