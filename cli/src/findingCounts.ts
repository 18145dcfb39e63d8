/**
 * The summary line of `check`'s text and Markdown outputs: `3 findings: 1 error, 2 warnings.`,
 * counted as displayed (a message several instances share is one finding).
 */
import type { Finding } from '../../common/src/findings';

const SEVERITIES = ['error', 'warning', 'information', 'hint'] as const;

export function findingCountsLine(shown: readonly Finding[]): string {
  const counts = SEVERITIES.map((s) => [s, shown.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}${n === 1 || s === 'information' ? '' : 's'}`);
  return `${shown.length} finding${shown.length === 1 ? '' : 's'}: ${counts.join(', ')}.`;
}
