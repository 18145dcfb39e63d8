/**
 * The Deployment controller's own table-driven tests, restated as data against our restatement
 * of the controller (core/src/rollout/fenceposts.ts, deploymentSync.ts), and the
 * StatefulSet / DaemonSet limit tables (statefulSetRollout.ts, daemonSetRollout.ts). Every row of
 * each upstream table is here, in upstream order; a row's comment says what upstream asserts when
 * it checks less than the row states.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DeploymentStrategySpec, IntOrPercent } from '../../common/src/rollout';
import {
  cleanupUnhealthyReplicas,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  replicaSetFraction,
  scaleDownOldReplicaSetsForRollingUpdate,
  type ReplicaSetState,
} from '../../core/src/rollout/deploymentSync';
import { maxUnavailable, minAvailable, newRSNewReplicas, resolveFenceposts, RolloutSpecError } from '../../core/src/rollout/fenceposts';
import { daemonSetFenceposts } from '../../core/src/rollout/daemonSetRollout';
import { getStatefulSetMaxUnavailable } from '../../core/src/rollout/statefulSetRollout';

const rs = (name: string, replicas: number, availableReplicas = 0): ReplicaSetState => ({ name, replicas, availableReplicas });
const rolling = (maxSurge: IntOrPercent, maxUnavailable: IntOrPercent): DeploymentStrategySpec => ({
  type: 'RollingUpdate',
  rollingUpdate: { maxSurge, maxUnavailable },
});

// kubernetes/kubernetes pkg/controller/deployment/rolling_test.go
// @00bdb3fade2ef1ada898bd8fae2c6a1958da3a5d (the 2016 version @bb81beffb115fe12707e92461e057dd63c5f66bd has the same rows)
describe('rolling_test.go TestDeploymentController_reconcileNewReplicaSet', () => {
  // Upstream: newRS and oldRS in allRSs, maxUnavailable 0.
  const rows = [
    { deploymentReplicas: 10, maxSurge: 0, oldReplicas: 10, newReplicas: 0, scaleExpected: false, note: 'should not scale up' },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 10, newReplicas: 0, scaleExpected: true, expectedNewReplicas: 2 },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 5, newReplicas: 0, scaleExpected: true, expectedNewReplicas: 7 },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 10, newReplicas: 2, scaleExpected: false },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 2, newReplicas: 11, scaleExpected: true, expectedNewReplicas: 10, note: 'should scale down' },
  ];
  rows.forEach((row, i) => {
    test(`row ${i}: R=${row.deploymentReplicas} surge ${row.maxSurge}, old ${row.oldReplicas}, new ${row.newReplicas}${row.note ? ` (${row.note})` : ''}`, () => {
      const d = { replicas: row.deploymentReplicas, strategy: rolling(row.maxSurge, 0) };
      const newRS = rs('foo-v2', row.newReplicas);
      const scale = reconcileNewReplicaSet(d, [newRS, rs('foo-v1', row.oldReplicas)], newRS);
      if (!row.scaleExpected) assert.equal(scale, null);
      else assert.deepEqual(scale, { replicaSet: 'foo-v2', from: row.newReplicas, to: row.expectedNewReplicas });
    });
  });
});

describe('rolling_test.go TestDeploymentController_reconcileOldReplicaSets', () => {
  // Upstream: maxSurge 0; asserts whether scaling happened. The expected old replicas are in the
  // table too, and we check them as well.
  const rows = [
    {
      deploymentReplicas: 10,
      maxUnavailable: 0,
      oldReplicas: 10,
      newReplicas: 0,
      readyPodsFromOldRS: 10,
      readyPodsFromNewRS: 0,
      scaleExpected: true,
      expectedOldReplicas: 9,
    },
    {
      deploymentReplicas: 10,
      maxUnavailable: 2,
      oldReplicas: 10,
      newReplicas: 0,
      readyPodsFromOldRS: 10,
      readyPodsFromNewRS: 0,
      scaleExpected: true,
      expectedOldReplicas: 8,
    },
    {
      deploymentReplicas: 10,
      maxUnavailable: 2,
      oldReplicas: 10,
      newReplicas: 0,
      readyPodsFromOldRS: 8,
      readyPodsFromNewRS: 0,
      scaleExpected: true,
      expectedOldReplicas: 8,
      note: 'unhealthy old replicas cleaned up',
    },
    {
      deploymentReplicas: 10,
      maxUnavailable: 2,
      oldReplicas: 10,
      newReplicas: 0,
      readyPodsFromOldRS: 9,
      readyPodsFromNewRS: 0,
      scaleExpected: true,
      expectedOldReplicas: 8,
      note: '1 unhealthy cleaned up, 1 ready scaled down',
    },
    {
      deploymentReplicas: 10,
      maxUnavailable: 2,
      oldReplicas: 8,
      newReplicas: 2,
      readyPodsFromOldRS: 8,
      readyPodsFromNewRS: 0,
      scaleExpected: false,
      note: 'unavailable new pods block further scale-down',
    },
  ];
  rows.forEach((row, i) => {
    test(`row ${i}: R=${row.deploymentReplicas} maxUnavailable ${row.maxUnavailable}, old ${row.oldReplicas}/${row.readyPodsFromOldRS}, new ${row.newReplicas}/${row.readyPodsFromNewRS}${row.note ? ` (${row.note})` : ''}`, () => {
      const d = { replicas: row.deploymentReplicas, strategy: rolling(0, row.maxUnavailable) };
      const newRS = rs('foo-new', row.newReplicas, row.readyPodsFromNewRS);
      const oldRS = rs('foo-old', row.oldReplicas, row.readyPodsFromOldRS);
      const result = reconcileOldReplicaSets(d, [oldRS, newRS], [oldRS], newRS);
      assert.equal(result.count > 0, row.scaleExpected);
      assert.equal(result.oldReplicaSets[0].replicas, row.scaleExpected ? row.expectedOldReplicas : row.oldReplicas);
    });
  });
});

describe('rolling_test.go TestDeploymentController_cleanupUnhealthyReplicas', () => {
  // Upstream: one old RS; deployment R=10, maxSurge 2, maxUnavailable 2.
  const rows = [
    { oldReplicas: 10, readyPods: 8, unHealthyPods: 2, maxCleanupCount: 1, cleanupCountExpected: 1 },
    { oldReplicas: 10, readyPods: 8, unHealthyPods: 2, maxCleanupCount: 3, cleanupCountExpected: 2 },
    { oldReplicas: 10, readyPods: 8, unHealthyPods: 2, maxCleanupCount: 0, cleanupCountExpected: 0 },
    { oldReplicas: 10, readyPods: 10, unHealthyPods: 0, maxCleanupCount: 3, cleanupCountExpected: 0 },
  ];
  rows.forEach((row, i) => {
    test(`row ${i}: old ${row.oldReplicas} with ${row.unHealthyPods} unhealthy, at most ${row.maxCleanupCount} → ${row.cleanupCountExpected}`, () => {
      assert.equal(row.oldReplicas - row.readyPods, row.unHealthyPods, 'the row is consistent');
      const d = { replicas: 10, strategy: rolling(2, 2) };
      const result = cleanupUnhealthyReplicas(d, [rs('foo-v2', row.oldReplicas, row.readyPods)], row.maxCleanupCount);
      assert.equal(result.count, row.cleanupCountExpected);
      assert.equal(result.oldReplicaSets[0].replicas, row.oldReplicas - row.cleanupCountExpected);
    });
  });
});

describe('rolling_test.go TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate', () => {
  // Upstream: allRSs and oldRSs are both [oldRS]; maxSurge 0.
  const rows = [
    { deploymentReplicas: 10, maxUnavailable: 0, readyPods: 10, oldReplicas: 10, scaleExpected: true, expectedOldReplicas: 9 },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 10, oldReplicas: 10, scaleExpected: true, expectedOldReplicas: 8 },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 8, oldReplicas: 10, scaleExpected: false },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 10, oldReplicas: 0, scaleExpected: false },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 1, oldReplicas: 10, scaleExpected: false },
  ];
  rows.forEach((row, i) => {
    test(`row ${i}: R=${row.deploymentReplicas} maxUnavailable ${row.maxUnavailable}, old ${row.oldReplicas} with ${row.readyPods} available`, () => {
      const d = { replicas: row.deploymentReplicas, strategy: rolling(0, row.maxUnavailable) };
      const oldRS = rs('foo-v2', row.oldReplicas, row.readyPods);
      const result = scaleDownOldReplicaSetsForRollingUpdate(d, [oldRS], [oldRS]);
      if (!row.scaleExpected) {
        assert.equal(result.count, 0);
        assert.deepEqual(result.scales, []);
      } else {
        assert.deepEqual(result.scales, [{ replicaSet: 'foo-v2', from: row.oldReplicas, to: row.expectedOldReplicas }], 'exactly one update');
      }
    });
  });
});

// kubernetes/kubernetes pkg/controller/deployment/util/deployment_util_test.go @00216e4596922fe546c0e5548921d01e2d91db12
describe('deployment_util_test.go TestResolveFenceposts', () => {
  const rows: { maxSurge?: string; maxUnavailable?: string; desired: number; expectSurge: number; expectUnavailable: number; expectError: boolean }[] = [
    { maxSurge: '0%', maxUnavailable: '0%', desired: 0, expectSurge: 0, expectUnavailable: 1, expectError: false },
    { maxSurge: '39%', maxUnavailable: '39%', desired: 10, expectSurge: 4, expectUnavailable: 3, expectError: false },
    { maxSurge: 'oops', maxUnavailable: '39%', desired: 10, expectSurge: 0, expectUnavailable: 0, expectError: true },
    { maxSurge: '55%', maxUnavailable: 'urg', desired: 10, expectSurge: 0, expectUnavailable: 0, expectError: true },
    { maxSurge: undefined, maxUnavailable: '39%', desired: 10, expectSurge: 0, expectUnavailable: 3, expectError: false },
    { maxSurge: '39%', maxUnavailable: undefined, desired: 10, expectSurge: 4, expectUnavailable: 0, expectError: false },
    { maxSurge: undefined, maxUnavailable: undefined, desired: 10, expectSurge: 0, expectUnavailable: 1, expectError: false },
  ];
  rows.forEach((row, i) => {
    test(`row ${i}: ${row.maxSurge ?? 'nil'}/${row.maxUnavailable ?? 'nil'} of ${row.desired}`, () => {
      if (row.expectError) {
        // Upstream returns 0, 0 with the error; ours throws.
        assert.throws(() => resolveFenceposts(row.maxSurge, row.maxUnavailable, row.desired), RolloutSpecError);
        return;
      }
      assert.deepEqual(resolveFenceposts(row.maxSurge, row.maxUnavailable, row.desired), { surge: row.expectSurge, unavailable: row.expectUnavailable });
    });
  });
});

describe('deployment_util_test.go TestMaxUnavailable', () => {
  // Upstream: maxSurge 1, RollingUpdate (one row Recreate, no replicas set → 0).
  const rows: { name: string; replicas: number; maxUnavailable?: IntOrPercent; recreate?: boolean; expected: number }[] = [
    { name: 'maxUnavailable less than replicas', replicas: 10, maxUnavailable: 5, expected: 5 },
    { name: 'maxUnavailable equal replicas', replicas: 10, maxUnavailable: 10, expected: 10 },
    { name: 'maxUnavailable greater than replicas', replicas: 5, maxUnavailable: 10, expected: 5 },
    { name: 'maxUnavailable with replicas is 0', replicas: 0, maxUnavailable: 10, expected: 0 },
    { name: 'maxUnavailable with Recreate deployment strategy', replicas: 0, recreate: true, expected: 0 },
    { name: 'maxUnavailable less than replicas with percents', replicas: 10, maxUnavailable: '50%', expected: 5 },
    { name: 'maxUnavailable equal replicas with percents', replicas: 10, maxUnavailable: '100%', expected: 10 },
    { name: 'maxUnavailable greater than replicas with percents', replicas: 5, maxUnavailable: '100%', expected: 5 },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const strategy: DeploymentStrategySpec = row.recreate ? { type: 'Recreate' } : rolling(1, row.maxUnavailable!);
      assert.equal(maxUnavailable({ replicas: row.replicas, strategy }), row.expected);
    });
  }
});

describe('deployment_util_test.go TestMinAvailable', () => {
  const rows: { name: string; replicas: number; maxUnavailable?: IntOrPercent; recreate?: boolean; expected: number }[] = [
    { name: 'replicas greater than maxUnavailable', replicas: 10, maxUnavailable: 5, expected: 5 },
    { name: 'replicas equal maxUnavailable', replicas: 10, maxUnavailable: 10, expected: 0 },
    { name: 'replicas less than maxUnavailable', replicas: 5, maxUnavailable: 10, expected: 0 },
    { name: 'replicas is 0', replicas: 0, maxUnavailable: 10, expected: 0 },
    { name: 'minAvailable with Recreate deployment strategy', replicas: 10, recreate: true, expected: 0 },
    { name: 'replicas greater than maxUnavailable with percents', replicas: 10, maxUnavailable: '60%', expected: 4 },
    { name: 'replicas equal maxUnavailable with percents', replicas: 10, maxUnavailable: '100%', expected: 0 },
    { name: 'replicas less than maxUnavailable with percents', replicas: 5, maxUnavailable: '100%', expected: 0 },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const strategy: DeploymentStrategySpec = row.recreate ? { type: 'Recreate' } : rolling(1, row.maxUnavailable!);
      assert.equal(minAvailable({ replicas: row.replicas, strategy }), row.expected);
    });
  }
});

describe('deployment_util_test.go TestNewRSNewReplicas', () => {
  // Upstream: allRSs is one other RS of 5 replicas (the new RS itself is not in it); maxUnavailable 1.
  const rows: { name: string; strategyType: 'RollingUpdate' | 'Recreate'; depReplicas: number; newRSReplicas: number; maxSurge: number; expected: number }[] = [
    { name: 'can not scale up - to newRSReplicas', strategyType: 'RollingUpdate', depReplicas: 1, newRSReplicas: 5, maxSurge: 1, expected: 5 },
    { name: 'scale up - to depReplicas', strategyType: 'RollingUpdate', depReplicas: 6, newRSReplicas: 2, maxSurge: 10, expected: 6 },
    { name: 'recreate - to depReplicas', strategyType: 'Recreate', depReplicas: 3, newRSReplicas: 1, maxSurge: 1, expected: 3 },
  ];
  for (const row of rows) {
    test(row.name, () => {
      // Upstream sets rollingUpdate even for Recreate; NewRSNewReplicas ignores it there.
      const strategy: DeploymentStrategySpec = row.strategyType === 'Recreate' ? { type: 'Recreate' } : rolling(row.maxSurge, 1);
      assert.equal(newRSNewReplicas({ replicas: row.depReplicas, strategy }, 5, row.newRSReplicas), row.expected);
    });
  }
});

describe('deployment_util_test.go TestGetReplicaSetFraction', () => {
  // Upstream: maxUnavailable 1; maxSurge as given (0 when unset); status.replicas 0 when unset.
  const rows: {
    name: string;
    deploymentReplicas: number;
    deploymentStatusReplicas?: number;
    deploymentMaxSurge?: number;
    rsReplicas: number;
    maxReplicasAnnotation?: number;
    expectedFraction: number;
  }[] = [
    { name: 'empty deployment always scales to 0', deploymentReplicas: 0, rsReplicas: 10, expectedFraction: -10 },
    { name: 'unsynced deployment does not scale when max-replicas annotation is missing', deploymentReplicas: 10, rsReplicas: 5, expectedFraction: 0 },
    {
      name: 'unsynced deployment does not scale when max-replicas annotation is 0',
      deploymentReplicas: 10,
      rsReplicas: 5,
      maxReplicasAnnotation: 0,
      expectedFraction: 0,
    },
    { name: 'scale up by 1/5 without max-replicas annotation', deploymentReplicas: 120, deploymentStatusReplicas: 100, rsReplicas: 50, expectedFraction: 10 },
    {
      name: 'scale up by 1/5 with max-replicas annotation 0',
      deploymentReplicas: 120,
      deploymentStatusReplicas: 100,
      rsReplicas: 50,
      maxReplicasAnnotation: 0,
      expectedFraction: 10,
    },
    { name: 'scale up by 1/5', deploymentReplicas: 120, rsReplicas: 50, maxReplicasAnnotation: 100, expectedFraction: 10 },
    { name: 'scale up with maxSurge by about 1/5', deploymentReplicas: 120, deploymentMaxSurge: 10, rsReplicas: 50, maxReplicasAnnotation: 110, expectedFraction: 9 },
    { name: 'scale down by 1/6', deploymentReplicas: 10, rsReplicas: 6, maxReplicasAnnotation: 12, expectedFraction: -1 },
    { name: 'scale down with maxSurge by about 1/6', deploymentReplicas: 100, deploymentMaxSurge: 10, rsReplicas: 50, maxReplicasAnnotation: 130, expectedFraction: -8 },
  ];
  for (const row of rows) {
    test(row.name, () => {
      const d = { replicas: row.deploymentReplicas, strategy: rolling(row.deploymentMaxSurge ?? 0, 1), statusReplicas: row.deploymentStatusReplicas ?? 0 };
      assert.equal(
        replicaSetFraction(d, { name: 'nginx', replicas: row.rsReplicas, availableReplicas: 0, maxReplicas: row.maxReplicasAnnotation }),
        row.expectedFraction,
      );
    });
  }
});

// kubernetes/kubernetes pkg/controller/statefulset/stateful_set_utils_test.go TestGetStatefulSetMaxUnavailable,
// the stored version that uses ptr.To(intstr.FromInt32(…)) (an older stored version with
// intOrStrP(intstr.FromInt(…)) has the same rows; the index did not name the commit of either).
// The function under test: getStatefulSetMaxUnavailable in stateful_set_utils.go — unset → 1,
// a percentage rounds down, the result is at least 1. Upstream notes 0 and 0% "should have been
// forbidden by API validation" but tests them anyway.
describe('stateful_set_utils_test.go TestGetStatefulSetMaxUnavailable', () => {
  const rows: { maxUnavailable: IntOrPercent | undefined; replicaCount: number; expectedMaxUnavailable: number }[] = [
    { maxUnavailable: undefined, replicaCount: 10, expectedMaxUnavailable: 1 },
    { maxUnavailable: 3, replicaCount: 10, expectedMaxUnavailable: 3 },
    { maxUnavailable: 3, replicaCount: 0, expectedMaxUnavailable: 3 },
    { maxUnavailable: 0, replicaCount: 0, expectedMaxUnavailable: 1 },
    { maxUnavailable: '10%', replicaCount: 25, expectedMaxUnavailable: 2 },
    { maxUnavailable: '100%', replicaCount: 5, expectedMaxUnavailable: 5 },
    { maxUnavailable: '50%', replicaCount: 5, expectedMaxUnavailable: 2 },
    { maxUnavailable: '10%', replicaCount: 5, expectedMaxUnavailable: 1 },
    { maxUnavailable: '1%', replicaCount: 0, expectedMaxUnavailable: 1 },
    { maxUnavailable: '0%', replicaCount: 0, expectedMaxUnavailable: 1 },
  ];
  rows.forEach((row, i) => {
    test(`case ${i}: ${row.maxUnavailable ?? 'nil'} of ${row.replicaCount} → ${row.expectedMaxUnavailable}`, () => {
      assert.equal(getStatefulSetMaxUnavailable(row.maxUnavailable, row.replicaCount), row.expectedMaxUnavailable);
    });
  });
});

// kubernetes/kubernetes pkg/controller/daemon/update_test.go TestGetUnavailableNumbers, the stored
// version that calls updatedDesiredNodeCounts (ManagerFunc/ktesting; commit not named by the index),
// against update.go @7e74f25fe703011bd5f640025bfd04452a59ba5c (updatedDesiredNodeCounts, with
// util.SurgeCount / util.UnavailableCount rounding percentages up against the nodes that should run
// the pod, and the 0/0 → unavailable 1 rule only when at least one node should).
// newUpdateUnavailable(v) sets maxUnavailable v (maxSurge unset → 0); newUpdateSurge(v) sets
// maxSurge v with maxUnavailable 0. Every node in these rows should run the pod, so
// desiredNumberScheduled is the node count; emptyNodes (nodes the function adds with no pods) is
// the node count minus the nodes the row maps pods to. The older getUnavailableNumbers table
// (@07ef5fd76bd65d4f6713c40ca7fbe9f8c3c7c1df) predates the 0/0 rule (its "one node without pods",
// maxUnavailable 0 row expects 0) and is superseded by this one.
describe('update_test.go TestGetUnavailableNumbers (updatedDesiredNodeCounts)', () => {
  const unavailable = (v: IntOrPercent) => ({ maxUnavailable: v });
  const surge = (v: IntOrPercent) => ({ maxSurge: v, maxUnavailable: 0 });
  const rows: {
    name: string;
    nodes: number;
    strategy: { maxSurge?: IntOrPercent; maxUnavailable: IntOrPercent };
    nodesWithPods: number;
    maxSurge: number;
    maxUnavailable: number;
    desiredNumberScheduled: number;
    emptyNodes: number;
  }[] = [
    { name: 'No nodes', nodes: 0, strategy: unavailable(0), nodesWithPods: 0, maxSurge: 0, maxUnavailable: 0, desiredNumberScheduled: 0, emptyNodes: 0 },
    { name: 'Two nodes with ready pods', nodes: 2, strategy: unavailable(1), nodesWithPods: 2, maxSurge: 0, maxUnavailable: 1, desiredNumberScheduled: 2, emptyNodes: 0 },
    {
      name: 'Two nodes, one node without pods',
      nodes: 2,
      strategy: unavailable(0),
      nodesWithPods: 1,
      maxSurge: 0,
      maxUnavailable: 1,
      desiredNumberScheduled: 2,
      emptyNodes: 1,
    },
    {
      name: 'Two nodes, one node without pods, surge',
      nodes: 2,
      strategy: surge(0),
      nodesWithPods: 1,
      maxSurge: 0,
      maxUnavailable: 1,
      desiredNumberScheduled: 2,
      emptyNodes: 1,
    },
    {
      name: 'Two nodes with pods, MaxUnavailable in percents',
      nodes: 2,
      strategy: unavailable('50%'),
      nodesWithPods: 2,
      maxSurge: 0,
      maxUnavailable: 1,
      desiredNumberScheduled: 2,
      emptyNodes: 0,
    },
    {
      name: 'Two nodes with pods, MaxUnavailable in percents, surge',
      nodes: 2,
      strategy: surge('50%'),
      nodesWithPods: 2,
      maxSurge: 1,
      maxUnavailable: 0,
      desiredNumberScheduled: 2,
      emptyNodes: 0,
    },
    {
      name: 'Two nodes with pods, MaxUnavailable is 100%, surge',
      nodes: 2,
      strategy: surge('100%'),
      nodesWithPods: 2,
      maxSurge: 2,
      maxUnavailable: 0,
      desiredNumberScheduled: 2,
      emptyNodes: 0,
    },
    // Three nodes (despite the name), one pod terminating: 50% of 3 rounds up to 2.
    {
      name: 'Two nodes with pods, MaxUnavailable in percents, pod terminating',
      nodes: 3,
      strategy: unavailable('50%'),
      nodesWithPods: 2,
      maxSurge: 0,
      maxUnavailable: 2,
      desiredNumberScheduled: 3,
      emptyNodes: 1,
    },
  ];
  for (const row of rows) {
    test(row.name, () => {
      assert.deepEqual(daemonSetFenceposts(row.strategy, row.nodes), { maxSurge: row.maxSurge, maxUnavailable: row.maxUnavailable });
      // desiredNumberScheduled / emptyNodes: the simulator's node count is the setting itself, one slot per node.
      assert.equal(row.nodes, row.desiredNumberScheduled);
      assert.equal(row.nodes - row.nodesWithPods, row.emptyNodes);
    });
  }
});
