/**
 * A Deployment rollout over time: the old ReplicaSet fully available at t = 0, the template
 * changed, and then the controller's syncs (deploymentSync.ts) whenever a pod changes state, the
 * ReplicaSet controller creating and deleting pods at once. Mirrors how the real controller is
 * driven: it re-syncs on every ReplicaSet or pod event, several times at one moment if each sync
 * changes something (one scale action per sync), and pods that turn Ready at one moment are seen
 * one at a time, with the syncs they cause in between, as the real controller sees them (pods of
 * one scale-up are created and bound one after another, milliseconds apart). Pure.
 */
import { DEFAULT_POD_START_SECONDS, type DeploymentWorkload, type RolloutOutcome, type RolloutTimeline } from '../../../common/src/rollout';
import { maxSurge, maxUnavailable, type DeploymentScalingSpec } from './fenceposts';
import { syncDeployment, type ReplicaSetState } from './deploymentSync';
import { podDurations, readinessDelaySeconds, toMs } from './podTiming';
import { MAX_SYNCS_PER_MOMENT, SimulatedPods, type PodEvent, type SimGroup } from './simulatedPods';

export type { PodEvent } from './simulatedPods';
import { timelineFrom } from './timelineResult';

export interface RolloutSimulationOptions {
  /** Assumed image pull and container start (seconds); default DEFAULT_POD_START_SECONDS. */
  podStartSeconds?: number;
  /** New pods never pass their readiness probe (a broken image or config): the rollout stalls. */
  newPodsNeverReady?: boolean;
  /** Deployment: the old revision's replicas before the change (default: the manifest's). */
  initialReplicas?: number;
  /** Deployment: spec.replicas changes while the rollout runs (proportional scaling). */
  replicasChange?: { atSeconds: number; replicas: number };
  /** DaemonSet: the nodes it runs on (default 3). */
  nodes?: number;
  /**
   * Called for each pod event in the order the simulation makes them, several at one moment
   * included (the timeline's times cannot show that order): for comparing with a real cluster's watch.
   */
  onPodEvent?: (event: PodEvent) => void;
}

interface Status {
  replicas: number;
  updated: number;
  ready: number;
  available: number;
}

/** DeploymentProgressing: any of these moving forward resets the progress deadline. */
function progressed(before: Status, after: Status): boolean {
  return (
    after.updated > before.updated ||
    after.replicas - after.updated < before.replicas - before.updated ||
    after.ready > before.ready ||
    after.available > before.available
  );
}

export function simulateDeploymentRollout(workload: DeploymentWorkload, options: RolloutSimulationOptions = {}): RolloutTimeline {
  const podStartSeconds = options.podStartSeconds ?? DEFAULT_POD_START_SECONDS;
  const durations = podDurations(workload.pod, workload.minReadySeconds, podStartSeconds);
  const initialReplicas = options.initialReplicas ?? workload.replicas;
  const d: DeploymentScalingSpec = { replicas: workload.replicas, strategy: workload.strategy };
  const sim = new SimulatedPods(durations, options.newPodsNeverReady ?? false, workload.replicas > 0, options.onPodEvent);

  const oldGroup = sim.addGroup(`${workload.name}-old`, 'old');
  const newGroup = sim.addGroup(`${workload.name}-new`, 'new');
  const initialSpec: DeploymentScalingSpec = { replicas: initialReplicas, strategy: workload.strategy };
  // The old ReplicaSet carries the annotations of the last sync that sized it.
  const annotations = new Map<SimGroup, { desired?: number; max?: number }>([[oldGroup, { desired: initialReplicas, max: initialReplicas + maxSurge(initialSpec) }]]);
  oldGroup.desired = initialReplicas;
  for (let i = 0; i < initialReplicas; i++) sim.addAvailablePod(oldGroup);
  let newExists = false;

  const stateOf = (group: SimGroup): ReplicaSetState => ({
    name: group.name,
    replicas: group.desired,
    availableReplicas: group.available,
    desiredReplicas: annotations.get(group)?.desired,
    maxReplicas: annotations.get(group)?.max,
  });
  const groupNamed = (name: string) => (name === newGroup.name ? newGroup : oldGroup);

  /** The ReplicaSet controller: make the pods match spec.replicas, now. */
  const reconcilePods = (group: SimGroup, nowMs: number) => {
    for (let n = group.live.length; n < group.desired; n++) sim.createPod(group, nowMs);
    if (group.live.length > group.desired) for (const pod of sim.podsToDelete(group, group.live.length - group.desired)) sim.deletePod(pod, nowMs);
  };

  const syncUntilSettled = (nowMs: number) => {
    for (let i = 0; i < MAX_SYNCS_PER_MOMENT; i++) {
      const result = syncDeployment({
        deployment: { ...d, statusReplicas: sim.pods },
        newReplicaSet: newExists ? stateOf(newGroup) : null,
        oldReplicaSets: [stateOf(oldGroup)],
        newReplicaSetName: newGroup.name,
        oldPodsRunning: oldGroup.live.length + oldGroup.terminating > 0,
      });
      const annotationsChanged = [result.newReplicaSet, ...result.oldReplicaSets].some((rs) => {
        if (!rs) return false;
        const current = annotations.get(groupNamed(rs.name));
        return current?.desired !== rs.desiredReplicas || current?.max !== rs.maxReplicas;
      });
      for (const rs of [result.newReplicaSet, ...result.oldReplicaSets])
        if (rs) annotations.set(groupNamed(rs.name), { desired: rs.desiredReplicas, max: rs.maxReplicas });
      if (result.createdNewReplicaSet) newExists = true;
      if (!result.scales.length && !result.createdNewReplicaSet) {
        if (annotationsChanged) continue;
        return;
      }
      for (const scale of result.scales) {
        const group = groupNamed(scale.replicaSet);
        group.desired = scale.to;
        reconcilePods(group, nowMs);
      }
      const index = sim.recordSync(nowMs, result.step, result.reason);
      for (const scale of result.scales) sim.recordScale(nowMs, scale.replicaSet, scale.from, scale.to, index);
    }
    throw new Error(`rollout simulation: the Deployment controller did not settle at t=${nowMs / 1000}s`);
  };

  const status = (): Status => ({ replicas: sim.pods, updated: newGroup.live.length, ready: oldGroup.ready + newGroup.ready, available: sim.available });
  /** DeploymentComplete: every pod updated and available, no old one left. */
  const complete = () => newExists && newGroup.live.length === d.replicas && sim.pods === d.replicas && sim.available === d.replicas;

  const pdsMs = workload.progressDeadlineSeconds === null ? undefined : toMs(workload.progressDeadlineSeconds);
  let pendingChange = options.replicasChange ? { atMs: toMs(options.replicasChange.atSeconds), replicas: options.replicasChange.replicas } : undefined;
  let nowMs = 0;
  sim.recordCapacity(0);
  syncUntilSettled(0);
  // Creating the new ReplicaSet sets Progressing (NewReplicaSetCreated): the deadline counts from here.
  let lastProgressMs = 0;
  let outcome: RolloutOutcome;
  for (;;) {
    if (!pendingChange && complete()) {
      outcome = 'complete';
      break;
    }
    const nextPod = sim.nextTransitionMs();
    const next = pendingChange && (nextPod === undefined || pendingChange.atMs <= nextPod) ? pendingChange.atMs : nextPod;
    const deadline = pdsMs === undefined ? undefined : lastProgressMs + pdsMs;
    // DeploymentTimedOut: lastUpdateTime + progressDeadlineSeconds < now.
    if (deadline !== undefined && (next === undefined || next > deadline)) {
      nowMs = Math.max(nowMs, deadline);
      outcome = 'timed-out';
      break;
    }
    if (next === undefined) {
      outcome = 'stalled';
      break;
    }
    nowMs = next;
    const before = status();
    if (pendingChange && pendingChange.atMs === nowMs) {
      d.replicas = pendingChange.replicas;
      pendingChange = undefined;
    }
    // One pod event at a time, a sync after each: the controller sees pods that become ready at
    // the same moment one by one (they were created one API call after another).
    sim.recordCapacity(nowMs);
    syncUntilSettled(nowMs);
    while (sim.applyNextTransitionAt(nowMs)) {
      sim.recordCapacity(nowMs);
      syncUntilSettled(nowMs);
    }
    if (progressed(before, status())) lastProgressMs = nowMs;
  }

  const limits = {
    replicas: workload.replicas,
    maxSurge: maxSurge(workload),
    maxUnavailable: maxUnavailable(workload),
    minAvailable: workload.replicas - maxUnavailable(workload),
    maxPods: workload.replicas + maxSurge(workload),
  };
  const notes: string[] = [];
  if (workload.strategy.type === 'Recreate') notes.push('Recreate: every old pod is stopped before any new pod starts, so nothing is available in between.');
  if (!workload.pod.readinessProbe && workload.strategy.type === 'RollingUpdate')
    notes.push('No readiness probe: a pod counts as ready as soon as its containers start, whether or not the application is serving.');
  if (options.replicasChange)
    notes.push(
      `spec.replicas changes to ${options.replicasChange.replicas} at ${options.replicasChange.atSeconds} s: the controller scales every ReplicaSet in proportion.`,
    );
  if (outcome === 'timed-out')
    notes.push(
      `No progress for ${workload.progressDeadlineSeconds} s (progressDeadlineSeconds): the Deployment reports ProgressDeadlineExceeded and \`kubectl rollout status\` fails.`,
    );
  if (outcome === 'stalled') notes.push('The rollout makes no more progress and has no progress deadline to report it.');
  return timelineFrom(sim, {
    workload,
    strategy: workload.strategy.type,
    limits,
    assumptions: {
      podStartSeconds,
      readinessDelaySeconds: readinessDelaySeconds(workload.pod.readinessProbe),
      minReadySeconds: workload.minReadySeconds,
      terminationGracePeriodSeconds: workload.pod.terminationGracePeriodSeconds,
      progressDeadlineSeconds: workload.progressDeadlineSeconds,
      newPodsNeverReady: options.newPodsNeverReady ?? false,
    },
    outcome,
    endMs: nowMs,
    notes,
  });
}
