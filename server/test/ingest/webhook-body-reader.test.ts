import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { readWebhookBody, WebhookBodyTooLarge } from '../../src/ingest/webhook-body-reader';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A body in the given pieces, as a request stream delivers it. */
const streamOf = (text: string, cuts: number[]) => {
	const bytes = Buffer.from(text);
	const edges = [0, ...cuts, bytes.length];
	return Readable.from(edges.slice(1).map((end, i) => bytes.subarray(edges[i], end)).filter((chunk) => chunk.length > 0));
};

/**
 * The webhook body reader: a body within the limit is kept as it came; over it, every "base64" member's value is
 * left out as the bytes stream by — wherever the chunks happen to be cut — and only the rest must fit.
 */
describe('webhook body reader', () => {
	const media = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=='.repeat(4);
	const body = JSON.stringify({ event: 'messages.upsert', instance: 'loja', data: { key: { id: '3EB0A1' }, message: { imageMessage: { caption: 'foto "base64"' }, base64: media }, pushName: 'Ana' } });
	const stripped = body.replace(media, '');

	it('keeps a body within the limit byte for byte', async () => {
		const read = await readWebhookBody(streamOf(body, [10, 200]), { limit: body.length, maxBytes: 10_000 });
		expect(read.buffer.toString()).toBe(body);
		expect(read).toMatchObject({ mediaLeftOut: false, receivedBytes: body.length, sha256: sha256(body) });
	});

	it('leaves the base64 value out of a body over the limit, wherever the chunks are cut', async () => {
		for (let cut = 1; cut < body.length; cut++) {
			const read = await readWebhookBody(streamOf(body, [cut]), { limit: stripped.length + 5, maxBytes: 10_000 });
			expect({ cut, text: read.buffer.toString() }).toEqual({ cut, text: stripped });
			expect(read.mediaLeftOut).toBe(true);
			// The hash is the received body's, so a provider's retry of the same delivery is still recognised.
			expect(read.sha256).toBe(sha256(body));
		}
		// Cut into single bytes, and into two cuts around the member name.
		const bytes = Array.from({ length: body.length - 1 }, (_v, i) => i + 1);
		expect((await readWebhookBody(streamOf(body, bytes), { limit: stripped.length, maxBytes: 10_000 })).buffer.toString()).toBe(stripped);
		const at = body.indexOf('"base64":"');
		expect((await readWebhookBody(streamOf(body, [at + 2, at + 7]), { limit: stripped.length, maxBytes: 10_000 })).buffer.toString()).toBe(stripped);
		expect(JSON.parse(stripped).data.message.base64).toBe('');
	});

	it('skips escaped characters inside the value, and leaves out every base64 member', async () => {
		const twice = JSON.stringify({ a: { base64: 'AAAA"\\BBBB' }, b: [{ base64: media }], c: 'texto' });
		for (let cut = 1; cut < twice.length; cut += 3) {
			const read = await readWebhookBody(streamOf(twice, [cut]), { limit: 60, maxBytes: 10_000 });
			expect(JSON.parse(read.buffer.toString())).toEqual({ a: { base64: '' }, b: [{ base64: '' }], c: 'texto' });
		}
	});

	it('refuses with 413 a body still over the limit without its media, and one over the read cap', async () => {
		const big = JSON.stringify({ data: { text: 'x'.repeat(5_000), base64: media } });
		await expect(readWebhookBody(streamOf(big, [100]), { limit: 1_000, maxBytes: 100_000 })).rejects.toThrow(WebhookBodyTooLarge);
		await expect(readWebhookBody(streamOf(body, [100]), { limit: 100, maxBytes: 200 })).rejects.toMatchObject({ statusCode: 413, code: 'payload_too_large' });
	});
});
