import { readChannelViews } from '../../src/channels/channel-view';
import { ADAPTERS, evolutionFixture, type FixtureJson } from '../support/ingest-database';
import { startIngestHarness, type IngestHarness } from '../support/ingest-harness';

const at = (body: Record<string, FixtureJson>, seconds: number, statusReason?: number) => ({
	...body,
	date_time: new Date(Date.UTC(2026, 11, 6, 12, 0, seconds)).toISOString(),
	...(statusReason === undefined ? {} : { data: { ...body.data, statusReason } }),
});

/** The channel's API view (GET /api/v1/channels) after Evolution closes it: why, and whether a QR is needed (#9). */
describe.each(ADAPTERS)("a closed channel's API view on %s", (_name, open) => {
	let h: IngestHarness;
	beforeAll(async () => {
		h = await startIngestHarness(open);
	});
	afterAll(async () => h.close());
	const view = async () => (await readChannelViews(h.db, h.workspaceId, h.channelId))[0];

	// Evolution reconnects by itself from a dropped connection and says so with "connecting"; it sends "close" only for
	// the codes it does not reconnect from (CONTRACT §3.3), 401 being the logout.
	it('a dropped connection is disconnected and needs no QR; a logout (close 401) needs a new QR', async () => {
		await h.deliver(at(evolutionFixture('connection.update-open'), 1));
		await h.deliver(at(evolutionFixture('connection.update-connecting'), 2));
		const dropped = await view();
		expect(dropped).toMatchObject({ status: 'disconnected', statusReason: 'connection_lost', needsPairing: false });

		await h.deliver(at(evolutionFixture('connection.update-open'), 3));
		await h.deliver(at(evolutionFixture('connection.update-close'), 4, 401));
		const loggedOut = await view();
		expect(loggedOut).toMatchObject({ status: 'logged_out', statusReason: 'logged_out', statusCode: 401, needsPairing: true });
		expect(loggedOut.statusMessage?.en).not.toBe(dropped.statusMessage?.en);
	});
});
