import type { INodeProperties } from 'n8n-workflow';

/** A picker for one of the server's records: from a searchable list (the default), or by its id. */
function locator(options: {
	displayName: string;
	name: string;
	searchListMethod: string;
	description: string;
	placeholder: string;
	required?: boolean;
}): INodeProperties {
	return {
		displayName: options.displayName,
		name: options.name,
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: options.required ?? true,
		description: options.description,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				typeOptions: { searchListMethod: options.searchListMethod, searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: options.placeholder,
			},
		],
	};
}

export function channelLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		...locator({
			displayName: 'Channel',
			name: 'channelId',
			searchListMethod: 'searchChannels',
			description: 'The WhatsApp number (channel) of the server to use',
			placeholder: 'e.g. 3f2b8c1e-0d4a-4c2e-9b1a-7e5f6d4c3b2a',
		}),
		...overrides,
	};
}

export function attendantLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		...locator({
			displayName: 'Attendant',
			name: 'attendantId',
			searchListMethod: 'searchAttendants',
			description: 'A person of the workspace (attendant)',
			placeholder: 'e.g. 3f2b8c1e-0d4a-4c2e-9b1a-7e5f6d4c3b2a',
		}),
		...overrides,
	};
}

export function conversationLocator(overrides: Partial<INodeProperties> = {}): INodeProperties {
	return {
		...locator({
			displayName: 'Conversation',
			name: 'conversationId',
			searchListMethod: 'searchConversations',
			description: 'The conversation (one contact on one channel)',
			placeholder: 'e.g. 3f2b8c1e-0d4a-4c2e-9b1a-7e5f6d4c3b2a',
		}),
		...overrides,
	};
}

/** An id typed or mapped from a previous node (leads, contacts, messages). */
export function idField(displayName: string, name: string, description: string): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. 3f2b8c1e-0d4a-4c2e-9b1a-7e5f6d4c3b2a',
		description,
	};
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
