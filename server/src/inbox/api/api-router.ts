import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod/v4';
import type { Caller } from '../../auth/caller';
import { JsonBodyError, storableJson } from '../../http/bounded-json';
import { streamedReplyOver } from '../../http/streamed-reply';
import { ApiError, forbidden, unauthorized } from './api-error';

/** Who may call a route: anyone, any signed-in attendant or API token of the workspace, or only its admins. */
export type Access = 'public' | 'member' | 'admin';
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface RouteContext<A extends Access, P, Q, B> {
	caller: A extends 'public' ? Caller | null : Caller;
	params: P;
	query: Q;
	body: B;
	request: FastifyRequest;
	reply: FastifyReply;
}

/** One REST route: its zod schemas are both the validation at the edge and the OpenAPI description. */
export interface ApiRoute<A extends Access, P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
	method: HttpMethod;
	/** Fastify syntax: /api/v1/conversations/:conversationId */
	url: string;
	summary: string;
	tag: string;
	access: A;
	params?: P;
	query?: Q;
	body?: B;
	/** Documented answer (OpenAPI only). */
	response?: z.ZodType;
	successStatus?: number;
	/** @fastify/rate-limit options for this route (needs the plugin registered in the scope). */
	rateLimit?: Record<string, unknown>;
	/** A multipart/form-data upload instead of a JSON body (OpenAPI only; the handler reads request.file()). */
	upload?: { field: string; extraFields?: Record<string, string> };
	/**
	 * Also takes multipart/form-data (a file sent with the request): `read` turns the form into the JSON body's shape,
	 * which `body` then validates. OpenAPI documents both; `field` is the file part, `extraFields` the text fields.
	 */
	form?: { field: string; extraFields: Record<string, string>; read(request: FastifyRequest, caller: Caller): Promise<unknown> };
	/** The answer is a file of this content type rather than JSON (OpenAPI only). */
	produces?: string;
	/** Overrides the scope's JSON body limit (uploads). */
	bodyLimit?: number;
	handler(context: RouteContext<A, z.infer<P>, z.infer<Q>, z.infer<B>>): Promise<unknown>;
}

export type AnyApiRoute = ApiRoute<Access, z.ZodType, z.ZodType, z.ZodType>;

function parse<S extends z.ZodType>(schema: S | undefined, value: unknown, where: string): z.infer<S> {
	if (!schema) return undefined as z.infer<S>;
	let input: unknown = value ?? (where === 'body' ? undefined : {});
	// The body parser already made the body storable; the path and query string get the same treatment here.
	if (where !== 'body') {
		try {
			input = storableJson(input, 'reject');
		} catch (error) {
			if (error instanceof JsonBodyError) throw new ApiError(400, error.code, `${where}: ${error.message}`);
			throw error;
		}
	}
	const result = schema.safeParse(input);
	if (result.success) return result.data;
	const problems = result.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
	throw new ApiError(400, 'validation_error', problems);
}

/** Registers routes on a Fastify scope and remembers them for the OpenAPI document. */
export class ApiRouter {
	readonly routes: AnyApiRoute[] = [];

	constructor(private readonly app: FastifyInstance) {}

	add<A extends Access, P extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined, B extends z.ZodType = z.ZodUndefined>(
		route: ApiRoute<A, P, Q, B>,
	): void {
		this.routes.push(route as unknown as AnyApiRoute);
		this.app.route({
			method: route.method,
			url: route.url,
			config: { public: route.access === 'public', ...(route.rateLimit ? { rateLimit: route.rateLimit } : {}) },
			...(route.bodyLimit ? { bodyLimit: route.bodyLimit } : {}),
			handler: async (request, reply) => {
				const caller = request.caller;
				if (route.access !== 'public' && !caller) throw unauthorized();
				if (route.access === 'admin' && caller?.role !== 'admin') throw forbidden();
				const context = {
					caller,
					params: parse(route.params, request.params, 'params'),
					query: parse(route.query, request.query, 'query'),
					body: parse(route.body, route.form && caller && request.isMultipart() ? await route.form.read(request, caller) : request.body, 'body'),
					request,
					reply,
				} as RouteContext<A, z.infer<P>, z.infer<Q>, z.infer<B>>;
				const result = await route.handler(context);
				// A handler that answered itself (a file stream) returns the reply: wait for the answer to be over and
				// hand Fastify nothing (see streamedReplyOver for why the reply itself must not be returned).
				if (reply.sent || result === reply || reply.raw.headersSent) {
					await streamedReplyOver(reply);
					return undefined;
				}
				reply.code(route.successStatus ?? 200);
				return result === undefined ? reply.send() : reply.send(result);
			},
		});
	}
}
