/**
 * Our own stale-plan check on real folders (no terraform needed: the snapshot reads files and the
 * state's serial/lineage). With the real OpenTofu: test/e2e-tofu/applyRunner.test.ts.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { changedSince, describeChanges, localStateFile, modifiedAfter, snapshotModule } from '../../client/src/terraform/planStaleness';
import { cleanupTempDirs, stateJson, tempDir, writeFiles } from '../support/tempModule';

after(cleanupTempDirs);

const RESOURCE = 'resource "local_file" "a" {\n  content  = "a"\n  filename = "a.txt"\n}\n';

function state(serial: number, lineage = '00000000-0000-0000-0000-000000000000'): string {
  const json = JSON.parse(stateJson([{ type: 'local_file', name: 'a', instances: [{ attributes: { id: 'x' } }] }])) as Record<string, unknown>;
  return JSON.stringify({ ...json, serial, lineage }, null, 2);
}

function module(files: Record<string, string> = {}): string {
  const dir = tempDir('ii-stale-');
  writeFiles(dir, { 'main.tf': RESOURCE, ...files });
  return dir;
}

/** Moves a file's mtime away from the snapshot's, so that only its content decides. */
function touch(file: string, secondsLater = 5): void {
  const when = new Date(Date.now() + secondsLater * 1000);
  utimesSync(file, when, when);
}

describe('plan staleness', () => {
  test('nothing changed: not stale; saving a file without an edit (mtime only) is not a change', async () => {
    const dir = module({ 'terraform.tfstate': state(3) });
    const snapshot = await snapshotModule(dir);
    assert.deepEqual(await changedSince(snapshot), { stale: false, files: [], state: undefined, message: undefined });
    touch(path.join(dir, 'main.tf'));
    touch(path.join(dir, 'terraform.tfstate'));
    assert.equal((await changedSince(snapshot)).stale, false);
  });

  test('what is watched: .tf, .tofu, .tf.json, .tfvars, the lock file — not other files, not subfolders that are no module', async () => {
    const dir = module({
      'extra.tofu': '',
      'json.tf.json': '{}',
      'terraform.tfvars': 'x = 1\n',
      'prod.auto.tfvars.json': '{}',
      '.terraform.lock.hcl': '# lock\n',
      'README.md': 'hello',
      'test.txt': 'output of the apply',
      'examples/other.tf': RESOURCE,
    });
    const snapshot = await snapshotModule(dir);
    assert.deepEqual(
      Object.keys(snapshot.files).map((f) => path.relative(dir, f)),
      ['.terraform.lock.hcl', 'extra.tofu', 'json.tf.json', 'main.tf', 'prod.auto.tfvars.json', 'terraform.tfvars'],
    );
    for (const file of ['README.md', 'test.txt', 'examples/other.tf']) appendFileSync(path.join(dir, file), 'edited');
    assert.equal((await changedSince(snapshot)).stale, false);
    appendFileSync(path.join(dir, 'terraform.tfvars'), 'y = 2\n');
    appendFileSync(path.join(dir, '.terraform.lock.hcl'), '# upgraded\n');
    assert.deepEqual(
      (await changedSince(snapshot)).files.map((f) => f.relativePath),
      ['.terraform.lock.hcl', 'terraform.tfvars'],
    );
  });

  test('modified, added and removed files are named; the message lists them', async () => {
    const dir = module({ 'variables.tf': 'variable "x" {}\n' });
    const snapshot = await snapshotModule(dir);
    writeFileSync(path.join(dir, 'main.tf'), RESOURCE.replace('"a"', '"b"'));
    writeFileSync(path.join(dir, 'outputs.tf'), 'output "x" { value = 1 }\n');
    rmSync(path.join(dir, 'variables.tf'));
    const changes = await changedSince(snapshot);
    assert.deepEqual(
      changes.files.map((f) => [f.relativePath, f.change]),
      [
        ['main.tf', 'modified'],
        ['outputs.tf', 'added'],
        ['variables.tf', 'removed'],
      ],
    );
    assert.equal(
      changes.message,
      'The saved plan is stale: main.tf, outputs.tf (added), variables.tf (removed) have changed since the plan was made, so it no longer shows what your configuration says. Run the plan again and review the new one before applying.',
    );
  });

  test('same size, new mtime, other content: the hash tells', async () => {
    const dir = module();
    const snapshot = await snapshotModule(dir);
    writeFileSync(path.join(dir, 'main.tf'), RESOURCE.replace('"a.txt"', '"b.txt"'));
    touch(path.join(dir, 'main.tf'));
    assert.deepEqual(
      (await changedSince(snapshot)).files.map((f) => f.relativePath),
      ['main.tf'],
    );
  });

  test("child modules from init's manifest (modules.json) are watched, local and downloaded alike; a new module call is noticed", async () => {
    const dir = module({
      'modules/net/main.tf': RESOURCE,
      '.terraform/modules/remote/main.tf': RESOURCE,
      '.terraform/modules/modules.json': JSON.stringify({
        Modules: [
          { Key: '', Source: '', Dir: '.' },
          { Key: 'net', Source: './modules/net', Dir: 'modules/net' },
          { Key: 'remote', Source: 'registry.terraform.io/x/y/z', Version: '1.0.0', Dir: '.terraform/modules/remote' },
        ],
      }),
      'modules/new/main.tf': RESOURCE,
    });
    const snapshot = await snapshotModule(dir);
    assert.deepEqual(
      snapshot.moduleDirs.map((d) => path.relative(dir, d) || '.'),
      ['.', '.terraform/modules/remote', 'modules/net'],
    );
    appendFileSync(path.join(dir, 'modules/net/main.tf'), '# edit\n');
    assert.deepEqual(
      (await changedSince(snapshot)).files.map((f) => [f.relativePath, f.change]),
      [['modules/net/main.tf', 'modified']],
    );

    // A module call added and initialised after the plan: its files are new to the plan.
    writeFiles(dir, {
      '.terraform/modules/modules.json': JSON.stringify({
        Modules: [
          { Key: '', Dir: '.' },
          { Key: 'net', Dir: 'modules/net' },
          { Key: 'remote', Dir: '.terraform/modules/remote' },
          { Key: 'new', Dir: 'modules/new' },
        ],
      }),
    });
    assert.deepEqual(
      (await changedSince(snapshot)).files.map((f) => [f.relativePath, f.change]),
      [
        ['modules/net/main.tf', 'modified'],
        ['modules/new/main.tf', 'added'],
      ],
    );
  });

  test('a -var-file from elsewhere is watched when the caller names it', async () => {
    const dir = module();
    const varsDir = tempDir('ii-stale-vars-');
    const vars = path.join(varsDir, 'prod.tfvars');
    writeFileSync(vars, 'x = 1\n');
    const snapshot = await snapshotModule(dir, { extraFiles: [vars] });
    appendFileSync(vars, 'y = 2\n');
    assert.deepEqual(
      (await changedSince(snapshot)).files.map((f) => f.relativePath),
      [path.relative(dir, vars).split(path.sep).join('/')],
    );
  });

  test('a file edited while the plan ran (mtime after the plan started) counts, even though the snapshot saw its new content', async () => {
    const dir = module({ 'other.tf': '' });
    const planStartedAt = Date.now() - 10_000;
    const before = new Date(planStartedAt - 60_000);
    utimesSync(path.join(dir, 'other.tf'), before, before);
    // main.tf was written "now", after the plan started.
    const snapshot = await snapshotModule(dir, { planStartedAt });
    assert.deepEqual(snapshot.modifiedDuringPlan, [path.join(dir, 'main.tf')]);
    assert.deepEqual(
      (await changedSince(snapshot)).files.map((f) => f.relativePath),
      ['main.tf'],
    );
  });

  describe('the state', () => {
    test('serial moved on: the plan was already applied (or another run changed the state)', async () => {
      const dir = module({ 'terraform.tfstate': state(4) });
      const snapshot = await snapshotModule(dir);
      assert.equal(snapshot.state.serial, 4);
      assert.equal(snapshot.state.lineage, '00000000-0000-0000-0000-000000000000');
      writeFileSync(path.join(dir, 'terraform.tfstate'), state(6));
      const changes = await changedSince(snapshot);
      assert.equal(changes.stale, true);
      assert.deepEqual(changes.files, []);
      assert.deepEqual(changes.state, {
        kind: 'applied',
        file: path.join(dir, 'terraform.tfstate'),
        before: { serial: 4, lineage: '00000000-0000-0000-0000-000000000000' },
        after: { serial: 6, lineage: '00000000-0000-0000-0000-000000000000' },
      });
      assert.equal(
        changes.message,
        'The saved plan is stale: the plan was already applied, or another run changed the state since (terraform.tfstate serial 4 → 6). Run the plan again and review the new one before applying.',
      );
    });

    test('no state when planned, one now: applied', async () => {
      const dir = module();
      const snapshot = await snapshotModule(dir);
      assert.equal(snapshot.state.exists, false);
      writeFileSync(path.join(dir, 'terraform.tfstate'), state(1));
      const changes = await changedSince(snapshot);
      assert.equal(changes.state?.kind, 'created');
      assert.match(
        changes.message ?? '',
        /the plan was already applied, or another run created the state since \(terraform\.tfstate did not exist when the plan was made\)/,
      );
    });

    test('an empty state file is no state (as Terraform reads it)', async () => {
      const dir = module({ 'terraform.tfstate': '' });
      const snapshot = await snapshotModule(dir);
      assert.equal(snapshot.state.exists, false);
      rmSync(path.join(dir, 'terraform.tfstate'));
      assert.equal((await changedSince(snapshot)).stale, false);
    });

    test('another lineage: replaced; removed; same serial but other content: modified', async () => {
      const dir = module({ 'terraform.tfstate': state(2) });
      const snapshot = await snapshotModule(dir);
      writeFileSync(path.join(dir, 'terraform.tfstate'), state(2, '11111111-1111-1111-1111-111111111111'));
      assert.match(
        (await changedSince(snapshot)).message ?? '',
        /the state was replaced by a different one since the plan was made \(terraform\.tfstate lineage 00000000-0000-0000-0000-000000000000 → 11111111-1111-1111-1111-111111111111\)/,
      );
      writeFileSync(path.join(dir, 'terraform.tfstate'), state(2).replace('"id": "x"', '"id": "y"'));
      assert.equal((await changedSince(snapshot)).state?.kind, 'modified');
      rmSync(path.join(dir, 'terraform.tfstate'));
      assert.equal((await changedSince(snapshot)).state?.kind, 'removed');
    });

    test('the selected workspace has its own state file (terraform.tfstate.d), also through TF_WORKSPACE and TF_DATA_DIR', () => {
      const dir = module({ '.terraform/environment': 'staging\n', 'data/environment': 'prod' });
      assert.equal(localStateFile(dir, {}), path.join(dir, 'terraform.tfstate.d', 'staging', 'terraform.tfstate'));
      assert.equal(localStateFile(dir, { TF_WORKSPACE: 'blue' }), path.join(dir, 'terraform.tfstate.d', 'blue', 'terraform.tfstate'));
      assert.equal(localStateFile(dir, { TF_DATA_DIR: 'data' }), path.join(dir, 'terraform.tfstate.d', 'prod', 'terraform.tfstate'));
      const plain = module();
      assert.equal(localStateFile(plain, {}), path.join(plain, 'terraform.tfstate'));
      const selectedDefault = module({ '.terraform/environment': 'default' });
      assert.equal(localStateFile(selectedDefault, {}), path.join(selectedDefault, 'terraform.tfstate'));
    });

    test("a workspace's state change is seen", async () => {
      const dir = module({ '.terraform/environment': 'staging', 'terraform.tfstate.d/staging/terraform.tfstate': state(1) });
      const snapshot = await snapshotModule(dir, { env: {} });
      writeFileSync(path.join(dir, 'terraform.tfstate.d/staging/terraform.tfstate'), state(2));
      assert.equal((await changedSince(snapshot, { env: {} })).state?.kind, 'applied');
    });
  });

  test('without a snapshot: files and state modified after a given time', async () => {
    const dir = module({ 'terraform.tfstate': state(1), 'other.tf': '' });
    const long = new Date(Date.now() - 3_600_000);
    for (const f of ['main.tf', 'other.tf', 'terraform.tfstate']) utimesSync(path.join(dir, f), long, long);
    const planMadeAt = Date.now() - 60_000;
    assert.equal((await modifiedAfter(dir, planMadeAt)).stale, false);
    appendFileSync(path.join(dir, 'other.tf'), '# edit\n');
    appendFileSync(path.join(dir, 'terraform.tfstate'), '\n');
    mkdirSync(path.join(dir, 'sub'));
    const changes = await modifiedAfter(dir, planMadeAt);
    assert.deepEqual(
      changes.files.map((f) => f.relativePath),
      ['other.tf', 'terraform.tfstate'],
    );
  });

  test('a long list of files is cut short in the message', () => {
    const files = Array.from({ length: 7 }, (_, i) => ({ file: `/m/f${i}.tf`, relativePath: `f${i}.tf`, change: 'modified' as const }));
    assert.match(describeChanges(files, undefined), /^The saved plan is stale: f0\.tf, f1\.tf, f2\.tf, f3\.tf, f4\.tf and 2 more have changed since/);
  });
});
