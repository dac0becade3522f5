import { PageGatherer } from '../../src/sync/page-gatherer';

/** The chunks a gatherer wrote, and a way to let each write finish (or fail) when the test says so. */
function recorder() {
	const chunks: string[][] = [];
	const pending: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
	const gatherer = new PageGatherer<string, string>(500, (pages) => {
		chunks.push(pages);
		return new Promise<string[]>((resolve, reject) => pending.push({ resolve: () => resolve(pages.map((p) => `stored ${p}`)), reject }));
	});
	return { gatherer, chunks, pending };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PageGatherer: pages of several chats written together', () => {
	it('writes a chunk once it holds the target, or once every worker is waiting on it; each page gets its own result', async () => {
		const { gatherer, chunks, pending } = recorder();
		for (let i = 0; i < 3; i++) gatherer.join();
		const a = gatherer.submit('a', 200);
		const b = gatherer.submit('b', 200);
		await tick();
		// 400 of 500, and a third worker still fetching: nothing written yet.
		expect(chunks).toEqual([]);
		const c = gatherer.submit('c', 200);
		await tick();
		expect(chunks).toEqual([['a', 'b', 'c']]);
		pending[0].resolve();
		expect(await Promise.all([a, b, c])).toEqual(['stored a', 'stored b', 'stored c']);

		// Two small pages, then the third worker has no more chats: the two are all that can come.
		const d = gatherer.submit('d', 10);
		const e = gatherer.submit('e', 10);
		await tick();
		expect(chunks).toHaveLength(1);
		gatherer.leave();
		await tick();
		expect(chunks[1]).toEqual(['d', 'e']);
		pending[1].resolve();
		expect(await Promise.all([d, e])).toEqual(['stored d', 'stored e']);
	});

	it('a failed chunk fails each of its pages; a page sent alone is written by itself at once', async () => {
		const { gatherer, chunks, pending } = recorder();
		for (let i = 0; i < 2; i++) gatherer.join();
		const a = gatherer.submit('a', 300);
		const b = gatherer.submit('b', 300);
		await tick();
		pending[0].reject(new Error('deadlock detected'));
		await expect(a).rejects.toThrow('deadlock detected');
		await expect(b).rejects.toThrow('deadlock detected');

		const alone = gatherer.submit('a', 300, true);
		await tick();
		expect(chunks[1]).toEqual(['a']);
		pending[1].resolve();
		expect(await alone).toBe('stored a');
	});
});
