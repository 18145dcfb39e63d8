/**
 * Offsets ↔ LSP positions for one text. Offsets are JavaScript string indices (UTF-16 code units),
 * which is also what web-tree-sitter reports as `startIndex`/`endIndex`, so tree positions are
 * converted through this index and never through tree-sitter's own row/column.
 *
 * Lines break LSP-style at `\n`, `\r\n` and a lone `\r` (as vscode-languageserver-textdocument does).
 */
import type { SourcePosition } from '../../../../common/src/findings';

export class LineIndex {
  /** Offset of the first character of each line. */
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    if (!text.includes('\r')) {
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
      return;
    }
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) starts.push(i + 1);
      else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  lineStart(line: number): number {
    return this.starts[line];
  }

  /** Offset just past the line's content, before its line break. */
  lineContentEnd(line: number): number {
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[line + 1] - 1; // the (last) character of the line break
    if (this.text.charCodeAt(end) === 10 && end - 1 >= this.starts[line] && this.text.charCodeAt(end - 1) === 13) end--;
    return end;
  }

  lineOf(offset: number): number {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  positionAt(offset: number): SourcePosition {
    if (offset < 0) offset = 0;
    else if (offset > this.text.length) offset = this.text.length;
    const line = this.lineOf(offset);
    return { line, character: offset - this.starts[line] };
  }

  /** LSP semantics: a character past the end of the line means the end of the line. */
  offsetAt(position: SourcePosition): number {
    if (position.line < 0) return 0;
    if (position.line >= this.starts.length) return this.text.length;
    const start = this.starts[position.line];
    const end = this.lineContentEnd(position.line);
    return Math.min(start + Math.max(0, position.character), end);
  }
}

/**
 * The point tree-sitter keeps for an offset: rows counted at `\n` only, columns in UTF-16 code
 * units (web-tree-sitter feeds the parser UTF-16). Only used to describe edits to tree-sitter.
 */
export function treeSitterPoint(text: string, offset: number): { row: number; column: number } {
  let row = 0;
  let lastNewline = -1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    row++;
    lastNewline = i;
  }
  return { row, column: offset - lastNewline - 1 };
}
