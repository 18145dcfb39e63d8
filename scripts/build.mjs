#!/usr/bin/env node
// Builds what the extension, the language server and the CLI run: the esbuild bundles in dist/
// plus the runtime assets they load from beside themselves (tree-sitter wasm, knowledge base).
// Usage: node scripts/build.mjs [--production] [--watch]
//   --production (or NODE_ENV=production): minified, no source maps — what `vsce package` ships.
//   --watch: rebuild the bundles on change (assets are copied once).
// Type checking is `tsc -b`'s job; esbuild only strips types.
import * as esbuild from 'esbuild';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';

const root = join(import.meta.dirname, '..');
const dist = join(root, 'dist');

const KNOWN_FLAGS = new Set(['--production', '--watch']);
const flags = process.argv.slice(2);
for (const flag of flags) {
  if (!KNOWN_FLAGS.has(flag)) {
    console.error(`build: unknown argument ${flag}\nusage: node scripts/build.mjs [--production] [--watch]`);
    process.exit(2);
  }
}
const production = flags.includes('--production') || process.env.NODE_ENV === 'production';
const watch = flags.includes('--watch');

/** Files copied next to the bundles: the analysis (core/) locates them relative to its own `__dirname`. */
const RUNTIME_ASSETS = [
  ['node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm'],
  ['node_modules/@tree-sitter-grammars/tree-sitter-hcl/tree-sitter-terraform.wasm', 'dist/tree-sitter-terraform.wasm'],
];
/** The knowledge base: only its JSON is shipped, not whatever generates it. */
const DATA_DIR = 'data';
const DATA_EXTENSIONS = ['.json'];
/**
 * Provider files are shipped as packs (each resource compressed on its own, read one entry at a
 * time); the index and the other lists stay JSON.
 */
const PROVIDER_DIR = `${DATA_DIR}/terraform-providers`;
const UNPACKED_PROVIDER_FILES = new Set(['index.json']);
const KNOWLEDGE_PACK_MODULE = './core/src/terraform/knowledgeBase/knowledgePack.ts';
const PROVIDER_FILE_PARTS_MODULE = './core/src/terraform/knowledgeBase/providerFileParts.ts';

const CLI_SHEBANG = '#!/usr/bin/env node';

/** Every file this build writes; anything else found in dist/ afterwards is stale and removed. */
const written = new Set();
/** Set once the first build is done and esbuild watches: each rebuild then says what it wrote. */
let watching = false;

/**
 * Writes through a temporary file and a rename, so that a test or a running server reading
 * dist/ while a build runs sees either the old file or the new one, never half of one.
 */
function writeFileAtomic(path, contents, mode) {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, contents);
  if (mode !== undefined) chmodSync(temporary, mode);
  renameSync(temporary, path);
  written.add(path);
}

/**
 * web-tree-sitter ships an ES module build that finds its wasm through `import.meta.url`, which
 * is empty once bundled into CommonJS. Resolving it with `require` conditions picks its CJS build,
 * which uses `__dirname` — dist/ at run time, where its wasm is copied — and is also the build
 * that `tsc`-compiled tests load, so both run the same code.
 */
const PREFER_REQUIRE_BUILD = /^web-tree-sitter$/;
const preferRequireBuildPlugin = {
  name: 'prefer-require-build',
  setup(build) {
    build.onResolve({ filter: PREFER_REQUIRE_BUILD }, (args) => ({
      path: createRequire(join(args.resolveDir, 'noop.js')).resolve(args.path),
    }));
  },
};

/** esbuild runs with `write: false`; this writes its output atomically (and executable where asked). */
function writeOutputPlugin(mode) {
  return {
    name: 'write-output',
    setup(build) {
      build.onEnd((result) => {
        if (result.errors.length > 0 || !result.outputFiles) return;
        for (const file of result.outputFiles) {
          writeFileAtomic(file.path, file.contents, file.path.endsWith('.js') ? mode : undefined);
          if (watching) console.log(`build: rebuilt ${relative(root, file.path).split(sep).join('/')}`);
        }
      });
    },
  };
}

/** What every bundle shares: written by writeOutputPlugin, minified and without maps in production. */
const anyBundle = {
  bundle: true,
  minify: production,
  sourcemap: production ? false : 'linked',
  logLevel: 'warning',
  write: false,
  absWorkingDir: root,
};

const nodeBundle = { ...anyBundle, platform: 'node', format: 'cjs', target: 'node20' };

function cliBanner() {
  // A shebang already in the entry survives bundling; a second one would be a syntax error.
  const entry = readFileSync(join(root, 'cli/src/main.ts'), 'utf8');
  return entry.startsWith('#!') ? {} : { banner: { js: CLI_SHEBANG } };
}

/** Browsers the webview bundle runs in: VS Code ≥ 1.91's Electron and current Chromium-based browsers (the CLI's HTML). */
const BROWSER_TARGET = ['es2022', 'chrome120'];

/** The webview pages: one IIFE each for the browser. */
const pageBundle = {
  ...anyBundle,
  platform: 'browser',
  format: 'iife',
  target: BROWSER_TARGET,
  // Styles are imported as text and adopted as a constructable style sheet: no .css to ship or link.
  loader: { '.css': 'text' },
};

/**
 * The plan graph's layout runs in a Web Worker for large plans. Its source is bundled on its own
 * and handed to the page bundle as the string module `virtual:layout-worker`, which the page starts
 * from a Blob URL: one file to ship and to inline into the CLI's HTML, no second URI for a host.
 */
const layoutWorkerPlugin = {
  name: 'layout-worker',
  setup(build) {
    build.onResolve({ filter: /^virtual:layout-worker$/ }, () => ({ path: 'layout-worker', namespace: 'layout-worker' }));
    build.onLoad({ filter: /.*/, namespace: 'layout-worker' }, async () => {
      const result = await esbuild.build({
        entryPoints: ['./webview/src/graph/layoutWorker.ts'],
        bundle: true,
        platform: 'browser',
        format: 'iife',
        target: BROWSER_TARGET,
        minify: production,
        write: false,
        metafile: true,
        logLevel: 'warning',
        absWorkingDir: root,
      });
      return {
        contents: `export default ${JSON.stringify(result.outputFiles[0].text)};`,
        loader: 'js',
        watchFiles: Object.keys(result.metafile.inputs).map((file) => join(root, file)),
      };
    });
  },
};

const bundles = [
  {
    ...nodeBundle,
    entryPoints: ['./client/src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    plugins: [writeOutputPlugin()],
  },
  {
    ...nodeBundle,
    entryPoints: ['./server/src/server.ts'],
    outfile: 'dist/server.js',
    plugins: [preferRequireBuildPlugin, writeOutputPlugin()],
  },
  {
    ...nodeBundle,
    ...cliBanner(),
    entryPoints: ['./cli/src/main.ts'],
    outfile: 'dist/cli.js',
    plugins: [preferRequireBuildPlugin, writeOutputPlugin(0o755)],
  },
  {
    ...pageBundle,
    entryPoints: ['./webview/src/main.ts'],
    outfile: 'dist/webview.js',
    plugins: [layoutWorkerPlugin, writeOutputPlugin()],
  },
  {
    // The rollout timeline: a page of its own, so the graph's bundle (inlined into every CLI HTML) stays as it is.
    ...pageBundle,
    entryPoints: ['./webview/src/timeline/main.ts'],
    outfile: 'dist/timeline.js',
    plugins: [writeOutputPlugin()],
  },
];

/**
 * The pack writer is the reader's own TypeScript module, so the two cannot disagree on the format;
 * esbuild compiles it (with the module that cuts a file into entries) for this script to call.
 */
async function loadKnowledgePacker() {
  const result = await esbuild.build({
    stdin: {
      contents: `export { packProviderFile } from ${JSON.stringify(KNOWLEDGE_PACK_MODULE)}; export { splitProviderFile } from ${JSON.stringify(PROVIDER_FILE_PARTS_MODULE)};`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', result.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
  return module.exports;
}

function isProviderFile(relativePath) {
  return dirname(relativePath) === PROVIDER_DIR && relativePath.endsWith('.json') && !UNPACKED_PROVIDER_FILES.has(relativePath.slice(PROVIDER_DIR.length + 1));
}

async function copyRuntimeAssets() {
  for (const [from, to] of RUNTIME_ASSETS) {
    const source = join(root, from);
    if (!existsSync(source)) {
      throw new Error(`runtime asset missing: ${from} (run \`npm ci\`)`);
    }
    writeFileAtomic(join(root, to), readFileSync(source));
  }
  const dataSource = join(root, DATA_DIR);
  // The knowledge base may not exist yet (git keeps no empty folders); the server copes with none.
  if (!existsSync(dataSource)) return;
  const packer = await loadKnowledgePacker();
  for (const file of listFiles(dataSource)) {
    if (!DATA_EXTENSIONS.some((extension) => file.endsWith(extension))) continue;
    const target = join(dist, DATA_DIR, relative(dataSource, file));
    if (!isProviderFile(relative(root, file).split(sep).join('/'))) {
      writeFileAtomic(target, readFileSync(file));
      continue;
    }
    let parts;
    try {
      parts = packer.splitProviderFile(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new Error(`cannot pack ${relative(root, file)}: it is not valid JSON: ${error.message}`);
    }
    writeFileAtomic(`${target}.pack`, packer.packProviderFile(parts));
  }
}

function listFiles(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(full) : [full];
  });
}

/** Source maps of a previous dev build, an old .vsix, removed bundles: nothing stale may be packaged. */
function removeStaleOutput() {
  for (const file of listFiles(dist)) {
    if (!written.has(file)) rmSync(file, { force: true });
  }
}

function describeOutput() {
  const lines = [...written].sort().map((file) => `  ${relative(root, file).split(sep).join('/')}  ${(statSync(file).size / 1024).toFixed(1)} KB`);
  return `build (${production ? 'production' : 'development'}):\n${lines.join('\n')}`;
}

async function main() {
  mkdirSync(dist, { recursive: true });
  const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
  try {
    // rebuild() rejects on any error; esbuild has already printed them with file and line.
    await Promise.all(contexts.map((context) => context.rebuild()));
    await copyRuntimeAssets();
    removeStaleOutput();
    console.log(describeOutput());
  } catch (error) {
    await Promise.all(contexts.map((context) => context.dispose()));
    throw error;
  }
  if (watch) {
    watching = true;
    await Promise.all(contexts.map((context) => context.watch()));
    console.log('build: watching for changes (Ctrl+C to stop)');
    return;
  }
  await Promise.all(contexts.map((context) => context.dispose()));
}

main().catch((error) => {
  // esbuild's own errors were already printed in full; others (missing assets, I/O) are not.
  if (!(error && Array.isArray(error.errors))) console.error(error instanceof Error ? error.message : error);
  console.error('build failed');
  process.exit(1);
});
