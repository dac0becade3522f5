import { Socket } from 'node:net';

/**
 * A diagnostic for a rare failure: now and then, on a loaded machine, a test fails with nothing but a bare
 * `connect ECANCELED 127.0.0.1:<port>` and no stack of ours — either a socket error no one listened to, thrown into
 * whichever test was running, or a client library (pg, ioredis, http) passing the socket's own error up as it is.
 * Every socket remembers where it was connected from, and its errors carry that place at the end of their stack, so
 * the failure names its caller wherever the error ends up. It changes no outcome: the same error object goes the same
 * way, its message untouched.
 */
const ORIGIN = Symbol('socket origin');
const TOLD = Symbol('socket origin told');
const patched = Symbol.for('whatsapp-inbox.socket-origin');
const proto = Socket.prototype as Socket & Record<symbol, unknown>;

if (!proto[patched]) {
	proto[patched] = true;
	const connect = proto.connect;
	proto.connect = function (this: Socket & Record<symbol, unknown>, ...args: unknown[]) {
		// The Error is cheap to make; its stack text is only formatted if it is ever read. Deep enough to get past a
		// client library's own frames (axios, follow-redirects, ioredis, pg) to the caller.
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
		const error = args[0] as (Error & Record<symbol, unknown>) | undefined;
		if (event === 'error' && typeof error?.message === 'string' && this[ORIGIN] && !error[TOLD]) {
			error[TOLD] = true;
			const where = (this[ORIGIN] as Error).stack?.split('\n').slice(1).join('\n') ?? '';
			const unheard = this.listenerCount('error') === 0 ? ' (an error no one listened to)' : '';
			error.stack = `${error.stack ?? error.message}\n  socket connected at${unheard}:\n${where}`;
		}
		return (emit as (...a: unknown[]) => boolean).call(this, event, ...args);
	} as typeof proto.emit;
}
