import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { BRUNO, setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const XSS_NAME = '<img src=x onerror=alert("name")>Zé';
const XSS_TEXT = '<script>alert("text")</script><svg onload=alert("svg")></svg><a href="javascript:alert(1)">clique</a>';
const XSS_FILE = '"><img src=x onerror=alert("file")>.pdf';

/**
 * A connected number (created over the API, scanned in the sandbox); then a customer writes and the attendant sees it
 * live, without a reload; hostile names, texts and file names stay text; a second attendant sees an assignment at once.
 */
describe.each(ADAPTERS.slice(0, 1))('inbox in the browser, live, on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let bruno: Browser;
	let instance: string;

	beforeAll(async () => {
		stack = await startStack(open);
		instance = (await setUpWorkspace(stack, { attendants: [BRUNO] })).channel.instance;
		ana = await openBrowser();
		bruno = await openBrowser();
		await signIn(ana, stack.server.url);
		await signIn(bruno, stack.server.url, BRUNO);
		for (const { page } of [ana, bruno]) await page.getByText('Nenhuma conversa por aqui.').waitFor();
	});
	afterAll(async () => {
		await ana?.close();
		await bruno?.close();
		await stack?.close();
	});

	it('shows a customer\'s first message live, with its unread badge, and the thread without a reload', async () => {
		const { page } = ana;
		await stack.sandbox.post(`/_sandbox/instances/${instance}/messages`, { type: 'text', from: '5511977776666', pushName: 'Maria Souza', text: 'Olá, vim pelo site' });
		const row = page.getByRole('button', { name: 'Maria Souza' });
		await row.waitFor();
		expect(await row.locator('.badge').textContent()).toBe('1');
		await screenshot(page, 'inbox-new-conversation', { readme: true });
		await row.click();
		await page.getByRole('list', { name: 'Mensagens' }).getByText('Olá, vim pelo site').waitFor();
		// Opened: read for the attendants (the badge goes).
		await eventually(async () => expect(await row.locator('.badge').count()).toBe(0), 30_000);

		await stack.sandbox.post(`/_sandbox/instances/${instance}/messages`, { type: 'text', from: '5511977776666', pushName: 'Maria Souza', text: 'Vocês entregam amanhã?' });
		await page.getByRole('list', { name: 'Mensagens' }).getByText('Vocês entregam amanhã?').waitFor();
		await screenshot(page, 'inbox-thread', { readme: true });
	});

	it('renders hostile names, texts and file names as plain text: nothing runs, nothing is fetched', async () => {
		const { page } = ana;
		const before = ana.requests.length;
		await stack.sandbox.post(`/_sandbox/instances/${instance}/messages`, { type: 'text', from: '5511955554444', pushName: XSS_NAME, text: XSS_TEXT });
		await stack.sandbox.post(`/_sandbox/instances/${instance}/messages`, { type: 'document', from: '5511955554444', pushName: XSS_NAME, fileName: XSS_FILE, mimetype: 'application/pdf' });
		const row = page.getByRole('button', { name: XSS_NAME });
		await row.waitFor();
		await row.click();
		const thread = page.getByRole('list', { name: 'Mensagens' });
		await thread.getByText(XSS_TEXT).waitFor();
		await thread.getByText(XSS_FILE, { exact: false }).waitFor();
		await page.getByRole('heading', { name: XSS_NAME }).waitFor();
		expect(await page.locator('.messages img, .messages svg, .messages script, .messages a[href^="javascript"], .sidebar img').count()).toBe(0);
		await screenshot(page, 'inbox-hostile-text');
		expect(ana.dialogs).toEqual([]);
		const origin = new URL(stack.server.url).origin;
		const strange = ana.requests.slice(before).filter((url) => !url.startsWith(origin) || /\/x$/.test(url));
		expect(strange).toEqual([]);
	});

	it('shows an assignment made by one attendant to the other at once', async () => {
		await bruno.page.getByRole('button', { name: 'Maria Souza' }).click();
		await bruno.page.getByText('Sem atendente').waitFor();
		await ana.page.getByRole('button', { name: 'Maria Souza' }).click();
		await ana.page.getByRole('button', { name: 'Atribuir a mim' }).click();
		await ana.page.getByText('Atribuída a Ana').waitFor();
		await bruno.page.getByText('Atribuída a Ana').waitFor();
		// Bruno's "Mine" tab stays empty, Ana's counts one.
		await ana.page.getByRole('tab', { name: /Minhas/ }).getByText('1').waitFor();
		expect(bruno.dialogs).toEqual([]);
	});
});
