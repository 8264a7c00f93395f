import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectron = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'electron', message: 'main/common, main/node and main/cli must run without Electron (DESIGN.md "Layers").' }],
      patterns: [{ group: ['electron/*'], message: 'main/common, main/node and main/cli must run without Electron.' }],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'test-results/**', 'resources/**', 'envs/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  { files: ['main/common/**', 'main/node/**', 'main/cli/**'], rules: noElectron },
  {
    files: ['main/common/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'electron', 'electron/*'], message: 'main/common is pure TypeScript: no Node, no DOM, no Electron.' },
          ],
        },
      ],
    },
  },
  {
    files: ['scripts/**/*.mjs', 'bin/**/*.js', 'eslint.config.js'],
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        clearTimeout: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
        // Bench scripts hand functions to page.evaluate; those run in the page.
        window: 'readonly',
        document: 'readonly',
        location: 'readonly',
        requestAnimationFrame: 'readonly',
      },
    },
  },
);
