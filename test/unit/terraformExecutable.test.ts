/**
 * Resolving terraform/tofu: the setting, then `terraform`, then `tofu` on PATH (searched with
 * real files in a temp folder; the Windows rules through a stand-in file check), and telling the
 * two tools apart from `version` output.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import {
  findOnPath,
  parseVersionOutput,
  resolveTerraformExecutable,
  TERRAFORM_PATH_SETTING,
  TerraformExecutableNotFoundError,
} from '../../core/src/terraform/tool/terraformExecutable';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

after(cleanupTempDirs);

function program(dir: string, name: string, mode = 0o755): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, mode);
  return file;
}

describe('findOnPath (POSIX)', () => {
  test('the first executable match in PATH order; non-executable files and folders are passed over', () => {
    const root = tempDir('ii-path-');
    const [a, b, c] = ['a', 'b', 'c'].map((d) => path.join(root, d));
    program(a, 'terraform', 0o644); // not executable
    mkdirSync(path.join(b, 'terraform'), { recursive: true }); // a folder
    const expected = program(c, 'terraform');
    program(path.join(root, 'd'), 'terraform');
    const PATH = [a, b, c, path.join(root, 'd')].join(':');
    assert.equal(findOnPath('terraform', { env: { PATH } }), expected);
  });

  test('an empty PATH entry (the current folder) is never searched', () => {
    const root = tempDir('ii-path-');
    program(root, 'terraform');
    const cwd = process.cwd();
    process.chdir(root);
    try {
      assert.equal(findOnPath('terraform', { env: { PATH: '::' } }), undefined);
    } finally {
      process.chdir(cwd);
    }
  });
});

describe('findOnPath (Windows rules)', () => {
  // Windows file names are case-insensitive; PATHEXT's upper-case `.EXE` finds `terraform.exe`.
  const files = new Set(['c:\\tools\\tofu.exe', 'd:\\hashi\\terraform.exe', 'd:\\hashi\\terraform']);
  const isExecutable = (candidate: string) => files.has(candidate.toLowerCase());

  test('each PATHEXT extension is tried; the variable may be spelled Path; quoted entries', () => {
    const env = { Path: 'C:\\empty;"D:\\hashi";C:\\tools', PATHEXT: '.COM;.EXE;.BAT' };
    // `D:\hashi\terraform` (no extension) is not runnable on Windows: the .exe is found instead.
    assert.equal(findOnPath('terraform', { env, platform: 'win32', isExecutable }), 'D:\\hashi\\terraform.EXE');
    assert.equal(findOnPath('tofu', { env, platform: 'win32', isExecutable }), 'C:\\tools\\tofu.EXE');
  });

  test('a name that already has an extension is tried as given', () => {
    const env = { PATH: 'D:\\hashi', PATHEXT: '.COM;.EXE' };
    assert.equal(findOnPath('terraform.exe', { env, platform: 'win32', isExecutable }), 'D:\\hashi\\terraform.exe');
  });

  test('no PATHEXT: the default extensions', () => {
    assert.equal(findOnPath('tofu', { env: { PATH: 'C:\\tools' }, platform: 'win32', isExecutable }), 'C:\\tools\\tofu.EXE');
  });
});

describe('resolveTerraformExecutable', () => {
  test('nothing configured: terraform on PATH is preferred to tofu, even later in PATH', () => {
    const root = tempDir('ii-resolve-');
    program(path.join(root, 'first'), 'tofu');
    const terraform = program(path.join(root, 'second'), 'terraform');
    const PATH = `${path.join(root, 'first')}:${path.join(root, 'second')}`;
    assert.deepEqual(resolveTerraformExecutable('', { env: { PATH } }), { path: terraform, source: 'path' });
    assert.deepEqual(resolveTerraformExecutable(undefined, { env: { PATH: path.join(root, 'first') } }), { path: path.join(root, 'first', 'tofu'), source: 'path' });
  });

  test('neither on PATH: the error names the setting', () => {
    assert.throws(
      () => resolveTerraformExecutable('  ', { env: { PATH: tempDir('ii-resolve-') } }),
      (error: unknown) =>
        error instanceof TerraformExecutableNotFoundError &&
        error.setting === TERRAFORM_PATH_SETTING &&
        error.message === `Neither terraform nor tofu was found on PATH. Install one of them, or set ${TERRAFORM_PATH_SETTING} to the full path of the executable.`,
    );
  });

  test('a configured absolute path is used as is; a bare name is looked up on PATH', () => {
    const root = tempDir('ii-resolve-');
    const custom = program(path.join(root, 'opt'), 'tofu-1.12');
    assert.deepEqual(resolveTerraformExecutable(custom, { env: { PATH: '' } }), { path: custom, source: 'setting' });
    assert.deepEqual(resolveTerraformExecutable('tofu-1.12', { env: { PATH: path.join(root, 'opt') } }), { path: custom, source: 'setting' });
  });

  test('a configured path that is missing, not executable, or relative: an error naming the setting', () => {
    const root = tempDir('ii-resolve-');
    const plain = program(root, 'terraform', 0o644);
    for (const configured of [path.join(root, 'missing'), plain, 'bin/terraform', 'nowhere-on-path']) {
      assert.throws(
        () => resolveTerraformExecutable(configured, { env: { PATH: root } }),
        (error: unknown) => error instanceof TerraformExecutableNotFoundError && error.message.includes(TERRAFORM_PATH_SETTING) && error.configuredPath === configured,
        configured,
      );
    }
  });
});

describe('parseVersionOutput', () => {
  const tofuJson = JSON.stringify({ terraform_version: '1.12.6', platform: 'linux_amd64', provider_selections: {} });
  const terraformJson = JSON.stringify({ terraform_version: '1.9.8', platform: 'linux_amd64', provider_selections: {}, terraform_outdated: false });

  test("Terraform's JSON has terraform_outdated; OpenTofu's does not", () => {
    assert.deepEqual(parseVersionOutput(terraformJson), { tool: 'terraform', version: '1.9.8' });
    assert.deepEqual(parseVersionOutput(tofuJson), { tool: 'opentofu', version: '1.12.6' });
  });

  test('the first line of plain `version` settles it', () => {
    assert.deepEqual(parseVersionOutput(tofuJson, 'OpenTofu v1.12.6\non linux_amd64\n'), { tool: 'opentofu', version: '1.12.6' });
    assert.deepEqual(parseVersionOutput('not json', 'Terraform v1.5.7\non darwin_arm64\n'), { tool: 'terraform', version: '1.5.7' });
  });
});
