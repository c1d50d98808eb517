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
