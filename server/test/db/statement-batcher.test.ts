import { StatementBatcher } from '../../src/db/statement-batcher';

/**
 * The batcher in front of the outbox's two statements a send: calls of one turn go together, in order; a call alone
 * goes alone; the same key never twice in one batch; a failed batch is run again call by call, so only the bad call
 * fails.
 */
describe('StatementBatcher', () => {
	const make = (options: { failMany?: (inputs: string[]) => boolean; failOne?: (input: string) => boolean; max?: number } = {}) => {
		const calls: Array<{ kind: 'one' | 'many'; inputs: string[] }> = [];
		const batcher = new StatementBatcher<string, string>({
			key: (input) => input.split(':')[0],
			one: async (input) => {
				calls.push({ kind: 'one', inputs: [input] });
				if (options.failOne?.(input)) throw new Error(`bad ${input}`);
				return `stored ${input}`;
			},
			many: async (inputs) => {
				calls.push({ kind: 'many', inputs });
				if (options.failMany?.(inputs)) throw new Error('batch failed');
				return inputs.map((input) => `stored ${input}`);
			},
			max: options.max ?? 100,
		});
		return { batcher, calls };
	};

	it('sends the calls of one turn as one batch and answers each its own result, in order', async () => {
		const { batcher, calls } = make();
		const answers = await Promise.all(['a', 'b', 'c'].map((input) => batcher.call(input)));
		expect(answers).toEqual(['stored a', 'stored b', 'stored c']);
		expect(calls).toEqual([{ kind: 'many', inputs: ['a', 'b', 'c'] }]);
	});

	it('sends a call that is alone by itself, and the calls of a later turn in a later batch', async () => {
		const { batcher, calls } = make();
		expect(await batcher.call('a')).toBe('stored a');
		await Promise.all([batcher.call('b'), batcher.call('c')]);
		expect(calls).toEqual([
			{ kind: 'one', inputs: ['a'] },
			{ kind: 'many', inputs: ['b', 'c'] },
		]);
	});

	it('never puts two calls with the same key in one batch, and keeps a batch within its size', async () => {
		const { batcher, calls } = make({ max: 2 });
		const answers = await Promise.all(['a:1', 'b', 'a:2', 'c'].map((input) => batcher.call(input)));
		expect(answers).toEqual(['stored a:1', 'stored b', 'stored a:2', 'stored c']);
		expect(calls).toEqual([
			{ kind: 'many', inputs: ['a:1', 'b'] },
			{ kind: 'many', inputs: ['a:2', 'c'] },
		]);
	});

	it('runs a failed batch again call by call: the good calls are stored, only the bad one fails', async () => {
		const { batcher, calls } = make({ failMany: (inputs) => inputs.includes('bad'), failOne: (input) => input === 'bad' });
		const answers = await Promise.allSettled(['a', 'bad', 'b'].map((input) => batcher.call(input)));
		expect(answers).toEqual([
			{ status: 'fulfilled', value: 'stored a' },
			{ status: 'rejected', reason: new Error('bad bad') },
			{ status: 'fulfilled', value: 'stored b' },
		]);
		expect(calls.map((call) => call.kind)).toEqual(['many', 'one', 'one', 'one']);
	});
});
