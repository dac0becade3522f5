import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { normalizeWhatsAppAddress } from '../../helpers/phone';
import { qrCodeItem } from '../../helpers/qrCode';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Pairing Phone Number',
		name: 'pairingNumber',
		type: 'string',
		default: '',
		placeholder: 'e.g. +55 11 98765-4321',
		description:
			'Also return an 8-character pairing code for this number, to link the phone without scanning',
	},
	{
		displayName: 'Put QR Code in Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		hint: 'The name of the output binary field for the QR code image',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['instance'], operation: ['connect'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const pairing = normalizeWhatsAppAddress(this.getNodeParameter('pairingNumber', itemIndex, '') as string);
	const binaryPropertyName = this.getNodeParameter('binaryPropertyName', itemIndex, 'data') as string;

	const response = (await evolutionApiRequest.call(this, {
		method: 'GET',
		path: `/instance/connect/${instancePath(instanceName)}`,
		qs: pairing ? { number: pairing } : undefined,
		instanceName,
		itemIndex,
	})) as IDataObject;

	// An open instance answers with its state instead of a QR code.
	const state = (response.instance as IDataObject | undefined)?.state;
	if (state !== undefined) {
		return [{ json: { instanceName, state, connected: state === 'open' } }];
	}
	const item = await qrCodeItem.call(this, instanceName, response, binaryPropertyName);
	return [{ json: { ...item.json, state: 'connecting', connected: false }, binary: item.binary }];
}
