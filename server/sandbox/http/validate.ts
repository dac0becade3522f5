/** Evolution's validation wrappers: dataValidate (string[][]) and the group variants ({property,message}[]). */
import { badRequest } from './errors';
import { type Schema, validateSchema } from './json-schema';

/** dataValidate: 400 with message = [[...one string per error]]. */
export function validateBody<T>(body: unknown, schema: Schema): T {
	const errors = validateSchema(body ?? {}, schema);
	if (errors.length > 0) throw badRequest(errors.map((error) => error.message));
	return (body ?? {}) as T;
}

/** groupValidate / groupNoValidate / inviteCodeValidate / getParticipantsValidate: 400 with {property,message}[]. */
export function validateGroupBody<T>(body: unknown, schema: Schema): T {
	const errors = validateSchema(body ?? {}, schema);
	if (errors.length > 0)
		throw badRequest(...errors.map((error) => ({ property: error.property.replace('instance.', ''), message: error.message })));
	return (body ?? {}) as T;
}
