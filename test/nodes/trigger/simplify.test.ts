 
import type { IDataObject } from 'n8n-workflow';

import { deliveryKey, rememberDelivery, type RecentKeys } from '../../../nodes/EvolutionApi/trigger/dedupe';
import { toByEventsSuffix, toEvolutionEventName, TRIGGER_EVENTS } from '../../../nodes/EvolutionApi/trigger/events';
import { secretMatches } from '../../../nodes/EvolutionApi/trigger/secret';
import { simplify, timestampToIso, toNumber } from '../../../nodes/EvolutionApi/trigger/simplify';
import { payload } from './support/fixtures';

describe('Evolution API Trigger helpers', () => {
	it.each([
		['webhook-messages.upsert-text-conversation', { type: 'text', messageType: 'conversation' }],
		['webhook-messages.upsert-text-extended', { type: 'text', text: 'Olha esse modelo https://loja.example.com/p/123' }],
		['webhook-messages.upsert-image', { type: 'image', mimeType: 'image/jpeg', caption: 'Segue a foto do produto' }],
		['webhook-messages.upsert-audio-ptt', { type: 'audio', mimeType: 'audio/ogg; codecs=opus', caption: null }],
		['webhook-messages.upsert-document-pdf', { type: 'document', fileName: 'orcamento-2025-11.pdf', caption: 'Orçamento atualizado', mimeType: 'application/pdf' }],
		['webhook-messages.upsert-sticker', { type: 'sticker', mimeType: 'image/webp' }],
		['webhook-messages.upsert-reaction', { type: 'reaction', text: null }],
		['webhook-messages.upsert-fromme', { type: 'text', fromMe: true }],
		['webhook-messages.upsert-group', { isGroup: true, phone: '5511977776666' }],
	])('simplifies %s', (name, expected) => {
		const body = payload(name);
		const simplified = simplify(body);
		expect(simplified).toMatchObject({ event: 'messages.upsert', instance: 'acme-sales', ...expected });
		expect(simplified.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/);
		expect(simplified.raw).toBe(body);
	});

	it('reads Evolution int64 encodings and timestamps', () => {
		expect(toNumber(1763800060)).toBe(1763800060);
		expect(toNumber('1763800060')).toBe(1763800060);
		expect(toNumber({ low: 184213, high: 0, unsigned: true })).toBe(184213);
		expect(toNumber({ low: -1431138139, high: 410, unsigned: false })).toBe(410 * 2 ** 32 + (-1431138139 >>> 0));
		expect(timestampToIso(1763800060)).toBe('2025-11-22T08:27:40.000Z');
		expect(timestampToIso({ low: 1763800060, high: 0, unsigned: true })).toBe('2025-11-22T08:27:40.000Z');
		expect(timestampToIso(1763800060123)).toBe('2025-11-22T08:27:40.123Z');
		expect(timestampToIso(undefined)).toBeUndefined();
	});

	it('non-message events keep their data fields', () => {
		const connection = simplify(payload('webhook-connection.update-open'));
		expect(connection).toMatchObject({ event: 'connection.update', state: 'open' });
		const batch = simplify(payload('webhook-contacts.upsert-batch'));
		expect(Array.isArray(batch.items)).toBe(true);
	});

	it('maps event names both ways', () => {
		expect(toEvolutionEventName('group-participants.update')).toBe('GROUP_PARTICIPANTS_UPDATE');
		expect(toEvolutionEventName('messages.upsert')).toBe('MESSAGES_UPSERT');
		expect(toByEventsSuffix('messages.upsert')).toBe('messages-upsert');
		expect(toByEventsSuffix('group-participants.update')).toBe('group-participants-update');
		expect(TRIGGER_EVENTS).toEqual(expect.arrayContaining(['messages.upsert', 'messages.update', 'messages.delete', 'messages.edited', 'send.message', 'connection.update', 'qrcode.updated', 'presence.update', 'chats.upsert', 'contacts.upsert', 'groups.upsert', 'group-participants.update', 'call', 'labels.edit', 'labels.association']));
	});

	it('compares secrets in constant time and refuses empty ones', () => {
		expect(secretMatches('abc', 'abc')).toBe(true);
		expect(secretMatches(['abc'], 'abc')).toBe(true);
		expect(secretMatches('abd', 'abc')).toBe(false);
		expect(secretMatches('ab', 'abc')).toBe(false);
		expect(secretMatches(undefined, 'abc')).toBe(false);
		expect(secretMatches('', '')).toBe(false);
		expect(secretMatches('abc', undefined)).toBe(false);
	});

	it('keeps a bounded, expiring set of delivery keys', () => {
		const recent: RecentKeys = {};
		expect(rememberDelivery(recent, 'a', 0, 3, 1000)).toBe(false);
		expect(rememberDelivery(recent, 'a', 10, 3, 1000)).toBe(true);
		for (const key of ['b', 'c', 'd']) rememberDelivery(recent, key, 20, 3, 1000);
		expect(Object.keys(recent)).toEqual(['b', 'c', 'd']);
		expect(rememberDelivery(recent, 'a', 30, 3, 1000)).toBe(false);
		expect(rememberDelivery(recent, 'b', 5000, 3, 1000)).toBe(false);
		expect(Object.keys(recent)).toEqual(['b']);
	});

	it('keys deliveries by event and message id, by receipt status, or by a hash of the body', () => {
		const upsert = payload('webhook-messages.upsert-text-conversation');
		const id = ((upsert.data as IDataObject).key as IDataObject).id;
		expect(deliveryKey(upsert)).toBe(`messages.upsert|acme-sales|${id}`);
		const read = payload('webhook-messages.update-read');
		expect(deliveryKey(read)).toContain('|READ');
		const connection = payload('webhook-connection.update-open');
		expect(deliveryKey(connection)).toBe(deliveryKey(JSON.parse(JSON.stringify(connection))));
		expect(deliveryKey(connection)).not.toBe(deliveryKey({ ...connection, date_time: 'later' }));
	});
});
