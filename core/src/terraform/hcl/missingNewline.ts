/**
 * HCL's one-item-per-line rule, which tree-sitter's grammar does not know (it ignores line breaks):
 * checked by the tree walk between the items of a body, and by the incremental reparse where
 * rebuilt items meet reused ones.
 */
import type { HclItem, HclSyntaxError } from './model';

/** HCL wants one item per line: the error when `item` starts on the line where `previous` ends. */
export function newlineError(previous: HclItem | undefined, item: HclItem): HclSyntaxError | undefined {
  if (!previous || item.range.start.line !== previous.range.end.line) return undefined;
  const start = item.range.start;
  const what = previous.kind === 'attribute' ? `argument "${previous.name}"` : `block ${describeBlock(previous)}`;
  return {
    range: { start, end: start },
    message: `Syntax error: missing newline after ${what}; each argument and block starts on its own line`,
  };
}

export function describeBlock(block: { type: string; labels: string[] }): string {
  return [block.type, ...block.labels.map((l) => JSON.stringify(l))].join(' ');
}
