import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { EvolutionNormaliser } from '../../src/providers/evolution/evolution-normaliser';
import type { IncomingMessage, ProviderEvent } from '../../src/providers/provider-events';
import { evolutionFixture } from '../support/ingest-database';

const normaliser = new EvolutionNormaliser();

function events(name: string): ProviderEvent[] {
	const result = normaliser.normalise(evolutionFixture(name));
	if (!result.ok) throw new Error(`${name}: ${result.reason}`);
	return result.events;
}

function message(name: string): IncomingMessage {
	const [event] = events(name);
	if (event?.kind !== 'message') throw new Error(`${name} did not give a message`);
	return event.message;
}

describe('Evolution normaliser over the contract fixtures', () => {
	it('accepts every webhook fixture without error', () => {
		const dir = join(__dirname, '../../../test/fixtures/evolution/payloads');
		const names = readdirSync(dir).filter((f) => f.startsWith('webhook-')).map((f) => f.replace(/^webhook-|\.json$/g, ''));
		expect(names.length).toBeGreaterThan(30);
		for (const name of names) {
			const result = normaliser.normalise(evolutionFixture(name));
			expect({ name, ok: result.ok }).toEqual({ name, ok: true });
		}
	});

	it('text (conversation and converted extended text), keeping both @lid and phone identities', () => {
		const text = message('messages.upsert-text-conversation');
		expect(text).toMatchObject({ waMessageId: '3A5F1C2B9E8D7A6B5C4D', type: 'text', body: 'Oi! Vocês entregam no sábado?', fromMe: false, status: 'delivered', pushName: 'Maria Souza' });
		expect(text.chat).toEqual({ jid: '5511988887777@s.whatsapp.net', lid: '201122334455667@lid', phone: '+5511988887777', isGroup: false });
		expect(text.timestamp.toISOString()).toBe(new Date(1763800060 * 1000).toISOString());
		expect(message('messages.upsert-text-extended')).toMatchObject({ type: 'text', body: 'Olha esse modelo https://loja.example.com/p/123' });
	});

	it('media: image with caption (base64 never kept), voice note, pdf, sticker', () => {
		const image = message('messages.upsert-image');
		expect(image).toMatchObject({ type: 'image', body: 'Segue a foto do produto', media: { mimeType: 'image/jpeg', sizeBytes: 184213 }, details: { width: 960, height: 1280 } });
		expect(JSON.stringify(image)).not.toContain('/9j/4AAQ');
		// Only the media capture reads the file, through the getter.
		expect(image.media?.inlineBase64?.()).toMatch(/^\/9j\/4AAQ/);
		expect(image.media?.sha256).toMatch(/^[0-9a-f]{64}$/);
		expect(message('messages.upsert-audio-ptt')).toMatchObject({ type: 'audio', media: { mimeType: 'audio/ogg; codecs=opus', durationSeconds: 7, sizeBytes: 9421 }, details: { voiceNote: true } });
		expect(message('messages.upsert-document-pdf')).toMatchObject({ type: 'document', body: 'Orçamento atualizado', media: { fileName: 'orcamento-2025-11.pdf', mimeType: 'application/pdf' } });
		expect(message('messages.upsert-sticker')).toMatchObject({ type: 'sticker', media: { mimeType: 'image/webp' } });
	});

	it('reaction points at its target, reply at the quoted id, fromMe is outbound at server_ack', () => {
		expect(message('messages.upsert-reaction')).toMatchObject({ type: 'reaction', body: '👍', reaction: { targetWaMessageId: '3EB0C431D7A2F1E5B6A9C8', emoji: '👍' } });
		expect(message('messages.upsert-reply')).toMatchObject({ type: 'text', body: 'Pode ser às 15h então', quotedWaMessageId: '3EB0C431D7A2F1E5B6A9C8' });
		expect(message('messages.upsert-fromme')).toMatchObject({ fromMe: true, status: 'server_ack', pushName: undefined });
		expect(message('send.message')).toMatchObject({ fromMe: true, status: 'sent', waMessageId: '3EB0C431D7A2F1E5B6A9C8' });
	});

	it('group message: the group is the chat, the author resolved from participantAlt', () => {
		const group = message('messages.upsert-group');
		expect(group.chat).toEqual({ jid: '120363025246125244@g.us', isGroup: true });
		expect(group.sender).toEqual({ jid: '5511977776666@s.whatsapp.net', name: 'João Pedro' });
	});

	it('a @lid remoteJid is resolved through remoteJidAlt', () => {
		const body = evolutionFixture('messages.upsert-text-conversation');
		body.data.key = { remoteJid: '201122334455667@lid', remoteJidAlt: '5511988887777@s.whatsapp.net', fromMe: false, id: 'LID1', addressingMode: 'lid' };
		const result = normaliser.normalise(body);
		expect(result.ok && result.events[0]).toMatchObject({ kind: 'message', message: { chat: { jid: '5511988887777@s.whatsapp.net', lid: '201122334455667@lid', phone: '+5511988887777' } } });
	});

	it('acks, edits and deletes', () => {
		expect(events('messages.update-delivery')).toEqual([{ kind: 'message.status', waMessageId: '3EB0C431D7A2F1E5B6A9C8', status: 'delivered' }]);
		expect(events('messages.update-read')).toEqual([{ kind: 'message.status', waMessageId: '3EB0C431D7A2F1E5B6A9C8', status: 'read' }]);
		expect(events('messages.update-played')).toEqual([{ kind: 'message.status', waMessageId: '3EB0A1B2C3D4E5F6A7B8C9', status: 'played' }]);
		expect(events('messages.edited')).toEqual([{ kind: 'message.edit', waMessageId: '3A5F1C2B9E8D7A6B5C4D', body: 'Oi! Vocês entregam no domingo?', editedAt: new Date(1763800650000) }]);
		expect(events('messages.edited-revoke')).toMatchObject([{ kind: 'message.delete', waMessageId: '3A5F1C2B9E8D7A6B5C4D' }]);
		expect(events('messages.delete')).toMatchObject([{ kind: 'message.delete', waMessageId: '3A5F1C2B9E8D7A6B5C4D' }]);
		expect(events('messages.delete-via-api')).toMatchObject([{ kind: 'message.delete', waMessageId: '3EB0C431D7A2F1E5B6A9C8' }]);
	});

	it('presence, connection and QR', () => {
		expect(events('presence.update-composing')).toEqual([{ kind: 'presence', chatJid: '5511988887777@s.whatsapp.net', participantJid: '5511988887777@s.whatsapp.net', presence: 'composing', lastSeen: undefined }]);
		expect(events('presence.update-unavailable')[0]).toMatchObject({ presence: 'unavailable', lastSeen: new Date(1763800800 * 1000) });
		expect(events('connection.update-open')).toEqual([
			{ kind: 'connection', state: 'open', statusReason: 200, wuid: '5511999990000@s.whatsapp.net', profileName: 'ACME Vendas', profilePictureUrl: expect.stringContaining('https://pps.whatsapp.net'), at: new Date('2025-11-22T05:27:10.512Z') },
		]);
		expect(events('connection.update-close')).toMatchObject([{ kind: 'connection', state: 'close', statusReason: 401 }]);
		expect(events('connection.update-refused')).toMatchObject([{ kind: 'connection', state: 'refused', statusReason: 428 }]);
		expect(events('qrcode.updated')).toMatchObject([{ kind: 'qrcode', code: expect.stringMatching(/^2@/), image: expect.stringMatching(/^data:image\/png;base64,/), pairingCode: null }]);
		expect(events('qrcode.updated-pairing')).toMatchObject([{ kind: 'qrcode', pairingCode: 'WZYEH1YY' }]);
		expect(events('qrcode.updated-limit-reached')).toEqual([{ kind: 'qrcode.limit', reason: 'QR code limit reached, please login again', at: new Date('2025-11-22T05:50:00.512Z') }]);
	});

	it('contacts updates, and history (messages.set) flagged as history', () => {
		expect(events('contacts.upsert')).toMatchObject([{ kind: 'contact', chat: { phone: '+5511955554444' }, name: 'Carlos Lima' }]);
		expect(events('contacts.upsert-batch').length).toBeGreaterThan(1);
		expect(events('messages.set')).toMatchObject([{ kind: 'message', message: { history: true, body: 'Bom dia!' } }]);
	});

	it('location, contact card, poll and ad referral from raw content', () => {
		const base = evolutionFixture('messages.upsert-text-conversation');
		const withMessage = (message: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
			const result = normaliser.normalise({ ...base, data: { ...base.data, message, ...extra } });
			if (!result.ok || result.events[0]?.kind !== 'message') throw new Error('no message');
			return result.events[0].message;
		};
		expect(withMessage({ locationMessage: { degreesLatitude: -23.5, degreesLongitude: -46.6, name: 'Loja' } })).toMatchObject({ type: 'location', body: 'Loja', details: { latitude: -23.5, longitude: -46.6 } });
		expect(withMessage({ contactMessage: { displayName: 'Ana', vcard: 'BEGIN:VCARD' } })).toMatchObject({ type: 'contact', body: 'Ana' });
		expect(withMessage({ pollCreationMessageV3: { name: 'Qual?', options: [{ optionName: 'A' }, { optionName: 'B' }], selectableOptionsCount: 1 } })).toMatchObject({ type: 'poll', body: 'Qual?', details: { options: ['A', 'B'] } });
		const ad = withMessage({ conversation: 'Quero saber mais' }, { contextInfo: { externalAdReply: { title: 'Promo', body: 'Frete grátis', sourceType: 'ad', sourceId: '1203', sourceUrl: 'https://fb.me/ad', ctwaClid: 'ARAkLkA8' } } });
		expect(ad.referral).toMatchObject({ ctwaClid: 'ARAkLkA8', sourceId: '1203', sourceUrl: 'https://fb.me/ad', sourceType: 'ad', headline: 'Promo', body: 'Frete grátis' });
		const edit = normaliser.normalise({ ...base, data: { ...base.data, message: { protocolMessage: { key: { id: 'X1' }, type: 14, editedMessage: { conversation: 'novo' } } } } });
		expect(edit.ok && edit.events).toMatchObject([{ kind: 'message.edit', waMessageId: 'X1', body: 'novo' }]);
	});

	it('rejects bodies that are not Evolution webhooks or have an unknown shape, with a reason', () => {
		expect(normaliser.normalise('hello')).toEqual({ ok: false, reason: expect.stringContaining('not an Evolution webhook') });
		expect(normaliser.normalise({ event: 'messages.upsert', data: { key: { id: 'x' } } })).toEqual({ ok: false, event: 'messages.upsert', reason: expect.stringContaining('data.key.remoteJid') });
		expect(normaliser.normalise({ event: 'something.else', data: {} })).toEqual({ ok: false, event: 'something.else', reason: 'unknown Evolution event "something.else"' });
		expect(normaliser.normalise({ event: 'connection.update', data: { state: 'weird' } })).toMatchObject({ ok: false });
		expect(normaliser.normalise({ event: 'chats.upsert', data: [] })).toMatchObject({ ok: true, events: [], ignored: expect.any(String) });
	});
});
