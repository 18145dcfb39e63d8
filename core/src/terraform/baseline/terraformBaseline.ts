/**
 * What an edit is compared with: the deployed state, or a deployed configuration — the module at
 * a git revision, or its counterpart in a folder the user pointed at.
 */
import type { FindingBaseline } from '../../../../common/src/findings';
import type { ModuleConfiguration } from '../configuration';
import type { ReadModuleFile } from '../moduleAnalysis';
import type { VariableDefinitionsFile } from '../valueFlow/configurationValues';
import type { ChildModuleInputs } from '../valueFlow/moduleTree';
import type { StateBaseline } from './stateBaseline';

export type BaselineMode = 'auto' | 'state' | 'git';

/** A baseline that is configuration rather than state: compared block by block, evaluated as Terraform would. */
export interface ConfigurationBaseline {
  /** The root module's configuration, built from `files`. */
  config: ModuleConfiguration;
  /** The root folder as deployed (a git work tree's path, or the counterpart folder): `path.module` is relative to it. */
  dir: string;
  files: readonly ReadModuleFile[];
  /** The variable definitions files as deployed, in Terraform's order. */
  variableFiles: readonly VariableDefinitionsFile[];
  /** The child modules as deployed, by call path. */
  children: ChildModuleInputs;
  /** `file()` and `templatefile()` of the deployed version: a file's text by its path relative to `dir`; absent: the work tree's. */
  readFile?: (path: string) => string | undefined;
  /**
   * Set when this configuration stands in for the module's remote state, which could not be
   * read: why, as sentences for the user (the backend's own words).
   */
  stateUnavailable?: string;
}

export type TerraformBaseline =
  | {
      kind: 'state';
      state: StateBaseline;
      /**
       * The same module as last deployed in configuration (git HEAD, or the deployed folder),
       * when available: with a state baseline, an expression whose value is unknown before plan
       * is only worth mentioning when its text was edited.
       */
      previousConfig?: ModuleConfiguration;
      /** The same, whole: its tree and variable definitions files, to tell which lines were edited since. */
      previous?: ConfigurationBaseline;
    }
  | ({ kind: 'git'; ref: string; commit: string } & ConfigurationBaseline)
  | ({
      kind: 'files';
      /** The counterpart folder, as the user would name it. */
      path: string;
    } & ConfigurationBaseline)
  | {
      kind: 'none';
      /** Why there is none, as a sentence for the user. */
      reason: string;
      /** The user asked for this baseline (a setting, a flag, a ref other than HEAD): its absence is a warning, not a hint. */
      explicit?: boolean;
    };

/** The deployed configuration of a git or files baseline; undefined for state (and none). */
export function baselineConfiguration(baseline: TerraformBaseline): ConfigurationBaseline | undefined {
  return baseline.kind === 'git' || baseline.kind === 'files' ? baseline : undefined;
}

export function describeBaseline(baseline: TerraformBaseline): string {
  switch (baseline.kind) {
    case 'state': {
      const { state } = baseline;
      if (state.origin) return `state${state.serial !== undefined ? ` serial ${state.serial}` : ''} of ${state.origin.backend} (workspace ${state.origin.workspace})`;
      return `the deployed state (${state.file})`;
    }
    case 'git':
      return `git ${baseline.ref} (${baseline.commit.slice(0, 8)})`;
    case 'files':
      return `the deployed version in ${baseline.path}`;
    case 'none':
      return 'no baseline';
  }
}

/** The baseline as findings carry it (JSON `baseline`); undefined for none. */
export function findingBaseline(baseline: TerraformBaseline): FindingBaseline | undefined {
  switch (baseline.kind) {
    case 'state': {
      const { state } = baseline;
      const origin = state.origin;
      return {
        kind: 'state',
        ...(origin ? { backend: origin.backend, workspace: origin.workspace } : {}),
        ...(state.serial !== undefined ? { serial: state.serial } : {}),
        ...(state.lineage !== undefined ? { lineage: state.lineage } : {}),
        ...(origin ? { readAt: new Date(origin.readAt).toISOString() } : {}),
      };
    }
    case 'git':
      return { kind: 'git', ref: baseline.ref, commit: baseline.commit };
    case 'files':
      return { kind: 'files', path: baseline.path };
    case 'none':
      return undefined;
  }
}
