/**
 * The opt-in cluster baseline in the language server, over a real stdio connection: the setting
 * `immutableInfra.kubernetes.baseline: cluster` and the machine-scoped kubectl path reach the
 * analysis, the real kubectl runs, and never in an untrusted workspace. No API server can run on
 * these machines, so kubectl talks to test/support/recordedApiServer.ts (responses in the API
 * server's shapes) — the one test double, where the real thing cannot run.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { clientsStoppedAfterEach } from '../support/lspClient';
import { findKubectl, startRecordedApiServer, type RecordedApiServer } from '../support/recordedApiServer';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

const SEED = readFileSync(path.resolve(__dirname, '..', '..', '..', 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8');
const DEPLOYED = SEED.replace('image: nginx:1.23.3', 'image: nginx:1.21.6');
const KUBECTL = findKubectl();
const SETTINGS = { kubernetes: { baseline: 'cluster' }, kubectl: { path: KUBECTL } };
const DEPLOYMENT_PATH = '/apis/apps/v1/namespaces/default/deployments/nginx-deployment';

/** The seed Deployment as `kubectl apply` left it in the cluster. */
function liveDeployment(): Record<string, any> {
  const applied = parse(DEPLOYED) as Record<string, any>;
  const live = structuredClone(applied);
  live.metadata.namespace = 'default';
  live.metadata.uid = '6b1f2d4e-0000-4000-8000-000000000010';
  live.metadata.annotations = { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied) };
  live.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  live.status = { replicas: 3, availableReplicas: 3 };
  return live;
}

const has = (code: string) => (d: Array<{ code?: string | number }>) => d.some((x) => x.code === code);

describe('cluster baseline over stdio', () => {
  let api: RecordedApiServer;
  const startClient = clientsStoppedAfterEach();
  before(async () => {
    api = await startRecordedApiServer([liveDeployment()]);
    // The server inherits this process's environment (each test file runs in its own process).
    process.env.KUBECONFIG = api.kubeconfig;
    process.env.HOME = api.env.HOME;
  });
  after(async () => {
    await api.close();
    cleanupTempDirs();
  });

  test('the edited image against the live Deployment: the rolling update, with kubectl asked', async () => {
    const client = await startClient({ settings: SETTINGS, workspaceTrusted: true });
    // Not a git repository: the only possible baseline is the cluster.
    const uri = client.open(path.join(tempDir(), 'nginx-deployment.yaml'), SEED, 'yaml');
    const diagnostics = await client.waitForDiagnostics(uri, has('kubernetes/rolling-update'));
    assert.ok(!has('kubernetes/baseline-unavailable')(diagnostics), JSON.stringify(diagnostics));
    assert.ok(api.requests.includes(DEPLOYMENT_PATH), api.requests.join('\n'));
  });

  test('an untrusted workspace: kubectl never runs, a hint says why', async () => {
    const seen = api.requests.length;
    const client = await startClient({ settings: SETTINGS, workspaceTrusted: false });
    const uri = client.open(path.join(tempDir(), 'nginx-deployment.yaml'), SEED, 'yaml');
    const diagnostics = await client.waitForDiagnostics(uri, has('kubernetes/baseline-unavailable'));
    assert.match(diagnostics.find((d) => d.code === 'kubernetes/baseline-unavailable')!.message, /not trusted, so kubectl is not run/);
    assert.ok(!has('kubernetes/rolling-update')(diagnostics));
    assert.equal(api.requests.length, seen, 'kubectl reached the API server');
  });
});
