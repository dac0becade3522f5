import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { asObject, segment } from '../../helpers/items';
import { inboxApiRequest } from '../../transport';

const ACTIVE = ['queued', 'running'];

/** Polls a history sync run until it is no longer queued or running, or the timeout passes (then `waitTimedOut`). */
export async function waitForSync(this: IExecuteFunctions, channelId: string, run: IDataObject, timeoutSeconds: number, itemIndex: number): Promise<IDataObject> {
	const deadline = Date.now() + Math.max(0, timeoutSeconds) * 1000;
	let current = run;
	for (;;) {
		if (!ACTIVE.includes(String(current.status))) return { ...current, waitTimedOut: false };
		if (Date.now() >= deadline) return { ...current, waitTimedOut: true };
		await sleep(Math.min(1000, Math.max(50, deadline - Date.now())));
		current = asObject(
			await inboxApiRequest.call(this, { method: 'GET', path: `/api/v1/channels/${segment(channelId)}/syncs/${segment(String(run.id))}`, itemIndex }),
		);
	}
}
