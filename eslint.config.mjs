// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.data/',
      '.tools/',
      '.cache/',
      'coverage/',
      'apps/dashboard/dist/',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    // Nest reads constructor and parameter types from decorator metadata: with these set, consistent-type-imports
    // leaves decorated files alone instead of turning injected classes and DTOs into type-only imports.
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    // Workflow code is deterministic: no Node built-ins, no I/O libraries, activities by type only.
    files: ['workflows/**/*.ts', 'libs/domain/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'crypto', 'http', 'https', 'net', 'child_process', 'os'],
              message: 'No Node built-ins in deterministic code.',
            },
            {
              group: [
                '@nestjs/*',
                'typeorm',
                'pg',
                'nodemailer',
                '@app/persistence',
                '@app/mail',
                '@app/config',
                '@app/devstack',
              ],
              message: 'No I/O in deterministic code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['workflows/**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@app/activities', '@app/activities/*', '../activities/*'],
              allowTypeImports: true,
              message: 'Workflows import activity types only.',
            },
          ],
        },
      ],
    },
  },
);
