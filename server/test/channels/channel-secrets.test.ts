import { decryptSecret, encryptSecret } from '../../src/channels/secret-cipher';
import { hashWebhookSecret, webhookSecretMatches } from '../../src/channels/webhook-secret';
import { readChannelApiKey } from '../../src/channels/channel-repository';
import { ADAPTERS, TEST_INSTANCE_KEY, TEST_KEY, createWorkspaceWithChannel, openMigratedDb } from '../support/ingest-database';

describe('channel secrets', () => {
	it('AES-256-GCM round-trips, uses a fresh IV each time, and refuses a wrong key or tampering', () => {
		const a = encryptSecret('api-key', TEST_KEY);
		expect(a).not.toBe(encryptSecret('api-key', TEST_KEY));
		expect(decryptSecret(a, TEST_KEY)).toBe('api-key');
		expect(() => decryptSecret(a, Buffer.alloc(32, 1))).toThrow();
		const parts = a.split(':');
		parts[3] = Buffer.from('tampered').toString('base64');
		expect(() => decryptSecret(parts.join(':'), TEST_KEY)).toThrow();
	});

	it('matches webhook secrets by digest only', () => {
		const hash = hashWebhookSecret('s3cret');
		expect(webhookSecretMatches('s3cret', hash)).toBe(true);
		expect(webhookSecretMatches('s3cret!', hash)).toBe(false);
		expect(webhookSecretMatches(undefined, hash)).toBe(false);
	});

	describe.each(ADAPTERS)('stored channel on %s', (_name, open) => {
		it('keeps the API key encrypted at rest and the webhook secret only as hash + ciphertext', async () => {
			const db = await openMigratedDb(open);
			try {
				const { workspaceId, channelId, webhookSecret } = await createWorkspaceWithChannel(db);
				const { rows } = await db.query<Record<string, string>>('SELECT * FROM whatsapp_channels WHERE id = $1', [channelId]);
				const stored = JSON.stringify(rows[0]);
				expect(stored).not.toContain(TEST_INSTANCE_KEY);
				expect(stored).not.toContain(webhookSecret);
				expect(await readChannelApiKey(db, TEST_KEY, workspaceId, channelId)).toBe(TEST_INSTANCE_KEY);
				// Scoped: another workspace cannot read it.
				expect(await readChannelApiKey(db, TEST_KEY, '00000000-0000-0000-0000-000000000000', channelId)).toBeUndefined();
			} finally {
				await db.close();
			}
		});
	});
});
