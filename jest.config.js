/**
 * Unit tests live beside the code (*.spec.ts); end-to-end tests in test/ (*.e2e-spec.ts) run the
 * real app against real Postgres and Redis. globalSetup migrates a template database once; each
 * e2e file clones it (CREATE DATABASE … TEMPLATE), so files run in parallel and never share data.
 */
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testRegex: ['(apps|libs)/.+\\.spec\\.ts$', 'test/.+\\.e2e-spec\\.ts$'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', transpilation: true, diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 60_000,
  maxWorkers: process.env.JEST_MAX_WORKERS || 2,
};
