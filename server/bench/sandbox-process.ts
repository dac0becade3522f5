/**
 * The Evolution sandbox as a process of its own, for benchmarks: Evolution is a server of its own, so its work must
 * not share the measured process's event loop. Options (SandboxOptions) as JSON in argv[2]; prints `listening <url>`.
 */
import { startSandbox, type SandboxOptions } from '../sandbox';

async function main(): Promise<void> {
	const options = JSON.parse(process.argv[2] ?? '{}') as SandboxOptions;
	const sandbox = await startSandbox({ host: '127.0.0.1', port: 0, ...options });
	process.stdout.write(`listening ${sandbox.url}\n`);
	// Exits normally on SIGTERM, so that `node --cpu-prof` writes its profile.
	process.once('SIGTERM', () => void sandbox.close().finally(() => process.exit(0)));
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
