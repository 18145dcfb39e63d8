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
  private readonly starts: Int32Array;
  /** The text holds a `\r`: lines then differ from tree-sitter's rows (which break at `\n` only). */
  readonly hasCarriageReturn: boolean;
  /** The line `lineOf` found last. */
  private hint = 0;

  constructor(
    readonly text: string,
    /** Internal (`afterEdit`): the line starts, already known, and whether the text holds a `\r`. */
    known?: { starts: Int32Array; hasCarriageReturn: boolean },
  ) {
    if (known) {
      this.starts = known.starts;
      this.hasCarriageReturn = known.hasCarriageReturn;
      return;
    }
    this.hasCarriageReturn = text.includes('\r');
    if (!this.hasCarriageReturn) {
      let count = 1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
      const starts = new Int32Array(count);
      count = 1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[count++] = i + 1;
      this.starts = starts;
      return;
    }
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) starts.push(i + 1);
      else if (c === 13 /* \r */) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = Int32Array.from(starts);
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
    // Offsets mostly come in document order: the last line found, or the next one, first.
    const hint = this.hint;
    if (starts[hint] <= offset) {
      if (hint + 1 === starts.length || offset < starts[hint + 1]) return hint;
      if (hint + 2 === starts.length || offset < starts[hint + 2]) return (this.hint = hint + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return (this.hint = lo);
  }

  positionAt(offset: number): SourcePosition {
    if (offset < 0) offset = 0;
    else if (offset > this.text.length) offset = this.text.length;
    const line = this.lineOf(offset);
    return { line, character: offset - this.starts[line] };
  }

  /**
   * The index of `newText`, which is this text with [start, oldEnd) replaced by `inserted`:
   * derived from this one (shifting the line starts after the change) when no `\r` is involved,
   * else built afresh.
   */
  afterEdit(start: number, oldEnd: number, inserted: string, newText: string): LineIndex {
    if (this.hasCarriageReturn || inserted.includes('\r')) return new LineIndex(newText);
    const old = this.starts;
    const delta = inserted.length - (oldEnd - start);
    // Line starts up to `start` stay (the character before each is unchanged), those of the
    // inserted text follow, then the ones after the replaced range, shifted.
    const keep = this.lineOf(start) + 1;
    let from = this.lineOf(oldEnd) + 1;
    let added = 0;
    for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) added++;
    if (added === 0 && from === keep && delta === 0) return new LineIndex(newText, { starts: old, hasCarriageReturn: false });
    const starts = new Int32Array(keep + added + old.length - from);
    starts.set(old.subarray(0, keep));
    let n = keep;
    for (let i = inserted.indexOf('\n'); i !== -1; i = inserted.indexOf('\n', i + 1)) starts[n++] = start + i + 1;
    for (; from < old.length; from++) starts[n++] = old[from] + delta;
    return new LineIndex(newText, { starts, hasCarriageReturn: false });
  }

  /** tree-sitter's point for an offset (see `treeSitterPoint`), from this index when it can. */
  treeSitterPoint(offset: number): { row: number; column: number } {
    if (this.hasCarriageReturn) return treeSitterPoint(this.text, offset);
    const row = this.lineOf(offset);
    return { row, column: offset - this.starts[row] };
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
