 
import { explainEvolutionError } from '../../nodes/EvolutionApi/helpers/errors';
import { normalizeStoredMessage } from '../../nodes/EvolutionApi/helpers/normalizeMessage';
import { packPieces, piecesOf, rowsPerPiece } from '../../nodes/EvolutionApi/helpers/numberBatches';
import { isGroupAddress, normalizeWhatsAppAddress, toJid } from '../../nodes/EvolutionApi/helpers/phone';

describe('normalizeWhatsAppAddress', () => {
	it.each([
		['+55 (11) 98765-4321', '5511987654321'],
		['5511987654321', '5511987654321'],
		[' 55 11 98765 4321 ', '5511987654321'],
		['5511987654321@s.whatsapp.net', '5511987654321@s.whatsapp.net'],
		['5511987654321:12@s.whatsapp.net', '5511987654321@s.whatsapp.net'],
		['120363025246125486@g.us', '120363025246125486@g.us'],
		['123456789012345@lid', '123456789012345@lid'],
		['5511999990000-1600000000', '5511999990000-1600000000'],
		['status@broadcast', 'status@broadcast'],
	])('%s → %s', (input, expected) => expect(normalizeWhatsAppAddress(input)).toBe(expected));

	it('rejects text without digits', () => {
		expect(normalizeWhatsAppAddress('not a number')).toBeUndefined();
		expect(normalizeWhatsAppAddress('')).toBeUndefined();
	});

	it('builds JIDs and recognises groups', () => {
		expect(toJid('5511987654321')).toBe('5511987654321@s.whatsapp.net');
		expect(toJid('5511999990000-1600000000')).toBe('5511999990000-1600000000@g.us');
		expect(isGroupAddress('120363025246125486@g.us')).toBe(true);
		expect(isGroupAddress('5511987654321')).toBe(false);
	});
});

describe('explainEvolutionError (verbatim 2.3.7 bodies)', () => {
	const explain = (status: number, body: unknown, path = '/message/sendText/t1') =>
		explainEvolutionError({ status, body, method: 'POST', path, instanceName: 't1' });

	it('maps each envelope shape to a sentence', () => {
		expect(explain(401, { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } }).message).toBe('Unauthorized: check the API key');
		expect(explain(404, { status: 404, error: 'Not Found', response: { message: ['The "nope" instance does not exist'] } }).message).toBe('Instance "nope" does not exist');
		expect(explain(404, { status: 404, error: 'Not Found', response: { message: ['Cannot POST /foo/bar'] } }, '/foo/bar').message).toBe('The server has no route POST /foo/bar');
		expect(explain(400, { status: 400, error: 'Bad Request', response: { message: [['instance requires property "text"']] } }).message).toBe('Evolution rejected the request: instance requires property "text"');
		expect(explain(400, { status: 400, error: 'Bad Request', response: { message: [{ property: 'participants', message: 'is required' }] } }).message).toBe('Evolution rejected the request: participants: is required');
		expect(explain(400, { status: 400, error: 'Bad Request', response: { message: [{ jid: '5511900000000@s.whatsapp.net', exists: false, number: '5511900000000' }] } }).message).toBe('Number 5511900000000 is not on WhatsApp');
		expect(explain(403, { status: 403, error: 'Forbidden', response: { message: ['This name "t1" is already in use.'] } }, '/instance/create').message).toBe('Instance name "t1" is already in use');
		expect(explain(400, { status: 400, error: 'Bad Request', response: { message: ['The "t1" instance is not connected'] } }).message).toBe('Instance "t1" is not connected');
		expect(explain(400, { status: 400, error: 'Bad Request', response: { message: ["TypeError: Cannot read properties of undefined (reading 'sendPresenceUpdate')"] } }).message).toBe('Instance "t1" is not connected');
		expect(explain(200, { error: true, message: '[object Object]' }, '/instance/restart/t1').message).toBe('Instance "t1" is not connected');
		expect(explain(500, { status: 500, error: 'Internal Server Error', response: { message: ['Read messages fail', 'TypeError: x'] } }).message).toBe('The Evolution API failed: Read messages fail; TypeError: x');
	});

	it('keeps the raw body in the description', () => {
		const body = { status: 401, error: 'Unauthorized', response: { message: 'Unauthorized' } };
		expect(explain(401, body).description).toContain(JSON.stringify(body));
	});
});

describe('normalizeStoredMessage', () => {
	it('flattens a stored record, preferring the phone JID over @lid and reading int64 timestamps', () => {
		const normalized = normalizeStoredMessage(
			{
				key: { remoteJid: '123@lid', remoteJidAlt: '5511988887777@s.whatsapp.net', fromMe: false, id: 'ABC' },
				pushName: 'Maria',
				messageType: 'imageMessage',
				message: { imageMessage: { caption: 'Receipt' } },
				messageTimestamp: { low: 1763800000, high: 0, unsigned: true },
				MessageUpdate: [{ status: 'DELIVERY_ACK' }, { status: 'READ' }],
				contextInfo: { stanzaId: 'Q1' },
			},
			't1',
		);
		expect(normalized).toMatchObject({
			messageId: 'ABC',
			chatJid: '5511988887777@s.whatsapp.net',
			sender: '5511988887777@s.whatsapp.net',
			text: 'Receipt',
			hasMedia: true,
			status: 'READ',
			quotedMessageId: 'Q1',
			messageTimestamp: 1763800000,
			timestamp: new Date(1763800000 * 1000).toISOString(),
		});
	});
});

describe('Check Numbers batches (rows given back to their items)', () => {
	const group = '120363025246125486@g.us';
	const batch = [
		{ itemIndex: 0, numbers: ['5511987654321', group] },
		{ itemIndex: 1, numbers: ['5511987654321@s.whatsapp.net'] },
		{ itemIndex: 2, numbers: ['5511912345678', '5511955554444'] },
	];

	it('reads an answer shaped as Evolution 2.3.7 gives it: each `number` as sent, groups before people', () => {
		// whatsappNumber(): broadcasts, then groups, then users, each row's `number` the text sent.
		const answer = [
			{ jid: group, exists: true, number: group, name: 'Vendas' },
			{ jid: '5511987654321@s.whatsapp.net', exists: true, number: '5511987654321' },
			{ jid: '5511987654321@s.whatsapp.net', exists: true, number: '5511987654321@s.whatsapp.net' },
			{ jid: '5511912345678@s.whatsapp.net', exists: false, number: '5511912345678' },
			{ jid: '5511955554444@s.whatsapp.net', exists: true, number: '5511955554444' },
		];
		expect(rowsPerPiece(batch, answer)).toEqual([[answer[0], answer[1]], [answer[2]], [answer[3], answer[4]]]);
	});

	it('matches a `number` given back as the digits of the JID', () => {
		const answer = [
			{ jid: '5511987654321@s.whatsapp.net', exists: true, number: '5511987654321' },
			{ jid: group, exists: true, number: '120363025246125486' },
			{ jid: '5511987654321@s.whatsapp.net', exists: true, number: '5511987654321' },
			{ jid: '5511912345678@s.whatsapp.net', exists: true, number: '5511912345678' },
			{ jid: '5511955554444@s.whatsapp.net', exists: true, number: '5511955554444' },
		];
		expect(rowsPerPiece(batch, answer)).toEqual([[answer[0], answer[1]], [answer[2]], [answer[3], answer[4]]]);
	});

	it('gives up (each item is then asked alone) when the answer is not one known row per number', () => {
		const row = (number: string) => ({ jid: `${number}@s.whatsapp.net`, exists: true, number });
		expect(rowsPerPiece(batch, [row('5511987654321')])).toBeUndefined();
		expect(rowsPerPiece(batch, ['5511987654321', group, '5511987654321', '5511912345678', '5511955554444'].map((n, i) => (i === 3 ? row('5599999999999') : row(n))))).toBeUndefined();
		expect(rowsPerPiece(batch, { numbers: [] })).toBeUndefined();
	});

	it('packs whole items into requests of at most 50 numbers, cutting only an item that alone has more', () => {
		const numbers = (count: number, from: number) => Array.from({ length: count }, (_, n) => String(5511900000000 + from + n));
		const pieces = [...piecesOf(0, numbers(20, 0), 50), ...piecesOf(1, numbers(31, 100), 50), ...piecesOf(2, numbers(70, 200), 50), ...piecesOf(3, numbers(1, 300), 50)];
		expect(packPieces(pieces, 50).map((request) => request.map((piece) => [piece.itemIndex, piece.numbers.length]))).toEqual([
			[[0, 20]],
			[[1, 31]],
			[[2, 50]],
			[
				[2, 20],
				[3, 1],
			],
		]);
	});

	it('never puts a number twice in one request (Evolution answers 400 to that): it starts the next request', () => {
		const pieces = [
			{ itemIndex: 0, numbers: ['5511900000001'] },
			{ itemIndex: 1, numbers: ['5511900000002'] },
			{ itemIndex: 2, numbers: ['5511900000001', '5511900000003'] },
			{ itemIndex: 3, numbers: ['5511900000004', '5511900000004'] },
			{ itemIndex: 4, numbers: ['5511900000005'] },
		];
		// Item 3 has a number twice itself: it goes alone and gets Evolution's 400, as when it was asked alone.
		expect(packPieces(pieces, 50).map((request) => request.map((piece) => piece.itemIndex))).toEqual([[0, 1], [2], [3], [4]]);
	});
});
