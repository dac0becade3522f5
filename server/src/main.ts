import type { FastifyInstance } from 'fastify';
import { ConfigError, loadConfig, type Config } from './config/config';
import { buildApp } from './http/app';
import { createLogger } from './logging/logger';
import { startRuntime, type Runtime } from './runtime/start-runtime';
import { assertPortFree, portInUseError, StartupError } from './runtime/startup-error';
import { runStartupTasks } from './runtime/startup-tasks';

/** Prints a start-up failure as the variable, the problem and what to do (the stack only at LOG_LEVEL=debug). */
function fail(error: unknown, logLevel = 'info'): never {
	if (error instanceof ConfigError) console.error(error.message);
	else if (error instanceof StartupError) {
		console.error(error.render());
		if (logLevel === 'debug' || logLevel === 'trace') console.error(error.cause);
	} else console.error(error instanceof Error ? (error.stack ?? error.message) : error);
	process.exit(1);
}

async function main(): Promise<void> {
	let config: Config;
	try {
		config = loadConfig();
	} catch (error) {
		fail(error);
	}
	// Checked first: a taken port otherwise shows only after the database, Redis and the sandbox have started.
	await assertPortFree('PORT', config.host, config.port).catch((error: unknown) => fail(error));
	const logger = createLogger({ level: config.logLevel });
	let runtime: Runtime;
	try {
		runtime = await startRuntime(config, logger);
	} catch (error) {
		fail(error, config.logLevel);
	}
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
		await app.close().catch(() => undefined);
		await runtime.close();
		// Taken between the early check and now (a race with another program).
		fail((error as NodeJS.ErrnoException).code === 'EADDRINUSE' ? portInUseError('PORT', config.host, config.port) : error, config.logLevel);
	}
	console.log(banner(app, runtime));
	// Not awaited: the server is ready now, whatever Evolution answers.
	void runStartupTasks(runtime.startupTasks, logger);
}

/** Every address a person needs, taken from the routes that exist; never a key (SANDBOX_API_KEY is named, not shown). */
function banner(app: FastifyInstance, runtime: Runtime): string {
	const { config } = runtime;
	const address = app.server.address();
	const port = typeof address === 'object' && address ? address.port : config.port;
	const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
	const base = `http://${host}:${port}`;
	const has = (url: string) => app.hasRoute({ method: 'GET', url });
	const lines = ['', 'WhatsApp Inbox server is running', `  Server:        ${base}`];
	// The web app is one wildcard GET (web/web-app.route.ts): hasRoute matches route definitions, not URLs.
	if (has('/*') || has('/')) lines.push(`  Inbox:         ${base}/ (the web app)`);
	lines.push(`  Health:        ${base}/health`);
	if (has('/docs')) lines.push(`  API docs:      ${base}/docs (OpenAPI; the REST API is under ${base}/api/v1)`);
	if (has('/realtime')) lines.push(`  Realtime:      ${base.replace(/^http/, 'ws')}/realtime (WebSocket)`);
	if (has('/metrics')) lines.push(`  Metrics:       ${base}/metrics (Prometheus)`);
	lines.push(`  Webhooks:      ${config.publicUrl ?? base}/webhooks/evolution/<channel id> (PUBLIC_URL${config.publicUrl ? '' : ' unset: the server\'s own address'})`);
	lines.push(
		`  Database:      ${runtime.db.driver === 'pglite' ? `PGlite in ${config.dataDir}/pglite` : 'PostgreSQL (DATABASE_URL)'}`,
		`  Redis:         ${runtime.redis.mode === 'private' ? `private redis-server at ${runtime.redis.url}` : 'REDIS_URL'}`,
	);
	if (runtime.evolution.sandbox) {
		lines.push(
			`  Evolution:     sandbox at ${runtime.evolution.sandbox.url} (global key: SANDBOX_API_KEY; state in ${config.dataDir}/sandbox)`,
			`  Sandbox control API: ${runtime.evolution.sandbox.controlUrl}`,
			'  No phone? In another terminal: npm run phone -- scan (reads the QR of a number added in Canais),',
			'                                 npm run phone -- say "Oi!" (a customer writes to it)',
		);
	} else lines.push(`  Evolution:     ${runtime.evolution.baseUrl}`);
	lines.push('  Press Ctrl-C to stop.', '');
	return lines.join('\n');
}

main().catch((error: unknown) => fail(error));
