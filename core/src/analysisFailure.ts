/**
 * The finding that stands in for an analysis that threw. Without it an editor would keep showing
 * the findings of the last analysis that succeeded — squiggles, hovers and quick fixes at ranges
 * the text may no longer have — and a CI run would lose every other module to one bad folder.
 * The language server publishes it instead of the stale findings; the CLI reports it and goes on.
 */
import type { Finding } from '../../common/src/findings';
import { renderFinding } from './findingText/ruleText';

export type AnalysedLanguage = 'terraform' | 'kubernetes';

/**
 * `file`: where the finding is shown (for a Terraform module, each of its files the user sees);
 * `consequence`: what became of the findings, said for where the finding is read.
 */
export function analysisFailedFinding(file: string, language: AnalysedLanguage, error: unknown, consequence: string): Finding {
  const code = language === 'terraform' ? 'terraform/analysis-failed' : 'kubernetes/analysis-failed';
  return {
    file,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 'warning',
    code,
    message: renderFinding(code, { reason: analysisFailureReason(error), consequence }).message,
  };
}

/** The error's own message, without a final full stop (the finding adds its own) or a stack. */
export function analysisFailureReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().replace(/\.$/, '') || 'an unexpected error';
}
