import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

export interface BinaryFile {
	buffer: Buffer;
	fileName: string;
	mimeType: string;
	meta: IBinaryData;
}

/** Reads a file from an input binary field, with a clear error when the field is missing. */
export async function readBinaryFile(
	this: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
	fallbackName: string,
): Promise<BinaryFile> {
	const meta = this.helpers.assertBinaryData(itemIndex, propertyName);
	const buffer = await this.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const mimeType = meta.mimeType || 'application/octet-stream';
	const extension = meta.fileExtension ?? extensionFor(mimeType);
	const fileName = meta.fileName ?? (extension ? `${fallbackName}.${extension}` : fallbackName);
	return { buffer, fileName, mimeType, meta };
}

/** Evolution's `mediatype` for a MIME type; anything not image/video/audio goes as a document. */
export function mediaTypeForMime(mimeType: string): 'image' | 'video' | 'audio' | 'document' {
	const family = mimeType.split('/')[0].toLowerCase();
	if (family === 'image' || family === 'video' || family === 'audio') return family;
	return 'document';
}

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/webp': 'webp',
	'image/gif': 'gif',
	'video/mp4': 'mp4',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
	'audio/mp4': 'm4a',
	'application/pdf': 'pdf',
};

export function extensionFor(mimeType: string): string | undefined {
	const base = mimeType.split(';')[0].trim().toLowerCase();
	return EXTENSIONS[base] ?? base.split('/')[1]?.replace(/[^a-z0-9]/g, '') ?? undefined;
}

/** Splits `data:image/png;base64,AAAA` into its MIME type and bytes. */
export function decodeDataUrl(value: string): { mimeType: string; buffer: Buffer } | undefined {
	const match = /^data:([^;,]+)?(?:;[^,]*)?;base64,(.*)$/s.exec(value);
	if (!match) return undefined;
	return { mimeType: match[1] ?? 'application/octet-stream', buffer: Buffer.from(match[2], 'base64') };
}

export function requireUrl(this: IExecuteFunctions, value: string, itemIndex: number): string {
	const url = value.trim();
	if (!/^https?:\/\//i.test(url)) {
		throw new NodeOperationError(this.getNode(), `"${value}" is not an http(s) URL`, {
			description: 'Give the full address of the file, e.g. https://example.com/photo.jpg',
			itemIndex,
		});
	}
	return url;
}
