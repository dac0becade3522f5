import { z } from 'zod/v4';

/**
 * An attendant as the API shows it (attendants.ts selects it): never the password hash. The schema documents the
 * answers in OpenAPI, from which the web app's types are generated; a strict object, so a test parsing a real answer
 * with it fails when the view gains or renames a field the schema does not have.
 */
export const attendantViewSchema = z.strictObject({
	id: z.uuid(),
	workspaceId: z.uuid(),
	email: z.string(),
	name: z.string(),
	role: z.enum(['admin', 'agent']),
	locale: z.string().describe('The language of the page and of the server\'s messages to this attendant (pt-BR, en)'),
	isActive: z.boolean().describe('An inactive attendant cannot sign in'),
	authUserId: z.uuid().nullable().describe('The linked Supabase Auth user (auth.users.id), when there is one'),
	lastSeenAt: z.string().nullable(),
	createdAt: z.string(),
});
