import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2024, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error', 'warn'] }],
      // Nothing may reach a shell: forbid child_process everywhere in production code.
      'no-restricted-imports': ['error', { paths: [
        { name: 'child_process', message: 'oar-bot never spawns processes.' },
        { name: 'node:child_process', message: 'oar-bot never spawns processes.' },
      ] }],
    },
  },
  {
    // dependency-cruiser reads its configuration as CommonJS.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } },
  },
  {
    files: ['test/**', 'bench/**', 'src/cli/**', 'bin/**', 'src/sandbox/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: { 'no-restricted-imports': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // The one exception (issue 19, spec 9.11): elliott is run with execFile, an argument vector
    // and shell: false. Nothing else in production code may start a process.
    files: ['src/integrations/elliott.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
