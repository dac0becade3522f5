// The build: TypeScript for the n8n package (dist/nodes, dist/credentials) and the server (dist/server: inside the
// dist/ that lint ignores, outside the files the package publishes), then the static assets tsc does not carry
// (node/credential icons, codex files, the server's web pages and SQL migrations), then a check that what
// package.json registers with n8n really exists in dist/. The attendance web app (server/web, React + Vite) is
// bundled beside them into dist/server/public, which the server serves at `/`.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { src, dest, series, parallel } = require('gulp');

const root = __dirname;
const tscBin = require.resolve('typescript/bin/tsc');

function runTsc(project) {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [tscBin, '-p', project], { cwd: root, stdio: 'inherit' });
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc -p ${project} failed (${code})`))));
	});
}

// The sources' fingerprint, taken as the build starts and stored in dist/ once it succeeded: `npm start`
// (scripts/build-if-changed.js) skips the build while the sources still match it.
const { fingerprint, STAMP } = require('./scripts/build-if-changed');
let sourcesFingerprint;

function clean(done) {
	sourcesFingerprint = fingerprint();
	for (const dir of ['dist']) fs.rmSync(path.join(root, dir), { recursive: true, force: true });
	done();
}

const compilePackage = () => runTsc('tsconfig.json');

// Vite (Rolldown) bundles the web app in a few seconds; its TypeScript is checked by `npm run typecheck`
// (server/web/tsconfig.json), not here, so the build stays quick.
function buildWeb() {
	const viteBin = path.join(path.dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [viteBin, 'build', '--logLevel', 'warn'], { cwd: path.join(root, 'server', 'web'), stdio: 'inherit' });
		child.on('error', reject);
		child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build of server/web failed (${code})`))));
	});
}
const compileServer = () => runTsc('server/tsconfig.json');

// Binary-safe copies (gulp 5 reads files as text unless told otherwise).
const copy = (name, globs, base, to) => {
	const task = () => src(globs, { base, encoding: false, allowEmpty: true, cwd: root }).pipe(dest(to, { cwd: root }));
	task.displayName = name;
	return task;
};

const packageIcons = copy('packageIcons', ['icons/*.svg'], '.', 'dist');
const nodeAssets = copy('nodeAssets', ['nodes/**/*.{svg,png,json}', 'credentials/**/*.{svg,png}'], '.', 'dist');
const serverAssets = copy(
	'serverAssets',
	['server/src/**/*.{sql,html,css,js,svg,png,ico,json,woff2}', '!server/src/**/*.test.*'],
	'server',
	'dist/server',
);

// n8n silently ignores a registered path that is missing; fail the build instead.
function verifyRegistration(done) {
	const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
	const registered = [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])];
	const missing = registered.filter((file) => !fs.existsSync(path.join(root, file)));
	for (const node of pkg.n8n?.nodes ?? []) {
		const codex = path.join(root, node.replace(/\.js$/, '.json'));
		if (!fs.existsSync(codex)) missing.push(`${path.relative(root, codex)} (codex file)`);
	}
	done(missing.length ? new Error(`package.json registers files missing from dist/: ${missing.join(', ')}`) : undefined);
}

function writeFingerprint(done) {
	fs.writeFileSync(STAMP, `${sourcesFingerprint ?? fingerprint()}\n`);
	done();
}

exports.clean = clean;
exports.web = buildWeb;
exports.assets = parallel(packageIcons, nodeAssets, serverAssets);
exports.build = series(
	clean,
	parallel(compilePackage, compileServer, buildWeb),
	exports.assets,
	verifyRegistration,
	writeFingerprint,
);
exports.default = exports.build;
