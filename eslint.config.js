import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

/**
 * Layers named by runtime, with what each may import (see the README's architecture):
 * shared is pure; services never see electron; the renderer reaches main only through
 * the typed API client.
 */
const noElectron = { name: 'electron', message: 'Only src/main/shell, src/main/index.ts and src/preload may import electron.' };
const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'net', 'http', 'crypto', 'stream', 'url'];

const rendererPatterns = [
  { group: nodeBuiltins, message: 'The renderer has no Node.' },
  { group: ['**/main/**', '**/preload/**', '@duckdb/*'], message: 'The renderer reaches main only through the API client.' },
];

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-output/**', 'bench-output/**', 'scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    ignores: ['src/shared/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, { name: 'react', message: 'src/shared is pure.' }],
          patterns: [
            { group: nodeBuiltins, message: 'src/shared is pure: no Node modules.' },
            { group: ['**/main/**', '**/renderer/**', '**/preload/**'], message: 'src/shared imports nothing of the layers above it.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    ignores: ['src/main/shell/**', 'src/main/index.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [noElectron], patterns: [{ group: ['**/renderer/**', '**/preload/**'], message: 'main does not import the renderer or preload.' }] },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            noElectron,
            { name: '@mantine/core', importNames: ['Modal'], message: 'Use Dialog from ui/Dialog: it hands focus back to what opened it.' },
          ],
          patterns: rendererPatterns,
        },
      ],
    },
  },
  {
    // The dialog wrapper itself, and the theme that names every modal's close button.
    files: ['src/renderer/src/ui/Dialog.tsx', 'src/renderer/src/app/Root.tsx'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron], patterns: rendererPatterns }] },
  },
);
