/**
 * The lock file reader (core/src/terraform/providerLockFile.ts) that both the analysis (the
 * provider versions a module uses) and the extension host (which program initialised a module)
 * read `.terraform.lock.hcl` through: on the files OpenTofu and Terraform really write
 * (test/fixtures/lock-files), and, for the versions, in agreement with the HCL parser on lock
 * files written by hand.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { before, describe, test } from 'node:test';
import { parseLockFile } from '../../core/src/terraform/tool/moduleInitialisation';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { parseProviderSource, providerKey } from '../../core/src/terraform/providerAddress';
import { lockedProviderVersions, readProviderLockFile } from '../../core/src/terraform/providerLockFile';
import { TERRAFORM_LOCK_FILE, TOFU_LOCK_FILE } from '../support/lockFiles';

const FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'lock-files');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

const THREE_PROVIDERS = (host: string) => [
  { source: `${host}/hashicorp/local`, version: '2.9.0', constraints: '~> 2.5', hashes: ['h1:zc7iI7sRXpqJGWb+45cGl53ZBEec8AqxpHX3l0JCUe4='] },
  { source: `${host}/hashicorp/null`, version: '2.1.2', hashes: ['h1:3JvzlFCPoD0iVkBJVoFeSp/g14d6QHMVTjyw8c8TEW0='] },
  { source: `${host}/hashicorp/random`, version: '3.7.2', constraints: '>= 3.0.0, < 4.0.0', hashes: ['h1:q7UHyZh/FMxGmnUrR+4px6ykLMHW5Su6NZx3p/35SUQ='] },
];
const SEED_HASHES = ['h1:zc7iI7sRXpqJGWb+45cGl53ZBEec8AqxpHX3l0JCUe4='];

let parser: HclParser;
before(async () => {
  parser = await HclParser.create();
});

/** The versions as the HCL parser's model gives them: top-level `provider` blocks with one label and a literal `version`. */
function versionsByHclParser(text: string): Map<string, string> {
  const parsed = parser.parse(text);
  const versions = new Map<string, string>();
  for (const block of parsed.file.blocks) {
    if (block.type !== 'provider' || block.labels.length !== 1) continue;
    const address = parseProviderSource(block.labels[0]);
    const version = block.attributes.find((a) => a.name === 'version')?.value.value;
    if (address && version?.kind === 'string' && version.value !== '') versions.set(providerKey(address), version.value);
  }
  parsed.dispose();
  return versions;
}

describe('readProviderLockFile on the lock files init writes', () => {
  test('tofu init: the header, and every provider with its version and constraints, in file order', () => {
    assert.deepEqual(readProviderLockFile(fixture('tofu-init.terraform.lock.hcl')), { writtenBy: 'opentofu', providers: THREE_PROVIDERS('registry.opentofu.org') });
  });

  test('terraform init: the same, from the other registry', () => {
    assert.deepEqual(readProviderLockFile(fixture('terraform-init.terraform.lock.hcl')), {
      writtenBy: 'terraform',
      providers: THREE_PROVIDERS('registry.terraform.io'),
    });
  });

  test('the seed example, as each tool initialises it', () => {
    assert.deepEqual(readProviderLockFile(TOFU_LOCK_FILE), {
      writtenBy: 'opentofu',
      providers: [{ source: 'registry.opentofu.org/hashicorp/local', version: '2.9.0', hashes: SEED_HASHES }],
    });
    assert.deepEqual(readProviderLockFile(TERRAFORM_LOCK_FILE), {
      writtenBy: 'terraform',
      providers: [{ source: 'registry.terraform.io/hashicorp/local', version: '2.9.0', hashes: SEED_HASHES }],
    });
  });

  test('what each caller takes from them: versions by provider, and the tool and registry hosts', () => {
    for (const name of ['tofu-init.terraform.lock.hcl', 'terraform-init.terraform.lock.hcl']) {
      assert.deepEqual(
        [...lockedProviderVersions(fixture(name))],
        [
          ['hashicorp/local', '2.9.0'],
          ['hashicorp/null', '2.1.2'],
          ['hashicorp/random', '3.7.2'],
        ],
      );
    }
    assert.deepEqual(parseLockFile(fixture('tofu-init.terraform.lock.hcl')), { writtenBy: 'opentofu', providerHosts: ['registry.opentofu.org'] });
    assert.deepEqual(parseLockFile(fixture('terraform-init.terraform.lock.hcl')), { writtenBy: 'terraform', providerHosts: ['registry.terraform.io'] });
  });

  test('Windows line ends read the same', () => {
    assert.deepEqual(readProviderLockFile(fixture('tofu-init.terraform.lock.hcl').replace(/\n/g, '\r\n')), readProviderLockFile(fixture('tofu-init.terraform.lock.hcl')));
  });
});

describe('readProviderLockFile on lock files written by hand', () => {
  const HAND_WRITTEN: Record<string, string> = {
    'no header': 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.31.0"\n}\n',
    'one line': 'provider "registry.terraform.io/hashicorp/aws" { version = "5.31.0" }\n',
    comments: [
      '// made by hand',
      'provider "registry.terraform.io/hashicorp/aws" { # the cloud',
      '  /* pinned */ version = "5.31.0" // for now',
      '  hashes = [ # none yet',
      '  ]',
      '}',
      '/* provider "registry.terraform.io/hashicorp/null" { version = "9.9.9" } */',
      '',
    ].join('\n'),
    'escapes in the version': 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.\\u00331.0"\n}\n',
    'a template version, not a literal': 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "${var.v}"\n}\n',
    'an expression version': 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5" + ".0"\n}\n',
    'an empty version': 'provider "registry.terraform.io/hashicorp/aws" {\n  version = ""\n}\n',
    'no version': 'provider "registry.terraform.io/hashicorp/aws" {\n  constraints = "~> 5.0"\n}\n',
    'two labels, and none': 'provider "registry.terraform.io/hashicorp/aws" "extra" {\n  version = "5.31.0"\n}\nprovider {\n  version = "1.0.0"\n}\n',
    'a source without a host': 'provider "hashicorp/aws" {\n  version = "5.31.0"\n}\n',
    'an invalid source': 'provider "a/b/c/d" {\n  version = "5.31.0"\n}\n',
    'nested blocks and other blocks skipped': [
      'terraform {',
      '  version = "0.0.1"',
      '}',
      'provider "registry.terraform.io/hashicorp/aws" {',
      '  nested "registry.terraform.io/hashicorp/null" {',
      '    version = "9.9.9"',
      '  }',
      '  version = "5.31.0"',
      '  note = <<EOT',
      'provider "registry.terraform.io/hashicorp/random" {',
      '  version = "8.8.8"',
      '}',
      'EOT',
      '}',
      'provider "registry.terraform.io/hashicorp/null" {',
      '  hashes = [',
      '    "h1:}{",',
      '    "zh:]",',
      '  ]',
      '  version = "3.2.1"',
      '}',
      '',
    ].join('\n'),
    'the first of two versions': 'provider "registry.terraform.io/hashicorp/aws" {\n  version = "5.31.0"\n  version = "6.0.0"\n}\n',
    'both registries': `${TOFU_LOCK_FILE}\nprovider "registry.terraform.io/hashicorp/random" {\n  version = "3.7.2"\n}\n`,
  };

  for (const [name, text] of Object.entries(HAND_WRITTEN)) {
    test(`versions as the HCL parser reads them: ${name}`, () => {
      assert.deepEqual([...lockedProviderVersions(text)], [...versionsByHclParser(text)]);
    });
  }

  test('what they give', () => {
    const versions = (name: string) => Object.fromEntries(lockedProviderVersions(HAND_WRITTEN[name]!));
    assert.deepEqual(versions('comments'), { 'hashicorp/aws': '5.31.0' });
    assert.deepEqual(versions('escapes in the version'), { 'hashicorp/aws': '5.31.0' });
    assert.deepEqual(versions('a template version, not a literal'), {});
    assert.deepEqual(versions('two labels, and none'), {});
    assert.deepEqual(versions('a source without a host'), { 'hashicorp/aws': '5.31.0' });
    assert.deepEqual(versions('nested blocks and other blocks skipped'), { 'hashicorp/aws': '5.31.0', 'hashicorp/null': '3.2.1' });
    assert.deepEqual(versions('the first of two versions'), { 'hashicorp/aws': '5.31.0' });
    assert.deepEqual(parseLockFile(HAND_WRITTEN['both registries']!), { writtenBy: 'opentofu', providerHosts: ['registry.opentofu.org', 'registry.terraform.io'] });
  });

  test('a broken line is skipped, and the providers after it are still read', () => {
    const text = 'provider = = {\n"stray"\n}\nprovider "registry.opentofu.org/hashicorp/local" {\n  version = "2.9.0"\n}\n';
    assert.deepEqual(readProviderLockFile(text).providers, [{ source: 'registry.opentofu.org/hashicorp/local', version: '2.9.0' }]);
  });
});
