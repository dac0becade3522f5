/**
 * Runs n8n workflows in-process with n8n-core's real WorkflowExecute, loading the BUILT package
 * (dist/, as registered in package.json `n8n`) through PackageDirectoryLoader — the same way n8n
 * loads a community package. Only the manual trigger and a fixture-items source are stubs.
 */
import './n8n-env';

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { ExecutionLifecycleHooks, LoadOptionsContext, PackageDirectoryLoader, WorkflowExecute } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	INodeConnections,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeParameters,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';
import { createRunExecutionData, ICredentialsHelper, NodeConnectionTypes, NodeHelpers, Workflow } from 'n8n-workflow';

export const PACKAGE_ROOT = resolve(__dirname, '../..');
export const PACKAGE_NAME = 'n8n-nodes-evolution-whatsapp';
export const EVOLUTION_NODE_TYPE = `${PACKAGE_NAME}.evolutionApi`;
export const FIXTURE_NODE_TYPE = 'test.fixtureItems';
export const MANUAL_TRIGGER_TYPE = 'n8n-nodes-base.manualTrigger';

/** Stand-in for n8n's Manual Trigger: passes the start data through. */
class ManualTriggerStub implements INodeType {
	description = {
		displayName: 'Manual Trigger',
		name: 'manualTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Stub',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [this.getInputData()];
	}
}

/** A fixture source: emits the items given in its `items` parameter, binaries prepared the n8n way. */
export interface FixtureItem {
	json: IDataObject;
	binary?: Record<string, { base64: string; fileName: string; mimeType: string }>;
}

class FixtureItemsNode implements INodeType {
	description = {
		displayName: 'Fixture Items',
		name: 'fixtureItems',
		group: ['input'],
		version: 1,
		description: 'Stub',
		defaults: { name: 'Fixture' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[]' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = JSON.parse(this.getNodeParameter('items', 0) as string) as FixtureItem[];
		const output: INodeExecutionData[] = [];
		for (const [index, item] of items.entries()) {
			const result: INodeExecutionData = { json: item.json, pairedItem: { item: 0 } };
			if (item.binary) {
				result.binary = {};
				for (const [name, file] of Object.entries(item.binary)) {
					result.binary[name] = await this.helpers.prepareBinaryData(Buffer.from(file.base64, 'base64'), file.fileName, file.mimeType);
				}
			}
			output.push({ ...result, pairedItem: { item: Math.min(index, this.getInputData().length - 1) } });
		}
		return [output];
	}
}

export interface LoadedPackage {
	nodeTypes: INodeTypes;
	credentialTypes: Record<string, ICredentialType>;
	evolutionNode: INodeType;
}

let loaded: Promise<LoadedPackage> | undefined;

/** Loads dist/ through n8n's PackageDirectoryLoader (once per test file). */
export async function loadBuiltPackage(): Promise<LoadedPackage> {
	loaded ??= (async () => {
		const registered = join(PACKAGE_ROOT, 'dist/nodes/EvolutionApi/EvolutionApi.node.js');
		if (!existsSync(registered)) throw new Error(`Build the package first (npx gulp build): ${registered} is missing`);
		const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
		await loader.loadAll();
		const types: Record<string, INodeType | IVersionedNodeType> = {
			[MANUAL_TRIGGER_TYPE]: new ManualTriggerStub(),
			[FIXTURE_NODE_TYPE]: new FixtureItemsNode(),
		};
		for (const [name, data] of Object.entries(loader.nodeTypes)) types[`${PACKAGE_NAME}.${name}`] = data.type;
		const credentialTypes: Record<string, ICredentialType> = {};
		for (const [name, data] of Object.entries(loader.credentialTypes)) credentialTypes[name] = data.type;
		const nodeTypes: INodeTypes = {
			getByName: (type) => types[type],
			getByNameAndVersion: (type, version) => NodeHelpers.getVersionedNodeType(types[type], version),
			getKnownTypes: () => ({}),
		};
		return { nodeTypes, credentialTypes, evolutionNode: types[EVOLUTION_NODE_TYPE] as INodeType };
	})();
	return await loaded;
}

/** Serves fixture credentials and applies `authenticate` the way n8n's CredentialsHelper does. */
class FixtureCredentialsHelper extends ICredentialsHelper {
	/** How often a node read its credential (in n8n each read is a database read plus a decryption). */
	reads = 0;

	constructor(
		private readonly credentials: Record<string, ICredentialDataDecryptedObject>,
		private readonly credentialTypes: Record<string, ICredentialType>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.credentialTypes[typeName]?.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (!authenticate || authenticate.type !== 'generic') return requestOptions;
		const resolveValue = (value: string) =>
			workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'internal', { $credentials: credentials }) as string;
		const headers = { ...(requestOptions.headers ?? {}) };
		for (const [name, value] of Object.entries(authenticate.properties.headers ?? {})) headers[name] = resolveValue(String(value));
		return { ...requestOptions, headers };
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(nodeCredentials: INodeCredentialsDetails): Promise<ICredentials> {
		throw new Error(`getCredentials is not supported in tests (${nodeCredentials.name})`);
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _details: INodeCredentialsDetails, type: string): Promise<ICredentialDataDecryptedObject> {
		this.reads++;
		const data = this.credentials[type];
		if (!data) throw new Error(`No fixture credentials of type ${type}`);
		return data;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.credentialTypes[type]?.properties ?? [];
	}
}

function buildAdditionalData(
	hooks: ExecutionLifecycleHooks | undefined,
	credentials: Record<string, ICredentialDataDecryptedObject>,
	credentialTypes: Record<string, ICredentialType>,
): IWorkflowExecuteAdditionalData {
	return {
		executionId: 'test',
		hooks,
		credentialsHelper: new FixtureCredentialsHelper(credentials, credentialTypes),
		variables: {},
		currentNodeExecutionIndex: 0,
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		logAiEvent: () => {},
	} as unknown as IWorkflowExecuteAdditionalData;
}

/** The execution data of a node outside a workflow run (load options), serving these fixture credentials. */
export async function buildAdditionalDataFor(credentials: Record<string, ICredentialDataDecryptedObject>): Promise<IWorkflowExecuteAdditionalData> {
	const { credentialTypes } = await loadBuiltPackage();
	return buildAdditionalData(undefined, credentials, credentialTypes);
}

/** n8n's real load-options context for the Evolution node (what the editor uses for list searches). */
export async function loadOptionsContext(credentials: EvolutionCredentials): Promise<ILoadOptionsFunctions> {
	const { nodeTypes, credentialTypes } = await loadBuiltPackage();
	const node: INode = {
		id: '1',
		name: 'Evolution API',
		type: EVOLUTION_NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		parameters: { resource: 'message', operation: 'sendText' },
		credentials: { evolutionApi: { id: '1', name: 'Evolution test' } },
	};
	const workflow = new Workflow({ id: 'test', nodes: [node], connections: {}, active: false, nodeTypes });
	const additionalData = buildAdditionalData(undefined, { evolutionApi: { ...credentials } as unknown as ICredentialDataDecryptedObject }, credentialTypes);
	return new LoadOptionsContext(workflow, node, additionalData, 'parameters.instanceName') as unknown as ILoadOptionsFunctions;
}

export interface WorkflowDefinition {
	name?: string;
	nodes: INode[];
	connections: Record<string, INodeConnections>;
	settings?: IDataObject;
}

export interface WorkflowResult {
	run: IRun;
	/** Output items of a node's first run (main output 0). */
	output(nodeName: string): INodeExecutionData[];
	/** The error a node failed with, if any. */
	error(nodeName?: string): Error | undefined;
	/** How many times nodes read a credential during the run. */
	credentialReads: number;
}

/** Runs a workflow from its Manual Trigger, with the given start items. */
export async function runWorkflow(
	definition: WorkflowDefinition,
	options: { credentials: Record<string, ICredentialDataDecryptedObject>; startItems?: INodeExecutionData[] },
): Promise<WorkflowResult> {
	const { nodeTypes, credentialTypes } = await loadBuiltPackage();
	const workflow = new Workflow({
		id: 'test',
		name: definition.name ?? 'test',
		nodes: definition.nodes,
		connections: definition.connections,
		active: false,
		nodeTypes,
		settings: { executionOrder: 'v1', ...(definition.settings ?? {}) },
	});
	const startNode = definition.nodes.find((node) => node.type === MANUAL_TRIGGER_TYPE);
	if (!startNode) throw new Error('The workflow needs a Manual Trigger');

	const hooks = new ExecutionLifecycleHooks('manual', `test-${Date.now()}`, { ...definition, id: 'test', active: false } as never);
	const finished = new Promise<IRun>((resolveRun) => hooks.addHandler('workflowExecuteAfter', (run: IRun) => resolveRun(run)));
	const additionalData = buildAdditionalData(hooks, options.credentials, credentialTypes);

	const runData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: startNode, data: { main: [options.startItems ?? [{ json: {} }]] }, source: null }],
		},
	});
	await new WorkflowExecute(additionalData, 'manual', runData).processRunExecutionData(workflow);
	const run = await finished;

	return {
		run,
		credentialReads: (additionalData.credentialsHelper as FixtureCredentialsHelper).reads,
		output(nodeName) {
			const taskData = run.data.resultData.runData[nodeName];
			if (!taskData) throw new Error(`Node "${nodeName}" did not run${run.data.resultData.error ? `: ${run.data.resultData.error.message}` : ''}`);
			return taskData[0].data?.main?.[0] ?? [];
		},
		error(nodeName) {
			if (nodeName) return run.data.resultData.runData[nodeName]?.[0]?.error ?? undefined;
			return run.data.resultData.error ?? undefined;
		},
	};
}

export interface EvolutionCredentials {
	baseUrl: string;
	apiKey: string;
	defaultInstance?: string;
	/** 'keptAlive' (the default) or 'n8nHttpClient'. */
	connection?: string;
}

/**
 * Runs the Evolution node once on `items` (a fixture source feeds it), the shape most tests need:
 * Start → Fixture → Evolution API.
 */
export async function runEvolutionNode(
	parameters: INodeParameters,
	options: { credentials: EvolutionCredentials; items?: FixtureItem[]; continueOnFail?: boolean },
): Promise<WorkflowResult & { items: INodeExecutionData[] }> {
	const nodes: INode[] = [
		{ id: '1', name: 'Start', type: MANUAL_TRIGGER_TYPE, typeVersion: 1, position: [0, 0], parameters: {} },
		{
			id: '2',
			name: 'Fixture',
			type: FIXTURE_NODE_TYPE,
			typeVersion: 1,
			position: [200, 0],
			parameters: { items: JSON.stringify(options.items ?? [{ json: {} }]) },
		},
		{
			id: '3',
			name: 'Evolution API',
			type: EVOLUTION_NODE_TYPE,
			typeVersion: 1,
			position: [400, 0],
			parameters,
			credentials: { evolutionApi: { id: '1', name: 'Evolution test' } },
			...(options.continueOnFail ? { onError: 'continueRegularOutput' as const } : {}),
		},
	];
	const result = await runWorkflow(
		{
			nodes,
			connections: {
				Start: { main: [[{ node: 'Fixture', type: NodeConnectionTypes.Main, index: 0 }]] },
				Fixture: { main: [[{ node: 'Evolution API', type: NodeConnectionTypes.Main, index: 0 }]] },
			},
		},
		{ credentials: { evolutionApi: { ...options.credentials } as unknown as ICredentialDataDecryptedObject } },
	);
	const error = result.error('Evolution API');
	return { ...result, items: error ? [] : result.output('Evolution API') };
}

/** Reads a binary property of an output item back into bytes. */
export async function binaryBuffer(item: INodeExecutionData, property = 'data'): Promise<Buffer> {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`Item has no binary "${property}"`);
	if (binary.id) {
		const { BinaryDataService } = await import('n8n-core');
		const { Container } = await import('@n8n/di');
		return await Container.get(BinaryDataService).getAsBuffer(binary);
	}
	return Buffer.from(binary.data, 'base64');
}
