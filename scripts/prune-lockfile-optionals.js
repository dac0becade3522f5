#!/usr/bin/env node
// After `npm install` on a registry that lacks some platform builds (this project's machines reach a registry without
// e.g. @swc/core-darwin-arm64 or @unrs/resolver-binding-win32-*), the lock lists optional dependencies it has no entry
// for, and `npm ci` then refuses the lock as out of sync. This removes those dangling optional names from the lock;
// packages that are in the lock are untouched. Run it after changing dependencies: node scripts/prune-lockfile-optionals.js
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const entries = lock.packages;
const locked = (name) => Object.keys(entries).some((key) => key === `node_modules/${name}` || key.endsWith(`/node_modules/${name}`));

let removed = 0;
for (const entry of Object.values(entries)) {
	if (!entry.optionalDependencies) continue;
	for (const name of Object.keys(entry.optionalDependencies)) {
		if (locked(name)) continue;
		delete entry.optionalDependencies[name];
		removed++;
	}
	if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`pruned ${removed} optional dependencies the registry could not provide`);
