import { z } from 'zod/v4';
import { inboxEvent } from '../../realtime/inbox-events';
import { notFound } from '../api/api-error';
import type { ApiRouter } from '../api/api-router';
import type { InboxApiDeps } from '../inbox-deps';
import { createLeadSchema, leadFieldsSchema, leadSchema, listLeadsQuerySchema, updateLeadSchema } from './lead-schemas';
import { createLead, deleteLead, findLead, listLeads, updateLead, upsertLeadByPhone } from './leads';

const leadParams = z.object({ leadId: z.uuid() });

/** Leads CRUD: the sales side of contacts, with first-touch attribution (ingest ties the first message to them). */
export function registerLeadRoutes(api: ApiRouter, deps: InboxApiDeps): void {
	const { db, publisher } = deps;

	api.add({
		method: 'GET',
		url: '/api/v1/leads',
		summary: 'List leads, newest first (filters: status, source, owner, search)',
		tag: 'leads',
		access: 'member',
		query: listLeadsQuerySchema,
		response: z.object({ data: z.array(leadSchema), meta: z.object({ nextCursor: z.string().nullable() }) }),
		handler: async ({ caller, query }) => {
			const page = await listLeads(db, caller.workspaceId, query);
			return { data: page.items, meta: { nextCursor: page.nextCursor } };
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/leads',
		summary: 'Create a lead (form, n8n, manual); give firstTouchToken to tie a later WhatsApp message to it',
		tag: 'leads',
		access: 'member',
		body: createLeadSchema,
		successStatus: 201,
		response: leadSchema,
		handler: async ({ caller, body }) => {
			const lead = await createLead(db, caller.workspaceId, body);
			await publisher.publish(caller.workspaceId, [inboxEvent('lead.created', { data: { lead } })]);
			return lead;
		},
	});

	api.add({
		method: 'POST',
		url: '/api/v1/leads/upsert',
		summary:
			'Create or update the lead of a phone number (n8n): fields are set on the existing lead, attribution (source, firstTouchToken, UTM) only where still empty; answers {lead, created}',
		tag: 'leads',
		access: 'member',
		body: leadFieldsSchema.partial().extend({ phone: z.string().trim().min(5).max(40).describe('Any format; the lead is found by it (Brazilian mobiles with or without the ninth digit).') }),
		response: z.object({ lead: leadSchema, created: z.boolean() }),
		handler: async ({ caller, body }) => {
			const result = await upsertLeadByPhone(db, caller.workspaceId, body);
			await publisher.publish(caller.workspaceId, [inboxEvent(result.created ? 'lead.created' : 'lead.updated', { data: { lead: result.lead } })]);
			return result;
		},
	});

	api.add({
		method: 'GET',
		url: '/api/v1/leads/:leadId',
		summary: 'One lead',
		tag: 'leads',
		access: 'member',
		params: leadParams,
		response: leadSchema,
		handler: async ({ caller, params }) => {
			const lead = await findLead(db, caller.workspaceId, params.leadId);
			if (!lead) throw notFound('Lead');
			return lead;
		},
	});

	api.add({
		method: 'PATCH',
		url: '/api/v1/leads/:leadId',
		summary: 'Change a lead: status, score, owner, custom fields (attributes, replacing the stored ones)… (announced as lead.updated)',
		tag: 'leads',
		access: 'member',
		params: leadParams,
		body: updateLeadSchema,
		response: leadSchema,
		handler: async ({ caller, params, body }) => {
			const lead = await updateLead(db, caller.workspaceId, params.leadId, body);
			// Heard by the inbox pages and by webhook subscriptions ("lead updated"), like a creation.
			await publisher.publish(caller.workspaceId, [inboxEvent('lead.updated', { data: { lead } })]);
			return lead;
		},
	});

	api.add({
		method: 'DELETE',
		url: '/api/v1/leads/:leadId',
		summary: 'Delete a lead (its contact and conversations stay)',
		tag: 'leads',
		access: 'member',
		params: leadParams,
		successStatus: 204,
		handler: async ({ caller, params }) => deleteLead(db, caller.workspaceId, params.leadId),
	});
}
