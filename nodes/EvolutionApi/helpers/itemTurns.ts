import type { IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';
import { ApplicationError } from 'n8n-workflow';

/**
 * The order in which the items of a send (or any other change) reach the server: item k's requests wait until
 * every item before it has finished. The router starts item k while item k-1's request is still in flight, so n8n
 * works out item k's fields (its expressions are most of what an item costs n8n) during that wait; the requests
 * themselves still go one at a time and in item order, as a plain loop would send them (one WhatsApp number
 * sending in parallel gets banned).
 */
export class ItemTurns {
	/** Every item below this index has finished. */
	private finishedBelow = 0;

	private readonly finished = new Set<number>();

	private readonly waiting = new Map<number, Array<{ go: () => void; stop: (error: Error) => void }>>();

	private stopped: Error | undefined;

	/** Resolves when every item before `itemIndex` has finished; rejects when the run stopped at an earlier item. */
	async turn(itemIndex: number): Promise<void> {
		if (this.stopped) throw this.stopped;
		if (itemIndex <= this.finishedBelow) return;
		await new Promise<void>((go, stop) => {
			const list = this.waiting.get(itemIndex) ?? [];
			list.push({ go, stop });
			this.waiting.set(itemIndex, list);
		});
	}

	/** Item `itemIndex` is done (sent, or failed with "continue on fail"): the next one may go. */
	finish(itemIndex: number): void {
		this.finished.add(itemIndex);
		while (this.finished.has(this.finishedBelow)) this.finished.delete(this.finishedBelow++);
		for (const [index, list] of this.waiting) {
			if (index > this.finishedBelow) continue;
			this.waiting.delete(index);
			for (const waiter of list) waiter.go();
		}
	}

	/** The run stops (an item failed without "continue on fail"): the items after it never reach the server. */
	stop(): void {
		this.stopped = new ApplicationError('Not sent: an earlier item failed');
		for (const list of this.waiting.values()) for (const waiter of list) waiter.stop(this.stopped);
		this.waiting.clear();
	}
}

/** The turns of a node run whose items take turns (n8n gives every run its own context object). */
const turnsPerRun = new WeakMap<object, ItemTurns>();

export function itemTurnsFor(context: IExecuteFunctions): ItemTurns {
	const turns = new ItemTurns();
	turnsPerRun.set(context, turns);
	return turns;
}

/** Waits for the item's turn when its run takes turns; requests outside such a run (lists, reads) go at once. */
export async function waitForTurn(this: IExecuteFunctions | ILoadOptionsFunctions, itemIndex: number | undefined): Promise<void> {
	const turns = turnsPerRun.get(this);
	if (!turns) return;
	if (itemIndex === undefined) throw new ApplicationError('A request of an item that takes turns must name its item');
	await turns.turn(itemIndex);
}
