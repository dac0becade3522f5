import { ConfigError, loadConfig } from '../../src/config/config';

describe('loadConfig', () => {
	it('falls back to the embedded defaults', () => {
		const config = loadConfig({});
		expect(config).toMatchObject({ env: 'development', host: '127.0.0.1', port: 3000, sandbox: { apiKey: 'sandbox-api-key' } });
		expect(config.databaseUrl).toBeUndefined();
		expect(config.redisUrl).toBeUndefined();
		expect(config.evolution.baseUrl).toBeUndefined();
		expect(config.dataDir).toMatch(/\.data$/);
	});

	it('honours PORT, DATA_DIR and the external services, trimming trailing slashes', () => {
		const config = loadConfig({
			PORT: '4123',
			DATA_DIR: '/tmp/inbox-data',
			DATABASE_URL: 'postgres://u@db.example.com:5432/app',
			REDIS_URL: 'redis://cache.example.com:6379',
			EVOLUTION_BASE_URL: 'https://evo.example.com/',
			EVOLUTION_API_KEY: 'example-key',
		});
		expect(config.port).toBe(4123);
		expect(config.dataDir).toBe('/tmp/inbox-data');
		expect(config.evolution).toEqual({ baseUrl: 'https://evo.example.com', apiKey: 'example-key' });
		expect(config.databaseUrl).toBe('postgres://u@db.example.com:5432/app');
	});

	it('prepares statements on DATABASE_URL by default, or as DATABASE_PREPARED_STATEMENTS says', () => {
		expect(loadConfig({}).databasePreparedStatements).toBe('auto');
		expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'off' }).databasePreparedStatements).toBe('off');
		expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'maybe' })).toThrow(/DATABASE_PREPARED_STATEMENTS/);
	});

	it('treats empty strings as unset', () => {
		expect(loadConfig({ DATABASE_URL: '', REDIS_URL: '' }).databaseUrl).toBeUndefined();
	});

	it('lists every invalid variable at once', () => {
		expect(() => loadConfig({ PORT: 'eighty', EVOLUTION_BASE_URL: 'not a url' })).toThrow(ConfigError);
		try {
			loadConfig({ PORT: 'eighty', EVOLUTION_BASE_URL: 'not a url' });
		} catch (error) {
			expect((error as Error).message).toMatch(/PORT/);
			expect((error as Error).message).toMatch(/EVOLUTION_BASE_URL/);
		}
	});

	it('accepts only http(s) for EVOLUTION_BASE_URL and PUBLIC_URL, naming the variable', () => {
		for (const value of ['localhost:8080', 'ftp://evo.example.com', 'ws://evo.example.com']) {
			expect(() => loadConfig({ EVOLUTION_BASE_URL: value })).toThrow(/EVOLUTION_BASE_URL: must start with http:\/\/ or https:\/\//);
			expect(() => loadConfig({ PUBLIC_URL: value })).toThrow(/PUBLIC_URL: must start with http:\/\/ or https:\/\//);
		}
		expect(loadConfig({ EVOLUTION_BASE_URL: 'HTTP://evo.example.com:8080', PUBLIC_URL: 'https://inbox.example.com/' })).toMatchObject({
			evolution: { baseUrl: 'HTTP://evo.example.com:8080' },
			publicUrl: 'https://inbox.example.com',
		});
	});

	it('keeps a path prefix of PUBLIC_URL (a reverse proxy under /inbox), without its trailing slashes; refuses a query or fragment', () => {
		expect(loadConfig({ PUBLIC_URL: 'https://example.com/inbox//' }).publicUrl).toBe('https://example.com/inbox');
		for (const value of ['https://example.com/inbox?token=1', 'https://example.com/inbox#top'])
			expect(() => loadConfig({ PUBLIC_URL: value })).toThrow(/PUBLIC_URL: must be a base address without \?query or #fragment/);
	});

	it('reads OPERATOR_WORKSPACE_IDS as a list of workspace ids, refusing anything else by name', () => {
		expect(loadConfig({}).operatorWorkspaceIds).toEqual([]);
		const a = '6f1c1d2e-3a4b-4c5d-8e9f-0a1b2c3d4e5f';
		const b = '0b9e8d7c-6b5a-4f3e-9d2c-1b0a9f8e7d6c';
		expect(loadConfig({ OPERATOR_WORKSPACE_IDS: ` ${a.toUpperCase()} ,${b},` }).operatorWorkspaceIds).toEqual([a, b]);
		expect(() => loadConfig({ OPERATOR_WORKSPACE_IDS: 'ops@example.com' })).toThrow(/OPERATOR_WORKSPACE_IDS.*must be workspace ids/);
	});

	it('requires INTEGRATIONS_KEY in production', () => {
		expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/INTEGRATIONS_KEY/);
		expect(loadConfig({ NODE_ENV: 'production', INTEGRATIONS_KEY: 'a'.repeat(64) }).env).toBe('production');
	});
});
