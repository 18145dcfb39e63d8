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

/** The hover for `findings` (those with a hover, see hasHover), sections separated by a rule. */
export function hoverMarkdown(findings: readonly Finding[]): string {
  const sections = findings.map((f) => {
    const parts = [`**${FINDINGS_SOURCE}** · \`${f.code}\``, '', f.message];
    if (f.detail) parts.push('', f.detail);
    else if (f.before !== undefined || f.after !== undefined) parts.push('', `- Before: \`${f.before ?? ''}\``, `- After: \`${f.after ?? ''}\``);
    return parts.join('\n');
  });
  return sections.join('\n\n---\n\n');
}
