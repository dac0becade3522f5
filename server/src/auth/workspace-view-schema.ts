import { z } from 'zod/v4';

/**
 * A workspace as the sign-in answers show it (workspaces.ts selects it). The schema documents the answers in OpenAPI,
 * from which the web app's types are generated; a strict object, so a test parsing a real answer with it fails when
 * the view gains or renames a field the schema does not have.
 */
export const workspaceViewSchema = z.strictObject({
	id: z.uuid(),
	name: z.string(),
	slug: z.string().describe('The name made URL-safe, with a random suffix'),
	createdAt: z.string(),
});
