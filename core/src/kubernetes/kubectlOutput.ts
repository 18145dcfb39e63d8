/**
 * What kubectl writes to stderr, read for people. kubectl repeats a client-side error on several
 * lines and says it best on the last; the API server's warnings (`Warning: …`, deprecations and
 * admission warnings) come on lines of their own, before it, and are not the error.
 */

/** The last line of `text` that is not a server warning, trimmed; undefined when there is none. */
export function lastErrorLine(text: string): string | undefined {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('Warning: '));
  return lines[lines.length - 1];
}
