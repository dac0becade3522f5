import { ConfigError, loadConfig } from './config/config';
import { buildApp } from './http/app';
import { createLogger } from './logging/logger';
import { startRuntime } from './runtime/start-runtime';

async function main(): Promise<void> {
	let config;
	try {
		config = loadConfig();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			process.exit(1);
		}
		throw error;
	}
	const logger = createLogger({ level: config.logLevel });
	const runtime = await startRuntime(config, logger);
	const app = buildApp(runtime);

	let stopping = false;
	const stop = async (signal: string) => {
		if (stopping) {
			logger.warn('second stop signal: exiting now');
			process.exit(1);
		}
		stopping = true;
		logger.info({ signal }, 'stopping');
		await app.close().catch(() => undefined);
		await runtime.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop('SIGINT'));
	process.on('SIGTERM', () => void stop('SIGTERM'));

	try {
		await app.listen({ host: config.host, port: config.port });
	} catch (error) {
		logger.error({ err: error }, 'could not listen');
		await runtime.close();
		process.exit(1);
	}
	const address = app.server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	const base = `http://${config.host}:${port}`;
	const lines = [
		'',
		'WhatsApp Inbox server is running',
		`  Server:        ${base}`,
		`  Health:        ${base}/health`,
		`  Database:      ${runtime.db.driver === 'pglite' ? `PGlite in ${config.dataDir}/pglite` : 'PostgreSQL (DATABASE_URL)'}`,
		`  Redis:         ${runtime.redis.mode === 'private' ? `private redis-server at ${runtime.redis.url}` : 'REDIS_URL'}`,
		runtime.evolution.sandbox
			? `  Evolution:     sandbox at ${runtime.evolution.sandbox.url} (apikey: ${config.sandbox.apiKey})\n  Sandbox control API: ${runtime.evolution.sandbox.controlUrl}`
			: `  Evolution:     ${runtime.evolution.baseUrl}`,
		'  Press Ctrl-C to stop.',
		'',
	];
	console.log(lines.join('\n'));
}

main().catch((error) => {
	console.error(error instanceof Error ? error.stack ?? error.message : error);
	process.exit(1);
});
