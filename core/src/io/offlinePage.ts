/**
 * The CLI's self-contained HTML pages (the plan graph, the rollout timeline): one file each that
 * draws its picture with the same page bundle the extension's panel uses, inlined, with no network
 * access at all.
 *
 * Safety: the page's data (every string of which comes from a plan or a manifest and may be
 * hostile) is embedded as a JSON data block, with `<`, `>`, `&`, U+2028 and U+2029 escaped as
 * `\u003c`… so that nothing in it can close the element (`</script>`) or open a comment (`<!--`);
 * the page reads it with JSON.parse and renders every string as text. The CSP, which the caller
 * writes, allows only the nonce'd bundle and the nonce'd style element (and what the page needs
 * beyond them).
 */

export interface WebviewBundle {
  js: string;
  /** Extra styles; the bundle adopts its own, so this is usually empty. */
  css: string;
}

const JSON_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** JSON that is safe inside a <script type="application/json"> element (still valid JSON). */
export function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (ch) => JSON_ESCAPES[ch]);
}

export function escapeHtmlText(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

/**
 * Inline code must not contain what ends its element. In JavaScript `<\/script` means the same
 * inside strings, regular expressions and templates (the only places minified code holds it).
 */
export function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

export function inlineStyle(css: string): string {
  return css.replace(/<\/(style)/gi, '<\\/$1');
}

/** What one offline page is made of. */
export interface OfflinePage {
  /** Shown as is (escaped); callers keep it short. */
  title: string;
  /** The Content-Security-Policy, naming `nonce`. */
  csp: string;
  nonce: string;
  bundle: WebviewBundle;
  /** The id of the JSON data block the bundle reads, and its data. */
  dataId: string;
  data: unknown;
}

export function renderOfflinePage(page: OfflinePage): string {
  return [
    '<!DOCTYPE html>',
    '<html lang="en" data-state="loading">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtmlText(page.csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtmlText(page.title)}</title>`,
    page.bundle.css ? `<style nonce="${page.nonce}">${inlineStyle(page.bundle.css)}</style>` : '',
    '</head>',
    '<body>',
    `<script type="application/json" id="${page.dataId}">${jsonForScriptElement(page.data)}</script>`,
    `<script nonce="${page.nonce}">${inlineScript(page.bundle.js)}</script>`,
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}
