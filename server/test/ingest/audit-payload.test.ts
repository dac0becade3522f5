import { compactAuditPayload } from '../../src/ingest/audit-payload';
import { evolutionFixture } from '../support/ingest-database';

describe('the audit copy of a webhook body', () => {
	it('keeps the body as received when there is nothing to take out', () => {
		const text = '{ "event": "messages.upsert",  "data": {"key": {"id": "X1"}, "message": {"conversation": "oi ✓"}, "big": 12345678901234567890} }';
		expect(compactAuditPayload(JSON.parse(text), 'messages.upsert', text)).toBe(text);
	});

	it('takes media blobs, thumbnails and protobuf byte objects out, whether or not the text came along', () => {
		const image = evolutionFixture('messages.upsert-image');
		const text = JSON.stringify(image);
		expect(text).toContain('jpegThumbnail');
		for (const compacted of [compactAuditPayload(image, 'messages.upsert', text), compactAuditPayload(image, 'messages.upsert')]) {
			expect(compacted).not.toContain('/9j/4AAQ');
			expect(JSON.parse(compacted).data.message.imageMessage).toMatchObject({ jpegThumbnail: '[removed]', caption: 'Segue a foto do produto' });
		}
		const withBytes = { event: 'messages.upsert', data: { message: { messageContextInfo: { x: 1 }, secret: { 0: 12, 1: 34, 2: 56 } } } };
		expect(JSON.parse(compactAuditPayload(withBytes, 'messages.upsert', JSON.stringify(withBytes)))).toEqual({
			event: 'messages.upsert',
			data: { message: { messageContextInfo: '[removed]', secret: '[bytes]' } },
		});
	});

	it('never keeps a text PostgreSQL cannot store, and caps the size', () => {
		const nul = '{"event":"messages.upsert","data":{"text":"a\\u0000b"}}';
		expect(compactAuditPayload({ event: 'messages.upsert', data: { text: 'ab' } }, 'messages.upsert', nul)).toBe('{"event":"messages.upsert","data":{"text":"ab"}}');
		const huge = { event: 'messages.upsert', data: { text: 'x'.repeat(40_000) } };
		expect(JSON.parse(compactAuditPayload(huge, 'messages.upsert', JSON.stringify(huge)))).toEqual({ truncated: true, event: 'messages.upsert', chars: expect.any(Number) });
	});

	it('is safe for anything that parsed as JSON: lone surrogates (values and keys) replaced, depth beyond the stack recorded as such', () => {
		const text = '{"event":"messages.upsert","data":{"pushName":"Ana \\ud83d","\\udc00":1}}';
		const compacted = compactAuditPayload(JSON.parse(text), 'messages.upsert', text);
		expect(JSON.parse(compacted)).toEqual({ event: 'messages.upsert', data: { pushName: 'Ana \uFFFD', '\uFFFD': 1 } });
		expect(compacted).not.toMatch(/\\u[dD][89a-fA-F]/);
		let deep: unknown = 1;
		for (let i = 0; i < 200_000; i++) deep = [deep];
		expect(JSON.parse(compactAuditPayload({ event: 'messages.upsert', data: deep }, 'messages.upsert'))).toMatchObject({ unstorable: true });
	});

	it('never keeps the instance API key, whether the raw text is kept or the body re-serialised', () => {
		const body = { event: 'messages.upsert', apikey: 'K-123', data: { apiKey: 'K-456', text: 'the \\"apikey\\": is text here' } };
		for (const compacted of [compactAuditPayload(body, 'messages.upsert', JSON.stringify(body)), compactAuditPayload(body, 'messages.upsert')]) {
			expect(compacted).not.toMatch(/K-123|K-456/);
			expect(JSON.parse(compacted)).toMatchObject({ apikey: '[removed]', data: { apiKey: '[removed]' } });
		}
	});
});
