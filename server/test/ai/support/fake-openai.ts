import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the loopback model does with one chat request. */
export interface Behaviour {
	/** The assistant's text (default "Olá! Como posso ajudar?"). */
	reply?: string;
	/** Answer this HTTP status with an OpenAI error envelope instead. */
	status?: number;
	/** Wait this long before answering (the client's timeout may fire first). */
	delayMs?: number;
	/** Call the hand_off tool with this reason. */
	handOff?: string;
}

export interface RecordedRequest {
	path: string;
	authorization: string | undefined;
	body: any;
	/** Multipart uploads (transcriptions): the raw size and the text of the form. */
	raw?: string;
}

/**
 * A loopback OpenAI-compatible server (chat completions and audio transcriptions) started by the test: it records
 * every request and answers as `respond` decides, so a test checks what the server asked the model and makes the
 * model fail, be slow, or hand off. No network.
 */
export class FakeOpenAi {
	readonly requests: RecordedRequest[] = [];
	respond: (body: any) => Behaviour = () => ({});
	transcript = 'quero marcar uma consulta amanhã';

	private constructor(
		private readonly server: Server,
		readonly url: string,
	) {}

	static async start(): Promise<FakeOpenAi> {
		const handler: { fake?: FakeOpenAi } = {};
		const server = createServer((request, response) => void handler.fake!.handle(request, response));
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		handler.fake = new FakeOpenAi(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
		return handler.fake;
	}

	/** Chat requests whose messages mention `text` anywhere. */
	chatsMentioning(text: string): RecordedRequest[] {
		return this.requests.filter((r) => r.path.endsWith('/chat/completions') && JSON.stringify(r.body.messages).includes(text));
	}

	private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
		const chunks: Buffer[] = [];
		for await (const chunk of request) chunks.push(chunk as Buffer);
		const raw = Buffer.concat(chunks);
		const path = request.url ?? '';
		if (path.endsWith('/audio/transcriptions')) {
			this.requests.push({ path, authorization: request.headers.authorization, body: null, raw: raw.toString('latin1') });
			return json(response, 200, { text: this.transcript });
		}
		if (!path.endsWith('/chat/completions')) return json(response, 404, { error: { message: 'not found' } });
		const body = JSON.parse(raw.toString('utf8'));
		this.requests.push({ path, authorization: request.headers.authorization, body });
		const behaviour = this.respond(body);
		if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
		if (response.destroyed) return;
		if (behaviour.status) return json(response, behaviour.status, { error: { message: `fake failure ${behaviour.status}`, type: 'server_error', code: null } });
		const message = behaviour.handOff
			? { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'hand_off', arguments: JSON.stringify({ reason: behaviour.handOff }) } }] }
			: { role: 'assistant', content: behaviour.reply ?? 'Olá! Como posso ajudar?' };
		json(response, 200, {
			id: `chatcmpl-${this.requests.length}`,
			object: 'chat.completion',
			created: Math.floor(Date.now() / 1000),
			model: body.model,
			choices: [{ index: 0, message, finish_reason: behaviour.handOff ? 'tool_calls' : 'stop' }],
			usage: { prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 },
		});
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise<void>((resolve) => this.server.close(() => resolve()));
	}
}

function json(response: ServerResponse, status: number, body: unknown): void {
	response.writeHead(status, { 'content-type': 'application/json' });
	response.end(JSON.stringify(body));
}
