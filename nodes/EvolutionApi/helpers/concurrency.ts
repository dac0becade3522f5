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
