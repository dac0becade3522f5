/** Errors of the control API: plain {error, details} bodies, unlike the Evolution envelope. */
export class ControlError extends Error {
	constructor(
		readonly status: number,
		message: string,
		readonly details?: unknown,
	) {
		super(message);
	}

	toBody(): { error: string; details?: unknown } {
		return { error: this.message, details: this.details };
	}
}
