import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { chosenOperation, runItem } from '../../shared/router';
import { mapInOrder, readParallelRequests } from '../helpers/concurrency';
import { operations as chat } from './chat/Chat.resource';
import { operations as group } from './group/Group.resource';
import { operations as history } from './history/History.resource';
import { operations as instance } from './instance/Instance.resource';
import { operations as label } from './label/Label.resource';
import { operations as message } from './message/Message.resource';
import { operations as profile } from './profile/Profile.resource';
import { operations as settings } from './settings/Settings.resource';
import type { ResourceOperations } from './types';
import { operations as webhook } from './webhook/Webhook.resource';

const resources: Record<string, ResourceOperations> = {
	chat,
	group,
	history,
	instance,
	label,
	message,
	profile,
	settings,
	webhook,
};

/** How many items may run at once: "Parallel Requests" for a read operation, otherwise one. */
function itemsAtOnce(this: IExecuteFunctions, itemCount: number): number {
	if (itemCount < 2) return 1;
	if (chosenOperation.call(this, resources)?.readOnly !== true) return 1;
	return readParallelRequests.call(this);
}

/**
 * Runs the chosen operation once per input item. Each output item points back to its input
 * (`pairedItem`) and the output keeps the input's order; with "continue on fail" a failed item carries
 * its error and the rest go on. Sends and other changes run one item at a time (one WhatsApp number
 * sending in parallel gets banned); reads may run a few items at once, and Check Numbers asks about many items'
 * numbers in one request.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	// An operation that asks about many items in one request (Check Numbers) takes them all; it links each output.
	const all = chosenOperation.call(this, resources)?.executeAll;
	if (all && items.length > 1) return [await all.call(this)];
	const perItem = await mapInOrder(items.length, itemsAtOnce.call(this, items.length), async (itemIndex) =>
		await runItem.call(this, resources, itemIndex),
	);
	return [perItem.flat()];
}
