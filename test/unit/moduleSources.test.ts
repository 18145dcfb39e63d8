/**
 * Where a module call's code is: the manifest `init` writes (`.terraform/modules/modules.json`)
 * and the local sources that need none.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseModuleManifest, resolveModuleSource, isLocalModuleSource, MODULE_MANIFEST_PATH } from '../../core/src/terraform/moduleSources';

/**
 * What `tofu init` (OpenTofu 1.x) and `terraform init` (1.11.4) both wrote, byte for byte, for a
 * root calling `./modules/f` twice (once written `./modules/f/`, with `count`), which calls `./inner`.
 */
const WRITTEN_BY_INIT =
  '{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"files","Source":"./modules/f","Dir":"modules/f"},{"Key":"files.inner","Source":"./inner","Dir":"modules/f/inner"},{"Key":"files2","Source":"./modules/f","Dir":"modules/f"},{"Key":"files2.inner","Source":"./inner","Dir":"modules/f/inner"}]}';

/** A registry module and a git module with a subfolder, as init records them. */
const WITH_REMOTE_MODULES = JSON.stringify({
  Modules: [
    { Key: '', Source: '', Dir: '.' },
    { Key: 'vpc', Source: 'registry.terraform.io/terraform-aws-modules/vpc/aws', Version: '5.1.0', Dir: '.terraform/modules/vpc' },
    { Key: 'vpc.sub', Source: './modules/sub', Dir: '.terraform/modules/vpc/modules/sub' },
    { Key: 'net', Source: 'git::https://example.invalid/net.git//inner?ref=v1', Dir: '.terraform\\modules\\net\\inner\\' },
  ],
});

describe('parseModuleManifest', () => {
  test('the records init writes, by key', () => {
    const manifest = parseModuleManifest(WRITTEN_BY_INIT);
    assert.equal(manifest.problem, undefined);
    assert.deepEqual([...manifest.records.keys()], ['', 'files', 'files.inner', 'files2', 'files2.inner']);
    assert.deepEqual(manifest.records.get('files.inner'), { key: 'files.inner', source: './inner', dir: 'modules/f/inner' });
    assert.deepEqual(manifest.records.get(''), { key: '', source: '', dir: '.' });
  });

  test('registry versions kept; Windows separators and trailing ones normalised', () => {
    const manifest = parseModuleManifest(WITH_REMOTE_MODULES);
    assert.deepEqual(manifest.records.get('vpc'), {
      key: 'vpc',
      source: 'registry.terraform.io/terraform-aws-modules/vpc/aws',
      version: '5.1.0',
      dir: '.terraform/modules/vpc',
    });
    assert.equal(manifest.records.get('net')?.dir, '.terraform/modules/net/inner');
  });

  test('not what init writes: no records, and the reason', () => {
    const broken = parseModuleManifest('{"Modules": [');
    assert.equal(broken.records.size, 0);
    assert.match(broken.problem ?? '', /^\.terraform\/modules\/modules\.json is not valid JSON \(.+\)$/);
    assert.deepEqual(parseModuleManifest('{"modules": []}'), { records: new Map(), problem: `${MODULE_MANIFEST_PATH} has no "Modules" list` });
    // Records without a key or folder are skipped, the others kept.
    const partial = parseModuleManifest(JSON.stringify({ Modules: [{ Key: 'a' }, 'x', { Key: 'b', Dir: 'b' }] }));
    assert.deepEqual([...partial.records.keys()], ['b']);
  });
});

describe('resolveModuleSource', () => {
  const manifest = parseModuleManifest(WRITTEN_BY_INIT);
  const remote = parseModuleManifest(WITH_REMOTE_MODULES);

  test('local sources, relative to the caller, without a manifest', () => {
    assert.deepEqual(resolveModuleSource({ keyPath: ['files'], source: './modules/f', callerDir: '.' }), { kind: 'folder', dir: 'modules/f' });
    assert.deepEqual(resolveModuleSource({ keyPath: ['files', 'inner'], source: './inner/', callerDir: 'modules/f' }), { kind: 'folder', dir: 'modules/f/inner' });
    assert.deepEqual(resolveModuleSource({ keyPath: ['app'], source: '../../modules/app', callerDir: 'envs/prod' }), { kind: 'folder', dir: 'modules/app' });
    assert.deepEqual(resolveModuleSource({ keyPath: ['up'], source: '../shared', callerDir: '.' }), { kind: 'folder', dir: '../shared' });
    assert.deepEqual(resolveModuleSource({ keyPath: ['win'], source: '.\\modules\\w', callerDir: 'a\\b' }), { kind: 'folder', dir: 'a/b/modules/w' });
    assert.deepEqual(resolveModuleSource({ keyPath: ['self'], source: './', callerDir: '.' }), { kind: 'folder', dir: '.' });
  });

  test('local sources through the manifest agree with the caller-relative folder', () => {
    assert.deepEqual(resolveModuleSource({ keyPath: ['files2', 'inner'], source: './inner', callerDir: 'modules/f' }, manifest), {
      kind: 'folder',
      dir: 'modules/f/inner',
    });
    // A local call inside a remote module: its folder is under .terraform/modules.
    assert.deepEqual(resolveModuleSource({ keyPath: ['vpc', 'sub'], source: './modules/sub', callerDir: '.terraform/modules/vpc' }, remote), {
      kind: 'folder',
      dir: '.terraform/modules/vpc/modules/sub',
    });
  });

  test('a local source edited since init: the folder the text names now', () => {
    assert.deepEqual(resolveModuleSource({ keyPath: ['files'], source: './modules/g', callerDir: '.' }, manifest), { kind: 'folder', dir: 'modules/g' });
  });

  test('registry and git sources: only through the manifest', () => {
    assert.deepEqual(resolveModuleSource({ keyPath: ['vpc'], source: 'terraform-aws-modules/vpc/aws', callerDir: '.' }, remote), {
      kind: 'folder',
      dir: '.terraform/modules/vpc',
    });
    assert.deepEqual(resolveModuleSource({ keyPath: ['net'], source: 'git::https://example.invalid/net.git//inner?ref=v1', callerDir: '.' }, remote), {
      kind: 'folder',
      dir: '.terraform/modules/net/inner',
    });
  });

  test('a remote source not installed: the sentence says so and what to run', () => {
    assert.deepEqual(resolveModuleSource({ keyPath: ['x'], source: 'hashicorp/consul/aws', callerDir: '.' }), {
      kind: 'missing',
      reason: 'module "x" (source "hashicorp/consul/aws") is not installed: run `terraform init`',
    });
    assert.deepEqual(resolveModuleSource({ keyPath: ['files', 'db'], source: 'git::https://example.invalid/db.git', callerDir: 'modules/f' }, manifest), {
      kind: 'missing',
      reason: 'module "db" in module.files (source "git::https://example.invalid/db.git") is not installed: run `terraform init`',
    });
    const broken = parseModuleManifest('not json');
    const missing = resolveModuleSource({ keyPath: ['x'], source: 'hashicorp/consul/aws', callerDir: '.' }, broken);
    assert.equal(missing.kind, 'missing');
    assert.match(
      missing.kind === 'missing' ? missing.reason : '',
      /^module "x" \(source "hashicorp\/consul\/aws"\) is not installed \(\.terraform\/modules\/modules\.json is not valid JSON \(.+\)\): run `terraform init`$/,
    );
  });

  test('which sources are local', () => {
    for (const source of ['./a', '../a', '.\\a', '..\\a', './']) assert.ok(isLocalModuleSource(source), source);
    for (const source of ['a/b', '.a', 'hashicorp/consul/aws', 'git::https://example.invalid/x.git', 's3::https://b/x.zip', '/abs/path']) {
      assert.ok(!isLocalModuleSource(source), source);
    }
  });
});
