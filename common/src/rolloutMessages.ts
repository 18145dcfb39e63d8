/**
 * The typed messages between the extension host and the rollout-timeline webview (`postMessage`),
 * and the arguments of the `immutableInfra.showRolloutTimeline` command (which the language
 * server's code lens carries, so they must stay JSON). Both sides validate what they receive with
 * the guards below: a message that doesn't match is dropped, never interpreted. Types and guards
 * only, so the browser bundle and the language server can import it.
 */
import type { RolloutTimeline } from './rollout';

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
 * Which workload to simulate: the document, and the workload's identity where the caller knows it
 * (the code lens does), else the position of the cursor. All optional but `uri`: the command falls
 * back to the active editor when called without arguments.
 */
export interface ShowRolloutTimelineArguments {
  /** The manifest's document URI, as the LSP carries it (`file:///…`). */
  uri: string;
  kind?: string;
  name?: string;
  namespace?: string;
  /** 0-based line inside the workload (the code lens's `kind:` line). */
  line?: number;
}

const MAX_NAME = 10_000;
const isShortString = (value: unknown): value is string => typeof value === 'string' && value.length <= MAX_NAME;

export function isShowRolloutTimelineArguments(value: unknown): value is ShowRolloutTimelineArguments {
  if (typeof value !== 'object' || value === null) return false;
  const args = value as Record<string, unknown>;
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
