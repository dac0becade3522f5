import { join } from 'node:path';
import type { Runtime } from '../runtime/start-runtime';
import { InlineMediaCapture } from './inline-media-capture';
import { LocalMediaStore } from './local-media-store';
import { MediaCapture } from './media-capture';
import { MediaFetchJobs } from './media-fetch-jobs';
import { MediaLibrary } from './media-library';
import type { MediaStore } from './media-store';
import { SupabaseMediaStore } from './supabase-media-store';
import { createSupabaseServiceClient } from '../supabase/supabase-client';

export const DEFAULT_MEDIA_SETTINGS = {
	maxUploadBytes: 64 * 1024 * 1024,
	maxInboundBytes: 100 * 1024 * 1024,
	bucket: 'whatsapp-media',
	captureWindowMs: 24 * 3_600_000,
	fetchRetryMs: 5_000,
	sweepIntervalMs: 2_000,
	fetchGraceMs: 3_000,
};

/** The configured store: a private Supabase Storage bucket when the server runs with Supabase, else a folder under DATA_DIR (DATA_DIR/media). */
export function createMediaStore(runtime: Pick<Runtime, 'config'>): MediaStore {
	const { supabase } = runtime.config;
	if (supabase) {
		const bucket = runtime.config.media?.bucket ?? DEFAULT_MEDIA_SETTINGS.bucket;
		return new SupabaseMediaStore(createSupabaseServiceClient(supabase), { url: supabase.url, serviceRoleKey: supabase.serviceRoleKey, bucket });
	}
	return new LocalMediaStore(join(runtime.config.dataDir, 'media'));
}

export function createMediaLibrary(runtime: Pick<Runtime, 'config' | 'db' | 'logger'>): MediaLibrary {
	const settings = { ...DEFAULT_MEDIA_SETTINGS, ...runtime.config.media };
	return new MediaLibrary({
		db: runtime.db,
		store: createMediaStore(runtime),
		logger: runtime.logger,
		limits: { maxUploadBytes: settings.maxUploadBytes, maxInboundBytes: settings.maxInboundBytes },
	});
}

/** The inbound half: the webhook-base64 hand-off for ingest and the background fetch (BullMQ), sharing one capture. */
export function createMediaInbound(
	runtime: Pick<Runtime, 'config' | 'db' | 'logger' | 'redis' | 'integrationsKey' | 'evolution'>,
	library: MediaLibrary,
	metrics?: { mediaCaptured(via: 'webhook' | 'fetch', outcome: string): void },
): { inline: InlineMediaCapture; fetch: MediaFetchJobs } {
	const settings = { ...DEFAULT_MEDIA_SETTINGS, ...runtime.config.media };
	const capture = new MediaCapture({ db: runtime.db, store: library.store, logger: runtime.logger, maxInboundBytes: settings.maxInboundBytes });
	// 64 MB of base64 waiting for the disk at most; beyond it files are left to the fetch.
	const inline = new InlineMediaCapture({ db: runtime.db, capture, logger: runtime.logger, maxBufferedBytes: 64 * 1024 * 1024,
		counters: { onOutcome: (outcome) => metrics?.mediaCaptured('webhook', outcome) },
	});
	const fetch = new MediaFetchJobs(
		runtime.redis.url,
		{
			db: runtime.db,
			capture,
			logger: runtime.logger,
			integrationsKey: runtime.integrationsKey,
			defaultApiKey: runtime.evolution.apiKey,
			onOutcome: (outcome) => metrics?.mediaCaptured('fetch', outcome),
		},
		{
			prefix: runtime.config.queuePrefix,
			attempts: 5,
			retryMs: settings.fetchRetryMs,
			sweepIntervalMs: settings.sweepIntervalMs,
			windowMs: settings.captureWindowMs,
			graceMs: settings.fetchGraceMs,
			leaseMs: Math.max(10 * 60_000, settings.fetchRetryMs * 40),
			timeoutMs: 60_000,
		},
	);
	return { inline, fetch };
}
