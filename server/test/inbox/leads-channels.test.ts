import { randomBytes } from 'node:crypto';
import { decryptSecret } from '../../src/channels/secret-cipher';
import { hashWebhookSecret } from '../../src/channels/webhook-secret';
import type { Db } from '../../src/db/db';
import { ADAPTERS, type InboxApp, openMigratedDb, request, seedWorkspace, type SeededWorkspace, signIn, startInboxApp } from './support/inbox-app';

describe.each(ADAPTERS)('leads and channels API on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;
	let ws: SeededWorkspace;
	let admin: { authorization: string };
	let agent: { authorization: string };
	const logLines: string[] = [];

	beforeAll(async () => {
		db = await openMigratedDb(open);
		// Development mode logs every request, as production does.
		server = await startInboxApp(db, { env: { NODE_ENV: 'development' }, logLines });
		ws = await seedWorkspace(db, server.runtime.integrationsKey);
		admin = await signIn(server, ws.admin.email);
		agent = await signIn(server, ws.agent.email);
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it('creates, reads, lists, updates and deletes leads, normalising phones', async () => {
		const created = await server.call('POST', '/api/v1/leads', agent.authorization, {
			name: 'João',
			phone: '(11) 8888-7777',
			email: 'joao@example.com',
			source: 'form',
			firstTouchToken: 'camp2026',
			utmCampaign: 'black-friday',
			attributes: { plan: 'pro' },
		});
		expect(created.statusCode).toBe(400);
		expect(created.json().error.code).toBe('invalid_phone');

		const lead = await server.call('POST', '/api/v1/leads', agent.authorization, {
			name: 'João',
			phone: '+55 11 8888-7777',
			email: 'joao@example.com',
			source: 'form',
			firstTouchToken: 'camp2026',
			utmCampaign: 'black-friday',
			ownerUserId: ws.agent.id,
			attributes: { plan: 'pro' },
		});
		expect(lead.statusCode).toBe(201);
		// Brazilian mobile written without the ninth digit is stored with it.
		expect(lead.json()).toMatchObject({ phoneE164: '+5511988887777', status: 'new', source: 'form', utmCampaign: 'black-friday', attributes: { plan: 'pro' } });
		const id = lead.json().id;

		expect((await server.call('GET', `/api/v1/leads/${id}`, agent.authorization)).json().email).toBe('joao@example.com');
		const duplicateToken = await server.call('POST', '/api/v1/leads', agent.authorization, { name: 'Other', firstTouchToken: 'camp2026' });
		expect(duplicateToken.statusCode).toBe(409);

		const patched = await server.call('PATCH', `/api/v1/leads/${id}`, agent.authorization, { status: 'qualified', score: 40 });
		expect(patched.json()).toMatchObject({ status: 'qualified', score: 40, name: 'João' });
		expect((await server.call('PATCH', `/api/v1/leads/${id}`, agent.authorization, {})).statusCode).toBe(400);

		const qualified = await server.call('GET', '/api/v1/leads?status=qualified', agent.authorization);
		expect(qualified.json().data.map((l: { id: string }) => l.id)).toEqual([id]);
		const search = await server.call('GET', '/api/v1/leads?q=joao%40', agent.authorization);
		expect(search.json().data.map((l: { id: string }) => l.id)).toEqual([id]);
		const all = await server.call('GET', '/api/v1/leads?limit=1', agent.authorization);
		expect(all.json().data).toHaveLength(1);
		const next = await server.call('GET', `/api/v1/leads?limit=1&cursor=${all.json().meta.nextCursor}`, agent.authorization);
		expect(next.json().data[0].id).not.toBe(all.json().data[0].id);

		expect((await server.call('DELETE', `/api/v1/leads/${id}`, agent.authorization)).statusCode).toBe(204);
		expect((await server.call('GET', `/api/v1/leads/${id}`, agent.authorization)).statusCode).toBe(404);
		expect((await server.call('DELETE', `/api/v1/leads/${id}`, agent.authorization)).statusCode).toBe(404);
	});

	it('keeps channel API keys encrypted, out of answers and out of logs; the webhook secret is shown once', async () => {
		const apiKey = `instance-${randomBytes(8).toString('hex')}`;
		const rotatedKey = `instance-${randomBytes(8).toString('hex')}`;
		const created = await server.call('POST', '/api/v1/channels', admin.authorization, { name: 'Suporte', instanceName: 'acme-support', apiKey, instance: 'none' });
		expect(created.statusCode).toBe(201);
		const { channel, webhookSecret } = created.json();
		expect(channel).toMatchObject({ name: 'Suporte', provider: 'evolution', baseUrl: 'http://evolution.test', hasApiKey: true, webhookPath: `/webhooks/evolution/${channel.id}` });
		expect(webhookSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
		expect(created.body).not.toContain(apiKey);

		const { rows } = await db.query<{ api_key_encrypted: string; webhook_secret_hash: string }>(
			'SELECT api_key_encrypted, webhook_secret_hash FROM whatsapp_channels WHERE id = $1',
			[channel.id],
		);
		expect(rows[0].api_key_encrypted).toMatch(/^v1:/);
		expect(rows[0].api_key_encrypted).not.toContain(apiKey);
		expect(decryptSecret(rows[0].api_key_encrypted, server.runtime.integrationsKey)).toBe(apiKey);
		expect(rows[0].webhook_secret_hash).toBe(hashWebhookSecret(webhookSecret));

		for (const answer of [
			await server.call('GET', '/api/v1/channels', agent.authorization),
			await server.call('GET', `/api/v1/channels/${channel.id}`, agent.authorization),
			await server.call('PATCH', `/api/v1/channels/${channel.id}`, admin.authorization, { apiKey: rotatedKey, settings: { groups: false } }),
		]) {
			expect(answer.statusCode).toBe(200);
			expect(answer.body).not.toContain(apiKey);
			expect(answer.body).not.toContain(rotatedKey);
			expect(answer.body).not.toContain(webhookSecret);
		}
		// The sending pace is checked (a 400 naming the field) and merged; other settings keys pass through untouched.
		for (const outbox of [
			{ perMinute: 0 },
			{ dailyCap: 2.5 },
			{ warmup: 'yes' },
			{ sendWindow: { startHour: 18, endHour: 9 } },
			{ sendWindow: { startHour: 8, endHour: 18, timeZone: 'Marte/Base_Alfa' } },
			{ sendWindow: { startHour: 8, endHour: 18, days: [7] } },
		]) {
			const refused = await server.call('PATCH', `/api/v1/channels/${channel.id}`, admin.authorization, { settings: { outbox } });
			expect(refused.statusCode).toBe(400);
			expect(refused.json().error.message).toMatch(/outbox/);
		}
		const pace = { perMinute: 12, dailyCap: 200, warmup: false, sendWindow: { startHour: 8, endHour: 18, days: [1, 2, 3, 4, 5], timeZone: 'America/Sao_Paulo' } };
		const paced = await server.call('PATCH', `/api/v1/channels/${channel.id}`, admin.authorization, { settings: { outbox: pace } });
		expect(paced.statusCode).toBe(200);
		expect(paced.json().settings).toEqual({ groups: false, outbox: pace });
		const rotated = await server.call('POST', `/api/v1/channels/${channel.id}/webhook-secret`, admin.authorization);
		expect(rotated.json().webhookSecret).not.toBe(webhookSecret);
		// The ingest route accepts the new secret and refuses the old one.
		const unknownOld = await request(server.url, 'POST', `/webhooks/evolution/${channel.id}`, { payload: {}, headers: { 'x-webhook-secret': webhookSecret } });
		expect(unknownOld.statusCode).toBe(401);

		expect((await server.call('POST', '/api/v1/channels', agent.authorization, { name: 'X', instanceName: 'x' })).statusCode).toBe(403);
		expect((await server.call('POST', '/api/v1/channels', admin.authorization, { name: 'Dup', instanceName: 'acme-support', instance: 'none' })).statusCode).toBe(409);
		expect((await server.call('DELETE', `/api/v1/channels/${channel.id}`, admin.authorization)).statusCode).toBe(204);
		expect(logLines.length).toBeGreaterThan(5);
		const logs = logLines.join('');
		for (const secret of [apiKey, rotatedKey, webhookSecret, rotated.json().webhookSecret, admin.authorization.slice(7)]) {
			expect(logs).not.toContain(secret);
		}
		expect((await server.call('GET', `/api/v1/channels/${channel.id}`, admin.authorization)).statusCode).toBe(404);
	});
});
