import type { FastifyInstance } from 'fastify';
import { JsonBodyError, parseBoundedJson } from '../../http/bounded-json';
import { ApiError, badRequest } from './api-error';

/**
 * The REST API's JSON parser, in place of Fastify's: nesting deeper than MAX_JSON_DEPTH answers 400 body_too_deep
 * before anything walks the body, a NUL anywhere answers 400 body_contains_nul (no text column can hold it, and a
 * REST caller can fix its request), lone surrogates become U+FFFD, and a "__proto__" key is refused as Fastify's
 * parser refuses it.
 */
export function installBoundedJsonParser(scope: FastifyInstance): void {
	scope.removeContentTypeParser('application/json');
	scope.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
		const text = body as string;
		if (text.trim() === '') {
			done(badRequest('The body is empty but content-type is application/json; send a JSON value or no content-type.', 'empty_body'), undefined);
			return;
		}
		try {
			done(null, parseBoundedJson(text, { nul: 'reject' }));
		} catch (error) {
			done(error instanceof JsonBodyError ? new ApiError(400, error.code, error.message) : badRequest('The body is not valid JSON.', 'invalid_json'), undefined);
		}
	});
}
