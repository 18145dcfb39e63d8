/**
 * Which tool initialised a module, from its files: lock files as `tofu init` 1.12.6 and
 * `terraform init` 1.11.4 write them for the seed example (copied from real runs, hashes and all),
 * and `.terraform/providers/<host>` folders, in temp folders.
 */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { moduleInitialisation, parseLockFile, toolOfRegistryHost } from '../../core/src/terraform/tool/moduleInitialisation';
import { TERRAFORM_LOCK_FILE, TOFU_LOCK_FILE } from '../support/lockFiles';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

after(cleanupTempDirs);

function module(files: { lock?: string; providerHosts?: string[]; dataDir?: string }): string {
  const dir = tempDir('ii-init-');
  writeFileSync(path.join(dir, 'main.tf'), 'resource "local_file" "example" {\n  content  = "x"\n  filename = "x.txt"\n}\n');
  if (files.lock !== undefined) writeFileSync(path.join(dir, '.terraform.lock.hcl'), files.lock);
  for (const host of files.providerHosts ?? [])
    mkdirSync(path.join(dir, files.dataDir ?? '.terraform', 'providers', host, 'hashicorp', 'local', '2.9.0', 'linux_amd64'), { recursive: true });
  return dir;
}

describe('moduleInitialisation', () => {
  test('a module tofu initialised: OpenTofu, because of its lock file', () => {
    const found = moduleInitialisation(module({ lock: TOFU_LOCK_FILE, providerHosts: ['registry.opentofu.org'] }), { env: {} });
    assert.equal(found.tool, 'opentofu');
    assert.equal(found.reason, '.terraform.lock.hcl selects providers from registry.opentofu.org');
    assert.deepEqual(found.lockFile, { exists: true, writtenBy: 'opentofu', providerHosts: ['registry.opentofu.org'] });
    assert.deepEqual(found.providerFolderHosts, ['registry.opentofu.org']);
  });

  test('a module terraform initialised: Terraform', () => {
    const found = moduleInitialisation(module({ lock: TERRAFORM_LOCK_FILE, providerHosts: ['registry.terraform.io'] }), { env: {} });
    assert.equal(found.tool, 'terraform');
    assert.equal(found.reason, '.terraform.lock.hcl selects providers from registry.terraform.io');
  });

  test('the lock file wins over provider folders left by the other tool', () => {
    const found = moduleInitialisation(module({ lock: TOFU_LOCK_FILE, providerHosts: ['registry.terraform.io'] }), { env: {} });
    assert.equal(found.tool, 'opentofu');
  });

  test('a lock file with providers of both registries is decided by the init that wrote it', () => {
    const both = `${TOFU_LOCK_FILE}\nprovider "registry.terraform.io/hashicorp/random" {\n  version = "3.7.2"\n}\n`;
    const found = moduleInitialisation(module({ lock: both }), { env: {} });
    assert.equal(found.tool, 'opentofu');
    assert.equal(found.reason, '.terraform.lock.hcl was written by "tofu init" (it selects providers from both registry.terraform.io and registry.opentofu.org)');
    // Without its header nothing says which: no choice.
    const headless = moduleInitialisation(module({ lock: both.replace(/^#.*\n/gm, '') }), { env: {} });
    assert.equal(headless.tool, undefined);
    assert.equal(headless.reason, undefined);
  });

  test('a lock file of third-party providers only: its header', () => {
    const found = moduleInitialisation(module({ lock: TERRAFORM_LOCK_FILE.replace('registry.terraform.io', 'registry.example.com') }), { env: {} });
    assert.equal(found.tool, 'terraform');
    assert.equal(found.reason, '.terraform.lock.hcl was written by "terraform init"');
  });

  test('no lock file: the provider folders under .terraform (or TF_DATA_DIR)', () => {
    assert.equal(
      moduleInitialisation(module({ providerHosts: ['registry.opentofu.org'] }), { env: {} }).reason,
      '.terraform/providers holds providers from registry.opentofu.org',
    );
    const moved = module({ providerHosts: ['registry.terraform.io'], dataDir: 'tfdata' });
    assert.equal(moduleInitialisation(moved, { env: {} }).tool, undefined, 'without TF_DATA_DIR, .terraform is looked at');
    assert.equal(moduleInitialisation(moved, { env: { TF_DATA_DIR: 'tfdata' } }).tool, 'terraform');
    // Folders of both: no choice.
    assert.equal(moduleInitialisation(module({ providerHosts: ['registry.opentofu.org', 'registry.terraform.io'] }), { env: {} }).tool, undefined);
  });

  test('a module never initialised: nothing to go by', () => {
    const found = moduleInitialisation(module({}), { env: {} });
    assert.deepEqual(found, { lockFile: { exists: false, providerHosts: [] }, providerFolderHosts: [] });
  });
});

describe('parseLockFile and registry hosts', () => {
  test('hosts of every provider block, lower case, once each', () => {
    const text = 'provider "Registry.OpenTofu.org/hashicorp/local" {\n}\nprovider "registry.opentofu.org/hashicorp/null" {\n}\n';
    assert.deepEqual(parseLockFile(text), { providerHosts: ['registry.opentofu.org'] });
  });

  test('the two default registries, and no other', () => {
    assert.equal(toolOfRegistryHost('registry.opentofu.org'), 'opentofu');
    assert.equal(toolOfRegistryHost('REGISTRY.TERRAFORM.IO'), 'terraform');
    assert.equal(toolOfRegistryHost('app.terraform.io'), undefined);
  });
});
