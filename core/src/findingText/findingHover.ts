/**
 * The hover over findings, as markdown: for each finding its code, message and detail (or, for a
 * finding without one, its baseline and new value), one section each. The language server shows
 * it; which findings are under the cursor is its business.
 */
import type { Finding } from '../../../common/src/findings';
import { RULE_TEXT } from './ruleText';

/** The name findings go by: the diagnostics' `source`, the hover's title. */
export const FINDINGS_SOURCE = 'Immutable Infra';

/** Whether a finding of this code gets a hover at all. */
export function hasHover(finding: Pick<Finding, 'code'>): boolean {
  return RULE_TEXT[finding.code].hover !== false;
}

/**
 * The hover for `findings` (those with a hover, see hasHover), sections separated by a rule.
 * `now`: a remote state's age is told as of this moment (the hover is made when asked).
 */
export function hoverMarkdown(findings: readonly Finding[], now = Date.now()): string {
  const sections = findings.map((f) => {
    const parts = [`**${FINDINGS_SOURCE}** · \`${f.code}\``, '', f.message];
    if (f.detail) parts.push('', f.detail);
    else if (f.before !== undefined || f.after !== undefined) parts.push('', `- Before: \`${f.before ?? ''}\``, `- After: \`${f.after ?? ''}\``);
    const compared = comparedWith(f.baseline, now);
    if (compared) parts.push('', compared);
    return parts.join('\n');
  });
  return sections.join('\n\n---\n\n');
}

/** "Compared with state serial 42 of pg (workspace prod), read 40 s ago." for a remote backend's state; undefined otherwise. */
export function comparedWith(baseline: Finding['baseline'], now: number): string | undefined {
  if (baseline?.kind !== 'state' || baseline.backend === undefined) return undefined;
  const serial = baseline.serial !== undefined ? ` serial ${baseline.serial}` : '';
  const age = baseline.readAt !== undefined ? `, read ${ageText(now - Date.parse(baseline.readAt))}` : '';
  return `Compared with state${serial} of ${baseline.backend} (workspace ${baseline.workspace ?? 'default'})${age}.`;
}

/** `40 s ago`, `3 min ago`, `2 h ago`: how long ago, as a person says it. */
export function ageText(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}
