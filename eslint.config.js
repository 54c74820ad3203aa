// typescript-eslint, strict and type-checked, over every TypeScript file in the repository.
// Formatting is Prettier's business (npm run format), so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'src/db/generated/', 'bench/results/', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // tsconfig has noUncheckedIndexedAccess: an index that the code has just bounds-checked is
      // asserted with `!` rather than re-checked, which is clearer than the alternatives.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Template literals with numbers are how messages are written here.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      // `() => void work()` and `(x) => list.push(x)` in callbacks read better than braces.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
    },
  },
  {
    // Tests read parsed JSON bodies (typed `any` by the HTTP helpers) and assert on them with
    // `expect`, which is where their shape is checked; typing every response twice would add
    // nothing. Explicit `any` stays forbidden here too.
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // `afterAll(() => server?.close())` guards a setup that failed before assigning; the
      // declared type cannot say so.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // Fakes of async ports are async without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
);
