// Lint for the web app: ESLint's and typescript-eslint's recommended rules, the rules of hooks,
// and the import boundaries of the source tree.
//
// Boundaries (import-x/no-restricted-paths, import-x/no-cycle):
// - src/features/<name>/ is one feature. Its files import each other freely, but another feature
//   only through that feature's public entry, src/features/<other>/index.ts (`@/features/<other>`),
//   never a file inside it. What two features both need and belongs to neither goes to a shared
//   folder instead.
// - Shared code is src/api, src/auth, src/components, src/i18n and src/test: any feature may import
//   it, and it imports no feature.
// - src/app is the shell (layouts, router): it may import any feature file, so that pages stay
//   lazily loaded one by one.
// - No import cycles, within a feature or across the tree.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'eslint/config';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const root = fileURLToPath(new URL('.', import.meta.url));
const features = readdirSync(new URL('./src/features/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

/** One zone per feature: the other features are closed to it except for their index.ts. */
const featureZones = features.map((feature) => ({
  target: `./src/features/${feature}`,
  from: './src/features',
  except: [`./${feature}`, ...features.filter((other) => other !== feature).map((other) => `./${other}/index.ts`)],
  message: `src/features/${feature} may use another feature only through its index.ts (\`@/features/<name>\`).`,
}));

const sharedZone = {
  target: ['./src/api', './src/auth', './src/components', './src/i18n', './src/test'],
  from: ['./src/features', './src/app'],
  message: 'Shared code does not depend on features or on the app shell.',
};

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'src/api/schema.d.ts'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks, 'import-x': importX },
    settings: {
      // import-x parses the files it follows (for no-cycle) with the TypeScript parser.
      'import-x/extensions': ['.ts', '.tsx', '.js', '.mjs'],
      'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      ...reactHooks.configs.flat.recommended.rules,
      'import-x/no-restricted-paths': ['error', { basePath: root, zones: [...featureZones, sharedZone] }],
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      // A leading `_` marks a name unused on purpose (an argument before the one a callback needs).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['*.{js,mjs}', 'scripts/**/*.mjs'],
    languageOptions: { globals: globals.node },
  },
  {
    // Browser journeys: Node code, with callbacks that Playwright runs in the page.
    files: ['e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);
