import type { INodeProperties } from 'n8n-workflow';

/** The instance an operation acts on: from the list, by name, or an expression in either mode. */
const instanceLocator: INodeProperties = {
	displayName: 'Instance',
	name: 'instanceName',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description:
		'The Evolution instance (WhatsApp number) to use. Leave empty to use the Default Instance of the credential.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: {
				searchListMethod: 'searchInstances',
				searchable: true,
			},
		},
		{
			displayName: 'By Name',
			name: 'name',
			type: 'string',
			placeholder: 'e.g. sales',
		},
	],
};

/** A chat address: a phone number in any format, or a JID. */
export function recipientField(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		displayName: 'To',
		name: 'number',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. +55 (11) 98765-4321',
		description:
			'Phone number with country code (any formatting), or a JID such as 120363000000000000@g.us for a group',
		...overrides,
	};
}

export const binaryPropertyField: INodeProperties = {
	displayName: 'Input Binary Field',
	name: 'binaryPropertyName',
	type: 'string',
	default: 'data',
	required: true,
	placeholder: 'e.g. data',
	hint: 'The name of the input binary field containing the file to send',
};

/** The instance picker, shown for a resource (and, if given, only for some of its operations). */
export function instanceLocatorFor(resource: string, operations?: string[]): INodeProperties {
	const show: Record<string, string[]> = { resource: [resource] };
	if (operations) show.operation = operations;
	return { ...instanceLocator, displayOptions: { show } };
}

/** The usual n8n pair for list operations: everything (following the pages) or at most `limit`. */
export const returnAllOrLimitFields: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];

/** The default of "Parallel Requests": a few reads in flight, gentle on the Evolution server and on WhatsApp. */
export const DEFAULT_PARALLEL_REQUESTS = 5;

/** How many items a read operation asks Evolution about at once; shown only for the read operations. */
export function parallelRequestsFieldFor(resource: string, operations: string[]): INodeProperties {
	return {
		displayName: 'Parallel Requests',
		name: 'parallelRequests',
		type: 'number',
		typeOptions: { minValue: 1, maxValue: 20 },
		default: DEFAULT_PARALLEL_REQUESTS,
		description:
			'How many input items are looked up at the same time. The output keeps the order of the input. Sends always go one at a time.',
		displayOptions: { show: { resource: [resource], operation: operations } },
	};
}
