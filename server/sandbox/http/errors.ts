/**
 * Evolution's error model: controllers throw {status, error, message} and the global handler
 * renders {status, error, response:{message}}. The type of `message` depends on the path
 * (string, string[], string[][], object[]), so callers pass it exactly as Evolution would.
 */
export class EvolutionError extends Error {
	constructor(
		readonly status: number,
		readonly errorText: string,
		readonly responseMessage: unknown,
	) {
		super(typeof responseMessage === 'string' ? responseMessage : JSON.stringify(responseMessage));
	}

	toBody(): { status: number; error: string; response: { message: unknown } } {
		return { status: this.status, error: this.errorText, response: { message: this.responseMessage } };
	}
}

/** BadRequestException(...args): the message is the array of arguments. */
export const badRequest = (...messages: unknown[]) => new EvolutionError(400, 'Bad Request', messages);
export const notFound = (...messages: unknown[]) => new EvolutionError(404, 'Not Found', messages);
export const forbidden = (...messages: unknown[]) => new EvolutionError(403, 'Forbidden', messages);
/** UnauthorizedException renders its message as a plain string. */
export const unauthorized = () => new EvolutionError(401, 'Unauthorized', 'Unauthorized');
/** An uncaught JS error: the message is the error's string, not an array. */
export const internalError = (message: string) => new EvolutionError(500, 'Internal Server Error', message);
export const internalServerException = (...messages: unknown[]) =>
	new EvolutionError(500, 'Internal Server Error', messages);

/** The "instance does not exist" 404 used by the instance guard. */
export const instanceNotFound = (name: string) => notFound(`The "${name}" instance does not exist`);
export const notConnected = (name: string) => badRequest(`The "${name}" instance is not connected`);

/** What Baileys throws when a route needs a socket that was never opened. */
export const noSocket = (method: string) =>
	internalError(`Cannot read properties of undefined (reading '${method}')`);

/** A response that bypasses the envelope (whatsappNumbers, connect/restart, findChatByRemoteJid). */
export class RawReply extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
	) {
		super('raw reply');
	}
}
