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
): Promise<{ channel: ChannelView; replanned: string[] }> {
	// New pacing settings (settings.outbox) re-plan the channel's queued proactive sends: a plan (expectedSendAt) is the
	// time the worker sends at (outbox/pacing.ts), made under the settings of its day. Without it the worker plans each
	// again from the new rules when it next looks, and tells the new time; the caller has the ones never tried looked at
	// at once (`replanned`, Outbox.replan).
	const { rows } = await db.query<{ id: string; replanned: string[] }>(
		`WITH channel AS (
			UPDATE whatsapp_channels SET
				name = coalesce($3, name),
				base_url = coalesce($4, base_url),
				api_key_encrypted = CASE WHEN $5::boolean THEN $6 ELSE api_key_encrypted END,
				settings = CASE WHEN $7::jsonb IS NULL THEN settings ELSE settings || $7::jsonb END,
				updated_at = now()
			 WHERE workspace_id = $1 AND id = $2
			 RETURNING id
		 ),
		 replanned AS (
			UPDATE whatsapp_messages m SET expected_send_at = NULL, updated_at = now()
			 FROM channel WHERE $8::boolean AND m.workspace_id = $1 AND m.channel_id = channel.id AND m.status = 'queued' AND m.origin = 'proactive'
			 AND m.expected_send_at IS NOT NULL
			 RETURNING m.id, m.attempts, m.thread_seq
		 )
		 -- In the order they were accepted, which is the order they are looked at again (and sent) in.
		 SELECT id, ARRAY(SELECT r.id FROM replanned r WHERE r.attempts = 0 ORDER BY r.thread_seq) AS replanned FROM channel`,
		[
			workspaceId,
			channelId,
			patch.name ?? null,
			patch.baseUrl ?? null,
			patch.apiKey !== undefined,
			patch.apiKey ? encryptSecret(patch.apiKey, key) : null,
			patch.settings ? JSON.stringify(patch.settings) : null,
			patch.settings?.outbox !== undefined,
		],
	);
	if (rows.length === 0) throw notFound('Channel');
	return { channel: await getChannel(db, workspaceId, channelId), replanned: rows[0].replanned };
}
