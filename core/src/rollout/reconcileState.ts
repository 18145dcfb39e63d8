/**
 * `immutable-infra rollout --reconcile STATE.json`: one Deployment controller sync over a cluster
 * state written by hand (the shape in docs/cli.md), for working out why a rollout is stuck. The answer has
 * the same shape plus `action`. Pure: parsed JSON in, JSON-ready object out.
 *
 * The shape has no room for terminating pods or ReplicaSet annotations, so: a set's available
 * pods never exceed its replicas after a scale-down (the ReplicaSet controller deletes unavailable
 * pods first); Recreate treats old sets with no replicas and no available pods as gone; and an
 * optional `desiredReplicas` / `maxReplicas` on a set (the controller's annotations) makes a
 * change of `replicas` a scaling event, as in the controller.
 */
import type { DeploymentStrategySpec, IntOrPercent } from '../../../common/src/rollout';
import { resolveFenceposts, RolloutSpecError } from './fenceposts';
import { syncDeployment, type ReplicaSetState } from './deploymentSync';

export class ReconcileStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReconcileStateError';
  }
}

export interface ReplicaSetCountsJson {
  replicas: number;
  availableReplicas: number;
  desiredReplicas?: number;
  maxReplicas?: number;
}

export interface ReconcileStateJson {
  replicas: number;
  strategy: { type: 'RollingUpdate' | 'Recreate'; rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent } };
  minReadySeconds: number;
  newReplicaSet: ReplicaSetCountsJson | null;
  oldReplicaSets: ReplicaSetCountsJson[];
}

export interface ReconcileAnswerJson extends ReconcileStateJson {
  action: 'scale-up' | 'scale-down' | 'none';
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function count(value: unknown, path: string, optional = false): number | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new ReconcileStateError(`${path} must be a non-negative integer (got ${JSON.stringify(value)})`);
  return value;
}

function intOrPercent(value: unknown, path: string): IntOrPercent | undefined {
  if (value === undefined) return undefined;
  if ((typeof value === 'number' && Number.isInteger(value) && value >= 0) || (typeof value === 'string' && /^\d+%$/.test(value))) return value;
  throw new ReconcileStateError(`${path} must be a non-negative integer or a percentage such as "25%" (got ${JSON.stringify(value)})`);
}

function replicaSetCounts(value: unknown, path: string): ReplicaSetCountsJson {
  if (!isObject(value)) throw new ReconcileStateError(`${path} must be an object {"replicas", "availableReplicas"}`);
  const counts: ReplicaSetCountsJson = {
    replicas: count(value.replicas, `${path}.replicas`)!,
    availableReplicas: count(value.availableReplicas, `${path}.availableReplicas`)!,
  };
  const desired = count(value.desiredReplicas, `${path}.desiredReplicas`, true);
  const max = count(value.maxReplicas, `${path}.maxReplicas`, true);
  if (desired !== undefined) counts.desiredReplicas = desired;
  if (max !== undefined) counts.maxReplicas = max;
  return counts;
}

/** Validates STATE, filling in the apps/v1 defaults (RollingUpdate, 25% / 25%, minReadySeconds 0). */
export function parseReconcileState(json: unknown): ReconcileStateJson {
  if (!isObject(json)) throw new ReconcileStateError('STATE must be a JSON object with "replicas", "strategy", "newReplicaSet" and "oldReplicaSets"');
  const replicas = count(json.replicas, 'replicas')!;
  let strategy: ReconcileStateJson['strategy'] = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  if (json.strategy !== undefined) {
    if (!isObject(json.strategy))
      throw new ReconcileStateError('strategy must be an object such as {"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":"25%"}}');
    const type = json.strategy.type ?? 'RollingUpdate';
    if (type !== 'RollingUpdate' && type !== 'Recreate')
      throw new ReconcileStateError(`strategy.type must be "RollingUpdate" or "Recreate" (got ${JSON.stringify(type)})`);
    const rollingUpdate = json.strategy.rollingUpdate;
    if (rollingUpdate !== undefined && !isObject(rollingUpdate)) throw new ReconcileStateError('strategy.rollingUpdate must be an object {"maxSurge", "maxUnavailable"}');
    strategy = { type };
    if (rollingUpdate) {
      strategy.rollingUpdate = {};
      const maxSurge = intOrPercent(rollingUpdate.maxSurge, 'strategy.rollingUpdate.maxSurge');
      const maxUnavailable = intOrPercent(rollingUpdate.maxUnavailable, 'strategy.rollingUpdate.maxUnavailable');
      if (maxSurge !== undefined) strategy.rollingUpdate.maxSurge = maxSurge;
      if (maxUnavailable !== undefined) strategy.rollingUpdate.maxUnavailable = maxUnavailable;
    }
  }
  const minReadySeconds = json.minReadySeconds === undefined ? 0 : count(json.minReadySeconds, 'minReadySeconds')!;
  const newReplicaSet = json.newReplicaSet === undefined || json.newReplicaSet === null ? null : replicaSetCounts(json.newReplicaSet, 'newReplicaSet');
  if (json.oldReplicaSets !== undefined && !Array.isArray(json.oldReplicaSets)) throw new ReconcileStateError('oldReplicaSets must be a list, oldest first');
  const oldReplicaSets = ((json.oldReplicaSets as unknown[] | undefined) ?? []).map((rs, i) => replicaSetCounts(rs, `oldReplicaSets[${i}]`));
  return { replicas, strategy, minReadySeconds, newReplicaSet, oldReplicaSets };
}

/** The strategy as the controller reads it: unset rolling-update fields take the apps/v1 defaults. */
function effectiveStrategy(strategy: ReconcileStateJson['strategy']): DeploymentStrategySpec {
  if (strategy.type === 'Recreate') return { type: 'Recreate' };
  return {
    type: 'RollingUpdate',
    rollingUpdate: { maxSurge: strategy.rollingUpdate?.maxSurge ?? '25%', maxUnavailable: strategy.rollingUpdate?.maxUnavailable ?? '25%' },
  };
}

/** One sync of the Deployment controller over STATE: the next state and the direction it scaled. */
export function reconcileOnce(state: ReconcileStateJson): ReconcileAnswerJson {
  const strategy = effectiveStrategy(state.strategy);
  try {
    if (strategy.rollingUpdate) resolveFenceposts(strategy.rollingUpdate.maxSurge, strategy.rollingUpdate.maxUnavailable, state.replicas);
  } catch (error) {
    if (error instanceof RolloutSpecError) throw new ReconcileStateError(error.message);
    throw error;
  }
  const toState = (counts: ReplicaSetCountsJson, name: string): ReplicaSetState => ({
    name,
    replicas: counts.replicas,
    availableReplicas: counts.availableReplicas,
    desiredReplicas: counts.desiredReplicas,
    maxReplicas: counts.maxReplicas,
  });
  const result = syncDeployment({
    deployment: { replicas: state.replicas, strategy, statusReplicas: [state.newReplicaSet, ...state.oldReplicaSets].reduce((n, rs) => n + (rs?.replicas ?? 0), 0) },
    newReplicaSet: state.newReplicaSet ? toState(state.newReplicaSet, 'new') : null,
    oldReplicaSets: state.oldReplicaSets.map((rs, i) => toState(rs, `old-${i}`)),
    newReplicaSetName: 'new',
  });
  const toJson = (rs: ReplicaSetState, before: ReplicaSetCountsJson | null): ReplicaSetCountsJson => {
    // A scaled-down set loses pods; the ReplicaSet controller deletes unavailable ones first.
    const scaled = before === null || before.replicas !== rs.replicas;
    const counts: ReplicaSetCountsJson = { replicas: rs.replicas, availableReplicas: scaled ? Math.min(rs.availableReplicas, rs.replicas) : rs.availableReplicas };
    // Annotations are echoed (updated) only where the caller uses them.
    if (before?.desiredReplicas !== undefined && rs.desiredReplicas !== undefined) counts.desiredReplicas = rs.desiredReplicas;
    if (before?.maxReplicas !== undefined && rs.maxReplicas !== undefined) counts.maxReplicas = rs.maxReplicas;
    return counts;
  };
  return {
    replicas: state.replicas,
    strategy: state.strategy,
    minReadySeconds: state.minReadySeconds,
    newReplicaSet: result.newReplicaSet ? toJson(result.newReplicaSet, state.newReplicaSet) : null,
    oldReplicaSets: result.oldReplicaSets.map((rs, i) => toJson(rs, state.oldReplicaSets[i])),
    action: result.action,
  };
}
