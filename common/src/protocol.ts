/**
 * The extension's custom additions to LSP, declared once for the client and the server. Like
 * settings.ts it imports neither `vscode` nor an LSP library: client and server bundle different
 * vscode-jsonrpc versions, whose message types are not interchangeable, so each side uses
 * `method` with its own library and validates params on receipt.
 */
import { parseLearnedReplacements, type LearnedReplacement } from './learnedReplacement';
import { normalizeSettings, type ImmutableInfraSettings } from './settings';

/** `initialize` params `initializationOptions`, as the VS Code client sends them. */
export interface InitializationOptions {
  /**
   * False in a restricted-mode window: the server must then analyse text only — no terraform,
   * tofu, kubectl or git processes, no workspace-provided executable paths (package.json
   * `capabilities.untrustedWorkspaces`).
   */
  workspaceTrusted: boolean;
  settings: ImmutableInfraSettings;
}

/**
 * Reads initialization options on the server side. Editors other than VS Code have no
 * workspace trust and send no options: the user opened the folder, so it counts as trusted.
 */
export function parseInitializationOptions(raw: unknown): InitializationOptions {
  const value = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  return {
    workspaceTrusted: typeof value.workspaceTrusted === 'boolean' ? value.workspaceTrusted : true,
    settings: normalizeSettings(value.settings),
  };
}

/**
 * Client → server, when the user trusts the workspace after the server started untrusted.
 * Trust is never revoked within a session (VS Code reloads the window), so there is no opposite.
 * It carries the settings again because restricted settings (executable paths, git ref) only
 * take their workspace values once the workspace is trusted.
 */
export const WorkspaceTrustedNotification = {
  method: 'immutableInfra/workspaceTrusted',
} as const;

export interface WorkspaceTrustedParams {
  workspaceTrusted: true;
  settings: ImmutableInfraSettings;
}

export function parseWorkspaceTrustedParams(raw: unknown): WorkspaceTrustedParams | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const value = raw as Record<string, unknown>;
  if (value.workspaceTrusted !== true) return undefined;
  return { workspaceTrusted: true, settings: normalizeSettings(value.settings) };
}

/**
 * Client → server: every replacement path the extension learned from real plans of this
 * workspace (the whole list each time, so a restarted server needs only one). Sent once the
 * server is up and after each plan that taught something new.
 */
export const LearnedReplacementsNotification = {
  method: 'immutableInfra/learnedReplacements',
} as const;

export interface LearnedReplacementsParams {
  replacements: LearnedReplacement[];
}

export function parseLearnedReplacementsParams(raw: unknown): LearnedReplacementsParams | undefined {
  if (typeof raw !== 'object' || raw === null || !Array.isArray((raw as Record<string, unknown>).replacements)) return undefined;
  return { replacements: parseLearnedReplacements((raw as Record<string, unknown>).replacements) };
}

/**
 * What a root module's edits are compared with, as the status bar shows it: "compared with
 * state serial 42 of pg (workspace prod), read 40 s ago". Server → client after every analysis
 * whose baseline differs from the one last sent for that root.
 */
export const BaselineStatusNotification = {
  method: 'immutableInfra/baselineStatus',
} as const;

export interface BaselineStatusParams {
  /** The root module's folder (absolute). */
  rootDir: string;
  /** The baseline's kind; `none` when there is none. */
  kind: 'state' | 'git' | 'files' | 'none';
  /** One line: "state serial 42 of pg (workspace prod)", "git HEAD (1a2b3c4d)", or why there is none. */
  description: string;
  /** For a backend's state: the backend type, workspace, serial and lineage, and when it was read (ms since the epoch). */
  backend?: string;
  workspace?: string;
  serial?: number;
  lineage?: string;
  readAt?: number;
  /** The state could not be read (a `terraform/baseline-unavailable` finding says why in full); the baseline fell back to git. */
  unavailable?: string;
}

export function parseBaselineStatusParams(raw: unknown): BaselineStatusParams | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.rootDir !== 'string' || typeof r.description !== 'string') return undefined;
  if (r.kind !== 'state' && r.kind !== 'git' && r.kind !== 'files' && r.kind !== 'none') return undefined;
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const number = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const params: BaselineStatusParams = { rootDir: r.rootDir, kind: r.kind, description: r.description };
  const optional = {
    backend: text(r.backend),
    workspace: text(r.workspace),
    serial: number(r.serial),
    lineage: text(r.lineage),
    readAt: number(r.readAt),
    unavailable: text(r.unavailable),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (params as unknown as Record<string, unknown>)[key] = value;
  return params;
}

/**
 * Client → server (command Refresh Deployed State): read every remote backend's state again now,
 * rather than when `immutableInfra.state.refreshSeconds` next passes. Answers once the reads are done.
 */
export const RefreshDeployedStateRequest = {
  method: 'immutableInfra/refreshDeployedState',
} as const;
