import type { Queryable } from '../db/db';
import { decryptSecret, encryptSecret } from './secret-cipher';
import { generateWebhookSecret, hashWebhookSecret } from './webhook-secret';

/** A channel as the rest of the server sees it: never with its API key or webhook secret. */
export interface Channel {
	id: string;
	workspaceId: string;
	name: string;
	provider: 'evolution' | 'waha';
	instanceName: string;
	baseUrl: string;
	status: string;
	phoneE164: string | null;
	profileName: string | null;
}

export interface NewChannel {
	workspaceId: string;
	name: string;
	provider?: 'evolution' | 'waha';
	instanceName: string;
	baseUrl: string;
	apiKey?: string;
}

const COLUMNS = `id, workspace_id AS "workspaceId", name, provider, instance_name AS "instanceName", base_url AS "baseUrl", status,
	phone_e164 AS "phoneE164", profile_name AS "profileName"`;

/**
 * Creates a channel with a fresh webhook secret, the API key encrypted with the integrations key. The plaintext
 * secret is returned once, to be put in the provider's webhook headers; only its hash and ciphertext are stored.
 */
export async function createChannel(db: Queryable, key: Buffer, input: NewChannel): Promise<{ channel: Channel; webhookSecret: string }> {
	const webhookSecret = generateWebhookSecret();
	const { rows } = await db.query<Channel>(
		`INSERT INTO whatsapp_channels (workspace_id, name, provider, instance_name, base_url, api_key_encrypted, webhook_secret_hash, webhook_secret_encrypted)
		 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${COLUMNS}`,
		[
			input.workspaceId,
			input.name,
			input.provider ?? 'evolution',
			input.instanceName,
			input.baseUrl,
			input.apiKey ? encryptSecret(input.apiKey, key) : null,
			hashWebhookSecret(webhookSecret),
			encryptSecret(webhookSecret, key),
		],
	);
	return { channel: rows[0], webhookSecret };
}

export async function findChannel(db: Queryable, workspaceId: string, channelId: string): Promise<Channel | undefined> {
	const { rows } = await db.query<Channel>(`SELECT ${COLUMNS} FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2`, [workspaceId, channelId]);
	return rows[0];
}

/** The decrypted instance API key, for the upstream clients only. */
export async function readChannelApiKey(db: Queryable, key: Buffer, workspaceId: string, channelId: string): Promise<string | undefined> {
	const { rows } = await db.query<{ sealed: string | null }>(
		'SELECT api_key_encrypted AS sealed FROM whatsapp_channels WHERE workspace_id = $1 AND id = $2',
		[workspaceId, channelId],
	);
	return rows[0]?.sealed ? decryptSecret(rows[0].sealed, key) : undefined;
}
