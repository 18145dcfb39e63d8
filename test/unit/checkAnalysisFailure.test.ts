/**
 * `immutable-infra check` when the analysis of one target throws: that target is reported (a
 * finding and a line on stderr), every other target is still checked, and the exit code is 2.
 *
 * The throw comes from a real input: a folder named like a Terraform file (`broken.tf/`) in a
 * module. The module analysis lists it as one of the module's files and reading it fails with
 * EISDIR, an error no rule turns into a finding of its own.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { cleanupTempDirs, stateJson, tempDir, writeFiles } from '../support/tempModule';
import { runCli as run } from '../support/cli';

const seed = (permission: string) =>
  `resource "local_file" "example" {\n  content         = "This is a test file."\n  filename        = "\${path.module}/test.txt"\n  file_permission = "${permission}"\n}\n`;
const state = stateJson([
  { type: 'local_file', name: 'example', instances: [{ attributes: { content: 'This is a test file.', filename: './test.txt', file_permission: '0777' } }] },
]);

/** Two modules with the same edit; `broken/` also holds a folder named `broken.tf`. */
function twoModules(): string {
  const dir = tempDir();
  writeFiles(dir, {
    'broken/main.tf': seed('0700'),
    'broken/terraform.tfstate': state,
    'fine/main.tf': seed('0700'),
    'fine/terraform.tfstate': state,
  });
  mkdirSync(path.join(dir, 'broken', 'broken.tf'));
  return dir;
}

const FAILED =
  'Immutable Infra could not analyse the Terraform module in this folder: EISDIR: illegal operation on a directory, read. ' +
  'Its findings are missing from this report; every other target was still checked.';

after(cleanupTempDirs);

describe('check, when the analysis of a target throws', () => {
  test('text: the failed module is reported at its first file, the other module is still checked, exit 2', async () => {
    const result = await run(['check'], twoModules());
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stderr, 'immutable-infra: broken: could not be analysed: EISDIR: illegal operation on a directory, read\n');
    const lines = result.stdout.split('\n');
    assert.equal(lines[0], `${path.join('broken', 'main.tf')}:1:1: warning terraform/analysis-failed: ${FAILED}`);
    assert.match(lines[1], /^fine\/main\.tf:4:3: warning terraform\/forces-replacement: Changing `file_permission` \("0777" → "0700"\)/);
    assert.match(result.stdout, /\n\n2 findings: 2 warnings\.\nTerraform: 1 resource checked for replacement\.\n$/);
  });

  test('json: the failure is a finding like any other', async () => {
    const result = await run(['check', '--format', 'json'], twoModules());
    assert.equal(result.code, 2, result.stderr);
    const { findings } = JSON.parse(result.stdout) as { findings: Array<{ file: string; code: string; severity: string; message: string }> };
    assert.deepEqual(
      findings.map((f) => [f.file, f.code, f.severity]),
      [
        [path.join('broken', 'main.tf'), 'terraform/analysis-failed', 'warning'],
        [path.join('fine', 'main.tf'), 'terraform/forces-replacement', 'warning'],
      ],
    );
    assert.equal(findings[0].message, FAILED);
  });

  test('a file argument: the finding is shown at that file', async () => {
    const dir = twoModules();
    writeFiles(dir, { 'broken/other.tf': 'locals {}\n' });
    const result = await run(['check', path.join('broken', 'other.tf')], dir);
    assert.equal(result.code, 2, result.stderr);
    assert.equal(result.stdout.split('\n')[0], `${path.join('broken', 'other.tf')}:1:1: warning terraform/analysis-failed: ${FAILED}`);
  });
});
