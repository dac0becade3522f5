import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { connectChannel, registerWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

interface SandboxInstance {
	name: string;
	state: string;
	webhook: { enabled?: boolean; url?: string } | null;
}

/**
 * Managing numbers from "Canais", each step checked on the page, in the server and in the sandbox's Evolution:
 * pairing by code instead of a QR, "Reconectar agora", logging out (a new QR is then needed, and works), removing a
 * channel with its Evolution instance or only detaching it, and the channel's log, a page at a time.
 */
describe.each(ADAPTERS.slice(0, 1))('managing numbers on the channels screen on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let admin: string;

	const sandboxInstance = async (name: string): Promise<SandboxInstance | undefined> =>
		((await stack.sandbox.get('/_sandbox')).body.instances as SandboxInstance[]).find((i) => i.name === name);
	const channelByName = async (name: string) => {
		const list = (await stack.server.call('GET', '/api/v1/channels', admin)).json().data as Array<{ id: string; name: string; instanceName: string; status: string }>;
		return list.find((c) => c.name === name);
	};
	const card = (name: string) => ana.page.getByRole('listitem', { name });
	const statusOf = (name: string) => card(name).locator('.channel-main .channel-status');

	beforeAll(async () => {
		stack = await startStack(open);
		admin = await registerWorkspace(stack);
		ana = await openBrowser();
		await signIn(ana, stack.server.url);
		await ana.page.getByRole('navigation').getByRole('button', { name: 'Canais' }).click();
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	it('pairs by code: the phone number → the pairing code the sandbox issued → typed on the phone → Conectado', async () => {
		const { page } = ana;
		await page.getByRole('button', { name: 'Adicionar número' }).click();
		const form = page.getByRole('form', { name: 'Adicionar número' });
		await form.getByLabel('Nome do canal (ex.: Vendas)').fill('Suporte');
		await form.getByLabel('Digitar um código no celular (sem câmera)').check();
		await form.getByLabel('Número do WhatsApp (com DDI e DDD)').fill('+55 (11) 98888-1234');
		await form.getByRole('button', { name: 'Criar e mostrar o código' }).click();

		const code = card('Suporte').getByRole('region', { name: 'Código de pareamento' }).locator('output');
		await code.waitFor({ timeout: 60_000 });
		const shown = (await code.textContent()) ?? '';
		expect(shown).toMatch(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
		// Typing a code replaces scanning: no QR on the card.
		expect(await card('Suporte').getByRole('img', { name: 'QR para conectar o WhatsApp' }).count()).toBe(0);
		await card('Suporte').getByText(/Código atualizado às \d\d:\d\d/).waitFor();
		await screenshot(page, 'channels-pairing-code', { readme: true });

		// Asked for this number (the log masks it).
		const channel = (await channelByName('Suporte'))!;
		await card('Suporte').getByText('Pairing code requested for •••••••••1234').waitFor({ state: 'attached' });

		// The phone types it (a mistyped code is refused): the sandbox pairs, the card turns Conectado live with the number.
		const mistyped = `${shown.startsWith('A') ? 'B' : 'A'}${shown.slice(1)}`;
		expect((await stack.sandbox.post(`/_sandbox/instances/${channel.instanceName}/scan`, { pairingCode: mistyped, profileName: 'Loja Suporte' })).status).toBe(400);
		const typed = await stack.sandbox.post(`/_sandbox/instances/${channel.instanceName}/scan`, { pairingCode: shown, profileName: 'Loja Suporte' });
		expect(typed.body).toEqual({ state: 'open', wuid: '5511988881234@s.whatsapp.net' });
		await statusOf('Suporte').getByText('Conectado', { exact: true }).waitFor({ timeout: 60_000 });
		await card('Suporte').getByText('+5511988881234').waitFor();
		expect(await code.count()).toBe(0);
		expect(ana.dialogs).toEqual([]);
	});

	it('reconnects now, logs out (a new QR is needed, and pairs again), and logs every step, a page at a time', async () => {
		const { page } = ana;
		const vendas = await connectChannel(stack, admin, { name: 'Vendas', prefix: 'manage' });
		const restartsBefore = (await stack.sandbox.get(`/_sandbox/deliveries?instance=${vendas.instance}&event=connection.update`)).body.filter(
			(d: { body: { data: { state: string } } }) => d.body.data.state === 'connecting',
		).length;
		await statusOf('Vendas').getByText('Conectado', { exact: true }).waitFor({ timeout: 60_000 });

		// Reconectar agora: the instance restarts on Evolution (a new `connecting`, then open) and the card is Conectado again.
		await card('Vendas').getByRole('button', { name: 'Reconectar agora' }).click();
		const log = card('Vendas').locator('details.channel-log');
		await log.locator('summary').click();
		const lines = log.getByRole('list', { name: 'Registro do canal' }).getByRole('listitem');
		await lines.filter({ hasText: 'Reconnect requested' }).waitFor();
		await eventually(async () => {
			const restarts = (await stack.sandbox.get(`/_sandbox/deliveries?instance=${vendas.instance}&event=connection.update`)).body.filter(
				(d: { body: { data: { state: string } } }) => d.body.data.state === 'connecting',
			).length;
			expect(restarts).toBeGreaterThan(restartsBefore);
			expect((await sandboxInstance(vendas.instance))?.state).toBe('open');
			expect((await channelByName('Vendas'))?.status).toBe('connected');
		}, 60_000);
		await statusOf('Vendas').getByText('Conectado', { exact: true }).waitFor({ timeout: 60_000 });

		// Desconectar número: asked first; "Cancelar" changes nothing.
		await card('Vendas').getByRole('button', { name: 'Desconectar número' }).click();
		const ask = card('Vendas').getByRole('alertdialog', { name: /Desconectar Vendas do WhatsApp\?/ });
		await ask.getByRole('button', { name: 'Cancelar' }).click();
		expect(await ask.count()).toBe(0);
		expect((await sandboxInstance(vendas.instance))?.state).toBe('open');
		await card('Vendas').getByRole('button', { name: 'Desconectar número' }).click();
		await ask.getByRole('button', { name: 'Sim, desconectar' }).click();
		await statusOf('Vendas').getByText('Sessão encerrada', { exact: true }).waitFor();
		await card('Vendas').getByText('Sessão encerrada no WhatsApp — conecte de novo com um novo QR').waitFor();
		await card('Vendas').getByText('Precisa ser conectado de novo: gere um novo QR.').waitFor();
		expect(await card('Vendas').getByRole('button', { name: 'Reconectar agora' }).count()).toBe(0);
		expect((await sandboxInstance(vendas.instance))?.state).toBe('close');
		expect((await channelByName('Vendas'))?.status).toBe('logged_out');
		await screenshot(page, 'channels-logged-out');

		// Gerar novo QR: a fresh QR on the card; the phone scans it and the number is back.
		await card('Vendas').getByRole('button', { name: 'Gerar novo QR' }).click();
		await card('Vendas').getByRole('img', { name: 'QR para conectar o WhatsApp' }).waitFor({ timeout: 60_000 });
		expect((await stack.sandbox.post(`/_sandbox/instances/${vendas.instance}/scan`, { number: '5511999990000', profileName: 'Loja Vendas' })).status).toBe(200);
		await statusOf('Vendas').getByText('Conectado', { exact: true }).waitFor({ timeout: 60_000 });

		// The log: newest first, ten lines a page; "Mostrar anteriores" brings the rest, down to the instance's creation.
		const wholeLog = async () => {
			const entries: Array<{ message: string }> = [];
			for (let before: string | null = null, first = true; first || before; first = false) {
				const answer = (await stack.server.call('GET', `/api/v1/channels/${vendas.id}/log?limit=200${before ? `&before=${before}` : ''}`, admin)).json();
				entries.push(...(answer.data as Array<{ message: string }>));
				before = answer.nextCursor as string | null;
			}
			return entries;
		};
		await eventually(async () => {
			const entries = await wholeLog();
			expect(entries.length).toBeGreaterThan(10);
			expect(await lines.count()).toBe(10);
			expect(await lines.first().locator('.log-message').textContent()).toBe(entries[0].message);
		}, 30_000);
		const older = log.getByRole('button', { name: 'Mostrar anteriores' });
		await eventually(async () => {
			if ((await older.count()) > 0) await older.click();
			expect(await older.count()).toBe(0);
			expect(await lines.count()).toBe((await wholeLog()).length);
		}, 30_000).catch(async (error: Error) => {
			// Say what each side held.
			const shown = await lines.locator('.log-message').allTextContents();
			const stored = (await wholeLog()).map((e) => e.message);
			throw new Error(`${error.message}\npage: ${JSON.stringify(shown)}\nAPI: ${JSON.stringify(stored)}`);
		});
		expect(await lines.last().locator('.log-message').textContent()).toMatch(/^Evolution instance "manage-[0-9a-f]+" created with the webhook /);
		for (const step of ['Reconnect requested', 'Logged out by an admin', 'QR requested']) await lines.filter({ hasText: step }).first().waitFor();
		await lines.filter({ hasText: 'Sessão encerrada' }).first().waitFor();
		await screenshot(page, 'channels-log', { readme: true });
		expect(ana.dialogs).toEqual([]);
	});

	it('removes a channel with its Evolution instance, or only detaches it, after asking', async () => {
		const { page } = ana;
		const loja = await connectChannel(stack, admin, { name: 'Loja Centro', prefix: 'gone', number: '5511911112222' });
		const kept = await connectChannel(stack, admin, { name: 'Loja Norte', prefix: 'kept', number: '5511933334444' });
		await statusOf('Loja Centro').getByText('Conectado', { exact: true }).waitFor({ timeout: 60_000 });
		await statusOf('Loja Norte').getByText('Conectado', { exact: true }).waitFor({ timeout: 60_000 });

		// Asked first, with the choice; "Cancelar" keeps everything.
		await card('Loja Centro').getByRole('button', { name: 'Remover' }).click();
		const ask = card('Loja Centro').getByRole('alertdialog', { name: 'Remover o canal Loja Centro?' });
		await ask.getByText('As conversas e mensagens deste canal são apagadas deste servidor.').waitFor();
		// The server created the instance: deleting it too is the default.
		expect(await ask.getByLabel('Apagar também a instância no Evolution (o número sai do WhatsApp)').isChecked()).toBe(true);
		await ask.getByRole('button', { name: 'Cancelar' }).click();
		expect(await ask.count()).toBe(0);
		expect(await channelByName('Loja Centro')).toBeDefined();

		await card('Loja Centro').getByRole('button', { name: 'Remover' }).click();
		await screenshot(page, 'channels-remove');
		await ask.getByRole('button', { name: 'Remover canal' }).click();
		await card('Loja Centro').waitFor({ state: 'detached' });
		expect(await channelByName('Loja Centro')).toBeUndefined();
		// Evolution drops the instance once its remove.instance webhook went out.
		await eventually(async () => expect(await sandboxInstance(loja.instance)).toBeUndefined(), 60_000);

		// Only detached: the channel goes, the instance and its session stay on Evolution, no longer sending to us.
		await card('Loja Norte').getByRole('button', { name: 'Remover' }).click();
		const askNorte = card('Loja Norte').getByRole('alertdialog', { name: 'Remover o canal Loja Norte?' });
		await askNorte.getByLabel('Só desvincular: a instância e a sessão continuam no Evolution').check();
		await askNorte.getByRole('button', { name: 'Remover canal' }).click();
		await card('Loja Norte').waitFor({ state: 'detached' });
		expect(await channelByName('Loja Norte')).toBeUndefined();
		const left = await sandboxInstance(kept.instance);
		expect(left?.state).toBe('open');
		expect(left?.webhook?.enabled).toBe(false);
		expect(ana.dialogs).toEqual([]);
	});
});
