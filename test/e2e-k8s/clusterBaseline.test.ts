/**
 * The live-object baseline (`immutableInfra.kubernetes.baseline: cluster`) with Debian's kubectl
 * against the real kube-apiserver 1.37.2 (test/support/controlPlane.ts): objects applied for real —
 * client-side (the last-applied annotation), server-side (none), created (none, a cluster IP
 * allocated) — compared with edits; RBAC refusing the read; an untrusted workspace; lookups reused
 * while typing; no cluster, no answer, no binary. The server-side dry-run that joins it:
 * clusterDryRun.test.ts.
 *
 * One stand-in remains: "an API server that never answers" is a TCP listener that accepts and
 * stays silent, because a real API server cannot be made to hang on demand here (stopping it
 * refuses connections instead, which the dry-run test covers).
 */
import { strict as assert } from 'node:assert';
import { createServer, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import type { Finding } from '../../common/src/findings';
import { KubernetesFileAnalyzer, type KubernetesAnalysisOptions } from '../../core/src/kubernetes/kubernetesFileAnalyzer';
import { startControlPlane, type ControlPlane } from '../support/controlPlane';
import { recordingKubectl, type RecordingKubectl } from '../support/recordingKubectl';
import { disposeServers } from '../support/serverProcesses';
import { cleanupTempDirs } from '../support/tempModule';
import { clone, seedDeployment } from '../unit/kubernetesTestSupport';

const FILE = '/work/manifests/app.yaml';
const yaml = (...objects: object[]) => objects.map((o) => stringify(o)).join('---\n');

function codesOf(findings: Finding[]): string[] {
  return findings.map((f) => `${f.code} ${f.name ?? ''}`.trim()).sort();
}

function inNamespace(object: Record<string, any>, namespace: string): Record<string, any> {
  const copy = clone(object);
  copy.metadata = { ...copy.metadata, namespace };
  return copy;
}

function apiDeployment(image: string): Record<string, any> {
  const deployment = seedDeployment(image);
  deployment.metadata = { name: 'api', labels: { app: 'api' } };
  deployment.spec.selector.matchLabels = { app: 'api' };
  deployment.spec.template.metadata.labels = { app: 'api' };
  return deployment;
}

const SERVICE = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'nginx' }, ports: [{ name: 'http', port: 80 }] } };
const NEW_CONFIG = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-deployed-yet' }, data: { a: '1' } };

describe('cluster baseline through the real kubectl and API server', () => {
  let plane: ControlPlane;
  let kubectl: RecordingKubectl;
  before(async () => {
    plane = await startControlPlane();
    kubectl = recordingKubectl();
  });
  after(async () => {
    await disposeServers();
    cleanupTempDirs();
  });

  const options = (
    overrides: Partial<NonNullable<KubernetesAnalysisOptions['kubectl']>> = {},
    more: Partial<KubernetesAnalysisOptions> = {},
  ): KubernetesAnalysisOptions => ({
    gitRef: 'HEAD',
    mayRunProcesses: true,
    baseline: 'cluster',
    kubectl: { path: kubectl.path, env: plane.env, ...overrides },
    ...more,
  });

  /** The seed applied client-side, `api` server-side, the Service created: three ways a live object can look. */
  async function deployed(prefix: string): Promise<string> {
    const ns = await plane.namespace(prefix);
    await plane.kubectlOk(['apply', '-f', '-'], yaml(inNamespace(seedDeployment('nginx:1.21.6'), ns)));
    await plane.kubectlOk(['apply', '--server-side', '-f', '-'], yaml(inNamespace(apiDeployment('registry.example.com/api:2.4.1'), ns)));
    await plane.kubectlOk(['create', '-f', '-'], yaml(inNamespace(SERVICE, ns)));
    return ns;
  }

  test('an image edit against the live Deployment: a rolling update; defaults, allocated IPs and new objects give nothing', async () => {
    const ns = await deployed('image');
    const text = yaml(...[seedDeployment('nginx:1.23.3'), apiDeployment('registry.example.com/api:2.4.1'), SERVICE, NEW_CONFIG].map((o) => inNamespace(o, ns)));
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options(), text);
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/rolling-update nginx-deployment']);
    assert.equal(findings[0].before, '"nginx:1.21.6"');
    assert.equal(findings[0].after, '"nginx:1.23.3"');
    const ran = kubectl.invocations();
    assert.ok(ran.includes(`get deployment.apps api nginx-deployment --namespace ${ns} --output json --ignore-not-found --request-timeout=9s`), ran.join('\n'));
    assert.ok(ran.includes(`get configmap not-deployed-yet --namespace ${ns} --output json --ignore-not-found --request-timeout=9s`), ran.join('\n'));
  });

  test('a selector edit against the live Deployment: the immutable-field error, naming the cluster as baseline', async () => {
    const ns = await deployed('selector');
    const edited = inNamespace(seedDeployment(), ns);
    edited.spec.selector.matchLabels = { app: 'nginx', tier: 'web' };
    edited.spec.template.metadata.labels = { app: 'nginx', tier: 'web' };
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options({}, { serverDryRun: false }), yaml(edited));
    const error = findings.find((f) => f.code === 'kubernetes/immutable-field');
    assert.ok(error, codesOf(findings).join(', '));
    assert.equal(error.path, 'spec.selector');
    assert.match(error.detail ?? '', /the live object in the cluster \(`kubectl get`\)/);
  });

  test("RBAC refuses the read: one information finding with the server's words, and no comparison", async () => {
    const ns = await deployed('restricted');
    await plane.kubectlOk(['create', 'serviceaccount', 'nobody', '-n', ns]);
    const token = (await plane.kubectlOk(['create', 'token', 'nobody', '-n', ns])).trim();
    const env = { ...plane.env, KUBECONFIG: plane.writeKubeconfig(`nobody-${ns}`, { token }) };
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options({ env }), yaml(inNamespace(seedDeployment('nginx:1.23.3'), ns)));
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/baseline-unavailable']);
    assert.equal(findings[0].severity, 'information');
    assert.equal(
      findings[0].message,
      'No live baseline for the Kubernetes objects, so edits were not compared with the cluster: `kubectl get deployment.apps` failed: ' +
        `Error from server (Forbidden): deployments.apps "nginx-deployment" is forbidden: User "system:serviceaccount:${ns}:nobody" cannot get resource "deployments" in API group "apps" in the namespace "${ns}"`,
    );
  });

  test('an untrusted workspace never runs kubectl', async () => {
    const seen = kubectl.invocations().length;
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options({}, { mayRunProcesses: false }), yaml(seedDeployment('nginx:1.23.3')));
    assert.equal(kubectl.invocations().length, seen, 'kubectl ran');
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/baseline-unavailable']);
    assert.match(findings[0].message, /not trusted, so kubectl is not run/);
  });

  test('lookups are reused while typing: a second analysis runs no kubectl get', async () => {
    const ns = await deployed('typing');
    const analyzer = new KubernetesFileAnalyzer();
    await analyzer.analyze(FILE, options(), yaml(inNamespace(seedDeployment('nginx:1.23.3'), ns)));
    const seen = kubectl.invocations().length;
    const findings = await analyzer.analyze(FILE, options(), yaml(inNamespace(seedDeployment('nginx:1.23.4'), ns)));
    const since = kubectl.invocations().slice(seen);
    assert.deepEqual(
      since.filter((line) => line.startsWith('get')),
      [],
    );
    // The edited object changed, so the cluster is asked about it once more.
    assert.equal(since.length, 1, since.join('\n'));
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/rolling-update nginx-deployment']);
  });

  test("no cluster: kubectl's connection error, as information", async () => {
    const env = { ...plane.env, KUBECONFIG: plane.writeKubeconfig('refused', { server: 'https://127.0.0.1:1' }) };
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options({ env }), yaml(seedDeployment('nginx:1.23.3')));
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/baseline-unavailable']);
    assert.equal(findings[0].severity, 'information');
    assert.equal(
      findings[0].message,
      'No live baseline for the Kubernetes objects, so edits were not compared with the cluster: `kubectl get deployment.apps` failed: The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?',
    );
  });

  test('an API server that never answers: kubectl is stopped at the timeout, as information', async () => {
    const sockets = new Set<Socket>();
    // Accepts, and never speaks TLS.
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const port = (silent.address() as { port: number }).port;
      const env = { ...plane.env, KUBECONFIG: plane.writeKubeconfig('silent', { server: `https://127.0.0.1:${port}` }) };
      const started = Date.now();
      const findings = await new KubernetesFileAnalyzer().analyze(FILE, options({ env, timeoutMs: 2500 }), yaml(seedDeployment('nginx:1.23.3')));
      assert.ok(Date.now() - started < 6000, `took ${Date.now() - started} ms`);
      assert.deepStrictEqual(codesOf(findings), ['kubernetes/baseline-unavailable']);
      assert.equal(findings[0].severity, 'information');
      assert.equal(
        findings[0].message,
        'No live baseline for the Kubernetes objects, so edits were not compared with the cluster: `kubectl get deployment.apps` did not answer within 2.5 s.',
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('no kubectl binary: says so and names the setting', async () => {
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, options({ path: '/nonexistent/bin/kubectl' }), yaml(seedDeployment('nginx:1.23.3')));
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/baseline-unavailable']);
    assert.equal(
      findings[0].message,
      'No live baseline for the Kubernetes objects, so edits were not compared with the cluster: kubectl could not be started (/nonexistent/bin/kubectl: not found). Set `immutableInfra.kubectl.path`, or use the git baseline.',
    );
  });
});
