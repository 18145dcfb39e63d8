/**
 * The words of the finding that stands in for an analysis that threw, the same for Terraform and
 * Kubernetes but for what could not be analysed (a module's folder, or one manifest).
 */
import type { RuleText } from './ruleText';

export interface AnalysisFailedFacts {
  /** The error's own message, without a final full stop. */
  reason: string;
  /** What became of the findings, said for where the finding is read (the editor, a CLI report). */
  consequence: string;
}

export function analysisFailedRuleText(subject: string): RuleText<AnalysisFailedFacts> {
  return {
    description: 'The analysis failed with an unexpected error; the findings of what it analyses are missing.',
    render: ({ reason, consequence }) => ({ message: `Immutable Infra could not analyse ${subject}: ${reason}. ${consequence}` }),
    // It has the hover every finding has (its message): the one place a user who points at the
    // top of the file, where the withdrawn findings' hovers were, reads why they are gone.
  };
}
