import type { MultipartFile } from '@fastify/multipart';
import { z } from 'zod/v4';
import { ApiError, notFound } from '../inbox/api/api-error';
import type { ApiRouter } from '../inbox/api/api-router';
import { parseByteRange } from './byte-range';
import { contentDisposition } from './content-disposition';
import { mediaFileSchema } from './media-file-schema';
import type { MediaLibrary } from './media-library';

export const CONTENT_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(\s*;\s*[a-z0-9_-]+=("[^"]*"|[^;\s]*))*$/i;
// Media a browser plays or shows in place; everything else downloads.
const INLINE = /^(image|audio|video)\//i;

export const megabytes = (bytes: number) =>
	bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, '')} MB` : `${Math.round(bytes / 1024)} KB`;

/**
 * The media store over HTTP: POST /api/v1/media takes one multipart file (what an outbound send then names by its
 * mediaId), GET /api/v1/media/:mediaId serves a file of the caller's workspace with its type, name and byte ranges.
 */
export function registerMediaRoutes(api: ApiRouter, media: MediaLibrary): void {
	const maxUpload = media.limits.maxUploadBytes;

	api.add({
		method: 'POST',
		url: '/api/v1/media',
		summary: `Upload a file to the media store (multipart/form-data, one "file" part, at most ${megabytes(maxUpload)}); send it with its id as mediaId`,
		tag: 'media',
		access: 'member',
		upload: { field: 'file', extraFields: { durationSeconds: 'Length of an audio or video file, in seconds (optional)' } },
		response: mediaFileSchema,
		successStatus: 201,
		// The multipart stream is counted by its own limit below; this only has to let the request in.
		bodyLimit: maxUpload + 1024 * 1024,
		handler: async ({ caller, request }) => {
			if (!request.isMultipart()) {
				throw new ApiError(415, 'unsupported_media_type', 'Send the file as multipart/form-data with one part named "file".');
			}
			let part: MultipartFile | undefined;
			try {
				part = await request.file({ limits: { fileSize: maxUpload, files: 1, fields: 10 } });
			} catch (error) {
				throw uploadError(error, maxUpload);
			}
			if (!part) throw new ApiError(400, 'validation_error', 'No file in the request: add a part named "file".');
			let bytes: Buffer;
			try {
				bytes = await part.toBuffer();
			} catch (error) {
				throw uploadError(error, maxUpload);
			}
			if (part.file.truncated) throw tooLarge(maxUpload);
			if (bytes.length === 0) throw new ApiError(400, 'validation_error', 'The file is empty.');
			const contentType = CONTENT_TYPE.test(part.mimetype) ? part.mimetype : 'application/octet-stream';
			const durationField = part.fields.durationSeconds;
			const durationText = durationField && !Array.isArray(durationField) && durationField.type === 'field' ? String(durationField.value) : undefined;
			const durationSeconds = durationText === undefined || durationText === '' ? undefined : Number(durationText);
			if (durationSeconds !== undefined && !(Number.isInteger(durationSeconds) && durationSeconds >= 0)) {
				throw new ApiError(400, 'validation_error', 'durationSeconds must be a whole number of seconds.');
			}
			const saved = await media.saveUpload(caller.workspaceId, {
				bytes,
				contentType,
				fileName: part.filename ? part.filename.slice(0, 255) : undefined,
				durationSeconds,
			});
			request.log.info({ mediaId: saved.id, sizeBytes: saved.sizeBytes, contentType }, 'media uploaded');
			return saved;
		},
	});

	api.add({
		method: 'GET',
		url: '/api/v1/media/:mediaId/info',
		summary: 'What a media file is (type, size, name, SHA-256) and whether its bytes are in yet',
		tag: 'media',
		access: 'member',
		params: z.object({ mediaId: z.uuid() }),
		response: mediaFileSchema,
		handler: async ({ caller, params }) => {
			const file = await media.find(caller.workspaceId, params.mediaId);
			if (!file) throw notFound('Media file');
			return media.toView(file);
		},
	});

	api.add({
		method: 'GET',
		url: '/api/v1/media/:mediaId',
		summary: 'The file itself: its content type, its name (Content-Disposition) and byte ranges (Range: bytes=…, for audio and video)',
		tag: 'media',
		access: 'member',
		params: z.object({ mediaId: z.uuid() }),
		query: z.object({ download: z.enum(['0', '1', 'true', 'false']).optional().describe('1: ask the browser to save the file rather than show it') }),
		produces: 'application/octet-stream',
		handler: async ({ caller, params, query, request, reply }) => {
			const file = await media.find(caller.workspaceId, params.mediaId);
			if (!file) throw notFound('Media file');
			if (file.status === 'pending' || !file.storageKey) {
				throw new ApiError(409, 'media_pending', 'The file is still being fetched from WhatsApp; try again in a few seconds.');
			}
			if (file.status === 'failed') throw new ApiError(410, 'media_unavailable', `The file could not be fetched from WhatsApp: ${file.error ?? 'unknown error'}.`);
			const size = Number(file.sizeBytes ?? 0);
			const range = parseByteRange(request.headers.range, size);
			const download = query.download === '1' || query.download === 'true';
			const name = file.fileName ?? `${file.id}${extensionOf(file.contentType)}`;
			reply
				.header('content-type', file.contentType)
				.header('accept-ranges', 'bytes')
				.header('content-disposition', contentDisposition(name, download || !INLINE.test(file.contentType) ? 'attachment' : 'inline'))
				.header('cache-control', 'private, max-age=86400')
				.header('x-content-type-options', 'nosniff');
			if (file.sha256) reply.header('etag', `"${file.sha256}"`);
			if (range === 'unsatisfiable') {
				return reply.code(416).header('content-range', `bytes */${size}`).header('content-type', 'application/json').send({
					error: { code: 'range_not_satisfiable', message: `The file has ${size} bytes; ask for a range inside it.` },
				});
			}
			if (range) {
				reply.code(206).header('content-range', `bytes ${range.start}-${range.end}/${size}`).header('content-length', range.end - range.start + 1);
			} else {
				reply.code(200).header('content-length', size);
			}
			let bytes;
			try {
				bytes = await media.read(file, range);
			} catch (error) {
				// The row says stored but the store has no such file (removed by hand, another store's key): not a 500.
				if ((error as { code?: string }).code === 'ENOENT') throw new ApiError(410, 'media_unavailable', 'The file is no longer in the media store.');
				throw error;
			}
			return reply.send(bytes);
		},
	});
}

export function tooLarge(limit: number): ApiError {
	return new ApiError(413, 'payload_too_large', `The file is larger than the ${megabytes(limit)} upload limit; send a smaller file (see README "Media").`);
}

export function uploadError(error: unknown, limit: number): Error {
	const code = (error as { code?: string }).code;
	if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_ERR_CTP_BODY_TOO_LARGE' || (error as { statusCode?: number }).statusCode === 413) return tooLarge(limit);
	if (code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT' || code === 'FST_PARTS_LIMIT') {
		return new ApiError(400, 'validation_error', 'Send one file per request (a part named "file").');
	}
	if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE' || code === 'FST_NO_FORM_DATA') {
		return new ApiError(415, 'unsupported_media_type', 'Send the file as multipart/form-data with one part named "file".');
	}
	return error instanceof Error ? error : new Error(String(error));
}

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': '.jpg',
	'image/png': '.png',
	'image/webp': '.webp',
	'image/gif': '.gif',
	'video/mp4': '.mp4',
	'audio/ogg': '.ogg',
	'audio/mpeg': '.mp3',
	'audio/mp4': '.m4a',
	'application/pdf': '.pdf',
};

function extensionOf(contentType: string): string {
	return EXTENSIONS[contentType.split(';')[0].trim().toLowerCase()] ?? '';
}
