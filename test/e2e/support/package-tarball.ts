/**
 * The package under test exactly as users get it: `npm pack` of the repository root (after `gulp build`,
 * which `npm test` runs first), unpacked into n8n's community-nodes folder the way n8n's installer does.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

import { runCommand } from './processes';

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface PackedPackage {
	name: string;
	version: string;
	tarball: string;
	/** Removes the temp folder holding the tarball. */
	dispose(): void;
	/** Node types the package registers, e.g. `n8n-nodes-evolution-whatsapp.evolutionApiTrigger`. */
	files: string[];
}

function newestMtime(dir: string, filter: (file: string) => boolean): { file: string; mtime: number } {
	let newest = { file: '', mtime: 0 };
	if (!existsSync(dir)) return newest;
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) {
			const inner = newestMtime(path, filter);
			if (inner.mtime > newest.mtime) newest = inner;
		} else if (filter(path)) {
			const mtime = statSync(path).mtimeMs;
			if (mtime > newest.mtime) newest = { file: path, mtime };
		}
	}
	return newest;
}

/** Fails clearly when dist/ is missing, incomplete or older than the sources (run `npx gulp build`). */
export function assertBuilt(): void {
	const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
	const registered: string[] = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	const missing = registered.filter((file) => !existsSync(join(REPO_ROOT, file)));
	if (missing.length > 0) throw new Error(`dist/ lacks ${missing.join(', ')}: run \`npx gulp build\` first (npm test does)`);
	if (!registered.includes('dist/nodes/EvolutionApi/EvolutionApiTrigger.node.js'))
		throw new Error('package.json n8n.nodes does not register dist/nodes/EvolutionApi/EvolutionApiTrigger.node.js');
	const isSource = (file: string) => file.endsWith('.ts') || file.endsWith('.node.json');
	const source = [newestMtime(join(REPO_ROOT, 'nodes'), isSource), newestMtime(join(REPO_ROOT, 'credentials'), isSource)].sort(
		(a, b) => b.mtime - a.mtime,
	)[0];
	const built = [newestMtime(join(REPO_ROOT, 'dist', 'nodes'), (file) => file.endsWith('.js')), newestMtime(join(REPO_ROOT, 'dist', 'credentials'), (file) => file.endsWith('.js'))].sort(
		(a, b) => a.mtime - b.mtime,
	)[0];
	if (source.mtime > built.mtime + 1000)
		throw new Error(`dist/ is older than ${relative(REPO_ROOT, source.file)}: run \`npx gulp build\` first (npm test does)`);
}

/** `npm pack` of the repository root into a fresh temp folder. */
export async function packPackage(): Promise<PackedPackage> {
	assertBuilt();
	const destination = mkdtempSync(join(tmpdir(), 'n8n-e2e-pack-'));
	const env: NodeJS.ProcessEnv = {};
	for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key)) env[key] = value;
	const result = await runCommand('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', destination], {
		cwd: REPO_ROOT,
		env,
		timeoutMs: 120_000,
	});
	if (result.code !== 0) throw new Error(`npm pack failed (${result.code}): ${result.stderr.slice(-2000)}`);
	const info = JSON.parse(result.stdout.slice(result.stdout.indexOf('['))) as Array<{
		name: string;
		version: string;
		filename: string;
		files: Array<{ path: string }>;
	}>;
	const [packed] = info;
	if (!/^(@[^/]+\/)?n8n-nodes-/.test(packed.name))
		throw new Error(`package name "${packed.name}" does not start with n8n-nodes-: n8n would silently ignore it`);
	return {
		name: packed.name,
		version: packed.version,
		tarball: join(destination, packed.filename.replace(/^@/, '').replace(/\//, '-')),
		files: packed.files.map((file) => file.path),
		dispose: () => rmSync(destination, { recursive: true, force: true }),
	};
}

/**
 * Unpacks the tarball into `<userFolder>/.n8n/nodes/node_modules/<name>` and strips the dependency fields
 * n8n strips (community-packages.service downloadPackage). The package must have no runtime dependencies.
 */
export async function installIntoUserFolder(packed: PackedPackage, userFolder: string): Promise<string> {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	const target = join(nodesDir, 'node_modules', packed.name);
	mkdirSync(target, { recursive: true });
	if (!existsSync(join(nodesDir, 'package.json')))
		writeFileSync(join(nodesDir, 'package.json'), JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [packed.name]: packed.version } }, null, 2));
	const result = await runCommand('tar', ['-xzf', packed.tarball, '-C', target, '--strip-components=1'], { env: process.env, timeoutMs: 60_000 });
	if (result.code !== 0) throw new Error(`tar failed: ${result.stderr}`);
	const pkgFile = join(target, 'package.json');
	const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
	if (pkg.dependencies && Object.keys(pkg.dependencies).length > 0)
		throw new Error(`the package has runtime dependencies (${Object.keys(pkg.dependencies).join(', ')}); n8n would npm-install them`);
	delete pkg.devDependencies;
	delete pkg.peerDependencies;
	delete pkg.optionalDependencies;
	writeFileSync(pkgFile, JSON.stringify(pkg, null, 2));
	return target;
}

export function tempDir(prefix: string): string {
	return mkdtempSync(join(tmpdir(), prefix));
}
