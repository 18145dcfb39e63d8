/**
 * `check` over a root module with child modules: a called folder is analysed as part of the
 * roots that call it, never as a root needing its own state. Real folder trees, the built CLI.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { runCli } from '../support/cli';
import { seedConfiguration, seedStateResources } from '../support/seedModule';
import { cleanupTempDirs, stateJson, tempDir, writeFiles } from '../support/tempModule';

after(cleanupTempDirs);

const childResource = 'resource "local_file" "child" {\n  content  = "child"\n  filename = "${path.module}/child.txt"\n}\n';
const state = stateJson(seedStateResources());
/** The seed resource edited to 0700 (line 4), and a call of `source`. */
const rootWithCall = (source: string) => `${seedConfiguration('0700')}\nmodule "app" {\n  source = "${source}"\n}\n`;
const SEED_FINDING = /^main\.tf:4:3: warning terraform\/forces-replacement: Changing `file_permission` \("0777" → "0700"\) forces replacement of `local_file\.example`/m;

interface JsonFinding {
  file: string;
  code: string;
}

async function checkJson(args: string[], cwd: string): Promise<{ code: number; stderr: string; findings: JsonFinding[] }> {
  const run = await runCli(['check', ...args, '--format', 'json'], cwd);
  return { code: run.code, stderr: run.stderr, findings: run.stdout ? (JSON.parse(run.stdout) as { findings: JsonFinding[] }).findings : [] };
}

/** A root with state calling ./modules/app, which calls ./db. */
function rootWithChildren(): string {
  const dir = tempDir('ii-check-roots-');
  writeFiles(dir, {
    'main.tf': rootWithCall('./modules/app'),
    'terraform.tfstate': state,
    'modules/app/main.tf': `module "db" {\n  source = "./db"\n}\n${childResource}`,
    'modules/app/db/main.tf': childResource,
  });
  return dir;
}

describe('check: root and child modules', () => {
  test('--baseline state on a root with modules/: the root is checked, its children need no state of their own', async () => {
    const dir = rootWithChildren();
    const text = await runCli(['check', '--baseline', 'state', '.'], dir);
    assert.equal(text.stderr, '');
    assert.equal(text.code, 0);
    assert.match(text.stdout, SEED_FINDING);
    assert.doesNotMatch(text.stdout, /baseline-unavailable|modules\/app/);
    const json = await checkJson(['--baseline', 'state'], dir);
    assert.deepEqual(
      json.findings.map((f) => [f.file, f.code]),
      [['main.tf', 'terraform/forces-replacement']],
    );
  });

  test('a module shared by two roots: each root is checked against its own state; the shared folder on neither', async () => {
    const dir = tempDir('ii-check-shared-');
    writeFiles(dir, {
      'envs/prod/main.tf': rootWithCall('../../modules/app'),
      'envs/prod/terraform.tfstate': state,
      'envs/staging/main.tf': rootWithCall('../../modules/app/'),
      'modules/app/main.tf': childResource,
    });
    const result = await runCli(['check', '--baseline', 'state'], dir);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, 'immutable-infra: No baseline: the baseline setting is "state" and envs/staging/terraform.tfstate does not exist.\n');
    assert.match(result.stdout, /^envs\/prod\/main\.tf:4:3: warning terraform\/forces-replacement/m);
    assert.doesNotMatch(result.stdout, /modules\/app/);
  });

  test('no root has the state asked for: exit 2, and the message names the root, not its children', async () => {
    const bare = tempDir('ii-check-nostate-');
    writeFiles(bare, { 'main.tf': rootWithCall('./modules/app'), 'modules/app/main.tf': childResource });
    const result = await runCli(['check', '--baseline', 'state'], bare);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'immutable-infra: No baseline: the baseline setting is "state" and terraform.tfstate does not exist.\n');
  });

  test('a child module folder named as a PATH: with its caller in the checked trees it is checked through the caller; alone, on its own', async () => {
    const dir = rootWithChildren();
    const withCaller = await runCli(['check', '--baseline', 'state', '.', 'modules/app'], dir);
    assert.equal(withCaller.code, 0);
    assert.equal(withCaller.stderr, '');
    assert.match(withCaller.stdout, SEED_FINDING);

    const alone = await runCli(['check', '--baseline', 'state', 'modules/app'], dir);
    assert.equal(alone.code, 2);
    assert.equal(alone.stderr, 'immutable-infra: No baseline: the baseline setting is "state" and modules/app/terraform.tfstate does not exist.\n');
  });

  test('a file of a child module named beside its root: its folder is checked through the root, which the file argument does not narrow', async () => {
    const dir = rootWithChildren();
    const result = await checkJson(['--baseline', 'state', '.', path.join('modules', 'app', 'main.tf')], dir);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.deepEqual(
      result.findings.map((f) => [f.file, f.code]),
      [['main.tf', 'terraform/forces-replacement']],
    );
  });

  test('a called folder applied on its own (its own state) is a root as well', async () => {
    const dir = rootWithChildren();
    writeFiles(dir, {
      'modules/app/db/main.tf': seedConfiguration('0755'),
      'modules/app/db/terraform.tfstate': state,
    });
    const result = await checkJson(['--baseline', 'state'], dir);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.deepEqual(
      result.findings.map((f) => [f.file, f.code]),
      [
        ['main.tf', 'terraform/forces-replacement'],
        [path.join('modules', 'app', 'db', 'main.tf'), 'terraform/forces-replacement'],
      ],
    );
  });

  test("a folder the root's modules.json names for a remote source is a child too", async () => {
    const dir = tempDir('ii-check-manifest-');
    writeFiles(dir, {
      'main.tf': `${seedConfiguration('0700')}\nmodule "net" {\n  source = "git::https://example.invalid/net.git"\n}\n`,
      'terraform.tfstate': state,
      '.terraform/modules/modules.json': JSON.stringify({
        Modules: [
          { Key: '', Source: '', Dir: '.' },
          { Key: 'net', Source: 'git::https://example.invalid/net.git', Dir: 'vendor/net' },
        ],
      }),
      'vendor/net/main.tf': childResource,
    });
    const result = await runCli(['check', '--baseline', 'state'], dir);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, SEED_FINDING);
  });

  test('two folders that only call each other: one is checked, so the run still reports on them', async () => {
    const dir = tempDir('ii-check-cycle-');
    writeFiles(dir, {
      'a/main.tf': `${seedConfiguration('0700')}\nmodule "b" {\n  source = "../b"\n}\n`,
      'a/terraform.tfstate': state,
      'b/main.tf': 'module "a" {\n  source = "../a"\n}\n',
    });
    const result = await runCli(['check', '--baseline', 'state'], dir);
    assert.equal(result.code, 0);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^a\/main\.tf:4:3: warning terraform\/forces-replacement/m);
  });
});
