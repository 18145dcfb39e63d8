/**
 * One sync of the Deployment controller over ReplicaSet counts, restating kubernetes/kubernetes
 * `pkg/controller/deployment`: `rolling.go` (rolloutRolling, reconcileNewReplicaSet,
 * reconcileOldReplicaSets, cleanupUnhealthyReplicas, scaleDownOldReplicaSetsForRollingUpdate),
 * `recreate.go` (rolloutRecreate) and `sync.go` (isScalingEvent, scale — proportional scaling).
 *
 * Pure and immutable: every function takes counts and returns the scale actions and the next
 * counts; nothing is mutated. Old ReplicaSets are always given oldest first (the controller sorts
 * them by creation timestamp), the new one is the youngest. Used by the timeline simulator and by
 * `immutable-infra rollout --reconcile`.
 */
import { maxSurge, maxUnavailable, newRSNewReplicas, type DeploymentScalingSpec } from './fenceposts';

export interface ReplicaSetState {
  name: string;
  /** spec.replicas */
  replicas: number;
  /** status.availableReplicas */
  availableReplicas: number;
  /** The `deployment.kubernetes.io/desired-replicas` annotation; undefined when missing. */
  desiredReplicas?: number;
  /** The `deployment.kubernetes.io/max-replicas` annotation; undefined when missing. */
  maxReplicas?: number;
}

export interface DeploymentState extends DeploymentScalingSpec {
  /** status.replicas: the fallback denominator of proportional scaling when an RS lacks max-replicas. */
  statusReplicas?: number;
}

export interface ReplicaSetScale {
  replicaSet: string;
  from: number;
  to: number;
}

export interface DeploymentSyncInput {
  deployment: DeploymentState;
  newReplicaSet: ReplicaSetState | null;
  /** Oldest first. */
  oldReplicaSets: ReplicaSetState[];
  /** Name for the new ReplicaSet if this sync creates it. */
  newReplicaSetName?: string;
  /**
   * Recreate only: whether any old pod still runs, terminating ones included (recreate.go
   * oldPodsRunning). Default: some old set has replicas or available pods.
   */
  oldPodsRunning?: boolean;
}

export type SyncStep = 'reconcileNewReplicaSet' | 'reconcileOldReplicaSets' | 'scale' | 'rolloutRecreate' | 'none';

export interface DeploymentSyncResult {
  step: SyncStep;
  /** The direction of the last scale this sync made ('none' if it made none). */
  action: 'scale-up' | 'scale-down' | 'none';
  createdNewReplicaSet: boolean;
  /** In the order the controller makes them. */
  scales: ReplicaSetScale[];
  reason: string;
  newReplicaSet: ReplicaSetState | null;
  oldReplicaSets: ReplicaSetState[];
}

const sumReplicas = (sets: readonly ReplicaSetState[]) => sets.reduce((sum, rs) => sum + rs.replicas, 0);
const sumAvailable = (sets: readonly ReplicaSetState[]) => sets.reduce((sum, rs) => sum + rs.availableReplicas, 0);
const isActive = (rs: ReplicaSetState) => rs.replicas > 0;

/** scaleReplicaSet: a new size, and the replica annotations the controller writes with it. */
function scaledTo(d: DeploymentScalingSpec, rs: ReplicaSetState, replicas: number): ReplicaSetState {
  return { ...rs, replicas, desiredReplicas: d.replicas, maxReplicas: d.replicas + maxSurge(d) };
}

// ---- rolling.go ---------------------------------------------------------------------------

/**
 * reconcileNewReplicaSet: scale the new ReplicaSet up as far as the surge allows, or down to R
 * if it is larger. `allReplicaSets` is what the controller passes: old and new.
 * Returns the scale, or null when no scaling is needed.
 */
export function reconcileNewReplicaSet(d: DeploymentScalingSpec, allReplicaSets: readonly ReplicaSetState[], newReplicaSet: ReplicaSetState): ReplicaSetScale | null {
  if (newReplicaSet.replicas === d.replicas) return null;
  if (newReplicaSet.replicas > d.replicas) return { replicaSet: newReplicaSet.name, from: newReplicaSet.replicas, to: d.replicas };
  const target = newRSNewReplicas(d, sumReplicas(allReplicaSets), newReplicaSet.replicas);
  return target === newReplicaSet.replicas ? null : { replicaSet: newReplicaSet.name, from: newReplicaSet.replicas, to: target };
}

export interface OldReplicaSetsScaling {
  /** The old sets after this step, same order. */
  oldReplicaSets: ReplicaSetState[];
  scales: ReplicaSetScale[];
  count: number;
}

/**
 * cleanupUnhealthyReplicas: first remove old pods that are not available anyway (the ReplicaSet
 * controller deletes not-ready pods first), oldest set first, at most `maxCleanupCount` in all.
 * Removing them cannot lower availability, and leaving them would block the rollout
 * (kubernetes/kubernetes#16737).
 */
export function cleanupUnhealthyReplicas(d: DeploymentScalingSpec, oldReplicaSets: readonly ReplicaSetState[], maxCleanupCount: number): OldReplicaSetsScaling {
  const result: ReplicaSetState[] = [];
  const scales: ReplicaSetScale[] = [];
  let total = 0;
  for (const rs of oldReplicaSets) {
    const unhealthy = rs.replicas - rs.availableReplicas;
    if (total >= maxCleanupCount || rs.replicas === 0 || unhealthy === 0) {
      result.push(rs);
      continue;
    }
    // Available above spec (a scale-down still settling) gives a negative count: skip like the controller's guard does.
    const count = Math.min(maxCleanupCount - total, unhealthy);
    if (count <= 0) {
      result.push(rs);
      continue;
    }
    const to = rs.replicas - count;
    scales.push({ replicaSet: rs.name, from: rs.replicas, to });
    result.push(scaledTo(d, rs, to));
    total += count;
  }
  return { oldReplicaSets: result, scales, count: total };
}

/**
 * scaleDownOldReplicaSetsForRollingUpdate: remove available old pods down to the floor
 * minAvailable = R − maxUnavailable, counting available pods of every set (new included),
 * oldest set first.
 */
export function scaleDownOldReplicaSetsForRollingUpdate(
  d: DeploymentScalingSpec,
  allReplicaSets: readonly ReplicaSetState[],
  oldReplicaSets: readonly ReplicaSetState[],
): OldReplicaSetsScaling {
  const floor = d.replicas - maxUnavailable(d);
  const available = sumAvailable(allReplicaSets);
  if (available <= floor) return { oldReplicaSets: [...oldReplicaSets], scales: [], count: 0 };
  const toRemove = available - floor;
  const result: ReplicaSetState[] = [];
  const scales: ReplicaSetScale[] = [];
  let total = 0;
  for (const rs of oldReplicaSets) {
    if (total >= toRemove || rs.replicas === 0) {
      result.push(rs);
      continue;
    }
    const count = Math.min(rs.replicas, toRemove - total);
    const to = rs.replicas - count;
    scales.push({ replicaSet: rs.name, from: rs.replicas, to });
    result.push(scaledTo(d, rs, to));
    total += count;
  }
  return { oldReplicaSets: result, scales, count: total };
}

export interface ReconcileOldResult extends OldReplicaSetsScaling {
  cleanupCount: number;
  scaledDownCount: number;
  /** allPods − minAvailable − new RS unavailable pods: the budget of this step (≤ 0: nothing to do). */
  maxScaledDown: number;
}

/**
 * reconcileOldReplicaSets: how many old pods may go now. The budget subtracts the new set's
 * unavailable pods so that a new revision that never becomes ready does not drain the old one
 * (the controller's own example: R=10, maxUnavailable 2, maxSurge 3, 5 new pods crashlooping →
 * 13 − 8 − 5 = 0). `activeOldReplicaSets` are the old sets with replicas > 0, oldest first.
 */
export function reconcileOldReplicaSets(
  d: DeploymentScalingSpec,
  allReplicaSets: readonly ReplicaSetState[],
  activeOldReplicaSets: readonly ReplicaSetState[],
  newReplicaSet: ReplicaSetState,
): ReconcileOldResult {
  const none = (maxScaledDown: number): ReconcileOldResult => ({
    oldReplicaSets: [...activeOldReplicaSets],
    scales: [],
    count: 0,
    cleanupCount: 0,
    scaledDownCount: 0,
    maxScaledDown,
  });
  if (sumReplicas(activeOldReplicaSets) === 0) return none(0);
  const floor = d.replicas - maxUnavailable(d);
  const newUnavailable = newReplicaSet.replicas - newReplicaSet.availableReplicas;
  const maxScaledDown = sumReplicas(allReplicaSets) - floor - newUnavailable;
  if (maxScaledDown <= 0) return none(maxScaledDown);
  const cleanup = cleanupUnhealthyReplicas(d, activeOldReplicaSets, maxScaledDown);
  // After the clean-up the controller counts availability over the old sets it has plus the new one.
  const scaleDown = scaleDownOldReplicaSetsForRollingUpdate(d, [...cleanup.oldReplicaSets, newReplicaSet], cleanup.oldReplicaSets);
  return {
    oldReplicaSets: scaleDown.oldReplicaSets,
    scales: [...cleanup.scales, ...scaleDown.scales],
    count: cleanup.count + scaleDown.count,
    cleanupCount: cleanup.count,
    scaledDownCount: scaleDown.count,
    maxScaledDown,
  };
}

// ---- sync.go: scaling events and proportional scaling ---------------------------------------

/** isScalingEvent: some active set was sized for a different spec.replicas (its desired-replicas annotation). */
export function isScalingEvent(d: DeploymentScalingSpec, sets: readonly ReplicaSetState[]): boolean {
  return sets.some((rs) => isActive(rs) && rs.desiredReplicas !== undefined && rs.desiredReplicas !== d.replicas);
}

/** IsSaturated: the new set is fully sized for this spec and fully available. */
function isSaturated(d: DeploymentScalingSpec, rs: ReplicaSetState | null): boolean {
  return rs !== null && rs.replicas === d.replicas && rs.desiredReplicas === d.replicas && rs.availableReplicas === d.replicas;
}

/**
 * getReplicaSetFraction: the set's share of a size change, proportional to its size against the
 * max-replicas it was sized for. Without that annotation the controller falls back to the
 * Deployment's status.replicas, and does not scale at all when that is 0 too.
 */
export function replicaSetFraction(d: DeploymentState, rs: ReplicaSetState): number {
  if (d.replicas === 0) return -rs.replicas;
  const allowed = d.replicas + maxSurge(d);
  let annotated = rs.maxReplicas ?? 0;
  if (annotated === 0) annotated = d.statusReplicas ?? 0;
  if (annotated === 0) return 0;
  // math.Round in Go rounds halves away from zero; the size is never negative, so Math.round agrees.
  return Math.round((rs.replicas * allowed) / annotated) - rs.replicas;
}

/** GetProportion: the fraction, clamped to what is still left to add (or remove). */
export function replicaSetProportion(d: DeploymentState, rs: ReplicaSetState, toAdd: number, added: number): number {
  if (rs.replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(d, rs);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

interface AgedSet {
  rs: ReplicaSetState;
  /** 0 = oldest. */
  age: number;
}

/**
 * scale (sync.go): on a change of spec.replicas, resize every set rather than only the new one,
 * so that a bad new revision does not get a larger share just because the Deployment grew.
 */
export function proportionalScale(d: DeploymentState, newReplicaSet: ReplicaSetState | null, oldReplicaSets: readonly ReplicaSetState[]): DeploymentSyncResult {
  const aged: AgedSet[] = oldReplicaSets.map((rs, age) => ({ rs, age }));
  if (newReplicaSet) aged.push({ rs: newReplicaSet, age: aged.length });
  const next = new Map<string, ReplicaSetState>(aged.map(({ rs }) => [rs.name, rs]));
  const scales: ReplicaSetScale[] = [];
  const resize = (rs: ReplicaSetState, to: number) => {
    if (rs.replicas !== to) scales.push({ replicaSet: rs.name, from: rs.replicas, to });
    next.set(rs.name, scaledTo(d, rs, to));
  };
  const finish = (reason: string): DeploymentSyncResult => {
    const last = scales[scales.length - 1];
    return {
      step: 'scale',
      action: last ? (last.to > last.from ? 'scale-up' : 'scale-down') : 'none',
      createdNewReplicaSet: false,
      scales,
      reason,
      newReplicaSet: newReplicaSet ? next.get(newReplicaSet.name)! : null,
      oldReplicaSets: oldReplicaSets.map((rs) => next.get(rs.name)!),
    };
  };

  // FindActiveOrLatest: with at most one active set, that set (or the newest) simply takes R.
  const active = aged.filter(({ rs }) => isActive(rs));
  if (active.length <= 1 && aged.length > 0) {
    const target = active.length === 1 ? active[0].rs : (newReplicaSet ?? oldReplicaSets[oldReplicaSets.length - 1]);
    if (target.replicas !== d.replicas) resize(target, d.replicas);
    return finish(`replicas changed to ${d.replicas}: the only active ReplicaSet ${target.name} takes them all`);
  }
  if (isSaturated(d, newReplicaSet)) {
    for (const { rs } of active) if (rs !== newReplicaSet) resize(rs, 0);
    return finish(`new ReplicaSet is saturated: old ReplicaSets scaled to 0`);
  }
  if (d.strategy.type !== 'RollingUpdate') return finish('Recreate: no proportional scaling');

  const current = sumReplicas(active.map(({ rs }) => rs));
  const allowedSize = d.replicas > 0 ? d.replicas + maxSurge(d) : 0;
  const toAdd = allowedSize - current;
  // ReplicaSetsBySizeNewer when growing (ties: newer first), BySizeOlder when shrinking (ties: older first).
  const ordered = [...active].sort((a, b) => b.rs.replicas - a.rs.replicas || (toAdd > 0 ? b.age - a.age : a.age - b.age));
  const sizes = ordered.map(({ rs }) => rs.replicas);
  let added = 0;
  if (toAdd !== 0) {
    ordered.forEach(({ rs }, i) => {
      const proportion = replicaSetProportion(d, rs, toAdd, added);
      sizes[i] += proportion;
      added += proportion;
    });
    // Leftovers from rounding go to the largest set, never below 0.
    sizes[0] = Math.max(0, sizes[0] + toAdd - added);
  }
  ordered.forEach(({ rs }, i) => resize(rs, sizes[i]));
  return finish(
    `replicas changed to ${d.replicas}: ${toAdd >= 0 ? 'adding' : 'removing'} ${Math.abs(toAdd)} pod(s) across ${ordered.length} ReplicaSets in proportion to their size (limit ${allowedSize})`,
  );
}

// ---- one whole sync ---------------------------------------------------------------------

function resultOf(
  step: SyncStep,
  scales: ReplicaSetScale[],
  reason: string,
  created: boolean,
  newRS: ReplicaSetState | null,
  oldRSs: ReplicaSetState[],
): DeploymentSyncResult {
  const last = scales[scales.length - 1];
  const action = last ? (last.to > last.from ? 'scale-up' : 'scale-down') : 'none';
  return { step, action, createdNewReplicaSet: created, scales, reason, newReplicaSet: newRS, oldReplicaSets: oldRSs };
}

function replaceByName(sets: readonly ReplicaSetState[], updated: readonly ReplicaSetState[]): ReplicaSetState[] {
  const byName = new Map(updated.map((rs) => [rs.name, rs]));
  return sets.map((rs) => byName.get(rs.name) ?? rs);
}

/** getAllReplicaSetsAndSyncRevision(createIfNotExisted): a missing new set is created already sized (it counts as 0). */
function createNewReplicaSet(d: DeploymentScalingSpec, oldReplicaSets: readonly ReplicaSetState[], name: string): ReplicaSetState {
  const replicas = newRSNewReplicas(d, sumReplicas(oldReplicaSets), 0);
  return { name, replicas, availableReplicas: 0, desiredReplicas: d.replicas, maxReplicas: d.replicas + maxSurge(d) };
}

/** rolloutRolling: scale up if possible and stop; otherwise scale down if possible. Never both. */
export function rolloutRollingSync(input: DeploymentSyncInput): DeploymentSyncResult {
  const d = input.deployment;
  let oldRSs = [...input.oldReplicaSets];
  let newRS = input.newReplicaSet;
  const scales: ReplicaSetScale[] = [];
  let created = false;
  if (!newRS) {
    newRS = createNewReplicaSet(d, oldRSs, input.newReplicaSetName ?? 'new');
    created = true;
    if (newRS.replicas > 0) scales.push({ replicaSet: newRS.name, from: 0, to: newRS.replicas });
  }
  const up = reconcileNewReplicaSet(d, [...oldRSs, newRS], newRS);
  if (up) {
    newRS = scaledTo(d, newRS, up.to);
    scales.push(up);
    const reason =
      up.to < up.from
        ? `new ReplicaSet is larger than replicas (${up.from} > ${d.replicas}): scaled down to ${up.to}`
        : `${sumReplicas(oldRSs) + up.from} pods of at most ${d.replicas + maxSurge(d)} (replicas ${d.replicas} + maxSurge ${maxSurge(d)}): new ReplicaSet ${up.from} → ${up.to}`;
    return resultOf('reconcileNewReplicaSet', scales, reason, created, newRS, oldRSs);
  }
  const activeOld = oldRSs.filter(isActive);
  const down = reconcileOldReplicaSets(d, [...oldRSs, newRS], activeOld, newRS);
  if (down.count > 0) {
    oldRSs = replaceByName(oldRSs, down.oldReplicaSets);
    scales.push(...down.scales);
    const floor = d.replicas - maxUnavailable(d);
    const parts = [];
    if (down.cleanupCount) parts.push(`${down.cleanupCount} unavailable old pod(s) cleaned up`);
    if (down.scaledDownCount) parts.push(`${down.scaledDownCount} available old pod(s) removed, keeping at least ${floor} available`);
    return resultOf('reconcileOldReplicaSets', scales, `${parts.join('; ')} (budget ${down.maxScaledDown})`, created, newRS, oldRSs);
  }
  const reason = created
    ? `created the new ReplicaSet with ${newRS.replicas} replica(s)`
    : down.maxScaledDown <= 0 && sumReplicas(activeOld) > 0
      ? `waiting: ${newRS.replicas - newRS.availableReplicas} new pod(s) not yet available leave no room to remove old pods`
      : 'nothing to scale';
  return resultOf(created ? 'reconcileNewReplicaSet' : 'none', scales, reason, created, newRS, oldRSs);
}

/** rolloutRecreate: all old sets to 0, wait until no old pod runs, then the new set straight to R. */
export function rolloutRecreateSync(input: DeploymentSyncInput): DeploymentSyncResult {
  const d = input.deployment;
  let oldRSs = [...input.oldReplicaSets];
  let newRS = input.newReplicaSet;
  const scales: ReplicaSetScale[] = [];
  // scaleDownOldReplicaSetsForRecreate
  oldRSs = oldRSs.map((rs) => {
    if (!isActive(rs)) return rs;
    scales.push({ replicaSet: rs.name, from: rs.replicas, to: 0 });
    return scaledTo(d, rs, 0);
  });
  if (scales.length) return resultOf('rolloutRecreate', scales, 'Recreate: every old ReplicaSet scaled to 0 first', false, newRS, oldRSs);
  const oldPodsRunning = input.oldPodsRunning ?? oldRSs.some((rs) => rs.replicas > 0 || rs.availableReplicas > 0);
  if (oldPodsRunning) return resultOf('none', scales, 'Recreate: waiting for the old pods to terminate', false, newRS, oldRSs);
  let created = false;
  if (!newRS) {
    newRS = createNewReplicaSet(d, oldRSs, input.newReplicaSetName ?? 'new');
    created = true;
    if (newRS.replicas > 0) scales.push({ replicaSet: newRS.name, from: 0, to: newRS.replicas });
  } else if (newRS.replicas !== d.replicas) {
    // scaleUpNewReplicaSetForRecreate
    scales.push({ replicaSet: newRS.name, from: newRS.replicas, to: d.replicas });
    newRS = scaledTo(d, newRS, d.replicas);
  }
  const reason = scales.length ? `Recreate: old pods gone, new ReplicaSet to ${d.replicas}` : 'nothing to scale';
  return resultOf(scales.length || created ? 'rolloutRecreate' : 'none', scales, reason, created, newRS, oldRSs);
}

/** syncDeployment: a scaling event first (proportional scaling), else the strategy's rollout step. */
export function syncDeployment(input: DeploymentSyncInput): DeploymentSyncResult {
  const d = input.deployment;
  const sets = input.newReplicaSet ? [...input.oldReplicaSets, input.newReplicaSet] : input.oldReplicaSets;
  // sync.go's sync() reads the sets without creating the new one; it is created by the next rollout sync.
  if (isScalingEvent(d, sets)) return proportionalScale(d, input.newReplicaSet, input.oldReplicaSets);
  return d.strategy.type === 'Recreate' ? rolloutRecreateSync(input) : rolloutRollingSync(input);
}
