/**
 * Deployments, StatefulSets and DaemonSets read from manifest YAML (several documents, `List`
 * kinds), with what the rollout depends on and the defaults the API server fills in
 * (apps/v1 SetDefaults_Deployment / _StatefulSet / _DaemonSet, core/v1 SetDefaults_Probe), and the
 * admission checks that would reject the manifest before any rollout (apps validation). Pure: text
 * in, workloads out.
 */
import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import type {
  DaemonSetWorkload,
  DeploymentWorkload,
  IntOrPercent,
  PodTemplateTiming,
  ReadinessProbeTiming,
  RolloutWorkload,
  StatefulSetWorkload,
  WorkloadSource,
} from '../../../common/src/rollout';
import { DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS, PROBE_DEFAULTS } from './podTiming';

/** A manifest that cannot be read, or that the API server would reject. `line` is 0-based. */
export class ManifestError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'ManifestError';
  }
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
/** progressDeadlineSeconds = MaxInt32 means "no deadline" to the controller. */
const NO_DEADLINE = 2147483647;
const DEFAULT_PROGRESS_DEADLINE_SECONDS = 600;
const DEFAULT_SURGE_AND_UNAVAILABLE = '25%';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads one object's fields with the object's path in every message. */
class FieldReader {
  constructor(
    private readonly what: string,
    private readonly line: number,
  ) {}

  fail(message: string): never {
    throw new ManifestError(`${this.what}: ${message}`, this.line);
  }

  object(value: unknown, path: string): Json | undefined {
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) this.fail(`${path} must be a mapping`);
    return value;
  }

  integer(value: unknown, path: string, fallback: number, minimum = 0): number {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value)) this.fail(`${path} must be an integer (got ${JSON.stringify(value)})`);
    if (value < minimum) this.fail(`${path}: Invalid value: ${value}: must be greater than or equal to ${minimum}`);
    return value;
  }

  /** ValidatePositiveIntOrPercent: a non-negative int, or a string "N%". */
  intOrPercent(value: unknown, path: string, fallback: IntOrPercent): IntOrPercent {
    if (value === undefined || value === null) return fallback;
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) this.fail(`${path} must be an integer or a percentage (got ${value})`);
      if (value < 0) this.fail(`${path}: Invalid value: ${value}: must be greater than or equal to 0`);
      return value;
    }
    if (typeof value === 'string' && /^\d+%$/.test(value)) return value;
    this.fail(`${path}: Invalid value: ${JSON.stringify(value)}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%')`);
  }

  oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], fallback: T): T {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value))
      this.fail(`${path}: Unsupported value: ${JSON.stringify(value)}: supported values: ${allowed.map((a) => `"${a}"`).join(', ')}`);
    return value as T;
  }
}

const isZero = (value: IntOrPercent) => value === 0 || value === '0%';
const percentAbove100 = (value: IntOrPercent) => typeof value === 'string' && Number(value.slice(0, -1)) > 100;

/** The pod template's timing: the first container with a readiness probe, and the grace period. */
function podTiming(read: FieldReader, template: Json | undefined): PodTemplateTiming {
  const podSpec = read.object(template?.spec, 'spec.template.spec');
  const grace = read.integer(podSpec?.terminationGracePeriodSeconds, 'spec.template.spec.terminationGracePeriodSeconds', DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  const timing: PodTemplateTiming = { terminationGracePeriodSeconds: grace };
  const containers = podSpec?.containers;
  if (containers !== undefined && !Array.isArray(containers)) read.fail('spec.template.spec.containers must be a list');
  for (const [index, container] of (containers ?? []).entries()) {
    const c = read.object(container, `spec.template.spec.containers[${index}]`);
    const probe = read.object(c?.readinessProbe, `spec.template.spec.containers[${index}].readinessProbe`);
    if (!probe) continue;
    const path = `spec.template.spec.containers[${index}].readinessProbe`;
    const readiness: ReadinessProbeTiming = {
      initialDelaySeconds: read.integer(probe.initialDelaySeconds, `${path}.initialDelaySeconds`, PROBE_DEFAULTS.initialDelaySeconds),
      periodSeconds: read.integer(probe.periodSeconds, `${path}.periodSeconds`, PROBE_DEFAULTS.periodSeconds, 1),
      successThreshold: read.integer(probe.successThreshold, `${path}.successThreshold`, PROBE_DEFAULTS.successThreshold, 1),
    };
    timing.readinessProbe = readiness;
    if (typeof c?.name === 'string') timing.probeContainer = c.name;
    break;
  }
  return timing;
}

function deploymentFrom(read: FieldReader, base: Base, spec: Json): DeploymentWorkload {
  const replicas = read.integer(spec.replicas, 'spec.replicas', 1);
  const minReadySeconds = read.integer(spec.minReadySeconds, 'spec.minReadySeconds', 0);
  const strategy = read.object(spec.strategy, 'spec.strategy');
  const type = read.oneOf(strategy?.type, 'spec.strategy.type', ['RollingUpdate', 'Recreate'] as const, 'RollingUpdate');
  const rollingUpdate = read.object(strategy?.rollingUpdate, 'spec.strategy.rollingUpdate');
  let workloadStrategy: DeploymentWorkload['strategy'];
  if (type === 'Recreate') {
    if (rollingUpdate) read.fail("spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'");
    workloadStrategy = { type };
  } else {
    const maxSurge = read.intOrPercent(rollingUpdate?.maxSurge, 'spec.strategy.rollingUpdate.maxSurge', DEFAULT_SURGE_AND_UNAVAILABLE);
    const maxUnavailable = read.intOrPercent(rollingUpdate?.maxUnavailable, 'spec.strategy.rollingUpdate.maxUnavailable', DEFAULT_SURGE_AND_UNAVAILABLE);
    if (isZero(maxSurge) && isZero(maxUnavailable))
      read.fail(`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: ${JSON.stringify(maxUnavailable)}: may not be 0 when \`maxSurge\` is 0`);
    if (percentAbove100(maxUnavailable))
      read.fail(`spec.strategy.rollingUpdate.maxUnavailable: Invalid value: ${JSON.stringify(maxUnavailable)}: must not be greater than 100%`);
    workloadStrategy = { type, rollingUpdate: { maxSurge, maxUnavailable } };
  }
  const deadline = read.integer(spec.progressDeadlineSeconds, 'spec.progressDeadlineSeconds', DEFAULT_PROGRESS_DEADLINE_SECONDS);
  if (deadline <= minReadySeconds) read.fail(`spec.progressDeadlineSeconds: Invalid value: ${deadline}: must be greater than minReadySeconds`);
  return {
    kind: 'Deployment',
    ...base,
    replicas,
    minReadySeconds,
    strategy: workloadStrategy,
    progressDeadlineSeconds: deadline === NO_DEADLINE ? null : deadline,
    pod: podTiming(read, read.object(spec.template, 'spec.template')),
  };
}

function statefulSetFrom(read: FieldReader, base: Base, spec: Json): StatefulSetWorkload {
  const updateStrategy = read.object(spec.updateStrategy, 'spec.updateStrategy');
  const type = read.oneOf(updateStrategy?.type, 'spec.updateStrategy.type', ['RollingUpdate', 'OnDelete'] as const, 'RollingUpdate');
  const rollingUpdate = read.object(updateStrategy?.rollingUpdate, 'spec.updateStrategy.rollingUpdate');
  const maxUnavailable = read.intOrPercent(rollingUpdate?.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', 1);
  if (isZero(maxUnavailable)) read.fail('spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: 0: must be greater than 0');
  return {
    kind: 'StatefulSet',
    ...base,
    replicas: read.integer(spec.replicas, 'spec.replicas', 1),
    minReadySeconds: read.integer(spec.minReadySeconds, 'spec.minReadySeconds', 0),
    updateStrategy: { type, partition: read.integer(rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition', 0), maxUnavailable },
    podManagementPolicy: read.oneOf(spec.podManagementPolicy, 'spec.podManagementPolicy', ['OrderedReady', 'Parallel'] as const, 'OrderedReady'),
    pod: podTiming(read, read.object(spec.template, 'spec.template')),
  };
}

function daemonSetFrom(read: FieldReader, base: Base, spec: Json): DaemonSetWorkload {
  const updateStrategy = read.object(spec.updateStrategy, 'spec.updateStrategy');
  const type = read.oneOf(updateStrategy?.type, 'spec.updateStrategy.type', ['RollingUpdate', 'OnDelete'] as const, 'RollingUpdate');
  const rollingUpdate = read.object(updateStrategy?.rollingUpdate, 'spec.updateStrategy.rollingUpdate');
  const maxSurge = read.intOrPercent(rollingUpdate?.maxSurge, 'spec.updateStrategy.rollingUpdate.maxSurge', 0);
  const maxUnavailable = read.intOrPercent(rollingUpdate?.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable', 1);
  if (isZero(maxSurge) && isZero(maxUnavailable))
    read.fail(`spec.updateStrategy.rollingUpdate.maxUnavailable: Invalid value: ${JSON.stringify(maxUnavailable)}: may not be 0 when \`maxSurge\` is 0`);
  return {
    kind: 'DaemonSet',
    ...base,
    minReadySeconds: read.integer(spec.minReadySeconds, 'spec.minReadySeconds', 0),
    updateStrategy: { type, maxSurge, maxUnavailable },
    pod: podTiming(read, read.object(spec.template, 'spec.template')),
  };
}

interface Base {
  name: string;
  namespace?: string;
  source: WorkloadSource;
}

function workloadFrom(object: Json, source: WorkloadSource): RolloutWorkload | undefined {
  const kind = object.kind;
  if (typeof kind !== 'string' || !WORKLOAD_KINDS.has(kind)) return undefined;
  const metadata = isObject(object.metadata) ? object.metadata : {};
  const name = typeof metadata.name === 'string' ? metadata.name : typeof metadata.generateName === 'string' ? `${metadata.generateName}…` : '(unnamed)';
  const read = new FieldReader(`${kind} "${name}"`, source.line);
  const base: Base = { name, source };
  if (typeof metadata.namespace === 'string') base.namespace = metadata.namespace;
  const spec = read.object(object.spec, 'spec') ?? {};
  if (kind === 'Deployment') return deploymentFrom(read, base, spec);
  if (kind === 'StatefulSet') return statefulSetFrom(read, base, spec);
  return daemonSetFrom(read, base, spec);
}

function lineOf(lineCounter: LineCounter, offset: number | undefined): number {
  return offset === undefined ? 0 : lineCounter.linePos(offset).line - 1;
}

function nodeOffset(document: Document, path: (string | number)[]): number | undefined {
  const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
  return node?.range?.[0];
}

/** Every Deployment, StatefulSet and DaemonSet in the text, in order; other kinds are skipped. */
export function workloadsFromManifest(text: string): RolloutWorkload[] {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  if (!Array.isArray(documents)) return []; // an empty stream
  const workloads: RolloutWorkload[] = [];
  documents.forEach((document, documentIndex) => {
    const error = document.errors[0];
    if (error)
      throw new ManifestError(
        `YAML syntax error (document ${documentIndex + 1}, line ${lineOf(lineCounter, error.pos[0]) + 1}): ${error.message.split('\n')[0]}`,
        lineOf(lineCounter, error.pos[0]),
      );
    const line = lineOf(lineCounter, document.contents?.range?.[0] ?? document.range[0]);
    const object: unknown = document.toJS({ maxAliasCount: 100 });
    if (!isObject(object)) return;
    // kind: List (or DeploymentList, …): its items are the objects.
    if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
      object.items.forEach((item: unknown, itemIndex: number) => {
        if (!isObject(item)) return;
        const workload = workloadFrom(item, { documentIndex, itemIndex, line: lineOf(lineCounter, nodeOffset(document, ['items', itemIndex])) });
        if (workload) workloads.push(workload);
      });
      return;
    }
    const workload = workloadFrom(object, { documentIndex, line });
    if (workload) workloads.push(workload);
  });
  return workloads;
}
