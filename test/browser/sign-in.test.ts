import { type Browser, openBrowser, screenshot } from './support/browser';
import { ADAPTERS, startStack, type Stack } from './support/stack';

/** First start on an empty server: create the workspace, stay signed in across a reload, sign out, sign in again. */
describe.each(ADAPTERS)('web app: workspace, sign-in and language on %s', (driver, open) => {
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

	it('creates the workspace on first start, keeps the session across a reload, signs out and back in', async () => {
		const { page } = browser;
		await page.goto(stack.server.url);
		await page.getByRole('heading', { name: 'Crie seu espaço de trabalho' }).waitFor();
		if (driver === 'pglite') await screenshot(page, 'create-workspace', { readme: true });
		await page.getByLabel('Nome da empresa ou equipe').fill('Loja da Maria');
		await page.getByLabel('Seu nome').fill('Maria');
		await page.getByLabel('E-mail').fill('maria@example.com');
		await page.getByLabel('Senha').fill('uma senha comprida');
		await page.getByRole('button', { name: 'Criar espaço de trabalho' }).click();
		await page.getByRole('button', { name: 'Sair' }).waitFor();
		await page.getByText('Maria · Loja da Maria').waitFor();

		// The server now has a workspace: sign-up is closed, and the page knows it.
		expect((await stack.server.call('GET', '/api/v1/auth/signup')).json()).toEqual({ open: false, mode: 'first' });

		await page.reload();
		await page.getByRole('button', { name: 'Sair' }).waitFor();

		await page.getByRole('button', { name: 'Sair' }).click();
		await page.getByRole('heading', { name: 'Entrar' }).waitFor();
		// No way to sign up any more: the link only shows while the server takes workspaces.
		expect(await page.getByRole('button', { name: 'Criar um novo espaço de trabalho' }).count()).toBe(0);
		await page.reload();
		await page.getByRole('heading', { name: 'Entrar' }).waitFor();

		await page.getByLabel('E-mail').fill('maria@example.com');
		await page.getByLabel('Senha').fill('senha errada de propósito');
		await page.getByRole('button', { name: 'Entrar' }).click();
		await page.getByRole('alert').filter({ hasText: 'E-mail ou senha incorretos.' }).waitFor();

		await page.getByLabel('Senha').fill('uma senha comprida');
		await page.getByRole('button', { name: 'Entrar' }).click();
		await page.getByRole('button', { name: 'Sair' }).waitFor();
		expect(browser.dialogs).toEqual([]);
	});

	it('switches between Portuguese and English, and remembers the choice', async () => {
		const { page } = browser;
		await page.getByLabel('Idioma').selectOption('en');
		await page.getByRole('button', { name: 'Sign out' }).waitFor();
		expect(await page.locator('html').getAttribute('lang')).toBe('en');
		await page.reload();
		await page.getByRole('button', { name: 'Sign out' }).waitFor();
		await page.getByLabel('Language').selectOption('pt-BR');
		await page.getByRole('button', { name: 'Sair' }).waitFor();
	});

	it('serves the page for the app\'s own paths, and leaves the API\'s answers alone', async () => {
		const { server } = stack;
		const deep = await fetch(`${server.url}/conversations/00000000-0000-0000-0000-000000000000`);
		expect(deep.status).toBe(200);
		expect(deep.headers.get('content-type')).toMatch(/text\/html/);
		expect(deep.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
		const unknownApi = await fetch(`${server.url}/api/v1/nothing-here`);
		expect(unknownApi.status).toBe(404);
		expect(((await unknownApi.json()) as { error: { code: string } }).error.code).toBe('not_found');
		expect((await fetch(`${server.url}/health`)).headers.get('content-type')).toMatch(/json/);
		expect((await fetch(`${server.url}/docs`)).headers.get('content-type')).toMatch(/json/);
		const traversal = await fetch(`${server.url}/assets/..%2f..%2fpackage.json`);
		expect(await traversal.text()).not.toMatch(/"dependencies"/);
	});

	it('shows the API reference at /docs in the browser, under its policy, and lets a person open a route', async () => {
		const { page, errors } = browser;
		const before = errors.length;
		await page.goto(`${stack.server.url}/docs`);
		await page.getByRole('heading', { name: /WhatsApp Inbox companion server/ }).waitFor();
		// A route from the document, expanded: its parameters come from the same schema that validates requests.
		const list = page.locator('.opblock-summary', { hasText: '/api/v1/conversations' }).filter({ hasText: 'GET' }).first();
		await list.click();
		await page.getByText('assignee', { exact: true }).first().waitFor();
		if (driver === 'pglite') await screenshot(page, 'api-docs');
		// Nothing refused by the page's Content-Security-Policy (a refused script or style is a console error).
		expect(errors.slice(before)).toEqual([]);
	});
});

describe('web app in a browser set to English', () => {
	it('opens in English when the browser asks for it', async () => {
		const stack = await startStack(ADAPTERS[0][1]);
		const browser = await openBrowser({ locale: 'en-US' });
		try {
			await browser.page.goto(stack.server.url);
			await browser.page.getByRole('heading', { name: 'Create your workspace' }).waitFor();
		} finally {
			await browser.close();
			await stack.close();
		}
	});
});
