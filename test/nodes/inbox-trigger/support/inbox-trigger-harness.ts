import '../../trigger/support/n8n-env';

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

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
	type INodeExecutionData,
	type INodeParameters,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IWebhookData,
	type IWebhookResponseData,
	type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

import { WhatsAppInboxApi } from '../../../../credentials/WhatsAppInboxApi.credentials';
import { WhatsAppInboxTrigger } from '../../../../nodes/WhatsAppInbox/WhatsAppInboxTrigger.node';

export const NODE_TYPE = 'n8n-nodes-evolution-whatsapp.whatsAppInboxTrigger';

/** Resolves the credential's generic authenticator (`Bearer {{$credentials.apiToken}}`) as n8n's CredentialsHelper does. */
class InboxCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: ICredentialDataDecryptedObject) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		if (typeName !== 'whatsAppInboxApi') throw new Error(`unexpected credential type ${typeName}`);
		const generic = new WhatsAppInboxApi().authenticate;
		const resolve = (value: string) => value.replace(/\{\{\s*\$credentials\.(\w+)\s*\}\}/g, (_, name: string) => String(credentials[name] ?? '')).replace(/^=/, '');
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
		return new WhatsAppInboxApi().properties;
	}
}

/** What one POST to the trigger came to: n8n's answer and the items it would have started the workflow with. */
export interface Received {
	url: string;
	headers: Record<string, string>;
	rawBody: string;
	statusCode: number;
	answer: unknown;
	items: INodeExecutionData[];
}

export interface InboxTriggerUnderTest {
	node: INode;
	/** `checkExists`/`create`/`delete` through a real HookContext (production URL unless `isTest`). */
	hook(method: 'checkExists' | 'create' | 'delete', isTest?: boolean): Promise<boolean>;
	/** n8n's activation sequence: `checkExists`, then `create` when it says false. */
	activate(isTest?: boolean): Promise<void>;
	/** Every POST that reached the node's URLs, in order. */
	received: Received[];
	/** POSTs to a URL of the node as a caller would (a replay, a forgery). */
	post(url: string, rawBody: string, headers: Record<string, string>): Promise<Received>;
	staticData(): IDataObject;
	url(isTest?: boolean): string;
	close(): Promise<void>;
}

/**
 * The trigger node as n8n runs it, minus n8n's HTTP server: real HookContexts for its lifecycle, and a loopback HTTP
 * server at its webhook URLs that hands each POST to a real WebhookContext, so the WhatsApp Inbox server delivers to it
 * over HTTP exactly as it would to n8n.
 */
export async function startInboxTrigger(options: {
	serverUrl: string;
	apiToken: string;
	parameters?: INodeParameters;
	webhookId?: string;
}): Promise<InboxTriggerUnderTest> {
	const trigger = new WhatsAppInboxTrigger();
	const nodeTypes: INodeTypes = {
		getByName: () => trigger as INodeType,
		getByNameAndVersion: (_type: string, version?: number) => NodeHelpers.getVersionedNodeType(trigger, version),
		getKnownTypes: () => ({}),
	};
	const node: INode = {
		id: 'inbox-trigger-node-1',
		name: 'WhatsApp Inbox Trigger',
		type: NODE_TYPE,
		typeVersion: 1,
		position: [0, 0],
		webhookId: options.webhookId ?? '7a1e0c52-0000-4000-8000-00000000beef',
		credentials: { whatsAppInboxApi: { id: 'cred1', name: 'WhatsApp Inbox account' } },
		parameters: { events: ['message.received'], ...(options.parameters ?? {}) },
	};
	const workflow = new Workflow({ id: 'wfInboxTrig00001', name: 'Inbox trigger test', nodes: [node], connections: {}, active: false, nodeTypes, staticData: {} });
	const credentialsHelper = new InboxCredentialsHelper({ serverUrl: options.serverUrl, apiToken: options.apiToken, requireAdmin: true });

	const received: Received[] = [];
	const http: Server = createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			void deliver(req.url ?? '', req.headers as Record<string, string>, Buffer.concat(chunks)).then(
				(result) => {
					res.statusCode = result.statusCode;
					res.setHeader('content-type', 'application/json');
					res.end(JSON.stringify(result.answer ?? {}));
				},
				(error: Error) => {
					res.statusCode = 500;
					res.end(JSON.stringify({ message: error.message }));
				},
			);
		});
	});
	await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
	const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
	const baseAdditionalData = {
		credentialsHelper,
		webhookBaseUrl: `${base}/webhook`,
		webhookTestBaseUrl: `${base}/webhook-test`,
		webhookWaitingBaseUrl: `${base}/webhook-waiting`,
		formWaitingBaseUrl: `${base}/form-waiting`,
		instanceBaseUrl: `${base}/`,
		restApiUrl: `${base}/rest`,
		variables: {},
		currentNodeExecutionIndex: 0,
	} as unknown as IWorkflowExecuteAdditionalData;

	const webhookData = (isTest: boolean, additionalData: IWorkflowExecuteAdditionalData): IWebhookData => {
		const description = trigger.description.webhooks![0];
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
	const url = (isTest = false) => `${base}/${isTest ? 'webhook-test' : 'webhook'}/${node.webhookId}/inbox`;

	async function deliver(path: string, headers: Record<string, string>, raw: Buffer): Promise<Received> {
		const isTest = path.startsWith('/webhook-test/');
		let body: IDataObject = {};
		try {
			body = JSON.parse(raw.toString('utf8')) as IDataObject;
		} catch {
			// n8n hands the node an empty body for JSON it cannot parse.
		}
		let statusCode = 200;
		let written: unknown;
		const res = {
			status(code: number) {
				statusCode = code;
				return res;
			},
			json(value: unknown) {
				written = value;
				return res;
			},
			send(value: unknown) {
				written = value;
				return res;
			},
			end() {
				return res;
			},
		};
		const req = { body, rawBody: raw, headers, params: {}, query: {} };
		const additionalData = { ...baseAdditionalData, httpRequest: req, httpResponse: res } as unknown as IWorkflowExecuteAdditionalData;
		const context = new WebhookContext(workflow, node, additionalData, isTest ? 'manual' : 'webhook', webhookData(isTest, additionalData), [], null);
		const result: IWebhookResponseData = await trigger.webhook.call(context);
		const entry: Received = {
			url: `${base}${path}`,
			headers,
			rawBody: raw.toString('utf8'),
			statusCode,
			answer: result.noWebhookResponse ? written : (result.webhookResponse ?? {}),
			items: result.workflowData?.[0] ?? [],
		};
		received.push(entry);
		return entry;
	}

	const hook = async (method: 'checkExists' | 'create' | 'delete', isTest = false) => {
		const context = new HookContext(workflow, node, baseAdditionalData, isTest ? 'manual' : 'trigger', isTest ? 'manual' : 'activate', webhookData(isTest, baseAdditionalData));
		return await trigger.webhookMethods.default[method].call(context);
	};

	return {
		node,
		hook,
		async activate(isTest = false) {
			if (!(await hook('checkExists', isTest))) await hook('create', isTest);
		},
		received,
		async post(target, rawBody, headers) {
			const response = await fetch(target, { method: 'POST', body: rawBody, headers: { 'content-type': 'application/json', ...headers } });
			await response.text();
			return received.filter((entry) => entry.rawBody === rawBody && entry.url === target).pop()!;
		},
		staticData: () => workflow.getStaticData('node', node),
		url,
		close: () => new Promise<void>((resolve) => http.close(() => resolve())),
	};
}
