import { eventually } from '../../server/test/inbox/support/inbox-app';
import { FakeOpenAi } from '../../server/test/ai/support/fake-openai';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { BRUNO, setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511955550088';

/**
 * "Agentes de IA", the admins' settings screen: an agent created from the page (model, endpoint, key, prompt,
 * channel) answers a customer through the model it names; switched off and renamed from the page; a refused input
 * says why; an attendant who is not an admin neither sees the place nor can use it.
 */
describe.each(ADAPTERS.slice(0, 1))('AI agent settings in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let model: FakeOpenAi;
	let ana: Browser;
	let bruno: Browser | undefined;
	let admin: string;
	let channelId: string;
	let instance: string;

	beforeAll(async () => {
		model = await FakeOpenAi.start();
		stack = await startStack(open, { OUTBOX_TIME_SCALE: '0.01' });
		const workspace = await setUpWorkspace(stack, { attendants: [BRUNO], channelPrefix: 'agents' });
		admin = workspace.admin;
		({ id: channelId, instance } = workspace.channel);
		ana = await openBrowser();
		await signIn(ana, stack.server.url);
		await ana.page.getByText('Nenhuma conversa por aqui.').waitFor();
	});
	afterAll(async () => {
		await bruno?.close();
		await ana?.close();
		await stack?.close();
		await model?.close();
	});

	it('creates an agent from the page that then answers the channel through the model it names', async () => {
		const { page } = ana;
		await page.getByRole('navigation').getByRole('button', { name: 'Agentes de IA' }).click();
		await page.getByText('Nenhum agente ainda.', { exact: false }).waitFor();
		await page.getByRole('button', { name: 'Novo agente' }).click();
		const form = page.getByRole('form', { name: 'Novo agente de IA' });
		await form.getByLabel('Nome do agente').fill('Assistente');
		await form.getByLabel('Modelo').fill('gpt-page');
		await form.getByLabel(/Endereço da API/).fill(model.url);
		await form.getByLabel('Chave da API').fill('sk-page-secret');
		await form.getByLabel('Instruções').fill('Você é a assistente da Loja {{channel.name}}.');
		await form.getByLabel('Vendas').check();
		await screenshot(page, 'ai-agent-form');
		await form.getByRole('button', { name: 'Salvar agente' }).click();
		const card = page.getByRole('listitem', { name: 'Assistente' });
		await card.getByText('Atende: Vendas').waitFor();
		await card.getByText('Ativo', { exact: true }).waitFor();
		await screenshot(page, 'ai-agents', { readme: true });

		const listed = await stack.server.call('GET', '/api/v1/ai/agents', admin);
		expect(listed.body).not.toContain('sk-page-secret');
		const [agent] = listed.json().data;
		expect(agent).toMatchObject({ name: 'Assistente', model: 'gpt-page', baseUrl: model.url, hasApiKey: true, enabled: true, channelIds: [channelId] });
		expect(agent.systemPrompt).toBe('Você é a assistente da Loja {{channel.name}}.');

		model.respond = () => ({ reply: 'Olá! Sou a assistente.' });
		await stack.sandbox.post(`/_sandbox/instances/${instance}/messages`, { type: 'text', from: CUSTOMER, pushName: 'Rita', text: 'Oi, tem horário hoje?' });
		await eventually(() => expect(model.chatsMentioning('Você é a assistente da Loja Vendas.').length).toBeGreaterThan(0), 60_000);
		await page.getByRole('navigation').getByRole('button', { name: 'Conversas' }).click();
		await page.getByRole('button', { name: 'Rita' }).click();
		await page.getByRole('list', { name: 'Mensagens' }).getByText('Olá! Sou a assistente.').waitFor({ timeout: 60_000 });
	});

	it('switches the agent off and renames it, keeping its key; a refused input says why', async () => {
		const { page } = ana;
		await page.getByRole('navigation').getByRole('button', { name: 'Agentes de IA' }).click();
		const card = page.getByRole('listitem', { name: 'Assistente' });
		await card.getByRole('button', { name: 'Desativar' }).click();
		await card.getByText('Desativado', { exact: true }).waitFor();
		await eventually(async () => expect((await stack.server.call('GET', '/api/v1/ai/agents', admin)).json().data[0].enabled).toBe(false));

		await card.getByRole('button', { name: 'Editar' }).click();
		const form = page.getByRole('form', { name: 'Editar Assistente' });
		await form.getByText('Uma chave está guardada; deixe vazio para mantê-la.').waitFor();
		await form.getByLabel(/Endereço da API/).fill('ftp://modelos.example.com');
		await form.getByRole('button', { name: 'Salvar agente' }).click();
		await form.getByRole('alert').getByText(/Não foi possível salvar: .*http/).waitFor();
		await form.getByLabel(/Endereço da API/).fill(model.url);
		await form.getByLabel('Nome do agente').fill('Assistente de vendas');
		await form.getByRole('button', { name: 'Salvar agente' }).click();
		await page.getByRole('listitem', { name: 'Assistente de vendas' }).getByText('Desativado', { exact: true }).waitFor();
		const [agent] = (await stack.server.call('GET', '/api/v1/ai/agents', admin)).json().data;
		expect(agent).toMatchObject({ name: 'Assistente de vendas', hasApiKey: true, enabled: false, baseUrl: model.url, channelIds: [channelId] });

		await page.getByLabel('Idioma').selectOption('en');
		await page.getByRole('listitem', { name: 'Assistente de vendas' }).getByRole('button', { name: 'Enable' }).waitFor();
		await page.getByLabel('Language').selectOption('pt-BR');
		expect(ana.dialogs).toEqual([]);
	});

	it('is not offered to an attendant who is not an admin', async () => {
		bruno = await openBrowser();
		const { page } = bruno;
		await signIn(bruno, stack.server.url, BRUNO);
		await page.getByRole('navigation').getByRole('button', { name: 'Canais' }).waitFor();
		expect(await page.getByRole('navigation').getByRole('button', { name: 'Agentes de IA' }).count()).toBe(0);
		await page.goto(`${stack.server.url}/ai`);
		await page.getByText('Só administradores do espaço de trabalho mudam os agentes de IA.').waitFor();
	});
});
