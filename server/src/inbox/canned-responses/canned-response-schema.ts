import { z } from 'zod/v4';

/**
 * A canned response as the API answers it (canned-responses.ts selects it). The schema documents the answers in
 * OpenAPI, from which the web app's types are generated; a strict object, so a test parsing a real answer with it
 * fails when the view gains or renames a field the schema does not have.
 */
export const cannedResponseSchema = z.strictObject({
	id: z.uuid(),
	shortCode: z.string().describe('What follows "/" in the composer'),
	content: z.string().describe('The text; {{name}}, {{first_name}} and {{phone}} are filled in from the conversation'),
	createdByUserId: z.uuid().nullable(),
	createdAt: z.string(),
	updatedAt: z.string(),
});
