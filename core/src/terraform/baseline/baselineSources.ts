/**
 * Where a module's baseline comes from, and which source wins. Two kinds of source:
 * - deployed state (`StateSource`): the module's local `terraform.tfstate`; the state of a remote
 *   backend, through `terraform state pull`, would be one more;
 * - deployed configuration (`DeployedConfigurationSource`): the module at a git revision, or its
 *   counterpart in a folder the user pointed at (`--against`, the `againstPath` setting).
 * `resolveBaseline` asks them in the order the `baseline` setting says and turns their absence
 * into the reason the user reads.
 */
import { BaselineError } from '../../io/baselineError';
import { BackendStateError } from './backendStateRead';
import type { StateBaseline } from './stateBaseline';
import type { BaselineMode, TerraformBaseline } from './terraformBaseline';

export interface StateSource {
  /** The module's deployed state; undefined when this source has none for it. Throws BaselineError when it has state that cannot be used. */
  state(dir: string): Promise<StateBaseline | undefined>;
  /** Why there is none, as the end of a sentence: "`/m/terraform.tfstate` does not exist". */
  absence(dir: string): string;
}

/** A baseline that is the module's configuration as deployed. */
export type DeployedConfiguration = Extract<TerraformBaseline, { kind: 'git' | 'files' }>;

export interface DeployedConfigurationSource {
  /** The module as deployed, in configuration. Throws BaselineError, saying why, when this source has none for it. */
  configuration(dir: string): Promise<DeployedConfiguration>;
}

/** Git at one ref, as a source of deployed configuration. */
export interface GitRevisionSource extends DeployedConfigurationSource {
  readonly ref: string;
}

export interface BaselineSources {
  mode: BaselineMode;
  state: StateSource;
  /** The deployed version as files: it takes the place of git (the state still wins in `auto`). */
  deployedFolder?: DeployedConfigurationSource;
  /** Git at the configured ref; absent when no process may run (an untrusted workspace). */
  git?: GitRevisionSource;
  /**
   * Git at HEAD, beside a state baseline: an expression whose value is unknown before plan is only
   * worth mentioning when its text was edited. Absent when no process may run.
   */
  gitHead?: DeployedConfigurationSource;
}

/**
 * What the module in `dir` is compared with: in `auto`, its state, else the deployed folder, else
 * git; `state` and `git` ask only that one. Kind `none` carries the reason, and whether the user
 * asked for that baseline explicitly.
 */
export async function resolveBaseline(dir: string, sources: BaselineSources): Promise<TerraformBaseline> {
  const { mode } = sources;
  /** A remote backend's state that could not be read: said with whatever is compared instead. */
  let stateUnavailable: string | undefined;
  if (mode !== 'git') {
    let state: StateBaseline | undefined;
    try {
      state = await sources.state.state(dir);
    } catch (error) {
      if (error instanceof BackendStateError && mode === 'auto') stateUnavailable = error.message;
      else if (error instanceof BaselineError) return { kind: 'none', reason: error.message, explicit: true };
      else throw error;
    }
    if (state) {
      const previous = (await availableConfiguration(sources.deployedFolder, dir)) ?? (await sources.gitHead?.configuration(dir).catch(() => undefined));
      return { kind: 'state', state, previousConfig: previous?.config, ...(previous ? { previous } : {}) };
    }
    if (mode === 'state') {
      return { kind: 'none', reason: `No baseline: the baseline setting is "state" and ${sources.state.absence(dir)}.`, explicit: true };
    }
    if (sources.deployedFolder) {
      try {
        return withStateUnavailable(await sources.deployedFolder.configuration(dir), stateUnavailable);
      } catch (error) {
        if (error instanceof BaselineError) return { kind: 'none', reason: joined(stateUnavailable, error.message), explicit: true };
        throw error;
      }
    }
  }
  if (!sources.git) {
    return {
      kind: 'none',
      reason: stateUnavailable
        ? `${stateUnavailable} Git is not run in an untrusted workspace either: edits are not compared with anything.`
        : 'No baseline: this workspace is not trusted, so git is not run, and there is no terraform.tfstate here.',
      explicit: mode === 'git' || stateUnavailable !== undefined,
    };
  }
  try {
    return withStateUnavailable(await sources.git.configuration(dir), stateUnavailable);
  } catch (error) {
    if (error instanceof BaselineError) {
      const explicit = mode === 'git' || sources.git.ref !== 'HEAD' || stateUnavailable !== undefined;
      const reason =
        mode !== 'auto'
          ? error.message
          : stateUnavailable
            ? `${stateUnavailable} ${error.message} So edits are not compared with anything.`
            : `${error.message} There is no terraform.tfstate either: nothing to compare edits with.`;
      return { kind: 'none', reason, explicit };
    }
    throw error;
  }
}

/** A configuration baseline that stands in for a state that could not be read, saying so. */
function withStateUnavailable(baseline: DeployedConfiguration, stateUnavailable: string | undefined): DeployedConfiguration {
  return stateUnavailable === undefined ? baseline : { ...baseline, stateUnavailable };
}

function joined(first: string | undefined, second: string): string {
  return first === undefined ? second : `${first} ${second}`;
}

/** The source's configuration for `dir`, or undefined when it has none. */
async function availableConfiguration(source: DeployedConfigurationSource | undefined, dir: string): Promise<DeployedConfiguration | undefined> {
  try {
    return await source?.configuration(dir);
  } catch (error) {
    if (error instanceof BaselineError) return undefined;
    throw error;
  }
}
