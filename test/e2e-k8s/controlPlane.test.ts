/**
 * The control plane the Kubernetes end-to-end tests run against: etcd and the real kube-apiserver
 * on loopback, reached by Debian's kubectl through the kubeconfig it writes. Checks what
 * the other tests rely on: the version it reports, objects created and validated for real, a
 * server-side dry-run that writes nothing, the API server stopped and started again with its data,
 * and no process left after dispose.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { controlPlaneVersions, startControlPlane, type ControlPlane } from '../support/controlPlane';
import { isAlive } from '../support/processGroups';
import { disposeServers } from '../support/serverProcesses';

const deployment = (namespace: string, app: string) =>
  JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app } },
      template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'web', image: 'nginx:1.21.6' }] } },
    },
  });

describe('the Kubernetes control plane on loopback', () => {
  let plane: ControlPlane;
  before(async () => {
    const started = Date.now();
    plane = await startControlPlane();
    console.log(`control plane ${plane.version} ready in ${Date.now() - started} ms`);
  });
  after(() => disposeServers());

  test('the API server reports the version setup-tools built, and kubectl parses it', async () => {
    assert.equal(plane.version, controlPlaneVersions().kubernetes);
    const version = JSON.parse(await plane.kubectlOk(['version', '--output=json'])) as { serverVersion: { gitVersion: string } };
    assert.equal(version.serverVersion.gitVersion, `v${plane.version}`);
  });

  test('an object is created for real, and a server-side dry-run of an immutable edit gets the server’s refusal and writes nothing', async () => {
    const ns = await plane.namespace('smoke');
    await plane.kubectlOk(['apply', '-f', '-'], deployment(ns, 'web'));
    const refused = await plane.kubectl(['apply', '--dry-run=server', '-f', '-'], deployment(ns, 'web2'));
    assert.notEqual(refused.exitCode, 0);
    assert.match(refused.stderr, /The Deployment "web" is invalid: spec\.selector: Invalid value: .*field is immutable/);
    const live = JSON.parse(await plane.kubectlOk(['get', 'deployment', 'web', '-n', ns, '-o', 'json'])) as { spec: { selector: unknown } };
    assert.deepEqual(live.spec.selector, { matchLabels: { app: 'web' } });
  });

  test('stopped, the API server refuses connections; started again, it has its objects', async () => {
    const ns = await plane.namespace('restart');
    await plane.kubectlOk(['apply', '-f', '-'], deployment(ns, 'web'));
    await plane.stopApiServer();
    assert.equal(plane.apiServerRunning, false);
    const down = await plane.kubectl(['get', 'deployment', 'web', '-n', ns, '--request-timeout=5s']);
    assert.notEqual(down.exitCode, 0);
    assert.match(down.stderr, /The connection to the server 127\.0\.0\.1:\d+ was refused/);
    await plane.startApiServer();
    assert.match(await plane.kubectlOk(['get', 'deployment', 'web', '-n', ns, '-o', 'name']), /deployment\.apps\/web/);
  });

  test('dispose stops every process', async () => {
    const other = await startControlPlane();
    const pids = other.pids();
    assert.ok(pids.length >= 2 && pids.every(isAlive));
    await other.dispose();
    assert.deepEqual(pids.filter(isAlive), []);
  });
});
