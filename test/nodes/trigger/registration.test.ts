 
import { DELIVERY_HEADER_NAME } from '../../../nodes/EvolutionApi/trigger/secret';
import { startEvolutionStub, type EvolutionStub } from './support/evolution-stub';
import { createTrigger, WEBHOOK_BASE, WEBHOOK_TEST_BASE } from './support/trigger-harness';

describe('Evolution API Trigger: webhook registration (real HookContext)', () => {
	let stub: EvolutionStub;

	beforeEach(async () => {
		stub = await startEvolutionStub();
		stub.addInstance('acme-sales');
	});
	afterEach(async () => {
		await stub.close();
	});

	const setCalls = () => stub.calls.filter((call) => call.path.startsWith('/webhook/set/'));

	it('registers its production URL with a random secret header and the chosen events, then reports it as existing', async () => {
		const trigger = createTrigger({
			baseUrl: stub.url,
			apiKey: stub.apiKey,
			parameters: { events: ['messages.upsert', 'group-participants.update'], options: { downloadMedia: true } },
		});
		expect(await trigger.hook('checkExists')).toBe(false);
		expect(await trigger.hook('create')).toBe(true);

		const row = stub.webhooks.get('acme-sales')!;
		expect(row.url).toBe(`${WEBHOOK_BASE}/${trigger.node.webhookId}/evolution`);
		expect(row.enabled).toBe(true);
		expect(row.events).toEqual(['GROUP_PARTICIPANTS_UPDATE', 'MESSAGES_UPSERT']);
		expect(row.webhookBase64).toBe(true);
		expect(row.webhookByEvents).toBe(false);
		const secret = row.headers?.[DELIVERY_HEADER_NAME];
		expect(typeof secret).toBe('string');
		expect(secret!.length).toBeGreaterThanOrEqual(40);
		expect(trigger.staticData().secret).toBe(secret);
		expect(stub.calls.every((call) => call.apikey === stub.apiKey)).toBe(true);

		expect(await trigger.hook('checkExists')).toBe(true);

		// Changing the events makes the registration stale: n8n then calls create again.
		trigger.node.parameters.events = ['messages.upsert'];
		expect(await trigger.hook('checkExists')).toBe(false);
	});

	it('uses the test URL in test mode and a different secret per node', async () => {
		const first = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey });
		await first.activate(true);
		const firstRow = { ...stub.webhooks.get('acme-sales')! };
		expect(firstRow.url).toBe(`${WEBHOOK_TEST_BASE}/${first.node.webhookId}/evolution`);
		await first.hook('delete', true);

		const second = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey, webhookId: '0d9e8f7a-1111-4222-8333-444455556666' });
		await second.activate();
		const secondRow = stub.webhooks.get('acme-sales')!;
		expect(secondRow.headers?.[DELIVERY_HEADER_NAME]).not.toBe(firstRow.headers?.[DELIVERY_HEADER_NAME]);
	});

	it('registers per-event URLs when asked (Evolution then appends /messages-upsert etc.)', async () => {
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey, parameters: { options: { perEventUrls: true } } });
		await trigger.activate();
		expect(stub.webhooks.get('acme-sales')!.webhookByEvents).toBe(true);
	});

	it('with per-event URLs registers the plain URL first and switches per-event URLs on from the second webhook, once n8n stored its path', async () => {
		// n8n stores a node's webhooks in the order of its description and runs each one's methods right after storing it.
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey, parameters: { options: { perEventUrls: true } } });
		expect(await trigger.hook('checkExists')).toBe(false);
		await trigger.hook('create');
		expect(stub.webhooks.get('acme-sales')).toMatchObject({ url: trigger.url(), webhookByEvents: false });
		const secret = stub.webhooks.get('acme-sales')!.headers?.[DELIVERY_HEADER_NAME];

		expect(await trigger.hook('checkExists', false, 'setup')).toBe(false);
		await trigger.hook('create', false, 'setup');
		expect(stub.webhooks.get('acme-sales')).toMatchObject({ url: trigger.url(), webhookByEvents: true, enabled: true });
		expect(stub.webhooks.get('acme-sales')!.headers?.[DELIVERY_HEADER_NAME]).toBe(secret);
		expect(trigger.staticData()).toMatchObject({ secret, byEvents: true });
		// A restart finds both done and changes nothing.
		const sets = setCalls().length;
		await trigger.activate();
		expect(setCalls()).toHaveLength(sets);
		expect(stub.webhooks.get('acme-sales')!.webhookByEvents).toBe(true);
	});

	it('without per-event URLs the second webhook changes nothing', async () => {
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey });
		await trigger.activate();
		expect(setCalls()).toHaveLength(1);
		const calls = stub.calls.length;
		expect(await trigger.hook('checkExists', false, 'setup')).toBe(true);
		expect(stub.calls).toHaveLength(calls);
		expect(stub.webhooks.get('acme-sales')!.webhookByEvents).toBe(false);
	});

	it('keeps the secret it holds when n8n registers it again without a deactivation; a new activation gets a new one', async () => {
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey });
		await trigger.activate();
		const first = trigger.staticData().secret;
		// The instance's webhook was switched off behind n8n's back; at the next start n8n calls create again.
		stub.webhooks.set('acme-sales', { ...stub.webhooks.get('acme-sales')!, enabled: false });
		expect(await trigger.hook('checkExists')).toBe(false);
		await trigger.hook('create');
		expect(stub.webhooks.get('acme-sales')!.headers?.[DELIVERY_HEADER_NAME]).toBe(first);

		await trigger.hook('delete');
		await trigger.activate();
		const second = stub.webhooks.get('acme-sales')!.headers?.[DELIVERY_HEADER_NAME];
		expect(second).not.toBe(first);
		expect(trigger.staticData().secret).toBe(second);
	});

	it('falls back to the default instance of the credential', async () => {
		stub.addInstance('support');
		const trigger = createTrigger({
			baseUrl: stub.url,
			apiKey: stub.apiKey,
			defaultInstance: 'support',
			parameters: { instanceName: { __rl: true, mode: 'list', value: '' } },
		});
		await trigger.activate();
		expect(stub.webhooks.get('support')?.url).toBe(trigger.url());
		expect(stub.webhooks.get('acme-sales')).toBeNull();
	});

	it('refuses to activate when another URL is set, and changes nothing', async () => {
		stub.webhooks.set('acme-sales', {
			id: 'r0',
			url: 'https://crm.example.com/hooks/whatsapp',
			headers: { authorization: 'Bearer crm-example-token' },
			enabled: true,
			events: ['MESSAGES_UPSERT'],
			webhookByEvents: false,
			webhookBase64: false,
			instanceId: 'x',
		});
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey });
		await expect(trigger.activate()).rejects.toThrow(
			'Instance "acme-sales" already sends its webhook to https://crm.example.com/hooks/whatsapp',
		);
		await expect(trigger.hook('create')).rejects.toThrow('already sends its webhook');
		expect(setCalls()).toHaveLength(0);
		expect(stub.webhooks.get('acme-sales')!.url).toBe('https://crm.example.com/hooks/whatsapp');
	});

	it('with "Take It Over" replaces the other webhook and restores it exactly on deactivation', async () => {
		const previous = {
			id: 'r0',
			url: 'https://crm.example.com/hooks/whatsapp',
			headers: { authorization: 'Bearer crm-example-token' },
			enabled: true,
			events: ['MESSAGES_UPSERT', 'CONNECTION_UPDATE'],
			webhookByEvents: true,
			webhookBase64: true,
			instanceId: 'x',
		};
		stub.webhooks.set('acme-sales', { ...previous });
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey, parameters: { existingWebhook: 'takeOver' } });
		await trigger.activate();
		expect(stub.webhooks.get('acme-sales')!.url).toBe(trigger.url());

		// A restart of n8n: checkExists sees its own registration and does not overwrite the remembered one.
		expect(await trigger.hook('checkExists')).toBe(true);

		await trigger.hook('delete');
		const restored = stub.webhooks.get('acme-sales')!;
		expect(restored).toMatchObject({
			url: previous.url,
			headers: previous.headers,
			enabled: true,
			events: previous.events,
			webhookByEvents: true,
			webhookBase64: true,
		});
		expect(trigger.staticData().secret).toBeUndefined();
	});

	it('takes over a disabled webhook without asking, and restores it disabled', async () => {
		stub.webhooks.set('acme-sales', {
			id: 'r0',
			url: 'https://old.example.com/hook',
			headers: null,
			enabled: false,
			events: [],
			webhookByEvents: false,
			webhookBase64: false,
			instanceId: 'x',
		});
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey });
		await trigger.activate();
		expect(stub.webhooks.get('acme-sales')!.url).toBe(trigger.url());
		await trigger.hook('delete');
		expect(stub.webhooks.get('acme-sales')).toMatchObject({ url: 'https://old.example.com/hook', enabled: false, headers: {} });
	});

	it('on deactivation without a previous webhook disables its own and drops the secret header', async () => {
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey });
		await trigger.activate();
		await trigger.hook('delete');
		expect(stub.webhooks.get('acme-sales')).toMatchObject({ enabled: false, headers: {}, events: [] });
		expect(trigger.staticData()).toEqual({});
	});

	it('leaves a webhook registered by someone else since activation alone', async () => {
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey });
		await trigger.activate();
		const other = { ...stub.webhooks.get('acme-sales')!, url: 'https://someone.example.com/new', headers: { 'x-other': '1' } };
		stub.webhooks.set('acme-sales', other);
		const before = setCalls().length;
		await trigger.hook('delete');
		expect(setCalls()).toHaveLength(before);
		expect(stub.webhooks.get('acme-sales')!.url).toBe('https://someone.example.com/new');
	});

	it('deactivates cleanly when the instance no longer exists', async () => {
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: stub.apiKey });
		await trigger.activate();
		stub.webhooks.delete('acme-sales');
		await expect(trigger.hook('delete')).resolves.toBe(true);
		expect(trigger.staticData()).toEqual({});
	});

	it('surfaces a wrong API key as an authorization error', async () => {
		const trigger = createTrigger({ baseUrl: stub.url, apiKey: 'wrong-example-key' });
		await expect(trigger.activate()).rejects.toThrow();
		expect(setCalls()).toHaveLength(0);
	});
});
