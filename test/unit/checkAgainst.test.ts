/**
 * `check --against PATH` and the analyzers' files baseline: the deployed version in a file or
 * folder instead of git. Kubernetes objects are matched by identity across the files under PATH,
 * Terraform modules by folder. The temp folders are no git repositories, so nothing here can come
 * from git.
 */
import assert from 'node:assert/strict';
import { utimesSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { normalizeSettings } from '../../common/src/settings';
import { KubernetesFileAnalyzer } from '../../core/src/kubernetes/kubernetesFileAnalyzer';
import type { DeployedVersion } from '../../core/src/io/deployedVersion';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';
import { codes } from './kubernetesTestSupport';
import { runCli as run } from '../support/cli';

const deployment = (name: string, image: string, app = name) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: ${app}\n  template:\n    metadata:\n      labels:\n        app: ${app}\n    spec:\n      containers:\n        - name: web\n          image: ${image}\n`;
const seed = (permission: string) =>
  `resource "local_file" "example" {\n  content         = "This is a test file."\n  filename        = "\${path.module}/test.txt"\n  file_permission = "${permission}"\n}\n`;
const stateOf = (permission: string) =>
  JSON.stringify({
    version: 4,
    resources: [
      {
        mode: 'managed',
        type: 'local_file',
        name: 'example',
        provider: '',
        instances: [{ attributes: { content: 'This is a test file.', filename: './test.txt', file_permission: permission } }],
      },
    ],
  });

type JsonFinding = { file: string; code: string; severity: string; message: string; before?: string; after?: string };
const json = (stdout: string): JsonFinding[] => JSON.parse(stdout).findings;

after(cleanupTempDirs);

describe('check --against: usage', () => {
  test('with --baseline git, with --git-ref, or a path that does not exist: usage errors', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'deployed/app.yaml': deployment('web', 'web:1.0.1'), 'app.yaml': deployment('web', 'web:1.0.2') });
    for (const [args, message] of [
      [['--against', 'deployed', '--baseline', 'git'], '--against PATH takes the place of git as the baseline: it cannot be combined with --baseline git.'],
      [['--against', 'deployed', '--git-ref', 'v1'], '--against PATH takes the place of git as the baseline: it cannot be combined with --git-ref.'],
      [['--against', 'nowhere'], '--against nowhere: no such file or folder.'],
      [['--against'], '--against needs a value.'],
    ] as const) {
      const result = await run(['check', 'app.yaml', ...args], dir);
      assert.equal(result.code, 2, args.join(' '));
      assert.equal(result.stderr, `immutable-infra: ${message}\n`);
      assert.equal(result.stdout, '');
    }
  });
});

describe('check --against: Kubernetes objects by identity', () => {
  test('a folder: objects are found in whichever file holds them; the folder itself is not checked', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      // Deployed: both Deployments in one rendered file; checked: one file each, and a new one.
      'deployed/all.yaml': `${deployment('web', 'web:1.0.1')}---\n${deployment('api', 'api:1.0.1')}`,
      'web.yaml': deployment('web', 'web:1.0.2'),
      'api.yml': deployment('api', 'api:1.0.1', 'api-v2'),
      'new.yaml': deployment('batch', 'batch:1.0.1'),
    });
    const result = await run(['check', '.', '--against', 'deployed', '--format', 'json'], dir);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(result.stderr, '');
    const findings = json(result.stdout);
    assert.ok(
      findings.every((f) => !f.file.startsWith('deployed')),
      'the deployed tree is the baseline, not a target',
    );
    const rolling = findings.find((f) => f.file === 'web.yaml' && f.code === 'kubernetes/rolling-update');
    assert.deepEqual([rolling?.before, rolling?.after], ['"web:1.0.1"', '"web:1.0.2"']);
    const immutable = findings.find((f) => f.file === 'api.yml' && f.code === 'kubernetes/immutable-field');
    assert.equal(immutable?.severity, 'error');
    // Not in the deployed version: a new object, so nothing to compare (as with git).
    assert.deepEqual(codes(findings.filter((f) => f.file === 'new.yaml') as never), ['kubernetes/no-readiness-probe']);
  });

  test('an identity deployed twice: the counterpart file wins, else the first file in path order; hovers name the file', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'deployed/a.yaml': deployment('web', 'web:1.0.1'),
      'deployed/b/web.yaml': deployment('web', 'web:1.0.1', 'other'),
      'live/b/web.yaml': deployment('web', 'web:1.0.1', 'web'),
      'live/c.yaml': deployment('web', 'web:1.0.1', 'web'),
    });
    const analyzer = new KubernetesFileAnalyzer();
    const deployed: DeployedVersion = { path: path.join(dir, 'deployed'), root: path.join(dir, 'live'), display: 'deployed', origin: '--against deployed' };
    // live/b/web.yaml's counterpart deployed/b/web.yaml has selector app: other → an immutable-field error.
    const counterpart = await analyzer.analyze(path.join(dir, 'live', 'b', 'web.yaml'), { gitRef: 'HEAD', mayRunProcesses: false, deployed });
    const immutable = counterpart.find((f) => f.code === 'kubernetes/immutable-field');
    assert.ok(immutable, JSON.stringify(codes(counterpart)));
    assert.match(immutable.detail ?? '', /\*\*Baseline:\*\* the deployed version in deployed\/b\/web\.yaml: /);
    // live/c.yaml has no counterpart: deployed/a.yaml comes first, and it matches.
    const first = await analyzer.analyze(path.join(dir, 'live', 'c.yaml'), { gitRef: 'HEAD', mayRunProcesses: false, deployed });
    assert.deepEqual(codes(first), ['kubernetes/no-readiness-probe']);
  });

  test('a single deployed file; in the editor its change is seen after the relisting interval, in the CLI never within a run', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'v1.yaml': deployment('web', 'web:1.0.1'), 'v2.yaml': deployment('web', 'web:1.0.2') });
    const deployed: DeployedVersion = { path: path.join(dir, 'v1.yaml'), root: dir, display: 'v1.yaml', origin: '--against v1.yaml' };
    const editor = new KubernetesFileAnalyzer(0);
    const cli = new KubernetesFileAnalyzer(Infinity);
    const options = { gitRef: 'HEAD', mayRunProcesses: false, deployed };
    const v2 = path.join(dir, 'v2.yaml');
    assert.ok(codes(await editor.analyze(v2, options)).includes('kubernetes/rolling-update'));
    assert.ok(codes(await cli.analyze(v2, options)).includes('kubernetes/rolling-update'));
    writeFiles(dir, { 'v1.yaml': deployment('web', 'web:1.0.2') });
    utimesSync(path.join(dir, 'v1.yaml'), new Date(), new Date(Date.now() + 5000));
    assert.ok(!codes(await editor.analyze(v2, options)).includes('kubernetes/rolling-update'));
    assert.ok(codes(await cli.analyze(v2, options)).includes('kubernetes/rolling-update'));
  });

  test('a deployed folder without Kubernetes objects: a warning per file, and exit 2 when that is all there is', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'deployed/ci.yml': 'on: push\n', 'app/web.yaml': deployment('web', 'web:1.0.2') });
    const result = await run(['check', 'app', '--against', 'deployed'], dir);
    assert.equal(result.code, 2);
    assert.match(
      result.stdout,
      /^app\/web\.yaml:1:1: warning kubernetes\/baseline-unavailable: --against deployed holds no Kubernetes objects\. Edits to the Kubernetes objects cannot be compared with a deployed version\./m,
    );
    assert.equal(
      result.stderr,
      'immutable-infra: app/web.yaml: --against deployed holds no Kubernetes objects. Edits to the Kubernetes objects cannot be compared with a deployed version.\n',
    );
  });

  test('a deployed file that cannot be read in full: an object not found is checked as new, and the note names the file and why', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'deployed/web.yaml': deployment('web', 'web:1.0.1'),
      'deployed/api.yaml': `${deployment('api', 'api:1.0.1')}  bad: [unclosed\n`,
      'app/web.yaml': deployment('web', 'web:1.0.2'),
      'app/batch.yaml': deployment('batch', 'batch:1.0.2'),
    });
    writeFileSync(path.join(dir, 'deployed', 'latin1.yaml'), Buffer.from('kind: ConfigMap\nmetadata:\n  name: caf\xe9\n', 'latin1'));
    const result = await run(['check', 'app', '--against', 'deployed', '--format', 'json'], dir);
    assert.equal(result.code, 0, result.stderr);
    const findings = json(result.stdout);
    // Found: compared, and no note.
    assert.ok(findings.some((f) => f.file === 'app/web.yaml' && f.code === 'kubernetes/rolling-update'));
    assert.deepEqual(
      findings.filter((f) => f.file === 'app/web.yaml' && f.code === 'kubernetes/baseline-unavailable'),
      [],
    );
    const note = findings.find((f) => f.file === 'app/batch.yaml' && f.code === 'kubernetes/baseline-unavailable');
    assert.equal(note?.severity, 'information');
    assert.match(
      note?.message ?? '',
      /^Deployment `batch` is not in --against deployed, so it is checked as new; but 2 files there could not be read in full and may hold it: deployed\/api\.yaml \(a YAML syntax error on line 19: .+\); deployed\/latin1\.yaml \(not valid UTF-8\)\.$/,
    );
    assert.equal(result.stderr, 'immutable-infra: app/batch.yaml: ' + note?.message + '\n');
  });

  test('a deployed folder whose only manifest cannot be read: the warning says why', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'app/web.yaml': deployment('web', 'web:1.0.2') });
    writeFiles(dir, { 'deployed/web.yaml': '' });
    writeFileSync(path.join(dir, 'deployed', 'web.yaml'), Buffer.from([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xff, 0x0a]));
    const result = await run(['check', 'app', '--against', 'deployed'], dir);
    assert.equal(result.code, 2);
    assert.equal(
      result.stderr,
      'immutable-infra: app/web.yaml: --against deployed holds no Kubernetes objects that could be read: deployed/web.yaml (not valid UTF-8). Edits to the Kubernetes objects cannot be compared with a deployed version.\n',
    );
  });

  test('an againstPath that does not exist (the editor): a warning on the file', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'web.yaml': deployment('web', 'web:1.0.2') });
    const deployed: DeployedVersion = { path: path.join(dir, 'gone'), root: dir, display: 'gone', origin: 'immutableInfra.againstPath "gone"' };
    const findings = await new KubernetesFileAnalyzer().analyze(path.join(dir, 'web.yaml'), { gitRef: 'HEAD', mayRunProcesses: false, deployed });
    const problem = findings.find((f) => f.code === 'kubernetes/baseline-unavailable');
    assert.equal(problem?.severity, 'warning');
    assert.equal(problem?.message, 'immutableInfra.againstPath "gone" does not exist. Edits to the Kubernetes objects cannot be compared with a deployed version.');
  });
});

describe('check --against: Terraform modules by folder', () => {
  let analyzer: TerraformModuleAnalyzer;
  before(async () => {
    analyzer = new TerraformModuleAnalyzer(await HclParser.create(), new ReplacementKnowledgeBase());
  });

  test('counterpart folders; a missing one is reported; state still wins in auto', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'live/a/main.tf': seed('0700'),
      'deployed/a/main.tf': seed('0777'),
      'live/b/main.tf': seed('0700'),
      'live/c/main.tf': seed('0700'),
      'live/c/terraform.tfstate': stateOf('0600'),
      'deployed/c/main.tf': seed('0700'),
    });
    const result = await run(['check', 'live', '--against', 'deployed', '--format', 'json'], dir);
    assert.equal(result.code, 0, result.stderr);
    const byFile = (file: string) => json(result.stdout).filter((f) => f.file === path.join('live', file, 'main.tf'));
    assert.deepEqual(
      byFile('a').map((f) => [f.code, f.before, f.after]),
      [['terraform/forces-replacement', '"0777"', '"0700"']],
    );
    assert.deepEqual(
      byFile('b').map((f) => [f.severity, f.code, f.message]),
      [['warning', 'terraform/baseline-unavailable', `--against deployed holds no deployed version of ${path.join(dir, 'live', 'b')}: no deployed/b folder.`]],
    );
    assert.deepEqual(
      byFile('c').map((f) => [f.code, f.before]),
      [['terraform/forces-replacement', '"0600"']],
    );
    assert.equal(result.stderr, 'immutable-infra: --against deployed holds no deployed version of live/b: no deployed/b folder.\n');
  });

  test('the checked argument is itself a module folder: PATH is its counterpart, with its own tfvars; hovers name it', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'live/main.tf':
        'variable "mode" {}\nresource "local_file" "example" {\n  content         = "x"\n  filename        = "${path.module}/x.txt"\n  file_permission = var.mode\n}\n',
      'live/terraform.tfvars': 'mode = "0700"\n',
      'v1/main.tf':
        'variable "mode" {}\nresource "local_file" "example" {\n  content         = "x"\n  filename        = "${path.module}/x.txt"\n  file_permission = var.mode\n}\n',
      'v1/terraform.tfvars': 'mode = "0777"\n',
    });
    const deployed: DeployedVersion = { path: path.join(dir, 'v1'), root: path.join(dir, 'live'), display: 'v1', origin: '--against v1' };
    const result = await analyzer.analyze(path.join(dir, 'live'), { baseline: 'auto', gitRef: 'HEAD', mayRunProcesses: false, deployed });
    assert.equal(result.baselineDescription, 'the deployed version in v1');
    const [finding] = result.findings;
    assert.deepEqual([finding?.code, finding?.before, finding?.after], ['terraform/forces-replacement', '"0777"', '"0700"']);
    assert.match(finding.detail ?? '', /Baseline \(the deployed version in v1\): `"0777"`/);
    const cli = await run(['check', 'live', '--against', 'v1', '--format', 'json'], dir);
    // At the attribute, and on the tfvars line the new value comes from (it differs from v1's).
    assert.deepEqual(
      json(cli.stdout).map((f) => [f.code, f.file]),
      [
        ['terraform/forces-replacement', path.join('live', 'main.tf')],
        ['terraform/forces-replacement', path.join('live', 'terraform.tfvars')],
      ],
    );
  });

  test('against a file, and --baseline state: modules without state are reported; exit 2 when nothing was compared', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'mod/main.tf': seed('0700'), 'v1.yaml': deployment('web', 'web:1.0.1') });
    const file = await run(['check', 'mod', '--against', 'v1.yaml'], dir);
    assert.equal(file.code, 2);
    assert.equal(file.stderr, 'immutable-infra: --against v1.yaml holds no deployed version of mod: v1.yaml is a file, and Terraform modules are matched by folder.\n');
    writeFiles(dir, { 'deployed/mod/main.tf': seed('0777') });
    const state = await run(['check', 'mod', '--against', 'deployed', '--baseline', 'state'], dir);
    assert.equal(state.code, 2);
    assert.match(state.stderr, /^immutable-infra: No baseline: the baseline setting is "state" and mod\/terraform\.tfstate does not exist\.\n$/);
  });

  test('untrusted (no git run): the files baseline still works', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'live/main.tf': seed('0700'), 'deployed/main.tf': seed('0777') });
    const deployed: DeployedVersion = {
      path: path.join(dir, 'deployed'),
      root: path.join(dir, 'live'),
      display: 'deployed',
      origin: 'immutableInfra.againstPath "deployed"',
    };
    const result = await analyzer.analyze(path.join(dir, 'live'), { baseline: 'auto', gitRef: 'HEAD', mayRunProcesses: false, deployed });
    assert.deepEqual(
      result.findings.map((f) => f.code),
      ['terraform/forces-replacement'],
    );
    const empty = tempDir();
    writeFiles(empty, { 'live/main.tf': seed('0700'), 'deployed/README.md': 'nothing here' });
    const none = await analyzer.analyze(path.join(empty, 'live'), {
      baseline: 'auto',
      gitRef: 'HEAD',
      mayRunProcesses: false,
      deployed: { ...deployed, path: path.join(empty, 'deployed'), root: path.join(empty, 'live') },
    });
    assert.deepEqual(
      none.findings.map((f) => [f.severity, f.message]),
      [['warning', `immutableInfra.againstPath "deployed" holds no deployed version of ${path.join(empty, 'live')}: no .tf files in deployed.`]],
    );
  });
});

describe('the againstPath setting', () => {
  test('normalised: trimmed; empty for anything that is not a one-line string', () => {
    assert.equal(normalizeSettings({}).againstPath, '');
    assert.equal(normalizeSettings({ againstPath: '  deployed/prod ' }).againstPath, 'deployed/prod');
    assert.equal(normalizeSettings({ againstPath: '/srv/deployed' }).againstPath, '/srv/deployed');
    for (const bad of [42, null, ['a'], 'a\nb', 'a\0b']) assert.equal(normalizeSettings({ againstPath: bad }).againstPath, '', JSON.stringify(bad));
  });
});
