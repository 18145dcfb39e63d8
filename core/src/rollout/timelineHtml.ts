/**
 * The CLI's rollout-timeline HTML (`rollout MANIFEST -o FILE`): one self-contained file that draws
 * the timeline with the same page bundle the extension's panel uses (dist/timeline.js), inlined,
 * and with no network access at all.
 *
 * Safety as for every offline page (io/offlinePage.ts): every string of the timeline comes from
 * a manifest and may be hostile, so the timeline is embedded as a JSON data block with `<`, `>`,
 * `&`, U+2028 and U+2029 escaped, which nothing in a manifest can close or turn into a comment; the
 * page reads it with JSON.parse, checks it field by field and renders every string as text. The
 * CSP allows only the nonce'd bundle and the nonce'd style element.
 */
import { randomBytes } from 'node:crypto';
import type { RolloutTimeline } from '../../../common/src/rollout';
import { renderOfflinePage, type WebviewBundle } from '../io/offlinePage';

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
  return renderOfflinePage({ title: timelineHtmlTitle(timeline), csp, nonce, bundle, dataId: EMBEDDED_TIMELINE_ID, data: timeline });
}
