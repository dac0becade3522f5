import { api, type ApiAnswer, type ApiBody, unwrap } from '../../lib/api-client';

/** A lead as the server answers it (from the OpenAPI document). */
export type Lead = ApiAnswer<'/api/v1/leads/{leadId}', 'get'>;
export type LeadStatus = Lead['status'];
export type LeadPatch = ApiBody<'/api/v1/leads/{leadId}', 'patch'>;

export const LEAD_STATUSES: readonly LeadStatus[] = ['new', 'contacted', 'qualified', 'won', 'lost'];

/** The query key of a lead; lead.* events refresh it (app/realtime-context.tsx), so every open panel follows. */
export const leadKey = (leadId: string | null) => ['lead', leadId];

export const getLead = (leadId: string) => unwrap(api.GET('/api/v1/leads/{leadId}', { params: { path: { leadId } } }));

/** Changes the lead (status, score, owner, custom fields…); the server announces it as lead.updated. */
export const updateLead = (leadId: string, patch: LeadPatch) => unwrap(api.PATCH('/api/v1/leads/{leadId}', { params: { path: { leadId } }, body: patch }));

/** Renames the contact for the team (null: back to the name they gave WhatsApp); nothing goes to WhatsApp. */
export const renameContact = (contactId: string, name: string | null) =>
	unwrap(api.PATCH('/api/v1/contacts/{contactId}', { params: { path: { contactId } }, body: { name } }));
