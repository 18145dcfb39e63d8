import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { cleanupTempDirs, gitModule, stateModule, tempDir, writeFiles } from '../support/tempModule';
import { runCli as run } from '../support/cli';

const seed = (permission: string) =>
  `resource "local_file" "example" {\n  content         = "This is a test file."\n  filename        = "\${path.module}/test.txt"\n  file_permission = "${permission}"\n}\n`;
const state = [
  { type: 'local_file', name: 'example', instances: [{ attributes: { content: 'This is a test file.', filename: './test.txt', file_permission: '0777' } }] },
];

after(cleanupTempDirs);

describe('immutable-infra check', () => {
  test('text: one line per finding, exit 0 without errors', async () => {
    const dir = stateModule({ 'main.tf': seed('0700') }, state);
    const result = await run(['check'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /^main\.tf:4:3: warning terraform\/forces-replacement: Changing `file_permission` \("0777" → "0700"\) forces replacement of `local_file\.example`/m,
    );
    assert.match(result.stdout, /1 finding: 1 warning\.\nTerraform: 1 resource checked for replacement\.\n$/);
  });

  test('json: the documented contract (docs/cli.md), file relative to the working directory', async () => {
    const dir = stateModule({ 'mod/main.tf': seed('0700') }, undefined);
    writeFiles(dir, {
      'mod/terraform.tfstate': JSON.stringify({
        version: 4,
        resources: [{ mode: 'managed', type: 'local_file', name: 'example', provider: '', instances: [{ attributes: state[0].instances[0].attributes }] }],
      }),
    });
    const result = await run(['check', 'mod', '--format', 'json'], dir);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.version, 1);
    assert.equal(json.findings.length, 1);
    const [f] = json.findings;
    assert.deepEqual(
      { file: f.file, range: f.range, severity: f.severity, code: f.code, address: f.address, attribute: f.attribute, before: f.before, after: f.after },
      {
        file: path.join('mod', 'main.tf'),
        range: { start: { line: 3, character: 2 }, end: { line: 3, character: 26 } },
        severity: 'warning',
        code: 'terraform/forces-replacement',
        address: 'local_file.example',
        attribute: 'file_permission',
        before: '"0777"',
        after: '"0700"',
      },
    );
  });

  test('sarif: 2.1.0 with rules, levels and 1-based regions', async () => {
    const dir = stateModule({ 'main.tf': seed('0700') }, state);
    const result = await run(['check', '.', '--format', 'sarif'], dir);
    assert.equal(result.code, 0, result.stderr);
    const sarif = JSON.parse(result.stdout);
    assert.equal(sarif.version, '2.1.0');
    const [run0] = sarif.runs;
    assert.equal(run0.tool.driver.name, 'immutable-infra');
    assert.deepEqual(
      run0.tool.driver.rules.map((r: { id: string }) => r.id),
      ['terraform/forces-replacement'],
    );
    const [r] = run0.results;
    assert.equal(r.ruleId, 'terraform/forces-replacement');
    assert.equal(r.level, 'warning');
    assert.deepEqual(r.locations[0].physicalLocation.artifactLocation, { uri: 'main.tf', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(r.locations[0].physicalLocation.region, { startLine: 4, startColumn: 3, endLine: 4, endColumn: 27 });
    assert.match(r.partialFingerprints.primaryLocationLineHash, /^[0-9a-f]{8}:1$/);
  });

  test('a module of a provider the knowledge base lacks: what was not checked is said, counted in the summary, and information only (exit 0)', async () => {
    const required = 'terraform {\n  required_providers {\n    vault = {\n      source  = "hashicorp/vault"\n      version = "~> 5.0"\n    }\n  }\n}\n\n';
    const vault = (ami: string, bucket: string, engine: string) =>
      `${required}resource "vault_policy" "web" {\n  ami           = "${ami}"\n  instance_type = "t3.micro"\n}\n\n` +
      `resource "vault_mount" "data" {\n  bucket = "${bucket}"\n}\n\n` +
      `resource "vault_kv_secret_v2" "db" {\n  engine         = "${engine}"\n  instance_class = "db.t3.micro"\n}\n\n` +
      'data "vault_policy_document" "ubuntu" {\n  most_recent = true\n}\n';
    const lock = 'provider "registry.terraform.io/hashicorp/vault" {\n  version     = "5.31.0"\n  constraints = "~> 5.0"\n  hashes = [\n    "h1:abc=",\n  ]\n}\n';
    const dir = gitModule(
      { 'main.tf': vault('ami-0123', 'my-data', 'postgres'), 'files.tf': seed('0777'), '.terraform.lock.hcl': lock },
      { 'main.tf': vault('ami-4567', 'my-data-2', 'mysql'), 'files.tf': seed('0777') },
    );
    const message =
      '3 resources of hashicorp/vault were not checked for replacement: no replacement knowledge for this provider (version 5.31.0, from .terraform.lock.hcl).';
    const text = await run(['check'], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(
      text.stdout,
      `main.tf:10:1: information terraform/not-checked: ${message}\n\n1 finding: 1 information.\n` +
        'Terraform: 1 resource checked for replacement, 3 not checked (no replacement knowledge).\n',
    );
    const json = await run(['check', '--format', 'json'], dir);
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout).findings, [
      {
        file: 'main.tf',
        range: { start: { line: 9, character: 0 }, end: { line: 9, character: 29 } },
        severity: 'information',
        code: 'terraform/not-checked',
        message,
        provider: 'hashicorp/vault',
      },
    ]);
    const sarif = await run(['check', '--format', 'sarif'], dir);
    assert.equal(sarif.code, 0, sarif.stderr);
    const [rule] = JSON.parse(sarif.stdout).runs[0].tool.driver.rules;
    assert.deepEqual(
      { id: rule.id, text: rule.shortDescription.text, level: rule.defaultConfiguration.level },
      {
        id: 'terraform/not-checked',
        text: 'Resources of a provider, or of resource types, that the replacement knowledge base does not describe: their edits were not checked for replacement.',
        level: 'note',
      },
    );
  });

  test('no findings still says how many resources were checked', async () => {
    const dir = stateModule({ 'main.tf': seed('0777') }, state);
    const result = await run(['check'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, 'No findings.\nTerraform: 1 resource checked for replacement.\n');
  });

  test('exit 1 with an error-level finding', async () => {
    const dir = stateModule({ 'main.tf': seed('0700').replace('}\n', '  lifecycle {\n    prevent_destroy = true\n  }\n}\n') }, state);
    const result = await run(['check'], dir);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /terraform\/replace-blocked-by-prevent-destroy/);
  });

  test("a file argument keeps that file's findings; git baseline by flag", async () => {
    const dir = gitModule({ 'main.tf': seed('0777'), 'other.tf': '' }, { 'main.tf': seed('0700') });
    const result = await run(['check', 'other.tf', '--baseline', 'git', '--format', 'json'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout).findings, []);
    const all = await run(['check', '--baseline', 'git', '--format', 'json'], dir);
    assert.equal(JSON.parse(all.stdout).findings[0].code, 'terraform/forces-replacement');
  });

  test('--var-file: its values come after terraform.tfvars, in order, as in the plan', async () => {
    const main =
      'variable "perm" {}\nresource "local_file" "example" {\n  content         = "x"\n  filename        = "${path.module}/x.txt"\n  file_permission = var.perm\n}\n';
    const deployed = [
      { type: 'local_file', name: 'example', instances: [{ attributes: { content: 'x', filename: './x.txt', file_permission: '0777', directory_permission: '0777' } }] },
    ];
    const dir = stateModule({ 'main.tf': main, 'terraform.tfvars': 'perm = "0700"\n', 'prod.tfvars': 'perm = "0777"\n', 'dev.tfvars': 'perm = "0755"\n' }, deployed);
    const codes = async (...args: string[]) =>
      JSON.parse((await run(['check', ...args, '--format', 'json'], dir)).stdout).findings.map((f: { code: string; after?: string }) => [f.code, f.after]);
    assert.deepEqual(await codes(), [['terraform/forces-replacement', '"0700"']]);
    assert.deepEqual(await codes('--var-file', 'prod.tfvars'), []);
    assert.deepEqual(await codes('--var-file=prod.tfvars', '--var-file', 'dev.tfvars'), [['terraform/forces-replacement', '"0755"']]);
  });

  test('usage errors exit 2 with a message on stderr', async () => {
    const dir = tempDir();
    for (const [args, message] of [
      [['check', '--format', 'xml'], /--format must be text, json, sarif or markdown \(got "xml"\)/],
      [['check', 'missing-folder'], /No such file or folder: missing-folder/],
      [['frobnicate'], /Unknown command "frobnicate"/],
      [['check', '--baseline'], /--baseline needs a value/],
      [['check', '--var-file'], /--var-file needs a value/],
    ] as const) {
      const result = await run([...args], dir);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}`);
      assert.match(result.stderr, message);
    }
  });

  test('a git ref that does not exist: a finding and one stderr line; with nothing else to check, exit 2', async () => {
    const dir = gitModule({ 'main.tf': seed('0777') }, { 'main.tf': seed('0700') });
    const result = await run(['check', '--git-ref', 'nope', '--format', 'json'], dir);
    assert.equal(result.code, 2, result.stdout);
    assert.equal(
      result.stderr,
      'immutable-infra: No git baseline for .: the git ref "nope" does not exist in this repository. There is no terraform.tfstate either: nothing to compare edits with.\n',
    );
    const [finding] = JSON.parse(result.stdout).findings;
    assert.deepEqual([finding.file, finding.severity, finding.code], ['main.tf', 'warning', 'terraform/baseline-unavailable']);
    assert.match(finding.message, /the git ref "nope" does not exist in this repository/);
  });

  test('a git ref that does not exist loses nothing else: the module with state and the manifests are still checked', async () => {
    const manifest = (image: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
    const dir = gitModule(
      { 'withstate/main.tf': seed('0777'), 'nostate/main.tf': seed('0777'), 'k8s/web.yaml': manifest('web:1') },
      { 'withstate/main.tf': seed('0700'), 'nostate/main.tf': seed('0700'), 'k8s/web.yaml': manifest('web:2') },
    );
    writeFiles(dir, {
      'withstate/terraform.tfstate': JSON.stringify({
        version: 4,
        resources: [{ mode: 'managed', type: 'local_file', name: 'example', provider: '', instances: [{ attributes: state[0].instances[0].attributes }] }],
      }),
    });
    const result = await run(['check', '--git-ref', 'nope'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^withstate\/main\.tf:4:3: warning terraform\/forces-replacement: Changing `file_permission` \("0777" → "0700"\)/m);
    assert.match(
      result.stdout,
      /^nostate\/main\.tf:1:1: warning terraform\/baseline-unavailable: No git baseline for .*nostate: the git ref "nope" does not exist in this repository\./m,
    );
    assert.match(
      result.stdout,
      /^k8s\/web\.yaml:1:1: warning kubernetes\/baseline-unavailable: No git baseline for .*k8s: the git ref "nope" does not exist in this repository\. Edits to the Kubernetes objects cannot be compared with a deployed version\./m,
    );
    assert.match(result.stdout, /^k8s\/web\.yaml:\d+:\d+: warning kubernetes\/no-readiness-probe/m);
    assert.equal(
      result.stderr,
      'immutable-infra: k8s/web.yaml: No git baseline for k8s: the git ref "nope" does not exist in this repository. Edits to the Kubernetes objects cannot be compared with a deployed version.\n' +
        'immutable-infra: No git baseline for nostate: the git ref "nope" does not exist in this repository. There is no terraform.tfstate either: nothing to compare edits with.\n',
    );
  });

  test('a message that does not name its module gets the module in front on stderr', async () => {
    const dir = gitModule({ 'git/main.tf': seed('0777') }, { 'git/main.tf': seed('0700') });
    const result = await run(['check', '--git-ref', '-x'], dir);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'immutable-infra: git: The git ref "-x" is not valid. There is no terraform.tfstate either: nothing to compare edits with.\n');
    const named = await run(['check', '--git-ref', 'nope'], dir);
    assert.equal(
      named.stderr,
      'immutable-infra: No git baseline for git: the git ref "nope" does not exist in this repository. There is no terraform.tfstate either: nothing to compare edits with.\n',
    );
  });

  test('--baseline state with a corrupt state: the module gets a finding, stderr says why, exit 2 as nothing was compared', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'main.tf': seed('0700'), 'terraform.tfstate': 'not json' });
    const result = await run(['check', '--baseline', 'state'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /^immutable-infra: Cannot read Terraform state terraform\.tfstate: it is not valid JSON \(.*\)\.\n$/);
    assert.match(result.stdout, /^main\.tf:1:1: warning terraform\/baseline-unavailable: Cannot read Terraform state .*terraform\.tfstate: it is not valid JSON/m);
  });

  test('--baseline state: a module without state is reported, one with state is checked, exit 0', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'a/main.tf': seed('0700'),
      'b/main.tf': seed('0700'),
      'b/terraform.tfstate': JSON.stringify({
        version: 4,
        resources: [{ mode: 'managed', type: 'local_file', name: 'example', provider: '', instances: [{ attributes: state[0].instances[0].attributes }] }],
      }),
    });
    const result = await run(['check', '--baseline', 'state'], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^b\/main\.tf:4:3: warning terraform\/forces-replacement/m);
    assert.equal(result.stderr, 'immutable-infra: No baseline: the baseline setting is "state" and a/terraform.tfstate does not exist.\n');
  });

  test('the bundled example: the quick-start finding', async () => {
    const root = path.resolve(__dirname, '..', '..', '..');
    const example = tempDir();
    writeFiles(example, { 'terraform/main.tf': require('node:fs').readFileSync(path.join(root, 'examples', 'terraform', 'main.tf'), 'utf8') });
    writeFiles(example, {
      'terraform/terraform.tfstate': require('node:fs').readFileSync(path.join(root, 'examples', 'terraform', 'baseline', 'terraform.tfstate'), 'utf8'),
    });
    const result = await run(['check', '.'], example);
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stdout,
      /terraform\/main\.tf:\d+:3: warning terraform\/forces-replacement: Changing `file_permission` \("0777" → "0700"\) forces replacement of `local_file\.example`: Terraform will destroy and re-create it\./,
    );
  });
});
