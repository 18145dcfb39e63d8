import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Finding } from '../../common/src/findings';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer, type ModuleAnalysisOptions } from '../../core/src/terraform/terraformModuleAnalyzer';
import { cleanupTempDirs, git, gitModule, positionOf, stateModule, tempDir, writeFiles } from '../support/tempModule';
import { seedConfiguration, seedStateResources } from '../support/seedModule';

let analyzer: TerraformModuleAnalyzer;
const auto: ModuleAnalysisOptions = { baseline: 'auto', gitRef: 'HEAD', mayRunProcesses: true };

before(async () => {
  analyzer = new TerraformModuleAnalyzer(await HclParser.create(), new ReplacementKnowledgeBase());
});
after(cleanupTempDirs);

async function findingsOf(dir: string, options = auto): Promise<Finding[]> {
  return (await analyzer.analyze(dir, options)).findings;
}

function only(findings: Finding[], code: string): Finding[] {
  return findings.filter((f) => f.code === code);
}

describe('the seed scenario', () => {
  test('state baseline: file_permission "0777" → "0700" forces replacement, at the attribute', async () => {
    const text = seedConfiguration('0700');
    const dir = stateModule({ 'main.tf': text }, seedStateResources());
    const findings = await findingsOf(dir);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['terraform/forces-replacement'],
      JSON.stringify(findings, null, 2),
    );
    const [finding] = findings;
    assert.equal(finding.message, 'Changing `file_permission` ("0777" → "0700") forces replacement of `local_file.example`: Terraform will destroy and re-create it.');
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.address, 'local_file.example');
    assert.equal(finding.attribute, 'file_permission');
    assert.equal(finding.before, '"0777"');
    assert.equal(finding.after, '"0700"');
    assert.deepEqual(finding.range.start, positionOf(text, 'file_permission'));
    assert.equal(finding.file, path.join(dir, 'main.tf'));
    assert.match(finding.ruleSource ?? '', /hashicorp\/local v\d+\.\d+\.\d+/);
    assert.ok(finding.fixes?.some((f) => f.kind === 'create-before-destroy'));
  });

  test('state baseline: `${path.module}/test.txt` is evaluated, so an unchanged filename says nothing', async () => {
    const dir = stateModule({ 'main.tf': seedConfiguration('0777') }, seedStateResources());
    assert.deepEqual(await findingsOf(dir), []);
  });

  test('git baseline: the same edit against HEAD', async () => {
    const dir = gitModule({ 'main.tf': seedConfiguration('0777') }, { 'main.tf': seedConfiguration('0700') });
    const findings = await findingsOf(dir);
    assert.deepEqual(
      findings.map((f) => f.code),
      ['terraform/forces-replacement'],
    );
    assert.match(findings[0].message, /^Changing `file_permission` \("0777" → "0700"\) forces replacement of `local_file.example`/);
  });

  test('git baseline from another ref', async () => {
    const dir = gitModule({ 'main.tf': seedConfiguration('0777') }, {});
    writeFiles(dir, { 'main.tf': seedConfiguration('0755') });
    git(dir, 'commit', '-q', '-am', 'second');
    writeFiles(dir, { 'main.tf': seedConfiguration('0700') });
    const head = await findingsOf(dir);
    assert.equal(head[0].before, '"0755"');
    const older = await findingsOf(dir, { ...auto, gitRef: 'HEAD~1' });
    assert.equal(older[0].before, '"0777"');
  });

  test('create_before_destroy changes the consequence, and says what it does to a file of the same path', async () => {
    // Seen for real in the code-server apply: the new file is written, then the old object's
    // destroy deletes the same path (the knowledge base's `identity` of local_file).
    const dir = stateModule({ 'main.tf': seedConfiguration('0700', '  lifecycle {\n    create_before_destroy = true\n  }\n') }, seedStateResources());
    const [finding] = only(await findingsOf(dir), 'terraform/forces-replacement');
    assert.match(
      finding.message,
      /Terraform will create the replacement first, then destroy the old one \(create_before_destroy\), but both have the same `filename`: destroying the old file deletes its path, where the new one has just been written: after the apply the file is gone\.$/,
    );
    assert.equal(finding.fixes, undefined);
  });

  test('the hover warns about create_before_destroy where old and new share their identity; not when the identity itself changes', async () => {
    const [same] = only(await findingsOf(stateModule({ 'main.tf': seedConfiguration('0700') }, seedStateResources())), 'terraform/forces-replacement');
    assert.match(same.detail ?? '', /Careful with create_before_destroy here: the old and the new object have the same `filename`/);
    assert.ok(
      same.fixes?.some((f) => f.kind === 'create-before-destroy'),
      'the fix is still offered: the hover says what it does',
    );
    const renamed = seedConfiguration('0777').replace('${path.module}/test.txt', '${path.module}/other.txt');
    const findings = only(await findingsOf(stateModule({ 'main.tf': renamed }, seedStateResources())), 'terraform/forces-replacement');
    assert.equal(findings[0].attribute, 'filename');
    assert.doesNotMatch(findings[0].detail ?? '', /Careful with create_before_destroy/);
  });

  test('a resource without identity knowledge (random_string) gets no such warning', async () => {
    const dir = stateModule({ 'main.tf': 'resource "random_string" "s" {\n  length = 12\n  lifecycle {\n    create_before_destroy = true\n  }\n}\n' }, [
      { type: 'random_string', name: 's', instances: [{ attributes: { length: 10 } }] },
    ]);
    const [finding] = only(await findingsOf(dir), 'terraform/forces-replacement');
    assert.match(finding.message, /then destroy the old one \(create_before_destroy\)\.$/);
  });

  test('prevent_destroy makes it an error: the plan will fail', async () => {
    const text = seedConfiguration('0700', '  lifecycle {\n    prevent_destroy = true\n  }\n');
    const dir = stateModule({ 'main.tf': text }, seedStateResources());
    const findings = await findingsOf(dir);
    const [blocked] = only(findings, 'terraform/replace-blocked-by-prevent-destroy');
    assert.equal(blocked.severity, 'error');
    assert.match(blocked.message, /Instance cannot be destroyed/);
    assert.deepEqual(blocked.range.start, positionOf(text, 'prevent_destroy'));
  });

  test('ignore_changes hides the attribute, as Terraform does', async () => {
    const dir = stateModule({ 'main.tf': seedConfiguration('0700', '  lifecycle {\n    ignore_changes = [file_permission]\n  }\n') }, seedStateResources());
    assert.deepEqual(await findingsOf(dir), []);
  });
});

describe('values known only at plan time', () => {
  test('a variable without default: may force replacement, and says why', async () => {
    const text = 'variable "mode" {}\nresource "local_file" "example" {\n  content = "x"\n  filename = "./test.txt"\n  file_permission = var.mode\n}\n';
    const dir = gitModule({ 'main.tf': seedConfiguration('0777') }, { 'main.tf': text });
    const [finding] = only(await findingsOf(dir), 'terraform/may-force-replacement');
    assert.equal(finding.severity, 'information');
    assert.match(
      finding.message,
      /may force replacement of `local_file.example`: the new value is known only at plan time: `var.mode` has no value: the plan asks for one\./,
    );
  });

  test('a variable default and terraform.tfvars are evaluated', async () => {
    const text =
      'variable "mode" {\n  default = "0700"\n}\nresource "local_file" "example" {\n  content = "This is a test file."\n  filename = "./test.txt"\n  file_permission = var.mode\n}\n';
    const dir = stateModule({ 'main.tf': text }, seedStateResources());
    const findings = only(await findingsOf(dir), 'terraform/forces-replacement');
    assert.deepEqual(
      findings.map((f) => [f.attribute, f.after]),
      [['file_permission', '"0700"']],
    );
    writeFiles(dir, { 'terraform.tfvars': 'mode = "0777"\n' });
    assert.deepEqual(only(await findingsOf(dir), 'terraform/forces-replacement'), []);
  });

  test('removing a computed attribute that forces replacement: the provider decides', async () => {
    const before = 'resource "random_string" "suffix" {\n  length  = 8\n  numeric = false\n}\n';
    const now = 'resource "random_string" "suffix" {\n  length  = 8\n}\n';
    const dir = gitModule({ 'main.tf': before }, { 'main.tf': now });
    const [finding] = only(await findingsOf(dir), 'terraform/may-force-replacement');
    assert.equal(finding.attribute, 'numeric');
    assert.match(finding.message, /\(false → \(computed by the provider\)\) may force replacement of `random_string.suffix`: it was removed from the configuration/);
  });

  test('an unchanged expression against git says nothing', async () => {
    const text = 'resource "local_file" "example" {\n  content = "x"\n  filename = "./test.txt"\n  file_permission = var.mode\n}\n';
    const dir = gitModule({ 'main.tf': text }, {});
    assert.deepEqual(await findingsOf(dir), []);
  });
});

describe('renames', () => {
  const block = (name: string) => `resource "local_file" "${name}" {\n  content  = "x"\n  filename = "./x.txt"\n}\n`;

  test('a label rename without moved (git)', async () => {
    const text = block('renamed');
    const dir = gitModule({ 'main.tf': block('example') }, { 'main.tf': text });
    const findings = only(await findingsOf(dir), 'terraform/renamed-without-moved');
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /`local_file.renamed` looks like a rename of `local_file.example`/);
    assert.deepEqual(findings[0].range.start, positionOf(text, '"renamed"'));
    const fix = findings[0].fixes?.find((f) => f.kind === 'moved-block');
    assert.ok(fix);
    assert.match(fix.edits[0].newText, /moved \{\n  from = local_file.example\n  to   = local_file.renamed\n\}/);
  });

  test('renaming a database without moved destroys its data: an error', async () => {
    const db = (name: string) => `resource "aws_db_instance" "${name}" {\n  engine         = "postgres"\n  instance_class = "db.t3.micro"\n}\n`;
    const dir = gitModule({ 'main.tf': db('main') }, { 'main.tf': db('primary') });
    const findings = await findingsOf(dir);
    assert.equal(only(findings, 'terraform/renamed-without-moved').length, 1);
    const [stateful] = only(findings, 'terraform/stateful-replacement');
    assert.equal(stateful.severity, 'error');
    assert.match(stateful.message, /^Without a `moved` block, `aws_db_instance.main` is destroyed and `aws_db_instance.primary` created empty: /);
    assert.ok(stateful.fixes?.some((f) => f.kind === 'moved-block'));
  });

  test('a label rename against state', async () => {
    const dir = stateModule({ 'main.tf': block('renamed') }, [
      { type: 'local_file', name: 'example', instances: [{ attributes: { content: 'x', filename: './x.txt' } }] },
    ]);
    assert.equal(only(await findingsOf(dir), 'terraform/renamed-without-moved').length, 1);
  });

  test('a moved block silences it', async () => {
    const dir = gitModule({ 'main.tf': block('example') }, { 'main.tf': `${block('renamed')}\nmoved {\n  from = local_file.example\n  to   = local_file.renamed\n}\n` });
    assert.deepEqual(only(await findingsOf(dir), 'terraform/renamed-without-moved'), []);
  });

  test('count → for_each changes every instance address', async () => {
    const before = 'resource "local_file" "f" {\n  count = 2\n  content = "x"\n  filename = "./f${count.index}"\n}\n';
    const now = 'resource "local_file" "f" {\n  for_each = toset(["a", "b"])\n  content = "x"\n  filename = "./f${each.key}"\n}\n';
    const dir = gitModule({ 'main.tf': before }, { 'main.tf': now });
    const [finding] = only(await findingsOf(dir), 'terraform/renamed-without-moved');
    assert.match(finding.message, /changed from count to for_each/);
    assert.deepEqual(finding.range.start, positionOf(now, 'toset'));
  });

  test('single → count is moved by Terraform itself', async () => {
    const now = 'resource "local_file" "example" {\n  count = 1\n  content  = "x"\n  filename = "./x.txt"\n}\n';
    const dir = gitModule({ 'main.tf': block('example') }, { 'main.tf': now });
    assert.deepEqual(only(await findingsOf(dir), 'terraform/renamed-without-moved'), []);
  });

  test('moved into a module', async () => {
    const dir = gitModule({ 'main.tf': block('example') }, { 'main.tf': 'module "files" {\n  source = "./files"\n}\n', 'files/main.tf': block('example') });
    const [finding] = only(await findingsOf(dir), 'terraform/renamed-without-moved');
    assert.match(finding.message, /module "files" declares the same resource/);
    assert.equal(finding.after, 'module.files.local_file.example');
  });
});

describe('replace_triggered_by', () => {
  test('a target that changes replaces the resource', async () => {
    const mk = (input: string) =>
      `resource "terraform_data" "version" {\n  input = "${input}"\n}\nresource "local_file" "example" {\n  content = "x"\n  filename = "./x.txt"\n  lifecycle {\n    replace_triggered_by = [terraform_data.version]\n  }\n}\n`;
    const dir = gitModule({ 'main.tf': mk('1') }, { 'main.tf': mk('2') });
    const [finding] = only(await findingsOf(dir), 'terraform/replace-triggered-by');
    assert.match(finding.message, /`local_file.example` will be replaced: its `replace_triggered_by` names `terraform_data.version`, which changes/);
  });
});

describe('bad baselines give a clear message', () => {
  test('a state file of an unknown version', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'main.tf': seedConfiguration('0700'), 'terraform.tfstate': JSON.stringify({ version: 3, resources: [] }) });
    const [finding] = only(await findingsOf(dir), 'terraform/baseline-unavailable');
    assert.match(finding.message, /has version 3; only state format version 4/);
    assert.equal(finding.severity, 'warning');
  });

  test('corrupt state JSON', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'main.tf': seedConfiguration('0700'), 'terraform.tfstate': '{"version": 4, "resources": [' });
    const [finding] = only(await findingsOf(dir), 'terraform/baseline-unavailable');
    assert.match(finding.message, /terraform\.tfstate: it is not valid JSON/);
  });

  test('a folder that is not a git repository, without state', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'main.tf': seedConfiguration('0700') });
    const [finding] = only(await findingsOf(dir), 'terraform/baseline-unavailable');
    assert.match(finding.message, /not inside a git repository\. There is no terraform\.tfstate either/);
    assert.equal(finding.severity, 'hint');
  });

  test('a git ref that does not exist', async () => {
    const dir = gitModule({ 'main.tf': seedConfiguration('0777') }, { 'main.tf': seedConfiguration('0700') });
    const [finding] = only(await findingsOf(dir, { ...auto, gitRef: 'no-such-branch' }), 'terraform/baseline-unavailable');
    assert.match(finding.message, /the git ref "no-such-branch" does not exist in this repository/);
    assert.equal(finding.severity, 'warning');
  });

  test('an untrusted workspace runs no git', async () => {
    const dir = gitModule({ 'main.tf': seedConfiguration('0777') }, { 'main.tf': seedConfiguration('0700') });
    const findings = await findingsOf(dir, { ...auto, mayRunProcesses: false });
    assert.deepEqual(
      findings.map((f) => f.code),
      ['terraform/baseline-unavailable'],
    );
    assert.match(findings[0].message, /not trusted, so git is not run/);
  });
});

describe('bad files', () => {
  test('a non-UTF-8 file is reported and the others still analysed', async () => {
    const dir = stateModule({ 'main.tf': seedConfiguration('0700') }, seedStateResources());
    writeFiles(dir, { 'latin1.tf': Buffer.from([0x23, 0x20, 0xe9, 0x74, 0xe9, 0x0a]) });
    const findings = await findingsOf(dir);
    const [problem] = only(findings, 'terraform/file-unreadable');
    assert.match(problem.message, /latin1\.tf is not valid UTF-8 text/);
    assert.equal(only(findings, 'terraform/forces-replacement').length, 1);
  });

  test('a half-typed block still yields findings for the intact one', async () => {
    const dir = stateModule({ 'main.tf': `${seedConfiguration('0700')}\nresource "local_file" "other" {\n  content = \n` }, seedStateResources());
    const findings = await findingsOf(dir);
    assert.equal(only(findings, 'terraform/forces-replacement').length, 1);
    assert.ok(only(findings, 'terraform/syntax-error').length >= 1);
  });
});

describe('what was not checked', () => {
  test("the module's lock file gives the version; the result counts resources checked and not checked", async () => {
    const dir = gitModule(
      {
        'main.tf': `${seedConfiguration('0777')}resource "vault_policy" "web" {\n  ami = "ami-0123"\n}\n`,
        '.terraform.lock.hcl': 'provider "registry.opentofu.org/hashicorp/vault" {\n  version = "5.31.0"\n}\n',
      },
      { 'main.tf': `${seedConfiguration('0700')}resource "vault_policy" "web" {\n  ami = "ami-4567"\n}\n` },
    );
    const result = await analyzer.analyze(dir, auto);
    assert.deepEqual(result.findings.map((f) => f.code).sort(), ['terraform/forces-replacement', 'terraform/not-checked']);
    assert.equal(
      only(result.findings, 'terraform/not-checked')[0].message,
      '1 resource of hashicorp/vault was not checked for replacement: no replacement knowledge for this provider (version 5.31.0, from .terraform.lock.hcl).',
    );
    assert.deepEqual(result.coverage, { checked: 1, withoutKnowledge: 1, withoutBaseline: 0 });
  });

  test('a known type served by another provider gets no replacement finding from the knowledge of the one it shares a name with', async () => {
    const required = 'terraform {\n  required_providers {\n    local = { source = "example/local" }\n  }\n}\n';
    const dir = stateModule({ 'main.tf': required + seedConfiguration('0700') }, seedStateResources());
    const result = await analyzer.analyze(dir, auto);
    assert.deepEqual(
      result.findings.map((f) => f.code),
      ['terraform/not-checked'],
    );
    assert.equal(
      result.findings[0].message,
      '1 resource of example/local was not checked for replacement: no replacement knowledge for this provider (any version: no version constraint, and this folder has no .terraform.lock.hcl).',
    );
  });
});
