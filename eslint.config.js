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
    },
  },
);
