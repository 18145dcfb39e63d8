/**
 * Building a pull-request comment that must stay within a size limit: pieces are added in order
 * of importance while they fit, leaving room for what must still follow (closing tags, the note
 * that says what was left out). Lengths are UTF-16 code units, never fewer than the characters
 * a forge counts, so a comment that fits here fits there.
 */

/** The longest comment GitHub and GitLab accept (characters). */
export const MAX_COMMENT_LENGTH = 65_536;

export class CommentBudget {
  private readonly parts: string[] = [];
  private used = 0;

  constructor(private readonly limit = MAX_COMMENT_LENGTH) {}

  /** Appends `text` unconditionally (the parts that are never left out: the summary line, the note). */
  push(text: string): void {
    this.parts.push(text);
    this.used += text.length;
  }

  /** Appends `text` when, after it, `reserve` characters are still free; false (and nothing added) otherwise. */
  tryPush(text: string, reserve: number): boolean {
    if (this.used + text.length + reserve > this.limit) return false;
    this.push(text);
    return true;
  }

  /** The limit as a note states it: `65,536`. */
  get limitText(): string {
    return String(this.limit).replace(/\B(?=(\d{3})+$)/g, ',');
  }

  get length(): number {
    return this.used;
  }

  toString(): string {
    return this.parts.join('');
  }
}
