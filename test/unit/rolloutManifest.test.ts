/** Reading workloads from manifest YAML (core/src/rollout/workloadFromManifest.ts). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { ManifestError, workloadsFromManifest } from '../../core/src/rollout/workloadFromManifest';

const fixture = (name: string) => readFileSync(path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'rollout', name), 'utf8');

describe('workloadsFromManifest', () => {
  test('the seed Deployment with the API server defaults filled in', () => {
    assert.deepEqual(workloadsFromManifest(fixture('nginx-deployment.yaml')), [
      {
        kind: 'Deployment',
        name: 'nginx-deployment',
        source: { documentIndex: 0, line: 1 },
        replicas: 3,
        minReadySeconds: 0,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        progressDeadlineSeconds: 600,
        pod: { terminationGracePeriodSeconds: 30 },
      },
    ]);
  });

  test('several documents and a List: workloads in order, other kinds skipped, the first container with a readiness probe', () => {
    const workloads = workloadsFromManifest(fixture('workloads.yaml'));
    assert.deepEqual(
      workloads.map((w) => [w.kind, w.name, w.source]),
      [
        ['StatefulSet', 'web', { documentIndex: 1, line: 9 }],
        ['DaemonSet', 'agent', { documentIndex: 2, itemIndex: 0, line: 33 }],
        ['Deployment', 'api', { documentIndex: 2, itemIndex: 1, line: 47 }],
      ],
    );
    const [web, agent, api] = workloads;
    assert.ok(web.kind === 'StatefulSet');
    assert.deepEqual(web.pod, {
      terminationGracePeriodSeconds: 10,
      probeContainer: 'web',
      readinessProbe: { initialDelaySeconds: 5, periodSeconds: 5, successThreshold: 2 },
    });
    assert.deepEqual(web.updateStrategy, { type: 'RollingUpdate', partition: 0, maxUnavailable: 1 });
    assert.equal(web.podManagementPolicy, 'OrderedReady');
    assert.ok(agent.kind === 'DaemonSet');
    assert.deepEqual(agent.updateStrategy, { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 });
    assert.ok(api.kind === 'Deployment');
    assert.equal(api.namespace, 'shop');
    // An unset maxUnavailable is defaulted on its own.
    assert.deepEqual(api.strategy, { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: '25%' } });
    assert.equal(api.minReadySeconds, 5);
  });

  test('probe defaults: periodSeconds 10, successThreshold 1, initialDelaySeconds 0', () => {
    const [w] = workloadsFromManifest(
      'kind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          readinessProbe: {tcpSocket: {port: 80}}\n',
    );
    assert.deepEqual(w.pod.readinessProbe, { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 });
    assert.equal(w.kind === 'Deployment' && w.replicas, 1);
  });

  test('Recreate, no deadline (MaxInt32), Parallel, OnDelete', () => {
    const text = [
      'kind: Deployment\nmetadata: {name: r}\nspec: {strategy: {type: Recreate}, progressDeadlineSeconds: 2147483647}',
      'kind: StatefulSet\nmetadata: {name: s}\nspec: {podManagementPolicy: Parallel, updateStrategy: {type: OnDelete}}',
    ].join('\n---\n');
    const [r, s] = workloadsFromManifest(text);
    assert.ok(r.kind === 'Deployment' && s.kind === 'StatefulSet');
    assert.deepEqual(r.strategy, { type: 'Recreate' });
    assert.equal(r.progressDeadlineSeconds, null);
    assert.equal(s.podManagementPolicy, 'Parallel');
    assert.equal(s.updateStrategy.type, 'OnDelete');
  });

  test('empty input and empty documents give no workloads', () => {
    assert.deepEqual(workloadsFromManifest(''), []);
    assert.deepEqual(workloadsFromManifest('---\n---\n# only a comment\n'), []);
  });

  const rejected: [string, string, RegExp][] = [
    ['YAML syntax', 'kind: Deployment\nmetadata: {name: a\n', /YAML syntax error \(document 1, line \d+\)/],
    [
      'explicit 0/0',
      'kind: Deployment\nmetadata: {name: a}\nspec: {strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: "0%"}}}',
      /Deployment "a": spec\.strategy\.rollingUpdate\.maxUnavailable: Invalid value: "0%": may not be 0 when `maxSurge` is 0/,
    ],
    ['maxUnavailable above 100%', 'kind: Deployment\nmetadata: {name: a}\nspec: {strategy: {rollingUpdate: {maxUnavailable: "150%"}}}', /must not be greater than 100%/],
    [
      'a percentage without %',
      'kind: Deployment\nmetadata: {name: a}\nspec: {strategy: {rollingUpdate: {maxSurge: "5"}}}',
      /maxSurge: Invalid value: "5": a valid percent string/,
    ],
    [
      'rollingUpdate with Recreate',
      'kind: Deployment\nmetadata: {name: a}\nspec: {strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}}',
      /Forbidden: may not be specified when strategy `type` is 'Recreate'/,
    ],
    [
      'deadline not above minReadySeconds',
      'kind: Deployment\nmetadata: {name: a}\nspec: {minReadySeconds: 30, progressDeadlineSeconds: 30}',
      /progressDeadlineSeconds: Invalid value: 30: must be greater than minReadySeconds/,
    ],
    ['negative replicas', 'kind: Deployment\nmetadata: {name: a}\nspec: {replicas: -1}', /spec\.replicas: Invalid value: -1/],
    ['replicas as a string', 'kind: StatefulSet\nmetadata: {name: a}\nspec: {replicas: "3"}', /StatefulSet "a": spec\.replicas must be an integer/],
    ['unknown strategy type', 'kind: DaemonSet\nmetadata: {name: a}\nspec: {updateStrategy: {type: Rolling}}', /Unsupported value: "Rolling"/],
  ];
  for (const [what, text, message] of rejected) {
    test(`rejected as the API server would: ${what}`, () => {
      assert.throws(
        () => workloadsFromManifest(text),
        (error: unknown) => error instanceof ManifestError && message.test(error.message),
      );
    });
  }

  test('an error carries the line of the document it is in', () => {
    try {
      workloadsFromManifest('kind: ConfigMap\n---\nkind: Deployment\nmetadata: {name: a}\nspec: {replicas: x}\n');
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof ManifestError);
      assert.equal(error.line, 2);
    }
  });
});
