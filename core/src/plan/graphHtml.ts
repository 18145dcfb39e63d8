/**
 * The CLI's `graph` HTML: one self-contained file that draws the plan graph with the same
 * webview bundle the extension uses (io/offlinePage.ts says how it stays safe). Its CSP also
 * allows Blob-URL workers (the layout worker) and data: images.
 */
import { randomBytes } from 'node:crypto';
import type { PlanGraph } from '../../../common/src/planGraph';
import { renderOfflinePage, type WebviewBundle } from '../io/offlinePage';

export type { WebviewBundle } from '../io/offlinePage';

/** The id the page looks for (webview/src/graph/host.ts). */
export const EMBEDDED_GRAPH_ID = 'plan-graph';

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
  return renderOfflinePage({
    title: title.length > 300 ? `${title.slice(0, 300)}…` : title,
    csp,
    nonce,
    bundle,
    dataId: EMBEDDED_GRAPH_ID,
    data: graph,
  });
}
