import type { FastifyError, FastifyInstance } from 'fastify';
import { clientStatusOfDbError } from '../../db/db-error';
import { ApiError } from './api-error';

const CODES_BY_STATUS: Record<number, string> = {
	400: 'bad_request',
	401: 'unauthorized',
	403: 'forbidden',
	404: 'not_found',
	405: 'method_not_allowed',
	409: 'conflict',
	413: 'payload_too_large',
	415: 'unsupported_media_type',
	429: 'rate_limited',
};

/** Every failure of the scope's routes answers {error: {code, message}}; 5xx never leak internals. */
export function installApiErrorHandler(app: FastifyInstance): void {
	app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
		if (error instanceof ApiError) {
			return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message } });
		}
		const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
		if (status >= 400 && status < 500) {
			return reply.code(status).send({ error: { code: CODES_BY_STATUS[status] ?? 'bad_request', message: error.message } });
		}
		// A value the database refused (malformed, out of range, too large for an index; a duplicate): the caller's to fix.
		const refused = clientStatusOfDbError(error);
		if (refused) {
			request.log.warn({ err: error }, 'request refused by the database');
			return reply.code(refused).send({
				error: refused === 409 ? { code: 'conflict', message: 'That conflicts with something already stored.' } : { code: 'invalid_value', message: 'A value in the request cannot be stored (malformed, out of range or too long).' },
			});
		}
		request.log.error({ err: error }, 'request failed');
		return reply.code(500).send({ error: { code: 'internal_error', message: 'Something went wrong on our side; try again.' } });
	});
	app.setNotFoundHandler((request, reply) =>
		reply.code(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` } }),
	);
}
