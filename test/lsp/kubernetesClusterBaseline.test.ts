/**
 * The opt-in cluster baseline in the language server, over a real stdio connection, against the
 * real kube-apiserver 1.37.2 (test/support/controlPlane.ts): the setting
 * `immutableInfra.kubernetes.baseline: cluster` and the machine-scoped kubectl path reach the
 * analysis; the seed Deployment, applied for real with kubectl, is the baseline; the cluster's
 * dry-run verdict joins the diagnostics; and an untrusted workspace runs no kubectl at all. kubectl
 * is a wrapper that records its arguments and then runs Debian's kubectl (recordingKubectl.ts), so
 * that the tests can tell whether it ran.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { clientsStoppedAfterEach } from '../support/lspClient';
import { startControlPlane, type ControlPlane } from '../support/controlPlane';
import { recordingKubectl, type RecordingKubectl } from '../support/recordingKubectl';
import { disposeServers } from '../support/serverProcesses';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

const SEED = readFileSync(path.resolve(__dirname, '..', '..', '..', 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8');

const has = (code: string) => (d: Array<{ code?: string | number }>) => d.some((x) => x.code === code);

describe('cluster baseline over stdio, against kube-apiserver', () => {
  let plane: ControlPlane;
  let namespace: string;
  let recorded: RecordingKubectl;
  let settings: object;
  /** The seed manifest in the test namespace, as edited (nginx:1.23.3) or as deployed (nginx:1.21.6). */
  let edited: string;
  const startClient = clientsStoppedAfterEach();
  const invocations = () => recorded.invocations();

  before(async () => {
    plane = await startControlPlane();
    namespace = await plane.namespace('lsp');
    edited = SEED.replace('  name: nginx-deployment\n', `  name: nginx-deployment\n  namespace: ${namespace}\n`);
    assert.notEqual(edited, SEED);
    await plane.kubectlOk(['apply', '-f', '-'], edited.replace('image: nginx:1.23.3', 'image: nginx:1.21.6'));
    recorded = recordingKubectl();
    settings = { kubernetes: { baseline: 'cluster' }, kubectl: { path: recorded.path } };
  });
  after(async () => {
    await disposeServers();
    cleanupTempDirs();
  });

  test('the edited image against the live Deployment: the rolling-update hint, the cluster asked and accepting', async () => {
    const client = await startClient({ settings, workspaceTrusted: true, env: { ...process.env, ...plane.env } });
    // Not a git repository: the only possible baseline is the cluster.
    const uri = client.open(path.join(tempDir(), 'nginx-deployment.yaml'), edited, 'yaml');
    const diagnostics = await client.waitForDiagnostics(uri, has('kubernetes/rolling-update'));
    assert.ok(!has('kubernetes/baseline-unavailable')(diagnostics), JSON.stringify(diagnostics));
    assert.ok(!has('kubernetes/server-rejected')(diagnostics), JSON.stringify(diagnostics));
    assert.match(
      diagnostics.find((d) => d.code === 'kubernetes/rolling-update')!.message,
      /^Changing `spec\.template\.spec\.containers\[0\]\.image` starts a rolling update of Deployment `nginx-deployment`/,
    );
    const ran = invocations();
    assert.ok(ran.includes(`get deployment.apps nginx-deployment --namespace ${namespace} --output json --ignore-not-found --request-timeout=9s`), ran.join('\n'));
    assert.ok(ran.includes(`apply --dry-run=server --filename - --output name --namespace ${namespace} --request-timeout=9s`), ran.join('\n'));
  });

  test("a selector edit: the server's refusal in the diagnostics", async () => {
    const client = await startClient({ settings, workspaceTrusted: true, env: { ...process.env, ...plane.env } });
    const uri = client.open(path.join(tempDir(), 'nginx-deployment.yaml'), edited.replace(/app: nginx$/gm, 'app: web'), 'yaml');
    const diagnostics = await client.waitForDiagnostics(uri, has('kubernetes/server-rejected'));
    const rejected = diagnostics.find((d) => d.code === 'kubernetes/server-rejected')!;
    assert.equal(rejected.severity, 1);
    assert.match(
      rejected.message,
      /`The Deployment "nginx-deployment" is invalid: spec\.selector: Invalid value: \{"matchLabels":\{"app":"web"\}\}: field is immutable`/,
    );
    assert.ok(!has('kubernetes/immutable-field')(diagnostics), 'one finding for the field, in the server’s words');
  });

  test('an untrusted workspace: kubectl never runs, a hint says why', async () => {
    const seen = invocations().length;
    const client = await startClient({ settings, workspaceTrusted: false, env: { ...process.env, ...plane.env } });
    const uri = client.open(path.join(tempDir(), 'nginx-deployment.yaml'), edited, 'yaml');
    const diagnostics = await client.waitForDiagnostics(uri, has('kubernetes/baseline-unavailable'));
    assert.match(diagnostics.find((d) => d.code === 'kubernetes/baseline-unavailable')!.message, /not trusted, so kubectl is not run/);
    assert.ok(!has('kubernetes/rolling-update')(diagnostics));
    assert.equal(invocations().length, seen, 'kubectl ran');
  });
});
