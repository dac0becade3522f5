import type { Readable } from 'node:stream';

/** An inclusive byte range of a stored file, as HTTP Range requests name them. */
export interface ByteRange {
	start: number;
	end: number;
}

/**
 * Where media bytes live: a folder under DATA_DIR (local-media-store.ts) or a Supabase Storage bucket
 * (supabase-media-store.ts). Keys are chosen by the server (media-key.ts), never by a client.
 */
export interface MediaStore {
	readonly kind: 'local' | 'supabase';
	/** Writes the whole file; a second put of the same key replaces it (captures are retried). */
	put(key: string, bytes: Buffer, contentType: string): Promise<void>;
	/** The file, or the given range of it. */
	read(key: string, range?: ByteRange): Promise<Readable>;
	remove(key: string): Promise<void>;
}

/** The key of a media file in any store: per workspace, by the row's id. */
export function mediaKey(workspaceId: string, mediaId: string): string {
	return `${workspaceId}/${mediaId}`;
}
