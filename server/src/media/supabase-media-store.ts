import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { SupabaseClient } from '@supabase/supabase-js';
import type { ByteRange, MediaStore } from './media-store';

export interface SupabaseStoreSettings {
	/** The project URL (SUPABASE_URL) and the service-role key: the bucket is private, only the server reads it. */
	url: string;
	serviceRoleKey: string;
	bucket: string;
}

/** Supabase answers "already exists" to a second createBucket: 409 on current Storage, 400 with that message on older. */
function alreadyExists(error: { message?: string; statusCode?: string | number; status?: number } | null): boolean {
	if (!error) return false;
	const status = Number(error.statusCode ?? error.status);
	return status === 409 || /already exists/i.test(error.message ?? '');
}

/**
 * Media bytes in a private Supabase Storage bucket (when the server runs with SUPABASE_URL): uploads and removals
 * through supabase-js; reads through Storage's authenticated object route directly, because supabase-js cannot ask
 * for a byte range and the inbox's audio and video players do. The bucket is created (private) on first use.
 */
export class SupabaseMediaStore implements MediaStore {
	readonly kind = 'supabase';
	private bucketReady?: Promise<void>;

	constructor(
		private readonly client: SupabaseClient,
		private readonly settings: SupabaseStoreSettings,
	) {}

	async put(key: string, bytes: Buffer, contentType: string): Promise<void> {
		await this.ensureBucket();
		const { error } = await this.client.storage.from(this.settings.bucket).upload(key, bytes, { contentType, upsert: true });
		if (error) throw new Error(`Supabase Storage refused the upload: ${error.message}`);
	}

	async read(key: string, range?: ByteRange): Promise<Readable> {
		const response = await fetch(`${this.settings.url}/storage/v1/object/authenticated/${encodeURIComponent(this.settings.bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`, {
			headers: {
				authorization: `Bearer ${this.settings.serviceRoleKey}`,
				apikey: this.settings.serviceRoleKey,
				...(range ? { range: `bytes=${range.start}-${range.end}` } : {}),
			},
		});
		if (!response.ok || !response.body) {
			await response.body?.cancel();
			// Same shape as a missing local file, so the route answers 404 the same way.
			throw Object.assign(new Error(`Supabase Storage answered ${response.status} for the file`), { code: response.status === 404 || response.status === 400 ? 'ENOENT' : 'EIO' });
		}
		return Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
	}

	async remove(key: string): Promise<void> {
		const { error } = await this.client.storage.from(this.settings.bucket).remove([key]);
		if (error) throw new Error(`Supabase Storage refused the removal: ${error.message}`);
	}

	private ensureBucket(): Promise<void> {
		this.bucketReady ??= (async () => {
			const { error } = await this.client.storage.createBucket(this.settings.bucket, { public: false });
			if (error && !alreadyExists(error as { message?: string; statusCode?: string })) throw new Error(`Supabase Storage bucket ${this.settings.bucket}: ${error.message}`);
		})().catch((error: unknown) => {
			this.bucketReady = undefined;
			throw error;
		});
		return this.bucketReady;
	}
}
