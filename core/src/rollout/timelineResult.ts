/**
 * Assembles the RolloutTimeline the simulators return from their recorded pods and their
 * figures. Pure.
 */
import {
  ROLLOUT_TIMELINE_VERSION,
  type RolloutAssumptions,
  type RolloutLimits,
  type RolloutOutcome,
  type RolloutTimeline,
  type RolloutWorkload,
} from '../../../common/src/rollout';
import { toMs, toSeconds } from './podTiming';
import type { SimulatedPods } from './simulatedPods';

export interface TimelineParts {
  workload: RolloutWorkload;
  strategy: string;
  limits: RolloutLimits;
  assumptions: RolloutAssumptions;
  outcome: RolloutOutcome;
  endMs: number;
  notes: string[];
}

export function timelineFrom(sim: SimulatedPods, parts: TimelineParts): RolloutTimeline {
  const { workload, outcome, endMs } = parts;
  // After completion nothing more is decided; old pods still run out their grace period.
  if (outcome === 'complete') sim.drainTerminations();
  // A complete timeline runs on until the last old pod is gone, so the new pods' lanes do too.
  const lanes = sim.finishLanes(outcome === 'complete' ? Math.max(endMs, toMs(sim.lastGoneSeconds())) : endMs);
  const durationSeconds = toSeconds(endMs);
  const podsReplaced = sim.groups.filter((g) => g.revision === 'new').reduce((n, g) => n + g.created, 0);
  const timeline: RolloutTimeline = {
    version: ROLLOUT_TIMELINE_VERSION,
    kind: workload.kind,
    name: workload.name,
    strategy: parts.strategy,
    limits: parts.limits,
    assumptions: parts.assumptions,
    groups: sim.revisionGroups(),
    lanes,
    events: sim.events,
    syncs: sim.syncs,
    capacity: sim.capacity,
    summary: {
      outcome,
      durationSeconds,
      lastPodGoneSeconds: Math.max(durationSeconds, sim.lastGoneSeconds()),
      maxPods: sim.maxPods,
      maxPodsIncludingTerminating: sim.maxRunning,
      minAvailable: sim.minAvailableSeen(),
      timedOut: outcome === 'timed-out',
      downtime: sim.downtime,
      podsReplaced,
    },
    notes: parts.notes,
  };
  if (workload.namespace !== undefined) timeline.namespace = workload.namespace;
  return timeline;
}
