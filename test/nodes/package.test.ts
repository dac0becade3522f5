import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

import { loadBuiltPackage, PACKAGE_ROOT } from '../support/n8n-harness';

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8'));

describe('Built package', () => {
	it('registers the Evolution node and credential, and dist/ has them with codex and icons', () => {
		expect(pkg.n8n.nodes).toContain('dist/nodes/EvolutionApi/EvolutionApi.node.js');
		expect(pkg.n8n.credentials).toContain('dist/credentials/EvolutionApi.credentials.js');
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(existsSync(join(PACKAGE_ROOT, file))).toBe(true);
		const codex = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'dist/nodes/EvolutionApi/EvolutionApi.node.json'), 'utf8'));
		expect(codex.categories).toEqual(['Communication']);
		const light = readFileSync(join(PACKAGE_ROOT, 'dist/icons/evolution.svg'), 'utf8');
		const dark = readFileSync(join(PACKAGE_ROOT, 'dist/icons/evolution.dark.svg'), 'utf8');
		expect(light).toMatch(/^<svg/);
		expect(dark).not.toBe(light);
	});

	it('has zero runtime dependencies and the built node imports only n8n-workflow', () => {
		expect(pkg.dependencies ?? {}).toEqual({});
		const requires = new Set<string>();
		const walk = (file: string) => {
			const text = readFileSync(file, 'utf8');
			for (const match of text.matchAll(/require\("([^"]+)"\)/g)) {
				if (match[1].startsWith('.')) continue;
				requires.add(match[1]);
			}
		};
		const visit = (dir: string) => {
			for (const entry of readdirSync(dir)) {
				const path = join(dir, entry);
				if (statSync(path).isDirectory()) visit(path);
				else if (path.endsWith('.js') && !path.includes('Trigger')) walk(path);
			}
		};
		visit(join(PACKAGE_ROOT, 'dist/nodes/EvolutionApi'));
		walk(join(PACKAGE_ROOT, 'dist/credentials/EvolutionApi.credentials.js'));
		// Only n8n-workflow and the built-ins the n8n lint allows (crypto).
		for (const name of requires) expect(['crypto', 'n8n-workflow']).toContain(name);
		expect(requires.has('n8n-workflow')).toBe(true);
	});

	it('loads through n8n\'s PackageDirectoryLoader with the described shape', async () => {
		const { evolutionNode, credentialTypes } = await loadBuiltPackage();
		const description = evolutionNode.description;
		expect(description).toMatchObject({ name: 'evolutionApi', version: 1, usableAsTool: true });
		expect(description.subtitle).toContain('$parameter["operation"]');
		// The loader turns `icon` into served URLs of the copied files.
		const iconUrl = description.iconUrl as { light: string; dark: string };
		expect(iconUrl.light).toMatch(/dist\/icons\/evolution\.svg$/);
		expect(iconUrl.dark).toMatch(/dist\/icons\/evolution\.dark\.svg$/);
		const resource = description.properties.find((property) => property.name === 'resource');
		expect(resource?.options?.map((option) => (option as { value: string }).value)).toEqual([
			'chat', 'group', 'history', 'instance', 'label', 'message', 'profile', 'settings', 'webhook',
		]);
		const locator = description.properties.find((property) => property.name === 'instanceName' && property.type === 'resourceLocator');
		expect(locator?.default).toEqual({ mode: 'list', value: '' });
		expect(credentialTypes.evolutionApi.authenticate).toEqual({ type: 'generic', properties: { headers: { apikey: '={{$credentials.apiKey}}' } } });
	});

	it('registers the WhatsApp Inbox node and credential: usable as a tool, light/dark icons, only n8n-workflow imported', async () => {
		expect(pkg.n8n.nodes).toContain('dist/nodes/WhatsAppInbox/WhatsAppInbox.node.js');
		expect(pkg.n8n.credentials).toContain('dist/credentials/WhatsAppInboxApi.credentials.js');
		expect(pkg.scripts.prepublishOnly).toBe('npm test');
		const codex = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'dist/nodes/WhatsAppInbox/WhatsAppInbox.node.json'), 'utf8'));
		expect(codex).toMatchObject({ node: 'n8n-nodes-evolution-whatsapp.whatsAppInbox', categories: ['Communication'] });
		const { nodeTypes, credentialTypes } = await loadBuiltPackage();
		const description = (nodeTypes.getByNameAndVersion('n8n-nodes-evolution-whatsapp.whatsAppInbox', 1) as { description: Record<string, any> }).description;
		expect(description).toMatchObject({ name: 'whatsAppInbox', version: 1, usableAsTool: true });
		expect(description.iconUrl.light).toMatch(/dist\/icons\/whatsapp-inbox\.svg$/);
		expect(description.iconUrl.dark).toMatch(/dist\/icons\/whatsapp-inbox\.dark\.svg$/);
		const resource = description.properties.find((property: { name: string }) => property.name === 'resource');
		expect(resource.options.map((option: { value: string }) => option.value)).toEqual(['ai', 'channel', 'contact', 'conversation', 'lead', 'message']);
		expect(credentialTypes.whatsAppInboxApi.authenticate).toEqual({ type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.apiToken}}' } } });
		const requires = new Set<string>();
		const visit = (dir: string) => {
			for (const entry of readdirSync(dir)) {
				const path = join(dir, entry);
				if (statSync(path).isDirectory()) visit(path);
				else if (path.endsWith('.js')) for (const match of readFileSync(path, 'utf8').matchAll(/require\("([^"]+)"\)/g)) if (!match[1].startsWith('.')) requires.add(match[1]);
			}
		};
		visit(join(PACKAGE_ROOT, 'dist/nodes/WhatsAppInbox'));
		// What both nodes share is built beside them and loads the same way.
		visit(join(PACKAGE_ROOT, 'dist/nodes/shared'));
		// Only n8n-workflow and the built-ins the n8n lint allows (crypto, for the trigger's signatures).
		for (const name of requires) expect(['crypto', 'n8n-workflow']).toContain(name);
		expect(requires.has('n8n-workflow')).toBe(true);
	});
});
