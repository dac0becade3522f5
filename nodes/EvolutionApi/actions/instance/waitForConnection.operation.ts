import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, sleep, updateDisplayOptions } from 'n8n-workflow';

import { instancePath, resolveInstanceName } from '../../helpers/instance';
import { evolutionApiRequest } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Timeout (Seconds)',
		name: 'timeout',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 120,
		description: 'How long to wait for the phone to scan the QR code before failing',
	},
	{
		displayName: 'Check Every (Seconds)',
		name: 'interval',
		type: 'number',
		typeOptions: { minValue: 0.1 },
		default: 2,
		description: 'How often to ask Evolution for the connection state',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['instance'], operation: ['waitForConnection'] } },
	properties,
);

/**
 * Polls the connection state until the instance is open: the step between "show the QR code" and
 * "send" in an onboarding workflow. The input item's binary (e.g. the QR image) passes through.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const timeoutMs = (this.getNodeParameter('timeout', itemIndex) as number) * 1000;
	const intervalMs = Math.max(100, (this.getNodeParameter('interval', itemIndex) as number) * 1000);
	const started = Date.now();

	let state = 'close';
	for (;;) {
		const response = (await evolutionApiRequest.call(this, {
			method: 'GET',
			path: `/instance/connectionState/${instancePath(instanceName)}`,
			instanceName,
			itemIndex,
		})) as IDataObject;
		state = String((response.instance as IDataObject | undefined)?.state ?? 'close');
		if (state === 'open') break;
		if (Date.now() - started + intervalMs > timeoutMs) {
			throw new NodeOperationError(this.getNode(), `Instance "${instanceName}" did not connect within ${timeoutMs / 1000} s`, {
				description: `Last state: ${state}. Scan the QR code with WhatsApp (Linked devices → Link a device), or connect again for a fresh code.`,
				itemIndex,
			});
		}
		await sleep(intervalMs);
	}
	const input = this.getInputData()[itemIndex];
	return [
		{
			json: { instanceName, state, connected: true, waitedMs: Date.now() - started },
			...(input?.binary ? { binary: input.binary } : {}),
		},
	];
}
