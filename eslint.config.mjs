// ESLint for the TypeScript (lib/, test/) and JavaScript (scripts/, bench/, examples/, test/*.js).
// Formatting is prettier's job; this reports likely mistakes and lines over 120 characters (prettier
// wraps code at 120 but leaves long strings, template literals and comments alone).
// Run by `npm run lint` (scripts/lint.js).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';

const maxLen = ['error', { code: 120, ignoreUrls: true, ignoreRegExpLiterals: true }];

const unusedVars = [
  'error',
  {
    args: 'after-used',
    argsIgnorePattern: '^_',
    varsIgnorePattern: '^_',
    caughtErrors: 'all',
    caughtErrorsIgnorePattern: '^_',
    destructuredArrayIgnorePattern: '^_',
    ignoreRestSiblings: true,
  },
];

export default defineConfig(
  {
    // Build outputs, caches and generated code (the op generator wraps its own output).
    ignores: [
      'node_modules/',
      'dist/',
      'build/',
      'build-*/',
      'prebuilds/',
      'coverage/',
      'docs/',
      'bench/build/',
      'bench/results/',
      'lib/ops/generated/',
      'native/generated/',
      '**/*.generated.*',
    ],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': unusedVars,
      'max-len': maxLen,
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
    rules: { 'no-unused-vars': unusedVars, 'max-len': maxLen },
  },
  {
    // The repo's scripts are CommonJS with a file-level 'use strict'.
    files: ['scripts/**/*.js'],
    rules: { strict: ['error', 'global'] },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
    rules: { 'no-unused-vars': unusedVars, 'max-len': maxLen },
  },
  {
    files: ['test/**/*.ts'],
    languageOptions: { globals: { ...globals.jest } },
  },
);
