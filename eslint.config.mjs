import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

const nodeGlobals = { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', process: 'readonly', console: 'readonly' };

export default defineConfig(
  { ignores: ['dist/', 'coverage/', '.data/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    // Type-aware: floating promises, promises passed where callbacks are expected and `any` leaking are what
    // goes wrong in this code's async I/O, and only the types show them.
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      eqeqeq: ['error', 'smart'],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // Without noUncheckedIndexedAccess, TypeScript types `list[i]` as defined; the code marks such reads with `!`
      // or `as T` where it knows the index is in range, which this rule would strip.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // An async function without await is how a Promise-returning interface is implemented here (a throw becomes
      // a rejection).
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
    },
  },
  {
    // Specs read answers whose bodies supertest and pg type as `any`, and assert on their shape.
    files: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: nodeGlobals },
  },
);
