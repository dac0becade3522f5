import { readChannelViews, type ChannelView } from '../../channels/channel-view';
import { encryptSecret } from '../../channels/secret-cipher';
import type { Queryable } from '../../db/db';
import { notFound } from '../api/api-error';

export async function listChannels(db: Queryable, workspaceId: string): Promise<ChannelView[]> {
	return readChannelViews(db, workspaceId);
}

export async function getChannel(db: Queryable, workspaceId: string, channelId: string): Promise<ChannelView> {
	const [view] = await readChannelViews(db, workspaceId, channelId);
	if (!view) throw notFound('Channel');
	return view;
}

export async function editChannel(
	db: Queryable,
	key: Buffer,
	workspaceId: string,
	channelId: string,
	patch: { name?: string; baseUrl?: string; apiKey?: string | null; settings?: Record<string, unknown> },
): Promise<ChannelView> {
	const { rowCount } = await db.query(
		`UPDATE whatsapp_channels SET
			name = coalesce($3, name),
			base_url = coalesce($4, base_url),
			api_key_encrypted = CASE WHEN $5::boolean THEN $6 ELSE api_key_encrypted END,
			settings = CASE WHEN $7::jsonb IS NULL THEN settings ELSE settings || $7::jsonb END,
			updated_at = now()
		 WHERE workspace_id = $1 AND id = $2`,
		[
			workspaceId,
			channelId,
			patch.name ?? null,
			patch.baseUrl ?? null,
			patch.apiKey !== undefined,
			patch.apiKey ? encryptSecret(patch.apiKey, key) : null,
			patch.settings ? JSON.stringify(patch.settings) : null,
		],
	);
	if (rowCount === 0) throw notFound('Channel');
	return getChannel(db, workspaceId, channelId);
}
