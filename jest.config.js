// Two projects: `unit` (pure code, beside it, no servers) and `integration` (test/, against a real
// Temporal dev server and a real FerretDB that the global setup starts on free loopback ports).
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const swc = ['@swc/jest', { swcrc: true }];
// Where tests leave the lines that end a run (test/setup/summary-reporter.js prints them last).
process.env.TEST_FINAL_LINES ??= join(tmpdir(), `applications-webhooks-final-lines-${process.pid}.txt`);

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
  // Integration tests wait on real servers (a database restart, a workflow); unit tests take ms.
  testTimeout: 60_000,
  slowTestThreshold: 20,
  // Two test files at once: the integration files mostly wait on servers (timers, polls, workers
  // restarting), so two share the machine's 2 cores and one stack: 5.9 min for the whole run
  // against 11.4 with one. More would load the one Temporal dev server past what timings allow.
  maxWorkers: 2,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,workflows,activities,scripts,bench}/**/*.spec.ts'],
      transform: { '^.+\\.ts$': swc },
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      // The production topology starts servers of its own, for minutes: `npm run test:cluster`.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/cluster/'],
      transform: { '^.+\\.ts$': swc },
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/test-env.ts'],
    },
    // Only when asked for (TEST_CLUSTER=1, `npm run test:cluster`): its own servers, no shared stack.
    ...(process.env.TEST_CLUSTER
      ? [
          {
            displayName: 'cluster',
            testMatch: ['<rootDir>/test/cluster/**/*.spec.ts'],
            transform: { '^.+\\.ts$': swc },
            testEnvironment: 'node',
          },
        ]
      : []),
  ],
};
