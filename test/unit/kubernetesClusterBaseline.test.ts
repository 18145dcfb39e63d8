/**
 * The live-object baseline (`immutableInfra.kubernetes.baseline: cluster`), its pure parts: the
 * kubectl argument lists, the live fields kept, the setting. With the real kubectl against the
 * real API server: test/e2e-k8s/clusterBaseline.test.ts (and clusterDryRun.test.ts for the
 * server-side dry-run).
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { normalizeSettings } from '../../common/src/settings';
import { kubectlGetArguments } from '../../core/src/kubernetes/kubectlBaseline';
import { fieldsSetBy } from '../../core/src/kubernetes/liveBaseline';

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
