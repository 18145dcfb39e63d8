#!/usr/bin/env node
// Runs the compiled tests (out/test/**/*.test.js) with node:test, and the Go tests of the knowledge
// generator (tools/kbgen) as the suite `kbgen`.
// Usage: node scripts/run-tests.mjs [suite…]   suites are folders under test/ (unit, lsp, …) and kbgen; default: all.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const root = join(import.meta.dirname, '..');
const outTests = join(root, 'out', 'test');
if (!existsSync(outTests)) {
  console.error('No compiled tests in out/test: run `npx tsc -b` first (npm test does).');
  process.exit(2);
}
const requested = process.argv.slice(2);
// The generator is Go with its own go.mod: its tests regenerate the pinned small providers from their
// source and compare them with the committed data, and check the coverage table.
const KBGEN = 'kbgen';
const runKbgen = requested.length === 0 || requested.includes(KBGEN);
const suites = requested.filter((s) => s !== KBGEN);
const roots = suites.length ? suites.map((s) => join(outTests, s)) : requested.length ? [] : [outTests];

function collect(dir, into) {
  if (!existsSync(dir)) throw new Error(`No such test suite: ${relative(root, dir)}`);
  for (const entry of readdirSync(dir)) {
    const full = join(dir, entry);
    if (statSync(full).isDirectory()) collect(full, into);
    else if (entry.endsWith('.test.js')) into.push(full);
  }
  return into;
}
const files = roots.flatMap((r) => collect(r, [])).sort();
if (files.length === 0 && !runKbgen) {
  console.error('No test files found.');
  process.exit(1);
}
const result = files.length ? spawnSync(process.execPath, ['--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root }) : { status: 0 };
// The end-to-end suites run their core scenarios with Terraform too, where the machine has it: the
// last line of the run says whether those runs happened, so a log without them says so plainly.
const endToEnd = ['e2e-tofu', 'e2e-vscode'].filter((suite) => files.some((f) => f.startsWith(join(outTests, suite) + '/')));
if (endToEnd.length > 0) {
  const { terraformRunsLine, TERRAFORM } = createRequire(import.meta.url)(join(outTests, 'support', 'toolsUnderTest.js'));
  console.log(`${endToEnd.join(', ')}: ${terraformRunsLine(TERRAFORM)}`);
}
let kbgenStatus = 0;
if (runKbgen) {
  // this machine's Go (never a downloaded toolchain); -mod=mod: the module has no go.sum to keep
  console.log('kbgen: go test ./... in tools/kbgen');
  const go = spawnSync('go', ['test', './...'], {
    stdio: 'inherit',
    cwd: join(root, 'tools', 'kbgen'),
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' },
  });
  if (go.error) console.error(`kbgen: could not run go (${go.error.message}); Go >= 1.26 must be on PATH`);
  kbgenStatus = go.error ? 1 : (go.status ?? 1);
}
process.exit((result.status ?? 1) || kbgenStatus);
