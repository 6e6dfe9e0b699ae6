import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'appPackage/build/**', 'build/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      'no-empty': ['error', { allowEmptyCatch: false }],
      'no-console': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/knowledge/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['botbuilder*', 'botframework*', 'restify', 'adaptivecards*', 'adaptive-expressions'], message: 'src/knowledge stays free of bot, server and card libraries.' }] },
      ],
    },
  },
  {
    files: ['src/tickets/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['botbuilder*', 'botframework*', 'restify', 'adaptivecards*', '../bot/*', '../cards/*', '../storage/*'], message: 'src/tickets is data and rules: no bot, card, storage or server code.' }] },
      ],
    },
  },
  {
    files: ['src/cards/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['botbuilder*', 'botframework*', 'restify', '../bot/*', '../dialogs/*', '../storage/*', '../server', '../main'], message: 'src/cards binds data to templates: no bot, dialog, storage or server code.' }] },
      ],
    },
  },
  {
    files: ['src/dialogs/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['../bot/*', '../server', '../main', '../createBot', 'restify'], message: 'Dialogs may use knowledge and cards, never the bot shell.' }] }],
    },
  },
);
