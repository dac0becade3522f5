import type { RealtimeEvent, RealtimeListener, RealtimePublisher } from './publisher';

/** Delivers events to listeners in this process: the single-replica default, and what tests subscribe to. */
export class InMemoryRealtimePublisher implements RealtimePublisher {
	private readonly listeners = new Set<RealtimeListener>();

	subscribe(listener: RealtimeListener): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	async publish(workspaceId: string, events: RealtimeEvent[]): Promise<void> {
		for (const event of events) {
			for (const listener of this.listeners) {
				// A failing listener must not stop the others or fail the write that already committed.
				try {
					listener(workspaceId, event);
				} catch {
					/* listener errors are the listener's business */
				}
			}
		}
	}
}
