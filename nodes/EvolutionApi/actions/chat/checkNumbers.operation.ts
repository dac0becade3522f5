import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { failedItem } from '../../../shared/router';
import { mapInOrder, readParallelRequests } from '../../helpers/concurrency';
import { instancePath, resolveInstanceName } from '../../helpers/instance';
import type { NumberPiece } from '../../helpers/numberBatches';
import { packPieces, piecesOf, rowsPerPiece } from '../../helpers/numberBatches';
import { normalizeWhatsAppAddress, splitAddressList } from '../../helpers/phone';
import { evolutionApiRequest } from '../../transport';

/** Numbers per request: Evolution checks them against WhatsApp in one query; keep each request small. */
export const NUMBERS_PER_REQUEST = 50;

const properties: INodeProperties[] = [
	{
		displayName: 'Numbers',
		name: 'numbers',
		type: 'string',
		typeOptions: { rows: 3 },
		default: '',
		required: true,
		placeholder: 'e.g. +55 11 98765-4321, 5511912345678',
		description: 'Phone numbers separated by commas or new lines (or an array from an expression)',
	},
];

/** Reads only: items may be asked in parallel (see OperationModule.readOnly). */
export const readOnly = true;

export const description = updateDisplayOptions(
	{ show: { resource: ['chat'], operation: ['checkNumbers'] } },
	properties,
);

/** One item's instance and its numbers, normalised; an item with none is an error of that item. */
async function readItem(this: IExecuteFunctions, itemIndex: number): Promise<{ instanceName: string; numbers: string[] }> {
	const instanceName = await resolveInstanceName.call(this, itemIndex);
	const raw = this.getNodeParameter('numbers', itemIndex) as string | string[];
	const numbers = splitAddressList(raw)
		.map((entry) => normalizeWhatsAppAddress(entry))
		.filter((entry): entry is string => entry !== undefined);
	if (numbers.length === 0) {
		throw new NodeOperationError(this.getNode(), 'No phone number to check', { itemIndex });
	}
	return { instanceName, numbers };
}

async function askEvolution(this: IExecuteFunctions, instanceName: string, numbers: string[], itemIndex: number): Promise<unknown> {
	return await evolutionApiRequest.call(this, {
		method: 'POST',
		path: `/chat/whatsappNumbers/${instancePath(instanceName)}`,
		body: { numbers },
		instanceName,
		itemIndex,
	});
}

function answerRows(response: unknown): IDataObject[] {
	return (Array.isArray(response) ? response : []) as IDataObject[];
}

/** One item alone: its numbers in requests of at most 50, one output item per answer row. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<INodeExecutionData[]> {
	const { instanceName, numbers } = await readItem.call(this, itemIndex);
	const results: INodeExecutionData[] = [];
	for (const piece of piecesOf(itemIndex, numbers, NUMBERS_PER_REQUEST)) {
		for (const row of answerRows(await askEvolution.call(this, instanceName, piece.numbers, itemIndex))) results.push({ json: row });
	}
	return results;
}

/**
 * Every item at once: the numbers of several items go in one request (up to 50 numbers, "Parallel Requests" of them
 * at a time), and each answer row goes back to the item that asked for it, as if each item had been asked alone —
 * the same rows in the same order, linked to their item. A request that fails, or whose answer cannot be given back
 * exactly, is asked again item by item, so each item gets its own answer or its own error. Without "continue on
 * fail" the node stops with the first failed item, as a plain loop would.
 */
export async function executeAll(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	// Each piece's answer rows; an item's output is its pieces' rows in piece order, whichever answer came first.
	const piecesOfItem: NumberPiece[][] = items.map(() => []);
	const answered = new Map<NumberPiece, IDataObject[]>();
	const failures = new Map<number, unknown>();
	const continueOnFail = this.continueOnFail();
	// Without "continue on fail", nothing after the first failed item is needed.
	const lastNeeded = () => (continueOnFail || failures.size === 0 ? items.length - 1 : Math.min(...failures.keys()) - 1);

	const piecesByInstance = new Map<string, NumberPiece[]>();
	for (let itemIndex = 0; itemIndex < items.length && itemIndex <= lastNeeded(); itemIndex++) {
		try {
			const { instanceName, numbers } = await readItem.call(this, itemIndex);
			piecesOfItem[itemIndex] = piecesOf(itemIndex, numbers, NUMBERS_PER_REQUEST);
			const pieces = piecesByInstance.get(instanceName) ?? [];
			pieces.push(...piecesOfItem[itemIndex]);
			piecesByInstance.set(instanceName, pieces);
		} catch (error) {
			failures.set(itemIndex, error);
		}
	}
	const requests = [...piecesByInstance].flatMap(([instanceName, pieces]) =>
		packPieces(
			pieces.filter((piece) => piece.itemIndex <= lastNeeded()),
			NUMBERS_PER_REQUEST,
		).map((batch) => ({ instanceName, batch })),
	);
	requests.sort((a, b) => a.batch[0].itemIndex - b.batch[0].itemIndex);

	const askAlone = async (instanceName: string, piece: NumberPiece) => {
		if (piece.itemIndex > lastNeeded() || failures.has(piece.itemIndex)) return;
		try {
			answered.set(piece, answerRows(await askEvolution.call(this, instanceName, piece.numbers, piece.itemIndex)));
		} catch (error) {
			failures.set(piece.itemIndex, error);
		}
	};
	await mapInOrder(requests.length, readParallelRequests.call(this), async (index) => {
		const { instanceName, batch } = requests[index];
		if (batch[0].itemIndex > lastNeeded()) return;
		if (batch.length === 1) return await askAlone(instanceName, batch[0]);
		const perPiece = await askEvolution
			.call(this, instanceName, batch.flatMap((piece) => piece.numbers), batch[0].itemIndex)
			.then((answer) => rowsPerPiece(batch, answer))
			// Asked again item by item below, so the error (or answer) is each item's own.
			.catch(() => undefined);
		if (perPiece) batch.forEach((piece, pieceIndex) => answered.set(piece, perPiece[pieceIndex]));
		else for (const piece of batch) await askAlone(instanceName, piece);
	});

	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length && itemIndex <= lastNeeded() + 1; itemIndex++) {
		if (failures.has(itemIndex)) output.push(...failedItem.call(this, failures.get(itemIndex), itemIndex));
		else
			for (const piece of piecesOfItem[itemIndex])
				for (const json of answered.get(piece) ?? []) output.push({ json, pairedItem: { item: itemIndex } });
	}
	return output;
}
