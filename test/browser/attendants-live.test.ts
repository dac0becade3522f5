import { eventually } from '../../server/test/inbox/support/inbox-app';
import { type Browser, openBrowser, screenshot } from './support/browser';
import { ANA, BRUNO, customerSays, setUpWorkspace, signIn } from './support/session';
import { ADAPTERS, startStack, type Stack } from './support/stack';

const CUSTOMER = '5511944445555';

/**
 * Two attendants, two browsers: what one changes in the contact side panel (the contact's name, the lead's score,
 * owner and custom fields) shows in the other's page without a reload, and a transfer with a note reaches its
 * receiver at once: assigned to them, the note in the thread.
 */
describe.each(ADAPTERS.slice(0, 1))('two attendants live in the browser on %s', (_driver, open) => {
	let stack: Stack;
	let ana: Browser;
	let bruno: Browser;
	let admin: string;
	let brunoId: string;
	let instance: string;
	let conversationId: string;
	let leadId: string;

	const noReload = async (browser: Browser) => expect(await browser.page.evaluate('window.stayed')).toBe(true);

	beforeAll(async () => {
		stack = await startStack(open);
		const { server } = stack;
		const workspace = await setUpWorkspace(stack, { attendants: [BRUNO] });
		admin = workspace.admin;
		brunoId = workspace.attendants[BRUNO.email].id;
		instance = workspace.channel.instance;
		const lead = await server.call('POST', '/api/v1/leads', admin, { name: 'Paula Nunes', source: 'form', firstTouchToken: 'PANEL42' });
		leadId = lead.json().id;
		await customerSays(stack, instance, { from: CUSTOMER, pushName: 'Paula', text: 'Oi, quero um orçamento vm_token:PANEL42' });
		conversationId = await eventually(async () => {
			const list = (await server.call('GET', '/api/v1/conversations', admin)).json().data as Array<{ id: string; leadId: string | null }>;
			expect(list.map((c) => c.leadId)).toEqual([leadId]);
			return list[0].id;
		}, 60_000);

		ana = await openBrowser();
		bruno = await openBrowser();
		await signIn(ana, server.url, ANA);
		await signIn(bruno, server.url, BRUNO);
		for (const browser of [ana, bruno]) {
			await browser.page.getByRole('button', { name: 'Paula' }).click();
			await browser.page.getByRole('list', { name: 'Mensagens' }).getByText('Oi, quero um orçamento').waitFor();
			await browser.page.getByRole('button', { name: 'Dados do contato' }).click();
			await browser.page.getByRole('complementary', { name: 'Dados do contato' }).getByText('Paula Nunes').waitFor();
			// Gone after a reload: every change below must reach the page live.
			await browser.page.evaluate('window.stayed = true');
		}
	});
	afterAll(async () => {
		await ana?.close();
		await bruno?.close();
		await stack?.close();
	});

	it("edits the lead's score, owner and custom fields in one page, and the other shows each change live", async () => {
		const mine = ana.page.getByRole('complementary', { name: 'Dados do contato' });
		const theirs = bruno.page.getByRole('complementary', { name: 'Dados do contato' });
		expect(await theirs.getByLabel('Pontuação').inputValue()).toBe('0');

		await mine.getByLabel('Pontuação').fill('40');
		await mine.getByLabel('Pontuação').press('Enter');
		await eventually(async () => expect((await stack.server.call('GET', `/api/v1/leads/${leadId}`, admin)).json().score).toBe(40), 30_000);
		await eventually(async () => expect(await theirs.getByLabel('Pontuação').inputValue()).toBe('40'), 30_000);

		await mine.getByLabel('Responsável pelo lead').selectOption({ label: 'Bruno' });
		await eventually(async () => expect((await stack.server.call('GET', `/api/v1/leads/${leadId}`, admin)).json().ownerUserId).toBe(brunoId), 30_000);
		await eventually(async () => expect(await theirs.getByLabel('Responsável pelo lead').inputValue()).toBe(brunoId), 30_000);

		await mine.getByRole('button', { name: 'Editar campos' }).click();
		const first = mine.getByRole('group', { name: 'Campo 1' });
		await first.getByLabel('Nome do campo').fill('plano');
		await first.getByLabel('Valor').fill('ouro <b>anual</b>');
		await mine.getByRole('button', { name: 'Adicionar campo' }).click();
		const second = mine.getByRole('group', { name: 'Campo 2' });
		await second.getByLabel('Nome do campo').fill('cidade');
		await second.getByLabel('Valor').fill('Recife');
		await mine.getByRole('button', { name: 'Salvar campos' }).click();
		await mine.getByRole('button', { name: 'Editar campos' }).waitFor();
		await eventually(
			async () => expect((await stack.server.call('GET', `/api/v1/leads/${leadId}`, admin)).json().attributes).toEqual({ plano: 'ouro <b>anual</b>', cidade: 'Recife' }),
			30_000,
		);
		const fields = theirs.getByRole('region', { name: 'Campos personalizados' });
		await fields.getByText('ouro <b>anual</b>', { exact: true }).waitFor();
		await fields.getByText('Recife', { exact: true }).waitFor();
		expect(await bruno.page.locator('.contact-panel b').count()).toBe(0);

		// Removing a field in one page removes it in the other.
		await mine.getByRole('button', { name: 'Editar campos' }).click();
		await mine.getByRole('button', { name: 'Remover o campo cidade' }).click();
		await mine.getByRole('button', { name: 'Salvar campos' }).click();
		await fields.getByText('Recife', { exact: true }).waitFor({ state: 'detached' });
		expect((await stack.server.call('GET', `/api/v1/leads/${leadId}`, admin)).json().attributes).toEqual({ plano: 'ouro <b>anual</b>' });
		await screenshot(bruno.page, 'contact-panel-live');
		await noReload(bruno);
	});

	it('renames the contact in one page, and the other shows the new name in its list, header and panel live', async () => {
		const mine = ana.page.getByRole('complementary', { name: 'Dados do contato' });
		await mine.getByRole('button', { name: 'Editar nome' }).click();
		await mine.getByLabel('Nome do contato').fill('Paula (orçamento)');
		await mine.getByRole('button', { name: 'Salvar nome' }).click();
		await bruno.page.getByRole('button', { name: 'Paula (orçamento)' }).waitFor();
		await bruno.page.getByRole('heading', { name: 'Paula (orçamento)' }).waitFor();
		await bruno.page.getByRole('complementary', { name: 'Dados do contato' }).getByText('Paula (orçamento)', { exact: true }).waitFor();
		await noReload(bruno);
	});

	it('transfers with a note: the receiver sees the conversation become theirs and the note in the thread at once', async () => {
		const note = 'Cliente quer 10% de desconto; já aprovei, só fechar.';
		const sendsBefore = (await stack.sandbox.get(`/_sandbox/sends?instance=${instance}`)).body as { sends: unknown[] };
		await ana.page.getByRole('button', { name: 'Atribuir a mim' }).click();
		await bruno.page.getByText('Atribuída a Ana').waitFor();

		await ana.page.getByRole('button', { name: 'Transferir', exact: true }).click();
		const form = ana.page.getByRole('form', { name: 'Transferir a conversa' });
		await form.getByLabel('Para', { exact: true }).selectOption({ label: 'Bruno' });
		await form.getByLabel('Nota para quem recebe (opcional)', { exact: true }).fill(note);
		await form.getByRole('button', { name: 'Transferir agora' }).click();
		await form.waitFor({ state: 'detached' });

		await bruno.page.locator('.chat-header').getByText('Atribuída a Bruno').waitFor();
		// The transfer's system line, naming the receiver, carries the note.
		const line = bruno.page.getByRole('list', { name: 'Mensagens' }).getByRole('note').filter({ hasText: note });
		await line.waitFor();
		expect(await line.textContent()).toMatch(/Ana.*Bruno/);
		await bruno.page.getByRole('tab', { name: /Minhas/ }).getByText('1', { exact: true }).waitFor();
		await screenshot(bruno.page, 'transfer-with-note');
		await noReload(bruno);

		// Kept by the server with the note, and never sent to the customer.
		const conversation = (await stack.server.call('GET', `/api/v1/conversations/${conversationId}`, admin)).json();
		expect(conversation.assigneeId).toBe(brunoId);
		const thread = (await stack.server.call('GET', `/api/v1/conversations/${conversationId}/messages`, admin)).json().data as Array<{ type: string; details: { note?: string } | null }>;
		expect(thread.filter((m) => m.type === 'system' && m.details?.note === note)).toHaveLength(1);
		const sends = ((await stack.sandbox.get(`/_sandbox/sends?instance=${instance}`)).body as { sends: Array<{ text: string | null }> }).sends;
		expect(sends).toHaveLength(sendsBefore.sends.length);

		expect([ana.dialogs, bruno.dialogs]).toEqual([[], []]);
	});
});
