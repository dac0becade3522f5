#!/usr/bin/env node
// Makes sure the system packages the product and its tests run on are present (idempotent).
// On Debian/Ubuntu as root it installs what is missing with apt-get; elsewhere it names the exact package and stops.
// Nothing is ever downloaded from outside the distribution's package manager.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

function onPath(command, envPath = process.env.PATH || '') {
	return envPath.split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, command)));
}

function hasPostgresServer() {
	const base = '/usr/lib/postgresql';
	const versions = fs.existsSync(base) ? fs.readdirSync(base) : [];
	if (versions.some((v) => fs.existsSync(path.join(base, v, 'bin', 'initdb')))) return true;
	return onPath('initdb') && onPath('postgres');
}

function hasChromium() {
	return ['chromium', 'chromium-browser', 'google-chrome'].some((c) => onPath(c));
}

/** The colour emoji font: without it the browser tests' screenshots (and a Linux attendant's page) show empty boxes. */
function hasEmojiFont() {
	const dirs = ['/usr/share/fonts/truetype/noto', '/usr/share/fonts/noto', '/usr/share/fonts/google-noto-emoji', '/System/Library/Fonts'];
	return dirs.some((dir) => {
		try {
			return fs.readdirSync(dir).some((file) => /emoji/i.test(file));
		} catch {
			return false;
		}
	});
}

/** Debian package → probe, per purpose. The web app's browser tests (test/browser) drive Debian's Chromium. */
function requirementsFor(purpose, repoRoot = path.join(__dirname, '..')) {
	const redis = { pkg: 'redis-server', present: () => onPath('redis-server') };
	if (purpose === 'start') return [redis];
	const list = [
		redis,
		{ pkg: 'postgresql', present: hasPostgresServer },
		// The end-to-end tests install real n8n, whose sqlite3 is compiled from source (its prebuilt binary lives outside npm).
		{ pkg: 'build-essential', present: () => onPath('g++') && onPath('make') },
		{ pkg: 'python3', present: () => onPath('python3') },
	];
	if (fs.existsSync(path.join(repoRoot, 'test', 'browser'))) {
		list.push({ pkg: 'chromium', present: hasChromium }, { pkg: 'fonts-noto-color-emoji', present: hasEmojiFont });
	}
	return list;
}

function isDebianLike() {
	try {
		return /^(ID|ID_LIKE)=.*\b(debian|ubuntu)\b/m.test(fs.readFileSync('/etc/os-release', 'utf8'));
	} catch {
		return fs.existsSync('/etc/debian_version');
	}
}

/**
 * What to do, decided from facts alone so it can be tested without touching the machine:
 * nothing, an apt-get install, or a message naming the packages to install by hand.
 */
function plan({ missing, isRoot, debianLike, hasAptGet }) {
	if (missing.length === 0) return { action: 'none' };
	if (isRoot && debianLike && hasAptGet) {
		return { action: 'apt-get', commands: [['apt-get', 'update'], ['apt-get', 'install', '-y', '--no-install-recommends', ...missing]] };
	}
	const hints = [`Install them with your package manager, e.g. on Debian/Ubuntu: sudo apt-get install ${missing.join(' ')}`];
	if (missing.includes('redis-server')) hints.push('  (macOS: brew install redis)');
	if (missing.includes('postgresql')) hints.push('  (macOS: brew install postgresql@15)');
	if (missing.includes('chromium')) hints.push('  (macOS: brew install --cask chromium)');
	return { action: 'manual', message: `[ensure] missing system packages: ${missing.join(', ')}.\n${hints.join('\n')}` };
}

function main() {
	const purpose = process.argv.includes('--for') ? process.argv[process.argv.indexOf('--for') + 1] : 'test';
	const requirements = requirementsFor(purpose);
	const missingNow = () => requirements.filter((r) => !r.present()).map((r) => r.pkg);
	const decision = plan({
		missing: missingNow(),
		isRoot: typeof process.getuid === 'function' && process.getuid() === 0,
		debianLike: isDebianLike(),
		hasAptGet: onPath('apt-get'),
	});
	if (decision.action === 'none') return 0;
	if (decision.action === 'manual') {
		console.error(decision.message);
		return 1;
	}
	console.log(`[ensure] installing system packages with apt-get: ${missingNow().join(' ')}`);
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
	for (const [command, ...args] of decision.commands) {
		const result = spawnSync(command, args, { stdio: 'inherit', env });
		// A failed `apt-get update` may still leave usable lists; only the install's failure is final.
		if (result.status !== 0 && args[0] === 'install') break;
	}
	const still = missingNow();
	if (still.length === 0) return 0;
	console.error(`[ensure] still missing after apt-get: ${still.join(' ')}`);
	return 1;
}

module.exports = { plan, requirementsFor };
if (require.main === module) process.exit(main());
