/**
 * Choosing terraform or tofu for a root module: the setting, else the one of the two on PATH that
 * initialised the module, else terraform first; each with its reason. Real files in temp folders
 * (the programs are never run here: the choice only looks at names and module files).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { chooseTerraformExecutable } from '../../core/src/terraform/tool/executableChoice';
import { TerraformExecutableNotFoundError } from '../../core/src/terraform/tool/terraformExecutable';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { TERRAFORM_LOCK_FILE, TOFU_LOCK_FILE } from '../support/lockFiles';

after(cleanupTempDirs);

function program(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
  return file;
}

function moduleWithLock(lock?: string): string {
  const dir = tempDir('ii-choice-module-');
  writeFileSync(path.join(dir, 'main.tf'), 'resource "local_file" "example" {}\n');
  if (lock) writeFileSync(path.join(dir, '.terraform.lock.hcl'), lock);
  return dir;
}

describe('chooseTerraformExecutable', () => {
  const root = tempDir('ii-choice-');
  const terraform = program(path.join(root, 'hashicorp'), 'terraform');
  const tofu = program(path.join(root, 'opentofu'), 'tofu');
  const both = { PATH: [path.dirname(terraform), path.dirname(tofu)].join(':') };

  test('both on PATH, a module tofu initialised: tofu, and why', () => {
    const chosen = chooseTerraformExecutable('', { env: both, moduleDir: moduleWithLock(TOFU_LOCK_FILE) });
    assert.equal(chosen.path, tofu);
    assert.equal(chosen.source, 'path');
    assert.equal(chosen.reason, 'chosen because .terraform.lock.hcl selects providers from registry.opentofu.org');
    assert.equal(chosen.initialisation?.tool, 'opentofu');
  });

  test('both on PATH (tofu first), a module terraform initialised: terraform', () => {
    const chosen = chooseTerraformExecutable(undefined, {
      env: { PATH: [path.dirname(tofu), path.dirname(terraform)].join(':') },
      moduleDir: moduleWithLock(TERRAFORM_LOCK_FILE),
    });
    assert.equal(chosen.path, terraform);
    assert.equal(chosen.reason, 'chosen because .terraform.lock.hcl selects providers from registry.terraform.io');
  });

  test('both on PATH, nothing in the module: terraform first, and the reason says so', () => {
    const moduleDir = moduleWithLock();
    const chosen = chooseTerraformExecutable('', { env: both, moduleDir });
    assert.equal(chosen.path, terraform);
    assert.equal(
      chosen.reason,
      `both terraform and tofu are on PATH and ${path.basename(moduleDir)} shows no sign of either (no lock file or provider folder of theirs), so terraform comes first (set immutableInfra.terraform.path to choose)`,
    );
    assert.match(chooseTerraformExecutable('', { env: both }).reason, /no module was given to tell them apart, so terraform comes first/);
  });

  test('only one on PATH: that one, even for a module the other initialised (its plan then says so)', () => {
    const chosen = chooseTerraformExecutable('', { env: { PATH: path.dirname(terraform) }, moduleDir: moduleWithLock(TOFU_LOCK_FILE) });
    assert.equal(chosen.path, terraform);
    assert.equal(chosen.reason, 'the only one of terraform and tofu on PATH (immutableInfra.terraform.path is empty)');
  });

  test('the setting wins over the module', () => {
    const chosen = chooseTerraformExecutable(terraform, { env: both, moduleDir: moduleWithLock(TOFU_LOCK_FILE) });
    assert.deepEqual(chosen, { path: terraform, source: 'setting', reason: 'set in immutableInfra.terraform.path' });
  });

  test('neither on PATH: the resolver’s error', () => {
    assert.throws(
      () => chooseTerraformExecutable('', { env: { PATH: tempDir('ii-choice-empty-') }, moduleDir: moduleWithLock(TOFU_LOCK_FILE) }),
      (error: Error) => error instanceof TerraformExecutableNotFoundError && /Neither terraform nor tofu was found on PATH/.test(error.message),
    );
  });
});
