/**
 * The timeline as received from the host is checked field by field before anything is drawn:
 * a postMessage payload is untrusted input, and a half-valid one must become a readable error,
 * not a page that crashes half-way through a render or draws NaN coordinates.
 */
import {
  ROLLOUT_TIMELINE_VERSION,
  type CapacityPoint,
  type GroupCounts,
  type PodLane,
  type PodPhase,
  type PodPhaseInterval,
  type RolloutScaleEvent,
  type RolloutSync,
  type RolloutTimeline,
} from '../../../common/src/rollout';

export class TimelineInputError extends Error {}

export const POD_PHASES: readonly PodPhase[] = ['pending', 'starting', 'ready', 'available', 'terminating'];
const KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);
const OUTCOMES = new Set(['complete', 'timed-out', 'stalled', 'manual']);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(message: string): never {
  throw new TimelineInputError(`The rollout timeline could not be read: ${message}`);
}

function object(value: unknown, what: string): Json {
  if (!isObject(value)) fail(`${what} is not an object.`);
  return value;
}

function list(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) fail(`${what} is not a list.`);
  return value;
}

function num(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(`${what} is not a finite number.`);
  return value;
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string') fail(`${what} is not a string.`);
  return value;
}

const optionalStr = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const optionalNum = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function revision(value: unknown, what: string): 'old' | 'new' {
  if (value !== 'old' && value !== 'new') fail(`${what} is neither "old" nor "new".`);
  return value;
}

function phase(value: unknown, what: string): PodPhaseInterval {
  const p = object(value, what);
  if (!POD_PHASES.includes(p.phase as PodPhase)) fail(`${what}.phase is not one of ${POD_PHASES.join(', ')}.`);
  const start = num(p.start, `${what}.start`);
  const end = num(p.end, `${what}.end`);
  if (end < start) fail(`${what} ends before it starts.`);
  return { phase: p.phase as PodPhase, start, end };
}

function lane(value: unknown, index: number): PodLane {
  const what = `lanes[${index}]`;
  const l = object(value, what);
  return {
    id: str(l.id, `${what}.id`),
    podName: str(l.podName, `${what}.podName`),
    group: str(l.group, `${what}.group`),
    revision: revision(l.revision, `${what}.revision`),
    ordinal: optionalNum(l.ordinal),
    node: optionalStr(l.node),
    phases: list(l.phases, `${what}.phases`).map((p, i) => phase(p, `${what}.phases[${i}]`)),
  };
}

function groupCounts(value: unknown, what: string): GroupCounts {
  const g = object(value, what);
  return {
    name: str(g.name, `${what}.name`),
    revision: revision(g.revision, `${what}.revision`),
    desired: num(g.desired, `${what}.desired`),
    current: num(g.current, `${what}.current`),
    ready: num(g.ready, `${what}.ready`),
    available: num(g.available, `${what}.available`),
  };
}

function sync(value: unknown, index: number): RolloutSync {
  const what = `syncs[${index}]`;
  const s = object(value, what);
  return {
    index,
    t: num(s.t, `${what}.t`),
    step: str(s.step, `${what}.step`),
    reason: str(s.reason, `${what}.reason`),
    groups: list(s.groups, `${what}.groups`).map((g, i) => groupCounts(g, `${what}.groups[${i}]`)),
  };
}

function event(value: unknown, index: number, syncCount: number): RolloutScaleEvent {
  const what = `events[${index}]`;
  const e = object(value, what);
  if (e.action !== 'scale-up' && e.action !== 'scale-down') fail(`${what}.action is neither scale-up nor scale-down.`);
  const syncIndex = num(e.sync, `${what}.sync`);
  if (!Number.isInteger(syncIndex) || syncIndex < 0 || syncIndex >= syncCount) fail(`${what}.sync names no sync.`);
  return {
    t: num(e.t, `${what}.t`),
    action: e.action,
    replicaSet: str(e.replicaSet, `${what}.replicaSet`),
    from: num(e.from, `${what}.from`),
    to: num(e.to, `${what}.to`),
    sync: syncIndex,
  };
}

function capacityPoint(value: unknown, index: number): CapacityPoint {
  const what = `capacity[${index}]`;
  const c = object(value, what);
  return {
    t: num(c.t, `${what}.t`),
    available: num(c.available, `${what}.available`),
    pods: num(c.pods, `${what}.pods`),
    podsIncludingTerminating: num(c.podsIncludingTerminating, `${what}.podsIncludingTerminating`),
  };
}

export function readRolloutTimeline(value: unknown): RolloutTimeline {
  const t = object(value, 'the timeline');
  if (t.version !== ROLLOUT_TIMELINE_VERSION) {
    fail(`this page draws timeline version ${ROLLOUT_TIMELINE_VERSION}; it was given version ${JSON.stringify(t.version)}. Update the extension.`);
  }
  if (!KINDS.has(t.kind as string)) fail('kind is not Deployment, StatefulSet or DaemonSet.');
  const limits = object(t.limits, 'limits');
  const assumptions = object(t.assumptions, 'assumptions');
  const summary = object(t.summary, 'summary');
  if (!OUTCOMES.has(summary.outcome as string)) fail('summary.outcome is not complete, timed-out, stalled or manual.');
  const syncs = list(t.syncs, 'syncs').map(sync);
  return {
    version: ROLLOUT_TIMELINE_VERSION,
    kind: t.kind as RolloutTimeline['kind'],
    name: str(t.name, 'name'),
    namespace: optionalStr(t.namespace),
    strategy: str(t.strategy, 'strategy'),
    limits: {
      replicas: num(limits.replicas, 'limits.replicas'),
      maxSurge: num(limits.maxSurge, 'limits.maxSurge'),
      maxUnavailable: num(limits.maxUnavailable, 'limits.maxUnavailable'),
      minAvailable: num(limits.minAvailable, 'limits.minAvailable'),
      maxPods: num(limits.maxPods, 'limits.maxPods'),
    },
    assumptions: {
      podStartSeconds: num(assumptions.podStartSeconds, 'assumptions.podStartSeconds'),
      readinessDelaySeconds: num(assumptions.readinessDelaySeconds, 'assumptions.readinessDelaySeconds'),
      minReadySeconds: num(assumptions.minReadySeconds, 'assumptions.minReadySeconds'),
      terminationGracePeriodSeconds: num(assumptions.terminationGracePeriodSeconds, 'assumptions.terminationGracePeriodSeconds'),
      progressDeadlineSeconds: assumptions.progressDeadlineSeconds === null ? null : num(assumptions.progressDeadlineSeconds, 'assumptions.progressDeadlineSeconds'),
      nodes: optionalNum(assumptions.nodes),
      newPodsNeverReady: assumptions.newPodsNeverReady === true,
    },
    groups: list(t.groups, 'groups').map((g, i) => {
      const group = object(g, `groups[${i}]`);
      return { name: str(group.name, `groups[${i}].name`), revision: revision(group.revision, `groups[${i}].revision`) };
    }),
    lanes: list(t.lanes, 'lanes').map(lane),
    events: list(t.events, 'events').map((e, i) => event(e, i, syncs.length)),
    syncs,
    capacity: list(t.capacity, 'capacity').map(capacityPoint),
    summary: {
      outcome: summary.outcome as RolloutTimeline['summary']['outcome'],
      durationSeconds: num(summary.durationSeconds, 'summary.durationSeconds'),
      lastPodGoneSeconds: num(summary.lastPodGoneSeconds, 'summary.lastPodGoneSeconds'),
      maxPods: num(summary.maxPods, 'summary.maxPods'),
      maxPodsIncludingTerminating: num(summary.maxPodsIncludingTerminating, 'summary.maxPodsIncludingTerminating'),
      minAvailable: num(summary.minAvailable, 'summary.minAvailable'),
      timedOut: summary.timedOut === true,
      downtime: list(summary.downtime, 'summary.downtime').map((d, i) => {
        const window = object(d, `summary.downtime[${i}]`);
        return { start: num(window.start, `summary.downtime[${i}].start`), end: num(window.end, `summary.downtime[${i}].end`) };
      }),
      podsReplaced: num(summary.podsReplaced, 'summary.podsReplaced'),
    },
    notes: list(t.notes, 'notes').filter((note): note is string => typeof note === 'string'),
  };
}
