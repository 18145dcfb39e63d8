/**
 * A DaemonSet rolling update over time, one pod per node, after kubernetes/kubernetes
 * `pkg/controller/daemon/update.go` (rollingUpdate) and `daemon_controller.go` (manage).
 * Both limits count nodes and scale against the number of nodes, rounding up.
 *   maxSurge 0: delete the old pod on up to maxUnavailable nodes whose pod is available (old pods
 *     that are not available go at once); the node gets its new pod once the old one is gone.
 *   maxSurge > 0: start the new pod beside the old one on up to maxSurge nodes; the old pod is
 *     deleted when the new one is available.
 * Pure; the node count is a setting (no manifest says it).
 */
import {
  DEFAULT_NODE_COUNT,
  DEFAULT_POD_START_SECONDS,
  type DaemonSetWorkload,
  type IntOrPercent,
  type RolloutOutcome,
  type RolloutTimeline,
} from '../../../common/src/rollout';
import { scaledValueFromIntOrPercent } from './fenceposts';
import type { RolloutSimulationOptions } from './deploymentRollout';
import { podDurations, readinessDelaySeconds } from './podTiming';
import { SimulatedPods, type SimPod } from './simulatedPods';
import { timelineFrom } from './timelineResult';

/**
 * The per-node limits, as update.go `updatedDesiredNodeCounts` (with util.SurgeCount /
 * util.UnavailableCount) computes them: both scale against the nodes that should run the pod and
 * round up; an unset maxSurge is 0. Validation forbids both being 0; if they still come out 0/0
 * and at least one node should run the pod, the controller allows one unavailable node. With no
 * nodes both stay 0.
 */
export function daemonSetFenceposts(strategy: { maxSurge?: IntOrPercent; maxUnavailable: IntOrPercent }, nodes: number): { maxSurge: number; maxUnavailable: number } {
  const maxSurge = scaledValueFromIntOrPercent(strategy.maxSurge ?? 0, nodes, true);
  let maxUnavailable = scaledValueFromIntOrPercent(strategy.maxUnavailable, nodes, true);
  if (nodes > 0 && maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

interface NodeSlot {
  name: string;
  old?: SimPod;
  new?: SimPod;
}

export function simulateDaemonSetRollout(workload: DaemonSetWorkload, options: RolloutSimulationOptions = {}): RolloutTimeline {
  const podStartSeconds = options.podStartSeconds ?? DEFAULT_POD_START_SECONDS;
  const durations = podDurations(workload.pod, workload.minReadySeconds, podStartSeconds);
  const nodeCount = options.nodes ?? DEFAULT_NODE_COUNT;
  const onDelete = workload.updateStrategy.type === 'OnDelete';
  const { maxSurge, maxUnavailable } = daemonSetFenceposts(workload.updateStrategy, nodeCount);
  const sim = new SimulatedPods(durations, options.newPodsNeverReady ?? false, nodeCount > 0, options.onPodEvent);
  const oldGroup = sim.addGroup(`${workload.name}-old`, 'old');
  const newGroup = sim.addGroup(`${workload.name}-new`, 'new');
  oldGroup.desired = onDelete ? nodeCount : 0;
  newGroup.desired = onDelete ? 0 : nodeCount;

  const nodes: NodeSlot[] = [];
  for (let i = 1; i <= nodeCount; i++) {
    const name = `node-${i}`;
    nodes.push({ name, old: sim.addAvailablePod(oldGroup, { podName: `${workload.name}-old-${name}`, node: name }) });
  }
  const live = (pod: SimPod | undefined) => (pod && pod.deletedMs === undefined ? pod : undefined);
  const isAvailable = (pod: SimPod | undefined) => live(pod)?.phase === 'available';

  const syncOnce = (nowMs: number): { step: string; reason: string } | undefined => {
    const actions: string[] = [];
    // manage(): a node without a daemon pod gets one — once its old pod has finished terminating
    // when no surge is allowed (the old and new pod may not overlap).
    for (const node of nodes) {
      if (node.old?.gone) node.old = undefined;
      if (!live(node.new) && !live(node.old) && (maxSurge > 0 || !node.old)) {
        node.new = sim.createPod(newGroup, nowMs, { podName: `${workload.name}-new-${node.name}`, node: node.name });
        actions.push(`created the new pod on ${node.name}`);
      }
    }
    if (actions.length) return { step: 'manage', reason: actions.join('; ') };
    if (onDelete) return undefined;
    if (maxSurge === 0) {
      let unavailable = nodes.filter((node) => !isAvailable(node.old) && !isAvailable(node.new)).length;
      for (const node of nodes) {
        const old = live(node.old);
        if (!old) continue;
        if (!isAvailable(old)) {
          sim.deletePod(old, nowMs);
          actions.push(`deleted the unavailable old pod on ${node.name}`);
        } else if (unavailable < maxUnavailable) {
          unavailable++;
          sim.deletePod(old, nowMs);
          actions.push(`deleted the old pod on ${node.name}`);
        }
      }
    } else {
      let surging = nodes.filter((node) => live(node.old) && live(node.new) && !isAvailable(node.new)).length;
      for (const node of nodes) {
        const old = live(node.old);
        if (!old) continue;
        if (live(node.new)) {
          if (isAvailable(node.new)) {
            sim.deletePod(old, nowMs);
            actions.push(`new pod available on ${node.name}: deleted the old one`);
          }
        } else if (!isAvailable(old) || surging < maxSurge) {
          if (isAvailable(old)) surging++;
          node.new = sim.createPod(newGroup, nowMs, { podName: `${workload.name}-new-${node.name}`, node: node.name });
          actions.push(`started the new pod beside the old one on ${node.name}`);
        }
      }
    }
    return actions.length ? { step: 'rollingUpdate', reason: `${actions.join('; ')} (maxUnavailable ${maxUnavailable}, maxSurge ${maxSurge} nodes)` } : undefined;
  };

  const syncUntilSettled = (nowMs: number) => sim.syncGroupsUntilSettled(nowMs, [oldGroup, newGroup], syncOnce, 'DaemonSet');
  const complete = () => nodes.every((node) => isAvailable(node.new) && !live(node.old));

  sim.recordCapacity(0);
  const { outcome, endMs }: { outcome: RolloutOutcome; endMs: number } = onDelete ? { outcome: 'manual', endMs: 0 } : sim.runUntilSettled(syncUntilSettled, complete);

  const notes = [`Assumes ${nodeCount} node(s) run the DaemonSet.`];
  if (onDelete) notes.push('OnDelete: a node gets the new pod only after someone deletes its old one.');
  else if (maxSurge === 0) notes.push("maxSurge 0: a node has no daemon pod between the old pod's termination and the new pod's start.");
  if (outcome === 'stalled') notes.push('The rollout stops at a pod that never becomes available; DaemonSets have no progress deadline to report it.');
  return timelineFrom(sim, {
    workload,
    strategy: onDelete ? 'OnDelete' : 'RollingUpdate',
    limits: { replicas: nodeCount, maxSurge, maxUnavailable, minAvailable: Math.max(0, nodeCount - maxUnavailable), maxPods: nodeCount + maxSurge },
    assumptions: {
      podStartSeconds,
      readinessDelaySeconds: readinessDelaySeconds(workload.pod.readinessProbe),
      minReadySeconds: workload.minReadySeconds,
      terminationGracePeriodSeconds: workload.pod.terminationGracePeriodSeconds,
      progressDeadlineSeconds: null,
      nodes: nodeCount,
      newPodsNeverReady: options.newPodsNeverReady ?? false,
    },
    outcome,
    endMs,
    notes,
  });
}
