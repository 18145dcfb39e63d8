/**
 * The typed messages between the extension host and the plan-graph webview (`postMessage`).
 * Both sides validate what they receive with the guards below: a message that doesn't match is
 * dropped, never interpreted. Types and guards only, so the browser bundle can import it.
 */
import type { PlanGraph } from './planGraph';

/** Where one resource of the plan stands during an apply. */
export interface ApplyNodeStatus {
  address: string;
  status: 'pending' | 'applying' | 'done' | 'errored';
  /** A short line for the details pane: the step under way, the error's summary. */
  detail?: string;
}

/**
 * The root module's state lock, as the header shows it: one line, rendered as text (the holder's
 * name and the lock's fields come from the backend and may be anything).
 */
export interface StateLockLine {
  /** `locked` is drawn in the warning colour; `unknown` says the lock could not be inspected. */
  state: 'locked' | 'unlocked' | 'unknown';
  /** "State locked by alice@ci-7 for apply since 09:12:05 (3 min ago) — pg (workspace prod)". */
  text: string;
}

/** Longest lock line the page shows; a longer one is not a line (and is dropped by the guard). */
export const STATE_LOCK_LINE_MAX = 2000;

/** Host → webview. */
export type HostToGraphMessage =
  /**
   * Draw this plan (replaces whatever is drawn; the view state is kept when `planId` is
   * unchanged). `canApply`: the host holds this plan's saved plan file and can apply it (the page
   * then offers "Apply…", which only asks the host: the host's modal decides).
   */
  | { type: 'showPlan'; planId: string; graph: PlanGraph; source: string; canApply?: boolean; lock?: StateLockLine }
  /** The state lock of the shown plan's root module, inspected again (before an apply, after a force-unlock). */
  | { type: 'stateLock'; planId: string; lock: StateLockLine }
  /** An apply of the shown plan is running or has ended: every resource's status so far. */
  | { type: 'applyProgress'; planId: string; nodes: ApplyNodeStatus[]; message: string; finished?: 'applied' | 'failed' | 'cancelled' }
  /** The host could not produce a plan: show this message as text (`data-state="error"`). */
  | { type: 'showError'; message: string }
  /** A plan run is in progress: `planned` resources so far (the page shows it while it waits). */
  | { type: 'planProgress'; planned: number; message?: string };

/** Webview → host. */
export type GraphToHostMessage =
  /** The page has loaded and listens (the host then posts the current plan). */
  | { type: 'ready' }
  /** The user asked to open the resource's block in its `.tf` file. */
  | { type: 'reveal'; address: string }
  /** The page could not render (also sets `data-state="error"`). */
  | { type: 'renderError'; message: string }
  /** The user pressed "Apply…": the host shows its modal; nothing is applied without it. */
  | { type: 'requestApply'; planId: string }
  /**
   * The user asked for the rollout timeline of a Deployment change: the host looks the node up in
   * the plan it showed and simulates that node's `rollout` (the page sends no workload).
   */
  | { type: 'showRollout'; address: string };

/** The view state the page keeps across hide/show (`vscode.setState`). */
export interface GraphViewState {
  planId?: string;
  /** Actions shown (no-op hidden by default). */
  visibleDisplayKinds?: string[];
  replaceOnly?: boolean;
  search?: string;
  /** Module addresses expanded (all collapsed by default on large plans). */
  expandedModules?: string[];
  selected?: string;
  /** d3 zoom transform. */
  transform?: { x: number; y: number; k: number };
  /**
   * The view was the fitted one (no pan or zoom by the user since Fit): restored, it is fitted
   * again, to the pane as it is now, and keeps fitting on resizes, rather than kept at the old
   * pane's numbers.
   */
  fitted?: boolean;
}

export function isGraphToHostMessage(value: unknown): value is GraphToHostMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'ready':
      return true;
    case 'reveal':
    case 'showRollout':
      return typeof message.address === 'string' && message.address.length > 0 && message.address.length <= 10_000;
    case 'renderError':
      return typeof message.message === 'string';
    case 'requestApply':
      return typeof message.planId === 'string';
    default:
      return false;
  }
}

export function isHostToGraphMessage(value: unknown): value is HostToGraphMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case 'showPlan':
      return (
        typeof message.planId === 'string' &&
        typeof message.source === 'string' &&
        typeof message.graph === 'object' &&
        message.graph !== null &&
        (message.lock === undefined || isStateLockLine(message.lock))
      );
    case 'stateLock':
      return typeof message.planId === 'string' && isStateLockLine(message.lock);
    case 'showError':
      return typeof message.message === 'string';
    case 'planProgress':
      return typeof message.planned === 'number';
    case 'applyProgress':
      return typeof message.planId === 'string' && typeof message.message === 'string' && Array.isArray(message.nodes);
    default:
      return false;
  }
}

export function isStateLockLine(value: unknown): value is StateLockLine {
  if (typeof value !== 'object' || value === null) return false;
  const line = value as Record<string, unknown>;
  return (line.state === 'locked' || line.state === 'unlocked' || line.state === 'unknown') && typeof line.text === 'string' && line.text.length <= STATE_LOCK_LINE_MAX;
}
