/**
 * The CLI's rollout-timeline HTML (`rollout MANIFEST -o FILE`): one self-contained file that draws
 * the timeline with the same page bundle the extension's panel uses (dist/timeline.js), inlined,
 * and with no network access at all.
 *
 * Safety as for the plan graph's HTML (plan/graphHtml.ts): every string of the timeline comes from
 * a manifest and may be hostile, so the timeline is embedded as a JSON data block with `<`, `>`,
 * `&`, U+2028 and U+2029 escaped, which nothing in a manifest can close or turn into a comment; the
 * page reads it with JSON.parse, checks it field by field and renders every string as text. The
 * CSP allows only the nonce'd bundle and the nonce'd style element.
 */
import { randomBytes } from 'node:crypto';
import type { RolloutTimeline } from '../../../common/src/rollout';
import { escapeHtmlText, inlineScript, inlineStyle, jsonForScriptElement, type WebviewBundle } from '../plan/graphHtml';

/** The id the page looks for (webview/src/timeline/embeddedHost.ts). */
export const EMBEDDED_TIMELINE_ID = 'rollout-timeline';

const MAX_TITLE = 300;

export function timelineHtmlTitle(timeline: RolloutTimeline): string {
  const workload = `${timeline.kind} ${timeline.namespace !== undefined ? `${timeline.namespace}/` : ''}${timeline.name}`;
  const title = `Rollout timeline — ${workload}`;
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE)}…` : title;
}

export function renderTimelineHtml(timeline: RolloutTimeline, bundle: WebviewBundle, nonce = randomBytes(18).toString('base64')): string {
  const csp = ["default-src 'none'", `script-src 'nonce-${nonce}'`, `style-src 'nonce-${nonce}'`, "base-uri 'none'", "form-action 'none'"].join('; ');
  return [
    '<!DOCTYPE html>',
    '<html lang="en" data-state="loading">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtmlText(csp)}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${escapeHtmlText(timelineHtmlTitle(timeline))}</title>`,
    bundle.css ? `<style nonce="${nonce}">${inlineStyle(bundle.css)}</style>` : '',
    '</head>',
    '<body>',
    `<script type="application/json" id="${EMBEDDED_TIMELINE_ID}">${jsonForScriptElement(timeline)}</script>`,
    `<script nonce="${nonce}">${inlineScript(bundle.js)}</script>`,
    '</body>',
    '</html>',
    '',
  ]
    .filter((line) => line !== '')
    .join('\n');
}
