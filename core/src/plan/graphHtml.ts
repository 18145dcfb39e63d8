/**
 * The CLI's `graph` HTML: one self-contained file that draws the plan graph with the same
 * webview bundle the extension uses, inlined, and with no network access at all.
 *
 * Safety: the graph (every string of which comes from a plan and may be hostile) is embedded as
 * a JSON data block, with `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`… so that nothing in
 * a plan can close the element (`</script>`) or open a comment (`<!--`); the page reads it with
 * JSON.parse and renders every string as text. The CSP allows only the nonce'd bundle, the
 * nonce'd style element, Blob-URL workers (the layout worker) and data: images.
 */
import { randomBytes } from 'node:crypto';
import type { PlanGraph } from '../../../common/src/planGraph';

export interface WebviewBundle {
  js: string;
  /** Extra styles; the bundle adopts its own, so this is usually empty. */
  css: string;
}

/** The id the page looks for (webview/src/graph/host.ts). */
export const EMBEDDED_GRAPH_ID = 'plan-graph';

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

export function renderGraphHtml(graph: PlanGraph, bundle: WebviewBundle, nonce = randomBytes(18).toString('base64')): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src 'nonce-${nonce}'`,
    'worker-src blob:',
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const title = graph.summary?.line ? `Plan graph — ${graph.summary.line}` : 'Plan graph';
  return [
    '<!DOCTYPE html>',
    '<html lang="en" data-state="loading">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtmlText(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtmlText(title.length > 300 ? `${title.slice(0, 300)}…` : title)}</title>`,
    bundle.css ? `<style nonce="${nonce}">${inlineStyle(bundle.css)}</style>` : '',
    '</head>',
    '<body>',
    `<script type="application/json" id="${EMBEDDED_GRAPH_ID}">${jsonForScriptElement(graph)}</script>`,
    `<script nonce="${nonce}">${inlineScript(bundle.js)}</script>`,
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}
