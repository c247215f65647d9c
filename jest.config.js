// Two projects: `unit` (pure code, beside it, no servers) and `integration` (test/, against a real
// Temporal dev server and a real FerretDB that the global setup starts on free loopback ports).
const swc = ['@swc/jest', { swcrc: true }];

/** @type {import('jest').Config} */
module.exports = {
  reporters: ['default', '<rootDir>/test/setup/summary-reporter.js'],
  // Integration tests wait on real servers (a database restart, a workflow); unit tests take ms.
  testTimeout: 60_000,
  slowTestThreshold: 20,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,workflows,activities,scripts}/**/*.spec.ts'],
      transform: { '^.+\\.ts$': swc },
      testEnvironment: 'node',
    },
    {
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      transform: { '^.+\\.ts$': swc },
      testEnvironment: 'node',
      globalSetup: '<rootDir>/test/setup/global-setup.ts',
      globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/test-env.ts'],
    },
  ],
};
