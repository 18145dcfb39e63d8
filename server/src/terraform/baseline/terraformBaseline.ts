/**
 * What an edit is compared with: the deployed state, or the configuration at a git revision.
 */
import type { ModuleConfiguration } from '../configuration';
import type { EvaluationContext } from '../values';
import type { StateBaseline } from './stateBaseline';

export type BaselineMode = 'auto' | 'state' | 'git';

export type TerraformBaseline =
  | {
      kind: 'state';
      state: StateBaseline;
      /**
       * The same module at git HEAD, when available: with a state baseline, an expression whose value
       * is unknown before plan is only worth mentioning when its text was edited.
       */
      previousConfig?: ModuleConfiguration;
    }
  | {
      kind: 'git';
      ref: string;
      commit: string;
      config: ModuleConfiguration;
      evaluation: EvaluationContext;
    }
  | { kind: 'none'; reason: string };

export function describeBaseline(baseline: TerraformBaseline): string {
  switch (baseline.kind) {
    case 'state':
      return `the deployed state (${baseline.state.file})`;
    case 'git':
      return `git ${baseline.ref} (${baseline.commit.slice(0, 8)})`;
    case 'none':
      return 'no baseline';
  }
}
