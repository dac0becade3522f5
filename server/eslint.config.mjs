// The lint of everything that is not the n8n package: the companion server (src/), the Evolution sandbox
// (sandbox/), the benchmarks (bench/), the web app (web/, browser code) and, through test/eslint.config.mjs, the
// tests. The package (nodes/, credentials/, package.json) keeps n8n's own strict community-node config at the root.
//
// `npm run lint` runs `n8n-node lint` with ESLint's per-file config lookup (ESLINT_FLAGS=
// unstable_config_lookup_from_file, the default from ESLint 10), so each file is linted by the nearest
// eslint.config.mjs above it: the package by the root one, the server and the tests by this one. The n8n rules
// that only make sense inside n8n Cloud (no `process`, no `node:*` imports, no timers, errors wrapped in
// NodeApiError) never reach this code.
import js from '@eslint/js';
import { globalIgnores } from 'eslint/config';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** What differs in test code (here under test/, and everything under the root's test/). */
export const testRules = {
	// Tests read whatever JSON a server answered and index it freely; a wrong path fails the assertion that uses it,
	// which is the check a type would have given.
	'@typescript-eslint/no-explicit-any': 'off',
};

export default tseslint.config(
	globalIgnores(['**/dist', '**/node_modules', '**/coverage']),
	{
		files: ['**/*.{ts,mts,cts,tsx}'],
		extends: [
			js.configs.recommended,
			tseslint.configs.strict,
			tseslint.configs.stylistic,
			importX.flatConfigs.recommended,
			importX.flatConfigs.typescript,
		],
		languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
		settings: {
			'import-x/resolver-next': [createTypeScriptImportResolver()],
		},
		linterOptions: {
			// A disable comment that no longer disables anything is noise that hides the real ones.
			reportUnusedDisableDirectives: 'error',
		},
		rules: {
			// The same as the package: spreading an array into a call is how this code passes lists.
			'prefer-spread': 'off',
			// The server logs through pino and the tests through Jest; a console call is a leftover. The command-line
			// entry points (benchmarks, the sandbox's main) say so on the line.
			'no-console': 'error',
			eqeqeq: ['error', 'always', { null: 'ignore' }],
			'no-var': 'error',
			'prefer-const': 'error',
			'object-shorthand': ['error', 'always'],
			// Type-only imports stay type-only, so the compiled JavaScript loads no module just for its types.
			'@typescript-eslint/consistent-type-imports': [
				'error',
				{ prefer: 'type-imports', fixStyle: 'separate-type-imports' },
			],
			// An unused binding is a mistake, except the ones named to be skipped (`_req`, `[, second]`, `...rest` picks).
			'@typescript-eslint/no-unused-vars': [
				'error',
				{ argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true },
			],
			// `string[]` for simple element types, `Array<{ … }>` / `Array<A | B>` where brackets after a long type would be
			// missed: the codebase's style.
			'@typescript-eslint/array-type': ['error', { default: 'array-simple' }],
			// The codebase describes shapes with `type` aliases and interfaces alike (rows, payloads, options); both read
			// well, and unions and mapped types need `type` anyway.
			'@typescript-eslint/consistent-type-definitions': 'off',
			// `Record<string, T>` and `{ [key: string]: T }` both appear where each reads better.
			'@typescript-eslint/consistent-indexed-object-style': 'off',
			// `!` marks what the line before established (a Map entry just set, a row the transaction just locked, a
			// keyword the switch matched); a runtime check there would be a branch that cannot run.
			'@typescript-eslint/no-non-null-assertion': 'off',
			// Empty functions are deliberate no-ops here (a logger that drops lines, `.catch(() => {})` on a promise whose
			// failure is reported elsewhere).
			'@typescript-eslint/no-empty-function': 'off',
			// Imports resolve through TypeScript (the resolver above) and tsc checks them on every build; the import
			// plugin's own named/default checks would only repeat that, slower, and misread CommonJS packages.
			'import-x/named': 'off',
			'import-x/default': 'off',
			'import-x/namespace': 'off',
			'import-x/no-named-as-default-member': 'off',
			// `import WebSocket from 'ws'` is how ws documents itself: the class is both its default and a named export.
			'import-x/no-named-as-default': 'off',
			'import-x/no-duplicates': 'error',
			'import-x/first': 'error',
			'import-x/no-self-import': 'error',
			'import-x/no-cycle': 'off',
		},
	},
	{
		// Command-line entry points: printing is what they are for (the server's and the sandbox's start-up lines, the
		// benchmarks' figures, the sandbox phone's answers).
		files: ['bench/**/*.ts', 'src/main.ts', 'sandbox/main.ts', 'sandbox/phone-cli.ts'],
		rules: { 'no-console': 'off' },
	},
	{ files: ['test/**/*.ts'], rules: testRules },
	{
		// Everything but the web app runs in Node.
		files: ['**/*.{ts,mts,cts,tsx}'],
		ignores: ['web/**'],
		languageOptions: { globals: globals.node },
	},
	{
		// The web app runs in the browser: DOM globals, not Node's (`process` or `Buffer` there is a bug).
		files: ['web/**/*.{ts,tsx,js,mjs}'],
		extends: [js.configs.recommended],
		languageOptions: { globals: globals.browser },
	},
	{
		// In its TypeScript, typescript-eslint's no-unused-vars (above) is the one that understands types; the base
		// rule that js.configs.recommended turns back on reads every parameter of a type signature as unused.
		files: ['web/**/*.{ts,tsx}'],
		rules: { 'no-unused-vars': 'off' },
	},
	// Generated from the OpenAPI document by scripts/generate-web-api-types.mjs (a test keeps it current).
	globalIgnores(['web/src/lib/api-schema.d.ts']),
);
