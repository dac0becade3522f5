import type { WebSocketRoute } from 'playwright-core';
import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { ANA, customerSays, setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const MARIA = '5511922223333';

/**
 * The page's live connection goes away, messages arrive meanwhile, and the page comes back by itself and shows what
 * it missed, without a reload. The test stands between the page and /realtime (Playwright's WebSocket routing): it
 * closes the page's socket and turns its reconnections away for a while, or lets a socket go silent without closing
 * (a half-open connection, as after a laptop's sleep), which only the page's unanswered pings can reveal.
 */
describe.each(ADAPTERS.slice(0, 1))('reconnecting and catching up in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let instance: string;
	/** Every socket the page opened, newest last, with whether the test still passes its frames along. */
	const sockets: Array<{ route: WebSocketRoute; silent: boolean }> = [];
	let refuse = false;

	const customerWrites = (from: string, pushName: string, text: string) => customerSays(stack, instance, { from, pushName, text });
	const stored = (text: string) =>
		eventually(async () => {
			const { rows } = await stack.db.query('SELECT 1 FROM whatsapp_messages WHERE body = $1', [text]);
			expect(rows).toHaveLength(1);
		}, 60_000);
	const thread = () => ana.page.getByRole('list', { name: 'Mensagens' });
	/** Resolves once the page has asked the API nothing for `ms` (its batched list refreshes are done). */
	const apiQuiet = async (ms: number) => {
		let last = Date.now();
		const seen = (request: { url(): string }) => {
			if (request.url().includes('/api/')) last = Date.now();
		};
		ana.page.on('request', seen);
		try {
			await eventually(() => expect(Date.now() - last).toBeGreaterThanOrEqual(ms), 30_000);
		} finally {
			ana.page.off('request', seen);
		}
	};
	const offline = () => ana.page.getByRole('status').filter({ hasText: 'Sem conexão em tempo real' });

	beforeAll(async () => {
		stack = await startStack(open);
		instance = (await setUpWorkspace(stack)).channel.instance;
		await customerWrites(MARIA, 'Maria Souza', 'Bom dia!');
		await stored('Bom dia!');

		ana = await openBrowser();
		await ana.page.routeWebSocket(/\/realtime$/, (route) => {
			if (refuse) {
				route.close({ code: 1013, reason: 'try again later' });
				return;
			}
			const entry = { route, silent: false };
			sockets.push(entry);
			const server = route.connectToServer();
			route.onMessage((frame) => {
				if (!entry.silent) server.send(frame);
			});
			server.onMessage((frame) => {
				if (!entry.silent) route.send(frame);
			});
		});
		await signIn(ana, stack.server.url, ANA);
		await ana.page.getByRole('button', { name: 'Maria Souza' }).click();
		await thread().getByText('Bom dia!').waitFor();
		await eventually(() => expect(sockets).toHaveLength(1), 30_000);
		await ana.page.evaluate('window.stayed = true');
	});
	// A test that failed while reconnections were turned away must not leave them turned away for the next one.
	afterEach(() => {
		refuse = false;
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	it('shows the offline notice when the socket closes, then reconnects by itself and shows what arrived meanwhile', async () => {
		// Opening Maria's chat marked it read, and the events of that refresh the lists a moment later (batched): let
		// that settle first, or a refresh still due when the socket drops would fetch the newcomer below while offline.
		await apiQuiet(1_000);
		refuse = true;
		await sockets[sockets.length - 1].route.close({ code: 4000, reason: 'dropped by the test' });
		await offline().waitFor();

		// While the page is offline: a message in the open chat and a newcomer's first message.
		await customerWrites(MARIA, 'Maria Souza', 'Ainda estão aí?');
		await customerWrites('5511955556666', 'João Lima', 'Quero falar com alguém');
		await stored('Ainda estão aí?');
		await stored('Quero falar com alguém');
		expect(await thread().getByText('Ainda estão aí?').count()).toBe(0);
		expect(await ana.page.getByRole('button', { name: 'João Lima' }).count()).toBe(0);
		await screenshot(ana.page, 'realtime-offline');

		const before = sockets.length;
		refuse = false;
		await thread().getByText('Ainda estão aí?').waitFor({ timeout: 60_000 });
		const joao = ana.page.getByRole('button', { name: 'João Lima' });
		await joao.waitFor();
		expect(await joao.locator('.badge').textContent()).toBe('1');
		await offline().waitFor({ state: 'detached' });
		expect(sockets.length).toBe(before + 1);
		expect(await ana.page.evaluate('window.stayed')).toBe(true);

		// Live again: the next message arrives over the new socket.
		await customerWrites(MARIA, 'Maria Souza', 'Ok, obrigada');
		await thread().getByText('Ok, obrigada').waitFor();
	});

	it('notices a socket gone silent (no close, no answers to its pings), replaces it and catches up', async () => {
		const dead = sockets[sockets.length - 1];
		dead.silent = true;
		await customerWrites(MARIA, 'Maria Souza', 'Mandei o comprovante');
		await stored('Mandei o comprovante');
		// Within a ping period and its wait (30 s), the page gives the silent socket up and opens another.
		await eventually(() => expect(sockets.length).toBeGreaterThan(sockets.indexOf(dead) + 1), 90_000);
		await thread().getByText('Mandei o comprovante').waitFor({ timeout: 60_000 });
		expect(await ana.page.evaluate('window.stayed')).toBe(true);
		expect(ana.dialogs).toEqual([]);
	});
});
