import { decideProviderTransition, type ChannelStateSnapshot } from '../../src/channels/channel-status';
import { ADAPTERS, TEST_INSTANCE_KEY, evolutionFixture, type FixtureJson } from '../support/ingest-database';
import { startIngestHarness, type IngestHarness } from '../support/ingest-harness';

const t = (seconds: number) => new Date(Date.UTC(2026, 11, 6, 12, 0, seconds));
const snapshot = (status: ChannelStateSnapshot['status'], more: Partial<ChannelStateSnapshot> = {}): ChannelStateSnapshot => ({
	status,
	providerEventAt: null,
	providerOpenAt: null,
	providerLogoutAt: null,
	...more,
});

describe('channel state machine (pure)', () => {
	it('never lets a late QR undo a connection, nor an open older than a logout revive it', () => {
		expect(decideProviderTransition(snapshot('connected', { providerEventAt: t(10) }), { kind: 'qr', at: t(20) })).toMatchObject({ apply: false });
		expect(decideProviderTransition(snapshot('connected'), { kind: 'qr' })).toMatchObject({ apply: false });
		expect(decideProviderTransition(snapshot('connecting'), { kind: 'qr', at: t(1) })).toMatchObject({ apply: true, status: 'connecting', qr: true });
		expect(decideProviderTransition(snapshot('logged_out', { providerLogoutAt: t(30), providerEventAt: t(30) }), { kind: 'open', at: t(20) })).toMatchObject({ apply: false });
		expect(decideProviderTransition(snapshot('connecting', { providerLogoutAt: t(30) }), { kind: 'open', at: t(40) })).toMatchObject({ apply: true, status: 'connected', reason: 'paired' });
	});

	it('tells a dropped connection from a logout and handles a logout once', () => {
		expect(decideProviderTransition(snapshot('connected'), { kind: 'connecting', at: t(5) })).toMatchObject({ apply: true, status: 'disconnected', reason: 'connection_lost' });
		// Evolution's reconnect loop: more `connecting` while disconnected change nothing.
		expect(decideProviderTransition(snapshot('disconnected'), { kind: 'connecting', at: t(6) })).toMatchObject({ apply: false });
		const open = snapshot('connected', { providerOpenAt: t(1), providerEventAt: t(1) });
		expect(decideProviderTransition(open, { kind: 'close', code: 401, at: t(9) })).toMatchObject({ apply: true, status: 'logged_out', reason: 'logged_out' });
		expect(decideProviderTransition({ ...open, status: 'logged_out', providerLogoutAt: t(9) }, { kind: 'close', code: 401, at: t(9) })).toMatchObject({ apply: false });
		// The user asked for a new QR; a straggling delivery of the old logout must not log the new pairing out.
		expect(decideProviderTransition({ ...open, status: 'connecting', providerLogoutAt: t(9) }, { kind: 'close', code: 401, at: t(9) })).toMatchObject({ apply: false });
		// A logout older than the last connection is stale.
		expect(decideProviderTransition(snapshot('connected', { providerOpenAt: t(20) }), { kind: 'close', code: 401, at: t(10) })).toMatchObject({ apply: false });
		// A new logout after a new connection is a new logout.
		expect(decideProviderTransition(snapshot('connected', { providerOpenAt: t(100), providerLogoutAt: t(9) }), { kind: 'close', code: 401, at: t(120) })).toMatchObject({ apply: true, status: 'logged_out' });
		expect(decideProviderTransition(snapshot('connected'), { kind: 'close', code: 403 })).toMatchObject({ apply: true, status: 'error', reason: 'forbidden' });
		expect(decideProviderTransition(snapshot('connecting'), { kind: 'refused' })).toMatchObject({ apply: true, status: 'expired', reason: 'qr_limit' });
	});
});

const at = (body: Record<string, FixtureJson>, seconds: number) => ({ ...body, date_time: t(seconds).toISOString() });
const LOGOUT = ['connection.update-close', 'status.instance-closed', 'logout.instance'] as const;
const ORDERS = [[0, 1, 2], [2, 1, 0], [1, 2, 0]];

describe.each(ADAPTERS)('channel state from webhooks on %s', (_name, open) => {
	let h: IngestHarness;
	beforeAll(async () => {
		h = await startIngestHarness(open);
	});
	afterAll(async () => h.close());

	const channel = async () =>
		(await h.db.query<Record<string, FixtureJson>>('SELECT status, status_reason, status_code, qr_code, qr_count FROM whatsapp_channels WHERE id = $1', [h.channelId])).rows[0];
	const reset = () => h.db.query(`UPDATE whatsapp_channels SET status = 'created', status_reason = NULL, provider_event_at = NULL, provider_open_at = NULL, provider_logout_at = NULL WHERE id = $1`, [h.channelId]);
	const logLines = async () => (await h.db.query<{ status: string; reason: string }>(`SELECT status, reason FROM channel_log WHERE channel_id = $1 AND kind = 'state' ORDER BY id`, [h.channelId])).rows;

	it('a late qrcode.updated processed after open leaves the channel connected (it used to stay stuck in "qr")', async () => {
		await reset();
		await h.deliver(at(evolutionFixture('qrcode.updated'), 1));
		expect(await channel()).toMatchObject({ status: 'connecting', qr_count: 1 });
		expect(h.events.at(-1)).toMatchObject({ type: 'channel.qr', data: { code: expect.stringMatching(/^2@/), count: 1, image: expect.stringMatching(/^data:image\/png;base64,/) } });
		await h.deliver(at(evolutionFixture('connection.update-open'), 3));
		await h.deliver(at(evolutionFixture('qrcode.updated'), 2));
		// The same late QR without any time: the state rule alone keeps the connection.
		await h.deliver(evolutionFixture('qrcode.updated'));
		expect(await channel()).toMatchObject({ status: 'connected', status_reason: 'paired', qr_code: null, qr_count: 0 });
		const updated = h.events.filter((e) => e.type === 'channel.updated').at(-1);
		expect(updated?.data).toMatchObject({ status: 'connected', statusReason: 'paired', phoneE164: '+5511999990000', needsPairing: false, statusMessage: { en: 'Connected' } });
		const published = JSON.stringify(h.events);
		for (const secret of [h.webhookSecret, TEST_INSTANCE_KEY]) expect(published).not.toContain(secret);
	});

	it.each(ORDERS)('a logout delivered as close 401 / status.instance / logout.instance in order %s is handled once', async (...order) => {
		await reset();
		await h.db.query('DELETE FROM channel_log WHERE channel_id = $1', [h.channelId]);
		await h.deliver(at(evolutionFixture('connection.update-open'), 10));
		const before = h.events.length;
		for (const index of order) await h.deliver(at(evolutionFixture(LOGOUT[index]), 20));
		// A retry of one of them, and the open from before the logout, delivered late.
		await h.deliver(at(evolutionFixture(LOGOUT[order[0]]), 20));
		await h.deliver(at(evolutionFixture('connection.update-open'), 10));
		expect(await channel()).toMatchObject({ status: 'logged_out', status_reason: 'logged_out', status_code: 401 });
		expect(await logLines()).toEqual([
			{ status: 'connected', reason: 'paired' },
			{ status: 'logged_out', reason: 'logged_out' },
		]);
		expect(h.events.slice(before).filter((e) => e.type === 'channel.updated')).toHaveLength(1);
		const view = h.events.slice(before).find((e) => e.type === 'channel.updated')!.data;
		expect(view).toMatchObject({ status: 'logged_out', needsPairing: true, statusMessage: { 'pt-BR': expect.stringContaining('novo QR') } });
	});

	it('a dropped connection is "disconnected / connection_lost", not logged out; the reconnect loop adds nothing', async () => {
		await reset();
		await h.db.query('DELETE FROM channel_log WHERE channel_id = $1', [h.channelId]);
		await h.deliver(at(evolutionFixture('connection.update-open'), 30));
		for (let i = 0; i < 5; i++) await h.deliver(at(evolutionFixture('connection.update-connecting'), 31 + i));
		expect(await channel()).toMatchObject({ status: 'disconnected', status_reason: 'connection_lost' });
		await h.deliver(at(evolutionFixture('connection.update-open'), 40));
		expect(await channel()).toMatchObject({ status: 'connected', status_reason: 'reconnected' });
		expect((await logLines()).map((l) => l.reason)).toEqual(['paired', 'connection_lost', 'reconnected']);
	});
});
