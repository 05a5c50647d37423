// @ts-check
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';

// Syntax-only typescript-eslint rules (no type information) keep `eslint .` fast;
// type errors are `npm run typecheck`'s job.

const TEST_FILES = ['**/test/**/*.ts', '**/*.test.ts'];

/** Plain Node scripts (CommonJS), e.g. scripts/prisma-generate.js. */
const NODE_GLOBALS = Object.fromEntries(
  ['require', 'module', 'exports', '__dirname', '__filename', 'process', 'console', 'Buffer', 'URL', 'setTimeout', 'clearTimeout'].map(
    (name) => [name, 'readonly'],
  ),
);

export default defineConfig(
  globalIgnores([
    '**/node_modules/',
    'packages/db/src/generated/**',
    '.herald/**',
    'bench/results/**',
    'coverage/**',
    '.turbo/**',
    'test-results/**',
    'apps/*/dist/**',
  ]),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          caughtErrorsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          ignoreRestSiblings: true,
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: NODE_GLOBALS },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: NODE_GLOBALS },
  },
  {
    // Services log through pino; only command-line tools and the demo talk to a terminal.
    files: ['packages/*/src/**/*.ts', 'apps/*/src/**/*.ts'],
    ignores: ['**/cli/**', 'apps/demo/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // App entry points start services, so they log through pino too (the demo's included).
    files: ['apps/*/src/main.ts'],
    rules: { 'no-console': 'error' },
  },
  {
    files: TEST_FILES,
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
