// @ts-check
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

/** The folders of src/, each a layer (STYLE.md: the folders show the architecture). */
const LAYERS = [
  'activities',
  'api',
  'cli',
  'config',
  'db',
  'generated',
  'http',
  'observability',
  'runtime',
  'services',
  'shared',
  'toolchain',
  'workflows',
];

/**
 * Layers point one way (STYLE.md rule 14): what each layer must not import. `runtime/` and
 * `main.ts` wire everything together and may import all of it.
 */
const FORBIDDEN = {
  // Workflow code runs in Temporal's deterministic sandbox: contracts only (activities as types).
  workflows: LAYERS.filter((l) => !['shared', 'workflows', 'activities'].includes(l)),
  activities: ['api', 'cli', 'runtime', 'services', 'toolchain', 'workflows'],
  // Services know only shared contracts and their own code.
  services: ['activities', 'api', 'cli', 'config', 'runtime', 'toolchain', 'workflows'],
  // The API reaches workflows through Temporal and the services through workflows.
  api: ['activities', 'cli', 'runtime', 'services', 'toolchain'],
  // The command line is a client of the REST API: its JSON and the shared contracts only.
  cli: LAYERS.filter((l) => !['shared', 'cli'].includes(l)),
  config: ['activities', 'api', 'cli', 'db', 'http', 'runtime', 'services', 'workflows'],
  db: ['activities', 'api', 'cli', 'config', 'http', 'runtime', 'services', 'workflows'],
  http: ['activities', 'api', 'cli', 'config', 'runtime', 'services', 'workflows'],
  observability: LAYERS.filter((l) => l !== 'observability'),
  toolchain: ['activities', 'api', 'cli', 'db', 'http', 'runtime', 'services', 'workflows'],
  shared: LAYERS.filter((l) => l !== 'shared'),
};

/** Every relative spelling of an import of `layer` from up to four folders deep. */
const importsOf = (layer) =>
  [1, 2, 3, 4].flatMap((depth) => {
    const path = `${'../'.repeat(depth)}${layer}`;
    return [path, `${path}/*`];
  });

function layerRules() {
  return Object.entries(FORBIDDEN).map(([layer, forbidden]) => {
    const patterns = [
      {
        group: forbidden.flatMap(importsOf),
        message: `Layers point one way: src/${layer} must not import this layer (STYLE.md rule 14); move what both need into src/shared.`,
      },
    ];
    if (layer === 'workflows') {
      patterns.push(
        {
          group: ['node:*', 'fs', 'path', 'http', 'https', 'crypto', 'child_process'],
          message: 'Workflows must not use Node built-ins.',
        },
        {
          group: ['got', 'openai', 'pg', '@prisma/*', 'express'],
          message: 'Workflows must not do I/O.',
        },
        {
          group: importsOf('activities'),
          message: 'Import activities as types only.',
          allowTypeImports: true,
        },
      );
    }
    return {
      files: [`src/${layer}/**/*.ts`],
      rules: { 'no-restricted-imports': ['error', { patterns }] },
    };
  });
}

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
  ...layerRules(),
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
