/**
 * The live-object baseline (`immutableInfra.kubernetes.baseline: cluster`) with the real kubectl
 * (Debian's `kubectl` / `kubernetes-client` package on PATH, or $KUBECTL). No Kubernetes API server
 * can run on these machines, so kubectl talks to test/support/recordedApiServer.ts, which answers
 * with responses in the API server's shapes: the one test double is where the real thing cannot
 * run. The no-cluster and missing-binary cases need no double at all.
 */
import { strict as assert } from 'node:assert';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Finding } from '../../common/src/findings';
import { normalizeSettings } from '../../common/src/settings';
import { kubectlGetArguments } from '../../core/src/kubernetes/kubectlBaseline';
import { KubernetesFileAnalyzer, type KubernetesAnalysisOptions } from '../../core/src/kubernetes/kubernetesFileAnalyzer';
import { fieldsSetBy } from '../../core/src/kubernetes/liveBaseline';
import { findKubectl, kubeconfigFor, startRecordedApiServer, type RecordedApiServer } from '../support/recordedApiServer';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';
import { clone, seedDeployment, toYaml } from './kubernetesTestSupport';

const KUBECTL = findKubectl();
const FILE = '/work/manifests/app.yaml';

/** The seed Deployment as applied with client-side `kubectl apply`: defaults added, the applied manifest recorded. */
function liveSeedDeployment(): Record<string, any> {
  const applied = seedDeployment('nginx:1.21.6');
  applied.metadata.namespace = 'default';
  const live = clone(applied);
  live.metadata = {
    ...live.metadata,
    uid: '6b1f2d4e-0000-4000-8000-000000000001',
    resourceVersion: '48213',
    generation: 1,
    creationTimestamp: '2026-01-05T09:00:00Z',
    annotations: { 'deployment.kubernetes.io/revision': '1', 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(applied)}\n` },
  };
  live.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  live.spec.template.spec = { ...live.spec.template.spec, restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', securityContext: {} };
  live.spec.template.spec.containers[0] = { ...live.spec.template.spec.containers[0], imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log' };
  live.status = { replicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 };
  return live;
}

/** A Deployment applied server-side: no last-applied annotation, only the defaulted live object. */
function apiDeployment(image: string): Record<string, any> {
  const deployment = seedDeployment(image);
  deployment.metadata = { name: 'api', labels: { app: 'api' } };
  deployment.spec.selector.matchLabels = { app: 'api' };
  deployment.spec.template.metadata.labels = { app: 'api' };
  return deployment;
}

function liveApiDeployment(): Record<string, any> {
  const live = apiDeployment('registry.example.com/api:2.4.1');
  live.metadata = {
    ...live.metadata,
    namespace: 'default',
    uid: '6b1f2d4e-0000-4000-8000-000000000002',
    resourceVersion: '48214',
    managedFields: [{ manager: 'kubectl', operation: 'Apply' }],
  };
  live.spec.progressDeadlineSeconds = 600;
  live.spec.template.spec.terminationGracePeriodSeconds = 30;
  live.spec.template.spec.containers[0].imagePullPolicy = 'IfNotPresent';
  live.spec.template.spec.containers[0].readinessProbe = {
    ...live.spec.template.spec.containers[0].readinessProbe,
    timeoutSeconds: 1,
    periodSeconds: 10,
    successThreshold: 1,
    failureThreshold: 3,
  };
  return live;
}

const SERVICE = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'nginx' }, ports: [{ name: 'http', port: 80 }] } };

function liveService(): Record<string, any> {
  return {
    ...clone(SERVICE),
    metadata: { name: 'web', namespace: 'default', uid: '6b1f2d4e-0000-4000-8000-000000000003', resourceVersion: '48215' },
    spec: {
      clusterIP: '10.96.12.34',
      clusterIPs: ['10.96.12.34'],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      selector: { app: 'nginx' },
      ports: [{ name: 'http', port: 80, protocol: 'TCP', targetPort: 80 }],
    },
    status: { loadBalancer: {} },
  };
}

const NEW_CONFIG = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'not-deployed-yet' }, data: { a: '1' } };

function clusterOptions(kubectl: KubernetesAnalysisOptions['kubectl']): KubernetesAnalysisOptions {
  return { gitRef: 'HEAD', mayRunProcesses: true, baseline: 'cluster', kubectl };
}

function codesOf(findings: Finding[]): string[] {
  return findings.map((f) => `${f.code} ${f.name ?? ''}`.trim()).sort();
}

describe('cluster baseline through the real kubectl', () => {
  let api: RecordedApiServer;
  before(async () => {
    api = await startRecordedApiServer([liveSeedDeployment(), liveApiDeployment(), liveService()], ['restricted']);
  });
  after(async () => {
    await api.close();
    cleanupTempDirs();
  });

  test('an image edit against the live Deployment: a rolling update; defaults, allocated IPs and new objects give nothing', async () => {
    const text = toYaml(seedDeployment('nginx:1.23.3'), apiDeployment('registry.example.com/api:2.4.1'), SERVICE, NEW_CONFIG);
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, clusterOptions({ path: KUBECTL, env: api.env }), text);
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/rolling-update nginx-deployment']);
    assert.equal(findings[0].before, '"nginx:1.21.6"');
    assert.equal(findings[0].after, '"nginx:1.23.3"');
    assert.ok(api.requests.includes('/apis/apps/v1/namespaces/default/deployments/nginx-deployment'), api.requests.join('\n'));
    assert.ok(api.requests.includes('/api/v1/namespaces/default/configmaps/not-deployed-yet'));
  });

  test('a selector edit against the live Deployment: the immutable-field error, naming the cluster as baseline', async () => {
    const edited = seedDeployment();
    edited.spec.selector.matchLabels = { app: 'nginx', tier: 'web' };
    edited.spec.template.metadata.labels = { app: 'nginx', tier: 'web' };
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, clusterOptions({ path: KUBECTL, env: api.env }), toYaml(edited));
    const error = findings.find((f) => f.code === 'kubernetes/immutable-field');
    assert.ok(error, codesOf(findings).join(', '));
    assert.equal(error.path, 'spec.selector');
    assert.match(error.detail ?? '', /the live object in the cluster \(`kubectl get`\)/);
  });

  test("forbidden: one information finding with kubectl's words, and no comparison", async () => {
    const restricted = seedDeployment('nginx:1.23.3');
    restricted.metadata.namespace = 'restricted';
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, clusterOptions({ path: KUBECTL, env: api.env }), toYaml(restricted));
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/baseline-unavailable']);
    assert.equal(findings[0].severity, 'information');
    assert.match(findings[0].message, /Forbidden/);
    assert.match(findings[0].message, /cannot get resource "deployments"/);
  });

  test('an untrusted workspace never runs kubectl', async () => {
    const seen = api.requests.length;
    const findings = await new KubernetesFileAnalyzer().analyze(
      FILE,
      { ...clusterOptions({ path: KUBECTL, env: api.env }), mayRunProcesses: false },
      toYaml(seedDeployment('nginx:1.23.3')),
    );
    assert.equal(api.requests.length, seen, 'kubectl reached the API server');
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/baseline-unavailable']);
    assert.match(findings[0].message, /not trusted, so kubectl is not run/);
  });

  test('lookups are reused while typing: a second analysis runs no kubectl', async () => {
    const analyzer = new KubernetesFileAnalyzer();
    const options = clusterOptions({ path: KUBECTL, env: api.env });
    await analyzer.analyze(FILE, options, toYaml(seedDeployment('nginx:1.23.3')));
    const seen = api.requests.length;
    const findings = await analyzer.analyze(FILE, options, toYaml(seedDeployment('nginx:1.23.4')));
    assert.equal(api.requests.length, seen);
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/rolling-update nginx-deployment']);
  });
});

describe('cluster baseline when kubectl cannot answer', () => {
  after(() => cleanupTempDirs());

  test("no cluster: kubectl's connection error, as information", async () => {
    const home = tempDir('ii-kube-');
    writeFiles(home, { kubeconfig: kubeconfigFor('http://127.0.0.1:1') });
    const env = { ...process.env, KUBECONFIG: path.join(home, 'kubeconfig'), HOME: home };
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, clusterOptions({ path: KUBECTL, env }), toYaml(seedDeployment('nginx:1.23.3')));
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/baseline-unavailable']);
    assert.equal(findings[0].severity, 'information');
    assert.match(findings[0].message, /No live baseline/);
    assert.match(findings[0].message, /connection to the server 127\.0\.0\.1:1 was refused|connection refused/);
  });

  test('an API server that never answers: kubectl gives up within the timeout, as information', async () => {
    const silent = createServer(() => undefined); // accepts, never responds
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const home = tempDir('ii-kube-');
      writeFiles(home, { kubeconfig: kubeconfigFor(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`) });
      const env = { ...process.env, KUBECONFIG: path.join(home, 'kubeconfig'), HOME: home };
      const started = Date.now();
      const findings = await new KubernetesFileAnalyzer().analyze(FILE, clusterOptions({ path: KUBECTL, env, timeoutMs: 2500 }), toYaml(seedDeployment('nginx:1.23.3')));
      assert.ok(Date.now() - started < 6000, `took ${Date.now() - started} ms`);
      assert.deepStrictEqual(codesOf(findings), ['kubernetes/baseline-unavailable']);
      assert.equal(findings[0].severity, 'information');
      assert.match(findings[0].message, /`kubectl get deployment\.apps` did not answer within 2\.5 s\./);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  test('no kubectl binary: says so and names the setting', async () => {
    const findings = await new KubernetesFileAnalyzer().analyze(FILE, clusterOptions({ path: '/nonexistent/bin/kubectl' }), toYaml(seedDeployment('nginx:1.23.3')));
    assert.deepStrictEqual(codesOf(findings), ['kubernetes/baseline-unavailable']);
    assert.match(findings[0].message, /kubectl could not be started \(\/nonexistent\/bin\/kubectl: not found\)/);
    assert.match(findings[0].message, /immutableInfra\.kubectl\.path/);
  });
});

describe('cluster baseline, pure parts', () => {
  test('kubectl arguments: one process per kind and namespace, names sorted, never a name kubectl could read as a flag', () => {
    const args = kubectlGetArguments(
      [
        { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' },
        { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'api' },
        { group: '', kind: 'Service', namespace: 'shop', name: 'web' },
        { group: 'storage.k8s.io', kind: 'StorageClass', name: 'fast' },
        { group: 'apps', kind: 'Deployment', namespace: 'shop', name: '--kubeconfig=/tmp/evil' },
        { group: 'apps', kind: 'Deployment', namespace: '-n', name: 'x' },
        { group: '', kind: 'ConfigMap', namespace: 'shop', name: '$(touch pwned)' },
      ],
      9,
    );
    assert.deepStrictEqual(args, [
      ['get', 'deployment.apps', 'api', 'web', '--namespace', 'shop', '--output', 'json', '--ignore-not-found', '--request-timeout=9s'],
      ['get', 'service', 'web', '--namespace', 'shop', '--output', 'json', '--ignore-not-found', '--request-timeout=9s'],
      ['get', 'storageclass.storage.k8s.io', 'fast', '--output', 'json', '--ignore-not-found', '--request-timeout=9s'],
    ]);
  });

  test('a live object without a recorded apply keeps only the fields the manifest sets', () => {
    const live = { spec: { clusterIP: '10.0.0.1', ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'a' } }, status: {} };
    const manifest = { spec: { ports: [{ port: 80 }], selector: { app: 'b' }, type: 'ClusterIP' } };
    assert.deepStrictEqual(fieldsSetBy(live, manifest), { spec: { ports: [{ port: 80 }], selector: { app: 'a' } } });
    // A list that changed length is compared whole.
    assert.deepStrictEqual(fieldsSetBy({ l: [{ a: 1, b: 2 }] }, { l: [{ a: 1 }, { a: 2 }] }), { l: [{ a: 1, b: 2 }] });
  });

  test('the setting: git by default, cluster on request, anything else git', () => {
    assert.equal(normalizeSettings({}).kubernetes.baseline, 'git');
    assert.equal(normalizeSettings({ kubernetes: { baseline: 'cluster' } }).kubernetes.baseline, 'cluster');
    assert.equal(normalizeSettings({ kubernetes: { baseline: 'live' } }).kubernetes.baseline, 'git');
  });
});
