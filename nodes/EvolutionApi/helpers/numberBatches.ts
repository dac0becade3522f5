import type { IDataObject } from 'n8n-workflow';

/**
 * Check Numbers asks about many items' numbers in one `/chat/whatsappNumbers` call (Evolution takes an array and
 * checks it with one WhatsApp query), then gives each answer row back to the item that asked for it.
 */

/** Some numbers of one item: all of them, or one request's worth when the item alone has more than that. */
export interface NumberPiece {
	itemIndex: number;
	numbers: string[];
}

/** An item's numbers cut into pieces of at most `size` (what one item alone has always been sent as). */
export function piecesOf(itemIndex: number, numbers: string[], size: number): NumberPiece[] {
	const pieces: NumberPiece[] = [];
	for (let start = 0; start < numbers.length; start += size) pieces.push({ itemIndex, numbers: numbers.slice(start, start + size) });
	return pieces;
}

/**
 * Packs pieces (of one instance, in input order) into requests of at most `size` numbers. A piece is never split
 * across requests, so an item's answer rows all come from one answer, as when it was asked alone. Evolution refuses
 * a list with a number twice (`uniqueItems`: 400), so a number already in a request starts the next one, and a
 * piece that itself has a number twice goes alone (and gets that 400, as it did alone).
 */
export function packPieces(pieces: NumberPiece[], size: number): NumberPiece[][] {
	const batches: NumberPiece[][] = [];
	let current: NumberPiece[] = [];
	const inCurrent = new Set<string>();
	const close = () => {
		if (current.length > 0) batches.push(current);
		current = [];
		inCurrent.clear();
	};
	for (const piece of pieces) {
		if (new Set(piece.numbers).size !== piece.numbers.length) {
			close();
			batches.push([piece]);
			continue;
		}
		if (inCurrent.size + piece.numbers.length > size || piece.numbers.some((number) => inCurrent.has(number))) close();
		current.push(piece);
		for (const number of piece.numbers) inCurrent.add(number);
	}
	close();
	return batches;
}

/** The digits before any `@`: how a row's `number` is matched when it is not the text that was sent. */
function digitsOf(number: string): string {
	return number.split('@')[0].replace(/\D/g, '');
}

/**
 * The answer rows of one call, per piece, in the answer's order (Evolution answers one row per number sent, its
 * `number` the text sent; its order is broadcasts, groups, then people — the same order each piece alone would get).
 * Rows are matched by that text, or if that fails for any row, all by the digits before the `@` (an answer that gives
 * the JID's digits back). `undefined` when neither gives every row back (not one row per number, or a row whose
 * `number` was not asked): then each piece is asked alone, as before.
 */
export function rowsPerPiece(batch: NumberPiece[], answer: unknown): IDataObject[][] | undefined {
	if (!Array.isArray(answer)) return undefined;
	const rows = answer as unknown[];
	if (!rows.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row))) return undefined;
	return matchRows(batch, rows as IDataObject[], (number) => number) ?? matchRows(batch, rows as IDataObject[], digitsOf);
}

function matchRows(batch: NumberPiece[], answer: IDataObject[], keyOf: (number: string) => string): IDataObject[][] | undefined {
	// For each key, the pieces that asked it, in the order asked (two texts with the same digits: two rows, in that order).
	const askedBy = new Map<string, number[]>();
	let asked = 0;
	batch.forEach((piece, pieceIndex) => {
		for (const number of piece.numbers) {
			const key = keyOf(number);
			const pieces = askedBy.get(key);
			if (pieces) pieces.push(pieceIndex);
			else askedBy.set(key, [pieceIndex]);
			asked++;
		}
	});
	if (answer.length !== asked) return undefined;
	const rows: IDataObject[][] = batch.map(() => []);
	for (const row of answer) {
		const key = keyOf(String(row.number ?? ''));
		const pieceIndex = key === '' ? undefined : askedBy.get(key)?.shift();
		if (pieceIndex === undefined) return undefined;
		rows[pieceIndex].push(row);
	}
	return rows;
}
