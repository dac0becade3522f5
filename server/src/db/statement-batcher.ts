/**
 * Gathers the calls made within one turn of the event loop into one statement. Each statement costs PostgreSQL (and
 * the client) a round trip, a transaction and a commit whatever its size; when many independent streams finish their
 * steps together — under load a single poll of the event loop hands over the answers of many of them — one statement
 * for all of them costs far less than one each. A call that is alone goes as it would have without the batcher, one
 * turn later.
 *
 * A batch that fails is run again one call at a time (`one`), so a bad row fails only its own call. Two calls with the
 * same key never share a batch (the later waits for the next one): one statement would merge them.
 */
export class StatementBatcher<I, O> {
	private pending: Array<{ input: I; resolve: (output: O) => void; reject: (error: unknown) => void }> = [];
	private scheduled = false;

	constructor(
		private readonly run: {
			/** What makes two calls the same (a message id): never in one batch. */
			key(input: I): string;
			/** One call alone, and each call of a failed batch. */
			one(input: I): Promise<O>;
			/** Several calls in one statement, answered in their order. */
			many(inputs: I[]): Promise<O[]>;
			/** The most calls in one statement. */
			max: number;
		},
	) {}

	call(input: I): Promise<O> {
		return new Promise<O>((resolve, reject) => {
			this.pending.push({ input, resolve, reject });
			this.schedule();
		});
	}

	private schedule(): void {
		if (this.scheduled) return;
		this.scheduled = true;
		// setImmediate runs after the poll phase: every answer that arrived in this turn has made its call by then.
		setImmediate(() => {
			this.scheduled = false;
			this.flush();
		});
	}

	private flush(): void {
		const batch: typeof this.pending = [];
		const later: typeof this.pending = [];
		const keys = new Set<string>();
		for (const waiting of this.pending) {
			const key = this.run.key(waiting.input);
			if (keys.has(key) || batch.length >= this.run.max) later.push(waiting);
			else {
				keys.add(key);
				batch.push(waiting);
			}
		}
		this.pending = later;
		if (later.length) this.schedule();
		if (batch.length === 1) {
			this.run.one(batch[0].input).then(batch[0].resolve, batch[0].reject);
			return;
		}
		this.run.many(batch.map((waiting) => waiting.input)).then(
			(outputs) => batch.forEach((waiting, i) => waiting.resolve(outputs[i])),
			() => {
				for (const waiting of batch) this.run.one(waiting.input).then(waiting.resolve, waiting.reject);
			},
		);
	}
}
