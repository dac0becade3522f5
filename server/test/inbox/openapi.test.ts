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

	it('shows a person the document in Swagger UI at /docs, and keeps the JSON at /docs/openapi.json', async () => {
		const json = await server.call('GET', '/docs/openapi.json');
		expect(json.statusCode).toBe(200);
		expect(json.headers.get('content-type')).toMatch(/application\/json/);
		expect(json.json()).toEqual((await server.call('GET', '/docs')).json());

		const get = async (url: string, accept = '*/*') => {
			const response = await fetch(`${server.url}${url}`, { headers: { accept } });
			return { status: response.status, type: response.headers.get('content-type') ?? '', headers: response.headers, body: await response.text() };
		};
		const page = await get('/docs', 'text/html,application/xhtml+xml,*/*;q=0.8');
		expect(page.status).toBe(200);
		expect(page.type).toMatch(/text\/html/);
		expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
		// Everything the page loads comes from this server (it works offline), and it reads the stable JSON address.
		const sources = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
		expect(sources.length).toBeGreaterThan(2);
		for (const source of sources) {
			expect(source).toMatch(/^\/docs\/assets\//);
			const asset = await get(source);
			expect(asset.status).toBe(200);
			expect(asset.body.length).toBeGreaterThan(0);
		}
		expect((await get('/docs/assets/viewer.js')).body).toContain('"/docs/openapi.json"');
		expect((await get('/docs/assets/swagger-ui-bundle.js')).type).toMatch(/javascript/);

		// Only the viewer's files: not the rest of the package, not a path out of it.
		for (const url of ['/docs/assets/package.json', '/docs/assets/index.html', '/docs/assets/..%2f..%2fpackage.json', '/docs/assets/%2e%2e%2fserver%2fpackage.json']) {
			const response = await get(url);
			expect({ url, status: response.status }).toEqual({ url, status: 404 });
			expect(JSON.parse(response.body).error.code).toBe('not_found');
		}
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

	it('names the shapes many answers share once (components), and every reference resolves', async () => {
		const document = (await server.call('GET', '/docs')).json();
		const answer = (path: string, method: string, status = '200') => document.paths[path][method].responses[status].content['application/json'].schema;
		const message = { $ref: '#/components/schemas/Message' };
		expect(answer('/api/v1/messages/{messageId}', 'get')).toEqual(message);
		expect(answer('/api/v1/conversations/{conversationId}/messages', 'get').properties.data.items).toEqual(message);
		expect(answer('/api/v1/conversations/{conversationId}/messages', 'post', '202')).toEqual(message);
		expect(answer('/api/v1/conversations', 'get').properties.data.items).toEqual({ $ref: '#/components/schemas/Conversation' });
		const schemas = document.components.schemas;
		expect(schemas.Message.properties.media).toEqual({ anyOf: [{ $ref: '#/components/schemas/MessageMedia' }, { type: 'null' }] });
		expect(schemas.Message.required).toEqual(expect.arrayContaining(['id', 'conversationId', 'status', 'reactions']));
		expect(schemas.Conversation.properties.contact).toEqual({ $ref: '#/components/schemas/ConversationContact' });
		// A named shape keeps what its fields say of themselves.
		expect(schemas.OutboxSettings.properties.perMinute.description).toMatch(/per minute/);
		expect(schemas.Message).not.toHaveProperty('id');
		// No leftover local references, and no reference to a schema the document lacks.
		const text = JSON.stringify(document);
		expect(text).not.toContain('#/$defs/');
		const refs = [...text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
		expect(refs.length).toBeGreaterThan(20);
		expect(refs.filter((name) => !schemas[name])).toEqual([]);
	});
});
