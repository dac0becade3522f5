import { FakeOpenAi } from '../../server/test/ai/support/fake-openai';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { wav } from './support/media-files';
import { setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511955550077';

/**
 * The AI auto-reply in the inbox page: its replies marked "🤖 IA", a voice note's transcript under the player, and the
 * conversation's AI state in the header with the attendant's "Pausar IA" / "Devolver à IA".
 */
describe.each(ADAPTERS.slice(0, 1))('the AI in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let model: FakeOpenAi;
	let ana: Browser;
	let instance: string;

	beforeAll(async () => {
		model = await FakeOpenAi.start();
		stack = await startStack(open, { OUTBOX_TIME_SCALE: '0.01' });
		const { server } = stack;
		const { admin, channel } = await setUpWorkspace(stack, { channelPrefix: 'ai' });
		instance = channel.instance;
		const channelId = channel.id;
		const agent = await server.call('POST', '/api/v1/ai/agents', admin, {
			name: 'Assistente',
			baseUrl: model.url,
			apiKey: 'sk-browser',
			model: 'gpt-test',
			channelIds: [channelId],
			debounceMs: 300,
			splitMessages: false,
			transcribeAudio: true,
		});
		expect(agent.statusCode).toBe(201);
		ana = await openBrowser();
		await signIn(ana, server.url);
		await ana.page.getByText('Nenhuma conversa por aqui.').waitFor();
	});
	afterAll(async () => {
		await ana?.close();
		await stack?.close();
		await model?.close();
	});

	it('shows the AI reply, the transcript and the AI state; the attendant pauses it and gives it back', async () => {
		const { page } = ana;
		model.transcript = 'quero saber o horário de sábado';
		model.respond = () => ({ reply: 'Sábado abrimos das 9h às 13h.' });
		await stack.sandbox.post(`/_sandbox/instances/${instance}/messages`, { from: CUSTOMER, pushName: 'João Lima', type: 'audio', media: wav(1).toString('base64'), mimetype: 'audio/wav', ptt: true });
		await page.getByRole('button', { name: 'João Lima' }).click();
		const thread = page.getByRole('list', { name: 'Mensagens' });
		await thread.getByText('Sábado abrimos das 9h às 13h.').waitFor({ timeout: 60_000 });
		await thread.getByText('🤖 IA', { exact: true }).waitFor();
		await thread.getByLabel('Transcrição').getByText('quero saber o horário de sábado').waitFor({ timeout: 60_000 });
		const state = page.getByRole('status').filter({ hasText: '🤖 IA respondendo' });
		await state.waitFor();
		// The AI's lines in the thread are in the page's language, like the other system lines.
		await thread.getByRole('note').filter({ hasText: 'O agente de IA Assistente está respondendo esta conversa' }).waitFor();
		await screenshot(page, 'ai-reply');

		await state.getByRole('button', { name: 'Pausar IA' }).click();
		const paused = page.getByRole('status').filter({ hasText: '🤖 IA pausada' });
		await paused.waitFor();
		await thread.getByRole('note').filter({ hasText: /pausou a IA$/ }).waitFor();
		await paused.getByRole('button', { name: 'Devolver à IA' }).click();
		await page.getByRole('status').filter({ hasText: '🤖 IA respondendo' }).waitFor();
		await thread.getByRole('note').filter({ hasText: /devolveu a conversa para a IA$/ }).waitFor();
		expect(await thread.getByText(/the AI|AI agent/).count()).toBe(0);
	});
});
