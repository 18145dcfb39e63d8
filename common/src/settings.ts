/**
 * The `immutableInfra.*` settings: their type, defaults, bounds and normaliser, for every setting
 * the extension declares. The extension reads them through this normaliser and sends them to the
 * language server (initialization options, `workspace/didChangeConfiguration`,
 * `workspace/configuration`), so this module imports nothing from `vscode`. The declarations users
 * see are in package.json `contributes.configuration`, which VS Code reads as it is; the packaging
 * test holds its defaults and bounds equal to DEFAULT_SETTINGS and SETTING_RANGES.
 */
import { DEFAULT_NODE_COUNT, DEFAULT_POD_START_SECONDS } from './rollout';

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
    /** Ask the initialised module's own provider binaries whether an edit replaces (trusted workspaces only). */
    askProviders: boolean;
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
  plan: {
    /** Extra arguments for `plan`, passed as arguments (never through a shell). */
    arguments: string[];
  };
  /** Reading a remote backend's state (trusted workspaces only). */
  state: {
    /** Read again at most this often while the module's documents are open. */
    refreshSeconds: number;
    /** A read taking longer is given up (the baseline falls back to git). */
    timeoutSeconds: number;
  };
  /** What the rollout simulation assumes where no manifest says (the extension only). */
  rollout: {
    podStartSeconds: number;
    nodes: number;
  };
}

export const DEFAULT_SETTINGS: ImmutableInfraSettings = {
  baseline: 'auto',
  gitRef: 'HEAD',
  againstPath: '',
  diagnostics: { debounceMs: 200 },
  terraform: { path: '', askProviders: true },
  kubectl: { path: '' },
  kubernetes: { baseline: 'git' },
  trace: { server: 'off' },
  plan: { arguments: [] },
  state: { refreshSeconds: 60, timeoutSeconds: 30 },
  rollout: { podStartSeconds: DEFAULT_POD_START_SECONDS, nodes: DEFAULT_NODE_COUNT },
};

/** A numeric setting's allowed values, as package.json declares them (`minimum`, `maximum`). */
export interface SettingRange {
  minimum: number;
  maximum: number;
  /** Whole numbers only (package.json `"type": "integer"`). */
  integer?: true;
}

/** The bounds of the numeric settings, keyed by their name under `immutableInfra.`. */
export const SETTING_RANGES = {
  'diagnostics.debounceMs': { minimum: 0, maximum: 5000 },
  'rollout.podStartSeconds': { minimum: 0, maximum: 86_400 },
  'rollout.nodes': { minimum: 1, maximum: 10_000, integer: true },
  'state.refreshSeconds': { minimum: 5, maximum: 86_400, integer: true },
  'state.timeoutSeconds': { minimum: 1, maximum: 600, integer: true },
} as const satisfies Record<string, SettingRange>;

/**
 * Every setting's full name (`immutableInfra.diagnostics.debounceMs`) with its default: the leaves
 * of DEFAULT_SETTINGS, which is how VS Code nests dotted names when it hands the section over.
 */
export function settingDefaults(): Map<string, unknown> {
  const names = new Map<string, unknown>();
  const walk = (prefix: string, value: object): void => {
    for (const [key, child] of Object.entries(value)) {
      const name = `${prefix}.${key}`;
      if (typeof child === 'object' && child !== null && !Array.isArray(child)) walk(name, child);
      else names.set(name, child);
    }
  };
  walk(SETTINGS_SECTION, DEFAULT_SETTINGS);
  return names;
}

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
    terraform: {
      path: trimmedString(asRecord(value.terraform).path),
      askProviders:
        typeof asRecord(value.terraform).askProviders === 'boolean' ? (asRecord(value.terraform).askProviders as boolean) : DEFAULT_SETTINGS.terraform.askProviders,
    },
    kubectl: { path: trimmedString(asRecord(value.kubectl).path) },
    kubernetes: { baseline: oneOf(asRecord(value.kubernetes).baseline, KUBERNETES_BASELINE_SOURCES, DEFAULT_SETTINGS.kubernetes.baseline) },
    trace: {
      server: oneOf(asRecord(value.trace).server, SERVER_TRACE_LEVELS, DEFAULT_SETTINGS.trace.server),
    },
    plan: { arguments: normalizeArguments(asRecord(value.plan).arguments) },
    state: {
      refreshSeconds: inRange(asRecord(value.state).refreshSeconds, SETTING_RANGES['state.refreshSeconds'], DEFAULT_SETTINGS.state.refreshSeconds),
      timeoutSeconds: inRange(asRecord(value.state).timeoutSeconds, SETTING_RANGES['state.timeoutSeconds'], DEFAULT_SETTINGS.state.timeoutSeconds),
    },
    rollout: normalizeRolloutSettings(asRecord(value.rollout)),
  };
}

/** The settings the rollout simulation reads, made safe: a value out of its range falls back to the default. */
export function normalizeRolloutSettings(raw: { podStartSeconds?: unknown; nodes?: unknown }): ImmutableInfraSettings['rollout'] {
  return {
    podStartSeconds: inRange(raw.podStartSeconds, SETTING_RANGES['rollout.podStartSeconds'], DEFAULT_SETTINGS.rollout.podStartSeconds),
    nodes: inRange(raw.nodes, SETTING_RANGES['rollout.nodes'], DEFAULT_SETTINGS.rollout.nodes),
  };
}

/** A number within its range, else the fallback (not clamped: a value outside is no value anyone meant). */
function inRange(raw: unknown, range: SettingRange, fallback: number): number {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < range.minimum || raw > range.maximum) return fallback;
  return range.integer && !Number.isInteger(raw) ? fallback : raw;
}

/**
 * Arguments are spread into the program's argument array: a string there would be spread into
 * its letters, a number would fail the start. Only an array of strings counts; anything else, as
 * for every setting of the wrong type, is the default.
 */
function normalizeArguments(raw: unknown): string[] {
  return Array.isArray(raw) && raw.every((item) => typeof item === 'string') ? [...raw] : [...DEFAULT_SETTINGS.plan.arguments];
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
  const { minimum, maximum } = SETTING_RANGES['diagnostics.debounceMs'];
  return Math.min(maximum, Math.max(minimum, Math.round(raw)));
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
