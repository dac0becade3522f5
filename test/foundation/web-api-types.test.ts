import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildOfflineOpenApiDocument } from '../../server/src/inbox/api/offline-openapi';

const root = join(__dirname, '..', '..');

describe("the web app's API types", () => {
	it('match the OpenAPI document the server builds today (regenerate with npm run generate:api-types)', () => {
		const document = buildOfflineOpenApiDocument();
		const generated = spawnSync(process.execPath, [join(root, 'scripts', 'generate-web-api-types.mjs'), '--stdin', '--print'], {
			input: JSON.stringify(document),
			encoding: 'utf8',
			maxBuffer: 64 * 1024 * 1024,
		});
		expect(generated.stderr).toBe('');
		expect(generated.status).toBe(0);
		const committed = readFileSync(join(root, 'server', 'web', 'src', 'lib', 'api-schema.d.ts'), 'utf8');
		// A stale file fails here, naming the difference; the page's typecheck would miss a route it does not call yet.
		expect(committed).toBe(generated.stdout);
		expect(committed).toContain('"/api/v1/conversations": {');
	});

	it('come from the same document /docs serves (every route, the web app and the WebSocket included)', () => {
		const document = buildOfflineOpenApiDocument() as { paths: Record<string, Record<string, unknown>> };
		expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/v1/auth/signup', '/api/v1/conversations/{conversationId}/messages', '/realtime', '/*']));
	});
});
