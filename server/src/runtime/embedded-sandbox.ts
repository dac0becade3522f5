import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../../sandbox';
import type { Config } from '../config/config';
import { portInUseError } from './startup-error';

type Sandbox = Awaited<ReturnType<typeof startSandbox>>;

/**
 * The in-process Evolution sandbox of `npm start`, kept under DATA_DIR/sandbox/: its instances, sessions and chats
 * (state.json) and the address it listened on (address.json). Channels store the sandbox's URL as their base URL, so
 * a restart comes back on the same port with the same instances. SANDBOX_PORT, when set, wins (and a taken
 * SANDBOX_PORT stops the start, naming it: the user chose that port).
 *
 * When the remembered port was taken by another program in the meantime, the sandbox starts on a free port and
 * `followMove(from, to)` runs before the new address is remembered: start-runtime.ts moves the channels that used the
 * old address to the new one. Why that rather than the alternatives: nobody did anything wrong, so failing the start
 * ("SANDBOX_PORT is taken, choose one") would make `npm start` fail at random for a demo that could simply work; and
 * naming the sandbox in the stored base URL instead of its address would touch every reader of a channel's base URL
 * (outbox, sync, media, read receipts, the lifecycle, the API's channel view), which would all have to resolve it.
 * Rewriting the base URLs that equal the old address is one statement, leaves every other channel alone, and the
 * channel's log says it happened. The new address is written only once followMove succeeded: if it failed, the next
 * start still knows the old address and tries again.
 */
export async function startEmbeddedSandbox(config: Config, followMove: (from: string, to: string) => Promise<void>): Promise<Sandbox> {
	const dir = join(config.dataDir, 'sandbox');
	mkdirSync(dir, { recursive: true });
	const addressFile = join(dir, 'address.json');
	const remembered = readRememberedAddress(addressFile);
	const options = { apiKey: config.sandbox.apiKey, host: '127.0.0.1', stateFile: join(dir, 'state.json') };
	let sandbox: Sandbox;
	try {
		sandbox = await startSandbox({ ...options, port: config.sandbox.port ?? remembered?.port ?? 0 });
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
		if (config.sandbox.port) throw portInUseError('SANDBOX_PORT', '127.0.0.1', config.sandbox.port);
		sandbox = await startSandbox({ ...options, port: 0 });
	}
	try {
		if (remembered && remembered.url !== sandbox.url) await followMove(remembered.url, sandbox.url);
	} catch (error) {
		await sandbox.close().catch(() => undefined);
		throw error;
	}
	writeFileSync(addressFile, JSON.stringify({ port: sandbox.port, url: sandbox.url }));
	return sandbox;
}

/** The address of the last start: `{port, url}` (files written before the url was kept have only the port). */
function readRememberedAddress(file: string): { port: number; url: string } | undefined {
	if (!existsSync(file)) return undefined;
	try {
		const { port, url } = JSON.parse(readFileSync(file, 'utf8')) as { port?: unknown; url?: unknown };
		if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port >= 65536) return undefined;
		return { port, url: typeof url === 'string' && url ? url : `http://127.0.0.1:${port}` };
	} catch {
		return undefined;
	}
}
