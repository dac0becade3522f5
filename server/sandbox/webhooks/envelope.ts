/** The webhook POST body, with Evolution's exact key order. */
export interface EnvelopeInput {
	event: string;
	instance: string;
	data: unknown;
	destination: string;
	dateTime: string;
	sender: string | undefined;
	serverUrl: string;
	apikey: string | null;
	extra?: Record<string, unknown>;
}

/** Key order: [...extra], event, instance, data, destination, date_time, sender, server_url, apikey. */
export function buildEnvelope(input: EnvelopeInput): Record<string, unknown> {
	const envelope: Record<string, unknown> = {
		...(input.extra ?? {}),
		event: input.event,
		instance: input.instance,
		data: input.data,
		destination: input.destination,
		date_time: input.dateTime,
	};
	// JSON.stringify drops an undefined sender; leaving the key out keeps the order identical.
	if (input.sender !== undefined) envelope.sender = input.sender;
	envelope.server_url = input.serverUrl;
	envelope.apikey = input.apikey;
	return envelope;
}

/** Local time rendered with a fake Z: new Date(Date.now() - tzOffset).toISOString(). */
export function fakeZuluNow(timezoneOffsetMinutes: number, nowMs = Date.now()): string {
	return new Date(nowMs - timezoneOffsetMinutes * 60000).toISOString();
}
