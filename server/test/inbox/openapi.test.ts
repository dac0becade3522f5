import type { Db } from '../../src/db/db';
import { openApiPath } from '../../src/inbox/api/openapi-document';
import { listRoutes } from '../../src/inbox/api/route-catalog';
import { ADAPTERS, type InboxApp, openMigratedDb, startInboxApp } from './support/inbox-app';

describe.each(ADAPTERS)('OpenAPI document at /docs on %s', (_driver, open) => {
	let db: Db;
	let server: InboxApp;

	beforeAll(async () => {
		db = await openMigratedDb(open);
		server = await startInboxApp(db);
	});
	afterAll(async () => {
		await server.close();
		await db.close();
	});

	it('lists every route the server registers, and nothing it does not', async () => {
		const response = await server.call('GET', '/docs');
		expect(response.statusCode).toBe(200);
		const document = response.json();
		expect(document.openapi).toBe('3.1.0');
		const registered = listRoutes(server.app).map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`);
		const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) =>
			Object.keys(operations).map((method) => `${method} ${path}`),
		);
		expect([...new Set(documented)].sort()).toEqual([...new Set(registered)].sort());
	});

	it('describes parameters, bodies and security from the same schemas that validate requests', async () => {
		const document = (await server.call('GET', '/docs')).json();
		const list = document.paths['/api/v1/conversations'].get;
		expect(list.security).toEqual([{ bearer: [] }]);
		const assignee = list.parameters.find((p: { name: string }) => p.name === 'assignee');
		expect(assignee).toMatchObject({ in: 'query', required: false, schema: { enum: ['mine', 'unassigned', 'all'], default: 'all' } });
		const assign = document.paths['/api/v1/conversations/{conversationId}/assignment'].post;
		expect(assign.parameters).toEqual([expect.objectContaining({ name: 'conversationId', in: 'path', required: true })]);
		expect(assign.requestBody.content['application/json'].schema.required).toEqual(['assigneeId']);
		expect(document.paths['/api/v1/auth/login'].post.security).toEqual([]);
		expect(document.components.schemas.Error).toBeDefined();
	});
});
