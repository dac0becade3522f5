/** An error the API answers with: an HTTP status and a stable machine code, rendered as {error: {code, message}}. */
export class ApiError extends Error {
	constructor(
		readonly statusCode: number,
		readonly code: string,
		message: string,
	) {
		super(message);
		this.name = 'ApiError';
	}
}

export const badRequest = (message: string, code = 'bad_request') => new ApiError(400, code, message);
export const unauthorized = (message = 'Sign in first: send "Authorization: Bearer <token>".') => new ApiError(401, 'unauthorized', message);
export const forbidden = (message = 'Your role may not do this; ask a workspace admin.') => new ApiError(403, 'forbidden', message);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found in your workspace.`);
export const conflict = (message: string, code = 'conflict') => new ApiError(409, code, message);
