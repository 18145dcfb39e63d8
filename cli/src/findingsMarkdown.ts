/**
 * `check --format markdown`: the findings as a pull-request comment. The summary line (and the
 * Terraform coverage line), then one table row per displayed finding, errors first, then
 * warnings, information and hints, each group in file and line order. Within MAX_COMMENT_LENGTH:
 * rows that do not fit are left out, and a note says how many and how to see them all.
 *
 * Pure: findings in, Markdown out. Every string from the checked files goes through markdownText.ts.
 */
import type { Finding, FindingSeverity } from '../../common/src/findings';
import { displayedFindings } from '../../core/src/findingText/displayedFindings';
import { CommentBudget, MAX_COMMENT_LENGTH } from './commentBudget';
import { findingCountsLine } from './findingCounts';
import { markdownCode, markdownText } from './markdownText';

export interface FindingsMarkdownOptions {
  /** The coverage line of the text output (`Terraform: 2 resources checked for replacement.`), if any. */
  coverage?: string;
  /** The comment's size limit; MAX_COMMENT_LENGTH unless a test asks for less. */
  limit?: number;
}

const SEVERITY_RANK: Record<FindingSeverity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

const SEVERITY_CELL: Record<FindingSeverity, string> = {
  error: '❌ error',
  warning: '⚠️ warning',
  information: 'ℹ️ information',
  hint: '💡 hint',
};

/** A message from the checked files is cut to this many characters, so one hostile message cannot fill the comment. */
const MAX_MESSAGE = 1_000;

const TABLE_HEAD = '\n| Severity | Code | Location | Message |\n| --- | --- | --- | --- |\n';

/** `findings` as `check` sorted them (file, then position). */
export function findingsMarkdown(findings: readonly Finding[], options: FindingsMarkdownOptions = {}): string {
  const shown = displayedFindings(findings);
  const budget = new CommentBudget(options.limit ?? MAX_COMMENT_LENGTH);
  const coverage = options.coverage === undefined ? '' : `\n${markdownText(options.coverage)}\n`;
  if (shown.length === 0) {
    budget.push(`**No findings.**\n${coverage}`);
    return budget.toString();
  }
  budget.push(`**${findingCountsLine(shown)}**\n${coverage}`);
  // Stable: within a severity, the order check gave them.
  const rows = [...shown].sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity]);
  const reserve = omittedNote(rows.length, rows.length, budget.limitText).length;
  let listed = 0;
  for (const f of rows) {
    if (!budget.tryPush(`${listed === 0 ? TABLE_HEAD : ''}${row(f)}`, reserve)) break;
    listed++;
  }
  if (listed < rows.length) budget.push(omittedNote(rows.length - listed, rows.length, budget.limitText));
  return budget.toString();
}

function row(f: Finding): string {
  const message = f.message.length > MAX_MESSAGE ? `${f.message.slice(0, MAX_MESSAGE)}…` : f.message;
  return `| ${SEVERITY_CELL[f.severity]} | ${markdownCode(f.code)} | ${markdownCode(`${f.file}:${f.range.start.line + 1}`)} | ${markdownText(message)} |\n`;
}

function omittedNote(left: number, total: number, limitText: string): string {
  return (
    `\n> **${left} of ${total} findings are not listed**: the whole table would not fit in one comment (at most ${limitText} characters). ` +
    `See them all with <code>immutable-infra check --format text</code> (or <code>--format sarif</code> for code scanning).\n`
  );
}
