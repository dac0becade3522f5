import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * Evolution with webhookBase64 puts a whole media file inside the webhook (`data.message.base64`): a 60 MB video is
 * an 80 MB body. Refusing it with 413 would lose the message itself (Evolution does not retry a 4xx), and keeping it
 * whole in memory costs several times its size. So a body over the limit is read on, with the value of every
 * `"base64":"…"` member left out as it streams by: the message is stored as usual, and its file is fetched in the
 * background with getBase64FromMediaMessage (the media sweeper finds it, as for any webhook without base64). Only
 * what is left must fit the limit; the bytes read at all are capped by `maxBytes`.
 */
export interface WebhookBody {
	buffer: Buffer;
	/** Hex SHA-256 of the body as received (before anything is left out): spots a provider's retries. */
	sha256: string;
	/** Bytes received. */
	receivedBytes: number;
	/** True when base64 media values were left out to fit the limit. */
	mediaLeftOut: boolean;
}

export class WebhookBodyTooLarge extends Error {
	readonly statusCode = 413;
	readonly code = 'payload_too_large';
}

const MEMBER = Buffer.from('"base64":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Streams JSON text through, emptying the string value of every "base64" member. */
export class Base64ValueStripper {
	private readonly out: Buffer[] = [];
	private outBytes = 0;
	/** Bytes at the end of the last chunk that may be the start of MEMBER (not emitted yet). */
	private pending: Buffer = Buffer.alloc(0);
	private inValue = false;
	private escaped = false;

	constructor(private readonly limit: number) {}

	get bytes(): number {
		return this.outBytes;
	}

	write(chunk: Buffer): void {
		let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
		this.pending = Buffer.alloc(0);
		let pos = 0;
		while (pos < data.length) {
			if (this.inValue) {
				pos = this.skipValue(data, pos);
				continue;
			}
			const found = data.indexOf(MEMBER, pos);
			if (found !== -1) {
				this.emit(data.subarray(pos, found + MEMBER.length));
				pos = found + MEMBER.length;
				this.inValue = true;
				continue;
			}
			const keep = partialMemberAtEnd(data, pos);
			this.emit(data.subarray(pos, data.length - keep));
			this.pending = Buffer.from(data.subarray(data.length - keep));
			data = Buffer.alloc(0);
			pos = 0;
		}
	}

	end(): Buffer {
		this.emit(this.pending);
		this.pending = Buffer.alloc(0);
		return Buffer.concat(this.out, this.outBytes);
	}

	/** Skips the value's characters up to its closing quote (kept: it is emitted as the next text). */
	private skipValue(data: Buffer, from: number): number {
		let pos = from;
		if (this.escaped) {
			this.escaped = false;
			pos++;
		}
		while (pos < data.length) {
			const quote = data.indexOf(QUOTE, pos);
			const backslash = data.indexOf(BACKSLASH, pos);
			if (backslash !== -1 && (quote === -1 || backslash < quote)) {
				// An escaped character (never in base64, but a JSON string may have one): skip it and what it escapes.
				if (backslash + 1 >= data.length) {
					this.escaped = true;
					return data.length;
				}
				pos = backslash + 2;
				continue;
			}
			if (quote === -1) return data.length;
			this.inValue = false;
			return quote;
		}
		return pos;
	}

	private emit(bytes: Buffer): void {
		if (!bytes.length) return;
		this.outBytes += bytes.length;
		if (this.outBytes > this.limit) throw new WebhookBodyTooLarge(`body is larger than ${this.limit} bytes even without its media`);
		this.out.push(Buffer.from(bytes));
	}
}

/** How many bytes at the end of data (from `from`) are a proper prefix of MEMBER. */
function partialMemberAtEnd(data: Buffer, from: number): number {
	const max = Math.min(MEMBER.length - 1, data.length - from);
	for (let length = max; length > 0; length--) {
		if (data.compare(MEMBER, 0, length, data.length - length, data.length) === 0) return length;
	}
	return 0;
}

/** Reads a webhook body: whole when it fits `limit`, with its base64 media left out when it does not. */
export async function readWebhookBody(stream: Readable, options: { limit: number; maxBytes: number }): Promise<WebhookBody> {
	const hash = createHash('sha256');
	const chunks: Buffer[] = [];
	let received = 0;
	let stripper: Base64ValueStripper | undefined;
	for await (const chunk of stream as AsyncIterable<Buffer>) {
		received += chunk.length;
		if (received > options.maxBytes) {
			stream.destroy();
			throw new WebhookBodyTooLarge(`body is larger than ${options.maxBytes} bytes`);
		}
		hash.update(chunk);
		if (stripper) {
			stripper.write(chunk);
			continue;
		}
		chunks.push(chunk);
		if (received > options.limit) {
			// Over the limit: what was kept so far goes through the stripper too, and is let go.
			stripper = new Base64ValueStripper(options.limit);
			for (const kept of chunks.splice(0)) stripper.write(kept);
		}
	}
	const buffer = stripper ? stripper.end() : Buffer.concat(chunks, received);
	return { buffer, sha256: hash.digest('hex'), receivedBytes: received, mediaLeftOut: !!stripper };
}
