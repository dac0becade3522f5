/**
 * Media message contents with the fields Baileys 7 fills in (and the 2.3.6+ JSON encodings):
 * the bytes are the real file's, the CDN fields are plausible fakes.
 */
import { randomBytes } from 'node:crypto';

import { long, randomBytesObject, sha256Object } from '../domain/protobuf';

export type MediaKind = 'image' | 'video' | 'ptv' | 'audio' | 'document' | 'sticker';

export const MEDIA_MESSAGE_TYPES: Record<MediaKind, string> = {
	image: 'imageMessage',
	video: 'videoMessage',
	ptv: 'ptvMessage',
	audio: 'audioMessage',
	document: 'documentMessage',
	sticker: 'stickerMessage',
};

export interface MediaInput {
	kind: MediaKind;
	data: Buffer;
	mimetype: string;
	caption?: string;
	fileName?: string;
	ptt?: boolean;
	contextInfo?: Record<string, unknown>;
}

const cdnPath = (kind: MediaKind) => {
	const token = randomBytes(12).toString('hex');
	const prefix = kind === 'image' ? '/o1/v/t24/f2/m238' : kind === 'audio' ? '/v/t62.7117-24' : kind === 'sticker' ? '/v/t62.15575-24' : '/v/t62.7119-24';
	return `${prefix}/${token}_n.enc?ccb=11-4&oh=01_Q5Aa2w${token.slice(0, 8)}&oe=6942A1B2&_nc_sid=5e03e0`;
};

/** Width/height from a PNG header; other formats get a typical photo size. */
function dimensions(data: Buffer): { width: number; height: number } {
	if (data.length > 24 && data.readUInt32BE(0) === 0x89504e47) return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) };
	return { width: 960, height: 1280 };
}

export function mediaContent(input: MediaInput): Record<string, unknown> {
	const now = Math.floor(Date.now() / 1000);
	const directPath = cdnPath(input.kind);
	const common = {
		url: `https://mmg.whatsapp.net${directPath}&mms3=true`,
		mimetype: input.mimetype,
		fileSha256: sha256Object(input.data),
		fileLength: long(input.data.length, true),
		mediaKey: randomBytesObject(32),
		fileEncSha256: randomBytesObject(32),
		directPath,
		mediaKeyTimestamp: long(now, false),
	};
	const contextInfo = input.contextInfo ? { contextInfo: input.contextInfo } : {};
	switch (input.kind) {
		case 'image': {
			const { width, height } = dimensions(input.data);
			return {
				url: common.url,
				mimetype: common.mimetype,
				...(input.caption !== undefined ? { caption: input.caption } : {}),
				fileSha256: common.fileSha256,
				fileLength: common.fileLength,
				height,
				width,
				mediaKey: common.mediaKey,
				fileEncSha256: common.fileEncSha256,
				interactiveAnnotations: [],
				directPath,
				mediaKeyTimestamp: common.mediaKeyTimestamp,
				jpegThumbnail: randomBytesObject(48),
				...contextInfo,
				scanLengths: [],
				annotations: [],
			};
		}
		case 'video':
		case 'ptv':
			return {
				...common,
				seconds: 5,
				...(input.caption !== undefined ? { caption: input.caption } : {}),
				height: 640,
				width: 360,
				jpegThumbnail: randomBytesObject(48),
				...contextInfo,
			};
		case 'audio':
			return {
				url: common.url,
				mimetype: common.mimetype,
				fileSha256: common.fileSha256,
				fileLength: common.fileLength,
				seconds: Math.max(1, Math.round(input.data.length / 2000)),
				ptt: input.ptt ?? true,
				mediaKey: common.mediaKey,
				fileEncSha256: common.fileEncSha256,
				directPath,
				mediaKeyTimestamp: common.mediaKeyTimestamp,
				waveform: randomBytesObject(64),
				...contextInfo,
			};
		case 'document':
			return {
				url: common.url,
				mimetype: common.mimetype,
				title: input.fileName ?? 'file',
				fileSha256: common.fileSha256,
				fileLength: common.fileLength,
				pageCount: 1,
				mediaKey: common.mediaKey,
				fileName: input.fileName ?? 'file',
				fileEncSha256: common.fileEncSha256,
				directPath,
				mediaKeyTimestamp: common.mediaKeyTimestamp,
				contactVcard: false,
				thumbnailDirectPath: cdnPath('image'),
				thumbnailSha256: randomBytesObject(32),
				thumbnailEncSha256: randomBytesObject(32),
				jpegThumbnail: randomBytesObject(48),
				...contextInfo,
				thumbnailHeight: 480,
				thumbnailWidth: 360,
				...(input.caption !== undefined ? { caption: input.caption } : {}),
			};
		case 'sticker':
			return {
				url: common.url,
				fileSha256: common.fileSha256,
				fileEncSha256: common.fileEncSha256,
				mediaKey: common.mediaKey,
				mimetype: 'image/webp',
				height: 512,
				width: 512,
				directPath,
				fileLength: common.fileLength,
				mediaKeyTimestamp: common.mediaKeyTimestamp,
				isAnimated: false,
				stickerSentTs: long(Date.now(), false),
				isAvatar: false,
				isAiSticker: false,
				isLottie: false,
				...contextInfo,
			};
	}
}

/** Placeholder files for simulated customer media when the control API gets none. */
export const SAMPLE_MEDIA: Record<MediaKind, { base64: string; mimetype: string; fileName: string }> = {
	image: {
		base64:
			'/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=',
		mimetype: 'image/jpeg',
		fileName: 'photo.jpeg',
	},
	video: { base64: Buffer.from('\0\0\0 ftypisom sandbox video').toString('base64'), mimetype: 'video/mp4', fileName: 'video.mp4' },
	ptv: { base64: Buffer.from('\0\0\0 ftypisom sandbox ptv').toString('base64'), mimetype: 'video/mp4', fileName: 'ptv.mp4' },
	audio: { base64: Buffer.from('OggS\0\x02sandbox voice note OpusHead').toString('base64'), mimetype: 'audio/ogg; codecs=opus', fileName: 'audio.ogg' },
	document: {
		base64: Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n').toString('base64'),
		mimetype: 'application/pdf',
		fileName: 'document.pdf',
	},
	sticker: { base64: Buffer.from('RIFF\x1a\0\0\0WEBPVP8 sandbox sticker').toString('base64'), mimetype: 'image/webp', fileName: 'sticker.webp' },
};
