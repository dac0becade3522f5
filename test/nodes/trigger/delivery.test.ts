 
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { DELIVERY_HEADER_NAME } from '../../../nodes/EvolutionApi/trigger/secret';
import { startEvolutionStub, type EvolutionStub } from './support/evolution-stub';
import { IMAGE_BYTES, payload } from './support/fixtures';
import { createTrigger, type TriggerUnderTest } from './support/trigger-harness';

describe('Evolution API Trigger: deliveries (real WebhookContext)', () => {
	let stub: EvolutionStub;

	beforeEach(async () => {
		stub = await startEvolutionStub();
		stub.addInstance('acme-sales');
	});
	afterEach(async () => {
		await stub.close();
	});

	async function activeTrigger(parameters: INodeParameters = {}): Promise<{ trigger: TriggerUnderTest; secret: string }> {
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey, parameters });
		await trigger.activate();
		const secret = stub.webhooks.get('acme-sales')!.headers![DELIVERY_HEADER_NAME];
		return { trigger, secret };
	}

	const items = (result: { workflowData?: Array<Array<{ json: IDataObject; binary?: IDataObject }>> }) =>
		result.workflowData?.[0] ?? [];

	describe('secret header', () => {
		it('answers 401 and starts nothing without the header or with a wrong one', async () => {
			const { trigger, secret } = await activeTrigger();
			const body = payload('webhook-messages.upsert-text-conversation');

			const missing = await trigger.deliver(body);
			expect(missing.res.statusCode).toBe(401);
			expect(missing.result).toEqual({ noWebhookResponse: true });

			const wrong = await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: `${secret.slice(0, -1)}x` } });
			expect(wrong.res.statusCode).toBe(401);
			expect(wrong.result.workflowData).toBeUndefined();

			const shorter = await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret.slice(0, 8) } });
			expect(shorter.res.statusCode).toBe(401);

			// The refused deliveries did not count as seen: the real one still runs.
			const ok = await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } });
			expect(ok.res.statusCode).toBe(200);
			expect(items(ok.result)).toHaveLength(1);
		});

		it('refuses everything when the trigger holds no secret (never registered)', async () => {
			const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey });
			const { res, result } = await trigger.deliver(payload('webhook-messages.upsert-text-conversation'), {
				headers: { [DELIVERY_HEADER_NAME]: '' },
			});
			expect(res.statusCode).toBe(401);
			expect(result.workflowData).toBeUndefined();
		});
	});

	it('a delivery that comes before n8n has saved the secret of the activation gets a 503 (Evolution retries it), and runs once it is saved', async () => {
		const { trigger, secret } = await activeTrigger();
		const body = payload('webhook-messages.upsert-text-conversation');
		// n8n runs the webhook with the static data it has saved; during the activation that copy has no secret yet.
		const activated = { ...trigger.staticData() };
		trigger.staticData().secret = undefined;

		const early = await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } });
		expect(early.res.statusCode).toBe(503);
		expect(early.res.headers['retry-after']).toBe('5');
		expect(early.result).toEqual({ noWebhookResponse: true });
		// Without the header it is not one of Evolution's deliveries to this registration: refused for good.
		expect((await trigger.deliver(body)).res.statusCode).toBe(401);

		Object.assign(trigger.staticData(), activated);
		const retried = await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } });
		expect(retried.res.statusCode).toBe(200);
		expect(items(retried.result)).toHaveLength(1);
	});

	describe('simplified output', () => {
		it('text: chat, phone, ids, text, push name and an ISO timestamp, plus the raw event', async () => {
			const { trigger, secret } = await activeTrigger();
			const body = payload('webhook-messages.upsert-text-conversation');
			const { result } = await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } });
			const [item] = items(result);
			const data = body.data as IDataObject;
			const key = data.key as IDataObject;
			expect(item.json).toMatchObject({
				event: 'messages.upsert',
				instance: 'acme-sales',
				chatId: key.remoteJid,
				phone: String(key.remoteJid).split('@')[0],
				isGroup: false,
				participant: null,
				fromMe: false,
				messageId: key.id,
				type: 'text',
				text: (data.message as IDataObject).conversation,
				caption: null,
				mimeType: null,
				quotedMessageId: null,
				reaction: null,
				pushName: data.pushName,
				timestamp: new Date(Number(data.messageTimestamp) * 1000).toISOString(),
			});
			expect(item.json.raw).toEqual(body);
			expect(result.webhookResponse).toBeUndefined();
		});

		it('phone comes from remoteJidAlt when the chat is an @lid', async () => {
			const { trigger, secret } = await activeTrigger();
			const body = payload('webhook-messages.upsert-text-conversation');
			const key = (body.data as IDataObject).key as IDataObject;
			key.remoteJid = '201122334455667@lid';
			key.remoteJidAlt = '5511988887777@s.whatsapp.net';
			const [item] = items((await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } })).result);
			expect(item.json).toMatchObject({ chatId: '201122334455667@lid', phone: '5511988887777' });
		});

		it('reply, reaction, group, location and contact fields', async () => {
			const { trigger, secret } = await activeTrigger();
			const headers = { [DELIVERY_HEADER_NAME]: secret };

			const reply = items((await trigger.deliver(payload('webhook-messages.upsert-reply'), { headers })).result)[0];
			expect(reply.json).toMatchObject({ type: 'text', text: 'Pode ser às 15h então', quotedMessageId: '3EB0C431D7A2F1E5B6A9C8' });

			const reaction = items((await trigger.deliver(payload('webhook-messages.upsert-reaction'), { headers })).result)[0];
			expect(reaction.json).toMatchObject({
				type: 'reaction',
				reaction: { emoji: '👍', messageId: '3EB0C431D7A2F1E5B6A9C8', removed: false },
			});

			const group = items((await trigger.deliver(payload('webhook-messages.upsert-group'), { headers })).result)[0];
			expect(group.json).toMatchObject({
				chatId: '120363025246125244@g.us',
				isGroup: true,
				participant: '98765432109876@lid',
				phone: '5511977776666',
			});

			const location = payload('webhook-messages.upsert-text-conversation');
			const locationData = location.data as IDataObject;
			(locationData.key as IDataObject).id = 'LOC00000000000000001';
			locationData.messageType = 'locationMessage';
			locationData.message = { locationMessage: { degreesLatitude: -23.55, degreesLongitude: -46.63, name: 'Loja', address: 'Av. Paulista' } };
			expect(items((await trigger.deliver(location, { headers })).result)[0].json).toMatchObject({
				type: 'location',
				location: { latitude: -23.55, longitude: -46.63, name: 'Loja', address: 'Av. Paulista' },
			});

			const contact = payload('webhook-messages.upsert-text-conversation');
			const contactData = contact.data as IDataObject;
			(contactData.key as IDataObject).id = 'CON00000000000000001';
			contactData.messageType = 'contactMessage';
			contactData.message = { contactMessage: { displayName: 'Ana', vcard: 'BEGIN:VCARD\nFN:Ana\nEND:VCARD' } };
			expect(items((await trigger.deliver(contact, { headers })).result)[0].json).toMatchObject({
				type: 'contact',
				contact: { displayName: 'Ana', vcard: 'BEGIN:VCARD\nFN:Ana\nEND:VCARD' },
			});
		});

		it('raw output passes the event through untouched', async () => {
			const { trigger, secret } = await activeTrigger({ output: 'raw' });
			const body = payload('webhook-messages.upsert-reply');
			const [item] = items((await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } })).result);
			expect(item.json).toEqual(body);
		});

		it('other events: status receipts get chat and message id', async () => {
			const { trigger, secret } = await activeTrigger({ events: ['messages.update'] });
			const body = payload('webhook-messages.update-read');
			const data = body.data as IDataObject;
			const [item] = items((await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } })).result);
			expect(item.json).toMatchObject({ event: 'messages.update', messageId: data.keyId, status: data.status, chatId: data.remoteJid });
		});
	});

	describe('media as binary', () => {
		it('takes the file from the payload base64 when present', async () => {
			const { trigger, secret } = await activeTrigger({ options: { downloadMedia: true } });
			const body = payload('webhook-messages.upsert-image');
			((body.data as IDataObject).message as IDataObject).base64 = IMAGE_BYTES.toString('base64');
			const [item] = items((await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } })).result);
			expect(item.json).toMatchObject({ type: 'image', caption: 'Segue a foto do produto', mimeType: 'image/jpeg' });
			const binary = item.binary!.data as IDataObject;
			expect(binary.mimeType).toBe('image/jpeg');
			expect(binary.fileName).toBe('3A9C0D1E2F3A4B5C6D7E.jpg');
			expect(Buffer.from(String(binary.data), 'base64').equals(IMAGE_BYTES)).toBe(true);
			expect(stub.calls.some((call) => call.path.startsWith('/chat/getBase64FromMediaMessage'))).toBe(false);
		});

		it('fetches the file with getBase64FromMediaMessage when the payload has none, into the chosen field', async () => {
			const { trigger, secret } = await activeTrigger({ options: { downloadMedia: true, binaryPropertyName: 'voice' } });
			const body = payload('webhook-messages.upsert-audio-ptt');
			const id = String(((body.data as IDataObject).key as IDataObject).id);
			delete ((body.data as IDataObject).message as IDataObject).base64;
			stub.media.set(id, { base64: Buffer.from('OggS-audio-bytes').toString('base64'), mimetype: 'audio/ogg; codecs=opus' });
			const [item] = items((await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } })).result);
			const binary = item.binary!.voice as IDataObject;
			expect(binary.mimeType).toBe('audio/ogg');
			expect(Buffer.from(String(binary.data), 'base64').toString()).toBe('OggS-audio-bytes');
			const call = stub.calls.find((c) => c.path === '/chat/getBase64FromMediaMessage/acme-sales')!;
			expect(call.apikey).toBe(stub.apiKey);
			expect(call.body).toMatchObject({ message: { key: { id } } });
		});

		it('still emits the item, with the reason, when the download fails', async () => {
			const { trigger, secret } = await activeTrigger({ options: { downloadMedia: true } });
			const body = payload('webhook-messages.upsert-audio-ptt');
			delete ((body.data as IDataObject).message as IDataObject).base64;
			const [item] = items((await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } })).result);
			expect(item.binary).toBeUndefined();
			expect(String(item.json.mediaError)).toContain('Could not download the media');
		});

		it('does not touch media when the option is off', async () => {
			const { trigger, secret } = await activeTrigger();
			const [item] = items(
				(await trigger.deliver(payload('webhook-messages.upsert-image'), { headers: { [DELIVERY_HEADER_NAME]: secret } })).result,
			);
			expect(item.binary).toBeUndefined();
		});
	});

	describe('duplicates', () => {
		it('a retried delivery starts one execution, a new message another', async () => {
			const { trigger, secret } = await activeTrigger();
			const headers = { [DELIVERY_HEADER_NAME]: secret };
			const body = payload('webhook-messages.upsert-text-conversation');
			const first = await trigger.deliver(body, { headers });
			const retry = await trigger.deliver(JSON.parse(JSON.stringify(body)) as IDataObject, { headers });
			expect(items(first.result)).toHaveLength(1);
			expect(retry.result.workflowData).toBeUndefined();
			expect(retry.result.webhookResponse).toEqual({ received: true, ignored: 'duplicate' });

			const other = payload('webhook-messages.upsert-text-conversation');
			((other.data as IDataObject).key as IDataObject).id = '3A0000000000000000FF';
			expect(items((await trigger.deliver(other, { headers })).result)).toHaveLength(1);
		});

		it('remembers deliveries in the workflow static data (a restarted n8n still drops the retry)', async () => {
			const { trigger, secret } = await activeTrigger({ events: ['messages.upsert', 'connection.update'] });
			const headers = { [DELIVERY_HEADER_NAME]: secret };
			await trigger.deliver(payload('webhook-connection.update-open'), { headers });
			expect(Object.keys(trigger.staticData().recentDeliveries as IDataObject)).toHaveLength(1);

			// Same static data, a fresh process memory: a new trigger node object sharing the workflow's static data.
			const restarted = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey, parameters: { events: ['messages.upsert', 'connection.update'] } });
			Object.assign(restarted.staticData(), JSON.parse(JSON.stringify(trigger.staticData())));
			(restarted.node as { id: string }).id = 'another-node-id';
			const retry = await restarted.deliver(payload('webhook-connection.update-open'), { headers });
			expect(retry.result.workflowData).toBeUndefined();
		});

		it('receipts with a new status are not duplicates of the previous status', async () => {
			const { trigger, secret } = await activeTrigger({ events: ['messages.update'] });
			const headers = { [DELIVERY_HEADER_NAME]: secret };
			const delivered = payload('webhook-messages.update-delivery');
			const read = payload('webhook-messages.update-read');
			(read.data as IDataObject).keyId = (delivered.data as IDataObject).keyId;
			expect(items((await trigger.deliver(delivered, { headers })).result)).toHaveLength(1);
			expect(items((await trigger.deliver(read, { headers })).result)).toHaveLength(1);
		});
	});

	describe('filters', () => {
		const run = async (parameters: INodeParameters, body: IDataObject) => {
			const { trigger, secret } = await activeTrigger(parameters);
			return (await trigger.deliver(body, { headers: { [DELIVERY_HEADER_NAME]: secret } })).result;
		};

		it('events not chosen are acknowledged and ignored', async () => {
			const result = await run({ events: ['messages.upsert'] }, payload('webhook-connection.update-open'));
			expect(result.workflowData).toBeUndefined();
			expect(result.webhookResponse).toEqual({ received: true, ignored: 'event' });
		});

		it('ignore own messages (new messages only: receipts of our messages still run)', async () => {
			expect((await run({ options: { ignoreFromMe: true } }, payload('webhook-messages.upsert-fromme'))).workflowData).toBeUndefined();
			expect(items(await run({}, payload('webhook-messages.upsert-fromme')))[0].json.fromMe).toBe(true);
			const receipt = payload('webhook-messages.update-read');
			expect((receipt.data as IDataObject).fromMe).toBe(true);
			expect(items(await run({ events: ['messages.update'], options: { ignoreFromMe: true } }, receipt))).toHaveLength(1);
		});

		it('ignore groups', async () => {
			expect((await run({ options: { ignoreGroups: true } }, payload('webhook-messages.upsert-group'))).workflowData).toBeUndefined();
			expect(items(await run({ options: { ignoreGroups: true } }, payload('webhook-messages.upsert-text-conversation')))).toHaveLength(1);
		});

		it('ignore status broadcasts', async () => {
			const status = payload('webhook-messages.upsert-text-conversation');
			((status.data as IDataObject).key as IDataObject).remoteJid = 'status@broadcast';
			expect((await run({ options: { ignoreStatus: true } }, status)).workflowData).toBeUndefined();
		});

		it('only these chats, by number in any format or by JID', async () => {
			const body = () => payload('webhook-messages.upsert-text-conversation');
			expect(items(await run({ options: { onlyChats: '+55 (11) 98888-7777' } }, body()))).toHaveLength(1);
			expect(items(await run({ options: { onlyChats: '5511000000000, 5511988887777@s.whatsapp.net' } }, body()))).toHaveLength(1);
			expect((await run({ options: { onlyChats: '5511000000000' } }, body())).workflowData).toBeUndefined();
			expect(items(await run({ options: { onlyChats: '120363025246125244@g.us' } }, payload('webhook-messages.upsert-group')))).toHaveLength(1);
		});

		it('a delivery for another instance is ignored', async () => {
			const body = payload('webhook-messages.upsert-text-conversation');
			body.instance = 'someone-else';
			expect((await run({}, body)).workflowData).toBeUndefined();
		});
	});

	it('per-event URLs: a POST to …/evolution/messages-upsert runs; a suffix that contradicts the body does not', async () => {
		const { trigger, secret } = await activeTrigger({ options: { perEventUrls: true } });
		const headers = { [DELIVERY_HEADER_NAME]: secret };
		const ok = await trigger.deliver(payload('webhook-messages.upsert-text-conversation'), {
			headers,
			webhookName: 'setup',
			params: { 'event5f3c2a10-0000-4000-8000-00000000abcd': 'messages-upsert' },
		});
		expect(items(ok.result)).toHaveLength(1);
		const mismatch = await trigger.deliver(payload('webhook-messages.upsert-reply'), {
			headers,
			webhookName: 'setup',
			params: { 'event5f3c2a10-0000-4000-8000-00000000abcd': 'connection-update' },
		});
		expect(mismatch.result.workflowData).toBeUndefined();
	});
});
