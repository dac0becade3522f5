/**
 * Reads Evolution's error answers and says what happened in a sentence a person understands.
 *
 * Evolution renders exceptions as `{status, error, response:{message}}`, where `message` is a
 * string, a string[], a string[][] (JSON-schema failures), an object[] (group validation or a
 * number that is not on WhatsApp). A few routes answer differently (`/instance/connect` and
 * `/instance/restart` return HTTP 200 `{error:true,message}`; `/chat/whatsappNumbers` returns the
 * raw thrown object). All of them go through here.
 */

export interface EvolutionErrorContext {
	status: number;
	body: unknown;
	method: string;
	path: string;
	instanceName?: string;
}

export interface ExplainedError {
	message: string;
	description: string;
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `message` of the envelope, whatever route produced it. */
function envelopeMessage(body: unknown): unknown {
	if (!isRecord(body)) return body;
	if (isRecord(body.response) && 'message' in body.response) return body.response.message;
	if ('message' in body) return body.message;
	if ('error' in body) return body.error;
	return undefined;
}

/** Flattens any of Evolution's message shapes into readable lines. */
export function evolutionMessageLines(body: unknown): string[] {
	const lines: string[] = [];
	const visit = (value: unknown): void => {
		if (value === undefined || value === null) return;
		if (typeof value === 'string') {
			if (value.trim() !== '') lines.push(value.trim());
			return;
		}
		if (Array.isArray(value)) {
			value.forEach(visit);
			return;
		}
		if (isRecord(value)) {
			if (typeof value.property === 'string' && typeof value.message === 'string') {
				lines.push(`${value.property}: ${value.message}`);
				return;
			}
			if ('exists' in value && value.exists === false) {
				lines.push(`${String(value.number ?? value.jid)} is not on WhatsApp`);
				return;
			}
			if (typeof value.message === 'string') {
				lines.push(value.message);
				return;
			}
			lines.push(JSON.stringify(value));
			return;
		}
		lines.push(String(value));
	};
	visit(envelopeMessage(body));
	return lines;
}

function numbersNotOnWhatsApp(body: unknown): string[] {
	const message = envelopeMessage(body);
	if (!Array.isArray(message)) return [];
	return message
		.filter((entry): entry is Json => isRecord(entry) && entry.exists === false)
		.map((entry) => String(entry.number ?? entry.jid ?? '').replace(/@.*$/, ''));
}

function rawBody(body: unknown): string {
	if (body === undefined || body === null || body === '') return '(empty body)';
	return typeof body === 'string' ? body : JSON.stringify(body);
}

/** Whether the failure comes from a WhatsApp socket that is not open (Evolution does not say so itself). */
function looksDisconnected(lines: string[]): boolean {
	return lines.some(
		(line) =>
			/instance is not connected/i.test(line) ||
			/Connection Closed/i.test(line) ||
			/reading '(onWhatsApp|sendPresenceUpdate|sendMessage|groupMetadata|user)'/.test(line),
	);
}

export function explainEvolutionError(context: EvolutionErrorContext): ExplainedError {
	const { status, body, method, path } = context;
	const instance = context.instanceName;
	const lines = evolutionMessageLines(body);
	const detail = lines.join('; ');
	const raw = `${method} ${path} answered HTTP ${status}: ${rawBody(body)}`;

	const missingNumbers = numbersNotOnWhatsApp(body);
	if (missingNumbers.length > 0) {
		const list = missingNumbers.join(', ');
		return {
			message:
				missingNumbers.length === 1
					? `Number ${list} is not on WhatsApp`
					: `Numbers ${list} are not on WhatsApp`,
			description: `Check the number (country code first, e.g. 5511987654321). ${raw}`,
		};
	}

	if (status === 401) {
		return {
			message: 'Unauthorized: check the API key',
			description: `Use the server's global API key, or the token of instance "${instance ?? ''}" (an instance token only works for its own instance; creating instances needs the global key). ${raw}`,
		};
	}

	const missingInstance = lines.find((line) => /instance does not exist|not found/i.test(line) && /"/.test(line));
	if (status === 404 && missingInstance) {
		const name = /"([^"]*)"/.exec(missingInstance)?.[1] ?? instance ?? '';
		return {
			message: `Instance "${name}" does not exist`,
			description: `Pick an instance from the list or create it first (Instance → Create). ${raw}`,
		};
	}

	if (status === 404) {
		return {
			message: `The server has no route ${method} ${path}`,
			description: `Check that the Base URL points to an Evolution API 2.x server. ${raw}`,
		};
	}

	if (status === 403 && lines.some((line) => /already in use/i.test(line))) {
		const name = /"([^"]*)"/.exec(detail)?.[1] ?? instance ?? '';
		return {
			message: `Instance name "${name}" is already in use`,
			description: `Choose another name or delete the existing instance first. ${raw}`,
		};
	}

	if (looksDisconnected(lines) || (/\/instance\/restart\//.test(path) && detail === '[object Object]')) {
		return {
			message: `Instance "${instance ?? ''}" is not connected`,
			description: `Connect it first (Instance → Connect) and scan the QR code with WhatsApp. ${raw}`,
		};
	}

	const summary = detail === '' ? `HTTP ${status}` : detail;
	if (status >= 500) {
		return { message: `The Evolution API failed: ${summary}`, description: raw };
	}
	if (status === 400) {
		return { message: `Evolution rejected the request: ${summary}`, description: raw };
	}
	return { message: `Evolution API error: ${summary}`, description: raw };
}
