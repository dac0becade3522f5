import { z } from 'zod/v4';

export const LEAD_SOURCES = ['whatsapp', 'ctwa_ad', 'form', 'manual', 'n8n', 'import'] as const;
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'won', 'lost'] as const;

const utm = z.string().trim().max(200);

/** How deep a lead's attributes may nest, and how large they may be: a CRM's custom fields, not a document store. */
export const MAX_ATTRIBUTE_DEPTH = 8;
export const MAX_ATTRIBUTES_CHARS = 16_384;

function depthOf(value: unknown, limit: number): number {
	if (value === null || typeof value !== 'object') return 0;
	let deepest = 0;
	for (const item of Object.values(value)) {
		// Stop as soon as the limit is passed: the body parser bounds nesting at 64 anyway.
		deepest = Math.max(deepest, depthOf(item, limit));
		if (deepest > limit) break;
	}
	return deepest + 1;
}

const attributesSchema = z
	.record(z.string().min(1).max(100), z.unknown())
	.refine((value) => depthOf(value, MAX_ATTRIBUTE_DEPTH) <= MAX_ATTRIBUTE_DEPTH, `attributes may nest at most ${MAX_ATTRIBUTE_DEPTH} levels of objects/arrays; flatten them`)
	.refine((value) => JSON.stringify(value).length <= MAX_ATTRIBUTES_CHARS, `attributes may hold at most ${MAX_ATTRIBUTES_CHARS} characters of JSON`)
	.describe(`Free-form custom fields: keys of 1–100 characters, at most ${MAX_ATTRIBUTE_DEPTH} levels deep and ${MAX_ATTRIBUTES_CHARS} characters as JSON; no NUL characters.`);

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
	attributes: attributesSchema,
});

/** A lead as the API answers it (and lead.created / lead.updated carry it); the schema documents it in OpenAPI. */
export const leadSchema = z.object({
	id: z.uuid(),
	contactId: z.uuid().nullable(),
	name: z.string().nullable(),
	phoneE164: z.string().nullable(),
	email: z.string().nullable(),
	source: z.enum(LEAD_SOURCES),
	status: z.enum(LEAD_STATUSES),
	score: z.number().int(),
	firstTouchToken: z.string().nullable(),
	matchMethod: z.string().nullable().describe('How the first WhatsApp message was tied to the lead (token, phone…)'),
	matchedAt: z.string().nullable(),
	firstMessageAt: z.string().nullable(),
	utmSource: z.string().nullable(),
	utmMedium: z.string().nullable(),
	utmCampaign: z.string().nullable(),
	utmContent: z.string().nullable(),
	utmTerm: z.string().nullable(),
	ctwaClid: z.string().nullable().describe("A click-to-WhatsApp ad's click id"),
	adSourceId: z.string().nullable(),
	adSourceType: z.string().nullable(),
	adSourceUrl: z.string().nullable(),
	adHeadline: z.string().nullable(),
	ownerUserId: z.uuid().nullable().describe('The attendant who owns the lead'),
	attributes: z.record(z.string(), z.unknown()).describe('Free-form custom fields'),
	createdAt: z.string(),
	updatedAt: z.string(),
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
