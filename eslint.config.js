import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import prettier from 'eslint-config-prettier';
import globals from 'globals';

/** Import boundaries: the engine stays runnable in plain Node; the renderer talks only through the contract. */
const restrict = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });

export default tseslint.config(
  { ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'test-artifacts/', 'bench-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  prettier,
  ...svelte.configs['flat/prettier'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: {
      globals: { ...globals.browser },
      parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] },
    },
  },
  {
    files: ['src/main/core/**'],
    rules: restrict([
      {
        group: ['electron', 'electron-store', 'electron/*'],
        message: 'core runs in plain Node: no electron here.',
      },
      {
        group: ['**/electron/**', '**/renderer/**', '**/cli/**'],
        message: 'core depends on nothing above it.',
      },
    ]),
  },
  {
    files: ['src/shared/**'],
    rules: restrict([
      {
        regex: '^(?!\\./[\\w.-]+$)',
        message: 'shared is the contract: no imports but its own files.',
      },
    ]),
  },
  {
    files: ['src/renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: restrict([
      {
        group: ['electron', '**/main/**', '**/preload/**', 'node:*', 'fs', 'path'],
        message: 'the renderer talks to the engine only through the contract.',
      },
    ]),
  },
  {
    // CommonJS by necessity: the runtime's default app and the test stubs Electron loads with -r.
    files: ['**/*.cjs', 'scripts/electron-default-app/**'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/preload/**'],
    rules: restrict([
      {
        group: ['**/main/**', '**/renderer/**'],
        message: 'preload exposes the contract, nothing else.',
      },
    ]),
  },
);
