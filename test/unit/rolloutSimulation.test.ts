/**
 * The rollout simulator over time (core/src/rollout): the seed scenario, pod timing
 * from the template, Recreate's downtime, the progress deadline, proportional scaling mid-rollout,
 * StatefulSet and DaemonSet updates, and invariants over random workloads (seeded PRNG).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DaemonSetWorkload, DeploymentWorkload, IntOrPercent, PodLane, RolloutTimeline, StatefulSetWorkload } from '../../common/src/rollout';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';

function deployment(overrides: Partial<DeploymentWorkload> = {}): DeploymentWorkload {
  return {
    kind: 'Deployment',
    name: 'nginx-deployment',
    replicas: 3,
    minReadySeconds: 0,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    progressDeadlineSeconds: 600,
    pod: { terminationGracePeriodSeconds: 30 },
    ...overrides,
  };
}

function statefulSet(overrides: Partial<StatefulSetWorkload> = {}): StatefulSetWorkload {
  return {
    kind: 'StatefulSet',
    name: 'web',
    replicas: 3,
    minReadySeconds: 0,
    updateStrategy: { type: 'RollingUpdate', partition: 0, maxUnavailable: 1 },
    podManagementPolicy: 'OrderedReady',
    pod: { terminationGracePeriodSeconds: 10 },
    ...overrides,
  };
}

function daemonSet(overrides: Partial<DaemonSetWorkload> = {}): DaemonSetWorkload {
  return {
    kind: 'DaemonSet',
    name: 'agent',
    minReadySeconds: 0,
    updateStrategy: { type: 'RollingUpdate', maxUnavailable: 1, maxSurge: 0 },
    pod: { terminationGracePeriodSeconds: 10 },
    ...overrides,
  };
}

const eventLines = (timeline: RolloutTimeline) => timeline.events.map((e) => `${e.t} ${e.replicaSet} ${e.from}→${e.to}`);
const lane = (timeline: RolloutTimeline, id: string): PodLane => {
  const found = timeline.lanes.find((l) => l.id === id);
  assert.ok(found, `lane ${id} in ${timeline.lanes.map((l) => l.id).join(', ')}`);
  return found;
};
const phases = (l: PodLane) => l.phases.map((p) => `${p.phase} ${p.start}-${p.end}`);

/** Lanes are drawable: phases in order, back to back, terminating last; only a pod's final phase may be empty. */
function assertLanesWellFormed(timeline: RolloutTimeline): void {
  for (const l of timeline.lanes) {
    assert.ok(l.phases.length > 0, `${l.id} has at least a mark`);
    l.phases.forEach((p, i) => {
      if (i < l.phases.length - 1) assert.ok(p.end > p.start, `${l.id}: ${p.phase} has a length`);
      else assert.ok(p.end >= p.start, `${l.id}: ${p.phase} ends after it starts`);
      if (i > 0) assert.equal(p.start, l.phases[i - 1].end, `${l.id}: phases are back to back`);
      if (p.phase === 'terminating') assert.equal(i, l.phases.length - 1, `${l.id}: terminating is last`);
    });
  }
  assert.equal(new Set(timeline.lanes.map((l) => l.id)).size, timeline.lanes.length, 'lane ids are unique');
}

describe('Deployment RollingUpdate timeline', () => {
  test('the seed scenario: 3 replicas, 25%/25% → create one, wait until available, remove one, repeat', () => {
    const timeline = simulateRollout(deployment());
    assert.deepEqual(eventLines(timeline), [
      '0 nginx-deployment-new 0→1',
      '5 nginx-deployment-old 3→2',
      '5 nginx-deployment-new 1→2',
      '10 nginx-deployment-old 2→1',
      '10 nginx-deployment-new 2→3',
      '15 nginx-deployment-old 1→0',
    ]);
    assert.deepEqual(timeline.limits, { replicas: 3, maxSurge: 1, maxUnavailable: 0, minAvailable: 3, maxPods: 4 });
    const { summary } = timeline;
    assert.deepEqual(
      {
        outcome: summary.outcome,
        durationSeconds: summary.durationSeconds,
        maxPods: summary.maxPods,
        minAvailable: summary.minAvailable,
        lastPodGoneSeconds: summary.lastPodGoneSeconds,
        podsReplaced: summary.podsReplaced,
      },
      { outcome: 'complete', durationSeconds: 15, maxPods: 4, minAvailable: 3, lastPodGoneSeconds: 45, podsReplaced: 3 },
    );
    assert.equal(timeline.lanes.length, 6);
    assert.deepEqual(phases(lane(timeline, 'nginx-deployment-new-1')), ['pending 0-5', 'available 5-45']);
    assert.deepEqual(phases(lane(timeline, 'nginx-deployment-old-3')), ['available 0-5', 'terminating 5-35']);
    assertLanesWellFormed(timeline);
    // Each event points at the sync that made it, and the sync's snapshot shows the result.
    for (const event of timeline.events) {
      const sync = timeline.syncs[event.sync];
      assert.equal(sync.t, event.t);
      assert.equal(sync.groups.find((g) => g.name === event.replicaSet)?.desired, event.to);
    }
  });

  test('R=10, 25%/25%: the new set is created at 3 and the old one scaled to 8 at once, as the controller does', () => {
    const timeline = simulateRollout(deployment({ replicas: 10 }));
    assert.deepEqual(eventLines(timeline).slice(0, 3), ['0 nginx-deployment-new 0→3', '0 nginx-deployment-old 10→8', '0 nginx-deployment-new 3→5']);
    assert.equal(timeline.summary.maxPods, 13);
    assert.equal(timeline.summary.minAvailable, 8);
  });

  test('R=10, 25%/25%, pods Ready 2 s after creation: the controller acts on each pod turning Ready, not on the whole batch', () => {
    // Seen with the real controllers (kube-controller-manager 1.37.2, kwok, pods Ready 2 s after binding):
    // (3,10) (3,8) (5,8) (5,7) (6,7) (6,6) … (10,0); a simulator moving the batch at once went (5,8) → (5,3).
    const timeline = simulateRollout(deployment({ replicas: 10, pod: { terminationGracePeriodSeconds: 0 } }), { podStartSeconds: 2 });
    const size = { 'nginx-deployment-new': 0, 'nginx-deployment-old': 10 };
    const states = timeline.events.map((e) => {
      size[e.replicaSet as keyof typeof size] = e.to;
      return `(${size['nginx-deployment-new']},${size['nginx-deployment-old']})`;
    });
    assert.deepEqual(states.slice(0, 6), ['(3,10)', '(3,8)', '(5,8)', '(5,7)', '(6,7)', '(6,6)']);
    assert.equal(states[states.length - 1], '(10,0)');
    assert.equal(timeline.summary.maxPods, 13);
    assert.equal(timeline.summary.minAvailable, 8);
  });

  test('pod timing: image pull and start, then the readiness probe (initialDelay + (successThreshold − 1) × period), then minReadySeconds', () => {
    const timeline = simulateRollout(
      deployment({
        replicas: 1,
        minReadySeconds: 10,
        pod: { terminationGracePeriodSeconds: 20, readinessProbe: { initialDelaySeconds: 10, periodSeconds: 5, successThreshold: 3 } },
      }),
      { podStartSeconds: 2 },
    );
    assert.equal(timeline.assumptions.readinessDelaySeconds, 20);
    // The lane runs on until the old pod is gone (32 + 20 s).
    assert.deepEqual(phases(lane(timeline, 'nginx-deployment-new-1')), ['pending 0-2', 'starting 2-22', 'ready 22-32', 'available 32-52']);
    // R=1, 25%/25% → surge 1, unavailable 0: the old pod goes when the new one is available (32 s).
    assert.deepEqual(eventLines(timeline), ['0 nginx-deployment-new 0→1', '32 nginx-deployment-old 1→0']);
    assert.equal(timeline.summary.durationSeconds, 32);
    assert.equal(timeline.summary.lastPodGoneSeconds, 52);
    assertLanesWellFormed(timeline);
  });

  test('Recreate: every old pod terminates before any new pod starts; the downtime window is reported', () => {
    const timeline = simulateRollout(deployment({ replicas: 4, strategy: { type: 'Recreate' } }));
    assert.deepEqual(eventLines(timeline), ['0 nginx-deployment-old 4→0', '30 nginx-deployment-new 0→4']);
    assert.deepEqual(timeline.summary.downtime, [{ start: 0, end: 35 }]);
    assert.equal(timeline.summary.minAvailable, 0);
    assert.equal(timeline.summary.maxPods, 4);
    assert.equal(timeline.summary.durationSeconds, 35);
    assert.match(timeline.notes.join(' '), /Recreate/);
  });

  test('new pods that never become ready: the rollout stops at the floor and times out at progressDeadlineSeconds', () => {
    const timeline = simulateRollout(deployment({ replicas: 10 }), { newPodsNeverReady: true });
    assert.equal(timeline.summary.outcome, 'timed-out');
    assert.equal(timeline.summary.timedOut, true);
    assert.equal(timeline.summary.durationSeconds, 600);
    // 13 − 8 − 5 = 0: nothing more is removed while the new pods are unavailable.
    assert.deepEqual(eventLines(timeline), ['0 nginx-deployment-new 0→3', '0 nginx-deployment-old 10→8', '0 nginx-deployment-new 3→5']);
    assert.equal(timeline.summary.minAvailable, 8);
    assert.deepEqual(phases(lane(timeline, 'nginx-deployment-new-1')), ['pending 0-5', 'starting 5-600']);
    assertLanesWellFormed(timeline);
  });

  test('a readiness delay longer than the deadline times out; without a deadline the same rollout completes', () => {
    const slow = { terminationGracePeriodSeconds: 30, readinessProbe: { initialDelaySeconds: 700, periodSeconds: 10, successThreshold: 1 } };
    assert.equal(simulateRollout(deployment({ pod: slow })).summary.outcome, 'timed-out');
    const unbounded = simulateRollout(deployment({ pod: slow, progressDeadlineSeconds: null }));
    assert.equal(unbounded.summary.outcome, 'complete');
    assert.equal(unbounded.summary.durationSeconds, 3 * 705);
  });

  test('progress resets the deadline: three steps of 305 s each complete although the whole takes longer than 600 s', () => {
    const timeline = simulateRollout(
      deployment({ pod: { terminationGracePeriodSeconds: 30, readinessProbe: { initialDelaySeconds: 300, periodSeconds: 10, successThreshold: 1 } } }),
    );
    assert.equal(timeline.summary.outcome, 'complete');
    assert.equal(timeline.summary.durationSeconds, 915);
  });

  test('replicas changed mid-rollout: every ReplicaSet is scaled in proportion (the documentation example, 10 → 15)', () => {
    const timeline = simulateRollout(deployment({ replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }), {
      newPodsNeverReady: true,
      replicasChange: { atSeconds: 10, replicas: 15 },
    });
    assert.deepEqual(eventLines(timeline), [
      '0 nginx-deployment-new 0→3',
      '0 nginx-deployment-old 10→8',
      '0 nginx-deployment-new 3→5',
      '10 nginx-deployment-old 8→11',
      '10 nginx-deployment-new 5→7',
    ]);
    assert.equal(timeline.syncs[timeline.events[3].sync].step, 'scale');
    assert.equal(timeline.summary.outcome, 'timed-out');
  });

  test('replicas changed mid-rollout with healthy pods: the rollout completes at the new size', () => {
    const timeline = simulateRollout(deployment({ replicas: 10 }), { replicasChange: { atSeconds: 2, replicas: 20 } });
    assert.equal(timeline.summary.outcome, 'complete');
    const last = timeline.syncs[timeline.syncs.length - 1].groups;
    assert.deepEqual(
      last.map((g) => [g.name, g.desired]),
      [
        ['nginx-deployment-old', 0],
        ['nginx-deployment-new', 20],
      ],
    );
    const end = timeline.capacity.filter((p) => p.t <= timeline.summary.durationSeconds).pop()!;
    assert.deepEqual([end.available, end.pods], [20, 20]);
    assert.equal(timeline.summary.maxPods, 25, 'the limit grows with replicas: 20 + 5');
  });
});

describe('StatefulSet rolling update timeline', () => {
  test('OrderedReady: one pod at a time from the highest ordinal, each waiting for the old pod to terminate', () => {
    const timeline = simulateRollout(statefulSet());
    // Delete web-2 at 0, gone at 10, re-created, available at 15; then web-1, then web-0.
    assert.deepEqual(eventLines(timeline), ['0 web-old 3→2', '10 web-new 0→1', '15 web-old 2→1', '25 web-new 1→2', '30 web-old 1→0', '40 web-new 2→3']);
    assert.equal(timeline.summary.durationSeconds, 45);
    assert.deepEqual(
      timeline.lanes.filter((l) => l.revision === 'new').map((l) => l.podName),
      ['web-2', 'web-1', 'web-0'],
    );
    assert.deepEqual(
      timeline.lanes.map((l) => l.id),
      ['web-0', 'web-1', 'web-2', 'web-2#2', 'web-1#2', 'web-0#2'],
    );
    assert.equal(timeline.summary.minAvailable, 2);
    assertLanesWellFormed(timeline);
  });

  test('partition: ordinals below it keep the old revision', () => {
    const timeline = simulateRollout(statefulSet({ replicas: 4, updateStrategy: { type: 'RollingUpdate', partition: 2, maxUnavailable: 1 } }));
    assert.deepEqual(
      timeline.lanes.filter((l) => l.revision === 'new').map((l) => l.podName),
      ['web-3', 'web-2'],
    );
    assert.equal(timeline.summary.outcome, 'complete');
    assert.deepEqual(
      timeline.syncs[timeline.syncs.length - 1].groups.map((g) => [g.name, g.current]),
      [
        ['web-old', 2],
        ['web-new', 2],
      ],
    );
  });

  test('maxUnavailable 2 with Parallel: two pods at a time, highest ordinals first', () => {
    const timeline = simulateRollout(
      statefulSet({ replicas: 4, podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', partition: 0, maxUnavailable: 2 } }),
    );
    // Pods that go (or become ready) at the same moment reach the controller one event at a time, and it
    // syncs after each: one re-created pod per event (as the real controllers do, test/e2e-k8s).
    assert.deepEqual(eventLines(timeline), ['0 web-old 4→2', '10 web-new 0→1', '10 web-new 1→2', '15 web-old 2→1', '15 web-old 1→0', '25 web-new 2→3', '25 web-new 3→4']);
    assert.equal(timeline.summary.minAvailable, 2);
    assert.equal(timeline.limits.maxUnavailable, 2);
  });

  test('maxUnavailable 2 with OrderedReady: two deleted at once once all are available, re-created one at a time from the lowest missing ordinal', () => {
    // stateful_set_control.go @0004b149a571af0103032a1788dc9fa70b885601: the replica loop (processReplica,
    // monotonic) creates the lowest missing ordinal and returns on any pod that is missing, terminating or
    // not available; only then does updateStatefulSetAfterInvariantEstablished delete up to
    // maxUnavailable − unavailable old pods from the highest ordinal down.
    const timeline = simulateRollout(statefulSet({ replicas: 4, updateStrategy: { type: 'RollingUpdate', partition: 0, maxUnavailable: 2 } }));
    assert.deepEqual(eventLines(timeline), ['0 web-old 4→2', '10 web-new 0→1', '15 web-new 1→2', '20 web-old 2→0', '30 web-new 2→3', '35 web-new 3→4']);
    assert.deepEqual(
      timeline.lanes.filter((l) => l.revision === 'new').map((l) => l.podName),
      ['web-2', 'web-3', 'web-0', 'web-1'],
    );
    assert.match(timeline.notes.join(' '), /MaxUnavailableStatefulSet feature gate/);
  });

  test('partition with Parallel and maxUnavailable 3: only ordinals at or above the partition are deleted, the budget is not carried below it', () => {
    const timeline = simulateRollout(
      statefulSet({ replicas: 4, podManagementPolicy: 'Parallel', updateStrategy: { type: 'RollingUpdate', partition: 2, maxUnavailable: 3 } }),
    );
    assert.deepEqual(eventLines(timeline), ['0 web-old 4→2', '10 web-new 0→1', '10 web-new 1→2']);
    assert.equal(timeline.summary.outcome, 'complete');
  });

  test('a percentage maxUnavailable rounds down but is at least 1', () => {
    assert.equal(simulateRollout(statefulSet({ replicas: 3, updateStrategy: { type: 'RollingUpdate', partition: 0, maxUnavailable: '10%' } })).limits.maxUnavailable, 1);
    assert.equal(simulateRollout(statefulSet({ replicas: 10, updateStrategy: { type: 'RollingUpdate', partition: 0, maxUnavailable: '25%' } })).limits.maxUnavailable, 2);
  });

  test('OnDelete: nothing happens by itself', () => {
    const timeline = simulateRollout(statefulSet({ updateStrategy: { type: 'OnDelete', partition: 0, maxUnavailable: 1 } }));
    assert.equal(timeline.summary.outcome, 'manual');
    assert.deepEqual(timeline.events, []);
  });

  test('a pod that never becomes ready stops an OrderedReady update: stalled, no deadline', () => {
    const timeline = simulateRollout(statefulSet(), { newPodsNeverReady: true });
    assert.equal(timeline.summary.outcome, 'stalled');
    assert.deepEqual(eventLines(timeline), ['0 web-old 3→2', '10 web-new 0→1']);
  });
});

describe('DaemonSet rolling update timeline', () => {
  test('maxUnavailable 1, maxSurge 0: node by node, each node without a daemon pod while its old pod terminates', () => {
    const timeline = simulateRollout(daemonSet(), { nodes: 2 });
    assert.deepEqual(eventLines(timeline), ['0 agent-old 2→1', '10 agent-new 0→1', '15 agent-old 1→0', '25 agent-new 1→2']);
    assert.equal(timeline.summary.durationSeconds, 30);
    assert.equal(timeline.summary.minAvailable, 1);
    assert.deepEqual(
      timeline.lanes.map((l) => [l.podName, l.node]),
      [
        ['agent-old-node-1', 'node-1'],
        ['agent-old-node-2', 'node-2'],
        ['agent-new-node-1', 'node-1'],
        ['agent-new-node-2', 'node-2'],
      ],
    );
    assertLanesWellFormed(timeline);
  });

  test('maxSurge 1: the new pod starts beside the old one, which goes once the new one is available', () => {
    const timeline = simulateRollout(daemonSet({ updateStrategy: { type: 'RollingUpdate', maxUnavailable: 0, maxSurge: 1 } }), { nodes: 2 });
    assert.deepEqual(eventLines(timeline), ['0 agent-new 0→1', '5 agent-old 2→1', '5 agent-new 1→2', '10 agent-old 1→0']);
    assert.equal(timeline.summary.minAvailable, 2);
    assert.equal(timeline.summary.maxPods, 3);
  });

  test('no nodes: both limits stay 0 (the 0/0 → 1 rule needs a node that should run the pod)', () => {
    // update.go @7e74f25fe703011bd5f640025bfd04452a59ba5c updatedDesiredNodeCounts: desiredNumberScheduled > 0.
    const timeline = simulateRollout(daemonSet({ updateStrategy: { type: 'RollingUpdate', maxUnavailable: 0, maxSurge: 0 } }), { nodes: 0 });
    assert.equal(timeline.limits.maxUnavailable, 0);
    assert.equal(timeline.limits.maxSurge, 0);
    assert.equal(simulateRollout(daemonSet({ updateStrategy: { type: 'RollingUpdate', maxUnavailable: 0, maxSurge: 0 } }), { nodes: 2 }).limits.maxUnavailable, 1);
  });

  test('maxSurge 0 with maxUnavailable 2 of 3 nodes: two old pods deleted at once, each node gets its new pod only after its old one is gone', () => {
    const timeline = simulateRollout(daemonSet({ updateStrategy: { type: 'RollingUpdate', maxUnavailable: 2, maxSurge: 0 } }), { nodes: 3 });
    // Each old pod's end is its own event: the controller creates one new pod per event.
    assert.deepEqual(eventLines(timeline), ['0 agent-old 3→1', '10 agent-new 0→1', '10 agent-new 1→2', '15 agent-old 1→0', '25 agent-new 2→3']);
  });

  test('percentages count nodes and round up', () => {
    const timeline = simulateRollout(daemonSet({ updateStrategy: { type: 'RollingUpdate', maxUnavailable: '25%', maxSurge: 0 } }), { nodes: 10 });
    assert.equal(timeline.limits.maxUnavailable, 3);
    assert.equal(timeline.events[0].to, 7);
    assert.equal(timeline.summary.minAvailable, 7);
  });
});

/** mulberry32: a small seeded PRNG, so a failing case can be replayed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('invariants over random workloads', () => {
  const random = prng(20240607);
  const int = (max: number) => Math.floor(random() * (max + 1));
  const intOrPercent = (): IntOrPercent => (random() < 0.5 ? int(5) : `${int(100)}%`);
  const pod = () => ({
    terminationGracePeriodSeconds: int(60),
    readinessProbe: random() < 0.7 ? { initialDelaySeconds: int(30), periodSeconds: 1 + int(15), successThreshold: 1 + int(3) } : undefined,
  });

  test('Deployments: pods ≤ replicas + maxSurge, available ≥ replicas − maxUnavailable while pods are healthy, and every rollout completes or times out', () => {
    for (let i = 0; i < 300; i++) {
      const recreate = random() < 0.15;
      let maxSurge = intOrPercent();
      let maxUnavailable = intOrPercent();
      if ((maxSurge === 0 || maxSurge === '0%') && (maxUnavailable === 0 || maxUnavailable === '0%')) maxUnavailable = 1; // admission rejects 0/0
      if (typeof maxUnavailable === 'number' && maxUnavailable > 100) maxSurge = 1;
      const minReadySeconds = int(20);
      const workload = deployment({
        name: `random-${i}`,
        replicas: int(40),
        minReadySeconds,
        strategy: recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } },
        progressDeadlineSeconds: minReadySeconds + 1 + int(600),
        pod: { ...pod(), readinessProbe: pod().readinessProbe },
      });
      const neverReady = random() < 0.15;
      const timeline = simulateRollout(workload, { podStartSeconds: int(20), newPodsNeverReady: neverReady });
      const context = `case ${i}: ${JSON.stringify({ replicas: workload.replicas, strategy: workload.strategy, neverReady })}`;
      const { summary, limits } = timeline;
      assert.ok(summary.outcome === 'complete' || summary.outcome === 'timed-out', `${context}: ${summary.outcome}`);
      if (neverReady && workload.replicas > 0) assert.equal(summary.outcome, 'timed-out', context);
      assert.ok(summary.maxPods <= limits.maxPods, `${context}: ${summary.maxPods} pods > ${limits.maxPods}`);
      for (const point of timeline.capacity) assert.ok(point.pods <= limits.maxPods, `${context}: at ${point.t} s ${point.pods} pods`);
      if (!recreate) assert.ok(summary.minAvailable >= limits.minAvailable, `${context}: ${summary.minAvailable} available < ${limits.minAvailable}`);
      if (summary.outcome === 'complete') {
        const last = timeline.syncs.length ? timeline.syncs[timeline.syncs.length - 1].groups : [];
        if (workload.replicas > 0)
          assert.deepEqual(
            last.map((g) => [g.revision, g.desired]),
            [
              ['old', 0],
              ['new', workload.replicas],
            ],
            context,
          );
      }
      // Each group's events chain: every scale starts where the previous one ended.
      const sizes = new Map<string, number>([[`random-${i}-old`, workload.replicas]]);
      for (const event of timeline.events) {
        assert.equal(event.from, sizes.get(event.replicaSet) ?? 0, `${context}: ${JSON.stringify(event)}`);
        sizes.set(event.replicaSet, event.to);
      }
      assertLanesWellFormed(timeline);
    }
  });

  test('StatefulSets and DaemonSets: within their limits and complete', () => {
    for (let i = 0; i < 150; i++) {
      const sts = statefulSet({
        replicas: int(12),
        podManagementPolicy: random() < 0.5 ? 'OrderedReady' : 'Parallel',
        updateStrategy: { type: 'RollingUpdate', partition: int(4), maxUnavailable: random() < 0.5 ? 1 + int(3) : `${1 + int(99)}%` },
        minReadySeconds: int(10),
        pod: pod(),
      });
      const stsTimeline = simulateRollout(sts, { podStartSeconds: int(10) });
      const stsContext = `StatefulSet case ${i}: ${JSON.stringify(sts.updateStrategy)} ${sts.podManagementPolicy} ×${sts.replicas}`;
      assert.equal(stsTimeline.summary.outcome, 'complete', stsContext);
      assert.ok(stsTimeline.summary.maxPods <= sts.replicas, stsContext);
      assert.ok(stsTimeline.summary.minAvailable >= stsTimeline.limits.minAvailable, stsContext);
      assert.equal(stsTimeline.summary.podsReplaced, Math.max(0, sts.replicas - sts.updateStrategy.partition), stsContext);
      assertLanesWellFormed(stsTimeline);

      const surge = random() < 0.4;
      const ds = daemonSet({
        updateStrategy: surge
          ? { type: 'RollingUpdate', maxSurge: random() < 0.5 ? 1 + int(3) : `${1 + int(99)}%`, maxUnavailable: 0 }
          : { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: random() < 0.5 ? 1 + int(3) : `${1 + int(99)}%` },
        minReadySeconds: int(10),
        pod: pod(),
      });
      const nodes = 1 + int(20);
      const dsTimeline = simulateRollout(ds, { nodes, podStartSeconds: int(10) });
      const dsContext = `DaemonSet case ${i}: ${JSON.stringify(ds.updateStrategy)} on ${nodes} nodes`;
      assert.equal(dsTimeline.summary.outcome, 'complete', dsContext);
      assert.ok(dsTimeline.summary.maxPods <= dsTimeline.limits.maxPods, dsContext);
      assert.ok(dsTimeline.summary.minAvailable >= dsTimeline.limits.minAvailable, dsContext);
      assert.equal(dsTimeline.summary.podsReplaced, nodes, dsContext);
      assertLanesWellFormed(dsTimeline);
    }
  });
});
