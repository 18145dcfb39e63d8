/**
 * Reading manifests: multi-document files, Lists, positions, and bad input — a clear message or
 * nothing, never a crash or a misreport.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as path from 'node:path';
import { KubernetesFileAnalyzer } from '../../core/src/kubernetes/kubernetesFileAnalyzer';
import { MAX_MANIFEST_BYTES } from '../../core/src/kubernetes/manifestAnalysis';
import { parseManifest, rangeOfPath } from '../../core/src/kubernetes/manifestParser';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';
import { analyse, codes, seedDeployment, toYaml } from './kubernetesTestSupport';

after(cleanupTempDirs);

describe('manifest parser', () => {
  test('multi-document files, List kinds and typed lists are flattened; objects need apiVersion and kind', () => {
    const text = [
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n',
      'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: b\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: c\n',
      'apiVersion: apps/v1\nkind: DeploymentList\nitems:\n  - apiVersion: apps/v1\n    kind: Deployment\n    metadata:\n      name: d\n      namespace: prod\n',
      'kind: ConfigMap\nmetadata:\n  name: no-api-version\n',
      'apiVersion: v1\nmetadata:\n  name: no-kind\n',
      '# only a comment\n',
      'just a string\n',
    ].join('---\n');
    const parsed = parseManifest(text);
    assert.deepEqual(parsed.syntaxErrors, []);
    assert.deepEqual(
      parsed.objects.map((o) => [o.kind, o.group, o.identity?.namespace, o.identity?.name]),
      [
        ['Service', '', 'default', 'a'],
        ['ConfigMap', '', 'default', 'b'],
        ['Secret', '', 'default', 'c'],
        ['Deployment', 'apps', 'prod', 'd'],
      ],
    );
  });

  test('cluster-scoped kinds have no namespace', () => {
    const parsed = parseManifest('apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: fast\n  namespace: ignored\n');
    assert.deepEqual(parsed.objects[0].identity, { group: 'storage.k8s.io', kind: 'StorageClass', name: 'fast' });
  });

  test('positions are LSP positions: 0-based lines, UTF-16 columns (an emoji counts two)', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: {"😀": "a", k: "b"}\n';
    const parsed = parseManifest(text);
    const range = rangeOfPath(parsed, parsed.objects[0], ['data', 'k']);
    assert.deepEqual(range.start, { line: 4, character: text.split('\n')[4].indexOf('k:') });
    assert.equal(text.split('\n')[4].indexOf('k:'), 18, 'the emoji is two UTF-16 code units');
  });

  test('a path that no longer exists points at its nearest existing parent', () => {
    const parsed = parseManifest(toYaml(seedDeployment()));
    const range = rangeOfPath(parsed, parsed.objects[0], ['spec', 'strategy', 'rollingUpdate']);
    assert.equal(toYaml(seedDeployment()).split('\n')[range.start.line].trim(), 'spec:');
  });
});

describe('bad input: a clear message or nothing, and no crash', () => {
  test('invalid YAML in a Kubernetes file: a syntax error, and that document is not checked', () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: [3\n';
    const findings = analyse(text, text);
    assert.deepEqual(codes(findings), ['kubernetes/syntax-error']);
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /\(YAML\)\. kubectl cannot read this document, and its objects were not checked\./);
    assert.ok(findings[0].range.start.line >= 5);
  });

  test('invalid YAML that is not Kubernetes: nothing (it is not ours to judge)', () => {
    assert.deepEqual(analyse(undefined, 'name: ci\non: [push\njobs:\n'), []);
  });

  test('duplicate keys: the document is refused, as by the API server decoder', () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\ndata:\n  k: v\n';
    const findings = analyse(text, text);
    assert.deepEqual(codes(findings), ['kubernetes/syntax-error']);
    assert.match(findings[0].message, /unique/i);
    assert.equal(findings[0].range.start.line, 4);
  });

  test('anchors, aliases and merge keys are resolved before comparing', () => {
    const doc = (app: string) =>
      `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: &labels\n    app: ${app}\nspec:\n  selector:\n    matchLabels: *labels\n  template:\n    metadata:\n      labels:\n        <<: *labels\n        tier: front\n    spec:\n      containers:\n        - name: web\n          image: web:1.0.0\n          readinessProbe: {httpGet: {path: /, port: 80}}\n`;
    const findings = analyse(doc('web'), doc('web2'));
    const immutable = findings.find((f) => f.code === 'kubernetes/immutable-field')!;
    assert.match(immutable.message, /Invalid value: \{"matchLabels":\{"app":"web2"\}\}: field is immutable/);
    // The squiggle is on the alias the user sees in the selector, not on the anchor.
    assert.equal(doc('web2').split('\n')[immutable.range.start.line].trim(), 'selector:');
    const rolling = findings.find((f) => f.code === 'kubernetes/rolling-update')!;
    assert.equal(rolling.path, 'spec.template.metadata.labels.app');
  });

  test('an alias bomb is refused with a message, not expanded', () => {
    const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: bomb', 'data:', '  a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `  ${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const findings = analyse(undefined, `${lines.join('\n')}\n`);
    assert.deepEqual(codes(findings), ['kubernetes/syntax-error']);
    assert.match(findings[0].message, /not read: .*alias/i);
  });

  test('YAML that is not Kubernetes, and a document without kind: nothing', () => {
    assert.deepEqual(analyse(undefined, 'services:\n  web:\n    image: nginx:latest\n'), []);
    assert.deepEqual(analyse(undefined, 'apiVersion: apps/v1\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n        - image: nginx\n'), []);
    assert.deepEqual(analyse(undefined, ''), []);
    assert.deepEqual(analyse(undefined, '---\n---\n'), []);
  });

  test('a 10 MB manifest: one warning saying why it was not checked', async () => {
    const dir = tempDir('ii-k8s-big-');
    const one = toYaml(seedDeployment());
    const big = Array.from({ length: Math.ceil((10.2 * 1024 * 1024) / one.length) }, (_, i) => one.replace('nginx-deployment', `web-${i}`)).join('---\n');
    assert.ok(big.length > MAX_MANIFEST_BYTES);
    writeFiles(dir, { 'big.yaml': big, 'big-other.yaml': `items:\n${'  - x\n'.repeat(2_000_000)}` });
    const analyzer = new KubernetesFileAnalyzer();
    const started = Date.now();
    const findings = await analyzer.analyze(path.join(dir, 'big.yaml'), { gitRef: 'HEAD', mayRunProcesses: true });
    assert.ok(Date.now() - started < 2000, 'refused quickly, not parsed');
    assert.deepEqual(codes(findings), ['kubernetes/file-unreadable']);
    assert.match(findings[0].message, /big\.yaml is 10\.\d MB, over the 4 MB limit for analysis: it was not checked/);
    // Large YAML that isn't Kubernetes: nothing.
    assert.deepEqual(await analyzer.analyze(path.join(dir, 'big-other.yaml'), { gitRef: 'HEAD', mayRunProcesses: true }), []);
    // The editor's copy of the same text: the same answer.
    assert.deepEqual(codes(await analyzer.analyze(path.join(dir, 'big.yaml'), { gitRef: 'HEAD', mayRunProcesses: true }, big)), ['kubernetes/file-unreadable']);
  });

  test('a file that is not UTF-8', async () => {
    const dir = tempDir('ii-k8s-latin1-');
    writeFiles(dir, { 'cm.yaml': Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caf\xe9\n', 'latin1') });
    const findings = await new KubernetesFileAnalyzer().analyze(path.join(dir, 'cm.yaml'), { gitRef: 'HEAD', mayRunProcesses: false });
    assert.deepEqual(codes(findings), ['kubernetes/file-unreadable']);
    assert.match(findings[0].message, /not valid UTF-8/);
  });
});

describe('templated files', () => {
  test('a Helm template: one information finding saying why, nothing else', () => {
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include "app.fullname" . }}\nspec:\n  replicas: {{ .Values.replicaCount }}\n  template:\n    spec:\n      containers:\n        - name: app\n          image: "{{ .Values.image.repository }}:latest"\n';
    const findings = analyse(text, text);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].code, 'kubernetes/templated-file');
    assert.equal(findings[0].severity, 'information');
    assert.match(findings[0].message, /is a Helm template \(`\{\{ … \}\}` at line 4\): its Kubernetes objects exist only once it is rendered/);
    assert.equal(findings[0].range.start.line, 3);
  });

  test('template directives that break the YAML: still one templated note, no syntax errors', () => {
    const text = '{{- if .Values.enabled }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: x\n  labels:\n    {{- include "labels" . | nindent 4 }}\n{{- end }}\n';
    assert.deepEqual(codes(analyse(undefined, text)), ['kubernetes/templated-file']);
  });

  test('Go templates as ConfigMap data, and GitHub Actions expressions, are not templated manifests', () => {
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: alerts\ndata:\n  template.tmpl: |\n    {{ define "slack.title" }}{{ .Status }}{{ end }}\n';
    assert.deepEqual(analyse(undefined, configMap), []);
    const workflow = 'name: ci\non: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.sha }}\n';
    assert.deepEqual(analyse(undefined, workflow), []);
  });
});
