import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { registerWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

/** Connecting a number from the "Canais" screen: Adicionar número → the QR → the phone scans (the sandbox) → Conectado. */
describe.each(ADAPTERS.slice(1))('channels screen in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let browser: Browser;

	beforeAll(async () => {
		stack = await startStack(open);
		browser = await openBrowser();
	});
	afterAll(async () => {
		await browser?.close();
		await stack?.close();
	});

	it('adds a number: the QR shows with its refresh time, the scan turns it Conectado live', async () => {
		const { server, sandbox } = stack;
		const admin = await registerWorkspace(stack);
		const { page } = browser;
		await signIn(browser, server.url);
		await page.getByRole('button', { name: 'Canais' }).click();
		await page.getByText('Nenhum número conectado ainda.', { exact: false }).waitFor();
		await page.getByRole('button', { name: 'Adicionar número' }).click();
		await page.getByLabel('Nome do canal (ex.: Vendas)').fill('Vendas');
		await page.getByRole('button', { name: 'Criar e mostrar o QR' }).click();
		await page.getByRole('img', { name: 'QR para conectar o WhatsApp' }).waitFor({ timeout: 60_000 });
		await page.getByText(/QR atualizado às \d\d:\d\d/).waitFor();
		await page.getByText(/Expira em \d+ s/).waitFor();
		await screenshot(page, 'channels-qr', { readme: true });

		const channel = await eventually(async () => {
			const list = (await server.call('GET', '/api/v1/channels', admin)).json().data as Array<{ id: string; instanceName: string }>;
			expect(list).toHaveLength(1);
			return list[0];
		});
		expect((await sandbox.post(`/_sandbox/instances/${channel.instanceName}/scan`, { number: '5511999990000', profileName: 'Loja Vendas' })).status).toBe(200);
		const card = page.getByRole('listitem', { name: 'Vendas' });
		await card.locator('.channel-status').getByText('Conectado', { exact: true }).waitFor({ timeout: 60_000 });
		await card.getByText('+5511999990000').waitFor({ timeout: 60_000 });
		expect(await page.getByRole('img', { name: 'QR para conectar o WhatsApp' }).count()).toBe(0);
		await screenshot(page, 'channels-connected', { readme: true });
		expect(browser.dialogs).toEqual([]);
	});
});
