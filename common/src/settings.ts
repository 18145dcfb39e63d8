/**
 * The `immutableInfra.*` settings: their type, defaults and normaliser. The extension sends them
 * to the language server (initialization options, `workspace/didChangeConfiguration`,
 * `workspace/configuration`), so this module imports nothing from `vscode` and can move to
 * `common/` for the server to share. The declarations users see are in package.json
 * `contributes.configuration`; keep the two in step.
 */

export const SETTINGS_SECTION = 'immutableInfra';

export const BASELINE_SOURCES = ['auto', 'state', 'git'] as const;
/** What an edit is compared with: Terraform state, the file at a git ref, or state where there is one. */
export type BaselineSource = (typeof BASELINE_SOURCES)[number];

export const KUBERNETES_BASELINE_SOURCES = ['git', 'cluster'] as const;
/** Kubernetes objects are compared with the manifest at the git ref, or (opt-in) the live object through kubectl. */
export type KubernetesBaselineSource = (typeof KUBERNETES_BASELINE_SOURCES)[number];

export const SERVER_TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;
export type ServerTraceLevel = (typeof SERVER_TRACE_LEVELS)[number];

export interface ImmutableInfraSettings {
  baseline: BaselineSource;
  gitRef: string;
  /**
   * A file or folder holding the deployed version, instead of git; absolute or relative to the
   * workspace folder. Empty: none.
   */
  againstPath: string;
  diagnostics: {
    debounceMs: number;
  };
  terraform: {
    /** Empty: `terraform` on PATH, else `tofu`. */
    path: string;
  };
  kubectl: {
    /** Empty: `kubectl` on PATH. */
    path: string;
  };
  kubernetes: {
    baseline: KubernetesBaselineSource;
  };
  trace: {
    server: ServerTraceLevel;
  };
}

export const DEFAULT_SETTINGS: ImmutableInfraSettings = {
  baseline: 'auto',
  gitRef: 'HEAD',
  againstPath: '',
  diagnostics: { debounceMs: 200 },
  terraform: { path: '' },
  kubectl: { path: '' },
  kubernetes: { baseline: 'git' },
  trace: { server: 'off' },
};

export const MAX_DEBOUNCE_MS = 5000;

/**
 * Turns whatever arrived (user JSON, an older client, another editor's init options) into
 * complete settings: unknown or malformed values fall back to their defaults.
 */
export function normalizeSettings(raw: unknown): ImmutableInfraSettings {
  const value = asRecord(raw);
  return {
    baseline: oneOf(value.baseline, BASELINE_SOURCES, DEFAULT_SETTINGS.baseline),
    gitRef: normalizeGitRef(value.gitRef),
    againstPath: normalizePath(value.againstPath),
    diagnostics: {
      debounceMs: normalizeDebounce(asRecord(value.diagnostics).debounceMs),
    },
    terraform: { path: trimmedString(asRecord(value.terraform).path) },
    kubectl: { path: trimmedString(asRecord(value.kubectl).path) },
    kubernetes: { baseline: oneOf(asRecord(value.kubernetes).baseline, KUBERNETES_BASELINE_SOURCES, DEFAULT_SETTINGS.kubernetes.baseline) },
    trace: {
      server: oneOf(asRecord(value.trace).server, SERVER_TRACE_LEVELS, DEFAULT_SETTINGS.trace.server),
    },
  };
}

/**
 * A ref comes from a workspace file and ends up as a git argument: one that starts with `-`
 * would be read as an option (`--output=…`), so it is refused along with empty and multi-line
 * values. The server must still pass refs after `--end-of-options`.
 */
function normalizeGitRef(raw: unknown): string {
  const ref = trimmedString(raw);
  if (ref === '' || ref.startsWith('-') || /[\s\0]/.test(ref)) return DEFAULT_SETTINGS.gitRef;
  return ref;
}

/** A path is only ever read as files; one with a NUL or a line break is no path anyone typed. */
function normalizePath(raw: unknown): string {
  const value = trimmedString(raw);
  return /[\0\r\n]/.test(value) ? '' : value;
}

function normalizeDebounce(raw: unknown): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) return DEFAULT_SETTINGS.diagnostics.debounceMs;
  return Math.min(MAX_DEBOUNCE_MS, Math.max(0, Math.round(raw)));
}

function oneOf<T extends string>(raw: unknown, allowed: readonly T[], fallback: T): T {
  return typeof raw === 'string' && (allowed as readonly string[]).includes(raw) ? (raw as T) : fallback;
}

function trimmedString(raw: unknown): string {
  return typeof raw === 'string' ? raw.trim() : '';
}

function asRecord(raw: unknown): Record<string, unknown> {
  return typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}
