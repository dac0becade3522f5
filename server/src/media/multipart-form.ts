import type { FastifyRequest } from 'fastify';
import { ApiError } from '../inbox/api/api-error';
import { CONTENT_TYPE, tooLarge, uploadError } from './media.routes';

export interface FormFile {
	bytes: Buffer;
	contentType: string;
	fileName?: string;
}

/**
 * A multipart/form-data request read whole: its text fields (in any order around the file, which request.file()
 * would not give) and at most one file, `fileField`, within `maxBytes`. Limits answer 413 / 400 as POST /api/v1/media does.
 */
export async function readMultipartForm(request: FastifyRequest, fileField: string, maxBytes: number): Promise<{ fields: Record<string, string>; file?: FormFile }> {
	const fields: Record<string, string> = {};
	let file: FormFile | undefined;
	try {
		for await (const part of request.parts({ limits: { fileSize: maxBytes, files: 1, fields: 20 } })) {
			if (part.type === 'field') {
				fields[part.fieldname] = String(part.value);
				continue;
			}
			if (part.fieldname !== fileField) {
				await part.toBuffer();
				throw new ApiError(400, 'validation_error', `The file goes in a part named "${fileField}".`);
			}
			const bytes = await part.toBuffer();
			if (part.file.truncated) throw tooLarge(maxBytes);
			if (bytes.length === 0) throw new ApiError(400, 'validation_error', 'The file is empty.');
			file = { bytes, contentType: CONTENT_TYPE.test(part.mimetype) ? part.mimetype : 'application/octet-stream', fileName: part.filename ? part.filename.slice(0, 255) : undefined };
		}
	} catch (error) {
		if (error instanceof ApiError) throw error;
		throw uploadError(error, maxBytes);
	}
	return { fields, file };
}
