import { z } from 'zod/v4';

export const LEAD_SOURCES = ['whatsapp', 'ctwa_ad', 'form', 'manual', 'n8n', 'import'] as const;
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;

const utm = z.string().trim().max(200);

/** What a client may set on a lead; the same shape for create (with defaults) and update (all optional). */
export const leadFieldsSchema = z.object({
	name: z.string().trim().min(1).max(200).nullable(),
	phone: z.string().trim().max(40).nullable().describe('Any format; stored as canonical E.164 (Brazilian mobiles with the ninth digit).'),
	email: z.email().max(320).nullable(),
	source: z.enum(LEAD_SOURCES),
	status: z.enum(LEAD_STATUSES),
	score: z.number().int().min(-1000).max(1000),
	firstTouchToken: z
		.string()
		.regex(/^[A-Za-z0-9_-]{4,64}$/)
		.nullable()
		.describe('The token a landing page puts in its WhatsApp link ("vm_token:<token>"), tying the first message to this lead.'),
	utmSource: utm.nullable(),
	utmMedium: utm.nullable(),
	utmCampaign: utm.nullable(),
	utmContent: utm.nullable(),
	utmTerm: utm.nullable(),
	ownerUserId: z.uuid().nullable(),
	contactId: z.uuid().nullable(),
	attributes: z.record(z.string(), z.unknown()),
});

export const createLeadSchema = leadFieldsSchema.partial().extend({
	source: z.enum(LEAD_SOURCES).default('manual'),
	status: z.enum(LEAD_STATUSES).default('new'),
});

export const updateLeadSchema = leadFieldsSchema.partial().refine((v) => Object.keys(v).length > 0, 'Send at least one field to change.');

export const listLeadsQuerySchema = z.object({
	status: z.enum(LEAD_STATUSES).optional(),
	source: z.enum(LEAD_SOURCES).optional(),
	ownerUserId: z.uuid().optional(),
	q: z.string().trim().min(1).max(100).optional().describe('Matches name, e-mail or phone.'),
	cursor: z.string().max(200).optional(),
	limit: z.coerce.number().int().min(1).max(100).default(25),
});

export type CreateLead = z.infer<typeof createLeadSchema>;
export type UpdateLead = z.infer<typeof leadFieldsSchema>;
export type ListLeadsQuery = z.infer<typeof listLeadsQuerySchema>;
