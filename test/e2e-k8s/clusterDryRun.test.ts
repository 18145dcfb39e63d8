/**
 * The cluster baseline's server-side dry-run against the real kube-apiserver 1.37.2 (etcd and the
 * API server on loopback, test/support/controlPlane.ts) with Debian's kubectl: an admission policy
 * rejecting an edit the schema allows, in the server's words; an edit the workspace's CRD calls
 * immutable that the cluster's CRD accepts; an immutable selector edit; nothing written; and the faults —
 * the API server stopped mid-session, no permission to patch, a bad token, a context that does not
 * exist — each in kubectl's words, within the timeout. kubectl runs through a wrapper that records
 * its arguments and then runs the real kubectl (recordingKubectl.ts), so that the tests see every
 * argument list.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import type { Finding } from '../../common/src/findings';
import { DRY_RUN_INTERVAL_MS } from '../../core/src/kubernetes/dryRunSchedule';
import { KubernetesFileAnalyzer, type KubernetesAnalysisOptions } from '../../core/src/kubernetes/kubernetesFileAnalyzer';
import { serverDryRun } from '../../core/src/kubernetes/serverDryRun';
import { CustomResourceRegistry, definitionsInJson } from '../../core/src/kubernetes/customResourceRegistry';
import { certificate, certificateCrd, CRD_GROUP, CRD_NAME } from '../support/certificateCrd';
import { runCli } from '../support/cli';
import { pause, startControlPlane, type ControlPlane } from '../support/controlPlane';
import { recordingKubectl, type RecordingKubectl } from '../support/recordingKubectl';
import { disposeServers } from '../support/serverProcesses';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

const FILE = '/work/manifests/app.yaml';
const TIMEOUT_MS = 6_000;

function deployment(namespace: string, changes: { replicas?: number; image?: string; app?: string } = {}): Record<string, any> {
  const app = changes.app ?? 'web';
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: changes.replicas ?? 3,
      selector: { matchLabels: { app } },
      template: {
        metadata: { labels: { app } },
        spec: { containers: [{ name: 'web', image: changes.image ?? 'registry.example.com/web:1.0.0', readinessProbe: { httpGet: { path: '/', port: 80 } } }] },
      },
    },
  };
}

const yaml = (...objects: object[]) => objects.map((o) => stringify(o)).join('---\n');
const lineOf = (text: string, finding: Finding) => text.split('\n')[finding.range.start.line];

/** A policy that allows at most 5 replicas and images from registry.example.com only, bound to one namespace. */
function admissionPolicy(namespace: string): string {
  const name = `limits-${namespace}`;
  return yaml(
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] }] },
        validations: [
          { expression: 'object.spec.replicas <= 5', message: 'replicas must be no greater than 5' },
          {
            expression: "object.spec.template.spec.containers.all(c, c.image.startsWith('registry.example.com/'))",
            messageExpression: "'images must come from registry.example.com, not ' + object.spec.template.spec.containers[0].image",
          },
        ],
      },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'], matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } } } },
    },
  );
}

describe('the server-side dry-run against kube-apiserver 1.37.2', () => {
  let plane: ControlPlane;
  let recorded: RecordingKubectl;
  let kubectl: string;
  before(async () => {
    plane = await startControlPlane();
    recorded = recordingKubectl();
    kubectl = recorded.path;
  });
  after(async () => {
    await disposeServers();
    cleanupTempDirs();
  });

  const options = (overrides: Partial<KubernetesAnalysisOptions['kubectl']> = {}, more: Partial<KubernetesAnalysisOptions> = {}): KubernetesAnalysisOptions => ({
    gitRef: 'HEAD',
    mayRunProcesses: true,
    baseline: 'cluster',
    kubectl: { path: kubectl, env: plane.env, timeoutMs: TIMEOUT_MS, ...overrides },
    ...more,
  });
  const invocations = () => recorded.invocations();
  const applied = () => invocations().filter((line) => line.startsWith('apply'));

  test("an admission policy rejects what the schema allows: the server's exact words, on the object's name", async () => {
    const ns = await plane.namespace('policy');
    await plane.kubectlOk(['apply', '-f', '-'], yaml(deployment(ns)));
    await plane.kubectlOk(['apply', '-f', '-'], admissionPolicy(ns));
    // A new policy takes effect within about a second: wait until the API server enforces it.
    for (let i = 0; ; i++) {
      const probe = await plane.kubectl(['apply', '--dry-run=server', '-f', '-'], yaml(deployment(ns, { replicas: 6 })));
      if (probe.exitCode !== 0) break;
      if (i > 100) throw new Error('the policy was never enforced');
      await pause(100);
    }
    const text = yaml(deployment(ns, { replicas: 7 }));
    const offline = await new KubernetesFileAnalyzer().analyze(FILE, options({}, { serverDryRun: false }), text);
    assert.deepEqual(
      offline.filter((f) => f.severity === 'error'),
      [],
      'the offline rules see nothing wrong with 7 replicas',
    );
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options(), text);
    const rejected = findings.filter((f) => f.code === 'kubernetes/server-rejected');
    assert.equal(rejected.length, 1, JSON.stringify(findings, null, 2));
    const answer = `The deployments "web" is invalid: : ValidatingAdmissionPolicy 'limits-${ns}' with binding 'limits-${ns}' denied request: replicas must be no greater than 5`;
    assert.equal(rejected[0].message, `The cluster rejects this edit of Deployment \`web\` (server-side dry-run): \`${answer}\`.`);
    assert.equal(rejected[0].severity, 'error');
    assert.equal(lineOf(text, rejected[0]), '  name: web');
    assert.match(rejected[0].detail!, /\*\*The cluster answered\*\*/);

    const image = await new KubernetesFileAnalyzer().analyze(FILE, options(), yaml(deployment(ns, { image: 'nginx:1.25.0' })));
    assert.match(
      image.find((f) => f.code === 'kubernetes/server-rejected')?.message ?? JSON.stringify(image),
      new RegExp(`denied request: images must come from registry\\.example\\.com, not nginx:1\\.25\\.0\`\\.$`),
    );
    // Nothing was written.
    const live = JSON.parse(await plane.kubectlOk(['get', 'deployment', 'web', '-n', ns, '-o', 'json'])) as { spec: { replicas: number } };
    assert.equal(live.spec.replicas, 3);
  });

  test("an edit the workspace's CRD calls immutable that the cluster's CRD allows: the finding becomes a hint that says so", async () => {
    // The workspace holds the operator's CRD as it was; the cluster runs a newer one that lets
    // secretName change. The offline rule reads the former, the server answers with the latter.
    const workspaceCrd = certificateCrd();
    const clusterCrd = certificateCrd();
    delete clusterCrd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.secretName['x-kubernetes-validations'];
    await plane.kubectlOk(['apply', '-f', '-'], yaml(clusterCrd));
    await plane.kubectlOk(['wait', '--for=condition=Established', `customresourcedefinition/${CRD_NAME}`, '--timeout=30s']);
    const ns = await plane.namespace('accept');
    await plane.kubectlOk(['apply', '-f', '-'], yaml(certificate('web-tls', ns)));
    const edited = certificate('web-tls', ns);
    edited.spec.secretName = 'web-tls-2';
    const text = yaml(edited);
    const customResources = new CustomResourceRegistry(definitionsInJson(workspaceCrd, 'crds/certificate.yaml').definitions);
    const offline = await new KubernetesFileAnalyzer().analyze(FILE, options({}, { serverDryRun: false, customResources }), text);
    const rule = offline.find((f) => f.code === 'kubernetes/immutable-field' && f.path === 'spec.secretName');
    assert.ok(rule, `the workspace CRD's rule flags secretName: ${JSON.stringify(offline)}`);
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options({}, { customResources }), text);
    assert.deepEqual(
      findings.filter((f) => f.code === 'kubernetes/immutable-field'),
      [],
    );
    const hint = findings.find((f) => f.code === 'kubernetes/server-accepted');
    assert.ok(hint, JSON.stringify(findings));
    assert.equal(hint.severity, 'hint');
    assert.deepEqual(hint.range, rule.range);
    assert.equal(
      hint.message,
      'The cluster accepts this edit of `spec.secretName` of Certificate `web-tls` (server-side dry-run), although the offline rule calls the field immutable: ' +
        'the API server this cluster runs allows the change, so kubectl apply will not fail on it.',
    );
    assert.ok(hint.detail!.includes(rule.message));
    const live = JSON.parse(await plane.kubectlOk(['get', `certificates.${CRD_GROUP}`, 'web-tls', '-n', ns, '-o', 'json'])) as { spec: { secretName: string } };
    assert.equal(live.spec.secretName, 'web-tls', 'the dry-run wrote nothing');
  });

  test("an immutable selector edit: one finding, the server's message, where the offline rule points; both objects of a namespace in one kubectl", async () => {
    const ns = await plane.namespace('selector');
    const api = (replicas: number) => {
      const object = deployment(ns, { replicas });
      object.metadata.name = 'api';
      return object;
    };
    await plane.kubectlOk(['apply', '-f', '-'], yaml(deployment(ns), api(3)));
    const before = applied().length;
    const text = yaml(deployment(ns, { app: 'front' }), api(4));
    const offline = await new KubernetesFileAnalyzer().analyze(FILE, options({}, { serverDryRun: false }), text);
    const rule = offline.find((f) => f.code === 'kubernetes/immutable-field');
    assert.ok(rule, JSON.stringify(offline));
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options(), text);
    assert.deepEqual(
      findings.filter((f) => f.code === 'kubernetes/immutable-field'),
      [],
    );
    const rejected = findings.filter((f) => f.code === 'kubernetes/server-rejected');
    assert.equal(rejected.length, 1, JSON.stringify(findings, null, 2));
    const answer = 'The Deployment "web" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"front"}}: field is immutable';
    assert.equal(
      rejected[0].message,
      `The cluster rejects this edit of Deployment \`web\` (server-side dry-run): \`${answer}\`. Applying it means deleting and re-creating the Deployment: all its pods go down at once.`,
    );
    assert.deepEqual(rejected[0].range, rule.range);
    assert.match(rejected[0].detail!, /\*\*The offline rule agrees:\*\*/);
    const runs = applied().slice(before);
    assert.deepEqual(runs, [`apply --dry-run=server --filename - --output name --namespace ${ns} --request-timeout=5s`]);
  });

  test('the command line gets it too: check --kubernetes-baseline cluster', async () => {
    const ns = await plane.namespace('cli');
    await plane.kubectlOk(['apply', '-f', '-'], yaml(deployment(ns)));
    const dir = tempDir('ii-cli-');
    writeFileSync(path.join(dir, 'app.yaml'), yaml(deployment(ns, { app: 'front' })));
    const run = await runCli(['check', '--kubernetes-baseline', 'cluster', '--kubectl', kubectl, '--format', 'json', 'app.yaml'], dir, { ...process.env, ...plane.env });
    assert.equal(run.code, 1, run.stderr);
    const { findings } = JSON.parse(run.stdout) as { findings: Finding[] };
    const rejected = findings.find((f) => f.code === 'kubernetes/server-rejected');
    assert.ok(rejected, run.stdout);
    assert.match(rejected.message, /`The Deployment "web" is invalid: spec\.selector: Invalid value: \{"matchLabels":\{"app":"front"\}\}: field is immutable`/);
  });

  test("no permission to patch: the offline findings stay, with the server's refusal as a note", async () => {
    const ns = await plane.namespace('reader');
    await plane.kubectlOk(['apply', '-f', '-'], yaml(deployment(ns)));
    await plane.kubectlOk(['create', 'serviceaccount', 'reader', '-n', ns]);
    await plane.kubectlOk(['create', 'role', 'reader', '-n', ns, '--verb=get,list', '--resource=deployments.apps']);
    await plane.kubectlOk(['create', 'rolebinding', 'reader', '-n', ns, '--role=reader', `--serviceaccount=${ns}:reader`]);
    const token = (await plane.kubectlOk(['create', 'token', 'reader', '-n', ns])).trim();
    const env = { ...plane.env, KUBECONFIG: plane.writeKubeconfig(`reader-${ns}`, { token }) };
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options({ env }), yaml(deployment(ns, { app: 'front' })));
    assert.ok(
      findings.some((f) => f.code === 'kubernetes/immutable-field'),
      JSON.stringify(findings),
    );
    const note = findings.find((f) => f.code === 'kubernetes/baseline-unavailable');
    assert.equal(note?.severity, 'information');
    assert.equal(
      note.message,
      "No server-side dry-run, so the cluster's own checks (admission policies, webhooks, quota) were not asked and only the offline rules were applied: " +
        `deployments.apps "web" is forbidden: User "system:serviceaccount:${ns}:reader" cannot patch resource "deployments" in API group "apps" in the namespace "${ns}"`,
    );
  });

  test("a bad token: kubectl's words, for the lookup and for the dry-run", async () => {
    const ns = await plane.namespace('token');
    await plane.kubectlOk(['apply', '-f', '-'], yaml(deployment(ns)));
    const env = { ...plane.env, KUBECONFIG: plane.writeKubeconfig('bad', { token: 'wrong' }) };
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options({ env }), yaml(deployment(ns, { image: 'registry.example.com/web:1.0.1' })));
    assert.deepEqual(
      findings.map((f) => f.code),
      ['kubernetes/baseline-unavailable'],
    );
    assert.equal(
      findings[0].message,
      'No live baseline for the Kubernetes objects, so edits were not compared with the cluster: `kubectl get deployment.apps` failed: error: You must be logged in to the server (Unauthorized)',
    );
    const verdicts = await serverDryRun([{ key: 'web', kind: 'Deployment', group: 'apps', name: 'web', namespace: ns, value: deployment(ns) }], {
      path: kubectl,
      env,
      timeoutMs: TIMEOUT_MS,
    });
    const verdict = verdicts.get('web');
    assert.equal(verdict?.outcome, 'unavailable');
    assert.match(
      verdict.reason,
      /^error: error validating "STDIN": error validating data: (failed to download openapi: )?the server has asked for the client to provide credentials;/,
    );
  });

  test("a context that does not exist: kubectl's words", async () => {
    const env = { ...plane.env, KUBECONFIG: plane.writeKubeconfig('nocontext', { context: 'missing' }) };
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options({ env }), yaml(deployment('default')));
    assert.deepEqual(
      findings.map((f) => f.message),
      [
        'No live baseline for the Kubernetes objects, so edits were not compared with the cluster: `kubectl get deployment.apps` failed: Error in configuration: context was not found for specified context: missing',
      ],
    );
    const verdicts = await serverDryRun([{ key: 'web', kind: 'Deployment', group: 'apps', name: 'web', namespace: 'default', value: deployment('default') }], {
      path: kubectl,
      env,
      timeoutMs: TIMEOUT_MS,
    });
    assert.deepEqual(verdicts.get('web'), { outcome: 'unavailable', reason: 'Error in configuration: context was not found for specified context: missing' });
  });

  test('the API server stopped mid-session: the note in kubectl words, within the timeout, the offline findings kept', async () => {
    const ns = await plane.namespace('stop');
    await plane.kubectlOk(['apply', '-f', '-'], yaml(deployment(ns)));
    const analyzer = new KubernetesFileAnalyzer();
    const first = await analyzer.analyze(FILE, options(), yaml(deployment(ns, { app: 'front' })));
    assert.ok(
      first.some((f) => f.code === 'kubernetes/server-rejected'),
      JSON.stringify(first),
    );
    await pause(DRY_RUN_INTERVAL_MS);
    await plane.stopApiServer();
    try {
      const started = Date.now();
      // The live lookup is still cached; the dry-run of the new edit meets a stopped server.
      const findings = await analyzer.analyze(FILE, options(), yaml(deployment(ns, { app: 'back' })));
      const took = Date.now() - started;
      assert.ok(took < TIMEOUT_MS, `took ${took} ms`);
      assert.ok(
        findings.some((f) => f.code === 'kubernetes/immutable-field'),
        JSON.stringify(findings),
      );
      const note = findings.find((f) => f.code === 'kubernetes/baseline-unavailable');
      const port = new URL(plane.server).port;
      assert.match(
        note?.message ?? JSON.stringify(findings),
        new RegExp(
          `^No server-side dry-run, so the cluster's own checks \\(admission policies, webhooks, quota\\) were not asked and only the offline rules were applied: ` +
            `error: error validating "STDIN": error validating data: (failed to download openapi: )?Get "https://127\\.0\\.0\\.1:${port}/openapi/v2\\?timeout=5s": dial tcp 127\\.0\\.0\\.1:${port}: connect: connection refused`,
        ),
      );
      // A new session: the lookup itself meets the stopped server.
      const fresh = await new KubernetesFileAnalyzer().analyze(FILE, options(), yaml(deployment(ns, { app: 'back' })));
      assert.deepEqual(
        fresh.map((f) => f.message),
        [
          `No live baseline for the Kubernetes objects, so edits were not compared with the cluster: \`kubectl get deployment.apps\` failed: The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?`,
        ],
      );
    } finally {
      await plane.startApiServer();
    }
    // Every kubectl this file's analyses ran was a read or a server-side dry-run.
    assert.ok(invocations().length > 10);
    for (const line of invocations()) assert.match(line, /^(get |apply --dry-run=server )/);
  });
});
