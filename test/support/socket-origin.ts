import { Socket } from 'node:net';

/**
 * A diagnostic for a rare failure: now and then, on a loaded machine, a test fails with nothing but a bare
 * `connect ECANCELED 127.0.0.1:<port>` — a socket's 'error' event that nobody listened to, thrown as an uncaught
 * exception into whichever test was running, with no stack of ours in it. Every socket remembers where it was
 * connected from, and an error nobody listens to carries that place in its message, so the failure names its caller.
 * It changes no outcome: the error is thrown exactly as before, with one more line.
 */
const ORIGIN = Symbol('socket origin');
const patched = Symbol.for('whatsapp-inbox.socket-origin');
const proto = Socket.prototype as Socket & Record<symbol, unknown>;

if (!proto[patched]) {
	proto[patched] = true;
	const connect = proto.connect;
	proto.connect = function (this: Socket & Record<symbol, unknown>, ...args: unknown[]) {
		// The Error is cheap to make; its stack text is only formatted if it is ever read. Deep enough to get past a
		// client library's own frames (axios, follow-redirects, ioredis) to the caller.
		if (!this[ORIGIN]) {
			const limit = Error.stackTraceLimit;
			Error.stackTraceLimit = 40;
			this[ORIGIN] = new Error('socket connected');
			Error.stackTraceLimit = limit;
		}
		return (connect as (...a: unknown[]) => Socket).apply(this, args);
	} as typeof proto.connect;
	const emit = proto.emit;
	proto.emit = function (this: Socket & Record<symbol, unknown>, event: string | symbol, ...args: unknown[]) {
		// Not instanceof: Node's errors come from another realm than this file's (Jest runs tests in a vm context).
		const error = args[0] as Error | undefined;
		if (event === 'error' && this.listenerCount('error') === 0 && typeof error?.message === 'string' && this[ORIGIN]) {
			const where = (this[ORIGIN] as Error).stack?.split('\n').slice(1).join('\n') ?? '';
			error.message += `\n(an 'error' no one listened to, on a socket connected at:\n${where})`;
			error.stack = `${error.stack ?? ''}\n(socket connected at:\n${where})`;
		}
		return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
	} as typeof proto.emit;
}
