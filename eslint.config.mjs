// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

const sdkInternals = {
  group: ['@temporalio/*/lib/*'],
  message: "The Temporal SDK's internals change without notice: use its public exports.",
};

export default tseslint.config(
  { ignores: ['dist/**', 'data/**', 'coverage/**', 'node_modules/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [sdkInternals],
        },
      ],
    },
  },
  {
    // CommonJS config and reporter files, loaded by tools that require() them.
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node APIs, no I/O, no clocks of its own.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            sdkInternals,
            {
              group: ['node:*', 'fs', 'http', 'https', 'net', 'crypto', 'child_process'],
              message: 'Workflows do no I/O: call an activity.',
            },
            {
              group: [
                'mongoose',
                '@nestjs/*',
                '@temporalio/client',
                '@temporalio/worker',
                '@temporalio/activity',
              ],
              message: 'Not workflow-safe.',
            },
            {
              // Workflow-safe from libs/: domain types and constants, workflow IDs, search attribute
              // keys, and the workflows' contracts (their signal, query and update definitions).
              regex:
                '^\\.\\./(activities|libs)/(?!domain/|temporal/workflow-ids$|temporal/search-attributes$|temporal/contracts(/|$))',
              allowTypeImports: true,
              message:
                'Import only types from outside workflows/ (or libs/domain, workflow IDs, search attributes, contracts).',
            },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: 'Use sleep() from @temporalio/workflow.' },
      ],
    },
  },
);
