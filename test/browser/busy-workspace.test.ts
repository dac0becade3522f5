import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { BRUNO, connectChannel, customerSays, setUpWorkspace, signIn, type ConnectedChannel, type Workspace } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

interface Customer {
	number: string;
	name: string;
	lines: string[];
}

// A morning's customers on two numbers: what the README's pictures of the inbox and of Canais show.
const VENDAS: Customer[] = [
	{ number: '5511966665555', name: 'João Pereira', lines: ['Bom dia! Qual o prazo de entrega para Campinas?'] },
	{ number: '5511944443333', name: 'Carlos Eduardo', lines: ['Aceitam Pix?'] },
	{ number: '5511922221111', name: 'Ricardo Alves', lines: ['Obrigado, chegou certinho!'] },
	{ number: '5511977776666', name: 'Maria Souza', lines: ['Olá, vim pelo anúncio do Instagram', 'Vocês têm o tênis 42 em preto?'] },
];
const SUPORTE: Customer[] = [
	{ number: '5511955554444', name: 'Beatriz Lima', lines: ['Meu pedido #4821 ainda não chegou'] },
	{ number: '5511933332222', name: 'Fernanda Rocha', lines: ['Consigo trocar o tamanho?'] },
];

/**
 * A workspace on a busy morning, in both languages: two numbers, six customers, conversations assigned to Ana and to
 * Bruno, a reply with its ticks, a private note, unread badges; the list, the tabs' counts, the open chat and the
 * Canais cards all show it. Its pictures are the README's inbox and channels screens.
 */
describe.each(ADAPTERS.slice(0, 1))('a busy workspace in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let workspace: Workspace;
	let suporte: ConnectedChannel;

	const conversationOf = async (name: string) => {
		const list = (await stack.server.call('GET', '/api/v1/conversations?status=all&limit=100', workspace.admin)).json().data as Array<{ id: string; contact: { pushName: string | null } }>;
		const found = list.find((c) => c.contact.pushName === name);
		if (!found) throw new Error(`no conversation with ${name} yet`);
		return found.id;
	};

	beforeAll(async () => {
		stack = await startStack(open, { OUTBOX_TIME_SCALE: '0.01' });
		workspace = await setUpWorkspace(stack, { attendants: [BRUNO] });
		suporte = await connectChannel(stack, workspace.admin, { name: 'Suporte', prefix: 'suporte', number: '5511988881234', profileName: 'Loja Suporte' });
		for (const [instance, customers] of [
			[workspace.channel.instance, VENDAS],
			[suporte.instance, SUPORTE],
		] as const) {
			for (const customer of customers) {
				for (const text of customer.lines) await customerSays(stack, instance, { from: customer.number, pushName: customer.name, text });
			}
		}
		const maria = await eventually(() => conversationOf('Maria Souza'), 60_000);
		await eventually(async () => expect((await stack.server.call('GET', '/api/v1/conversations?status=all&limit=100', workspace.admin)).json().data).toHaveLength(6), 60_000);
		const anaId = (await stack.server.call('GET', '/api/v1/auth/me', workspace.admin)).json().user.id as string;
		expect((await stack.server.call('POST', `/api/v1/conversations/${maria}/assignment`, workspace.admin, { assigneeId: anaId })).statusCode).toBe(200);
		const joao = await conversationOf('João Pereira');
		expect((await stack.server.call('POST', `/api/v1/conversations/${joao}/assignment`, workspace.admin, { assigneeId: workspace.attendants[BRUNO.email].id })).statusCode).toBe(200);
		// Ana answered Maria, noted something for the team, and Maria wrote back.
		expect((await stack.server.call('POST', `/api/v1/conversations/${maria}/messages`, workspace.admin, { text: 'Temos sim! Quer que eu reserve um par para você?' })).statusCode).toBe(202);
		expect((await stack.server.call('POST', `/api/v1/conversations/${maria}/notes`, workspace.admin, { body: 'Cliente voltou pelo anúncio: oferecer frete grátis.' })).statusCode).toBe(201);
		const reply = await eventually(async () => {
			const messages = (await stack.server.call('GET', `/api/v1/conversations/${maria}/messages`, workspace.admin)).json().data as Array<{ body: string; status: string; threadAt: string }>;
			const sent = messages.find((m) => m.body?.startsWith('Temos sim!'));
			expect(sent?.status).toBe('read');
			return sent!;
		}, 60_000);
		// WhatsApp stamps a customer's message to the second: she answers in a later second than the reply, as people do.
		await eventually(() => expect(Math.floor(Date.now() / 1000)).toBeGreaterThan(Math.floor(Date.parse(reply.threadAt) / 1000)), 5_000);
		await customerSays(stack, workspace.channel.instance, { from: '5511977776666', pushName: 'Maria Souza', text: 'Quero sim, obrigada! 😊' });

		ana = await openBrowser();
		await signIn(ana, stack.server.url);
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
	});

	it('shows the list with every customer, the tabs\' counts and an open chat with its ticks and note', async () => {
		const { page } = ana;
		for (const customer of [...VENDAS, ...SUPORTE]) await page.getByRole('button', { name: customer.name }).waitFor();
		await page.getByRole('tab', { name: /Todas/ }).getByText('6').waitFor();
		await page.getByRole('tab', { name: /Minhas/ }).getByText('1').waitFor();
		await page.getByRole('tab', { name: /Não atribuídas/ }).getByText('4').waitFor();
		await page.getByRole('button', { name: 'Beatriz Lima' }).getByText('Meu pedido #4821 ainda não chegou').waitFor();

		await page.getByRole('button', { name: 'Maria Souza' }).click();
		const thread = page.getByRole('list', { name: 'Mensagens' });
		for (const text of ['Olá, vim pelo anúncio do Instagram', 'Vocês têm o tênis 42 em preto?', 'Quero sim, obrigada! 😊']) await thread.getByText(text).waitFor();
		// In the order they were written: her last message after the reply.
		const bubbles = await thread.locator('.bubble-row .text').allTextContents();
		expect(bubbles.indexOf('Quero sim, obrigada! 😊')).toBeGreaterThan(bubbles.indexOf('Temos sim! Quer que eu reserve um par para você?'));
		await page.locator('.bubble-row', { hasText: 'Temos sim!' }).getByRole('img', { name: 'Lida' }).waitFor();
		await page.locator('.bubble.note', { hasText: 'Cliente voltou pelo anúncio: oferecer frete grátis.' }).getByText('Nota interna').waitFor();
		await page.getByText('Atribuída a Ana').waitFor();
		await screenshot(page, 'inbox-busy', { readme: true });

		// The same screen in English.
		await page.getByLabel('Idioma').selectOption('en');
		await page.getByRole('tab', { name: /Mine/ }).getByText('1').waitFor();
		await page.getByRole('tab', { name: /Unassigned/ }).getByText('4').waitFor();
		await page.locator('.bubble-row', { hasText: 'Temos sim!' }).getByRole('img', { name: 'Read' }).waitFor();
		await page.locator('.bubble.note').getByText('Private note').waitFor();
		await page.getByText('Assigned to Ana').waitFor();
		await page.getByLabel('Language').selectOption('pt-BR');
		expect(ana.dialogs).toEqual([]);
	});

	it('shows both numbers on Canais, connected, with their phones and profiles', async () => {
		const { page } = ana;
		await page.getByRole('navigation').getByRole('button', { name: 'Canais' }).click();
		for (const [name, phone, profile] of [
			['Vendas', '+5511999990000', 'Loja Vendas'],
			['Suporte', '+5511988881234', 'Loja Suporte'],
		]) {
			const card = page.getByRole('listitem', { name });
			await card.locator('.channel-main .channel-status').getByText('Conectado', { exact: true }).waitFor();
			await card.getByText(phone).waitFor();
			await card.getByText(profile, { exact: true }).waitFor();
			await card.getByRole('button', { name: 'Reconectar agora' }).waitFor();
		}
		await screenshot(page, 'channels-busy', { readme: true });
		await page.getByLabel('Idioma').selectOption('en');
		await page.getByRole('listitem', { name: 'Suporte' }).locator('.channel-main .channel-status').getByText('Connected', { exact: true }).waitFor();
		await page.getByRole('listitem', { name: 'Vendas' }).getByRole('button', { name: 'Reconnect now' }).waitFor();
		await page.getByLabel('Language').selectOption('pt-BR');
		expect(ana.dialogs).toEqual([]);
	});
});
