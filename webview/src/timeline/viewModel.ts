/**
 * The timeline's view model: what the page shows, worked out from a RolloutTimeline with no DOM
 * (unit-tested in Node). The figures, the lanes with their phases and descriptions, the capacity
 * as step series, and what each sync says — everything the renderer needs but coordinates.
 */
import type { PodLane, PodPhase, RolloutScaleEvent, RolloutSync, RolloutTimeline } from '../../../common/src/rollout';
import { cutText } from '../cutText';

/** Labels and descriptions carry at most this much of a (possibly huge, hostile) name. */
export const NAME_MAX_CHARS = 200;

export const cut = (text: string, max = NAME_MAX_CHARS): string => cutText(text, max);

export const PHASE_LABELS: Record<PodPhase, string> = {
  pending: 'pending',
  starting: 'starting',
  ready: 'ready',
  available: 'available',
  terminating: 'terminating',
};

export const PHASE_DESCRIPTIONS: Record<PodPhase, string> = {
  pending: 'created; pulling the image and starting the container',
  starting: 'running; readiness probe not passed yet',
  ready: 'Ready; waiting out minReadySeconds',
  available: 'available: counted by the controller',
  terminating: 'deleted; within its termination grace period',
};

/** Seconds as people read them: `45 s`, `2 min`, `1 min 30 s`, `1 h 2 min`. */
export function formatSeconds(seconds: number): string {
  const rounded = Math.round(seconds * 10) / 10;
  if (rounded < 60) return `${rounded} s`;
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  return s > 0 ? `${m} min ${s} s` : `${m} min`;
}

export interface SegmentView {
  phase: PodPhase;
  start: number;
  end: number;
}

export interface LaneView {
  id: string;
  podName: string;
  /** The name as drawn in the label column (cut when huge). */
  label: string;
  group: string;
  revision: 'old' | 'new';
  ordinal?: number;
  node?: string;
  segments: SegmentView[];
  /** When the lane's pod exists: from its first phase to its last. */
  start: number;
  end: number;
  /** One line per phase, for the details pane and the accessible name. */
  description: string[];
}

export interface StepPoint {
  t: number;
  value: number;
}

export interface SyncView {
  index: number;
  t: number;
  step: string;
  reason: string;
  groups: RolloutSync['groups'];
  events: RolloutScaleEvent[];
  /** `Sync 2 of 6 · 5 s · reconcileOldReplicaSets` */
  title: string;
}

export interface Fact {
  label: string;
  value: string;
  /** A figure that breaks what the user would expect (downtime, a timeout, capacity below the minimum). */
  warning?: boolean;
  className: string;
}

export interface TimelineView {
  title: string;
  strategy: string;
  limits: RolloutTimeline['limits'];
  /** The time axis: 0 until the last thing drawn happens (at least 1 s). */
  end: number;
  lanes: LaneView[];
  available: StepPoint[];
  pods: StepPoint[];
  /** The capacity chart's vertical extent: the highest count or limit drawn. */
  countMax: number;
  syncs: SyncView[];
  facts: Fact[];
  assumptions: string[];
  notes: string[];
  downtime: { start: number; end: number }[];
  /** The moment the outcome is reached, marked on the time axis. */
  outcome: { t: number; label: string; warning: boolean };
}

const OUTCOME_MARKS: Record<RolloutTimeline['summary']['outcome'], string> = {
  complete: 'complete',
  'timed-out': 'timed out',
  stalled: 'stalled',
  manual: 'waits for deletes',
};

function laneView(lane: PodLane): LaneView {
  const segments = lane.phases.filter((p) => p.end >= p.start).map((p) => ({ phase: p.phase, start: p.start, end: p.end }));
  const start = segments.length > 0 ? Math.min(...segments.map((s) => s.start)) : 0;
  const end = segments.length > 0 ? Math.max(...segments.map((s) => s.end)) : 0;
  const where = [lane.ordinal !== undefined ? `ordinal ${lane.ordinal}` : undefined, lane.node !== undefined ? `node ${cut(lane.node)}` : undefined]
    .filter(Boolean)
    .join(', ');
  return {
    id: lane.id,
    podName: lane.podName,
    label: cut(lane.podName, 60),
    group: lane.group,
    revision: lane.revision,
    ordinal: lane.ordinal,
    node: lane.node,
    segments,
    start,
    end,
    description: [
      `${lane.revision === 'new' ? 'New' : 'Old'} pod of ${cut(lane.group)}${where ? ` (${where})` : ''}`,
      ...segments.map((s) => `${PHASE_LABELS[s.phase]} ${formatSeconds(s.start)} – ${formatSeconds(s.end)} (${formatSeconds(s.end - s.start)})`),
    ],
  };
}

/** The phase a lane is in at `t` (the later one at a boundary: the state right after the change). */
export function phaseAt(lane: Pick<LaneView, 'segments'>, t: number): PodPhase | undefined {
  let found: PodPhase | undefined;
  for (const segment of lane.segments) if (segment.start <= t && t < segment.end) found = segment.phase;
  return found;
}

function factsOf(timeline: RolloutTimeline): Fact[] {
  const { summary, limits } = timeline;
  const outcome: Record<RolloutTimeline['summary']['outcome'], string> = {
    complete: 'complete',
    'timed-out': 'timed out (ProgressDeadlineExceeded)',
    stalled: 'stalled: no progress',
    manual: 'manual (OnDelete): pods change only when deleted',
  };
  const facts: Fact[] = [
    { label: 'Duration', value: formatSeconds(summary.durationSeconds), className: 'duration' },
    { label: 'Outcome', value: outcome[summary.outcome], warning: summary.outcome !== 'complete', className: 'outcome' },
    {
      label: 'Peak pods',
      value: `${summary.maxPods} (limit ${limits.maxPods} = ${limits.replicas} + maxSurge ${limits.maxSurge})`,
      warning: summary.maxPods > limits.maxPods,
      className: 'peak-pods',
    },
    {
      label: 'Lowest available',
      value: `${summary.minAvailable} (minimum ${limits.minAvailable} = ${limits.replicas} − maxUnavailable ${limits.maxUnavailable})`,
      warning: summary.minAvailable < limits.minAvailable,
      className: 'lowest-available',
    },
    { label: 'Pods replaced', value: String(summary.podsReplaced), className: 'pods-replaced' },
  ];
  if (summary.lastPodGoneSeconds > summary.durationSeconds) {
    facts.push({ label: 'Last old pod gone', value: formatSeconds(summary.lastPodGoneSeconds), className: 'last-pod-gone' });
  }
  const down = summary.downtime.reduce((sum, window) => sum + (window.end - window.start), 0);
  if (summary.downtime.length > 0) facts.push({ label: 'Downtime', value: `${formatSeconds(down)} with no available pod`, warning: true, className: 'downtime' });
  return facts;
}

/**
 * Where the user sets the two assumptions that are not in the manifest: VS Code's settings in the
 * extension's panel, the command's options in the CLI's page. Named beside each figure so that a
 * reader who doubts it knows what to change.
 */
export interface AssumptionSources {
  podStartSeconds: string;
  nodes: string;
}

export const SETTINGS_SOURCES: AssumptionSources = {
  podStartSeconds: 'setting immutableInfra.rollout.podStartSeconds',
  nodes: 'setting immutableInfra.rollout.nodes',
};

function assumptionsOf(timeline: RolloutTimeline, sources: AssumptionSources): string[] {
  const a = timeline.assumptions;
  const lines = [
    `Image pull and container start: ${formatSeconds(a.podStartSeconds)} (${sources.podStartSeconds})`,
    `Readiness: ${a.readinessDelaySeconds > 0 ? `${formatSeconds(a.readinessDelaySeconds)} after start, from the readiness probe` : 'Ready as soon as started (no readiness probe, or no delay)'}`,
    `minReadySeconds: ${a.minReadySeconds}`,
    `Old pods use their whole grace period: ${formatSeconds(a.terminationGracePeriodSeconds)}`,
    `Progress deadline: ${a.progressDeadlineSeconds === null ? 'none' : formatSeconds(a.progressDeadlineSeconds)}`,
  ];
  if (a.nodes !== undefined) lines.push(`Nodes: ${a.nodes} (${sources.nodes})`);
  if (a.newPodsNeverReady) lines.push('New pods never become Ready (a failing rollout)');
  return lines;
}

/** Capacity as step series: every point kept, several at one instant included (the momentary surge is real). */
function series(timeline: RolloutTimeline, key: 'available' | 'pods'): StepPoint[] {
  return timeline.capacity.map((point) => ({ t: point.t, value: point[key] }));
}

export function computeTimelineView(timeline: RolloutTimeline, sources: AssumptionSources = SETTINGS_SOURCES): TimelineView {
  const lanes = timeline.lanes.map(laneView);
  const end = Math.max(
    1,
    timeline.summary.durationSeconds,
    timeline.summary.lastPodGoneSeconds,
    ...lanes.map((lane) => lane.end),
    ...timeline.capacity.map((point) => point.t),
    ...timeline.syncs.map((s) => s.t),
  );
  const available = series(timeline, 'available');
  const pods = series(timeline, 'pods');
  const countMax = Math.max(1, timeline.limits.maxPods, timeline.limits.replicas, ...available.map((p) => p.value), ...pods.map((p) => p.value));
  const eventsBySync = new Map<number, RolloutScaleEvent[]>();
  for (const event of timeline.events) eventsBySync.set(event.sync, [...(eventsBySync.get(event.sync) ?? []), event]);
  const syncs = timeline.syncs.map((sync, index) => ({
    index,
    t: sync.t,
    step: sync.step,
    reason: sync.reason,
    groups: sync.groups,
    events: eventsBySync.get(index) ?? [],
    title: `Sync ${index + 1} of ${timeline.syncs.length} · ${formatSeconds(sync.t)} · ${sync.step}`,
  }));
  return {
    title: `${timeline.kind} ${timeline.namespace ? `${timeline.namespace}/` : ''}${timeline.name}`,
    strategy: timeline.strategy,
    limits: timeline.limits,
    end,
    lanes,
    available,
    pods,
    countMax,
    syncs,
    facts: factsOf(timeline),
    assumptions: assumptionsOf(timeline, sources),
    notes: timeline.notes,
    downtime: timeline.summary.downtime,
    outcome: {
      t: timeline.summary.durationSeconds,
      label: `${OUTCOME_MARKS[timeline.summary.outcome]} · ${formatSeconds(timeline.summary.durationSeconds)}`,
      warning: timeline.summary.outcome !== 'complete',
    },
  };
}

/** What the chart says at `t`: the counts right after everything that happened at `t`. */
export function countsAt(view: Pick<TimelineView, 'available' | 'pods'>, t: number): { available: number; pods: number } {
  const last = (points: StepPoint[]) => {
    let value = points.length > 0 ? points[0].value : 0;
    for (const point of points) if (point.t <= t) value = point.value;
    return value;
  };
  return { available: last(view.available), pods: last(view.pods) };
}

/** Which step to show after a key: the arrow keys and Home/End walk through the syncs. */
export function nextSync(current: number, count: number, key: string): number | undefined {
  if (count === 0) return undefined;
  switch (key) {
    case 'ArrowLeft':
      return Math.max(0, current - 1);
    case 'ArrowRight':
      return Math.min(count - 1, current + 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return undefined;
  }
}
