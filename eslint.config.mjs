// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'dist/',
      '.octollm/',
      'src/generated/',
      'coverage/',
      'test-results/',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, no I/O.
    files: ['src/workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'http', 'https', 'crypto', 'child_process'],
              message: 'Workflows must not use Node built-ins.',
            },
            {
              group: ['got', 'openai', 'pg', '@prisma/*', '**/generated/**', 'express'],
              message: 'Workflows must not do I/O.',
            },
            {
              group: ['**/activities', '**/activities/*'],
              message: 'Import activities as types only.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    // Layers point one way (STYLE.md rule 14): services know only shared contracts and their
    // own code; what they share with the rest moves down into src/shared.
    files: ['src/services/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/config',
                '**/config/*',
                '**/workflows/*',
                '**/activities/*',
                '**/api/*',
                '**/runtime/*',
              ],
              message:
                'Services must not import config, workflows, activities, the API or the runtime: move what both need into src/shared.',
            },
          ],
        },
      ],
    },
  },
  {
    // Shared contracts have no dependencies inside the app.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*'],
              message: 'src/shared must not import from other layers.',
            },
          ],
        },
      ],
    },
  },
  {
    // The command line is a client of the REST API: it knows the API's JSON and the shared
    // contracts, never the server's code.
    files: ['src/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '!../shared', '!../shared/*'],
              message: 'The command line may import only src/shared and its own files.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        process: 'readonly',
        console: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
