import { ApiError, notFound } from '../inbox/api/api-error';
import type { MediaSource, OutboundMedia } from '../outbox/media-source';
import type { MediaLibrary } from './media-library';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The outbox's media source backed by the media store: a `mediaId` of the sender's workspace becomes the file's
 * bytes (raw base64, as Evolution's sendMedia takes them) with its type and name. Another workspace's id is as
 * unknown as a missing one (404); a file whose bytes are not in yet is refused (422) rather than sent empty.
 */
export class StoreMediaSource implements MediaSource {
	constructor(private readonly library: MediaLibrary) {}

	async resolve(workspaceId: string, mediaId: string): Promise<OutboundMedia> {
		if (!UUID.test(mediaId)) throw notFound('Media file');
		const file = await this.library.find(workspaceId, mediaId);
		if (!file) throw notFound('Media file');
		if (file.status !== 'stored') {
			throw new ApiError(422, 'media_not_ready', `Media file ${mediaId} has no bytes yet (${file.status}); wait for it or upload it again.`);
		}
		const loaded = await this.library.loadForSend(workspaceId, mediaId);
		if (!loaded) throw notFound('Media file');
		return { media: loaded.bytes.toString('base64'), mimeType: loaded.contentType, fileName: loaded.fileName ?? undefined };
	}
}
