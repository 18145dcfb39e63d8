/**
 * Rollout simulation: the workload model read from a manifest and the timeline the simulator
 * returns. Built by core/src/rollout (pure modules, no Node or LSP imports), printed by
 * the CLI's `rollout` command and drawn by the timeline webview. Types only, so the browser bundle
 * can import it.
 *
 * Times are seconds from the moment the change is applied (t = 0). Every name in here (workload,
 * replica set, pod) comes from a manifest and may be hostile: renderers show them as text.
 */

/**
 * What the simulation assumes where no manifest says: the image pull and container start of a new
 * pod (seconds), and the nodes a DaemonSet runs on. The extension's settings default to them too.
 */
export const DEFAULT_POD_START_SECONDS = 5;
export const DEFAULT_NODE_COUNT = 3;

/** The timeline's shape version: bump on a breaking change. */
export const ROLLOUT_TIMELINE_VERSION = 1;

export type RolloutWorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

/** Kubernetes `IntOrString` as written in a manifest: `2` or `"25%"`. */
export type IntOrPercent = number | string;

/** The readiness probe fields that decide when a started container becomes Ready. */
export interface ReadinessProbeTiming {
  initialDelaySeconds: number;
  periodSeconds: number;
  successThreshold: number;
}

/** What the pod template says about how long a pod takes to come up and go away. */
export interface PodTemplateTiming {
  /** The readiness probe of the first container that has one; absent: Ready as soon as started. */
  readinessProbe?: ReadinessProbeTiming;
  /** The container that probe belongs to (for messages). */
  probeContainer?: string;
  terminationGracePeriodSeconds: number;
}

export interface DeploymentStrategySpec {
  type: 'RollingUpdate' | 'Recreate';
  /** Present for RollingUpdate, with the API server's defaults (25% / 25%) filled in. */
  rollingUpdate?: { maxSurge: IntOrPercent; maxUnavailable: IntOrPercent };
}

export interface StatefulSetUpdateStrategySpec {
  type: 'RollingUpdate' | 'OnDelete';
  /** Ordinals below the partition keep the old revision. */
  partition: number;
  /** Pods that may be unavailable at once during the update (the MaxUnavailableStatefulSet field; 1 when unset). */
  maxUnavailable: IntOrPercent;
}

export interface DaemonSetUpdateStrategySpec {
  type: 'RollingUpdate' | 'OnDelete';
  /** Per node: nodes whose daemon pod may be unavailable at once (default 1). */
  maxUnavailable: IntOrPercent;
  /** Per node: nodes that may run the old and the new pod side by side (default 0). */
  maxSurge: IntOrPercent;
}

/** Where a workload was found, so an editor can point at it. */
export interface WorkloadSource {
  /** 0-based index of the YAML document in the file. */
  documentIndex: number;
  /** Index inside a `List`'s `items`, when the workload came from one. */
  itemIndex?: number;
  /** 0-based line of the document's (or item's) start. */
  line: number;
}

interface WorkloadBase {
  name: string;
  namespace?: string;
  minReadySeconds: number;
  pod: PodTemplateTiming;
  source?: WorkloadSource;
}

export interface DeploymentWorkload extends WorkloadBase {
  kind: 'Deployment';
  replicas: number;
  strategy: DeploymentStrategySpec;
  /** null when set to 2147483647, which the controller reads as "no deadline". */
  progressDeadlineSeconds: number | null;
}

export interface StatefulSetWorkload extends WorkloadBase {
  kind: 'StatefulSet';
  replicas: number;
  updateStrategy: StatefulSetUpdateStrategySpec;
  podManagementPolicy: 'OrderedReady' | 'Parallel';
}

export interface DaemonSetWorkload extends WorkloadBase {
  kind: 'DaemonSet';
  updateStrategy: DaemonSetUpdateStrategySpec;
}

export type RolloutWorkload = DeploymentWorkload | StatefulSetWorkload | DaemonSetWorkload;

/**
 * The lifecycle a lane draws. `pending`: created, image pulling and container starting;
 * `starting`: running, readiness probe not yet passed; `ready`: Ready but not yet available
 * (minReadySeconds); `available`: counted by the controllers; `terminating`: deleted, within its
 * grace period (no longer counted by any controller).
 */
export type PodPhase = 'pending' | 'starting' | 'ready' | 'available' | 'terminating';

export interface PodPhaseInterval {
  phase: PodPhase;
  start: number;
  end: number;
}

/** A pod revision group: a ReplicaSet for a Deployment, a controller revision otherwise. */
export interface RevisionGroup {
  name: string;
  revision: 'old' | 'new';
}

/** One lane of the timeline: one pod from creation (or the start) until it is gone (or the end). */
export interface PodLane {
  /** Unique in the timeline (a StatefulSet pod re-created under the same name gets a second lane). */
  id: string;
  /** The pod's name as Kubernetes would show it (what `data-pod` carries). */
  podName: string;
  group: string;
  revision: 'old' | 'new';
  ordinal?: number;
  node?: string;
  phases: PodPhaseInterval[];
}

/** One change of a group's size: the CLI's `events` entries, plus the sync that made it. */
export interface RolloutScaleEvent {
  t: number;
  action: 'scale-up' | 'scale-down';
  replicaSet: string;
  from: number;
  to: number;
  /** Index into `syncs`. */
  sync: number;
}

export interface GroupCounts {
  name: string;
  revision: 'old' | 'new';
  /** What the controller asked for (a ReplicaSet's spec.replicas; pods wanted at that revision otherwise). */
  desired: number;
  /** Pods that exist and are not terminating (a ReplicaSet's status.replicas). */
  current: number;
  ready: number;
  available: number;
}

/** One controller sync that changed something, and the state right after it: what "step" walks through. */
export interface RolloutSync {
  index: number;
  t: number;
  /** The controller function this step mirrors, e.g. `reconcileNewReplicaSet`. */
  step: string;
  /** Why it acted, in a sentence (numbers included). */
  reason: string;
  groups: GroupCounts[];
}

/** The capacity curve: a point wherever a count changes. */
export interface CapacityPoint {
  t: number;
  available: number;
  /** Pods that exist and are not terminating: what maxSurge limits. */
  pods: number;
  /** Pods that still run, terminating ones included: what the nodes carry. */
  podsIncludingTerminating: number;
}

/** The fenceposts the controller works within (resolved numbers). */
export interface RolloutLimits {
  replicas: number;
  maxSurge: number;
  maxUnavailable: number;
  /** replicas − maxUnavailable: the available floor the controller keeps while pods are healthy. */
  minAvailable: number;
  /** replicas + maxSurge: the ceiling on non-terminating pods. */
  maxPods: number;
}

/** The timing assumptions behind the figures, shown so the user can judge them. */
export interface RolloutAssumptions {
  /** Image pull and container start, from creation (a setting, not in the manifest). */
  podStartSeconds: number;
  /** From container start until Ready, from the readiness probe (0 without one). */
  readinessDelaySeconds: number;
  minReadySeconds: number;
  /** Old pods are assumed to use their whole grace period. */
  terminationGracePeriodSeconds: number;
  progressDeadlineSeconds: number | null;
  /** DaemonSet: the number of nodes it runs on (a setting). */
  nodes?: number;
  /** The simulation was told that new pods never become Ready (a failing rollout). */
  newPodsNeverReady: boolean;
}

/**
 * complete: the controller's notion (all pods updated and available, none old left);
 * timed-out: progressDeadlineSeconds passed without progress (ProgressDeadlineExceeded);
 * stalled: no progress and no deadline to report it; manual: OnDelete, nothing happens by itself.
 */
export type RolloutOutcome = 'complete' | 'timed-out' | 'stalled' | 'manual';

export interface RolloutSummary {
  outcome: RolloutOutcome;
  /** Until the outcome: completion, the deadline, or the last event of a stalled rollout. */
  durationSeconds: number;
  /** When the last old pod finished terminating (≥ durationSeconds for a completed rollout). */
  lastPodGoneSeconds: number;
  /** Peak of non-terminating pods. */
  maxPods: number;
  maxPodsIncludingTerminating: number;
  /** Lowest number of available pods at any moment. */
  minAvailable: number;
  timedOut: boolean;
  /** Intervals with no available pod although replicas > 0 (Recreate's downtime, for one). */
  downtime: { start: number; end: number }[];
  podsReplaced: number;
}

export interface RolloutTimeline {
  version: typeof ROLLOUT_TIMELINE_VERSION;
  kind: RolloutWorkloadKind;
  name: string;
  namespace?: string;
  /** e.g. `RollingUpdate`, `Recreate`, `RollingUpdate (OrderedReady)`, `OnDelete`. */
  strategy: string;
  limits: RolloutLimits;
  assumptions: RolloutAssumptions;
  groups: RevisionGroup[];
  lanes: PodLane[];
  events: RolloutScaleEvent[];
  syncs: RolloutSync[];
  capacity: CapacityPoint[];
  summary: RolloutSummary;
  /** Caveats worth showing next to the figures. */
  notes: string[];
}
