/**
 * How a template edit rolls out: the Deployment controller's numbers, worked out offline, for a
 * one-line estimate on the edited field.
 *
 * maxSurge/maxUnavailable are resolved by the rollout simulator's fencepost helpers
 * (`rollout/fenceposts.ts`: surge rounds up, unavailable rounds down, both 0 → 1 unavailable,
 * MaxUnavailable clamped to the replicas). The scale-up/scale-down steps below are a small copy of
 * the Deployment controller's (`reconcileNewReplicaSet` with `NewRSNewReplicas`, and
 * `reconcileOldReplicaSets`, in kubernetes/kubernetes pkg/controller/deployment/rolling.go
 * @95f08499d652a6211121d8af35f470609217c730 and util/deployment_util.go
 * @277391ee713412cf75e4b46ad5d6e5ae9844abf1), under simple assumptions: one old ReplicaSet, fully
 * available at the start; each sync one scale-up or one scale-down; pods created in a sync
 * available by the next; removed pods gone at once. Enough for peak, floor and the number of
 * waits, without the simulator's pod-level timeline.
 */
import type { IntOrPercent } from '../../../common/src/rollout';
import { maxSurge, maxUnavailable, RolloutSpecError, scaledValueFromIntOrPercent } from '../rollout/fenceposts';

export type { IntOrPercent };

export interface Fenceposts {
  /** Extra pods allowed above `replicas`. */
  maxSurge: number;
  /** Pods allowed below `replicas`. */
  maxUnavailable: number;
}

/** apps/v1 defaults each unset value to 25%. */
export const DEFAULT_ROLLING_VALUE = '25%';

/** Undefined when a value is neither an integer nor a percentage (the API server rejects it). */
export function scaledValue(value: IntOrPercent, total: number, roundUp: boolean): number | undefined {
  try {
    return scaledValueFromIntOrPercent(value, total, roundUp);
  } catch (error) {
    if (error instanceof RolloutSpecError) return undefined;
    throw error;
  }
}

/** Unset values take the apps/v1 default (25%); undefined when a value is invalid. */
export function resolveFenceposts(replicas: number, surge: IntOrPercent | undefined, unavailable: IntOrPercent | undefined): Fenceposts | undefined {
  const deployment = {
    replicas,
    strategy: { type: 'RollingUpdate' as const, rollingUpdate: { maxSurge: surge ?? DEFAULT_ROLLING_VALUE, maxUnavailable: unavailable ?? DEFAULT_ROLLING_VALUE } },
  };
  try {
    return { maxSurge: maxSurge(deployment), maxUnavailable: maxUnavailable(deployment) };
  } catch (error) {
    if (error instanceof RolloutSpecError) return undefined;
    throw error;
  }
}

export interface RolloutEstimate {
  replicas: number;
  fenceposts: Fenceposts;
  /** Most pods (old + new) that exist at once. */
  peakPods: number;
  /** Fewest available pods at any moment (the controller never goes below replicas − maxUnavailable). */
  minAvailable: number;
  /** Times the controller waits for new pods to become available. */
  waves: number;
  durationSeconds: number;
}

/**
 * Steps one old ReplicaSet to a new one, under the assumptions above: old pods
 * are all available at the start, a removed pod is gone at once, and new pods become available
 * together `readyAfterSeconds` after the controller last had to wait.
 */
export function estimateRollingUpdate(replicas: number, fenceposts: Fenceposts, readyAfterSeconds: number): RolloutEstimate {
  const maxTotal = replicas + fenceposts.maxSurge;
  const minAvailable = replicas - fenceposts.maxUnavailable;
  let newSpec = 0;
  let newAvail = 0;
  let oldSpec = replicas;
  let oldAvail = replicas;
  let peakPods = replicas;
  let lowestAvailable = replicas;
  let waves = 0;
  for (let guard = 0; guard < 10_000; guard++) {
    if (newSpec < replicas && newSpec + oldSpec < maxTotal) {
      newSpec += Math.min(maxTotal - (newSpec + oldSpec), replicas - newSpec);
      peakPods = Math.max(peakPods, newSpec + oldSpec);
      continue;
    }
    if (oldSpec > 0) {
      const maxScaledDown = newSpec + oldSpec - minAvailable - (newSpec - newAvail);
      if (maxScaledDown > 0) {
        const unhealthy = Math.min(maxScaledDown, oldSpec - oldAvail);
        oldSpec -= unhealthy;
        const available = newAvail + oldAvail;
        const toRemove = Math.min(oldSpec, Math.max(0, available - minAvailable));
        oldSpec -= toRemove;
        oldAvail -= toRemove;
        lowestAvailable = Math.min(lowestAvailable, newAvail + oldAvail);
        if (unhealthy + toRemove > 0) continue;
      }
    }
    if (newAvail < newSpec) {
      newAvail = newSpec;
      waves++;
      continue;
    }
    break;
  }
  return { replicas, fenceposts, peakPods, minAvailable: lowestAvailable, waves, durationSeconds: waves * readyAfterSeconds };
}

/** Our guess for a pod with no readiness probe: scheduling, pulling and starting it. */
export const ASSUMED_START_SECONDS = 15;
/** With a probe, the container start before the probe's clock runs. */
export const ASSUMED_CONTAINER_START_SECONDS = 5;

/**
 * Seconds from creating a pod to it counting as available: minReadySeconds plus either our
 * start-up guess or the first successful readiness probe (initial delay + success threshold ×
 * period, kubelet defaults 0, 1 and 10 s) after a short container start.
 */
export function readyAfterSeconds(podSpec: Record<string, unknown> | undefined, minReadySeconds: unknown): number {
  const minReady = typeof minReadySeconds === 'number' && minReadySeconds > 0 ? minReadySeconds : 0;
  const containers = Array.isArray(podSpec?.containers) ? podSpec.containers : [];
  let slowest: number | undefined;
  for (const container of containers) {
    const probe = (container as Record<string, unknown> | null)?.readinessProbe as Record<string, unknown> | undefined;
    if (!probe || typeof probe !== 'object') continue;
    const delay = numberOr(probe.initialDelaySeconds, 0);
    const period = numberOr(probe.periodSeconds, 10);
    const threshold = numberOr(probe.successThreshold, 1);
    const seconds = ASSUMED_CONTAINER_START_SECONDS + delay + period * threshold;
    slowest = Math.max(slowest ?? 0, seconds);
  }
  return minReady + (slowest ?? ASSUMED_START_SECONDS);
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}
