 
import './n8n-env';

import { HookContext, WebhookContext } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type IDataObject,
	type IHttpRequestOptions,
	type INode,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
	type WebhookType,
} from 'n8n-workflow';

import { EvolutionApi as EvolutionApiCredential } from '../../../../credentials/EvolutionApi.credentials';
import { EvolutionApiTrigger } from '../../../../nodes/EvolutionApi/EvolutionApiTrigger.node';

export const NODE_TYPE = 'n8n-nodes-evolution-whatsapp.evolutionApiTrigger';
export const WEBHOOK_BASE = 'http://n8n.example.test/webhook';
export const WEBHOOK_TEST_BASE = 'http://n8n.example.test/webhook-test';

/** Resolves `={{$credentials.x}}` in generic authenticators, as n8n's CredentialsHelper does for simple cases. */
class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: ICredentialDataDecryptedObject) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		if (typeName !== 'evolutionApi') throw new Error(`unexpected credential type ${typeName}`);
		const generic = new EvolutionApiCredential().authenticate;
		const resolve = (value: string) =>
			value.replace(/^=\{\{\s*\$credentials\.(\w+)\s*\}\}$/, (_, name: string) => String(credentials[name] ?? ''));
		const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
		for (const [name, value] of Object.entries(generic.properties.headers ?? {})) headers[name] = resolve(String(value));
		return { ...requestOptions, headers };
	}

	async preAuthentication(): Promise<undefined> {
		return undefined;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used');
	}

	async getDecrypted(): Promise<ICredentialDataDecryptedObject> {
		return this.data;
	}

	async updateCredentials(): Promise<void> {}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(): INodeProperties[] {
		return new EvolutionApiCredential().properties;
	}
}

export interface FakeResponse {
	statusCode: number;
	body?: unknown;
	headers: Record<string, string>;
	status(code: number): FakeResponse;
	setHeader(name: string, value: string): FakeResponse;
	json(body: unknown): FakeResponse;
	send(body: unknown): FakeResponse;
	end(): FakeResponse;
}

function fakeResponse(): FakeResponse {
	const res: FakeResponse = {
		statusCode: 200,
		headers: {},
		status(code) {
			res.statusCode = code;
			return res;
		},
		setHeader(name, value) {
			res.headers[name.toLowerCase()] = value;
			return res;
		},
		json(body) {
			res.body = body;
			return res;
		},
		send(body) {
			res.body = body;
			return res;
		},
		end() {
			return res;
		},
	};
	return res;
}

export interface TriggerUnderTest {
	node: INode;
	workflow: Workflow;
	/** `checkExists`/`create`/`delete` of one webhook (the first unless named) through a real HookContext (production URL unless `isTest`). */
	hook(method: 'checkExists' | 'create' | 'delete', isTest?: boolean, webhook?: 'default' | 'setup'): Promise<boolean>;
	/** The full n8n activation sequence, webhook by webhook: `checkExists`, then `create` when it says false. */
	activate(isTest?: boolean): Promise<void>;
	/** One POST through a real WebhookContext. */
	deliver(
		body: IDataObject,
		options?: { headers?: Record<string, string>; webhookName?: WebhookType; params?: IDataObject; rawBody?: Buffer },
	): Promise<{ result: IWebhookResponseData; res: FakeResponse }>;
	staticData(): IDataObject;
	url(isTest?: boolean): string;
}

export function createTrigger(options: {
	baseUrl: string;
	apiKey: string;
	parameters?: INodeParameters;
	defaultInstance?: string;
	webhookId?: string;
}): TriggerUnderTest {
	const trigger = new EvolutionApiTrigger();
	const nodeTypes: INodeTypes = {
		getByName: () => trigger as INodeType,
		getByNameAndVersion: (_type: string, version?: number) => NodeHelpers.getVersionedNodeType(trigger, version),
		getKnownTypes: () => ({}),
	};
	const node: INode = {
		id: 'trigger-node-1',
		name: 'Evolution API Trigger',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: options.webhookId ?? '5f3c2a10-0000-4000-8000-00000000abcd',
		credentials: { evolutionApi: { id: 'cred1', name: 'Evolution API account' } },
		parameters: {
			instanceName: { __rl: true, mode: 'name', value: 'acme-sales' },
			events: ['messages.upsert'],
			...(options.parameters ?? {}),
		},
	};
	const workflow = new Workflow({
		id: 'wfTrigger0000001',
		name: 'trigger test',
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes,
		staticData: {},
	});
	const credentialsHelper = new TestCredentialsHelper({
		baseUrl: options.baseUrl,
		apiKey: options.apiKey,
		defaultInstance: options.defaultInstance ?? '',
	});
	const baseAdditionalData = {
		credentialsHelper,
		webhookBaseUrl: WEBHOOK_BASE,
		webhookTestBaseUrl: WEBHOOK_TEST_BASE,
		webhookWaitingBaseUrl: 'http://n8n.example.test/webhook-waiting',
		formWaitingBaseUrl: 'http://n8n.example.test/form-waiting',
		instanceBaseUrl: 'http://n8n.example.test/',
		restApiUrl: 'http://n8n.example.test/rest',
		variables: {},
		currentNodeExecutionIndex: 0,
	} as unknown as IWorkflowExecuteAdditionalData;

	const webhookData = (name: WebhookType, isTest: boolean, additionalData: IWorkflowExecuteAdditionalData): IWebhookData => {
		const description = trigger.description.webhooks!.find((webhook) => webhook.name === name)!;
		return {
			httpMethod: 'POST',
			node: node.name,
			path: `${node.webhookId}/${description.path}`,
			webhookDescription: description,
			workflowId: workflow.id,
			workflowExecuteAdditionalData: additionalData,
			webhookId: node.webhookId,
			isTest,
		};
	};

	// As n8n's WebhookService.runWebhookMethod: the methods of one webhook of the node, by its name.
	const hook = async (method: 'checkExists' | 'create' | 'delete', isTest = false, webhook: 'default' | 'setup' = 'default') => {
		const context = new HookContext(
			workflow,
			node,
			baseAdditionalData,
			isTest ? 'manual' : 'trigger',
			isTest ? 'manual' : 'activate',
			webhookData(webhook, isTest, baseAdditionalData),
		);
		return await trigger.webhookMethods[webhook][method].call(context);
	};

	return {
		node,
		workflow,
		hook,
		// As n8n activates: each webhook in the description's order, checkExists and, when false, create.
		async activate(isTest = false) {
			for (const { name } of trigger.description.webhooks!) {
				const webhook = name as 'default' | 'setup';
				if (!(await hook('checkExists', isTest, webhook))) await hook('create', isTest, webhook);
			}
		},
		async deliver(body, deliverOptions = {}) {
			const res = fakeResponse();
			const raw = deliverOptions.rawBody ?? Buffer.from(JSON.stringify(body));
			const req = {
				body,
				rawBody: raw,
				headers: { 'content-type': 'application/json', ...(deliverOptions.headers ?? {}) },
				params: deliverOptions.params ?? {},
				query: {},
			};
			const additionalData = { ...baseAdditionalData, httpRequest: req, httpResponse: res } as unknown as IWorkflowExecuteAdditionalData;
			const name = deliverOptions.webhookName ?? 'default';
			const context = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData(name, false, additionalData), [], null);
			const result = await trigger.webhook.call(context);
			return { result, res };
		},
		staticData: () => workflow.getStaticData('node', node),
		url: (isTest = false) => `${isTest ? WEBHOOK_TEST_BASE : WEBHOOK_BASE}/${node.webhookId}/evolution`,
	};
}
