/**
 * The text a model builder reads, and where it lies in the document. tree-sitter's indices are
 * UTF-16 offsets into the text it parsed, the view: the whole file, or in the recovering parse one
 * segment of the repaired text. The model's ranges and its literals' source text are those of the
 * original document, so every offset goes through here on its way into the model.
 */
import type { BuildInput } from './buildInput';
import type { SourceRange } from './model';

export class SourceView {
  /** The parsed text; tree-sitter's indices point into it. */
  readonly text: string;
  /**
   * The view is repaired text whose offsets differ from the original's: a literal must then be
   * decoded from what the user wrote (`literalText`), which the text fast path leaves to the walk.
   */
  readonly repaired: boolean;

  constructor(private readonly input: BuildInput) {
    this.text = input.view;
    this.repaired = input.toOriginal !== undefined;
  }

  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }

  private offset(viewOffset: number): number {
    const { toOriginal, viewBase } = this.input;
    return toOriginal ? toOriginal(viewOffset + viewBase) : viewOffset;
  }

  /** The document range of a view range, as LSP positions. */
  range(start: number, end: number): SourceRange {
    const lines = this.input.lines;
    return { start: lines.positionAt(this.offset(start)), end: lines.positionAt(this.offset(end)) };
  }

  /** Original source text of a view range (what the user wrote, not the repaired text). */
  source(start: number, end: number): string {
    return this.input.original.slice(this.offset(start), this.offset(end));
  }

  /**
   * The text of a literal for decoding: the original text when the repairs left the range's
   * length alone (they may have blanked a character tree-sitter misreads), else what tree-sitter
   * read (a string the recovery closed with an inserted quote).
   */
  literalText(start: number, end: number): string {
    if (!this.input.toOriginal) return this.text.slice(start, end);
    const from = this.offset(start);
    const to = this.offset(end);
    return to - from === end - start ? this.input.original.slice(from, to) : this.text.slice(start, end);
  }
}
