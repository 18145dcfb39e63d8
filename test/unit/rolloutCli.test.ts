/** `immutable-infra rollout` and `rollout --reconcile`, run as the built CLI (node dist/cli.js). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'rollout');

function run(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

after(cleanupTempDirs);

describe('immutable-infra rollout MANIFEST', () => {
  test('json: the documented shape (docs/cli.md) for the seed Deployment', async () => {
    const result = await run(['rollout', 'nginx-deployment.yaml', '--format', 'json'], FIXTURES);
    assert.equal(result.code, 0, result.stderr);
    const json = JSON.parse(result.stdout);
    assert.deepEqual(Object.keys(json), ['workloads']);
    const [workload] = json.workloads;
    assert.deepEqual(
      {
        kind: workload.kind,
        name: workload.name,
        durationSeconds: workload.durationSeconds,
        maxPods: workload.maxPods,
        minAvailable: workload.minAvailable,
        timedOut: workload.timedOut,
      },
      { kind: 'Deployment', name: 'nginx-deployment', durationSeconds: 15, maxPods: 4, minAvailable: 3, timedOut: false },
    );
    assert.deepEqual(workload.events, [
      { t: 0, action: 'scale-up', replicaSet: 'nginx-deployment-new', from: 0, to: 1 },
      { t: 5, action: 'scale-down', replicaSet: 'nginx-deployment-old', from: 3, to: 2 },
      { t: 5, action: 'scale-up', replicaSet: 'nginx-deployment-new', from: 1, to: 2 },
      { t: 10, action: 'scale-down', replicaSet: 'nginx-deployment-old', from: 2, to: 1 },
      { t: 10, action: 'scale-up', replicaSet: 'nginx-deployment-new', from: 2, to: 3 },
      { t: 15, action: 'scale-down', replicaSet: 'nginx-deployment-old', from: 1, to: 0 },
    ]);
  });

  test('--ready-after sets the assumed start time; --name picks one workload of several', async () => {
    const result = await run(['rollout', 'workloads.yaml', '--name', 'api', '--ready-after', '20', '--format', 'json'], FIXTURES);
    assert.equal(result.code, 0, result.stderr);
    const { workloads } = JSON.parse(result.stdout);
    assert.deepEqual(
      workloads.map((w: { name: string }) => w.name),
      ['api'],
    );
    // 10 replicas, maxSurge 3, maxUnavailable 25% → 2: pods available 20 + 5 (minReadySeconds) s after creation.
    assert.equal(workloads[0].events[0].t, 0);
    assert.ok(workloads[0].events.some((e: { t: number }) => e.t === 25));
    assert.equal(workloads[0].maxPods, 13);
    assert.equal(workloads[0].minAvailable, 8);
  });

  test('text: every workload in the file, with its steps and assumptions', async () => {
    const result = await run(['rollout', 'workloads.yaml', '--nodes', '2'], FIXTURES);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^StatefulSet web: RollingUpdate \(OrderedReady\), 3 replicas/m);
    assert.match(result.stdout, /^DaemonSet agent: RollingUpdate, 2 nodes, maxSurge 1, maxUnavailable 0/m);
    assert.match(result.stdout, /^Deployment api: RollingUpdate, 10 replicas, maxSurge 3, maxUnavailable 2/m);
    assert.match(result.stdout, /complete after \d+ s/);
    assert.match(result.stdout, /assumes: pods start 5 s after creation \(--ready-after\), Ready 10 s later \(readiness probe\)/);
  });

  test('exit 2 with a message: unreadable file, invalid manifest, no such workload, bad flags', async () => {
    const dir = tempDir();
    writeFiles(dir, {
      'bad.yaml': 'kind: Deployment\nmetadata: {name: a}\nspec: {strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}}\n',
      'svc.yaml': 'kind: Service\nmetadata: {name: a}\n',
    });
    const cases: [string[], RegExp][] = [
      [['rollout', 'missing.yaml'], /Cannot read missing\.yaml/],
      [['rollout', 'bad.yaml'], /bad\.yaml:1: Deployment "a": spec\.strategy\.rollingUpdate\.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0/],
      [['rollout', 'svc.yaml'], /svc\.yaml has no Deployment, StatefulSet or DaemonSet to simulate/],
      [['rollout', path.join(FIXTURES, 'workloads.yaml'), '--name', 'nope'], /has no Deployment, StatefulSet or DaemonSet named "nope"/],
      [['rollout', 'bad.yaml', '--ready-after', 'soon'], /--ready-after must be a non-negative number of seconds/],
      [['rollout', 'bad.yaml', '--format', 'yaml'], /--format must be text or json/],
      [['rollout'], /rollout needs a MANIFEST file/],
      [['rollout', 'a.yaml', '--reconcile', 'state.json'], /--reconcile takes only a STATE\.json file/],
    ];
    for (const [args, message] of cases) {
      const result = await run(args, dir);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stdout}`);
      assert.match(result.stderr, message, args.join(' '));
      assert.equal(result.stdout, '');
    }
  });
});

describe('immutable-infra rollout --reconcile STATE.json', () => {
  const state = (body: object) => {
    const dir = tempDir();
    writeFiles(dir, { 'state.json': JSON.stringify(body) });
    return dir;
  };

  test('the documented example (docs/cli.md): one sync creates the new ReplicaSet (3) and scales the old one to 8', async () => {
    const input = {
      replicas: 10,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 2 } },
      minReadySeconds: 0,
      newReplicaSet: null,
      oldReplicaSets: [{ replicas: 10, availableReplicas: 10 }],
    };
    const result = await run(['rollout', '--reconcile', 'state.json'], state(input));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      ...input,
      newReplicaSet: { replicas: 3, availableReplicas: 0 },
      oldReplicaSets: [{ replicas: 8, availableReplicas: 8 }],
      action: 'scale-down',
    });
  });

  test('scale-up first, scale-down once the new pods are available, none while they are not', async () => {
    const base = { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 2 } }, minReadySeconds: 0 };
    const reconcile = async (newReplicaSet: object, oldReplicaSets: object[]) => {
      const result = await run(['rollout', '--reconcile', 'state.json'], state({ ...base, newReplicaSet, oldReplicaSets }));
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout);
    };
    // 11 of at most 13 pods: the new set grows by 2; its pods are not available yet.
    assert.deepEqual(await reconcile({ replicas: 3, availableReplicas: 3 }, [{ replicas: 8, availableReplicas: 8 }]), {
      ...base,
      newReplicaSet: { replicas: 5, availableReplicas: 3 },
      oldReplicaSets: [{ replicas: 8, availableReplicas: 8 }],
      action: 'scale-up',
    });
    // At 13 with all available: 13 − 8 available floor → remove 5 old pods.
    assert.deepEqual(await reconcile({ replicas: 5, availableReplicas: 5 }, [{ replicas: 8, availableReplicas: 8 }]), {
      ...base,
      newReplicaSet: { replicas: 5, availableReplicas: 5 },
      oldReplicaSets: [{ replicas: 3, availableReplicas: 3 }],
      action: 'scale-down',
    });
    // 13 − 8 − 5 unavailable new pods = 0: stuck until they become available.
    assert.equal((await reconcile({ replicas: 5, availableReplicas: 0 }, [{ replicas: 8, availableReplicas: 8 }])).action, 'none');
  });

  test('exit 2 on a state that is not the shape', async () => {
    const cases: [unknown, RegExp][] = [
      [{ replicas: -1 }, /replicas must be a non-negative integer/],
      [{ replicas: 3, strategy: { type: 'Rolling' } }, /strategy\.type must be "RollingUpdate" or "Recreate"/],
      [{ replicas: 3, strategy: { rollingUpdate: { maxSurge: '5' } } }, /maxSurge must be a non-negative integer or a percentage/],
      [{ replicas: 3, oldReplicaSets: [{ replicas: 3 }] }, /oldReplicaSets\[0\]\.availableReplicas must be a non-negative integer/],
      [[1, 2], /STATE must be a JSON object/],
    ];
    for (const [body, message] of cases) {
      const result = await run(['rollout', '--reconcile', 'state.json'], state(body as object));
      assert.equal(result.code, 2, JSON.stringify(body));
      assert.match(result.stderr, message);
    }
    const dir = tempDir();
    writeFiles(dir, { 'state.json': '{ not json' });
    const result = await run(['rollout', '--reconcile', 'state.json'], dir);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /state\.json is not JSON/);
  });
});
