/**
 * Text from a plan or from the checked files, made safe to place in a Markdown comment (GitHub
 * and GitLab flavours): a hostile resource name or message must not break a table row, start a
 * heading or a list, or inject HTML. Everything that is data goes through here; only the
 * renderers' own constant markup is written raw.
 */

/**
 * Characters with a meaning inside a line of Markdown: escapes, code spans, emphasis and
 * strikethrough, links and images (no `(` or `!` can start one without an unescaped `[`), table
 * cells, and GitHub's `$` math. Characters that mean something only at the start of a line
 * (`#`, `-`, `+`, `>`, digits) need nothing: data is never placed at the start of a line, and a
 * line break in it becomes `<br>`, which keeps it on its line.
 */
const MARKDOWN_PUNCTUATION = /[\\`*_[\]|~$]/g;

/**
 * `text` as inline Markdown that renders as exactly that text: HTML metacharacters as entities,
 * Markdown punctuation backslash-escaped, and line breaks as `<br>`, so that the text stays in
 * its table cell or list item.
 */
export function markdownText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_PUNCTUATION, (c) => `\\${c}`)
    .replace(/\r\n|[\r\n\u2028\u2029]/g, '<br>');
}

/**
 * `text` in code style. An HTML `<code>` element around escaped text rather than a backtick code
 * span: a code span cannot escape a backtick or a table's `|` inside it, and GitHub does not turn
 * `@name` or `#123` inside `<code>` into a mention or a link.
 */
export function markdownCode(text: string): string {
  return `<code>${markdownText(text)}</code>`;
}
