import type { MediaForSend } from '../media/media-library';

/** Where a voice note's bytes come from (the media store); undefined while the file is not captured yet. */
export interface MediaReader {
	loadForSend(workspaceId: string, mediaId: string): Promise<MediaForSend | undefined>;
}
