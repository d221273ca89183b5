// Flat config: typescript-eslint's recommended rules plus the import direction of ../shared/STYLE.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.cluster/', 'test/cluster/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Analyzers are pure functions of the cluster view: no client, logger, metrics or I/O.
    files: ['src/analyzers/**/*.ts', 'src/cluster/**/*.ts', 'src/model/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@kubernetes/client-node', 'pino', 'prom-client', 'node:fs*', 'node:http*', 'node:net'], message: 'analyzers, cluster and model are pure: no I/O' },
          { group: ['**/controller/**', '**/cli/**', '**/report/**', '**/server/**'], message: 'imports point one way: cli/controller -> report -> analyzers -> cluster -> model' },
        ],
      }],
    },
  },
);
