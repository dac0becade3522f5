import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { customerSays, setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511944443333';

/**
 * The composer's helpers: a canned response picked with "/" and filled in from the contact, a new one saved from
 * the page, an emoji from the picker (its data in the bundle: nothing fetched elsewhere), and a reaction on the
 * customer's message that reaches WhatsApp and shows under the bubble.
 */
describe.each(ADAPTERS.slice(1))('composer extras in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let admin: string;
	let instance: string;
	let freightKeyId: string;

	beforeAll(async () => {
		stack = await startStack(open, { OUTBOX_TIME_SCALE: '0.01' });
		const workspace = await setUpWorkspace(stack, { channelPrefix: 'extras' });
		admin = workspace.admin;
		instance = workspace.channel.instance;
		const canned = await stack.server.call('POST', '/api/v1/canned-responses', admin, { shortCode: 'frete', content: 'Olá, {{first_name}}! O frete para {{phone}} é grátis.' });
		expect(canned.statusCode).toBe(201);
		freightKeyId = await customerSays(stack, instance, { from: CUSTOMER, pushName: 'Carla Dias', text: 'Quanto custa o frete?' });

		ana = await openBrowser();
		await signIn(ana, stack.server.url);
		await ana.page.getByRole('button', { name: 'Carla Dias' }).click();
		await ana.page.getByRole('list', { name: 'Mensagens' }).getByText('Quanto custa o frete?').waitFor();
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	it('picks a canned response with "/", fills in the contact, and sends it', async () => {
		const { page } = ana;
		const box = page.getByLabel('Digite uma mensagem');
		await box.fill('/fre');
		const suggestions = page.getByRole('listbox', { name: 'Respostas rápidas' });
		await suggestions.getByRole('option', { name: /\/frete/ }).waitFor();
		await screenshot(page, 'composer-canned', { readme: true });
		await box.press('Enter');
		expect(await box.inputValue()).toBe('Olá, Carla! O frete para +5511944443333 é grátis.');
		await box.press('Enter');
		const sent = page.locator('.bubble-row.ours', { hasText: 'Olá, Carla! O frete para +5511944443333 é grátis.' });
		await sent.getByRole('img', { name: /^(Entregue|Lida)$/ }).waitFor({ timeout: 60_000 });
	});

	it('saves a new canned response from the page, then offers it', async () => {
		const { page } = ana;
		await page.getByRole('button', { name: 'Respostas rápidas' }).click();
		const manager = page.getByRole('dialog', { name: 'Respostas rápidas' });
		await manager.getByText('/frete').waitFor();
		await manager.getByLabel('Atalho').fill('pix');
		await manager.getByLabel('Texto').fill('Nossa chave Pix é o CNPJ 12.345.678/0001-90.');
		await manager.getByRole('button', { name: 'Salvar resposta' }).click();
		await manager.getByText('/pix').waitFor();
		// The same short code again is refused with a sentence.
		await manager.getByLabel('Atalho').fill('pix');
		await manager.getByLabel('Texto').fill('outra');
		await manager.getByRole('button', { name: 'Salvar resposta' }).click();
		await manager.getByRole('alert').getByText('Esse atalho já existe. Escolha outro.').waitFor();
		await manager.getByRole('button', { name: 'Fechar' }).click();
		const box = page.getByLabel('Digite uma mensagem');
		await box.fill('/pi');
		await page.getByRole('listbox', { name: 'Respostas rápidas' }).getByRole('option', { name: /\/pix/ }).click();
		expect(await box.inputValue()).toBe('Nossa chave Pix é o CNPJ 12.345.678/0001-90.');
		await box.fill('');
	});

	it('inserts an emoji from the picker, with nothing fetched from another host', async () => {
		const { page } = ana;
		const box = page.getByLabel('Digite uma mensagem');
		await box.fill('Obrigada ');
		await page.getByRole('button', { name: 'Emojis' }).click();
		const picker = page.getByRole('dialog', { name: 'Emojis' });
		await picker.getByRole('button', { name: '😀', exact: true }).first().click();
		await eventually(async () => expect(await box.inputValue()).toBe('Obrigada 😀'));
		await screenshot(page, 'composer-emoji');
		await page.keyboard.press('Escape');
		const origin = new URL(stack.server.url).origin;
		expect(ana.requests.filter((url) => !url.startsWith(origin) && !url.startsWith('blob:') && !url.startsWith('data:'))).toEqual([]);
		await box.fill('');
	});

	it("reacts to the customer's message: WhatsApp gets it and the 👍 shows under the bubble", async () => {
		const { page } = ana;
		const theirs = page.locator('.bubble-row.theirs', { hasText: 'Quanto custa o frete?' });
		await theirs.hover();
		await theirs.getByRole('button', { name: 'Reagir' }).click();
		await theirs.getByRole('group', { name: 'Reagir' }).getByRole('button', { name: '👍' }).click();
		await theirs.getByLabel('Reações').getByText('👍').waitFor({ timeout: 60_000 });
		await screenshot(page, 'thread-reaction');
		await eventually(async () => {
			const sends = ((await stack.sandbox.get(`/_sandbox/sends?instance=${instance}`)).body as { sends: Array<{ messageType: string }> }).sends;
			expect(sends.filter((s) => s.messageType === 'reactionMessage')).toHaveLength(1);
		}, 30_000);
		expect(ana.dialogs).toEqual([]);
	});

	it("shows the customer's reply with the message it quotes", async () => {
		const { page } = ana;
		await stack.sandbox.post(`/_sandbox/instances/${instance}/messages`, { type: 'text', from: CUSTOMER, pushName: 'Carla Dias', text: 'Esse frete vale para o interior?', replyTo: freightKeyId });
		const reply = page.locator('.bubble-row.theirs', { hasText: 'Esse frete vale para o interior?' });
		const quote = reply.locator('.quote');
		await quote.getByText('Quanto custa o frete?').waitFor({ timeout: 60_000 });
		expect(await quote.locator('.quote-author').textContent()).toBe('Carla Dias');
		await screenshot(page, 'thread-quoted-reply');
		expect(ana.dialogs).toEqual([]);
	});
});
