import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/__generated__/**',
      'templates/**',
      'examples/**',
      '**/coverage/**',
      '.gpuaas/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        projectService: {
          allowDefaultProject: [
            'vitest.config.ts',
            'manifest-schema/scripts/*.ts',
            'platform/contract/scripts/*.ts',
            'sdk/python/scripts/*.ts',
            'sdk/scripts/*.ts',
          ],
        },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@gpuaas/*/src/*', '@gpuaas/*/dist/*'],
              message: 'Import a package through its public entry point.',
            },
          ],
        },
      ],
    },
  },
  {
    // Inside the server, domain code never reaches up into the HTTP layer (http/, api/, express):
    // the HTTP layer calls the domain, not the other way round (docs/architecture.md).
    files: [
      'platform/src/{allocations,catalog,nodes,scheduler,identity,events,db,audit,usage,billing,registry,apps,storage}/**/*.ts',
      'platform/src/{context,date-time,ids,logger,errors}.ts',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'express', message: 'Domain code does not know Express: keep it in http/ or api/.' },
          ],
          patterns: [
            {
              group: ['@gpuaas/*/src/*', '@gpuaas/*/dist/*'],
              message: 'Import a package through its public entry point.',
            },
            {
              group: ['**/http/*', '**/api/*', '../http', '../api'],
              message: 'Domain code must not import the HTTP layer (http/, api/); move what it needs down.',
            },
          ],
        },
      ],
    },
  },
  {
    // The node agent sits below the server: it speaks to it only through the contract and the
    // SDK (docs/architecture.md), so it imports neither the server nor the CLIs.
    files: ['platform/node-agent/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@gpuaas/*/src/*', '@gpuaas/*/dist/*'],
              message: 'Import a package through its public entry point.',
            },
            {
              group: [
                '@gpuaas/platform',
                '@gpuaas/platform/*',
                '@gpuaas/cli',
                '@gpuaas/cli/*',
                '**/platform/src/**',
              ],
              message:
                'The node agent reaches the server only through @gpuaas/platform-contract and @gpuaas/sdk.',
            },
          ],
        },
      ],
    },
  },
  {
    // The CLIs (sdk/cli) sit above the library: they import it through its entry points
    // (`@gpuaas/sdk`, `@gpuaas/sdk/common`, …), never by a relative path into sdk/src; and the
    // library never imports its programs.
    files: ['sdk/cli/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@gpuaas/*/src/*', '@gpuaas/*/dist/*'],
              message: 'Import a package through its public entry point.',
            },
            {
              group: ['**/sdk/src/**', '../../src/**', '../../../src/**', '../../../../src/**'],
              message: 'The CLI uses the sdk through its entry points (@gpuaas/sdk, @gpuaas/sdk/common, …).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['sdk/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@gpuaas/*/src/*', '@gpuaas/*/dist/*'],
              message: 'Import a package through its public entry point.',
            },
            {
              group: ['@gpuaas/cli', '@gpuaas/cli/*', '**/cli/src/**'],
              message: 'The library never imports its programs (@gpuaas/cli sits above it).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts', '**/bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
