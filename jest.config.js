/** One Jest run covers the package, the server and the cross-part tests. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/server/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  // ESM-only packages that CommonJS code require()s (Node ≥ 20.19 loads them natively; Jest's module runtime does not):
  // a CommonJS shim each. content-disposition 3 comes with @fastify/static (the queue dashboard's static files).
  moduleNameMapper: { '^content-disposition$': '<rootDir>/test/support/shims/content-disposition.cjs' },
  // Names the caller of a socket error no one listened to (socket-origin.ts says why).
  setupFiles: ['<rootDir>/test/support/socket-origin.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Generous: a fresh machine under load (cold caches, installs beside the run) makes PGlite's migrate-and-seed
  // hooks take minutes; a real hang still fails, just later.
  testTimeout: 180000,
  maxWorkers: 2,
};
