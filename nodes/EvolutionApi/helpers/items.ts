import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { normalizeWhatsAppAddress } from './phone';

export { asObject, compact, toItems } from '../../shared/items';

/** Reads a phone/JID parameter and normalises it, naming the item when it is unusable. */
export function readAddress(
	this: IExecuteFunctions,
	parameterName: string,
	itemIndex: number,
): string {
	const raw = String(this.getNodeParameter(parameterName, itemIndex, '') ?? '');
	const address = normalizeWhatsAppAddress(raw);
	if (address === undefined) {
		throw new NodeOperationError(this.getNode(), `"${raw}" is not a phone number or WhatsApp ID`, {
			description: 'Use the number with country code, e.g. +55 11 98765-4321, or a JID such as 120363000000000000@g.us',
			itemIndex,
		});
	}
	return address;
}
