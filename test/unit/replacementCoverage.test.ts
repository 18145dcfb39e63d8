/**
 * Which resources the replacement analysis can check, and the `terraform/not-checked` finding for
 * the rest: the provider a resource belongs to (required_providers source, `provider =`, its type's
 * first word), the version the module uses (lock file, else constraint), one finding per provider.
 * Real parser, real knowledge base.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { coverageSummary } from '../../cli/src/coverageSummary';
import { buildModuleConfiguration } from '../../core/src/terraform/configuration';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { parseProviderSource, providerKey } from '../../core/src/terraform/providerAddress';
import { lockedProviderVersions } from '../../core/src/terraform/providerLockFile';
import { replacementCoverage, type LockFileVersions } from '../../core/src/terraform/replacementCoverage';

let parser: HclParser;
const knowledge = new ReplacementKnowledgeBase();
const FILE = '/work/module/main.tf';

before(async () => {
  parser = await HclParser.create();
});

function parse(text: string) {
  const parsed = parser.parse(text);
  const file = parsed.file;
  parsed.dispose();
  return file;
}

function coverageOf(text: string, lockFile: LockFileVersions = { kind: 'absent' }, hasBaseline = true) {
  return replacementCoverage({ config: buildModuleConfiguration([{ path: FILE, file: parse(text) }]), knowledge, lockFile, hasBaseline });
}

function lockOf(text: string): LockFileVersions {
  return { kind: 'read', versions: lockedProviderVersions(text) };
}

const VAULT_RESOURCES = `resource "vault_policy" "web" {
  ami = "ami-0123"
}

resource "vault_mount" "data" {
  bucket = "my-data"
}

resource "vault_kv_secret_v2" "db" {
  engine = "postgres"
}
`;

const REQUIRED_AWS = `terraform {
  required_providers {
    vault = {
      source  = "hashicorp/vault"
      version = "~> 5.0"
    }
  }
}
`;

const AWS_LOCK = `# This file is maintained automatically by "tofu init".
provider "registry.opentofu.org/hashicorp/vault" {
  version     = "5.31.0"
  constraints = "~> 5.0"
  hashes = [
    "h1:abc=",
  ]
}
`;

describe('replacementCoverage', () => {
  test("a provider the knowledge base lacks: one finding, at the first resource's block header, with the lock file's version", () => {
    const text = `${REQUIRED_AWS}\n${VAULT_RESOURCES}`;
    const result = coverageOf(text, lockOf(AWS_LOCK));
    assert.equal(result.findings.length, 1);
    const [finding] = result.findings;
    assert.equal(finding.code, 'terraform/not-checked');
    assert.equal(finding.severity, 'information');
    assert.equal(finding.provider, 'hashicorp/vault');
    assert.equal(finding.file, FILE);
    assert.equal(
      finding.message,
      '3 resources of hashicorp/vault were not checked for replacement: no replacement knowledge for this provider (version 5.31.0, from .terraform.lock.hcl).',
    );
    const header = 'resource "vault_policy" "web"';
    const line = text.split('\n').indexOf(`${header} {`);
    assert.deepEqual(finding.range, { start: { line, character: 0 }, end: { line, character: header.length } });
    assert.deepEqual(result.coverage, { checked: 0, withoutKnowledge: 3, withoutBaseline: 0 });
    assert.deepEqual([...result.notChecked], ['vault_policy.web', 'vault_mount.data', 'vault_kv_secret_v2.db']);
  });

  test('the required_providers constraint when no lock file selects a version; which of absent, unreadable or silent the lock file is', () => {
    const text = `${REQUIRED_AWS}\n${VAULT_RESOURCES}`;
    const lead = '3 resources of hashicorp/vault were not checked for replacement: no replacement knowledge for this provider';
    assert.equal(coverageOf(text).findings[0].message, `${lead} (version constraint "~> 5.0", from required_providers; this folder has no .terraform.lock.hcl).`);
    assert.equal(
      coverageOf(text, { kind: 'unreadable' }).findings[0].message,
      `${lead} (version constraint "~> 5.0", from required_providers; .terraform.lock.hcl could not be read).`,
    );
    const otherLock = 'provider "registry.terraform.io/hashicorp/local" {\n  version = "2.9.0"\n}\n';
    assert.equal(
      coverageOf(text, lockOf(otherLock)).findings[0].message,
      `${lead} (version constraint "~> 5.0", from required_providers; .terraform.lock.hcl does not list it).`,
    );
  });

  test('no source and no constraint: hashicorp/<type prefix>, any version', () => {
    const [finding] = coverageOf(VAULT_RESOURCES).findings;
    assert.equal(
      finding.message,
      '3 resources of hashicorp/vault were not checked for replacement: no replacement knowledge for this provider (any version: no version constraint, and this folder has no .terraform.lock.hcl).',
    );
  });

  test('the old string form and constraints from several terraform blocks', () => {
    const text =
      'terraform {\n  required_providers {\n    consul = ">= 5.0"\n  }\n}\nterraform {\n  required_providers {\n    consul = { version = "< 7.0" }\n  }\n}\nresource "consul_node" "b" {\n  name = "b"\n}\n';
    assert.equal(
      coverageOf(text).findings[0].message,
      '1 resource of hashicorp/consul was not checked for replacement: no replacement knowledge for this provider (version constraint ">= 5.0, < 7.0", from required_providers; this folder has no .terraform.lock.hcl).',
    );
  });

  test('the provider comes from the source: another namespace or host is another provider', () => {
    const text =
      'terraform {\n  required_providers {\n    cloud = { source = "Example/Cloud" }\n    mirror = { source = "registry.example.com/hashicorp/vault" }\n  }\n}\n' +
      'resource "cloud_server" "a" {}\nresource "vault_policy" "b" {\n  provider = mirror\n}\n';
    const result = coverageOf(text);
    assert.deepEqual(
      result.findings.map((f) => [f.provider, f.message]),
      [
        [
          'example/cloud',
          '1 resource of example/cloud was not checked for replacement: no replacement knowledge for this provider (any version: no version constraint, and this folder has no .terraform.lock.hcl).',
        ],
        [
          'registry.example.com/hashicorp/vault',
          '1 resource of registry.example.com/hashicorp/vault was not checked for replacement: no replacement knowledge for this provider (any version: no version constraint, and this folder has no .terraform.lock.hcl).',
        ],
      ],
    );
  });

  test('`provider =` with an alias, and a local name other than the type prefix, name the same provider', () => {
    const text =
      'terraform {\n  required_providers {\n    amazon = { source = "registry.terraform.io/hashicorp/vault" }\n  }\n}\n' +
      'resource "vault_policy" "east" {\n  provider = amazon.east\n}\nresource "vault_policy" "west" {\n  provider = "amazon.west"\n}\nresource "vault_mount" "plain" {}\n';
    const result = coverageOf(text, lockOf(AWS_LOCK));
    assert.deepEqual(
      result.findings.map((f) => f.message),
      ['3 resources of hashicorp/vault were not checked for replacement: no replacement knowledge for this provider (version 5.31.0, from .terraform.lock.hcl).'],
    );
  });

  test('a known provider lacking a resource type: names the type and the version the knowledge describes', () => {
    const text = 'resource "local_file" "known" {\n  filename = "a"\n}\nresource "local_foo" "x" {}\nresource "local_foo" "y" {}\nresource "local_bar" "z" {}\n';
    const result = coverageOf(text);
    assert.deepEqual(
      result.findings.map((f) => f.message),
      ['3 resources of hashicorp/local were not checked for replacement: no replacement knowledge for local_foo and local_bar in hashicorp/local 2.9.0.'],
    );
    assert.deepEqual(result.coverage, { checked: 1, withoutKnowledge: 3, withoutBaseline: 0 });
    const locked = coverageOf('resource "local_foo" "x" {}\n', lockOf('provider "registry.terraform.io/hashicorp/local" {\n  version = "2.5.1"\n}\n'));
    assert.equal(
      locked.findings[0].message,
      '1 resource of hashicorp/local was not checked for replacement: no replacement knowledge for local_foo in hashicorp/local 2.9.0; .terraform.lock.hcl selects 2.5.1.',
    );
  });

  test('a type the knowledge base knows, served by another provider, is not checked with that knowledge', () => {
    const text = 'terraform {\n  required_providers {\n    local = { source = "example/local" }\n  }\n}\nresource "local_file" "f" {\n  filename = "a"\n}\n';
    const result = coverageOf(text);
    assert.deepEqual(
      result.findings.map((f) => f.message),
      [
        '1 resource of example/local was not checked for replacement: no replacement knowledge for this provider (any version: no version constraint, and this folder has no .terraform.lock.hcl).',
      ],
    );
    assert.deepEqual([...result.notChecked], ['local_file.f']);
  });

  test('data sources are ignored; a module whose resources are all known gets no finding', () => {
    const text =
      'data "vault_policy_document" "ubuntu" {}\ndata "local_file" "f" {\n  filename = "a"\n}\nresource "local_file" "a" {\n  filename = "a"\n}\nresource "terraform_data" "t" {}\n';
    const result = coverageOf(text);
    assert.deepEqual(result.findings, []);
    assert.deepEqual(result.coverage, { checked: 2, withoutKnowledge: 0, withoutBaseline: 0 });
    assert.deepEqual(coverageOf('data "vault_policy_document" "ubuntu" {}\n').coverage, { checked: 0, withoutKnowledge: 0, withoutBaseline: 0 });
  });

  test('without a baseline, known resources are counted as not compared; the finding stays', () => {
    const result = coverageOf(`resource "local_file" "a" {\n  filename = "a"\n}\n${VAULT_RESOURCES}`, { kind: 'absent' }, false);
    assert.deepEqual(result.coverage, { checked: 0, withoutKnowledge: 3, withoutBaseline: 1 });
    assert.equal(result.findings.length, 1);
  });

  test('one finding per provider, in the order their first resources appear', () => {
    const text = 'resource "consul_service" "g" {}\nresource "vault_policy" "a" {}\nresource "consul_node" "b" {}\n';
    assert.deepEqual(
      coverageOf(text).findings.map((f) => [f.provider, f.range.start.line]),
      [
        ['hashicorp/consul', 0],
        ['hashicorp/vault', 1],
      ],
    );
  });
});

describe('provider addresses and lock files', () => {
  test('sources: bare type, namespace/type, host/namespace/type; the public registries are one provider', () => {
    assert.equal(providerKey(parseProviderSource('vault')!), 'hashicorp/vault');
    assert.equal(providerKey(parseProviderSource('HashiCorp/Vault')!), 'hashicorp/vault');
    assert.equal(providerKey(parseProviderSource('registry.opentofu.org/hashicorp/vault')!), 'hashicorp/vault');
    assert.equal(providerKey(parseProviderSource('registry.terraform.io/hashicorp/vault')!), 'hashicorp/vault');
    assert.equal(providerKey(parseProviderSource('terraform.io/builtin/terraform')!), 'terraform.io/builtin/terraform');
    assert.equal(parseProviderSource('a/b/c/d'), undefined);
    assert.equal(parseProviderSource('hashicorp/'), undefined);
  });

  test('the lock file: versions by provider, blocks without a version skipped', () => {
    const versions = lockedProviderVersions(`${AWS_LOCK}provider "registry.terraform.io/hashicorp/local" {\n  constraints = "~> 2.0"\n}\n`);
    assert.deepEqual([...versions], [['hashicorp/vault', '5.31.0']]);
  });
});

describe('the text summary of coverage', () => {
  test('checked and not checked, with the reason', () => {
    assert.equal(
      coverageSummary({ checked: 2, withoutKnowledge: 3, withoutBaseline: 0 }),
      'Terraform: 2 resources checked for replacement, 3 not checked (no replacement knowledge).',
    );
    assert.equal(coverageSummary({ checked: 1, withoutKnowledge: 0, withoutBaseline: 0 }), 'Terraform: 1 resource checked for replacement.');
    assert.equal(
      coverageSummary({ checked: 0, withoutKnowledge: 0, withoutBaseline: 2 }),
      'Terraform: 0 resources checked for replacement, 2 not checked (no baseline).',
    );
    assert.equal(
      coverageSummary({ checked: 0, withoutKnowledge: 3, withoutBaseline: 1 }),
      'Terraform: 0 resources checked for replacement, 4 not checked (3 without replacement knowledge, 1 without a baseline).',
    );
    assert.equal(coverageSummary({ checked: 0, withoutKnowledge: 0, withoutBaseline: 0 }), undefined);
  });
});
