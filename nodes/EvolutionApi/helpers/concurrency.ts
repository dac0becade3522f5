import type { IExecuteFunctions } from 'n8n-workflow';

import { DEFAULT_PARALLEL_REQUESTS } from '../actions/common.descriptions';

/** The node's "Parallel Requests" (how many reads may be in flight at once), at least 1. */
export function readParallelRequests(this: IExecuteFunctions): number {
	const chosen = Number(this.getNodeParameter('parallelRequests', 0, DEFAULT_PARALLEL_REQUESTS));
	return Number.isFinite(chosen) && chosen >= 1 ? Math.floor(chosen) : 1;
}

/**
 * Runs `task` for the indexes 0…count-1 with at most `limit` running at once and returns the results in index
 * order, whatever order they finish in. On the first failure no new index starts; once the running ones have
 * settled, the failure of the lowest index is thrown (with `limit` 1 this is exactly a plain loop that stops at
 * the first error).
 */
export async function mapInOrder<T>(count: number, limit: number, task: (index: number) => Promise<T>): Promise<T[]> {
	const results = new Array<T>(count);
	const failures = new Map<number, unknown>();
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < count && failures.size === 0) {
			const index = next++;
			try {
				results[index] = await task(index);
			} catch (error) {
				failures.set(index, error);
			}
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(limit) || 1, count));
	await Promise.all(Array.from({ length: workers }, async () => await worker()));
	if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
	return results;
}
