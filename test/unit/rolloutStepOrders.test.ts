/**
 * Worked step orders: the sequences documented above ResolveFenceposts in
 * kubernetes/kubernetes pkg/controller/deployment/util/deployment_util.go
 * (@277391ee713412cf75e4b46ad5d6e5ae9844abf1), and timelines worked out by hand from the
 * controller's scale-up and scale-down rules (rolling.go @95f08499d652a6211121d8af35f470609217c730),
 * replayed through our sync (deploymentSync.ts) under simple assumptions: one old ReplicaSet fully
 * available, the new one already created with 0 replicas, pods created in a sync available by the
 * next sync, removed pods gone at once. Plus --reconcile-style single syncs
 * and the proportional-scaling example of the Kubernetes documentation.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { IntOrPercent } from '../../common/src/rollout';
import { proportionalScale, syncDeployment, type ReplicaSetState } from '../../core/src/rollout/deploymentSync';

interface Row {
  sync: number;
  action: string;
  newSpec: number;
  newAvail: number;
  oldSpec: number;
  oldAvail: number;
}

/**
 * Replays syncs until nothing changes. Before each sync every pod created so far is available
 * (the assumption above); a row is the state right after the sync, availability as that sync saw it.
 */
function stepOrder(replicas: number, maxSurge: IntOrPercent, maxUnavailable: IntOrPercent): { steps: string[]; rows: Row[] } {
  const d = { replicas, strategy: { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge, maxUnavailable } } };
  let newRS: ReplicaSetState = { name: 'new', replicas: 0, availableReplicas: 0 };
  let oldRS: ReplicaSetState = { name: 'old', replicas, availableReplicas: replicas };
  const steps: string[] = [];
  const rows: Row[] = [{ sync: 0, action: 'start', newSpec: 0, newAvail: 0, oldSpec: replicas, oldAvail: replicas }];
  for (let sync = 1; sync < 100; sync++) {
    newRS = { ...newRS, availableReplicas: newRS.replicas };
    oldRS = { ...oldRS, availableReplicas: oldRS.replicas };
    const result = syncDeployment({ deployment: d, newReplicaSet: newRS, oldReplicaSets: [oldRS] });
    if (!result.scales.length) break;
    assert.equal(result.scales.length, 1, 'one scale action per sync');
    const [scale] = result.scales;
    const action = `${scale.replicaSet}${scale.to > scale.from ? '+' : '−'}${Math.abs(scale.to - scale.from)}`;
    steps.push(action);
    // Removed pods are gone at once; added ones are not available yet.
    newRS = { ...result.newReplicaSet!, availableReplicas: Math.min(newRS.availableReplicas, result.newReplicaSet!.replicas) };
    oldRS = { ...result.oldReplicaSets[0], availableReplicas: Math.min(oldRS.availableReplicas, result.oldReplicaSets[0].replicas) };
    rows.push({ sync, action, newSpec: newRS.replicas, newAvail: newRS.availableReplicas, oldSpec: oldRS.replicas, oldAvail: oldRS.availableReplicas });
  }
  return { steps, rows };
}

describe('step orders documented above ResolveFenceposts (deployment_util.go)', () => {
  const cases: [number, IntOrPercent, IntOrPercent, string[]][] = [
    [2, '0%', '1%', ['old−1', 'new+1', 'old−1', 'new+1']],
    [1, '0%', '1%', ['old−1', 'new+1']],
    [2, '1%', '25%', ['new+1', 'old−1', 'new+1', 'old−1']],
    [1, '1%', '25%', ['new+1', 'old−1']],
    [2, '1%', '0%', ['new+1', 'old−1', 'new+1', 'old−1']],
    [1, '1%', '0%', ['new+1', 'old−1']],
  ];
  for (const [replicas, surge, unavailable, expected] of cases) {
    test(`${replicas} desired, max unavailable ${unavailable}, surge ${surge}: ${expected.join(', ')}`, () => {
      assert.deepEqual(stepOrder(replicas, surge, unavailable).steps, expected);
    });
  }
});

describe('timelines worked out by hand from the controller rules', () => {
  test('R=10, maxSurge 25% → 3, maxUnavailable 25% → 2 (table)', () => {
    const { rows } = stepOrder(10, '25%', '25%');
    // sync | action | new spec | new avail | old spec | old avail, as worked out by hand.
    assert.deepEqual(
      rows.map((r) => [r.sync, r.action, r.newSpec, r.newAvail, r.oldSpec, r.oldAvail]),
      [
        [0, 'start', 0, 0, 10, 10],
        [1, 'new+3', 3, 0, 10, 10],
        [2, 'old−5', 3, 3, 5, 5],
        [3, 'new+5', 8, 3, 5, 5],
        [4, 'old−5', 8, 8, 0, 0],
        [5, 'new+2', 10, 8, 0, 0],
      ],
    );
  });

  test('R=3, 25%/25% → surge 1, unavailable 0: new+1, old−1 three times', () => {
    assert.deepEqual(stepOrder(3, '25%', '25%').steps, ['new+1', 'old−1', 'new+1', 'old−1', 'new+1', 'old−1']);
  });

  test('R=4, maxSurge 0, maxUnavailable 1: old−1, new+1 four times', () => {
    assert.deepEqual(stepOrder(4, 0, 1).steps, ['old−1', 'new+1', 'old−1', 'new+1', 'old−1', 'new+1', 'old−1', 'new+1']);
  });
});

describe('one sync, as rollout --reconcile computes it', () => {
  const d = { replicas: 10, strategy: { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } };

  test('creating the new ReplicaSet sizes it and, in the same sync, scales the old one down (rolling.go case 2)', () => {
    const result = syncDeployment({ deployment: d, newReplicaSet: null, oldReplicaSets: [{ name: 'old', replicas: 10, availableReplicas: 10 }] });
    assert.equal(result.createdNewReplicaSet, true);
    assert.deepEqual(result.scales, [
      { replicaSet: 'new', from: 0, to: 3 },
      { replicaSet: 'old', from: 10, to: 8 },
    ]);
    assert.equal(result.action, 'scale-down');
  });

  test('crashlooping new pods: 13 − 8 − 5 = 0, nothing is scaled down even when an old pod fails (rolling.go case 1)', () => {
    const result = syncDeployment({
      deployment: d,
      newReplicaSet: { name: 'new', replicas: 5, availableReplicas: 0 },
      oldReplicaSets: [{ name: 'old', replicas: 8, availableReplicas: 7 }],
    });
    assert.deepEqual(result.scales, []);
    assert.equal(result.action, 'none');
    assert.match(result.reason, /waiting: 5 new pod/);
  });

  test('Recreate: old sets to 0 first, then — once no old pod runs — the new set straight to R', () => {
    const recreate = { replicas: 4, strategy: { type: 'Recreate' as const } };
    const first = syncDeployment({ deployment: recreate, newReplicaSet: null, oldReplicaSets: [{ name: 'old', replicas: 4, availableReplicas: 4 }] });
    assert.deepEqual(first.scales, [{ replicaSet: 'old', from: 4, to: 0 }]);
    const waiting = syncDeployment({ deployment: recreate, newReplicaSet: null, oldReplicaSets: first.oldReplicaSets, oldPodsRunning: true });
    assert.deepEqual(waiting.scales, []);
    const last = syncDeployment({ deployment: recreate, newReplicaSet: null, oldReplicaSets: first.oldReplicaSets, oldPodsRunning: false });
    assert.deepEqual(last.scales, [{ replicaSet: 'new', from: 0, to: 4 }]);
    assert.equal(last.action, 'scale-up');
  });
});

describe('proportional scaling (sync.go scale)', () => {
  test('the Kubernetes documentation example: 10 → 15 replicas mid-rollout, maxSurge 3: old +3 (to 11), new +2 (to 7)', () => {
    // Before: old 8 and new 5 (13 = 10 + 3), both sized for 10 replicas / 13 max.
    const annotations = { desiredReplicas: 10, maxReplicas: 13 };
    const d = { replicas: 15, strategy: { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } };
    const result = syncDeployment({
      deployment: d,
      newReplicaSet: { name: 'new', replicas: 5, availableReplicas: 0, ...annotations },
      oldReplicaSets: [{ name: 'old', replicas: 8, availableReplicas: 8, ...annotations }],
    });
    assert.equal(result.step, 'scale');
    assert.deepEqual(result.scales, [
      { replicaSet: 'old', from: 8, to: 11 },
      { replicaSet: 'new', from: 5, to: 7 },
    ]);
    assert.equal(result.newReplicaSet!.desiredReplicas, 15);
    assert.equal(result.oldReplicaSets[0].maxReplicas, 18);
  });

  test('scaling down shares the removal the same way, larger set first, leftovers to it', () => {
    const annotations = { desiredReplicas: 10, maxReplicas: 12 };
    const d = { replicas: 5, strategy: { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } };
    // allowed 6, current 12 → remove 6: old round(7·6/12)−7 = −3 (rounded 3.5 up to 4), new round(5·6/12)−5 = −2 (2.5 → 3); leftover −1 to the largest.
    const result = proportionalScale(d, { name: 'new', replicas: 5, availableReplicas: 5, ...annotations }, [
      { name: 'old', replicas: 7, availableReplicas: 7, ...annotations },
    ]);
    assert.deepEqual(result.scales, [
      { replicaSet: 'old', from: 7, to: 3 },
      { replicaSet: 'new', from: 5, to: 3 },
    ]);
    assert.equal(result.action, 'scale-down');
  });

  test('with one active set, that set simply takes the new replicas', () => {
    const d = { replicas: 6, strategy: { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } } };
    const result = syncDeployment({
      deployment: d,
      newReplicaSet: { name: 'new', replicas: 4, availableReplicas: 4, desiredReplicas: 4 },
      oldReplicaSets: [{ name: 'old', replicas: 0, availableReplicas: 0 }],
    });
    assert.deepEqual(result.scales, [{ replicaSet: 'new', from: 4, to: 6 }]);
  });
});
