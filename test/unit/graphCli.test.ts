import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli as run } from '../support/cli';

const PLANS = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plans');
const REAL = path.join(PLANS, 'opentofu-real', 'graph-features', 'plan.json');

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'graph-cli-'));
  dirs.push(dir);
  return dir;
}

describe('immutable-infra graph --format json', () => {
  test('stdout: the documented shape (docs/cli.md) — nodes with id, address, action, module; edges with from, to', async () => {
    const r = await run(['graph', REAL, '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const graph = JSON.parse(r.stdout);
    assert.equal(graph.version, 1);
    assert.equal(graph.summary.line, 'Plan: 1 to import, 11 to add, 0 to change, 9 to destroy, 1 to forget.');
    assert.equal(graph.nodes.length, 26);
    for (const n of graph.nodes) {
      assert.equal(typeof n.id, 'string');
      assert.equal(typeof n.address, 'string');
      assert.equal(typeof n.action, 'string');
      assert.equal(typeof n.module, 'string');
    }
    const example = graph.nodes.find((n: { id: string }) => n.id === 'local_file.example');
    assert.deepEqual(
      { address: example.address, action: example.action, module: example.module, replacePaths: example.replacePaths, reason: example.reason },
      { address: 'local_file.example', action: 'replace-create-first', module: '', replacePaths: ['file_permission'], reason: '`file_permission` forces replacement' },
    );
    const ids = new Set(graph.nodes.map((n: { id: string }) => n.id));
    assert.ok(graph.edges.length > 0);
    for (const e of graph.edges) {
      assert.deepEqual(Object.keys(e).sort(), ['from', 'to']);
      assert.ok(ids.has(e.from) && ids.has(e.to));
    }
  });

  test('-o FILE writes the same JSON, relative to the working directory, and prints nothing', async () => {
    const dir = tempDir();
    const r = await run(['graph', REAL, '-o', 'graph.json', '--format', 'json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    const fromStdout = await run(['graph', REAL, '--format', 'json']);
    assert.equal(readFileSync(path.join(dir, 'graph.json'), 'utf8'), fromStdout.stdout);
  });

  test('without --format the output is the HTML page (html is the documented default), not JSON', async () => {
    const r = await run(['graph', REAL]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^<!DOCTYPE html>/i);
  });

  test('exit 2 with the message on stderr: missing file, broken JSON, unknown version, state, binary plan, bad options', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'v2.json'), JSON.stringify({ format_version: '2.0', resource_changes: [] }));
    writeFileSync(path.join(dir, 'tfplan'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    const cases: [string[], RegExp][] = [
      [['graph', 'no-such-plan.json', '--format', 'json'], /Cannot read no-such-plan\.json/],
      [['graph', path.join(PLANS, 'terraform-json/invalid/plan.json'), '--format', 'json'], /not valid JSON/],
      [['graph', 'v2.json', '--format', 'json'], /Unsupported plan format version "2\.0"/],
      [['graph', path.join(PLANS, 'terraform-json/no_changes/state.json'), '--format', 'json'], /not a plan/],
      [['graph', 'tfplan', '--format', 'json'], /binary plan file; graph needs the JSON plan.*show -json/],
      [['graph', REAL, '--format', 'svg'], /--format must be html or json \(got "svg"\)/],
      [['graph', REAL, '-o'], /-o needs a value/],
      [['graph', REAL, '--colour'], /Unknown option --colour/],
      [['graph', REAL, REAL], /graph takes one PLAN file/],
      [['graph'], /graph needs a PLAN file/],
      [['graph', REAL, '--format', 'json', '-o', path.join(dir, 'no-such-dir', 'out.json')], /Cannot write/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args, dir);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message, args.join(' '));
      assert.doesNotMatch(r.stderr, /unexpected error/);
    }
  });

  test('usage lists the graph command', async () => {
    const r = await run(['--help']);
    assert.match(r.stdout, /graph PLAN \[-o FILE\] \[--format html\|json\]/);
  });
});
