/**
 * The rollout a plan's `kubernetes_deployment` / `kubernetes_deployment_v1` change (the
 * hashicorp/kubernetes provider) will start, as the DeploymentWorkload the rollout simulator takes.
 * Pure: one resource change's `change` object in, a workload (or why there is none) out.
 *
 * The provider's schema (kubernetes/resource_kubernetes_deployment_v1.go, schema_pod_spec.go,
 * schema_container.go) nests every block as a list of at most one item, so the plan JSON reads
 * `spec[0].strategy[0].rolling_update[0].max_surge`; `spec[0].replicas` is a string (to tell "0"
 * from unset), and so are `max_surge` / `max_unavailable` ("25%" or "1", parsed with intstr.Parse).
 * Its defaults are the ones the schema declares (min_ready_seconds 0, progress_deadline_seconds
 * 600, strategy type RollingUpdate, max_surge / max_unavailable "25%", termination_grace_period_seconds
 * 30, probe period_seconds 10 / success_threshold 1, initial_delay_seconds unset = 0), which match
 * the API server's (apps/v1 SetDefaults_Deployment, core/v1 SetDefaults_Probe).
 *
 * Which changes get a rollout:
 * - update: only when the pod template changes. That is what makes the Deployment controller
 *   create a new ReplicaSet; replicas, strategy or labels alone only scale or relabel.
 * - replace, delete first: the provider deletes the Deployment (background propagation: the
 *   object goes at once, the garbage collector removes its pods) and then creates the new one, so
 *   every old pod goes and every new one starts from nothing: drawn as a Recreate.
 * - replace, create first: a second Deployment starts all its pods beside the old ones, and the
 *   old one is deleted once Terraform has seen the new one roll out (`wait_for_rollout`): drawn as a
 *   RollingUpdate with maxSurge 100% and maxUnavailable 0. With the same name and namespace the
 *   create fails (AlreadyExists), so there is nothing to draw.
 * - create: none. There are no old pods to replace; the new ReplicaSet is scaled straight to
 *   `replicas`, and the questions the timeline answers (how low capacity dips, how many pods run
 *   at once) have trivial answers.
 * - delete, read, no-op, forget: none.
 *
 * Values known only after apply (`after_unknown`) are replaced by the default (or, for replicas,
 * by the current count) with a note saying so: the timeline is still worth seeing, and the note
 * tells the user what it assumed. There is no workload when the spec itself is unknown, when the
 * Deployment is paused, or when the API server would reject the values (then no rollout happens).
 */
import type { PlanAction, PlanNodeRollout } from '../../../common/src/planGraph';
import type { DeploymentWorkload, IntOrPercent, PodTemplateTiming, ReadinessProbeTiming } from '../../../common/src/rollout';
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS, PROBE_DEFAULTS } from '../rollout/podTiming';

/** The resource types this module reads (the legacy name is the same resource, deprecated). */
export const KUBERNETES_DEPLOYMENT_TYPES: readonly string[] = ['kubernetes_deployment', 'kubernetes_deployment_v1'];

/** progressDeadlineSeconds = MaxInt32 means "no deadline" to the controller. */
const NO_DEADLINE = 2147483647;
const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
const DEFAULT_SURGE_AND_UNAVAILABLE = '25%';
/** The API server's default for a Deployment without spec.replicas (the provider then sends none). */
const DEFAULT_REPLICAS = 1;

/** The change object of one `resource_changes` entry, as `show -json` writes it. */
export interface PlanChangeValues {
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
}

export type DeploymentRolloutFromPlan = { rollout: PlanNodeRollout } | { none: string };

/**
 * A managed resource of one of KUBERNETES_DEPLOYMENT_TYPES from the hashicorp/kubernetes provider
 * (any registry host; `kubernetes` alone in plans from before provider source addresses). Another
 * provider may name a type the same; its schema is not the one read here.
 */
export function isKubernetesDeployment(mode: string, type: string, providerName: string | undefined): boolean {
  if (mode !== 'managed' || !KUBERNETES_DEPLOYMENT_TYPES.includes(type)) return false;
  return providerName === undefined || providerName === 'kubernetes' || providerName.endsWith('/hashicorp/kubernetes');
}

/** A value the API server (or the provider) would refuse: the apply fails before any rollout. */
class NotSimulable extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One place in `after` (or `before`) with its `after_unknown` and `*_sensitive` marks, which
 * mirror the value's shape with `true` where a value (or a whole subtree) is unknown / sensitive.
 */
class Cursor {
  constructor(
    readonly value: unknown,
    readonly unknownMarks: unknown,
    private readonly sensitiveMarks: unknown,
    /** Terraform-style path for notes: `spec[0].replicas`. */
    readonly path: string,
  ) {}

  get unknown(): boolean {
    return this.unknownMarks === true;
  }

  get sensitive(): boolean {
    return this.sensitiveMarks === true;
  }

  attr(key: string): Cursor {
    const pick = (v: unknown) => (v === true ? true : isObject(v) && Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined);
    const value = isObject(this.value) && Object.prototype.hasOwnProperty.call(this.value, key) ? this.value[key] : undefined;
    return new Cursor(value, pick(this.unknownMarks), pick(this.sensitiveMarks), this.path ? `${this.path}.${key}` : key);
  }

  item(index: number): Cursor {
    const pick = (v: unknown) => (v === true ? true : Array.isArray(v) ? v[index] : undefined);
    return new Cursor(Array.isArray(this.value) ? this.value[index] : undefined, pick(this.unknownMarks), pick(this.sensitiveMarks), `${this.path}[${index}]`);
  }

  /** A nested block (a list of at most one item in this provider's schema). */
  block(key: string): Cursor {
    return this.attr(key).item(0);
  }

  /** The items of a list attribute (containers), known ones only. */
  items(): Cursor[] {
    return Array.isArray(this.value) ? this.value.map((_, i) => this.item(i)) : [];
  }

  /** Set: present and not null (an unset block reads as `[]`, an unset attribute as null). */
  get present(): boolean {
    return this.value !== undefined && this.value !== null && !(Array.isArray(this.value) && this.value.length === 0);
  }
}

function containsTrue(marks: unknown): boolean {
  if (marks === true) return true;
  if (Array.isArray(marks)) return marks.some(containsTrue);
  if (isObject(marks)) return Object.values(marks).some(containsTrue);
  return false;
}

/** Structural equality of two JSON values, null and absent alike (both mean "not set" in a plan). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === undefined || a === null) return b === undefined || b === null;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((k) => sameJson(a[k], b[k]));
  }
  return a === b;
}

/**
 * The pod template without its metadata's server-set fields (generation, resource_version, uid:
 * Computed in the provider's schema, always empty on a template): they are no part of the
 * template the controller hashes, so they neither make nor mark a change. Works on the value and
 * on its unknown marks alike (same shape).
 */
function withoutServerSetMetadata(template: unknown): unknown {
  if (!Array.isArray(template)) return template;
  return template.map((item) => {
    if (!isObject(item) || !Array.isArray(item.metadata)) return item;
    const metadata = item.metadata.map((m) => (isObject(m) ? Object.fromEntries(Object.entries(m).filter(([key]) => !SERVER_SET_METADATA.has(key))) : m));
    return { ...item, metadata };
  });
}

const SERVER_SET_METADATA = new Set(['generation', 'resource_version', 'uid']);

/** Reads the fields, collecting the notes about what was assumed. */
class Reader {
  readonly notes: string[] = [];

  assumed(at: Cursor, value: string, why = ''): void {
    this.notes.push(`\`${at.path}\` is known only after apply: assumed ${value}${why}.`);
  }

  integer(at: Cursor, fallback: number, minimum = 0): number {
    if (at.unknown) {
      this.assumed(at, String(fallback), ' (the default)');
      return fallback;
    }
    if (at.value === undefined || at.value === null) return fallback;
    if (typeof at.value !== 'number' || !Number.isInteger(at.value)) throw new NotSimulable(`\`${at.path}\` is not an integer (${JSON.stringify(at.value)})`);
    if (at.value < minimum) throw new NotSimulable(`\`${at.path}\` = ${at.value}: the API server requires at least ${minimum}`);
    return at.value;
  }

  /**
   * The provider's IntOrString strings, read as intstr.Parse does: digits are an int, anything else
   * a string, which the API server accepts only as "N%" (ValidatePositiveIntOrPercent). The
   * provider's own check lets "" through; the API server does not.
   */
  intOrPercent(at: Cursor, fallback: IntOrPercent): IntOrPercent {
    if (at.unknown) {
      this.assumed(at, JSON.stringify(fallback), ' (the default)');
      return fallback;
    }
    if (at.value === undefined || at.value === null) return fallback;
    if (typeof at.value === 'number' && Number.isInteger(at.value) && at.value >= 0) return at.value;
    if (typeof at.value === 'string' && /^\d+$/.test(at.value)) return Number(at.value);
    if (typeof at.value === 'string' && /^\d+%$/.test(at.value)) return at.value;
    throw new NotSimulable(`\`${at.path}\` = ${JSON.stringify(at.value)}: the API server accepts only a non-negative integer or a percentage such as "25%"`);
  }

  /** `spec[0].replicas`: a string holding an integer, "" (or null) for unset; unknown → `fallback`. */
  replicas(at: Cursor, fallback: { count: number; why: string }): number {
    if (at.unknown) {
      this.assumed(at, String(fallback.count), ` (${fallback.why})`);
      return fallback.count;
    }
    const parsed = replicaCount(at);
    if (parsed === undefined) return DEFAULT_REPLICAS;
    return parsed;
  }

  text(at: Cursor): string | undefined {
    if (at.sensitive) return '(sensitive value)';
    return typeof at.value === 'string' && at.value !== '' ? at.value : undefined;
  }
}

/** A known `replicas` string as a number; undefined when unset (""/null), NotSimulable when not an integer. */
function replicaCount(at: Cursor): number | undefined {
  const value = at.value;
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  throw new NotSimulable(`\`${at.path}\` = ${JSON.stringify(value)} is not a replica count`);
}

const isZero = (value: IntOrPercent) => value === 0 || value === '0%';

function podTiming(read: Reader, podSpec: Cursor): PodTemplateTiming {
  const timing: PodTemplateTiming = {
    terminationGracePeriodSeconds: read.integer(podSpec.attr('termination_grace_period_seconds'), DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS),
  };
  const containers = podSpec.attr('container');
  if (containers.unknown) {
    read.notes.push(`\`${containers.path}\` is known only after apply: assumed no readiness probe (a pod counts as ready once started).`);
    return timing;
  }
  // As the manifest reader does: the first container with a readiness probe decides.
  for (const container of containers.items()) {
    const probeList = container.attr('readiness_probe');
    if (probeList.unknown) {
      read.notes.push(`\`${probeList.path}\` is known only after apply: assumed none.`);
      continue;
    }
    const probe = probeList.item(0);
    if (!probe.present) continue;
    const readiness: ReadinessProbeTiming = {
      initialDelaySeconds: read.integer(probe.attr('initial_delay_seconds'), PROBE_DEFAULTS.initialDelaySeconds),
      periodSeconds: read.integer(probe.attr('period_seconds'), PROBE_DEFAULTS.periodSeconds, 1),
      successThreshold: read.integer(probe.attr('success_threshold'), PROBE_DEFAULTS.successThreshold, 1),
    };
    timing.readinessProbe = readiness;
    const name = read.text(container.attr('name'));
    if (name !== undefined) timing.probeContainer = name;
    break;
  }
  return timing;
}

function strategyOf(read: Reader, spec: Cursor): DeploymentWorkload['strategy'] {
  const defaults: DeploymentWorkload['strategy'] = {
    type: 'RollingUpdate',
    rollingUpdate: { maxSurge: DEFAULT_SURGE_AND_UNAVAILABLE, maxUnavailable: DEFAULT_SURGE_AND_UNAVAILABLE },
  };
  // `strategy` is Optional + Computed: unset in the configuration of a new object it is unknown
  // until the API server fills in its default.
  const strategyList = spec.attr('strategy');
  if (strategyList.unknown || strategyList.item(0).unknown) {
    read.notes.push(`\`${strategyList.path}\` is known only after apply: assumed the API server's default, RollingUpdate with maxSurge and maxUnavailable 25%.`);
    return defaults;
  }
  const strategy = strategyList.item(0);
  const typeAt = strategy.attr('type');
  let type: 'RollingUpdate' | 'Recreate' = 'RollingUpdate';
  if (typeAt.unknown) read.assumed(typeAt, 'RollingUpdate', ' (the default)');
  else if (typeAt.value === 'Recreate' || typeAt.value === 'RollingUpdate') type = typeAt.value;
  else if (typeAt.value !== undefined && typeAt.value !== null && typeAt.value !== '')
    throw new NotSimulable(`\`${typeAt.path}\` = ${JSON.stringify(typeAt.value)}: supported are "RollingUpdate" and "Recreate"`);
  // A switch to Recreate may still show the old rolling_update (Optional + Computed keeps the
  // prior value); the provider removes it from the object it sends, so it is ignored here.
  if (type === 'Recreate') return { type };
  const rollingList = strategy.attr('rolling_update');
  if (rollingList.unknown || rollingList.item(0).unknown) {
    read.notes.push(`\`${rollingList.path}\` is known only after apply: assumed the API server's default, maxSurge and maxUnavailable 25%.`);
    return defaults;
  }
  const rolling = rollingList.item(0);
  const maxSurge = read.intOrPercent(rolling.attr('max_surge'), DEFAULT_SURGE_AND_UNAVAILABLE);
  const maxUnavailable = read.intOrPercent(rolling.attr('max_unavailable'), DEFAULT_SURGE_AND_UNAVAILABLE);
  if (isZero(maxSurge) && isZero(maxUnavailable)) throw new NotSimulable('maxUnavailable may not be 0 when maxSurge is 0: the API server rejects the Deployment');
  if (typeof maxUnavailable === 'string' && Number(maxUnavailable.slice(0, -1)) > 100)
    throw new NotSimulable(`maxUnavailable ${maxUnavailable} must not be greater than 100%: the API server rejects the Deployment`);
  return { type, rollingUpdate: { maxSurge, maxUnavailable } };
}

/**
 * The rollout a change to a Deployment starts, or why it starts none. `action` is the node's
 * action; `change` the resource change's `change` object.
 */
export function deploymentRolloutFromPlan(action: PlanAction, change: PlanChangeValues): DeploymentRolloutFromPlan {
  switch (action) {
    case 'update':
    case 'replace-delete-first':
    case 'replace-create-first':
      break;
    case 'create':
      return { none: 'A new Deployment has no pods to replace: its pods are all created at once.' };
    default:
      return { none: `A ${action} starts no rollout.` };
  }
  const after = new Cursor(change.after, change.after_unknown, change.after_sensitive, '');
  const before = new Cursor(change.before, false, change.before_sensitive, '');
  const spec = after.block('spec');
  if (after.unknown || after.attr('spec').unknown || spec.unknown) return { none: 'The Deployment spec is known only after apply.' };
  if (!isObject(spec.value)) return { none: 'The plan shows no Deployment spec.' };
  const beforeSpec = before.block('spec');

  try {
    const read = new Reader();
    if (action === 'update') {
      // Only a new pod template makes the controller create a new ReplicaSet.
      const template = spec.attr('template');
      if (containsTrue(withoutServerSetMetadata(template.unknownMarks)))
        read.notes.push('The pod template has values known only after apply: assumed to change, which starts a rollout.');
      else if (sameJson(withoutServerSetMetadata(beforeSpec.attr('template').value), withoutServerSetMetadata(template.value))) {
        return { none: 'The pod template does not change: no new ReplicaSet, so no rollout (replicas alone only scale).' };
      }
    }
    const paused = spec.attr('paused');
    if (paused.value === true) return { none: 'The Deployment is paused (`spec[0].paused`): the new template rolls out only once it is resumed.' };
    if (paused.unknown) read.assumed(paused, 'false');

    const metadata = after.block('metadata');
    const beforeMetadata = before.block('metadata');
    const nameAt = metadata.attr('name');
    let name = read.text(nameAt);
    if (name === undefined) {
      const prefix = read.text(metadata.attr('generate_name'));
      name = prefix !== undefined ? `${prefix}…` : '(known after apply)';
    }
    const namespace = read.text(metadata.attr('namespace'));

    if (
      action === 'replace-create-first' &&
      !nameAt.unknown &&
      name === read.text(beforeMetadata.attr('name')) &&
      namespace === read.text(beforeMetadata.attr('namespace'))
    ) {
      return {
        none: `create_before_destroy creates a second Deployment "${name}" while the first still exists: the API server answers AlreadyExists and the apply fails. Use generate_name or a new name.`,
      };
    }

    let initialReplicas: number | undefined;
    try {
      initialReplicas = beforeSpec.present ? replicaCount(beforeSpec.attr('replicas')) : undefined;
    } catch {
      initialReplicas = undefined; // a current count that can't be read: start from the new one
    }
    const replicas = read.replicas(
      spec.attr('replicas'),
      initialReplicas !== undefined ? { count: initialReplicas, why: 'the current count' } : { count: DEFAULT_REPLICAS, why: "the API server's default" },
    );

    const minReadySeconds = read.integer(spec.attr('min_ready_seconds'), 0);
    const deadline = read.integer(spec.attr('progress_deadline_seconds'), DEFAULT_PROGRESS_DEADLINE_SECONDS);
    if (deadline <= minReadySeconds)
      throw new NotSimulable(
        `progress_deadline_seconds (${deadline}) must be greater than min_ready_seconds (${minReadySeconds}): the API server rejects the Deployment`,
      );
    let strategy = strategyOf(read, spec);
    const pod = podTiming(read, spec.block('template').block('spec'));

    const waitForRollout = after.attr('wait_for_rollout');
    if (action === 'replace-delete-first') {
      strategy = { type: 'Recreate' };
      read.notes.unshift(
        'Replaced, destroy first: Terraform deletes the Deployment and then creates the new one, so every old pod stops before the new ones serve (drawn as a Recreate). The old pods are removed in the background, so new pods may start before they have finished terminating.',
      );
    } else if (action === 'replace-create-first') {
      strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '100%', maxUnavailable: 0 } };
      read.notes.unshift(
        'Replaced, create first: the new Deployment starts all its pods beside the old ones, and Terraform deletes the old Deployment once the new one has rolled out (drawn as a RollingUpdate with maxSurge 100% and maxUnavailable 0).',
      );
      if (waitForRollout.value === false)
        read.notes.push('wait_for_rollout = false: Terraform deletes the old Deployment without waiting for the new pods, so capacity can drop to zero.');
    } else if (waitForRollout.value === false) {
      read.notes.push('wait_for_rollout = false: the apply finishes when the Deployment is updated; the rollout goes on after it.');
    }

    const workload: DeploymentWorkload = {
      kind: 'Deployment',
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      replicas,
      minReadySeconds,
      strategy,
      progressDeadlineSeconds: deadline === NO_DEADLINE ? null : deadline,
      pod,
    };
    const rollout: PlanNodeRollout = { workload };
    if (initialReplicas !== undefined && initialReplicas !== replicas) rollout.initialReplicas = initialReplicas;
    if (read.notes.length > 0) rollout.notes = read.notes;
    return { rollout };
  } catch (error) {
    if (error instanceof NotSimulable) return { none: `${error.message}.` };
    throw error;
  }
}
