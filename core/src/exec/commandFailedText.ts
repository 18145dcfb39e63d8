/**
 * A failed run described in the words of Node's `execFile` — `Command failed: git -c … ls-tree …`
 * and the program's stderr, or `stdout maxBuffer length exceeded` — which is how git reading and
 * the `terraform version` probe have always worded a failure in their errors: keeping the words
 * keeps those messages, and whatever matches on them, unchanged.
 */
import type { ProcessResult } from './processRunner';

export function commandFailedText(result: Pick<ProcessResult, 'executable' | 'args' | 'stderr' | 'outputLimitExceeded'>): string {
  if (result.outputLimitExceeded) return `${result.outputLimitExceeded} maxBuffer length exceeded`;
  return `Command failed: ${[result.executable, ...result.args].join(' ')}\n${result.stderr}`;
}
