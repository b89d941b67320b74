/**
 * The fault suite (`npm run test:faults`): each case spawns the real API and worker processes on a
 * database of its own (cloned from the template that the shared globalSetup migrates) and breaks
 * something under them: Redis, the worker, the API mid-upload, the Postgres connection. Slow and
 * heavy on processes, so it runs apart from `npm test` (whose testRegex does not match
 * *.fault-spec.ts) and one file at a time.
 */
/* global module, require */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config, like jest.config.js
const base = require('./jest.config.js');

module.exports = {
  ...base,
  testRegex: ['test/faults/.+\\.fault-spec\\.ts$'],
  testTimeout: 240_000,
  maxWorkers: 1,
};
