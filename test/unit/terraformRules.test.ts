/**
 * The main Terraform rules through the pure harness (terraformTestSupport.ts): module texts before
 * and after an edit, no disk and no git. The expectations are those the analyzer's tests on real
 * folders and the language server's tests hold for the same scenarios.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { Finding } from '../../common/src/findings';
import { positionOf } from '../support/tempModule';
import { analyseTerraform, MODULE_DIR } from './terraformTestSupport';
import { seedConfiguration, seedStateResources } from '../support/seedModule';

const MAIN = path.join(MODULE_DIR, 'main.tf');

function codes(findings: Finding[]): string[] {
  return findings.map((f) => f.code);
}

function only(findings: Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}

describe('forces replacement', () => {
  test('state baseline: file_permission "0777" → "0700", at the attribute, with the rule and a fix', async () => {
    const text = seedConfiguration('0700');
    const { findings } = await analyseTerraform(undefined, { 'main.tf': text }, { state: seedStateResources() });
    assert.deepEqual(codes(findings), ['terraform/forces-replacement'], JSON.stringify(findings, null, 2));
    const [finding] = findings;
    assert.equal(finding.message, 'Changing `file_permission` ("0777" → "0700") forces replacement of `local_file.example`: Terraform will destroy and re-create it.');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.file, MAIN);
    assert.equal(finding.address, 'local_file.example');
    assert.equal(finding.attribute, 'file_permission');
    assert.equal(finding.before, '"0777"');
    assert.equal(finding.after, '"0700"');
    assert.deepEqual(finding.range.start, positionOf(text, 'file_permission'));
    assert.match(finding.ruleSource ?? '', /hashicorp\/local v\d+\.\d+\.\d+/);
    assert.ok(finding.fixes?.some((f) => f.kind === 'create-before-destroy'));
    assert.match(finding.detail ?? '', /Baseline \(the deployed state .*terraform\.tfstate\)\): `"0777"`/);
  });

  test('git baseline: the same edit against the configuration at HEAD', async () => {
    const { findings } = await analyseTerraform({ 'main.tf': seedConfiguration('0777') }, { 'main.tf': seedConfiguration('0700') });
    assert.deepEqual(codes(findings), ['terraform/forces-replacement']);
    assert.match(findings[0].message, /^Changing `file_permission` \("0777" → "0700"\) forces replacement of `local_file.example`/);
  });

  test('`${path.module}/test.txt` is evaluated, so an unchanged filename says nothing; nor does an unchanged module', async () => {
    assert.deepEqual((await analyseTerraform(undefined, { 'main.tf': seedConfiguration('0777') }, { state: seedStateResources() })).findings, []);
    assert.deepEqual((await analyseTerraform({ 'main.tf': seedConfiguration('0777') }, { 'main.tf': seedConfiguration('0777') })).findings, []);
  });

  test('ignore_changes hides the attribute, as Terraform does', async () => {
    const text = seedConfiguration('0700', '  lifecycle {\n    ignore_changes = [file_permission]\n  }\n');
    assert.deepEqual((await analyseTerraform(undefined, { 'main.tf': text }, { state: seedStateResources() })).findings, []);
  });

  test('a half-typed block still yields findings for the intact one, beside the syntax error', async () => {
    const text = `${seedConfiguration('0700')}\nresource "local_file" "other" {\n  content = \n`;
    const { findings } = await analyseTerraform(undefined, { 'main.tf': text }, { state: seedStateResources() });
    assert.equal(only(findings, 'terraform/forces-replacement').length, 1);
    assert.ok(only(findings, 'terraform/syntax-error').length >= 1);
  });
});

describe('may force replacement: values known only at plan time', () => {
  test('a variable without default: information, saying which variable', async () => {
    const text = 'variable "mode" {}\nresource "local_file" "example" {\n  content = "x"\n  filename = "./test.txt"\n  file_permission = var.mode\n}\n';
    const [finding] = only((await analyseTerraform({ 'main.tf': seedConfiguration('0777') }, { 'main.tf': text })).findings, 'terraform/may-force-replacement');
    assert.equal(finding.severity, 'information');
    assert.match(
      finding.message,
      /may force replacement of `local_file.example`: the new value is known only at plan time: `var.mode` has no value: the plan asks for one\./,
    );
  });

  test('a variable default is evaluated, and terraform.tfvars overrides it', async () => {
    const text =
      'variable "mode" {\n  default = "0700"\n}\nresource "local_file" "example" {\n  content = "This is a test file."\n  filename = "./test.txt"\n  file_permission = var.mode\n}\n';
    const byDefault = only((await analyseTerraform(undefined, { 'main.tf': text }, { state: seedStateResources() })).findings, 'terraform/forces-replacement');
    assert.deepEqual(
      byDefault.map((f) => [f.attribute, f.after]),
      [['file_permission', '"0700"']],
    );
    const withTfvars = await analyseTerraform(undefined, { 'main.tf': text, 'terraform.tfvars': 'mode = "0777"\n' }, { state: seedStateResources() });
    assert.deepEqual(only(withTfvars.findings, 'terraform/forces-replacement'), []);
  });

  test('removing a computed attribute that forces replacement: the provider decides', async () => {
    const before = 'resource "random_string" "suffix" {\n  length  = 8\n  numeric = false\n}\n';
    const now = 'resource "random_string" "suffix" {\n  length  = 8\n}\n';
    const [finding] = only((await analyseTerraform({ 'main.tf': before }, { 'main.tf': now })).findings, 'terraform/may-force-replacement');
    assert.equal(finding.attribute, 'numeric');
    assert.match(finding.message, /\(false → \(computed by the provider\)\) may force replacement of `random_string.suffix`: it was removed from the configuration/);
  });

  test('an unchanged expression against git says nothing', async () => {
    const text = 'resource "local_file" "example" {\n  content = "x"\n  filename = "./test.txt"\n  file_permission = var.mode\n}\n';
    assert.deepEqual((await analyseTerraform({ 'main.tf': text }, { 'main.tf': text })).findings, []);
  });
});

describe('renamed without moved', () => {
  const block = (name: string) => `resource "local_file" "${name}" {\n  content  = "x"\n  filename = "./x.txt"\n}\n`;

  test('a label rename: a warning at the new label, with the moved block as the fix', async () => {
    const text = block('renamed');
    const findings = only((await analyseTerraform({ 'main.tf': block('example') }, { 'main.tf': text })).findings, 'terraform/renamed-without-moved');
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /`local_file.renamed` looks like a rename of `local_file.example`/);
    assert.deepEqual(findings[0].range.start, positionOf(text, '"renamed"'));
    const fix = findings[0].fixes?.find((f) => f.kind === 'moved-block');
    assert.ok(fix);
    assert.match(fix.edits[0].newText, /moved \{\n  from = local_file.example\n  to   = local_file.renamed\n\}/);
  });

  test('against state too', async () => {
    const state = [{ type: 'local_file', name: 'example', instances: [{ attributes: { content: 'x', filename: './x.txt' } }] }];
    assert.equal(only((await analyseTerraform(undefined, { 'main.tf': block('renamed') }, { state })).findings, 'terraform/renamed-without-moved').length, 1);
  });

  test('a moved block silences it', async () => {
    const moved = `${block('renamed')}\nmoved {\n  from = local_file.example\n  to   = local_file.renamed\n}\n`;
    assert.deepEqual(only((await analyseTerraform({ 'main.tf': block('example') }, { 'main.tf': moved })).findings, 'terraform/renamed-without-moved'), []);
  });

  test('count → for_each changes every instance address', async () => {
    const before = 'resource "local_file" "f" {\n  count = 2\n  content = "x"\n  filename = "./f${count.index}"\n}\n';
    const now = 'resource "local_file" "f" {\n  for_each = toset(["a", "b"])\n  content = "x"\n  filename = "./f${each.key}"\n}\n';
    const [finding] = only((await analyseTerraform({ 'main.tf': before }, { 'main.tf': now })).findings, 'terraform/renamed-without-moved');
    assert.match(finding.message, /changed from count to for_each/);
    assert.deepEqual(finding.range.start, positionOf(now, 'toset'));
  });

  test('moved into a local child module', async () => {
    const { findings } = await analyseTerraform(
      { 'main.tf': block('example') },
      { 'main.tf': 'module "files" {\n  source = "./files"\n}\n' },
      { childModules: { './files': { 'main.tf': block('example') } } },
    );
    const [finding] = only(findings, 'terraform/renamed-without-moved');
    assert.match(finding.message, /module "files" declares the same resource/);
    assert.equal(finding.after, 'module.files.local_file.example');
  });

  test('renaming a database without moved destroys its data: an error beside the warning', async () => {
    const db = (name: string) => `resource "aws_db_instance" "${name}" {\n  engine         = "postgres"\n  instance_class = "db.t3.micro"\n}\n`;
    const { findings } = await analyseTerraform({ 'main.tf': db('main') }, { 'main.tf': db('primary') });
    assert.equal(only(findings, 'terraform/renamed-without-moved').length, 1);
    const [stateful] = only(findings, 'terraform/stateful-replacement');
    assert.equal(stateful.severity, 'error');
    assert.match(stateful.message, /^Without a `moved` block, `aws_db_instance.main` is destroyed and `aws_db_instance.primary` created empty: /);
  });
});

describe('prevent_destroy', () => {
  test('a replacement of a resource with prevent_destroy: an error at the flag, the plan will fail', async () => {
    const text = seedConfiguration('0700', '  lifecycle {\n    prevent_destroy = true\n  }\n');
    const { findings } = await analyseTerraform(undefined, { 'main.tf': text }, { state: seedStateResources() });
    const [blocked] = only(findings, 'terraform/replace-blocked-by-prevent-destroy');
    assert.equal(blocked.severity, 'error');
    assert.match(blocked.message, /Instance cannot be destroyed/);
    assert.deepEqual(blocked.range.start, positionOf(text, 'prevent_destroy'));
  });
});

describe('not checked', () => {
  test("a provider the knowledge base does not describe: one finding, with the lock file's version; the coverage counts it", async () => {
    const { findings, coverage } = await analyseTerraform(
      { 'main.tf': `${seedConfiguration('0777')}resource "vault_policy" "web" {\n  ami = "ami-0123"\n}\n` },
      { 'main.tf': `${seedConfiguration('0700')}resource "vault_policy" "web" {\n  ami = "ami-4567"\n}\n` },
      { lockFile: 'provider "registry.opentofu.org/hashicorp/vault" {\n  version = "5.31.0"\n}\n' },
    );
    assert.deepEqual(codes(findings).sort(), ['terraform/forces-replacement', 'terraform/not-checked']);
    assert.equal(
      only(findings, 'terraform/not-checked')[0].message,
      '1 resource of hashicorp/vault was not checked for replacement: no replacement knowledge for this provider (version 5.31.0, from .terraform.lock.hcl).',
    );
    assert.deepEqual(coverage, { checked: 1, withoutKnowledge: 1, withoutBaseline: 0 });
  });

  test('without a lock file or constraint: any version, at the first such resource', async () => {
    const text = 'resource "vault_policy" "web" {\n  ami = "ami-0123"\n}\n\nresource "vault_mount" "data" {\n  bucket = "my-data"\n}\n';
    const { findings } = await analyseTerraform({ 'main.tf': text }, { 'main.tf': text });
    assert.deepEqual(
      findings.map((d) => [d.code, d.severity, d.range, d.message]),
      [
        [
          'terraform/not-checked',
          'information',
          { start: { line: 0, character: 0 }, end: { line: 0, character: 'resource "vault_policy" "web"'.length } },
          '2 resources of hashicorp/vault were not checked for replacement: no replacement knowledge for this provider (any version: no version constraint, and this folder has no .terraform.lock.hcl).',
        ],
      ],
    );
  });
});

describe('baseline unavailable', () => {
  test('a state file of an unknown version: a warning that says which versions are read', async () => {
    const stateText = JSON.stringify({ version: 3, resources: [] });
    const [finding] = only((await analyseTerraform(undefined, { 'main.tf': seedConfiguration('0700') }, { stateText })).findings, 'terraform/baseline-unavailable');
    assert.match(finding.message, /has version 3; only state format version 4/);
    assert.equal(finding.severity, 'warning');
  });

  test('corrupt state JSON', async () => {
    const [finding] = only(
      (await analyseTerraform(undefined, { 'main.tf': seedConfiguration('0700') }, { stateText: '{"version": 4, "resources": [' })).findings,
      'terraform/baseline-unavailable',
    );
    assert.match(finding.message, /terraform\.tfstate: it is not valid JSON/);
  });

  test('no state and not in git: a hint, saying both are missing', async () => {
    const [finding] = only((await analyseTerraform(undefined, { 'main.tf': seedConfiguration('0700') })).findings, 'terraform/baseline-unavailable');
    assert.match(finding.message, /not inside a git repository\. There is no terraform\.tfstate either/);
    assert.equal(finding.severity, 'hint');
  });

  test('an untrusted workspace runs no git: only the baseline finding', async () => {
    const { findings } = await analyseTerraform({ 'main.tf': seedConfiguration('0777') }, { 'main.tf': seedConfiguration('0700') }, { mayRunProcesses: false });
    assert.deepEqual(codes(findings), ['terraform/baseline-unavailable']);
    assert.match(findings[0].message, /not trusted, so git is not run/);
  });

  test('the baseline setting "state" without a state file names the file', async () => {
    const { findings, coverage } = await analyseTerraform({ 'main.tf': seedConfiguration('0777') }, { 'main.tf': seedConfiguration('0700') }, { mode: 'state' });
    assert.deepEqual(
      findings.map((f) => [f.severity, f.code, f.message]),
      [['warning', 'terraform/baseline-unavailable', `No baseline: the baseline setting is "state" and ${path.join(MODULE_DIR, 'terraform.tfstate')} does not exist.`]],
    );
    assert.deepEqual(coverage, { checked: 0, withoutKnowledge: 0, withoutBaseline: 1 });
  });
});
