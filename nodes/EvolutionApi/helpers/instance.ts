import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { itemParameter } from '../../shared/parameters';
import { getConnection } from '../transport';

/**
 * The instance an item works on: the node's "Instance" field, or else the credential's default.
 * `required: false` lets "Fetch" list every instance when neither is set.
 */
export async function resolveInstanceName(
	this: IExecuteFunctions,
	itemIndex: number,
	required = true,
): Promise<string> {
	const chosen = String(itemParameter.call(this, 'instanceName', itemIndex, '', { extractValue: true }) ?? '').trim();
	if (chosen !== '') return chosen;

	const fallback = (await getConnection.call(this)).defaultInstance;
	if (fallback !== '' || !required) return fallback;

	throw new NodeOperationError(this.getNode(), 'No instance chosen', {
		description:
			'Pick an instance in the "Instance" field, or set a Default Instance in the Evolution API credential.',
		itemIndex,
	});
}

/** The path segment for an instance name (names may contain spaces). */
export function instancePath(name: string): string {
	return encodeURIComponent(name);
}
