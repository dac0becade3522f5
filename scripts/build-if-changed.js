#!/usr/bin/env node
// `npm start` (and the other run scripts) build only when the sources changed since the last successful build:
// a full `gulp build` takes ~35 s on a small machine, which every start paid before. The sources' fingerprint (a
// SHA-256 over the path and content of every file the build reads) is stored in dist/.build-fingerprint after a
// build that succeeded (gulpfile.js writes it); the same fingerprint and an intact dist/ skip the build. `npm run build` always builds.
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
// Everything gulpfile.js compiles or copies, and what decides how (configs, dependencies).
const SOURCES = ['nodes', 'credentials', 'icons', 'server/src', 'server/sandbox', 'server/bench', 'server/web'];
const CONFIGS = ['package.json', 'package-lock.json', 'gulpfile.js', 'tsconfig.json', 'server/tsconfig.json', 'server/package.json', 'server/web/package.json'];
const STAMP = path.join(root, 'dist', '.build-fingerprint');
// What a start needs: if any is gone, build whatever the fingerprint says.
const OUTPUTS = ['dist/server/src/main.js', 'dist/server/sandbox/main.js'];

function walk(dir, files) {
	let entries;
	try {
		entries = fs.readdirSync(dir, { withFileTypes: true });
	} catch {
		return;
	}
	for (const entry of entries) {
		if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
		const full = path.join(dir, entry.name);
		if (entry.isDirectory()) walk(full, files);
		else if (entry.isFile()) files.push(full);
	}
}

function fingerprint(base = root) {
	const files = [];
	for (const dir of SOURCES) walk(path.join(base, dir), files);
	for (const file of CONFIGS) if (fs.existsSync(path.join(base, file))) files.push(path.join(base, file));
	files.sort();
	const hash = crypto.createHash('sha256');
	for (const file of files) {
		hash.update(path.relative(base, file));
		hash.update('\0');
		hash.update(fs.readFileSync(file));
		hash.update('\0');
	}
	return hash.digest('hex');
}

function upToDate(current) {
	if (!OUTPUTS.every((file) => fs.existsSync(path.join(root, file)))) return false;
	try {
		return fs.readFileSync(STAMP, 'utf8').trim() === current;
	} catch {
		return false;
	}
}

function main() {
	const current = fingerprint();
	if (upToDate(current)) {
		console.log('build: dist/ is up to date with the sources (npm run build forces a build)');
		return 0;
	}
	console.log('build: sources changed since the last build, building…');
	// The same `gulp build` as npm run build (npm puts node_modules/.bin on PATH for scripts; added here for direct runs).
	const bin = path.join(root, 'node_modules', '.bin');
	const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
	const result = spawnSync('gulp', ['build'], { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
	// gulp build writes dist/.build-fingerprint itself (taken as it started), so `npm run build` counts too.
	return result.status ?? 1;
}

if (require.main === module) process.exit(main());
module.exports = { fingerprint, upToDate, STAMP };
