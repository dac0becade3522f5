import { join } from 'node:path';
import type { Runtime } from '../runtime/start-runtime';
import { LocalMediaStore } from './local-media-store';
import { MediaLibrary } from './media-library';
import type { MediaStore } from './media-store';

export const DEFAULT_MEDIA_SETTINGS = {
	maxUploadBytes: 64 * 1024 * 1024,
	maxInboundBytes: 100 * 1024 * 1024,
	bucket: 'whatsapp-media',
	captureWindowMs: 24 * 3_600_000,
	fetchRetryMs: 5_000,
};

/** The configured store: a folder under DATA_DIR (DATA_DIR/media). */
export function createMediaStore(runtime: Pick<Runtime, 'config'>): MediaStore {
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
