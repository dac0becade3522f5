import { z } from 'zod/v4';
import { inboxEvent } from '../../realtime/inbox-events';
import type { ApiRouter } from '../api/api-router';
import type { InboxApiDeps } from '../inbox-deps';
import { type Contact, contactSchema, findContact, findContactsByPhone, setOptOut, updateContact } from './contacts';

const contactParams = z.object({ contactId: z.uuid() });
const attributesSchema = z
	.record(z.string().min(1).max(100), z.unknown())
	.refine((value) => JSON.stringify(value).length <= 16_384, 'attributes may hold at most 16384 characters of JSON')
	.describe('Free-form custom fields; replaces the stored ones.');

/** Contacts for automation (n8n): read one, find one by phone, change its details, opt it out of proactive sends or back in. */
export function registerContactRoutes(api: ApiRouter, deps: InboxApiDeps): void {
	const { db, publisher } = deps;
	// Every attendant's page shows the contact (list, thread header, side panel): a change is announced to the
	// workspace so they all show it without a reload.
	const announced = async (workspaceId: string, contact: Contact) => {
		await publisher.publish(workspaceId, [inboxEvent('contact.updated', { data: { contact } })]);
		return contact;
	};

	api.add({
		method: 'GET',
		url: '/api/v1/contacts',
		summary: 'Find contacts by phone number (any format; Brazilian mobiles with or without the ninth digit)',
		tag: 'contacts',
		access: 'member',
		query: z.object({ phone: z.string().trim().min(5).max(40) }),
		response: z.object({ data: z.array(contactSchema) }),
		handler: async ({ caller, query }) => ({ data: await findContactsByPhone(db, caller.workspaceId, query.phone) }),
	});

	api.add({
		method: 'GET',
		url: '/api/v1/contacts/:contactId',
		summary: 'One contact, with its opt-out state and lead',
		tag: 'contacts',
		access: 'member',
		params: contactParams,
		response: contactSchema,
		handler: async ({ caller, params }) => findContact(db, caller.workspaceId, params.contactId),
	});

	api.add({
		method: 'PATCH',
		url: '/api/v1/contacts/:contactId',
		summary: 'Change a contact: name, e-mail, tags, attributes (announced as contact.updated)',
		tag: 'contacts',
		access: 'member',
		params: contactParams,
		body: z
			.object({
				name: z.string().trim().min(1).max(200).nullable(),
				email: z.email().max(320).nullable(),
				tags: z.array(z.string().trim().min(1).max(64)).max(50),
				attributes: attributesSchema,
			})
			.partial()
			.refine((value) => Object.keys(value).length > 0, 'Send at least one field to change.'),
		response: contactSchema,
		handler: async ({ caller, params, body }) => announced(caller.workspaceId, await updateContact(db, caller.workspaceId, params.contactId, body)),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/contacts/:contactId/opt-out',
		summary: 'Opt the contact out of proactive sends (the outbox refuses them; replies in their conversations still go)',
		tag: 'contacts',
		access: 'member',
		params: contactParams,
		body: z.object({ reason: z.string().trim().min(1).max(100).optional().describe('Why, kept as the opt-out word ("API" when absent).') }).optional(),
		response: contactSchema,
		handler: async ({ caller, params, body }) => announced(caller.workspaceId, await setOptOut(db, caller.workspaceId, params.contactId, true, body?.reason)),
	});

	api.add({
		method: 'POST',
		url: '/api/v1/contacts/:contactId/opt-in',
		summary: 'Opt the contact back in to proactive sends (clears the opt-out)',
		tag: 'contacts',
		access: 'member',
		params: contactParams,
		response: contactSchema,
		handler: async ({ caller, params }) => announced(caller.workspaceId, await setOptOut(db, caller.workspaceId, params.contactId, false)),
	});
}
