import { CredentialTestContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	ILoadOptionsFunctions,
	INode,
	INodeCredentialTestResult,
	INodeExecutionData,
	INodeParameters,
	INodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import type { Db } from '../../../../server/src/db/db';
import { startOutboxHarness, type OutboxHarness } from '../../../../server/test/outbox/support/outbox-harness';
import {
	FIXTURE_NODE_TYPE,
	loadBuiltPackage,
	MANUAL_TRIGGER_TYPE,
	PACKAGE_NAME,
	runWorkflow,
	type FixtureItem,
	type WorkflowResult,
} from '../../../support/n8n-harness';

export const INBOX_NODE_TYPE = `${PACKAGE_NAME}.whatsAppInbox`;
export const NODE_NAME = 'WhatsApp Inbox';

export interface InboxCredentials {
	serverUrl: string;
	apiToken: string;
	requireAdmin?: boolean;
}

/** The real companion server with the Evolution sandbox (the outbox harness), and API tokens of its workspace. */
export interface InboxStack extends Omit<OutboxHarness, 'admin'> {
	/** A token with the inbox scope only. */
	inbox: InboxCredentials;
	/** A token with the inbox and admin scopes. */
	admin: InboxCredentials & { session: string };
}

export async function startInboxStack(open: () => Promise<Db>, env: Record<string, string> = {}, seed: { messages?: number } = {}): Promise<InboxStack> {
	const harness = await startOutboxHarness(open, env, seed);
	const token = async (scopes: string[]) => {
		const answer = await harness.server.call('POST', '/api/v1/api-tokens', harness.admin, { name: `n8n ${scopes.join('+')}`, scopes });
		if (answer.statusCode !== 201) throw new Error(`api token: ${answer.statusCode} ${answer.body}`);
		return answer.json().token as string;
	};
	const inboxToken = await token(['inbox']);
	const adminToken = await token(['inbox', 'admin']);
	return Object.assign(harness, {
		inbox: { serverUrl: harness.server.url, apiToken: inboxToken },
		admin: Object.assign({ serverUrl: harness.server.url, apiToken: adminToken }, { session: harness.admin }),
	}) as unknown as InboxStack;
}

/** Start → Fixture (the items) → WhatsApp Inbox, run by n8n-core's real WorkflowExecute on the built package. */
export async function runInboxNode(
	parameters: INodeParameters,
	options: { credentials: InboxCredentials; items?: FixtureItem[]; continueOnFail?: boolean },
): Promise<WorkflowResult & { items: INodeExecutionData[]; json: IDataObject[] }> {
	const nodes: INode[] = [
		{ id: '1', name: 'Start', type: MANUAL_TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
		{ id: '2', name: 'Fixture', type: FIXTURE_NODE_TYPE, typeVersion: 1, position: [200, 0], parameters: { items: JSON.stringify(options.items ?? [{ json: {} }]) } },
		{
			id: '3',
			name: NODE_NAME,
			type: INBOX_NODE_TYPE,
			typeVersion: 1,
			position: [400, 0],
			parameters,
			credentials: { whatsAppInboxApi: { id: '1', name: 'Inbox test' } },
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		},
	];
	const result = await runWorkflow(
		{
			nodes,
			connections: {
				Start: { main: [[{ node: 'Fixture', type: NodeConnectionTypes.Main, index: 0 }]] },
				Fixture: { main: [[{ node: NODE_NAME, type: NodeConnectionTypes.Main, index: 0 }]] },
			},
		},
		{ credentials: { whatsAppInboxApi: { ...options.credentials } as unknown as ICredentialDataDecryptedObject } },
	);
	const error = result.error(NODE_NAME);
	const items = error ? [] : result.output(NODE_NAME);
	return { ...result, items, json: items.map((item) => item.json) };
}

/** Runs the node and fails with the node's error when it failed (most tests expect success). */
export async function runOk(
	parameters: INodeParameters,
	options: { credentials: InboxCredentials; items?: FixtureItem[] },
): Promise<IDataObject[]> {
	const result = await runInboxNode(parameters, options);
	const error = result.error(NODE_NAME);
	if (error) throw new Error(`The node failed: ${error.message} (${(error as { description?: string }).description ?? ''})`);
	return result.json;
}

/** The node's credential test, called the way n8n's credentials tester calls it. */
export async function testCredential(data: Partial<InboxCredentials>): Promise<INodeCredentialTestResult> {
	const node = await inboxNode();
	const credentialTest = node.methods?.credentialTest?.whatsAppInboxApiTest;
	if (!credentialTest) throw new Error('the node has no credential test');
	const credential = { id: '1', name: 'Inbox', type: 'whatsAppInboxApi', data } as unknown as ICredentialsDecrypted;
	return await credentialTest.call(new CredentialTestContext() as unknown as ICredentialTestFunctions, credential);
}

export async function inboxNode(): Promise<INodeType> {
	const { nodeTypes } = await loadBuiltPackage();
	return nodeTypes.getByNameAndVersion(INBOX_NODE_TYPE, 1) as INodeType;
}

/** n8n's real load-options context for the node (what the editor uses for list searches). */
export async function inboxLoadOptions(credentials: InboxCredentials, parameters: INodeParameters = { resource: 'lead', operation: 'create' }): Promise<ILoadOptionsFunctions> {
	const { LoadOptionsContext } = await import('n8n-core');
	const { Workflow } = await import('n8n-workflow');
	const { nodeTypes } = await loadBuiltPackage();
	const node: INode = {
		id: '1',
		name: NODE_NAME,
		type: INBOX_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters,
		credentials: { whatsAppInboxApi: { id: '1', name: 'Inbox test' } },
	};
	const workflow = new Workflow({ id: 'test', nodes: [node], connections: {}, active: false, nodeTypes });
	const { buildAdditionalDataFor } = await import('../../../support/n8n-harness');
	const additionalData = await buildAdditionalDataFor({ whatsAppInboxApi: { ...credentials } as unknown as ICredentialDataDecryptedObject });
	return new LoadOptionsContext(workflow, node, additionalData, 'parameters.channelId') as unknown as ILoadOptionsFunctions;
}
