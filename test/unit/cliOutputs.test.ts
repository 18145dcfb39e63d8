/**
 * The CLI's outputs, byte for byte: `check` on a copy of the seed example (text, JSON, SARIF,
 * Markdown), `rollout` on its Deployment, and `plan-summary` (text, JSON, Markdown) and
 * `graph --format json` on every plan fixture. A refactoring must leave every byte, stream and exit code as it was; a change of
 * behaviour updates the recorded outputs in the same commit, where a reviewer sees the difference:
 *
 *   UPDATE_CLI_OUTPUTS=1 node --test out/test/unit/cliOutputs.test.js
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

const repoRoot = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(repoRoot, 'dist', 'cli.js');
const PLANS = path.join(repoRoot, 'test', 'fixtures', 'plans');
const RECORDED = path.join(repoRoot, 'test', 'fixtures', 'cli-outputs');
const UPDATE = process.env.UPDATE_CLI_OUTPUTS === '1';

interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string): Promise<Output> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Every `.json` file under the plan fixtures, relative to them (plans, and files that are not plans). */
function planFixtures(dir = PLANS, into: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) planFixtures(full, into);
    else if (entry.name.endsWith('.json')) into.push(path.relative(PLANS, full).split(path.sep).join('/'));
  }
  return into.sort();
}

/** Compares the outputs with the recorded ones (or records them); one assertion names every difference. */
function assertRecorded(name: string, outputs: Record<string, Output>): void {
  const file = path.join(RECORDED, `${name}.json`);
  const text = `${JSON.stringify(outputs, null, 2)}\n`;
  if (UPDATE) writeFileSync(file, text);
  assert.ok(existsSync(file), `${path.relative(repoRoot, file)} is missing: record it with UPDATE_CLI_OUTPUTS=1`);
  const recorded = JSON.parse(readFileSync(file, 'utf8')) as Record<string, Output>;
  const changed = [...new Set([...Object.keys(recorded), ...Object.keys(outputs)])].filter((key) => JSON.stringify(recorded[key]) !== JSON.stringify(outputs[key]));
  assert.deepEqual(changed, [], `outputs that differ from ${path.relative(repoRoot, file)}`);
  assert.equal(readFileSync(file, 'utf8'), text);
}

after(cleanupTempDirs);

describe('the CLI, byte for byte', () => {
  test('check on the seed example (text, JSON, SARIF, Markdown) and rollout on its Deployment', async () => {
    // A copy outside git, with the state the "0777" apply wrote: nothing depends on this checkout.
    const dir = tempDir('ii-cli-outputs-');
    cpSync(path.join(repoRoot, 'examples'), dir, { recursive: true });
    copyFileSync(path.join(dir, 'terraform', 'baseline', 'terraform.tfstate'), path.join(dir, 'terraform', 'terraform.tfstate'));
    writeFileSync(path.join(dir, 'terraform', 'test.txt'), 'This is a test file.');
    chmodSync(path.join(dir, 'terraform', 'test.txt'), 0o777);
    const outputs: Record<string, Output> = {};
    for (const format of ['text', 'json', 'sarif', 'markdown']) {
      outputs[`check . --against kubernetes/deployment-v1.yaml --format ${format}`] = await run(
        ['check', '.', '--against', 'kubernetes/deployment-v1.yaml', '--format', format],
        dir,
      );
    }
    outputs['check terraform --baseline state'] = await run(['check', 'terraform', '--baseline', 'state'], dir);
    outputs['check kubernetes/deployment-v2.yaml --baseline git'] = await run(['check', 'kubernetes/deployment-v2.yaml', '--baseline', 'git'], dir);
    for (const format of ['text', 'json']) {
      outputs[`rollout kubernetes/deployment-v2.yaml --format ${format}`] = await run(['rollout', 'kubernetes/deployment-v2.yaml', '--format', format], dir);
    }
    // Messages name folders by absolute path: the temp folder's name is all that changes between runs.
    const anywhere = (text: string) => text.split(dir).join('<copy of examples>');
    for (const output of Object.values(outputs)) Object.assign(output, { stdout: anywhere(output.stdout), stderr: anywhere(output.stderr) });
    assertRecorded('examples', outputs);
  });

  test('plan-summary (text, JSON, Markdown) and graph --format json on every plan fixture', async () => {
    const summaries: Record<string, Output> = {};
    const graphs: Record<string, Output> = {};
    for (const plan of planFixtures()) {
      for (const format of ['text', 'json', 'markdown'])
        summaries[`plan-summary ${plan} --format ${format}`] = await run(['plan-summary', plan, '--format', format], PLANS);
      graphs[`graph ${plan} --format json`] = await run(['graph', plan, '--format', 'json'], PLANS);
    }
    assert.ok(Object.keys(graphs).length >= 40, 'the plan fixtures were found');
    assertRecorded('plan-summary', summaries);
    assertRecorded('graph', graphs);
  });
});
