/**
 * What the baseline status-bar item says for a root module: which deployed version its edits are
 * compared with, from the language server's BaselineStatusNotification. A backend's state names
 * the backend, the workspace, the serial and how long ago it was read; a read that failed (the
 * baseline fell back to git) is a warning; git and folder baselines are shown as they are. No
 * vscode import: the status bar (baselineStatusBar.ts) only draws what this returns.
 */
import * as path from 'node:path';
import type { BaselineStatusParams } from '../../../common/src/protocol';

export interface BaselineStatusText {
  /** The item's text, with codicons (`$(database)`); strings from the server have their `$(` escaped. */
  text: string;
  /** Plain text: what the edits are compared with, and what a click does. */
  tooltip: string;
  /** Shown in the warning colour: the backend's state could not be read. */
  warning: boolean;
  /** A click reads the state again: only for a backend's state (read or not), which can be read again. */
  refreshable: boolean;
}

/** The text for a root module's baseline status at time `now` (ms since the epoch). */
export function baselineStatusText(status: BaselineStatusParams, now: number): BaselineStatusText {
  const backend = status.backend ? backendLabel(status.backend, status.workspace) : undefined;
  if (status.unavailable !== undefined) {
    const where = backend ?? 'the backend';
    const short = status.backend
      ? [status.backend, status.workspace]
          .filter((p): p is string => Boolean(p))
          .map(escapeIcons)
          .join(' · ')
      : 'state';
    return {
      text: `$(warning) ${short} · fell back to git`,
      tooltip: `Could not read the state of ${where}: ${sentence(status.unavailable)} The edits fell back to git: compared with ${status.description}. Click to read it again.`,
      warning: true,
      refreshable: true,
    };
  }
  if (status.kind === 'state' && status.backend) {
    const parts = [status.backend, status.workspace].filter((p): p is string => Boolean(p)).map(escapeIcons);
    if (status.serial !== undefined) parts.push(`serial ${status.serial}`);
    const age = status.readAt !== undefined ? formatAge(now - status.readAt) : undefined;
    if (age) parts.push(age);
    const what = status.serial !== undefined ? `state serial ${status.serial} of ${backend}` : `the state of ${backend}`;
    return {
      text: `$(database) ${parts.join(' · ')}`,
      tooltip: `Compared with ${what}${age ? `, read ${age}` : ''}. Click to read it again.`,
      warning: false,
      refreshable: true,
    };
  }
  const icon = status.kind === 'state' ? '$(database)' : status.kind === 'git' ? '$(git-commit)' : status.kind === 'files' ? '$(folder)' : '$(circle-slash)';
  return {
    text: `${icon} ${escapeIcons(status.kind === 'none' ? 'no baseline' : status.description)}`,
    tooltip: status.kind === 'none' ? `No deployed version to compare edits with: ${status.description}` : `Compared with ${status.description}.`,
    warning: false,
    refreshable: false,
  };
}

/** `pg (workspace prod)`. */
export function backendLabel(backend: string, workspace: string | undefined): string {
  return workspace ? `${backend} (workspace ${workspace})` : backend;
}

/** `just now`, `40 s ago`, `3 min ago`, `2 h ago`, `5 d ago`; a time in the future (another clock) counts as now. */
export function formatAge(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  if (seconds < 1) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/**
 * The status of the root module that holds `file`: the deepest root whose folder contains it
 * (a nested root module wins over the one around it); undefined when none does.
 */
export function statusForFile(file: string, statuses: Iterable<BaselineStatusParams>): BaselineStatusParams | undefined {
  let best: BaselineStatusParams | undefined;
  for (const status of statuses) {
    const root = path.resolve(status.rootDir);
    const relative = path.relative(root, path.resolve(file));
    const inside = relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
    if (inside && (!best || root.length > path.resolve(best.rootDir).length)) best = status;
  }
  return best;
}

/** Ends with a full stop, so that the next sentence reads as one. */
function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** A `$(name)` in text that comes from elsewhere is shown as written, not as an icon. */
function escapeIcons(text: string): string {
  return text.replace(/\$\(/g, '\\$(');
}
