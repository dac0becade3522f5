import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../sandbox';
import type { Config } from '../config/config';
import { portInUseError } from './startup-error';

/**
 * The in-process Evolution sandbox of `npm start`, kept under DATA_DIR/sandbox/: its instances, sessions and chats
 * (state.json) and the port it listened on (address.json). Channels store the sandbox's URL as their base URL, so
 * a restart must come back on the same port with the same instances or the demo channel points at nothing.
 * SANDBOX_PORT, when set, wins; otherwise the remembered port is reused, and a new free one is chosen only when
 * another program took it (the start-up check of the channels then reports the channel honestly).
 */
export async function startEmbeddedSandbox(config: Config): Promise<Awaited<ReturnType<typeof startSandbox>>> {
	const dir = join(config.dataDir, 'sandbox');
	mkdirSync(dir, { recursive: true });
	const addressFile = join(dir, 'address.json');
	const remembered = readRememberedPort(addressFile);
	const options = { apiKey: config.sandbox.apiKey, host: '127.0.0.1', stateFile: join(dir, 'state.json') };
	let sandbox;
	try {
		sandbox = await startSandbox({ ...options, port: config.sandbox.port ?? remembered ?? 0 });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
		if (config.sandbox.port) throw portInUseError('SANDBOX_PORT', '127.0.0.1', config.sandbox.port);
		sandbox = await startSandbox({ ...options, port: 0 });
	}
	writeFileSync(addressFile, JSON.stringify({ port: sandbox.port }));
	return sandbox;
}

function readRememberedPort(file: string): number | undefined {
	if (!existsSync(file)) return undefined;
	try {
		const { port } = JSON.parse(readFileSync(file, 'utf8')) as { port?: unknown };
		return typeof port === 'number' && Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
	} catch {
		return undefined;
	}
}
