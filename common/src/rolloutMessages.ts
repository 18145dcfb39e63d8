/**
 * The typed messages between the extension host and the rollout-timeline webview (`postMessage`),
 * and the arguments of the `immutableInfra.showRolloutTimeline` command (which the language
 * server's code lens and the plan graph's host pass, so they must stay JSON). Both sides validate what they receive with
 * the guards below: a message that doesn't match is dropped, never interpreted. Types and guards
 * only, so the browser bundle and the language server can import it.
 */
import type { DeploymentWorkload, RolloutTimeline } from './rollout';

export const SHOW_ROLLOUT_TIMELINE_COMMAND = 'immutableInfra.showRolloutTimeline';

/** Host → webview. */
export type HostToTimelineMessage =
  /**
   * Draw this timeline (replaces whatever is drawn). `timelineId` names what was simulated (file,
   * workload, settings): the same id keeps the user's place in the syncs.
   */
  | { type: 'showTimeline'; timelineId: string; timeline: RolloutTimeline; source: string }
  /** The host could not simulate: show this message as text (`data-state="error"`). */
  | { type: 'showError'; message: string };

/** Webview → host. */
export type TimelineToHostMessage =
  /** The page has loaded and listens (the host then posts the current timeline). */
  | { type: 'ready' }
  /** The page could not render (it also sets `data-state="error"`). */
  | { type: 'renderError'; message: string };

/** The view state the page keeps across hide/show (`vscode.setState`). */
export interface TimelineViewState {
  timelineId?: string;
  /** Index into the timeline's `syncs` the user stepped to. */
  sync?: number;
}

/**
 * Which workload to simulate, from a manifest: the document, and the workload's identity where the
 * caller knows it (the code lens does), else the position of the cursor. All optional but `uri`:
 * the command falls back to the active editor when called without arguments.
 */
export interface ShowRolloutFromManifestArguments {
  /** The manifest's document URI, as the LSP carries it (`file:///…`). */
  uri: string;
  kind?: string;
  name?: string;
  namespace?: string;
  /** 0-based line inside the workload (the code lens's `kind:` line). */
  line?: number;
}

/**
 * A workload given directly, with no manifest to read: the plan graph's host passes the
 * Deployment a Terraform change will roll out (from the plan it showed, never from its page).
 */
export interface ShowRolloutOfWorkloadArguments {
  workload: DeploymentWorkload;
  /** What the panel's title names, e.g. the resource address `kubernetes_deployment_v1.web`. */
  title: string;
  /** Where the workload came from (the plan), part of what identifies the timeline. */
  source?: string;
  /** The old revision's pods before the change, when not `workload.replicas`. */
  initialReplicas?: number;
  /** Shown with the timeline's own notes (what was assumed). */
  notes?: string[];
}

/** The arguments of `immutableInfra.showRolloutTimeline` (JSON: the code lens carries them). */
export type ShowRolloutTimelineArguments = ShowRolloutFromManifestArguments | ShowRolloutOfWorkloadArguments;

const MAX_NAME = 10_000;
const MAX_NOTES = 100;
const isShortString = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_NAME;
const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown, minimum = 0): value is number => typeof value === 'number' && Number.isInteger(value) && value >= minimum && value <= 2147483647;
const isIntOrPercent = (value: unknown): boolean => isCount(value) || (typeof value === 'string' && /^\d{1,10}%$/.test(value));

/**
 * A DeploymentWorkload checked field by field, with the API server's own limits where the
 * simulator relies on them: the command may be called by anything in the extension host, and a
 * workload is simulated as given.
 */
export function isDeploymentWorkload(value: unknown): value is DeploymentWorkload {
  if (!isRecord(value) || value.kind !== 'Deployment') return false;
  if (!isShortString(value.name) || (value.namespace !== undefined && !isShortString(value.namespace))) return false;
  if (!isCount(value.replicas) || !isCount(value.minReadySeconds)) return false;
  if (!(value.progressDeadlineSeconds === null || (isCount(value.progressDeadlineSeconds, 1) && value.progressDeadlineSeconds > value.minReadySeconds))) return false;
  const strategy = value.strategy;
  if (!isRecord(strategy)) return false;
  if (strategy.type === 'RollingUpdate') {
    const rolling = strategy.rollingUpdate;
    if (!isRecord(rolling) || !isIntOrPercent(rolling.maxSurge) || !isIntOrPercent(rolling.maxUnavailable)) return false;
    const zero = (v: unknown) => v === 0 || v === '0%';
    if (zero(rolling.maxSurge) && zero(rolling.maxUnavailable)) return false;
    if (typeof rolling.maxUnavailable === 'string' && Number(rolling.maxUnavailable.slice(0, -1)) > 100) return false;
  } else if (strategy.type !== 'Recreate') return false;
  const pod = value.pod;
  if (!isRecord(pod) || !isCount(pod.terminationGracePeriodSeconds)) return false;
  if (pod.probeContainer !== undefined && !isShortString(pod.probeContainer)) return false;
  if (pod.readinessProbe !== undefined) {
    const probe = pod.readinessProbe;
    if (!isRecord(probe) || !isCount(probe.initialDelaySeconds) || !isCount(probe.periodSeconds, 1) || !isCount(probe.successThreshold, 1)) return false;
  }
  return true;
}

function isOfWorkloadArguments(args: Record<string, unknown>): boolean {
  if (!isDeploymentWorkload(args.workload) || !isShortString(args.title) || args.title.length === 0) return false;
  if (args.source !== undefined && !isShortString(args.source)) return false;
  if (args.initialReplicas !== undefined && !isCount(args.initialReplicas)) return false;
  return args.notes === undefined || (Array.isArray(args.notes) && args.notes.length <= MAX_NOTES && args.notes.every(isShortString));
}

export function isShowRolloutTimelineArguments(value: unknown): value is ShowRolloutTimelineArguments {
  if (typeof value !== 'object' || value === null) return false;
  const args = value as Record<string, unknown>;
  if (args.workload !== undefined) return args.uri === undefined && isOfWorkloadArguments(args);
  if (typeof args.uri !== 'string' || args.uri.length === 0 || args.uri.length > MAX_NAME) return false;
  for (const key of ['kind', 'name', 'namespace'] as const) if (args[key] !== undefined && !isShortString(args[key])) return false;
  return args.line === undefined || (typeof args.line === 'number' && Number.isInteger(args.line) && args.line >= 0);
}

export function isTimelineToHostMessage(value: unknown): value is TimelineToHostMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return true;
    case 'renderError':
      return typeof message.message === 'string';
    default:
      return false;
  }
}

/** The envelope only: the page checks the timeline itself field by field before drawing it. */
export function isHostToTimelineMessage(value: unknown): value is HostToTimelineMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'showTimeline':
      return typeof message.timelineId === 'string' && typeof message.source === 'string' && typeof message.timeline === 'object' && message.timeline !== null;
    case 'showError':
      return typeof message.message === 'string';
    default:
      return false;
  }
}
