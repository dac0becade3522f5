import type { ProviderEvent } from './provider-events';

export type NormaliseResult =
	/** events may be empty: a valid delivery of an event we do not use (answered 200, recorded as ignored). */
	| {
			ok: true;
			event: string;
			events: ProviderEvent[];
			ignored?: string;
			/** A valid delivery that still deserves a log line (a messages.upsert without a message: stored nothing). */
			notice?: string;
	  }
	| { ok: false; event?: string; reason: string };

/** Turns one provider webhook body into provider-neutral events. Never throws: a bad body is a reason. */
export interface ProviderNormaliser {
	readonly provider: 'evolution' | 'waha';
	normalise(body: unknown): NormaliseResult;
}
