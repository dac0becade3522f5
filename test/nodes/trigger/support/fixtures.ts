import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';

const PAYLOADS = join(__dirname, '..', '..', '..', 'fixtures', 'evolution', 'payloads');

/** A fresh copy of one of the Evolution example payloads (test/fixtures/evolution/payloads). */
export function payload(name: string): IDataObject {
	return JSON.parse(readFileSync(join(PAYLOADS, `${name}.json`), 'utf8')) as IDataObject;
}

/** A tiny but real JPEG-looking byte string, so binary assertions compare exact bytes. */
export const IMAGE_BYTES = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
