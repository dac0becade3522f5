import { ApiError } from '../inbox/api/api-error';

/**
 * Where an outbound message's media comes from, for the send: a URL Evolution fetches itself, or a `mediaId` in
 * the server's media store. The seam the media store plugs into: the server passes StoreMediaSource
 * (media/outbox-media-source.ts, files uploaded with POST /api/v1/media, sent as their bytes); an Outbox built
 * without one (a bare outbox in a benchmark) uses noMediaStore below.
 */
export interface OutboundMedia {
	/** What Evolution gets in `media` / `audio` / `sticker`: an http(s) URL or raw base64 (no data: prefix). */
	media: string;
	mimeType?: string;
	fileName?: string;
}

export interface MediaSource {
	/** Resolves a stored file of this workspace to something Evolution can send; throws ApiError (404/422) otherwise. */
	resolve(workspaceId: string, mediaId: string): Promise<OutboundMedia>;
}

/** An outbox without a media store: every mediaId is refused with a sentence saying what to do instead. */
export const noMediaStore: MediaSource = {
	resolve: async () => {
		throw new ApiError(422, 'media_store_unavailable', 'This server has no media store yet: send the media as a URL (media.url).');
	},
};
