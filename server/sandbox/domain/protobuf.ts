/**
 * How Evolution 2.3.6+ serialises protobuf fields into JSON: bytes become objects with numeric keys
 * and int64 values become Long objects {low, high, unsigned}.
 */
import { createHash, randomBytes } from 'node:crypto';

export type ByteObject = Record<string, number>;
export interface Long {
	low: number;
	high: number;
	unsigned: boolean;
}

export function bytesObject(bytes: Uint8Array): ByteObject {
	const object: ByteObject = {};
	bytes.forEach((byte, index) => (object[String(index)] = byte));
	return object;
}

export const randomBytesObject = (length: number) => bytesObject(randomBytes(length));
export const sha256Object = (data: Uint8Array) => bytesObject(createHash('sha256').update(data).digest());

export function long(value: number, unsigned: boolean): Long {
	const big = BigInt.asUintN(64, BigInt(Math.trunc(value)));
	return {
		low: Number(BigInt.asIntN(32, big & 0xffffffffn)),
		high: Number(BigInt.asIntN(32, big >> 32n)),
		unsigned,
	};
}

/** messageContextInfo as received on every incoming message. */
export function messageContextInfo() {
	const now = Math.floor(Date.now() / 1000);
	return {
		deviceListMetadata: {
			senderKeyHash: randomBytesObject(10),
			senderTimestamp: long(now - 86400 * 3, true),
			senderKeyIndexes: [],
			recipientKeyHash: randomBytesObject(10),
			recipientTimestamp: long(now - 86400 * 2, true),
			recipientKeyIndexes: [],
		},
		deviceListMetadataVersion: 2,
		messageSecret: randomBytesObject(32),
		threadId: [],
	};
}

/** The contextInfo Baileys 7 attaches to 1:1 sends (and Evolution lifts to the top level). */
export function outgoingContextInfo() {
	return {
		mentionedJid: [] as string[],
		groupMentions: [],
		ephemeralSettingTimestamp: long(Math.floor(Date.now() / 1000) - 172800, false),
		disappearingMode: { initiator: 0 },
	};
}
