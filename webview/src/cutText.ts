/**
 * Plan and manifest strings may be any length (a hostile plan's address, a huge value): what a
 * page draws, titles or says is cut at a bound, with an ellipsis so that the reader sees it was.
 */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
