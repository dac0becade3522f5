import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod/v4';
import type { AnyApiRoute } from './api-router';
import { namedApiSchemas } from './named-schemas';

/** Routes that are not REST (WebSocket, docs) but belong in the document so a reader finds them. */
export interface ExtraPath {
	method: string;
	url: string;
	summary: string;
	tag: string;
	description?: string;
	isPublic?: boolean;
}

type JsonSchema = Record<string, unknown>;

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
	const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
	delete json.$schema;
	return json;
}

const COMPONENT_REF = '#/components/schemas/';

/**
 * An answer's schema, its named parts (named-schemas.ts) moved to `components` and referred to by `$ref`; the answer
 * itself is a reference when it is one of them. Two different shapes under one name would make the document lie: that
 * throws while the document is built (a test builds it).
 */
function toAnswerSchema(schema: z.ZodType, components: Record<string, JsonSchema>): JsonSchema {
	const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any', metadata: namedApiSchemas }) as JsonSchema;
	delete json.$schema;
	const moved = JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', `"${COMPONENT_REF}`)) as JsonSchema;
	const defs = (moved.$defs ?? {}) as Record<string, JsonSchema>;
	delete moved.$defs;
	const own = namedApiSchemas.get(schema)?.id;
	if (own) defs[own] = moved;
	for (const [id, definition] of Object.entries(defs)) {
		delete definition.id;
		if (components[id] && !isDeepStrictEqual(components[id], definition)) throw new Error(`OpenAPI: two different schemas are named ${id}`);
		components[id] = definition;
	}
	return own ? { $ref: COMPONENT_REF + own } : moved;
}

/** Fastify's /a/:id becomes OpenAPI's /a/{id}. */
export function openApiPath(url: string): string {
	return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function parametersOf(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
	if (!schema) return [];
	const json = toSchema(schema, 'input');
	const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
	const required = new Set((json.required as string[] | undefined) ?? []);
	return Object.entries(properties).map(([name, property]) => ({
		name,
		in: where,
		required: where === 'path' || required.has(name),
		...(property.description ? { description: property.description } : {}),
		schema: property,
	}));
}

const ERROR_RESPONSE = {
	description: 'Error: {error: {code, message}}',
	content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
};

function formSchema(upload: NonNullable<AnyApiRoute['upload']>, fileRequired: boolean): JsonSchema {
	const properties: Record<string, JsonSchema> = { [upload.field]: { type: 'string', format: 'binary', description: 'The file (its name and content type are kept)' } };
	for (const [name, description] of Object.entries(upload.extraFields ?? {})) properties[name] = { type: 'string', description };
	return { type: 'object', ...(fileRequired ? { required: [upload.field] } : {}), properties };
}

function uploadBody(upload: NonNullable<AnyApiRoute['upload']>): JsonSchema {
	return { required: true, content: { 'multipart/form-data': { schema: formSchema(upload, true) } } };
}

/** The OpenAPI 3.1 document (JSON Schema 2020-12), generated from the same zod schemas that validate each request. */
export function buildOpenApiDocument(routes: AnyApiRoute[], extras: ExtraPath[], info: { version: string }): Record<string, unknown> {
	const paths: Record<string, Record<string, unknown>> = {};
	const named: Record<string, JsonSchema> = {};
	for (const route of routes) {
		const path = openApiPath(route.url);
		paths[path] ??= {};
		paths[path][route.method.toLowerCase()] = {
			summary: route.summary,
			tags: [route.tag],
			operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
			security: route.access === 'public' ? [] : [{ bearer: [] }],
			...(route.access === 'admin' ? { description: 'Workspace admins only.' } : {}),
			parameters: [...parametersOf(route.params, 'path'), ...parametersOf(route.query, 'query')],
			...(route.body
				? {
						requestBody: {
							required: true,
							content: {
								'application/json': { schema: toSchema(route.body, 'input') },
								...(route.form ? { 'multipart/form-data': { schema: formSchema(route.form, true) } } : {}),
							},
						},
					}
				: {}),
			...(route.upload ? { requestBody: uploadBody(route.upload) } : {}),
			responses: {
				[String(route.successStatus ?? 200)]: {
					description: 'Success',
					...(route.response ? { content: { 'application/json': { schema: toAnswerSchema(route.response, named) } } } : {}),
					...(route.produces ? { content: { [route.produces]: { schema: { type: 'string', format: 'binary' } } } } : {}),
				},
				...(route.produces
					? {
							'206': { description: 'The requested byte range (Range: bytes=start-end)', content: { [route.produces]: { schema: { type: 'string', format: 'binary' } } } },
							'416': ERROR_RESPONSE,
						}
					: {}),
				...(route.upload || route.form ? { '413': ERROR_RESPONSE, '415': ERROR_RESPONSE } : {}),
				...(route.access === 'public' ? {} : { '401': ERROR_RESPONSE }),
				'400': ERROR_RESPONSE,
				'404': ERROR_RESPONSE,
			},
		};
	}
	for (const extra of extras) {
		const path = openApiPath(extra.url);
		paths[path] ??= {};
		paths[path][extra.method.toLowerCase()] = {
			summary: extra.summary,
			tags: [extra.tag],
			...(extra.description ? { description: extra.description } : {}),
			security: extra.isPublic ? [] : [{ bearer: [] }],
			responses: { '200': { description: 'Success' } },
		};
	}
	return {
		openapi: '3.1.0',
		info: {
			title: 'WhatsApp Inbox companion server',
			version: info.version,
			description: 'REST API of the attendance inbox. Authenticate with "Authorization: Bearer <token>" (a session token from /api/v1/auth/login, an API token for n8n, or a Supabase Auth access token).',
		},
		components: {
			securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
			schemas: {
				...Object.fromEntries(Object.entries(named).sort(([a], [b]) => a.localeCompare(b))),
				Error: {
					type: 'object',
					required: ['error'],
					properties: { error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } } },
				},
			},
		},
		paths,
	};
}
