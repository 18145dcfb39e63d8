/**
 * A StatefulSet rolling update over time, after kubernetes/kubernetes
 * `pkg/controller/statefulset/stateful_set_control.go` (updateStatefulSet): pods keep their names
 * (`web-0`, `web-1`, …), so a pod is deleted, runs out its grace period, and only then is created
 * again at the new revision. OrderedReady creates one pod at a time and waits for it to be
 * available; Parallel does not wait. Updates go from the highest ordinal down to `partition`, as
 * many at once as `maxUnavailable` allows (1 unless the MaxUnavailableStatefulSet field says
 * otherwise). Pure.
 */
import { DEFAULT_POD_START_SECONDS, type IntOrPercent, type RolloutOutcome, type RolloutTimeline, type StatefulSetWorkload } from '../../../common/src/rollout';
import { scaledValueFromIntOrPercent } from './fenceposts';
import type { RolloutSimulationOptions } from './deploymentRollout';
import { podDurations, readinessDelaySeconds } from './podTiming';
import { SimulatedPods, type SimGroup, type SimPod } from './simulatedPods';
import { timelineFrom } from './timelineResult';

/**
 * getStatefulSetMaxUnavailable (stateful_set_utils.go): unset means 1; a percentage of the
 * replicas rounds down; the result is raised to at least 1 (so 0, "0%" or a small percentage
 * still let one pod go); an int is not capped at the replica count.
 */
export function getStatefulSetMaxUnavailable(maxUnavailable: IntOrPercent | undefined, replicaCount: number): number {
  return Math.max(1, scaledValueFromIntOrPercent(maxUnavailable ?? 1, replicaCount, false));
}

export function statefulSetMaxUnavailable(workload: StatefulSetWorkload): number {
  return getStatefulSetMaxUnavailable(workload.updateStrategy.maxUnavailable, workload.replicas);
}

export function simulateStatefulSetRollout(workload: StatefulSetWorkload, options: RolloutSimulationOptions = {}): RolloutTimeline {
  const podStartSeconds = options.podStartSeconds ?? DEFAULT_POD_START_SECONDS;
  const durations = podDurations(workload.pod, workload.minReadySeconds, podStartSeconds);
  const replicas = workload.replicas;
  const ordered = workload.podManagementPolicy === 'OrderedReady';
  const onDelete = workload.updateStrategy.type === 'OnDelete';
  const partition = Math.min(workload.updateStrategy.partition, replicas);
  const maxUnavailable = statefulSetMaxUnavailable(workload);
  const sim = new SimulatedPods(durations, options.newPodsNeverReady ?? false, replicas > 0, options.onPodEvent);

  const oldGroup = sim.addGroup(`${workload.name}-old`, 'old');
  const newGroup = sim.addGroup(`${workload.name}-new`, 'new');
  oldGroup.desired = onDelete ? replicas : partition;
  newGroup.desired = onDelete ? 0 : replicas - partition;
  /** The pod holding each ordinal's name (terminating ones too, until gone). */
  const slots: (SimPod | undefined)[] = [];
  for (let ordinal = 0; ordinal < replicas; ordinal++) slots.push(sim.addAvailablePod(oldGroup, { podName: `${workload.name}-${ordinal}`, ordinal }));

  const isTerminating = (pod: SimPod) => pod.deletedMs !== undefined;
  const isAvailable = (pod: SimPod) => !isTerminating(pod) && pod.phase === 'available';
  const revisionFor = (ordinal: number): SimGroup => (ordinal >= partition ? newGroup : oldGroup);

  /** One pass of updateStatefulSet; returns the controller step that acted, or undefined. */
  const syncOnce = (nowMs: number): { step: string; reason: string } | undefined => {
    for (let ordinal = 0; ordinal < replicas; ordinal++) {
      const pod = slots[ordinal];
      if (pod?.gone) slots[ordinal] = undefined;
    }
    // The replica loop: create missing pods (at the update revision from the partition up); with
    // OrderedReady stop at the first pod that is missing, terminating or not yet available.
    let created = 0;
    for (let ordinal = 0; ordinal < replicas; ordinal++) {
      const pod = slots[ordinal];
      if (!pod) {
        slots[ordinal] = sim.createPod(revisionFor(ordinal), nowMs, { podName: `${workload.name}-${ordinal}`, ordinal });
        created++;
        if (ordered)
          return {
            step: 'createPod',
            reason: `${workload.name}-${ordinal} is missing: created at the ${revisionFor(ordinal).revision} revision (OrderedReady: one at a time)`,
          };
        continue;
      }
      if (ordered && !isAvailable(pod)) return created ? { step: 'createPod', reason: `created ${created} missing pod(s)` } : undefined;
    }
    if (created) return { step: 'createPod', reason: `created ${created} missing pod(s) (Parallel)` };
    if (onDelete) return undefined;
    // The update loop (updateStatefulSetAfterInvariantEstablished): count the unavailable pods over
    // every ordinal (terminating ones and those below the partition included); the budget is
    // maxUnavailable minus that count, and each deletion of an old-revision, non-terminating pod
    // from the highest ordinal down to the partition spends one, available or not. OrderedReady
    // only gets here once every pod is available (the replica loop above returns first), so it
    // deletes up to maxUnavailable pods at once and then re-creates them one at a time, lowest
    // ordinal first.
    const unavailable = slots.filter((pod) => !pod || !isAvailable(pod)).length;
    const budget = maxUnavailable - unavailable;
    const deleted: string[] = [];
    for (let ordinal = replicas - 1; ordinal >= partition && deleted.length < budget; ordinal--) {
      const pod = slots[ordinal];
      if (!pod || isTerminating(pod) || pod.group !== oldGroup) continue;
      sim.deletePod(pod, nowMs);
      deleted.push(pod.podName);
    }
    if (deleted.length)
      return {
        step: 'updateStatefulSet',
        reason: `deleted ${deleted.join(', ')} to re-create at the new revision (highest ordinal first; at most ${maxUnavailable} unavailable)`,
      };
    return undefined;
  };

  const syncUntilSettled = (nowMs: number) => sim.syncGroupsUntilSettled(nowMs, [oldGroup, newGroup], syncOnce, 'StatefulSet');

  const complete = () => slots.every((pod, ordinal) => pod !== undefined && isAvailable(pod) && pod.group === revisionFor(ordinal));

  sim.recordCapacity(0);
  const { outcome, endMs }: { outcome: RolloutOutcome; endMs: number } = onDelete ? { outcome: 'manual', endMs: 0 } : sim.runUntilSettled(syncUntilSettled, complete);

  const notes: string[] = [];
  if (onDelete) notes.push('OnDelete: the controller replaces a pod only after someone deletes it; nothing rolls out by itself.');
  if (partition > 0) notes.push(`partition ${partition}: pods with an ordinal below ${partition} keep the old revision.`);
  if (ordered)
    notes.push('OrderedReady: each pod must be available before the next one is touched, and a re-created pod keeps its name, so it waits for the old one to terminate.');
  if (!onDelete && maxUnavailable > 1)
    notes.push(
      `maxUnavailable ${maxUnavailable} assumes the MaxUnavailableStatefulSet feature gate is on (alpha and off by default from Kubernetes 1.24; beta from 1.35); with it off the controller replaces one pod at a time.`,
    );
  if (outcome === 'stalled') notes.push('The rollout stops at a pod that never becomes available; StatefulSets have no progress deadline to report it.');
  return timelineFrom(sim, {
    workload,
    strategy: onDelete ? 'OnDelete' : `RollingUpdate (${workload.podManagementPolicy})`,
    limits: { replicas, maxSurge: 0, maxUnavailable, minAvailable: Math.max(0, replicas - maxUnavailable), maxPods: replicas },
    assumptions: {
      podStartSeconds,
      readinessDelaySeconds: readinessDelaySeconds(workload.pod.readinessProbe),
      minReadySeconds: workload.minReadySeconds,
      terminationGracePeriodSeconds: workload.pod.terminationGracePeriodSeconds,
      progressDeadlineSeconds: null,
      newPodsNeverReady: options.newPodsNeverReady ?? false,
    },
    outcome,
    endMs,
    notes,
  });
}
