import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'cdk.out/**', 'coverage/**', '.ci/**', 'docs/**', 'dist/**', 'templates/**', '.scratch/**', '.sluice/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // TypeScript checks undefined names itself (and knows Node's globals); see typescript-eslint's FAQ.
      'no-undef': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Type-aware rules for the TypeScript sources only: the project service reads tsconfig.json, which does not
    // include the plain .js files (configs, the CLI bin, the console's browser script), so they keep the
    // syntax-only rules above. A promise nobody awaits loses its rejection (an unhandled rejection kills Node),
    // and an async callback where a void one is expected (an event listener, forEach) does the same.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // The Orders example is a user of the package: public `sluice/*` imports only, never sluice's internals.
    files: ['examples/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(\\.\\./){2,}(shared|infra|local|functions)/', message: 'the example uses sluice through its public API: import from sluice, sluice/cdk, sluice/queue …' }] },
      ],
    },
  },
);
