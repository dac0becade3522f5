#!/usr/bin/env node
// Makes sure the system packages the product and its tests run on are present (idempotent).
// On Debian/Ubuntu as root it installs what is missing with apt-get; elsewhere it names the exact package and stops.
// Nothing is ever downloaded from outside the distribution's package manager.
const { execFileSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const purpose = process.argv.includes('--for') ? process.argv[process.argv.indexOf('--for') + 1] : 'test';

function onPath(command) {
	return (process.env.PATH || '')
		.split(path.delimiter)
		.some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

function hasPostgresServer() {
	const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql') : [];
	if (versions.some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`))) return true;
	return onPath('initdb') && onPath('postgres');
}

function hasChromium() {
	return ['chromium', 'chromium-browser', 'google-chrome'].some(onPath);
}

// Debian package name → how to tell it is there. Chromium joins the list once browser tests exist.
const requirements = {
	start: [{ pkg: 'redis-server', present: () => onPath('redis-server') }],
	test: [
		{ pkg: 'redis-server', present: () => onPath('redis-server') },
		{ pkg: 'postgresql', present: hasPostgresServer },
	],
};
if (process.env.ENSURE_CHROMIUM === '1' || fs.existsSync(path.join(__dirname, '..', 'test', 'browser'))) {
	requirements.test.push({ pkg: 'chromium', present: hasChromium });
}

function isDebianLike() {
	try {
		const release = fs.readFileSync('/etc/os-release', 'utf8');
		return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(release);
	} catch {
		return fs.existsSync('/etc/debian_version');
	}
}

const missing = (requirements[purpose] || requirements.test).filter((r) => !r.present()).map((r) => r.pkg);
if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (isRoot && isDebianLike() && onPath('apt-get')) {
	console.log(`[ensure] installing system packages: ${missing.join(' ')}`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
	if (update.status !== 0) console.warn('[ensure] apt-get update failed; trying the install with the lists at hand');
	try {
		execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
	} catch {
		console.error(`[ensure] apt-get could not install: ${missing.join(' ')}`);
		process.exit(1);
	}
	const still = (requirements[purpose] || requirements.test).filter((r) => !r.present()).map((r) => r.pkg);
	if (still.length === 0) process.exit(0);
	console.error(`[ensure] still missing after apt-get: ${still.join(' ')}`);
	process.exit(1);
}

console.error(
	`[ensure] missing system packages: ${missing.join(', ')}.\n` +
		`Install them with your package manager, e.g. on Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}` +
		(missing.includes('redis-server') ? '\n  (macOS: brew install redis)' : '') +
		(missing.includes('postgresql') ? '\n  (macOS: brew install postgresql@15)' : ''),
);
process.exit(1);
