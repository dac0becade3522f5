import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import OpenAI, { toFile } from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import type { RunnableAgent } from './agent-store';

/** What one model call answered: a text, or the model's own hand-off (the hand_off tool), and its cost. */
export interface ModelAnswer {
	text: string | null;
	handOff: { reason: string } | null;
	model: string;
	tokensIn: number;
	tokensOut: number;
	latencyMs: number;
}

/** A failed call, in words an attendant can act on (never the key, never the request). */
export class ModelError extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

export const HAND_OFF_TOOL: ChatCompletionTool = {
	type: 'function',
	function: {
		name: 'hand_off',
		description: 'Hand the conversation to a human attendant: the customer asks for a person, or you cannot help. Say why.',
		parameters: { type: 'object', properties: { reason: { type: 'string', description: 'Why a person should take over.' } }, required: ['reason'] },
	},
};

// Node's own keep-alive agents rather than the SDK's default (agentkeepalive with a 5-minute socket timeout): on that
// timeout it destroys a socket with an error that, on a socket no request listens on any more, is an unhandled
// 'error' event — which ends the process (seen in the test suite five minutes after an AI test).
const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

/** The SDK client for an agent: its base URL (OpenAI when unset) and key; our own retries, so the SDK makes none. */
export function modelClient(agent: Pick<RunnableAgent, 'apiKey' | 'baseUrl' | 'requestTimeoutMs'>): OpenAI {
	const plainHttp = (agent.baseUrl ?? '').toLowerCase().startsWith('http:');
	// Local OpenAI-compatible servers often want no key; the SDK insists on one, so a placeholder goes.
	return new OpenAI({
		apiKey: agent.apiKey ?? 'not-set',
		baseURL: agent.baseUrl ?? undefined,
		timeout: agent.requestTimeoutMs,
		maxRetries: 0,
		httpAgent: plainHttp ? httpAgent : httpsAgent,
	});
}

function modelError(error: unknown): ModelError {
	if (error instanceof OpenAI.APIConnectionTimeoutError) return new ModelError('timeout', 'the AI provider did not answer in time');
	if (error instanceof OpenAI.RateLimitError) return new ModelError('rate_limited', 'the AI provider is rate limiting us (429)');
	if (error instanceof OpenAI.AuthenticationError) return new ModelError('unauthorized', 'the AI provider refused the API key (401)');
	if (error instanceof OpenAI.APIConnectionError) return new ModelError('unreachable', 'the AI provider could not be reached');
	if (error instanceof OpenAI.APIError) return new ModelError(`http_${error.status ?? 'error'}`, `the AI provider answered ${error.status ?? 'an error'}`);
	return new ModelError('error', `the AI call failed (${(error as Error).name ?? 'error'})`);
}

export async function completeChat(agent: RunnableAgent, messages: ChatCompletionMessageParam[]): Promise<ModelAnswer> {
	const client = modelClient(agent);
	const started = Date.now();
	let completion: OpenAI.Chat.Completions.ChatCompletion;
	try {
		completion = await client.chat.completions.create({
			model: agent.model,
			messages,
			max_tokens: agent.maxTokens,
			temperature: agent.temperature,
			...(agent.handOffTool ? { tools: [HAND_OFF_TOOL], tool_choice: 'auto' as const } : {}),
		});
	} catch (error) {
		throw modelError(error);
	}
	const choice = completion.choices?.[0];
	if (!choice) throw new ModelError('empty', 'the AI provider answered without a choice');
	const call = choice.message.tool_calls?.find((c) => c.type === 'function' && c.function.name === 'hand_off');
	let handOff: ModelAnswer['handOff'] = null;
	if (call) {
		let reason = 'the AI asked for a person';
		try {
			const args = JSON.parse(call.function.arguments || '{}') as { reason?: unknown };
			if (typeof args.reason === 'string' && args.reason.trim()) reason = args.reason.trim().slice(0, 500);
		} catch {
			// Arguments that are not JSON still hand off, with the generic reason.
		}
		handOff = { reason };
	}
	const text = typeof choice.message.content === 'string' ? choice.message.content.trim() : '';
	if (!handOff && !text) throw new ModelError('empty', 'the AI provider answered an empty reply');
	return {
		text: text || null,
		handOff,
		model: completion.model || agent.model,
		tokensIn: completion.usage?.prompt_tokens ?? 0,
		tokensOut: completion.usage?.completion_tokens ?? 0,
		latencyMs: Date.now() - started,
	};
}

/** A voice note as text, through the provider's audio transcription endpoint. */
export async function transcribe(agent: RunnableAgent, audio: { bytes: Buffer; contentType: string; fileName: string | null }): Promise<string> {
	const client = modelClient(agent);
	try {
		const file = await toFile(audio.bytes, audio.fileName ?? 'voice-note.ogg', { type: audio.contentType });
		const result = await client.audio.transcriptions.create({ file, model: agent.transcriptionModel });
		return result.text.trim();
	} catch (error) {
		throw modelError(error);
	}
}
