import { finished } from 'node:stream/promises';
import type { FastifyReply } from 'fastify';

/**
 * Waits until a reply the handler answered itself (a file stream) is over: written out, or cut short by the client.
 * The handler then returns nothing.
 *
 * Why not `return reply` or `await reply.send(stream)`, as Fastify's guide shows: the reply's own `then` rejects when
 * the response errors mid-stream (the client reset the connection: EPIPE, ECONNRESET). Fastify then answers that
 * error with a 500 on a response whose headers are already out; that throws inside its promise handler, and the
 * unhandled rejection ends the process. A download cut short is routine (a closed tab, a player seeking), so it must
 * cost nothing: the stream is torn down by Fastify, and this resolves either way.
 */
export async function streamedReplyOver(reply: FastifyReply): Promise<void> {
	await finished(reply.raw).catch(() => undefined);
}
