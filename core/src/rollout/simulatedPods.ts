/**
 * The pods of a simulated rollout and what the timeline records about them: each pod walks
 * pending → starting → ready → available on a schedule from its template, and terminating → gone
 * once deleted; groups (ReplicaSets, revisions) keep the counts the controllers read; the recorder
 * keeps lanes, scale events, sync snapshots, the capacity curve and the peaks. Shared by the
 * Deployment, StatefulSet and DaemonSet simulators. Pure; the clock is whole milliseconds.
 */
import type { CapacityPoint, GroupCounts, PodLane, PodPhase, PodPhaseInterval, RevisionGroup, RolloutScaleEvent, RolloutSync } from '../../../common/src/rollout';
import { EventQueue } from './eventQueue';
import { toSeconds, type PodDurations } from './podTiming';

/** A guard against a controller step that would loop at one moment; the real ones converge in a few. */
export const MAX_SYNCS_PER_MOMENT = 1000;

export interface SimGroup {
  readonly name: string;
  readonly revision: 'old' | 'new';
  /** What the controller asked for (spec.replicas of a ReplicaSet). */
  desired: number;
  /** Non-terminating pods; order is not meaningful. */
  readonly live: SimPod[];
  ready: number;
  available: number;
  /** Deleted pods still in their grace period. */
  terminating: number;
  /** Suffix counter for pod names. */
  created: number;
}

export interface SimPod {
  readonly id: string;
  readonly podName: string;
  readonly group: SimGroup;
  readonly ordinal?: number;
  readonly node?: string;
  readonly createdMs: number;
  phase: PodPhase;
  readyMs?: number;
  deletedMs?: number;
  /** Index in group.live while not terminating. */
  liveIndex: number;
  gone: boolean;
  readonly phases: PodPhaseInterval[];
  phaseStartMs: number;
}

type Transition = 'started' | 'ready' | 'available' | 'gone';

/** What a watch on the pods would see: a pod created, turning Ready, or deleted (no longer counted). */
export interface PodEvent {
  t: number;
  pod: string;
  revision: 'old' | 'new';
  change: 'created' | 'ready' | 'deleted';
}

export interface PodPlacement {
  podName?: string;
  ordinal?: number;
  node?: string;
}

const NEVER = Number.POSITIVE_INFINITY;

const DELETION_RANK: Record<PodPhase, number> = { pending: 0, starting: 1, ready: 2, available: 2, terminating: 3 };

/** Negative when the ReplicaSet controller would delete `a` before `b`. */
function deletedBefore(a: SimPod, b: SimPod): number {
  const rank = DELETION_RANK[a.phase] - DELETION_RANK[b.phase];
  if (rank !== 0) return rank;
  const readySince = (b.readyMs ?? 0) - (a.readyMs ?? 0);
  if (readySince !== 0 && !Number.isNaN(readySince)) return readySince;
  if (a.createdMs !== b.createdMs) return b.createdMs - a.createdMs;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export class SimulatedPods {
  readonly groups: SimGroup[] = [];
  private readonly lanes: SimPod[] = [];
  private readonly agenda = new EventQueue<{ pod: SimPod; transition: Transition }>();
  readonly events: RolloutScaleEvent[] = [];
  readonly syncs: RolloutSync[] = [];
  readonly capacity: CapacityPoint[] = [];

  /** Non-terminating pods, available pods, and pods still running (terminating included). */
  pods = 0;
  available = 0;
  running = 0;
  maxPods = 0;
  maxRunning = 0;
  minAvailable = NEVER;
  private lastGoneMs = 0;
  private downtimeStart: number | undefined;
  readonly downtime: { start: number; end: number }[] = [];
  private laneIds = new Set<string>();

  constructor(
    private readonly durations: PodDurations,
    private readonly newPodsNeverReady: boolean,
    /** Whether "no pod available" counts as downtime (false when the workload wants 0 replicas). */
    private readonly downtimeMatters: boolean,
    private readonly onPodEvent?: (event: PodEvent) => void,
  ) {}

  private emit(pod: SimPod, nowMs: number, change: PodEvent['change']): void {
    this.onPodEvent?.({ t: toSeconds(nowMs), pod: pod.id, revision: pod.group.revision, change });
  }

  addGroup(name: string, revision: 'old' | 'new'): SimGroup {
    const group: SimGroup = { name, revision, desired: 0, live: [], ready: 0, available: 0, terminating: 0, created: 0 };
    this.groups.push(group);
    return group;
  }

  /** A pod of the running revision, available since before t = 0. */
  addAvailablePod(group: SimGroup, placement: PodPlacement = {}): SimPod {
    const pod = this.newPod(group, 0, placement, 'available');
    pod.readyMs = -NEVER;
    group.ready++;
    group.available++;
    this.available++;
    return pod;
  }

  /** A pod created now: its start, readiness and availability are put on the agenda. */
  createPod(group: SimGroup, nowMs: number, placement: PodPlacement = {}): SimPod {
    const pod = this.newPod(group, nowMs, placement, 'pending');
    this.emit(pod, nowMs, 'created');
    this.agenda.push(nowMs + this.durations.startMs, { pod, transition: 'started' });
    return pod;
  }

  private newPod(group: SimGroup, nowMs: number, placement: PodPlacement, phase: PodPhase): SimPod {
    group.created++;
    const podName = placement.podName ?? `${group.name}-${group.created}`;
    let id = podName;
    for (let n = 2; this.laneIds.has(id); n++) id = `${podName}#${n}`;
    this.laneIds.add(id);
    const pod: SimPod = {
      id,
      podName,
      group,
      ordinal: placement.ordinal,
      node: placement.node,
      createdMs: nowMs,
      phase,
      liveIndex: group.live.length,
      gone: false,
      phases: [],
      phaseStartMs: nowMs,
    };
    group.live.push(pod);
    this.lanes.push(pod);
    this.pods++;
    this.running++;
    if (this.pods > this.maxPods) this.maxPods = this.pods;
    if (this.running > this.maxRunning) this.maxRunning = this.running;
    return pod;
  }

  /**
   * Deletion: the pod stops counting at once (controllers ignore terminating pods) and runs out
   * its grace period; a pod whose containers never started goes at once.
   */
  deletePod(pod: SimPod, nowMs: number): void {
    const group = pod.group;
    const last = group.live.pop()!;
    if (last !== pod) {
      group.live[pod.liveIndex] = last;
      last.liveIndex = pod.liveIndex;
    }
    pod.liveIndex = -1;
    this.pods--;
    if (pod.phase === 'ready' || pod.phase === 'available') group.ready--;
    if (pod.phase === 'available') {
      group.available--;
      this.setAvailable(this.available - 1, nowMs);
    }
    const started = pod.phase !== 'pending';
    pod.deletedMs = nowMs;
    this.emit(pod, nowMs, 'deleted');
    group.terminating++;
    this.setPhase(pod, 'terminating', nowMs);
    if (started && this.durations.terminationMs > 0) this.agenda.push(nowMs + this.durations.terminationMs, { pod, transition: 'gone' });
    else this.markGone(pod, nowMs);
  }

  /**
   * The pods the ReplicaSet controller deletes first when scaling `group` down by `count`
   * (controller.ActivePodsWithRanks): not started before started, not ready before ready, ready
   * for less time before ready for longer, newer before older.
   */
  podsToDelete(group: SimGroup, count: number): SimPod[] {
    const live = group.live;
    if (count >= live.length) return [...live];
    // One pod at a time is the common case (maxSurge 1 / maxUnavailable 0): a linear scan.
    if (count === 1) {
      let first = live[0];
      for (let i = 1; i < live.length; i++) if (deletedBefore(live[i], first) < 0) first = live[i];
      return [first];
    }
    return [...live].sort(deletedBefore).slice(0, count);
  }

  /**
   * One moment of a controller that owns an old and a new group (StatefulSet, DaemonSet): it syncs
   * again while a sync acts, each sync recorded with how it scaled the two groups. The real
   * controllers converge in a few; one that does not is a bug of the simulation, said by its kind.
   */
  syncGroupsUntilSettled(
    nowMs: number,
    [oldGroup, newGroup]: [SimGroup, SimGroup],
    syncOnce: (nowMs: number) => { step: string; reason: string } | undefined,
    controller: string,
  ): void {
    for (let i = 0; i < MAX_SYNCS_PER_MOMENT; i++) {
      const before = [oldGroup.live.length, newGroup.live.length];
      const acted = syncOnce(nowMs);
      if (!acted) return;
      const index = this.recordSync(nowMs, acted.step, acted.reason);
      this.recordScale(nowMs, oldGroup.name, before[0], oldGroup.live.length, index);
      this.recordScale(nowMs, newGroup.name, before[1], newGroup.live.length, index);
    }
    throw new Error(`rollout simulation: the ${controller} controller did not settle at t=${nowMs / 1000}s`);
  }

  /**
   * The loop of a controller with no deadline (StatefulSet, DaemonSet): sync at 0, then at each pod
   * transition, until `complete` holds — or until nothing more happens by itself (`stalled`).
   * Returns the outcome and the time of the last step.
   */
  runUntilSettled(sync: (nowMs: number) => void, complete: () => boolean): { outcome: 'complete' | 'stalled'; endMs: number } {
    let nowMs = 0;
    sync(0);
    for (;;) {
      if (complete()) return { outcome: 'complete', endMs: nowMs };
      const next = this.nextTransitionMs();
      if (next === undefined) return { outcome: 'stalled', endMs: nowMs };
      nowMs = next;
      while (this.applyNextTransitionAt(nowMs)) {
        this.recordCapacity(nowMs);
        sync(nowMs);
      }
    }
  }

  /** Time of the next pod transition, undefined when nothing more will happen by itself. */
  nextTransitionMs(): number | undefined {
    return this.agenda.peekTime();
  }

  /** Applies every transition due at `nowMs` (which must be the next one's time), with no controller sync in between. */
  applyTransitionsAt(nowMs: number): void {
    while (this.applyNextTransitionAt(nowMs));
  }

  /**
   * Applies the next transition due at `nowMs`, in the order they were scheduled; false when none
   * is left at that time. Pods created in one sync are created one API call after another and
   * bound one by one, so their readiness reaches the controllers as separate events, a few
   * milliseconds apart, and the controller syncs between them: the callers sync after each.
   */
  applyNextTransitionAt(nowMs: number): boolean {
    while (this.agenda.peekTime() === nowMs) {
      const { value } = this.agenda.pop()!;
      const { pod, transition } = value;
      if (transition === 'gone') {
        this.markGone(pod, nowMs);
        return true;
      }
      if (pod.deletedMs !== undefined) continue;
      if (transition === 'started') {
        this.setPhase(pod, 'starting', nowMs);
        if (this.newPodsNeverReady && pod.group.revision === 'new') return true;
        this.agenda.push(nowMs + this.durations.readinessMs, { pod, transition: 'ready' });
      } else if (transition === 'ready') {
        pod.readyMs = nowMs;
        pod.group.ready++;
        this.emit(pod, nowMs, 'ready');
        // IsPodAvailable: Ready for minReadySeconds (newest code: lastTransitionTime + minReadySeconds <= now).
        if (this.durations.minReadyMs === 0) this.makeAvailable(pod, nowMs);
        else {
          this.setPhase(pod, 'ready', nowMs);
          this.agenda.push(nowMs + this.durations.minReadyMs, { pod, transition: 'available' });
        }
      } else {
        this.makeAvailable(pod, nowMs);
      }
      return true;
    }
    return false;
  }

  private makeAvailable(pod: SimPod, nowMs: number): void {
    this.setPhase(pod, 'available', nowMs);
    pod.group.available++;
    this.setAvailable(this.available + 1, nowMs);
  }

  private markGone(pod: SimPod, nowMs: number): void {
    pod.gone = true;
    pod.group.terminating--;
    this.closePhase(pod, nowMs);
    this.running--;
    if (nowMs > this.lastGoneMs) this.lastGoneMs = nowMs;
  }

  private setAvailable(value: number, nowMs: number): void {
    this.available = value;
    if (value < this.minAvailable) this.minAvailable = value;
    if (!this.downtimeMatters) return;
    if (value === 0 && this.downtimeStart === undefined) this.downtimeStart = nowMs;
    else if (value > 0 && this.downtimeStart !== undefined) {
      this.downtime.push({ start: toSeconds(this.downtimeStart), end: toSeconds(nowMs) });
      this.downtimeStart = undefined;
    }
  }

  private closePhase(pod: SimPod, nowMs: number): void {
    if (nowMs > pod.phaseStartMs) pod.phases.push({ phase: pod.phase, start: toSeconds(pod.phaseStartMs), end: toSeconds(nowMs) });
    pod.phaseStartMs = nowMs;
  }

  private setPhase(pod: SimPod, phase: PodPhase, nowMs: number): void {
    this.closePhase(pod, nowMs);
    pod.phase = phase;
  }

  // ---- the record -----------------------------------------------------------------------

  groupCounts(): GroupCounts[] {
    return this.groups.map((g) => ({ name: g.name, revision: g.revision, desired: g.desired, current: g.live.length, ready: g.ready, available: g.available }));
  }

  recordSync(nowMs: number, step: string, reason: string): number {
    const index = this.syncs.length;
    this.syncs.push({ index, t: toSeconds(nowMs), step, reason, groups: this.groupCounts() });
    this.recordCapacity(nowMs);
    return index;
  }

  recordScale(nowMs: number, group: string, from: number, to: number, sync: number): void {
    if (from === to) return;
    this.events.push({ t: toSeconds(nowMs), action: to > from ? 'scale-up' : 'scale-down', replicaSet: group, from, to, sync });
  }

  /** A point of the capacity curve, unless nothing changed since the last one. */
  recordCapacity(nowMs: number): void {
    const last = this.capacity[this.capacity.length - 1];
    if (last && last.available === this.available && last.pods === this.pods && last.podsIncludingTerminating === this.running) return;
    this.capacity.push({ t: toSeconds(nowMs), available: this.available, pods: this.pods, podsIncludingTerminating: this.running });
  }

  /** Lets terminating pods finish (no controller acts any more) so their lanes end where they really end. */
  drainTerminations(): void {
    for (let t = this.agenda.peekTime(); t !== undefined; t = this.agenda.peekTime()) {
      const { value } = this.agenda.pop()!;
      if (value.transition === 'gone') {
        this.markGone(value.pod, t);
        this.recordCapacity(t);
      }
    }
  }

  lastGoneSeconds(): number {
    return toSeconds(this.lastGoneMs);
  }

  /** Closes every open phase at `endMs` and returns the lanes in creation order. */
  finishLanes(endMs: number): PodLane[] {
    if (this.downtimeStart !== undefined) {
      this.downtime.push({ start: toSeconds(this.downtimeStart), end: toSeconds(Math.max(endMs, this.downtimeStart)) });
      this.downtimeStart = undefined;
    }
    return this.lanes.map((pod) => {
      const phases = [...pod.phases];
      // A pod still there keeps its last phase even when it began at the very end: it is the pod's final state.
      if (!pod.gone && endMs >= pod.phaseStartMs) phases.push({ phase: pod.phase, start: toSeconds(pod.phaseStartMs), end: toSeconds(endMs) });
      // Deleted the moment it was created (or at t = 0 with no grace period): a mark where it went.
      if (!phases.length) phases.push({ phase: pod.phase, start: toSeconds(pod.phaseStartMs), end: toSeconds(pod.phaseStartMs) });
      const lane: PodLane = { id: pod.id, podName: pod.podName, group: pod.group.name, revision: pod.group.revision, phases };
      if (pod.ordinal !== undefined) lane.ordinal = pod.ordinal;
      if (pod.node !== undefined) lane.node = pod.node;
      return lane;
    });
  }

  revisionGroups(): RevisionGroup[] {
    return this.groups.map((g) => ({ name: g.name, revision: g.revision }));
  }

  minAvailableSeen(): number {
    return this.minAvailable === NEVER ? this.available : this.minAvailable;
  }
}
