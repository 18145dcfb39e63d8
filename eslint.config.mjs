// ESLint (flat config): typescript-eslint's recommended rules, without type information so that a
// lint of the whole tree takes seconds, and the import boundaries between the packages:
//   core/, common/   pure analysis: no editor, no LSP library, no processes (outside core/src/exec)
//   client/          the extension host: core/ and common/, never the language server's source
//   webview/         a browser page: no Node built-ins, no editor API
//   cli/             a Node program over core/: no editor, no LSP library
//   server/          the language server (server.ts, lsp/)
// and, in every package, programs start only through the process runner in core/src/exec (tests and
// scripts, which drive the CLI and the tools under test, are free to spawn).
// test/unit/lintBoundaries.test.ts lints a deliberate violation of each boundary to show that it fires.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/** Escapes a module name for use inside a regular expression. */
const literally = (name) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

// Each restriction is a `regex` pattern of no-restricted-imports, matched against the whole import
// specifier, so that e.g. a local `./path` is not mistaken for Node's `path`.
/** The editor's API and the LSP libraries: only client/ (vscode, the language client) and server/ (the language server). */
const EDITOR_AND_LSP = {
  regex: '^vscode(-languageserver(-[a-z-]+)?|-languageclient|-jsonrpc)?(/.*)?$',
  message: 'Pure analysis knows no editor and no LSP: it returns findings, and server/src/lsp (or client/) turns them into diagnostics.',
};
/** Running programs: one process runner owns process groups, interrupt-then-terminate, timeouts and cancellation. */
const CHILD_PROCESS = {
  regex: '^(node:)?child_process$',
  message: 'Programs run through the one process runner in core/src/exec (argument arrays, process groups, timeouts, cancellation).',
};
/** The language server's source, reached from another package by relative path. */
const SERVER_SOURCE_MESSAGE = 'The extension host imports core/ and common/, never server/: whatever it imports from there is bundled into the extension.';
const SERVER_SOURCE = { regex: '(^|/)server/src(/|$)', message: SERVER_SOURCE_MESSAGE };
/** Node's built-in modules, bare (`fs`, `fs/promises`) or `node:`-prefixed. */
const NODE_BUILTINS = {
  regex: `^(node:.*|(${builtinModules
    .filter((name) => !name.startsWith('_'))
    .map(literally)
    .join('|')}))$`,
  message: 'The webview is a browser page without Node built-ins: the extension host reads files and posts the data.',
};
const EDITOR_IN_WEBVIEW = {
  regex: EDITOR_AND_LSP.regex,
  message: 'Only the extension host (client/) has the vscode API; the webview talks to it through the typed messages in common/src.',
};

/** The pure folders. */
const PURE = ['core/**/*.ts', 'common/**/*.ts'];
/** The one place that starts programs. */
const PROCESS_RUNNER = ['core/src/exec/**/*.ts'];

/** `no-restricted-imports` for a set of restrictions; the typescript-eslint version also sees `import x = require(…)`. */
const restrictImports = (...patterns) => ({
  'no-restricted-imports': 'off',
  '@typescript-eslint/no-restricted-imports': ['error', { patterns }],
});

export default tseslint.config(
  {
    ignores: ['out/**', 'dist/**', '.tools/**', 'node_modules/**', 'test/fixtures/**', 'data/**', '.bench/**', 'test-results/**', 'examples/**/.terraform/**'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    rules: {
      // A leading _ marks a name unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }],
      // The regexes that match Terraform text indented by the quick fixes read best with its literal spaces.
      'no-regex-spaces': 'off',
    },
  },
  {
    // tsc -b checks names, against each package's own lib and types.
    files: ['**/*.ts'],
    rules: { 'no-undef': 'off' },
  },
  {
    // d3 rebinds `this` to the DOM element in its callbacks, so the renderer is named before them.
    files: ['webview/**/*.ts'],
    rules: { '@typescript-eslint/no-this-alias': ['error', { allowedNames: ['renderer'] }] },
  },
  {
    // The plan reader's isObject guard yields Record<string, any>, which every plan-JSON reader indexes.
    files: ['core/src/plan/planModel.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Tests build and inspect raw JSON payloads (plans, API objects, LSP messages) shape by shape.
      '@typescript-eslint/no-explicit-any': 'off',
      // The HCL number tests write literals beyond 2^53 on purpose: the parser must give the double JavaScript gives.
      'no-loss-of-precision': 'off',
    },
  },
  {
    // Its quick-start test reads two example files inline with require('node:fs').
    files: ['test/unit/cli.test.ts'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // The build and test scripts run in Node.
    files: ['**/*.mjs', '**/*.cjs', '**/*.js'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
  },

  // Import boundaries. A file gets the rule's options from the last block that matches it, not the
  // union of all of them, so each block lists every restriction that applies to its files.
  {
    files: PURE,
    ignores: PROCESS_RUNNER,
    rules: restrictImports(EDITOR_AND_LSP, CHILD_PROCESS),
  },
  {
    files: PROCESS_RUNNER,
    rules: restrictImports(EDITOR_AND_LSP),
  },
  {
    files: ['cli/**/*.ts'],
    rules: restrictImports({ ...EDITOR_AND_LSP, message: 'The CLI runs in plain Node: no editor, no LSP library.' }, CHILD_PROCESS),
  },
  {
    files: ['server/**/*.ts'],
    rules: restrictImports(CHILD_PROCESS),
  },
  {
    files: ['client/**/*.ts'],
    rules: restrictImports(SERVER_SOURCE, CHILD_PROCESS),
  },
  {
    files: ['webview/**/*.ts'],
    rules: restrictImports(NODE_BUILTINS, EDITOR_IN_WEBVIEW),
  },

  // Layout is prettier's (npm run format), not lint's.
  prettier,
);
