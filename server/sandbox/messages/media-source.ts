/** Turns a send's media argument (http(s) URL, raw base64, or multipart `file`) into bytes, as Evolution accepts them. */
import axios from 'axios';

import type { UploadedFile } from '../http/app';
import { badRequest } from '../http/errors';

/** class-validator isURL, restricted to what a fetch can use. */
export const isUrl = (value: unknown): value is string => typeof value === 'string' && /^https?:\/\/[^\s]+$/i.test(value.trim());

/** class-validator isBase64: a non-empty multiple of 4 characters of the base64 alphabet. */
export const isBase64 = (value: unknown): value is string =>
	typeof value === 'string' &&
	value.length > 0 &&
	value.length % 4 === 0 &&
	/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$/.test(value);

export interface ResolvedMedia {
	data: Buffer;
	/** The Content-Type of a URL download or the file part's mimetype, if any. */
	mimetype?: string;
	/** The file name of an upload or the last URL path segment. */
	fileName?: string;
}

export async function resolveMedia(value: unknown, file: UploadedFile | undefined): Promise<ResolvedMedia> {
	if (file) return { data: file.buffer, mimetype: file.mimetype, fileName: file.originalname };
	if (isUrl(value)) {
		try {
			const response = await axios.get<ArrayBuffer>(value, { responseType: 'arraybuffer', timeout: 30000, maxContentLength: 136 * 1024 * 1024 });
			const contentType = response.headers['content-type'];
			return {
				data: Buffer.from(response.data),
				mimetype: typeof contentType === 'string' ? contentType.split(';')[0] : undefined,
				fileName: decodeURIComponent(new URL(value).pathname.split('/').pop() ?? '') || undefined,
			};
		} catch (error) {
			throw badRequest(String(error));
		}
	}
	return { data: Buffer.from(String(value), 'base64') };
}

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpeg',
	'image/png': 'png',
	'image/webp': 'webp',
	'video/mp4': 'mp4',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
	'application/pdf': 'pdf',
};

export const extensionFor = (mimetype: string) => EXTENSIONS[mimetype.split(';')[0].trim()] ?? mimetype.split('/')[1]?.split(';')[0] ?? 'bin';
