/**
 * The provider version a module runs beside the one the knowledge base describes: read from the
 * lock file, else from `required_providers`; named with each replacement rule (hover and JSON),
 * and one `terraform/knowledge-version-differs` per provider and module when the majors differ.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { majorOf, moduleProviderVersion } from '../../core/src/terraform/moduleProviderVersions';
import { positionOf } from '../support/tempModule';
import { analyseTerraform, MODULE_DIR } from './terraformTestSupport';

const file = (name: string, permission: string) => `resource "local_file" "${name}" {
  filename        = "${name}.txt"
  content         = "x"
  file_permission = "${permission}"
}
`;
const two = (permission: string, header = '') => ({ 'main.tf': `${header}${file('a', permission)}${file('b', permission)}` });
const lock = (version: string) => `provider "registry.opentofu.org/hashicorp/local" {\n  version = "${version}"\n}\n`;
const requiring = (constraint: string) =>
  `terraform {\n  required_providers {\n    local = {\n      source  = "hashicorp/local"\n      version = "${constraint}"\n    }\n  }\n}\n`;

describe('the version a module uses', () => {
  test('the lock file wins; else a constraint that allows one major only', () => {
    const read = (versions: Record<string, string>) => ({ kind: 'read' as const, versions: new Map(Object.entries(versions)) });
    assert.deepEqual(moduleProviderVersion('hashicorp/aws', ['~> 6.0'], read({ 'hashicorp/aws': '5.31.0' })), { from: 'lock-file', version: '5.31.0', major: 5 });
    assert.deepEqual(moduleProviderVersion('hashicorp/aws', ['~> 5.1'], { kind: 'absent' }), { from: 'constraint', constraint: '~> 5.1', major: 5 });
    assert.deepEqual(moduleProviderVersion('hashicorp/aws', ['>= 5.1, ~> 5.2.0'], { kind: 'absent' }), { from: 'constraint', constraint: '>= 5.1, ~> 5.2.0', major: 5 });
    assert.deepEqual(moduleProviderVersion('hashicorp/aws', ['5.0.1'], { kind: 'unreadable' }), { from: 'constraint', constraint: '5.0.1', major: 5 });
    for (const open of [['~> 5'], ['>= 4.0'], ['< 6.0'], [], ['~> 4.0', '~> 5.0']]) {
      assert.equal(moduleProviderVersion('hashicorp/aws', open, { kind: 'absent' }), undefined, open.join(' / '));
    }
    assert.equal(majorOf('6.58.0'), 6);
    assert.equal(majorOf('v2'), 2);
    assert.equal(majorOf('latest'), undefined);
  });
});

describe('the rule’s provider version', () => {
  test('the JSON field and the hover name the knowledge base’s version; the message stays as it was', async () => {
    const { findings } = await analyseTerraform(two('0777'), { 'main.tf': file('a', '0700') });
    const [finding] = findings;
    assert.equal(finding.code, 'terraform/forces-replacement');
    assert.match(finding.rule?.version ?? '', /^2\.\d+\.\d+$/);
    assert.deepEqual(finding.rule, { provider: 'hashicorp/local', version: finding.rule?.version, source: finding.rule?.source });
    assert.match(
      finding.detail ?? '',
      new RegExp(`- Rule: registry\\.terraform\\.io/hashicorp/local v${finding.rule?.version}.* \\(hashicorp/local ${finding.rule?.version} knowledge\\)$`, 'm'),
    );
    assert.equal(finding.message, 'Changing `file_permission` ("0777" → "0700") forces replacement of `local_file.a`: Terraform will destroy and re-create it.');
  });

  test('another version of the same major: the hover names it, and nothing more is said', async () => {
    const { findings } = await analyseTerraform(two('0777'), two('0700'), { lockFile: lock('2.4.0') });
    assert.deepEqual(
      findings.map((f) => f.code),
      ['terraform/forces-replacement', 'terraform/forces-replacement'],
    );
    assert.match(findings[0].detail ?? '', / knowledge; the module uses 2\.4\.0 \(from \.terraform\.lock\.hcl\)\)$/m);
  });

  test('another major in the lock file: one information finding per module, at the first resource of that provider', async () => {
    const after = two('0700');
    const { findings } = await analyseTerraform(two('0777'), after, { lockFile: lock('1.4.0') });
    const differs = findings.filter((f) => f.code === 'terraform/knowledge-version-differs');
    assert.equal(differs.length, 1, JSON.stringify(findings, null, 2));
    const [note] = differs;
    assert.equal(note.severity, 'information');
    assert.equal(note.provider, 'hashicorp/local');
    assert.equal(note.file, path.join(MODULE_DIR, 'main.tf'));
    assert.deepEqual(note.range.start, positionOf(after['main.tf'], 'resource "local_file" "a"'));
    assert.match(
      note.message,
      /^This module uses hashicorp\/local 1\.4\.0 \(from \.terraform\.lock\.hcl\), but the replacement knowledge describes hashicorp\/local 2\.\d+\.\d+: which attributes force replacement may differ between major versions, so a warning may be missing or wrong\.$/,
    );
    // The replacement findings stay, each naming both versions in its hover.
    assert.equal(findings.filter((f) => f.code === 'terraform/forces-replacement').length, 2);
  });

  test('another major in required_providers, with no lock file', async () => {
    const { findings } = await analyseTerraform(two('0777', requiring('~> 1.4')), two('0777', requiring('~> 1.4')));
    const [note] = findings.filter((f) => f.code === 'terraform/knowledge-version-differs');
    assert.match(note?.message ?? '', /uses hashicorp\/local "~> 1\.4" \(from required_providers\)/);
  });

  test('no word where nothing settles a major, nor for the same major', async () => {
    for (const scenario of [{}, { lockFile: lock('2.0.0') }]) {
      const { findings } = await analyseTerraform(two('0777', requiring('>= 1.0')), two('0777', requiring('>= 1.0')), scenario);
      assert.deepEqual(findings, []);
    }
  });
});
