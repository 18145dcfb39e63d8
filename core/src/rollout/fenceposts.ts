/**
 * maxSurge / maxUnavailable as numbers: the fenceposts every rollout step is measured against.
 * Restates kubernetes/kubernetes `pkg/controller/deployment/util/deployment_util.go`
 * (ResolveFenceposts, MaxUnavailable, MaxSurge, MinAvailable, NewRSNewReplicas) and apimachinery's
 * `intstr.GetScaledValueFromIntOrPercent`. Pure: no Node or editor imports.
 */
import type { DeploymentStrategySpec, IntOrPercent } from '../../../common/src/rollout';

/** An `IntOrString` the controller could not read; admission validation rejects such manifests. */
export class RolloutSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RolloutSpecError';
  }
}

const PERCENT = /^([+-]?\d+)%$/;

/**
 * `intstr.GetScaledValueFromIntOrPercent`: an int is used as is; "p%" is p percent of `total`,
 * rounded up or down as the caller says (a surge rounds up, an unavailability budget rounds down,
 * so that both err on the side of availability). A string without `%` is an error.
 */
export function scaledValueFromIntOrPercent(value: IntOrPercent, total: number, roundUp: boolean): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new RolloutSpecError(`invalid value for IntOrString: ${value} is not an integer`);
    return value;
  }
  const match = PERCENT.exec(value);
  if (!match) throw new RolloutSpecError(`invalid value for IntOrString: invalid type: string is not a percentage (${JSON.stringify(value)})`);
  // Same float expression as the Go code (value * total / 100), so the rounding agrees at the edges.
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

export interface Fenceposts {
  surge: number;
  unavailable: number;
}

/**
 * ResolveFenceposts: both limits resolved in one step, because of the 0/0 rule — if both come out 0
 * (validation forbids writing 0/0, but rounding down can produce it) the controller allows one
 * unavailable pod rather than stall, "on the theory that surge might not work due to quota".
 * An unset value (undefined) counts as 0.
 */
export function resolveFenceposts(maxSurge: IntOrPercent | undefined, maxUnavailable: IntOrPercent | undefined, desired: number): Fenceposts {
  const surge = scaledValueFromIntOrPercent(maxSurge ?? 0, desired, true);
  let unavailable = scaledValueFromIntOrPercent(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** The part of a Deployment the fencepost helpers read. */
export interface DeploymentScalingSpec {
  replicas: number;
  strategy: DeploymentStrategySpec;
}

function isRollingUpdate(d: DeploymentScalingSpec): boolean {
  return d.strategy.type === 'RollingUpdate';
}

/** MaxUnavailable: 0 for Recreate or 0 replicas; never more than the replicas themselves. */
export function maxUnavailable(d: DeploymentScalingSpec): number {
  if (!isRollingUpdate(d) || d.replicas === 0) return 0;
  const { unavailable } = resolveFenceposts(d.strategy.rollingUpdate?.maxSurge, d.strategy.rollingUpdate?.maxUnavailable, d.replicas);
  return Math.min(unavailable, d.replicas);
}

/** MaxSurge: 0 for Recreate; not clamped. */
export function maxSurge(d: DeploymentScalingSpec): number {
  if (!isRollingUpdate(d)) return 0;
  return resolveFenceposts(d.strategy.rollingUpdate?.maxSurge, d.strategy.rollingUpdate?.maxUnavailable, d.replicas).surge;
}

/** MinAvailable: the available floor a rolling update keeps (0 for Recreate). */
export function minAvailable(d: DeploymentScalingSpec): number {
  if (!isRollingUpdate(d)) return 0;
  return d.replicas - maxUnavailable(d);
}

/**
 * NewRSNewReplicas: the size the new ReplicaSet may grow to now. Only spec.replicas counts, so pods
 * that are not ready yet still use up the surge room. `allReplicaSetsSpec` is Σ spec.replicas over
 * the sets the controller passes (old and new in reconcileNewReplicaSet). Recreate: straight to R.
 */
export function newRSNewReplicas(d: DeploymentScalingSpec, allReplicaSetsSpec: number, newReplicaSetSpec: number): number {
  if (!isRollingUpdate(d)) return d.replicas;
  // The controller scales maxSurge alone here (not through ResolveFenceposts); the surge is the same.
  const surge = scaledValueFromIntOrPercent(d.strategy.rollingUpdate?.maxSurge ?? 0, d.replicas, true);
  const maxTotalPods = d.replicas + surge;
  if (allReplicaSetsSpec >= maxTotalPods) return newReplicaSetSpec;
  const scaleUpCount = Math.min(maxTotalPods - allReplicaSetsSpec, d.replicas - newReplicaSetSpec);
  return newReplicaSetSpec + scaleUpCount;
}
