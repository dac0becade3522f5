import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { chosenOperation, runItem } from '../../shared/router';
import { mapInOrder, readParallelRequests } from '../helpers/concurrency';
import { itemTurnsFor } from '../helpers/itemTurns';
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

/**
 * How many items of a change are worked out ahead of the one whose request is in flight: enough to keep n8n busy
 * while the server answers; none of them reaches the server before its turn.
 */
const ITEMS_PREPARED_AHEAD = 1;

/** A read operation: "Parallel Requests" of its items may be in flight at once. */
function isRead(this: IExecuteFunctions): boolean {
	return chosenOperation.call(this, resources)?.readOnly === true;
}

/**
 * Runs the chosen operation once per input item. Each output item points back to its input
 * (`pairedItem`) and the output keeps the input's order; with "continue on fail" a failed item carries
 * its error and the rest go on. Sends and other changes reach the server one item at a time, in order (one WhatsApp
 * number sending in parallel gets banned); reads may run a few items at once, and Check Numbers asks about many items'
 * numbers in one request.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	// An operation that asks about many items in one request (Check Numbers) takes them all; it links each output.
	const all = chosenOperation.call(this, resources)?.executeAll;
	if (all && items.length > 1) return [await all.call(this)];
	if (items.length < 2) return [await runItem.call(this, resources, 0)];
	if (isRead.call(this)) {
		const perItem = await mapInOrder(items.length, readParallelRequests.call(this), async (itemIndex) => await runItem.call(this, resources, itemIndex));
		return [perItem.flat()];
	}
	// Changes: the next item's fields are worked out while this item's request is in flight, and its requests wait
	// for their turn (ItemTurns): one request at a time, in item order.
	const turns = itemTurnsFor(this);
	const perItem = await mapInOrder(items.length, ITEMS_PREPARED_AHEAD + 1, async (itemIndex) => {
		const output = runItem.call(this, resources, itemIndex);
		// A failed item (without "continue on fail") stops the run: the items after it are never sent.
		void output.then(
			() => turns.finish(itemIndex),
			() => turns.stop(),
		);
		return await output;
	});
	return [perItem.flat()];
}
