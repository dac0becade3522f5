/** Standalone sandbox: SANDBOX_PORT (8080), SANDBOX_HOST (127.0.0.1), SANDBOX_API_KEY (sandbox-api-key). */
import { startSandbox } from './index';

async function main(): Promise<void> {
	const apiKey = process.env.SANDBOX_API_KEY || 'sandbox-api-key';
	const sandbox = await startSandbox({
		apiKey,
		port: Number(process.env.SANDBOX_PORT ?? 8080),
		host: process.env.SANDBOX_HOST || '127.0.0.1',
		serverUrl: process.env.SANDBOX_SERVER_URL || undefined,
	});
	console.log(`Evolution API 2.3.7 sandbox listening on ${sandbox.url}`);
	console.log(`Control API: ${sandbox.url}/_sandbox`);
	console.log(`Global apikey: ${apiKey}`);
	let stopping = false;
	const stop = (signal: string) => {
		if (stopping) return;
		stopping = true;
		console.log(`${signal}: stopping the sandbox`);
		sandbox.close().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error(error);
				process.exit(1);
			},
		);
	};
	process.on('SIGINT', () => stop('SIGINT'));
	process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
