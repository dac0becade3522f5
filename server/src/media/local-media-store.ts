import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import type { ByteRange, MediaStore } from './media-store';

/**
 * The default store: files in a folder (DATA_DIR/media). Written to a temporary name and renamed, so a reader never
 * sees half a file and a crash mid-write leaves no file under the real key.
 */
export class LocalMediaStore implements MediaStore {
	readonly kind = 'local';
	private readonly root: string;

	constructor(root: string) {
		this.root = resolve(root);
	}

	async put(key: string, bytes: Buffer): Promise<void> {
		const path = this.pathOf(key);
		await mkdir(dirname(path), { recursive: true });
		const temporary = `${path}.${process.pid}.${Date.now()}.partial`;
		await writeFile(temporary, bytes);
		await rename(temporary, path);
	}

	async read(key: string, range?: ByteRange): Promise<Readable> {
		const stream = createReadStream(this.pathOf(key), range ? { start: range.start, end: range.end } : {});
		// Fail here (missing file) rather than mid-answer.
		await new Promise<void>((ready, fail) => {
			stream.once('open', () => ready());
			stream.once('error', fail);
		});
		return stream;
	}

	async remove(key: string): Promise<void> {
		await rm(this.pathOf(key), { force: true });
	}

	/** Keys are ours (workspace/id), but a path outside the root is refused all the same. */
	private pathOf(key: string): string {
		const path = resolve(join(this.root, key));
		if (!path.startsWith(this.root + sep)) throw new Error(`media key outside the store: ${key}`);
		return path;
	}
}
