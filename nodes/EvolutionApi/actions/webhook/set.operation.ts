import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { asObject } from '../../helpers/items';
import { buildWebhookConfig, headersFromCollection } from '../../helpers/webhook';
import { evolutionApiRequest } from '../../transport';
import { webhookBase64Field, webhookByEventsField, webhookEventsField, webhookHeadersField } from '../webhookFields';

const properties: INodeProperties[] = [
	{
		displayName: 'Enabled',
		name: 'enabled',
		type: 'boolean',
		default: true,
		description: 'Whether Evolution delivers events to the URL',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://n8n.example.com/webhook/evolution',
	},
	webhookEventsField,
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [webhookByEventsField, webhookBase64Field, webhookHeadersField],
	},
];

export const description = updateDisplayOptions({ show: { resource: ['webhook'], operation: ['set'] } }, properties);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const options = this.getNodeParameter('options', itemIndex, {}) as IDataObject;
	const webhook = buildWebhookConfig({
		enabled: this.getNodeParameter('enabled', itemIndex) as boolean,
		url: String(this.getNodeParameter('url', itemIndex)).trim(),
		events: this.getNodeParameter('events', itemIndex, []) as string[],
		byEvents: options.byEvents as boolean | undefined,
		base64: options.base64 as boolean | undefined,
		headers: headersFromCollection(options.headers),
	});
	const response = await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/webhook/set/${instancePath(instanceName)}`,
		body: { webhook },
		instanceName,
		itemIndex,
	});
	return [{ json: asObject(response) }];
}
