/**
 * The parts of the provider client that need no running provider: reading the plugin handshake
 * line, the environment a provider is started with, the offline provider configuration, finding
 * and checking an initialised module's provider package against its lock file, and question keys.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { Unknown } from '../../core/src/terraform/evaluation/value';
import { parseHandshake } from '../../core/src/providerPlugin/pluginHandshake';
import { providerEnvironment } from '../../core/src/providerPlugin/providerEnvironment';
import { offlineProviderConfig } from '../../core/src/providerPlugin/offlineProviderConfig';
import { lockedProviderPackage, packageHash, platformFolder } from '../../core/src/providerPlugin/providerPackages';
import { canonicalValueText, questionKey } from '../../core/src/providerPlugin/providerQuestions';
import type { SchemaBlock } from '../../core/src/providerPlugin/providerSchema';
import { readProviderLockFile } from '../../core/src/terraform/providerLockFile';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

after(cleanupTempDirs);

describe('parseHandshake', () => {
  test('protocol 5 and 6 over a unix socket, as providers print them', () => {
    assert.deepEqual(parseHandshake('1|5|unix|/tmp/plugin123|grpc|\n'), { protocolVersion: 5, socket: '/tmp/plugin123' });
    assert.deepEqual(parseHandshake('1|6|unix|/tmp/plugin9|grpc|'), { protocolVersion: 6, socket: '/tmp/plugin9' });
  });

  test("an old SDK's protocol 4 over netrpc is refused, saying so", () => {
    assert.throws(
      () => parseHandshake('1|4|unix|/tmp/plugin1|netrpc|'),
      /plugin protocol 4, and only 5 and 6 are spoken here \(protocol 4 is Terraform 0\.11's\): "1\|4\|unix\|\/tmp\/plugin1\|netrpc\|"/,
    );
  });

  test('a line that is no handshake is quoted in the error', () => {
    assert.throws(() => parseHandshake('hello, I am not a plugin'), /not a plugin handshake \(CORE\|APP\|NETWORK\|ADDRESS\|PROTOCOL\): "hello, I am not a plugin"/);
  });

  test('tcp, TLS and another core protocol are refused by name', () => {
    assert.throws(() => parseHandshake('1|5|tcp|127.0.0.1:1234|grpc|'), /listens on tcp, and only a unix socket is used here/);
    assert.throws(() => parseHandshake('1|5|unix|/tmp/p|grpc|MIIB'), /asks for TLS/);
    assert.throws(() => parseHandshake('2|5|unix|/tmp/p|grpc|'), /core protocol 2, not 1/);
  });
});

describe('providerEnvironment', () => {
  test('carries the cookie and versions, and nothing of the host that names an account', () => {
    const env = providerEnvironment('/tmp/home', {
      PATH: '/usr/bin',
      HOME: '/root',
      AWS_ACCESS_KEY_ID: 'AKIA',
      GOOGLE_APPLICATION_CREDENTIALS: '/x.json',
      ARM_CLIENT_SECRET: 's',
      KUBECONFIG: '/k',
      TF_VAR_password: 'p',
      HTTPS_PROXY: 'http://proxy',
    });
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.HOME, '/tmp/home');
    assert.equal(env.TF_PLUGIN_MAGIC_COOKIE, 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2');
    assert.equal(env.PLUGIN_PROTOCOL_VERSIONS, '5,6');
    for (const name of ['AWS_ACCESS_KEY_ID', 'GOOGLE_APPLICATION_CREDENTIALS', 'ARM_CLIENT_SECRET', 'KUBECONFIG', 'TF_VAR_password', 'HTTPS_PROXY']) {
      assert.equal(env[name], undefined, name);
    }
  });
});

describe('offlineProviderConfig', () => {
  const attribute = (name: string) => ({ name, type: 'string' as const, required: false, optional: true, computed: false, sensitive: false, writeOnly: false });
  test('every attribute null but the offline switches the schema has; list blocks empty', () => {
    const schema: SchemaBlock = {
      attributes: [attribute('region'), attribute('skip_credentials_validation'), attribute('profile')],
      blocks: [{ typeName: 'assume_role', nesting: 'list', block: { attributes: [], blocks: [] }, minItems: 0, maxItems: 0 }],
    };
    assert.deepEqual(offlineProviderConfig('aws', schema), { region: 'us-east-1', skip_credentials_validation: true, profile: null, assume_role: [] });
    assert.deepEqual(offlineProviderConfig('tls', { attributes: [attribute('proxy')], blocks: [] }), { proxy: null });
  });
  test("azurerm's required features block is there, empty", () => {
    const schema: SchemaBlock = {
      attributes: [attribute('use_cli')],
      blocks: [{ typeName: 'features', nesting: 'list', block: { attributes: [attribute('x')], blocks: [] }, minItems: 1, maxItems: 1 }],
    };
    assert.deepEqual(offlineProviderConfig('azurerm', schema), { use_cli: false, features: [{ x: null }] });
  });
});

describe('lockedProviderPackage', () => {
  const source = 'registry.opentofu.org/hashicorp/local';
  const makeModule = (lock: string | undefined, binary = true) => {
    const dir = tempDir('ii-packages-');
    if (lock !== undefined) writeFileSync(path.join(dir, '.terraform.lock.hcl'), lock);
    const pkg = path.join(dir, '.terraform', 'providers', source, '2.9.0', platformFolder());
    mkdirSync(pkg, { recursive: true });
    if (binary) {
      writeFileSync(path.join(pkg, 'terraform-provider-local_v2.9.0'), '#!/bin/false\n');
      chmodSync(path.join(pkg, 'terraform-provider-local_v2.9.0'), 0o755);
    }
    return { dir, pkg };
  };
  const lockWith = (hashes: string[]) => `provider "${source}" {\n  version = "2.9.0"\n  hashes = [\n${hashes.map((h) => `    "${h}",\n`).join('')}  ]\n}\n`;

  test('the package whose h1: hash the lock file records', () => {
    const { dir, pkg } = makeModule(undefined);
    writeFileSync(path.join(dir, '.terraform.lock.hcl'), lockWith(['zh:00', packageHash(pkg)]));
    const found = lockedProviderPackage(dir, source);
    assert.ok(!('problem' in found), JSON.stringify(found));
    assert.equal(found.version, '2.9.0');
    assert.equal(found.binary, path.join(pkg, 'terraform-provider-local_v2.9.0'));
  });

  test('a binary that is not the locked package is refused, with both hashes', () => {
    const { dir } = makeModule(lockWith(['h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=']));
    const found = lockedProviderPackage(dir, source);
    assert.ok('problem' in found);
    assert.match(found.problem, /terraform-provider-local_v2\.9\.0 is not the package .*\.terraform\.lock\.hcl locks: its hash is h1:.+, the lock file's is h1:AAAA/);
  });

  test('no lock file, not locked, no h1: hash, not installed, no binary: each says so', () => {
    assert.match((lockedProviderPackage(makeModule(undefined).dir, source) as { problem: string }).problem, /\.terraform\.lock\.hcl does not exist: run init/);
    assert.match((lockedProviderPackage(makeModule('').dir, source) as { problem: string }).problem, /does not lock registry\.opentofu\.org\/hashicorp\/local/);
    assert.match(
      (lockedProviderPackage(makeModule(lockWith(['zh:00'])).dir, source) as { problem: string }).problem,
      /records no h1: hash .* so its binary can't be checked/,
    );
    const notInstalled = tempDir('ii-packages-');
    writeFileSync(path.join(notInstalled, '.terraform.lock.hcl'), lockWith(['h1:x']));
    assert.match((lockedProviderPackage(notInstalled, source) as { problem: string }).problem, /is locked but not installed for .* run init/);
    assert.match((lockedProviderPackage(makeModule(lockWith(['h1:x']), false).dir, source) as { problem: string }).problem, /holds no terraform-provider-\* executable/);
  });

  test('the lock file reader keeps the hashes list', () => {
    assert.deepEqual(readProviderLockFile(lockWith(['h1:a=', 'zh:b'])).providers[0].hashes, ['h1:a=', 'zh:b']);
  });
});

describe('question keys', () => {
  test('the same for the same values whatever the key order; unknowns marked', () => {
    assert.equal(canonicalValueText({ b: 1, a: [true, null, new Unknown('x', [])] }), '{"a":[true,null,<unknown>],"b":1}');
    const prior = { kind: 'state' as const, attributesJson: '{"id":"1"}', schemaVersion: 0 };
    assert.equal(questionKey('hashicorp/local', 'local_file', { a: 1, b: 2 }, prior), questionKey('hashicorp/local', 'local_file', { b: 2, a: 1 }, prior));
    assert.notEqual(questionKey('hashicorp/local', 'local_file', { a: 1 }, prior), questionKey('hashicorp/local', 'local_file', { a: 2 }, prior));
  });
});
