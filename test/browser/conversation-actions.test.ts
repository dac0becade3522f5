import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { customerSays, setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511933332222';

/**
 * The conversation's actions: the contact and lead side panel (attribution from a form's first-touch token, the
 * lead's status changed from the page), snooze until a time (it leaves the default list), and mark unread (the
 * badge comes back in the list, live).
 */
describe.each(ADAPTERS.slice(0, 1))('conversation actions in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let admin: string;
	let conversationId: string;
	let leadId: string;

	beforeAll(async () => {
		stack = await startStack(open);
		const { server } = stack;
		const workspace = await setUpWorkspace(stack, { channelPrefix: 'actions' });
		admin = workspace.admin;
		// A form's lead with its first-touch token; the customer's first message carries it.
		const lead = await server.call('POST', '/api/v1/leads', admin, { name: 'Paula Nunes', source: 'form', firstTouchToken: 'VM7KQ2', utmSource: 'instagram', utmCampaign: 'black-friday' });
		expect(lead.statusCode).toBe(201);
		leadId = lead.json().id;
		await customerSays(stack, workspace.channel.instance, { from: CUSTOMER, pushName: 'Paula', text: 'Olá! Vim pelo anúncio vm_token:VM7KQ2' });
		conversationId = await eventually(async () => {
			const list = (await server.call('GET', '/api/v1/conversations', admin)).json().data as Array<{ id: string; leadId: string | null }>;
			expect(list).toHaveLength(1);
			expect(list[0].leadId).toBe(leadId);
			return list[0].id;
		}, 60_000);

		ana = await openBrowser();
		await signIn(ana, server.url);
		await ana.page.getByRole('button', { name: 'Paula' }).click();
		await ana.page.getByRole('list', { name: 'Mensagens' }).getByText('Olá! Vim pelo anúncio vm_token:VM7KQ2').waitFor();
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	it('shows the contact and the lead with its attribution, and changes the lead status', async () => {
		const { page } = ana;
		await page.getByRole('button', { name: 'Dados do contato' }).click();
		const panel = page.getByRole('complementary', { name: 'Dados do contato' });
		await panel.getByText('+5511933332222').waitFor();
		await panel.getByText('black-friday').waitFor();
		await panel.getByText('instagram').waitFor();
		await panel.getByText('VM7KQ2').waitFor();
		await panel.getByText('Formulário').waitFor();
		await panel.getByText('Paula Nunes').waitFor();
		expect(await panel.getByLabel('Status do lead').inputValue()).toBe('new');
		await panel.getByLabel('Status do lead').selectOption('qualified');
		await eventually(async () => expect((await stack.server.call('GET', `/api/v1/leads/${leadId}`, admin)).json().status).toBe('qualified'));
		await screenshot(page, 'contact-panel', { readme: true });
		await page.getByLabel('Idioma').selectOption('en');
		await page.getByRole('complementary', { name: 'Contact details' }).getByText('Lead status').waitFor();
		await screenshot(page, 'contact-panel-en');
		await page.getByLabel('Language').selectOption('pt-BR');
		await page.getByRole('complementary', { name: 'Dados do contato' }).getByRole('button', { name: 'Fechar' }).click();
	});

	it('renames the contact from the panel: the list and the thread show the new name, and an empty name returns to the WhatsApp one', async () => {
		const { page } = ana;
		await page.getByRole('button', { name: 'Dados do contato' }).click();
		const panel = page.getByRole('complementary', { name: 'Dados do contato' });
		await panel.getByRole('button', { name: 'Editar nome' }).click();
		// A name holding markup stays text.
		await panel.getByLabel('Nome do contato').fill('Paula <b>VIP</b> Nunes');
		await panel.getByRole('button', { name: 'Salvar nome' }).click();
		await page.getByRole('button', { name: 'Paula <b>VIP</b> Nunes' }).waitFor();
		await panel.getByText('Paula <b>VIP</b> Nunes', { exact: true }).waitFor();
		await page.locator('.chat-header').getByText('Paula <b>VIP</b> Nunes').waitFor();
		const contactId = (await stack.server.call('GET', `/api/v1/conversations/${conversationId}`, admin)).json().contactId as string;
		expect((await stack.server.call('GET', `/api/v1/contacts/${contactId}`, admin)).json().name).toBe('Paula <b>VIP</b> Nunes');
		expect(await page.locator('b', { hasText: 'VIP' }).count()).toBe(0);
		await screenshot(page, 'contact-rename');

		await panel.getByRole('button', { name: 'Editar nome' }).click();
		await panel.getByLabel('Nome do contato').fill('');
		await panel.getByRole('button', { name: 'Salvar nome' }).click();
		await page.getByRole('button', { name: 'Paula', exact: true }).waitFor();
		expect((await stack.server.call('GET', `/api/v1/contacts/${contactId}`, admin)).json().name).toBeNull();
		await panel.getByRole('button', { name: 'Fechar' }).click();
	});

	it('snoozes until a chosen time: the thread says until when and the default list lets it go', async () => {
		const { page } = ana;
		await page.getByLabel('Status da conversa').selectOption('snoozed');
		await page.getByLabel('Adiar até').fill('2099-03-10T09:30');
		await page.getByRole('button', { name: 'Adiar', exact: true }).click();
		await page.getByRole('status').filter({ hasText: 'Adiada até' }).getByText(/10\/03\/2099/).waitFor();
		const conversation = (await stack.server.call('GET', `/api/v1/conversations/${conversationId}`, admin)).json();
		expect(conversation.status).toBe('snoozed');
		// 09:30 in São Paulo (the browser's time zone) is 12:30 UTC.
		expect(conversation.snoozedUntil).toBe('2099-03-10T12:30:00.000Z');
		await page.getByRole('button', { name: 'Paula' }).waitFor({ state: 'detached' });
		await page.getByLabel('Status da conversa').selectOption('open');
		await page.getByRole('button', { name: 'Paula' }).waitFor();
	});

	it('marks the conversation unread: the chat closes and the badge comes back in the list', async () => {
		const { page } = ana;
		const row = page.getByRole('button', { name: 'Paula' });
		expect(await row.locator('.badge').count()).toBe(0);
		await page.getByRole('button', { name: 'Marcar como não lida' }).click();
		await page.getByText('Escolha uma conversa à esquerda.').waitFor();
		expect(await row.locator('.badge').textContent()).toBe('1');
		expect((await stack.server.call('GET', `/api/v1/conversations/${conversationId}`, admin)).json().unreadCount).toBe(1);
		expect(ana.dialogs).toEqual([]);
	});
});
