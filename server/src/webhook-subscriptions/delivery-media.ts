import type { Queryable } from '../db/db';

/** How long a message event with a file waits for the file to be in the media store before it goes anyway. */
export const MEDIA_WAIT_MS = 30_000;

type Payload = Record<string, unknown> & { data?: { message?: { id?: string; media?: Record<string, unknown> | null } } };

/**
 * A message event is announced when the message is stored, before its file is (captures run in the background). A
 * receiver that wants the file (the n8n trigger's "Download Media") needs `media.id` of a stored file, so the delivery
 * waits for it: `ready` with the payload's media id filled in once the capture has stored (or given up on) the file,
 * `waiting` while it is still being fetched. Events without a file are ready at once.
 */
export async function mediaReadiness(db: Queryable, workspaceId: string, payload: Payload): Promise<{ state: 'ready'; payload: Payload } | { state: 'waiting' }> {
	const message = payload.data?.message;
	if (!message?.id || !message.media) return { state: 'ready', payload };
	const { rows } = await db.query<{ mediaId: string | null; status: string | null }>(
		`SELECT m.media_id AS "mediaId", f.status FROM whatsapp_messages m
		 LEFT JOIN media_files f ON f.workspace_id = m.workspace_id AND f.id = m.media_id
		 WHERE m.workspace_id = $1 AND m.id = $2`,
		[workspaceId, message.id],
	);
	const row = rows[0];
	if (!row) return { state: 'ready', payload };
	if (!row.mediaId || row.status === 'pending') return { state: 'waiting' };
	if (message.media.id === row.mediaId) return { state: 'ready', payload };
	return { state: 'ready', payload: { ...payload, data: { ...payload.data, message: { ...message, media: { ...message.media, id: row.mediaId } } } } };
}
