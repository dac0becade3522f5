import { z } from 'zod/v4';
import { isTimeZone } from '../infra/time-zone';

/** Weekdays as business hours name them (the agent's time zone decides which one "now" is). */
export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time of day as HH:MM (00:00–24:00)');

function validRegex(source: string): boolean {
	try {
		new RegExp(source, 'iu');
		return true;
	} catch {
		return false;
	}
}

export const businessHoursSchema = z
	.object({
		timeZone: z.string().max(64).refine(isTimeZone, 'an IANA time zone such as America/Sao_Paulo'),
		days: z
			.partialRecord(z.enum(WEEKDAYS), z.array(z.object({ from: clock, to: clock })).max(6))
			.describe('Open intervals per weekday (sun … sat); a day left out is closed.'),
	})
	.describe('When attendants work; outside these hours the AI does not answer and the away message goes out once per conversation.');

export const triggerSchema = z
	.object({
		type: z.enum(['all', 'keyword']).default('all').describe('all: every customer message; keyword: the AI takes a conversation once a message matches.'),
		operator: z.enum(['equals', 'contains', 'starts_with', 'regex']).default('contains'),
		value: z.string().max(500).optional(),
	})
	.refine((t) => t.type === 'all' || !!t.value?.trim(), { message: 'a keyword trigger needs a value' })
	.refine((t) => t.type === 'all' || t.operator !== 'regex' || validRegex(t.value ?? ''), { message: 'the regex does not compile' });

/** Everything of an agent beyond the provider columns, kept as one JSON document (defaults filled in). */
export const agentSettingsSchema = z.object({
	systemPrompt: z.string().max(20_000).default('').describe('The instructions; {{contact.name}}, {{channel.name}} and {{now}} are filled in.'),
	knowledge: z
		.array(z.object({ title: z.string().max(200).optional(), text: z.string().min(1).max(10_000) }))
		.max(50)
		.default([])
		.describe('Snippets appended to the system prompt (prices, addresses, policies).'),
	contextMessages: z.number().int().min(0).max(100).default(20).describe('How many recent messages of the conversation the model sees.'),
	trigger: triggerSchema.default({ type: 'all', operator: 'contains' }),
	ignoreGroups: z.boolean().default(true),
	ignoreChats: z.array(z.string().trim().min(3).max(128)).max(1000).default([]).describe('Chats the AI never answers: JIDs or phone numbers.'),
	debounceMs: z.number().int().min(0).max(120_000).default(3_000).describe('A burst of customer messages becomes one call; the wait restarts on each message.'),
	finishKeyword: z.string().trim().max(100).nullable().default(null).describe('A customer message equal to it turns the AI off for the conversation.'),
	handOffKeywords: z.array(z.string().trim().min(1).max(100)).max(50).default(['atendente', 'humano']),
	handOffTool: z.boolean().default(true).describe('Offer the model a hand_off(reason) tool (turn off for models without tool calls).'),
	handOffMessage: z.string().max(1000).nullable().default('Vou chamar um atendente para continuar. Um momento, por favor.').describe('Sent to the customer on a hand-off (null: none).'),
	splitMessages: z.boolean().default(true).describe('Send a reply as several messages, split on blank lines.'),
	timePerCharMs: z.number().int().min(0).max(1000).default(50).describe('Typing time per character before each part, clamped to 1–20 s.'),
	businessHours: businessHoursSchema.nullable().default(null),
	awayMessage: z.string().max(2000).nullable().default(null).describe('Sent once per conversation outside business hours.'),
	idleResumeMinutes: z.number().positive().max(7 * 24 * 60).nullable().default(null).describe('Resume a paused or handed-off conversation after this long with no attendant activity (null: only when given back).'),
	transcribeAudio: z.boolean().default(false).describe('Transcribe voice notes before replying; the transcript is stored on the message.'),
	transcriptionModel: z.string().max(100).default('whisper-1'),
	maxAttempts: z.number().int().min(1).max(10).default(3).describe('Model calls per burst before handing off (errors, timeouts, rate limits).'),
	retryBackoffMs: z.number().int().min(10).max(600_000).default(2_000).describe('First wait before another try; doubles each time.'),
	requestTimeoutMs: z.number().int().min(100).max(300_000).default(30_000),
});

export type AgentSettings = z.infer<typeof agentSettingsSchema>;

const providerFields = {
	name: z.string().trim().min(1).max(200),
	enabled: z.boolean(),
	baseUrl: z
		.string()
		.trim()
		.max(2000)
		.regex(/^https?:\/\//i, 'an http(s) URL, e.g. https://api.openai.com/v1 or http://localhost:11434/v1')
		.nullable()
		.describe('An OpenAI-compatible endpoint (local models, OpenRouter, Azure); null: OpenAI.'),
	apiKey: z.string().min(1).max(500).nullable().describe('Write-only: stored encrypted, never returned (hasApiKey says whether one is set); null removes it.'),
	model: z.string().trim().min(1).max(200),
	maxTokens: z.number().int().min(1).max(32_000),
	temperature: z.number().min(0).max(2),
	channelIds: z.array(z.uuid()).max(500).describe('The channels this agent answers (a channel has at most one agent).'),
};

const settingsFields = agentSettingsSchema.shape;

export const createAgentSchema = z.object({
	...providerFields,
	enabled: providerFields.enabled.default(true),
	baseUrl: providerFields.baseUrl.optional(),
	apiKey: providerFields.apiKey.optional(),
	maxTokens: providerFields.maxTokens.default(500),
	temperature: providerFields.temperature.default(0.7),
	channelIds: providerFields.channelIds.default([]),
	...settingsFields,
});

export const updateAgentSchema = z
	.object({
		...Object.fromEntries(Object.entries(providerFields).map(([k, v]) => [k, v.optional()])),
		...Object.fromEntries(Object.entries(settingsFields).map(([k, v]) => [k, (v as z.ZodDefault<z.ZodType>).unwrap().optional()])),
	})
	.describe('Only the fields given change.') as unknown as z.ZodType<Partial<z.infer<typeof createAgentSchema>>>;

export type CreateAgentInput = z.infer<typeof createAgentSchema>;
export type UpdateAgentInput = Partial<CreateAgentInput>;

export const SETTINGS_KEYS = Object.keys(settingsFields) as Array<keyof AgentSettings>;

/** The stored document read back with today's defaults for anything it lacks. */
export function readSettings(stored: unknown): AgentSettings {
	const parsed = agentSettingsSchema.safeParse(stored ?? {});
	return parsed.success ? parsed.data : agentSettingsSchema.parse({});
}
