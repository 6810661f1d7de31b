// Lint: typescript-eslint's type-aware rules over src/ and test/. The rules that matter most here are
// the exhaustive switch (a new union member without its case fails lint as well as tsc) and no `any`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Escaping a peer's control bytes for the terminal is this project's job: such regexes are deliberate.
      'no-control-regex': 'off',
      // Interface methods are async so that every socket call rejects instead of throwing, on every transport.
      '@typescript-eslint/require-await': 'off',
      // A caught error is passed on as it came; wrapping it would lose its type (SocketError, Cancelled).
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // vitest's asymmetric matchers (expect.stringMatching, expect.any) are typed any by vitest itself.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // Config files and the plain-JS tools (bench, stress) are outside tsconfig: lint them without types.
    files: ['*.js', '*.ts', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: Object.fromEntries(
        [
          'process',
          'console',
          'setTimeout',
          'clearTimeout',
          'setInterval',
          'clearInterval',
          'setImmediate',
          'Buffer',
          'URL',
          'performance',
        ].map((g) => [g, 'readonly']),
      ),
    },
  },
  {
    // The launcher (tools/launcher.cjs, copied to dist/cli.js) is CommonJS.
    files: ['**/*.cjs'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', __dirname: 'readonly', __filename: 'readonly', module: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
