/**
 * Gathers the pages the chat workers fetch into write chunks of about `target` messages, across chats: a chat of the
 * typical size is one page of a few hundred messages, and writing each page alone paid a transaction, its commit and
 * the chat's upserts for every one of them. A chunk is written when it holds `target` messages or when every worker
 * still running is waiting on it (no other page can come: waiting longer would only stall the run). A worker hands
 * over one page at a time and waits for its chunk to be stored (its cursor is stored with it), so the pages of one
 * chat never share a chunk. A page sent `alone` (a retry after its chunk failed) is written by itself, so one bad
 * page fails only its own chat.
 */
export class PageGatherer<P, R> {
	private buffer: Array<{ page: P; resolve: (result: R) => void; reject: (error: unknown) => void }> = [];
	private buffered = 0;
	private workers = 0;
	/** Workers whose page is in the buffer or being written. */
	private waiting = 0;

	constructor(
		private readonly target: number,
		/** Writes a chunk; answers one result per page, in their order. */
		private readonly write: (pages: P[]) => Promise<R[]>,
	) {}

	/** A worker starts handing pages over. */
	join(): void {
		this.workers++;
	}

	/** A worker is done: the pages waiting may be all that is left. */
	leave(): void {
		this.workers--;
		this.flushIfStalled();
	}

	submit(page: P, size: number, alone = false): Promise<R> {
		this.waiting++;
		const settled = new Promise<R>((resolve, reject) => {
			if (alone) {
				this.writeChunk([{ page, resolve, reject }]);
				return;
			}
			this.buffer.push({ page, resolve, reject });
			this.buffered += size;
			if (this.buffered >= this.target) this.flush();
			else this.flushIfStalled();
		});
		return settled.finally(() => {
			this.waiting--;
		});
	}

	private flushIfStalled(): void {
		if (this.buffer.length && this.waiting >= this.workers) this.flush();
	}

	private flush(): void {
		const chunk = this.buffer;
		this.buffer = [];
		this.buffered = 0;
		this.writeChunk(chunk);
	}

	private writeChunk(chunk: Array<{ page: P; resolve: (result: R) => void; reject: (error: unknown) => void }>): void {
		this.write(chunk.map((item) => item.page)).then(
			(results) => chunk.forEach((item, index) => item.resolve(results[index])),
			(error: unknown) => chunk.forEach((item) => item.reject(error)),
		);
	}
}
