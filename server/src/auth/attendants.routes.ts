import { z } from 'zod/v4';
import { forbidden, notFound } from '../inbox/api/api-error';
import type { ApiRouter } from '../inbox/api/api-router';
import type { InboxApiDeps } from '../inbox/inbox-deps';
import { attendantViewSchema } from './attendant-view-schema';
import { createAttendant, findAttendant, listAttendants, updateAttendant } from './attendants';
import { passwordSchema } from './auth.routes';
import { revokeUserSessions } from './sessions';

const attendantParams = z.object({ attendantId: z.uuid() });
const createBody = z.object({
	email: z.email().max(320),
	name: z.string().trim().min(1).max(120),
	role: z.enum(['admin', 'agent']).default('agent'),
	password: passwordSchema.optional().describe('Omit for attendants who sign in with Supabase Auth only.'),
	locale: z.enum(['pt-BR', 'en']).optional(),
	authUserId: z.uuid().optional().describe('Supabase Auth user id (auth.users.id).'),
});
const patchBody = z
	.object({
		name: z.string().trim().min(1).max(120),
		role: z.enum(['admin', 'agent']),
		locale: z.enum(['pt-BR', 'en']),
		isActive: z.boolean(),
		password: passwordSchema,
		authUserId: z.uuid().nullable(),
	})
	.partial()
	.refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');

/** The workspace's attendants: everyone may list them (to assign), admins manage them, each may edit themself. */
export function registerAttendantRoutes(api: ApiRouter, deps: InboxApiDeps): void {
	const { db } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/attendants',
		summary: 'List the attendants of the workspace',
		tag: 'attendants',
		access: 'member',
		response: z.object({ data: z.array(attendantViewSchema) }),
		handler: async ({ caller }) => ({ data: await listAttendants(db, caller.workspaceId) }),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/attendants',
		summary: 'Add an attendant (admin)',
		tag: 'attendants',
		access: 'admin',
		body: createBody,
		successStatus: 201,
		response: attendantViewSchema,
		handler: async ({ caller, body }) => createAttendant(db, caller.workspaceId, body),
	});

	api.add({
		method: 'PATCH',
		url: '/api/v1/attendants/:attendantId',
		summary: 'Change an attendant (admin; anyone may change their own name, locale and password)',
		tag: 'attendants',
		access: 'member',
		params: attendantParams,
		body: patchBody,
		response: attendantViewSchema,
		handler: async ({ caller, params, body }) => {
			const self = caller.userId === params.attendantId;
			if (caller.role !== 'admin') {
				if (!self) {
					if (!(await findAttendant(db, caller.workspaceId, params.attendantId))) throw notFound('Attendant');
					throw forbidden();
				}
				if (body.role !== undefined || body.isActive !== undefined || body.authUserId !== undefined) {
					throw forbidden('Only admins change roles, activation or Supabase links.');
				}
			}
			const attendant = await updateAttendant(db, caller.workspaceId, params.attendantId, body);
			if (body.isActive === false || body.password) await revokeUserSessions(db, caller.workspaceId, params.attendantId);
			return attendant;
		},
	});
}
