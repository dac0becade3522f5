import { z } from 'zod/v4';

/**
 * A media file as the API shows it (media-files.ts selects it; never its storage key): POST /api/v1/media and
 * GET …/info answer it. The schema documents the answers in OpenAPI, from which the web app's types are generated;
 * a strict object, so a test parsing a real answer with it fails when the view gains or renames a field the schema
 * does not have.
 */
export const mediaFileSchema = z.strictObject({
	id: z.uuid(),
	workspaceId: z.uuid(),
	messageId: z.uuid().nullable(),
	channelId: z.uuid().nullable(),
	origin: z.enum(['inbound', 'upload']),
	sha256: z.string().nullable().describe('Hex SHA-256 of the bytes'),
	sizeBytes: z.number().nullable(),
	contentType: z.string(),
	fileName: z.string().nullable(),
	durationSeconds: z.number().nullable(),
	status: z.enum(['pending', 'stored', 'failed']).describe('pending: an inbound file still being fetched; failed: it could not be'),
	attempts: z.number(),
	error: z.string().nullable(),
	createdAt: z.string(),
});
