/**
 * Kubernetes manifests against a real git baseline (temp repositories made with the real `git`),
 * through the file analyzer and through `immutable-infra check`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { KubernetesFileAnalyzer } from '../../core/src/kubernetes/kubernetesFileAnalyzer';
import { cleanupTempDirs, git, gitModule, tempDir, writeFiles } from '../support/tempModule';
import { codes } from './kubernetesTestSupport';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
/** The seed example as shipped (image nginx:1.23.3); the baseline is the same file at nginx:1.21.6. */
const SEED = readFileSync(path.join(ROOT, 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8');
const SEED_DEPLOYED = SEED.replace('image: nginx:1.23.3', 'image: nginx:1.21.6');

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

after(cleanupTempDirs);

describe('Kubernetes git baseline', () => {
  test('the seed scenario: nginx:1.21.6 at HEAD, nginx:1.23.3 edited → a rolling update of 3 pods', async () => {
    assert.ok(SEED.includes('image: nginx:1.23.3') && SEED_DEPLOYED !== SEED);
    const dir = gitModule({ 'nginx-deployment.yaml': SEED_DEPLOYED }, { 'nginx-deployment.yaml': SEED });
    const findings = await new KubernetesFileAnalyzer().analyze(path.join(dir, 'nginx-deployment.yaml'), { gitRef: 'HEAD', mayRunProcesses: true });
    assert.deepEqual(codes(findings), ['kubernetes/no-readiness-probe', 'kubernetes/rolling-update']);
    const rolling = findings.find((f) => f.code === 'kubernetes/rolling-update')!;
    assert.match(
      rolling.message,
      /Changing `spec\.template\.spec\.containers\[0\]\.image` starts a rolling update of Deployment `nginx-deployment`: 3 pods replaced, at most 4 running and at least 3 available at once \(maxSurge 25% → 1, maxUnavailable 25% → 0\), about 45 s\./,
    );
    assert.deepEqual([rolling.before, rolling.after], ['"nginx:1.21.6"', '"nginx:1.23.3"']);
    assert.equal(SEED.split('\n')[rolling.range.start.line].trim(), 'image: nginx:1.23.3');
  });

  test('--git-ref: compared with a tag instead of HEAD', async () => {
    const dir = gitModule({ 'app.yaml': SEED_DEPLOYED }, {});
    git(dir, 'tag', 'v1');
    writeFiles(dir, { 'app.yaml': SEED });
    git(dir, 'commit', '-qam', 'upgrade');
    const analyzer = new KubernetesFileAnalyzer();
    assert.ok(!codes(await analyzer.analyze(path.join(dir, 'app.yaml'), { gitRef: 'HEAD', mayRunProcesses: true })).includes('kubernetes/rolling-update'));
    assert.ok(codes(await analyzer.analyze(path.join(dir, 'app.yaml'), { gitRef: 'v1', mayRunProcesses: true })).includes('kubernetes/rolling-update'));
  });

  test('a renamed file: the object is found in the folder at the ref', async () => {
    const dir = gitModule({ 'old-name.yaml': SEED_DEPLOYED }, { 'new-name.yml': SEED });
    rmSync(path.join(dir, 'old-name.yaml'));
    const findings = await new KubernetesFileAnalyzer().analyze(path.join(dir, 'new-name.yml'), { gitRef: 'HEAD', mayRunProcesses: true });
    assert.ok(codes(findings).includes('kubernetes/rolling-update'), JSON.stringify(codes(findings)));
  });

  test('untrusted workspace: git is not run, a hint says so, and baseline-free checks still run', async () => {
    const dir = gitModule({ 'app.yaml': SEED_DEPLOYED }, { 'app.yaml': SEED });
    const findings = await new KubernetesFileAnalyzer().analyze(path.join(dir, 'app.yaml'), { gitRef: 'HEAD', mayRunProcesses: false });
    assert.deepEqual(codes(findings), ['kubernetes/baseline-unavailable', 'kubernetes/no-readiness-probe']);
    const hint = findings.find((f) => f.code === 'kubernetes/baseline-unavailable')!;
    assert.equal(hint.severity, 'hint');
    assert.match(hint.message, /not trusted, so git is not run/);
  });
});

describe('immutable-infra check with Kubernetes manifests', () => {
  test('json: the documented shape (docs/cli.md); an immutable-field error exits 1', async () => {
    const dir = gitModule({ 'k8s/web.yaml': SEED_DEPLOYED }, { 'k8s/web.yaml': SEED.replace(/matchLabels:\n(\s+)app: nginx/, 'matchLabels:\n$1app: web') });
    const result = await run(['check', 'k8s', '--format', 'json'], dir);
    assert.equal(result.code, 1, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.equal(json.version, 1);
    const immutable = json.findings.find((f: { code: string }) => f.code === 'kubernetes/immutable-field');
    assert.deepEqual(
      {
        file: immutable.file,
        severity: immutable.severity,
        kind: immutable.kind,
        name: immutable.name,
        path: immutable.path,
        before: immutable.before,
        after: immutable.after,
      },
      {
        file: path.join('k8s', 'web.yaml'),
        severity: 'error',
        kind: 'Deployment',
        name: 'nginx-deployment',
        path: 'spec.selector',
        before: '{"matchLabels":{"app":"nginx"}}',
        after: '{"matchLabels":{"app":"web"}}',
      },
    );
    assert.deepEqual(immutable.range.start, { line: 10, character: 2 });
    assert.match(immutable.message, /The Deployment "nginx-deployment" is invalid: spec\.selector: Invalid value: \{"matchLabels":\{"app":"web"\}\}: field is immutable/);
  });

  test('text and sarif; a YAML file argument; the seed scenario is exit 0', async () => {
    const dir = gitModule({ 'nginx-deployment.yaml': SEED_DEPLOYED, 'ci.yml': 'on: push\n' }, { 'nginx-deployment.yaml': SEED });
    const text = await run(['check'], dir);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^nginx-deployment\.yaml:21:11: information kubernetes\/rolling-update: Changing `spec\.template\.spec\.containers\[0\]\.image`/m);
    assert.match(text.stdout, /2 findings: 1 warning, 1 information\./);
    const sarif = JSON.parse((await run(['check', 'nginx-deployment.yaml', '--format', 'sarif'], dir)).stdout);
    const rules = sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id);
    assert.deepEqual(rules, ['kubernetes/no-readiness-probe', 'kubernetes/rolling-update']);
    const rolling = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'kubernetes/rolling-update');
    assert.equal(rolling.level, 'note');
    assert.deepEqual(rolling.locations[0].physicalLocation.region, { startLine: 21, startColumn: 11, endLine: 21, endColumn: 30 });
  });

  test('--baseline git outside a repository: a warning, one stderr line, exit 2 (nothing compared); auto: a hint, exit 0; not YAML: a usage error', async () => {
    const dir = tempDir('ii-k8s-nogit-');
    writeFiles(dir, { 'app.yaml': SEED, 'notes.txt': 'x' });
    const noGit = await run(['check', 'app.yaml', '--baseline', 'git'], dir);
    assert.equal(noGit.code, 2);
    assert.equal(
      noGit.stderr,
      'immutable-infra: app.yaml: No git baseline for .: the folder is not inside a git repository. Edits to the Kubernetes objects cannot be compared with a deployed version.\n',
    );
    assert.match(noGit.stdout, /^app\.yaml:1:1: warning kubernetes\/baseline-unavailable: No git baseline for .*: the folder is not inside a git repository\./m);
    assert.match(noGit.stdout, /warning kubernetes\/no-readiness-probe/, 'the checks that need no baseline still ran');
    const auto = await run(['check', 'app.yaml'], dir);
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(auto.stdout, /hint kubernetes\/baseline-unavailable/);
    assert.equal(
      auto.stderr,
      'immutable-infra: app.yaml: No git baseline for .: the folder is not inside a git repository. Edits to the Kubernetes objects cannot be compared with a deployed version.\n',
    );
    const wrong = await run(['check', 'notes.txt'], dir);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /not a Terraform file \(\.tf\), a Kubernetes manifest \(\.yaml, \.yml\) or a folder/);
  });
});
