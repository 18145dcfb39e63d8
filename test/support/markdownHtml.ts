import assert from 'node:assert/strict';

/**
 * Markdown as a forge would show it: rendered with marked (GitHub-flavoured: tables, raw inline
 * HTML passed through), so that tests check what a reader of the comment sees, not the source.
 */
export async function renderMarkdown(markdown: string): Promise<string> {
  const { marked } = await import('marked');
  return marked.parse(markdown, { async: false, gfm: true });
}

/** The tag names in `html`, once each. */
export function tagNames(html: string): string[] {
  return [...new Set([...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1].toLowerCase()))].sort();
}

/** The text of an HTML fragment as a browser shows it: tags dropped (`<br>` as a line break), entities decoded. */
export function htmlText(html: string): string {
  return html
    .replace(/<br\s*\/?>/g, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The contents of every `<tag>…</tag>` in `html` (not nested in one another). */
export function elements(html: string, tag: string): string[] {
  return [...html.matchAll(new RegExp(`<${tag}(?:\\s[^>]*)?>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]);
}

/**
 * The items of the top-level lists in `html`, as text: each item's own line, then the lines of the
 * items nested in it (all levels), one per line.
 */
export function listItems(html: string): string[] {
  const items: string[] = [];
  // One entry per open <li>: the lines gathered for it so far.
  const open: string[][] = [];
  for (const token of html.split(/(<\/?(?:ul|li)>)/)) {
    if (token === '<li>') open.push(['']);
    else if (token === '</li>') {
      const lines = open.pop()!;
      const text = lines.map((line) => line.trim()).filter((line) => line !== '');
      if (open.length === 0) items.push(text.join('\n'));
      else open[open.length - 1].push(...text);
    } else if (token === '<ul>' || token === '</ul>') {
      if (open.length > 0) open[open.length - 1].push('');
    } else if (open.length > 0) {
      const lines = open[open.length - 1];
      lines[lines.length - 1] += htmlText(token);
    }
  }
  return items;
}

/** The tags a comment may contain: those of Markdown's own blocks and the renderers' `<code>`, `<br>`, `<details>`. */
const COMMENT_TAGS = new Set(['blockquote', 'br', 'code', 'details', 'h4', 'li', 'p', 'strong', 'summary', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'ul']);

/**
 * `html` holds only the renderers' own markup: no tag from the data (no script, image, emphasis,
 * heading). A bare URL in the data is autolinked, as GitHub does too; such a link shows its own
 * address, so it is allowed, and a Markdown link (`[text](url)`), which could show other text, is not.
 */
export function assertOnlyCommentMarkup(html: string): void {
  for (const tag of tagNames(html)) assert.ok(COMMENT_TAGS.has(tag) || tag === 'a', `<${tag}> in ${html}`);
  for (const [, href, text] of html.matchAll(/<a href="([^"]*)">([\s\S]*?)<\/a>/g)) assert.equal(htmlText(text), htmlText(href));
  assert.equal([...html.matchAll(/<a[\s>]/g)].length, [...html.matchAll(/<a href="[^"]*">/g)].length, 'every link is a plain autolink');
}
