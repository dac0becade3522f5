/** Small real files for the media scenarios: the browser must decode them (a fake would prove nothing). */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

function crc32(bytes: Buffer): number {
	let crc = 0xffffffff;
	for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(body));
	return Buffer.concat([length, body, crc]);
}

/** A width × height PNG: a diagonal gradient from one colour to another. */
export function png(width: number, height: number, from: [number, number, number], to: [number, number, number]): Buffer {
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
	const rows: Buffer[] = [];
	for (let y = 0; y < height; y++) {
		const row = Buffer.alloc(1 + width * 3);
		for (let x = 0; x < width; x++) {
			const t = (x + y) / (width + height - 2);
			for (let c = 0; c < 3; c++) row[1 + x * 3 + c] = Math.round(from[c] + (to[c] - from[c]) * t);
		}
		rows.push(row);
	}
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

/** A mono 8 kHz 16-bit WAV of a 440 Hz tone, `seconds` long. */
export function wav(seconds: number): Buffer {
	const rate = 8_000;
	const samples = Math.round(rate * seconds);
	const data = Buffer.alloc(samples * 2);
	for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 8_000), i * 2);
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'ascii');
	header.writeUInt32LE(36 + data.length, 4);
	header.write('WAVEfmt ', 8, 'ascii');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20);
	header.writeUInt16LE(1, 22);
	header.writeUInt32LE(rate, 24);
	header.writeUInt32LE(rate * 2, 28);
	header.writeUInt16LE(2, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36, 'ascii');
	header.writeUInt32LE(data.length, 40);
	return Buffer.concat([header, data]);
}

/** A one-page PDF whose text is `text` (ASCII). */
export function pdf(text: string): Buffer {
	return Buffer.from(
		`%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 144]/Contents 4 0 R>>endobj\n4 0 obj<</Length ${text.length + 30}>>stream\nBT /F1 18 Tf 20 70 Td (${text}) Tj ET\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n`,
	);
}

/**
 * A width × height WebP sticker of one colour, lossless (VP8L): with every prefix code holding a single symbol the
 * pixels take no bits, so the header and the five codes are the whole image (RFC 9649 §3–5).
 */
export function webp(width: number, height: number, [red, green, blue]: [number, number, number]): Buffer {
	const bits: number[] = [];
	const put = (value: number, count: number) => {
		for (let i = 0; i < count; i++) bits.push((value >> i) & 1);
	};
	put(width - 1, 14);
	put(height - 1, 14);
	put(0, 1); // no alpha
	put(0, 3); // version 0
	put(0, 1); // no transform
	put(0, 1); // no colour cache
	put(0, 1); // no meta prefix codes
	// The codes for green, red, blue, alpha and the backward distance: "simple", one symbol each.
	for (const symbol of [green, red, blue, 255, 0]) {
		put(1, 1);
		put(0, 1);
		if (symbol < 2) {
			put(0, 1);
			put(symbol, 1);
		} else {
			put(1, 1);
			put(symbol, 8);
		}
	}
	const data = Buffer.alloc(1 + Math.ceil(bits.length / 8));
	data[0] = 0x2f;
	bits.forEach((bit, i) => {
		data[1 + (i >> 3)] |= bit << (i & 7);
	});
	const padded = data.length % 2 ? Buffer.concat([data, Buffer.alloc(1)]) : data;
	const header = Buffer.alloc(20);
	header.write('RIFF', 0, 'ascii');
	header.writeUInt32LE(12 + padded.length, 4);
	header.write('WEBPVP8L', 8, 'ascii');
	header.writeUInt32LE(data.length, 16);
	return Buffer.concat([header, padded]);
}
