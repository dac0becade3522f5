import { z } from 'zod/v4';
import { decryptSecret, encryptSecret } from '../channels/secret-cipher';
import type { Db, Queryable } from '../db/db';
import { ApiError, notFound } from '../inbox/api/api-error';
import { isoTimestamp } from '../inbox/api/iso-timestamp';
import { agentSettingsSchema, readSettings, SETTINGS_KEYS, type AgentSettings, type CreateAgentInput, type UpdateAgentInput } from './agent-settings';

/**
 * An agent as the API shows it: hasApiKey, never the key. The schema documents the answers in OpenAPI (the web app's
 * types are generated from it), so the settings page reads exactly what the server writes.
 */
export const agentViewSchema = agentSettingsSchema.extend({
	id: z.uuid(),
	name: z.string(),
	enabled: z.boolean(),
	baseUrl: z.string().nullable(),
	hasApiKey: z.boolean().describe('Whether a key is stored (the key itself is never returned).'),
	model: z.string(),
	maxTokens: z.number().int(),
	temperature: z.number(),
	channelIds: z.array(z.uuid()),
	createdAt: z.string(),
	updatedAt: z.string(),
});
export type AgentView = z.infer<typeof agentViewSchema>;

/** What the reply worker needs: the view plus the key, decrypted only here. */
export interface RunnableAgent extends AgentView {
	apiKey: string | null;
}

const COLUMNS = `a.id, a.name, a.enabled, a.base_url AS "baseUrl", a.api_key_encrypted AS "sealedKey", a.model, a.max_tokens AS "maxTokens",
	a.temperature, a.settings, ${isoTimestamp('a.created_at')} AS "createdAt", ${isoTimestamp('a.updated_at')} AS "updatedAt",
	coalesce((SELECT array_agg(ch.id::text ORDER BY ch.created_at) FROM whatsapp_channels ch WHERE ch.workspace_id = a.workspace_id AND ch.ai_agent_id = a.id), ARRAY[]::text[]) AS "channelIds"`;

interface AgentRow {
	id: string;
	name: string;
	enabled: boolean;
	baseUrl: string | null;
	sealedKey: string | null;
	model: string;
	maxTokens: number;
	temperature: number;
	settings: unknown;
	createdAt: string;
	updatedAt: string;
	channelIds: string[];
}

function view(row: AgentRow): AgentView {
	const { sealedKey, settings, ...rest } = row;
	return { ...rest, temperature: Number(rest.temperature), hasApiKey: sealedKey !== null, ...readSettings(settings) };
}

function settingsOf(input: Partial<AgentSettings>): Partial<AgentSettings> {
	const out: Record<string, unknown> = {};
	for (const key of SETTINGS_KEYS) if (input[key] !== undefined) out[key] = input[key];
	return out as Partial<AgentSettings>;
}

/** Points the given channels at the agent (taking them from any other agent) and releases the ones no longer listed. */
async function linkChannels(tx: Queryable, workspaceId: string, agentId: string, channelIds: string[]): Promise<void> {
	if (channelIds.length) {
		const { rows } = await tx.query<{ id: string }>('SELECT id FROM whatsapp_channels WHERE workspace_id = $1 AND id = ANY($2::uuid[])', [workspaceId, channelIds]);
		const known = new Set(rows.map((r) => r.id));
		const missing = channelIds.filter((id) => !known.has(id));
		if (missing.length) throw new ApiError(404, 'not_found', `${missing.length === 1 ? 'A channel' : `${missing.length} channels`} of channelIds not found in your workspace.`);
	}
	await tx.query('UPDATE whatsapp_channels SET ai_agent_id = NULL WHERE workspace_id = $1 AND ai_agent_id = $2 AND NOT (id = ANY($3::uuid[]))', [workspaceId, agentId, channelIds]);
	await tx.query('UPDATE whatsapp_channels SET ai_agent_id = $2 WHERE workspace_id = $1 AND id = ANY($3::uuid[])', [workspaceId, agentId, channelIds]);
}

export async function listAgents(db: Queryable, workspaceId: string): Promise<AgentView[]> {
	const { rows } = await db.query<AgentRow>(`SELECT ${COLUMNS} FROM ai_agents a WHERE a.workspace_id = $1 ORDER BY a.created_at, a.id`, [workspaceId]);
	return rows.map(view);
}

export async function findAgent(db: Queryable, workspaceId: string, agentId: string): Promise<AgentView | undefined> {
	const { rows } = await db.query<AgentRow>(`SELECT ${COLUMNS} FROM ai_agents a WHERE a.workspace_id = $1 AND a.id = $2`, [workspaceId, agentId]);
	return rows[0] ? view(rows[0]) : undefined;
}

export async function createAgent(db: Db, key: Buffer, workspaceId: string, input: CreateAgentInput): Promise<AgentView> {
	return db.transaction(async (tx) => {
		const { rows } = await tx.query<{ id: string }>(
			`INSERT INTO ai_agents (workspace_id, name, enabled, base_url, api_key_encrypted, model, max_tokens, temperature, settings)
			 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING id`,
			[
				workspaceId,
				input.name,
				input.enabled,
				input.baseUrl ?? null,
				input.apiKey ? encryptSecret(input.apiKey, key) : null,
				input.model,
				input.maxTokens,
				input.temperature,
				JSON.stringify(settingsOf(input)),
			],
		);
		await linkChannels(tx, workspaceId, rows[0].id, input.channelIds);
		return (await findAgent(tx, workspaceId, rows[0].id))!;
	});
}

export async function updateAgent(db: Db, key: Buffer, workspaceId: string, agentId: string, input: UpdateAgentInput): Promise<AgentView> {
	return db.transaction(async (tx) => {
		const { rows } = await tx.query<{ settings: unknown }>('SELECT settings FROM ai_agents WHERE workspace_id = $1 AND id = $2 FOR UPDATE', [workspaceId, agentId]);
		if (!rows[0]) throw notFound('AI agent');
		const settings = { ...readSettings(rows[0].settings), ...settingsOf(input) };
		await tx.query(
			`UPDATE ai_agents SET
				name = coalesce($3, name), enabled = coalesce($4, enabled),
				base_url = CASE WHEN $5::boolean THEN $6 ELSE base_url END,
				api_key_encrypted = CASE WHEN $7::boolean THEN $8 ELSE api_key_encrypted END,
				model = coalesce($9, model), max_tokens = coalesce($10, max_tokens), temperature = coalesce($11, temperature),
				settings = $12::jsonb, updated_at = now()
			 WHERE workspace_id = $1 AND id = $2`,
			[
				workspaceId,
				agentId,
				input.name ?? null,
				input.enabled ?? null,
				input.baseUrl !== undefined,
				input.baseUrl ?? null,
				input.apiKey !== undefined,
				input.apiKey ? encryptSecret(input.apiKey, key) : null,
				input.model ?? null,
				input.maxTokens ?? null,
				input.temperature ?? null,
				JSON.stringify(settings),
			],
		);
		if (input.channelIds) await linkChannels(tx, workspaceId, agentId, input.channelIds);
		return (await findAgent(tx, workspaceId, agentId))!;
	});
}

export async function deleteAgent(db: Queryable, workspaceId: string, agentId: string): Promise<void> {
	const { rowCount } = await db.query('DELETE FROM ai_agents WHERE workspace_id = $1 AND id = $2', [workspaceId, agentId]);
	if (!rowCount) throw notFound('AI agent');
}

/** The enabled agent answering a channel, with its key, or undefined. */
export async function agentForChannel(db: Queryable, key: Buffer, workspaceId: string, channelId: string): Promise<RunnableAgent | undefined> {
	const { rows } = await db.query<AgentRow>(
		`SELECT ${COLUMNS} FROM ai_agents a JOIN whatsapp_channels ch ON ch.ai_agent_id = a.id AND ch.workspace_id = a.workspace_id
		 WHERE a.workspace_id = $1 AND ch.id = $2 AND a.enabled`,
		[workspaceId, channelId],
	);
	const row = rows[0];
	if (!row) return undefined;
	return { ...view(row), apiKey: row.sealedKey ? decryptSecret(row.sealedKey, key) : null };
}
