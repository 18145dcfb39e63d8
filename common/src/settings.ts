/**
 * The `immutableInfra.*` settings as the language server and the CLI use them, with the
 * normaliser that turns whatever the client sent into a valid value.
 */

export type BaselineSetting = 'auto' | 'state' | 'git';

export interface ImmutableInfraSettings {
  baseline: BaselineSetting;
  gitRef: string;
  diagnostics: { debounceMs: number };
}

export const DEFAULT_SETTINGS: ImmutableInfraSettings = {
  baseline: 'auto',
  gitRef: 'HEAD',
  diagnostics: { debounceMs: 200 },
};

export function normalizeSettings(raw: unknown): ImmutableInfraSettings {
  const value = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const diagnostics = (typeof value.diagnostics === 'object' && value.diagnostics !== null ? value.diagnostics : {}) as Record<string, unknown>;
  const baseline = value.baseline === 'state' || value.baseline === 'git' || value.baseline === 'auto' ? value.baseline : DEFAULT_SETTINGS.baseline;
  const gitRef = typeof value.gitRef === 'string' && value.gitRef.trim() !== '' ? value.gitRef.trim() : DEFAULT_SETTINGS.gitRef;
  const debounce = typeof diagnostics.debounceMs === 'number' && Number.isFinite(diagnostics.debounceMs) ? diagnostics.debounceMs : DEFAULT_SETTINGS.diagnostics.debounceMs;
  return { baseline, gitRef, diagnostics: { debounceMs: Math.min(Math.max(0, debounce), 5000) } };
}
