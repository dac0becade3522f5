import { ADAPTERS } from '../../../server/test/inbox/support/inbox-app';
import { NODE_NAME, runInboxNode, runOk, startInboxStack, type InboxStack } from './support/inbox-node';

const rl = (value: string) => ({ __rl: true, mode: 'id', value });
// A 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe.each(ADAPTERS)('WhatsApp Inbox node: Message resource (%s)', (_adapter, open) => {
	let stack: InboxStack;
	let channel: { id: string; name: string };
	let conversation: { id: string; from: string; contactId: string };

	beforeAll(async () => {
		stack = await startInboxStack(open);
		channel = await stack.channel();
		conversation = await stack.conversation(channel);
	});
	afterAll(async () => {
		await stack.close();
	});

	const send = (parameters: Record<string, unknown>, items?: Parameters<typeof runOk>[1]['items']) =>
		runOk({ resource: 'message', operation: 'send', sendTo: 'conversation', conversationId: rl(conversation.id), ...parameters }, { credentials: stack.inbox, items });

	it('sends a text in a conversation, waits until sent, and a repeated clientId never sends twice', async () => {
		const text = `Olá ${Date.now()}`;
		const [sent] = await send({ messageType: 'text', text, options: { clientId: `c-${text}`, waitUntilSent: true, waitTimeout: 60, typing: false } });
		expect(sent).toMatchObject({ conversationId: conversation.id, type: 'text', body: text, status: expect.stringMatching(/^(sent|delivered|read)$/), waitTimedOut: false });
		expect(sent.waMessageId).toEqual(expect.any(String));
		const [again] = await send({ messageType: 'text', text, options: { clientId: `c-${text}`, typing: false } });
		expect(again.id).toBe(sent.id);
		expect(await stack.sendsOf(text)).toBe(1);

		const [status] = await runOk({ resource: 'message', operation: 'getStatus', messageId: String(sent.id) }, { credentials: stack.inbox });
		expect(status).toMatchObject({ id: sent.id, status: expect.stringMatching(/^(sent|delivered|read)$/) });
	});

	it('sends to a phone number on a channel, and says when the wait timed out', async () => {
		const text = `Proativo ${Date.now()}`;
		const [queued] = await runOk(
			{ resource: 'message', operation: 'send', sendTo: 'phone', channelId: rl(channel.id), to: '+55 11 97111-2233', messageType: 'text', text, options: { typing: false } },
			{ credentials: stack.inbox },
		);
		expect(queued).toMatchObject({ type: 'text', body: text, origin: 'proactive', status: expect.any(String) });
		await stack.waitRow(String(queued.id), (row) => ['sent', 'delivered', 'read'].includes(row.status));
		expect(await stack.sendsOf(text)).toBe(1);

		// A zero timeout answers at once with the queued status.
		const [notYet] = await send({ messageType: 'text', text: `Rápido ${Date.now()}`, options: { waitUntilSent: true, waitTimeout: 0 } });
		expect(notYet).toMatchObject({ status: 'queued', waitTimedOut: true });
	});

	it('sends media from a binary (through the media store) and from a URL, a document, a location, a contact card, a reaction and a reply', async () => {
		const [image] = await send(
			{ messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'photo', caption: 'Foto', options: { waitUntilSent: true, typing: false } },
			[{ json: {}, binary: { photo: { base64: PNG, fileName: 'pixel.png', mimeType: 'image/png' } } }],
		);
		expect(image).toMatchObject({ type: 'image', body: 'Foto', status: expect.stringMatching(/^(sent|delivered|read)$/), media: { id: expect.any(String), mimeType: 'image/png' } });
		const stored = await stack.server.call('GET', `/api/v1/media/${String((image.media as { id: string }).id)}/info`, `Bearer ${stack.inbox.apiToken}`);
		expect(stored.json()).toMatchObject({ sizeBytes: Buffer.from(PNG, 'base64').length });

		const [doc] = await send({ messageType: 'media', mediaType: 'document', mediaSource: 'url', mediaUrl: `${stack.sandbox.url}/catalog.pdf`, fileName: 'catalog.pdf', options: { typing: false } });
		expect(doc).toMatchObject({ type: 'document', media: { url: `${stack.sandbox.url}/catalog.pdf`, fileName: 'catalog.pdf' } });
		const badUrl = await runInboxNode(
			{ resource: 'message', operation: 'send', sendTo: 'conversation', conversationId: rl(conversation.id), messageType: 'media', mediaType: 'image', mediaSource: 'url', mediaUrl: 'ftp://x/y.png' },
			{ credentials: stack.inbox },
		);
		expect(badUrl.error(NODE_NAME)?.message).toBe('"ftp://x/y.png" is not an http(s) URL');
		const noBinary = await runInboxNode(
			{ resource: 'message', operation: 'send', sendTo: 'conversation', conversationId: rl(conversation.id), messageType: 'media', mediaType: 'image', mediaSource: 'binary', binaryPropertyName: 'nothing' },
			{ credentials: stack.inbox },
		);
		expect(noBinary.error(NODE_NAME)?.message).toMatch(/nothing/);

		const [location] = await send({ messageType: 'location', latitude: -23.5505, longitude: -46.6333, locationName: 'Loja Centro', locationAddress: 'Praça da Sé', options: { typing: false } });
		expect(location).toMatchObject({ type: 'location' });
		const [card] = await send({ messageType: 'contact', contactName: 'Suporte ACME', contactPhone: '+55 11 4000-1234', contactOrganization: 'ACME', options: { typing: false } });
		expect(card).toMatchObject({ type: 'contact' });

		const inbound = (await stack.db.query<{ id: string }>("SELECT id FROM whatsapp_messages WHERE conversation_id = $1 AND direction = 'inbound' LIMIT 1", [conversation.id])).rows[0].id;
		const [reaction] = await send({ messageType: 'reaction', reactToMessageId: inbound, emoji: '❤️', options: { waitUntilSent: true } });
		expect(reaction).toMatchObject({ type: 'reaction', status: expect.stringMatching(/^(sent|delivered|read)$/) });
		const [reply] = await send({ messageType: 'text', text: 'Respondendo', options: { replyToMessageId: inbound, typing: false, waitUntilSent: true } });
		expect(reply).toMatchObject({ status: expect.stringMatching(/^(sent|delivered|read)$/), quotedWaMessageId: expect.any(String) });
	});

	it('sends many (a campaign): one output per item, refusals per item, pairedItem kept', async () => {
		// A known contact who never wrote on this channel opts out: a proactive send to them is refused, the others queued.
		await stack.server.call('POST', `/api/v1/contacts/${stack.workspace.contactId}/opt-out`, `Bearer ${stack.inbox.apiToken}`);
		const tag = Date.now().toString(36);
		const result = await runInboxNode(
			{
				resource: 'message',
				operation: 'sendMany',
				channelId: rl(channel.id),
				to: '={{ $json.phone }}',
				messageType: 'text',
				text: `Oi {{first_name}}, cupom {{coupon}} ${tag}`,
				options: { variables: '={{ JSON.stringify({ coupon: $json.coupon }) }}', clientId: `={{ "${tag}-" + $json.phone }}`, typing: false },
			},
			{
				credentials: stack.inbox,
				items: [
					{ json: { phone: '+55 11 97222-0001', coupon: 'A1' } },
					{ json: { phone: 'not a phone', coupon: 'B2' } },
					{ json: { phone: `+${stack.workspace.phoneDigits}`, coupon: 'C3' } },
					{ json: { phone: '+55 11 97222-0004', coupon: 'D4' } },
				],
			},
		);
		expect(result.error(NODE_NAME)).toBeUndefined();
		expect(result.items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }, { item: 3 }]);
		expect(result.json[0]).toMatchObject({ to: '+55 11 97222-0001', id: expect.any(String), status: expect.any(String) });
		expect(result.json[1]).toMatchObject({ status: 'rejected', error: expect.any(String), errorCode: expect.any(String) });
		expect(result.json[2]).toMatchObject({ status: 'rejected', errorCode: expect.stringMatching(/opt/) });
		expect(result.json[3]).toMatchObject({ id: expect.any(String) });
		const first = await stack.waitRow(String(result.json[0].id), (row) => ['sent', 'delivered', 'read'].includes(row.status));
		expect(first.body).toContain(`cupom A1 ${tag}`);
		await stack.server.call('POST', `/api/v1/contacts/${stack.workspace.contactId}/opt-in`, `Bearer ${stack.inbox.apiToken}`);
	});

	it('retries a failed message, and explains what cannot be cancelled or retried', async () => {
		// The sandbox says numbers ending in 0000 are not on WhatsApp: the send fails for good.
		const [failed] = await runOk(
			{ resource: 'message', operation: 'send', sendTo: 'phone', channelId: rl(channel.id), to: '+55 11 97333-0000', messageType: 'text', text: 'Ninguém', options: { waitUntilSent: true, typing: false } },
			{ credentials: stack.inbox },
		);
		expect(failed).toMatchObject({ status: 'failed', errorCode: 'not_on_whatsapp', waitTimedOut: false });
		const [retried] = await runOk({ resource: 'message', operation: 'retry', messageId: String(failed.id) }, { credentials: stack.inbox });
		expect(retried).toMatchObject({ id: failed.id, status: 'queued' });

		const [sent] = await send({ messageType: 'text', text: `Já foi ${Date.now()}`, options: { waitUntilSent: true, typing: false } });
		const cancel = await runInboxNode({ resource: 'message', operation: 'cancel', messageId: String(sent.id) }, { credentials: stack.inbox, continueOnFail: true });
		expect(cancel.json[0]).toMatchObject({ httpCode: '409', error: expect.any(String) });
		const retrySent = await runInboxNode({ resource: 'message', operation: 'retry', messageId: String(sent.id) }, { credentials: stack.inbox });
		expect(retrySent.error(NODE_NAME)?.message).toEqual(expect.any(String));
		const missing = await runInboxNode({ resource: 'message', operation: 'getStatus', messageId: '00000000-0000-4000-8000-000000000000' }, { credentials: stack.inbox });
		expect(missing.error(NODE_NAME)?.message).toBe('Not found: Message not found in your workspace.');
	});
});
