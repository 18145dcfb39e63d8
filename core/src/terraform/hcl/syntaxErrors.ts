/**
 * Readable messages for tree-sitter's ERROR and MISSING nodes:
 * - ERROR: `Syntax error: unexpected "junk ]"` (the first line of the skipped text, shortened);
 * - a missing block `}`: `Missing "}" to close block resource "local_file" "a"`, placed on the
 *   block's `{` (where the user can see which block is open);
 * - other MISSING tokens: `Syntax error: missing "]"` at the point where tree-sitter expected it.
 *
 * Offsets are view offsets (of the text tree-sitter parsed); the caller maps them.
 */
import type { Node } from 'web-tree-sitter';

export interface RawSyntaxError {
  start: number;
  end: number;
  message: string;
}

const SNIPPET_LENGTH = 40;

/** Shortens source text for a message: first line, trimmed, at most 40 characters. */
export function snippet(text: string): string {
  const line = text.trim().split(/\r\n|\r|\n/, 1)[0] ?? '';
  return line.length > SNIPPET_LENGTH ? `${line.slice(0, SNIPPET_LENGTH - 1)}…` : line;
}

export function unexpectedMessage(text: string): string {
  const shown = snippet(text);
  return shown ? `Syntax error: unexpected "${shown}"` : 'Syntax error: unexpected end of input';
}

/** Collects the ERROR and MISSING nodes of a tree whose root reports `hasError`. */
export function collectTreeErrors(root: Node, view: string): RawSyntaxError[] {
  const errors: RawSyntaxError[] = [];
  visit(root, view, errors);
  return errors;
}

function visit(node: Node, view: string, errors: RawSyntaxError[]): void {
  if (node.isError) {
    errors.push({ start: node.startIndex, end: node.endIndex, message: unexpectedMessage(view.slice(node.startIndex, node.endIndex)) });
    return;
  }
  if (node.isMissing) {
    errors.push(missing(node, view));
    return;
  }
  if (!node.hasError) return;
  for (const child of node.children) if (child) visit(child, view, errors);
}

function missing(node: Node, view: string): RawSyntaxError {
  const parent = node.parent;
  const block = parent?.type === 'block_end' ? parent.parent : node.type === 'block_end' ? parent : null;
  if (block?.type === 'block') {
    const header = block.children.find((c) => c?.type === 'block_start' && c.endIndex > c.startIndex) ?? block.firstChild;
    const at = header ?? block;
    return { start: at.startIndex, end: at.endIndex, message: `Missing "}" to close block ${describeBlockNode(block, view)}` };
  }
  const what = node.isNamed ? node.type.replace(/_/g, ' ') : `"${node.type}"`;
  return { start: node.startIndex, end: node.startIndex, message: `Syntax error: missing ${what}` };
}

/** `resource "local_file" "a"`, from the block header as written. */
function describeBlockNode(block: Node, view: string): string {
  const parts: string[] = [];
  for (const child of block.children) {
    if (!child) continue;
    if (child.type === 'block_start' || child.type === 'body' || child.type === 'block_end') break;
    if (child.type === 'identifier' || child.type === 'string_lit') parts.push(view.slice(child.startIndex, child.endIndex));
  }
  return parts.join(' ');
}
