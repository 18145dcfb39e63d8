/**
 * Webview bundle (dist/webview.js): the plan graph. One IIFE, everything inlined — the styles
 * (adopted as a constructable style sheet) and the layout worker (started from a Blob URL) — so
 * a host loads exactly one script.
 *
 * What a host must give this page:
 * - An empty <body> and one script: `<script nonce="…" src="…/dist/webview.js">` (VS Code:
 *   `webview.asWebviewUri`, with `localResourceRoots` limited to dist/). No stylesheet is needed.
 * - A CSP like
 *     default-src 'none'; script-src 'nonce-…'; style-src ${webview.cspSource} 'nonce-…';
 *     worker-src blob:; img-src ${webview.cspSource} data:; font-src ${webview.cspSource}
 *   `worker-src blob:` lets large plans be laid out off the UI thread (without it the page still
 *   works, laying out on the UI thread). The page writes no inline styles or scripts and uses no
 *   eval; its styles and @vscode-elements' styles are adopted style sheets, which CSP doesn't govern.
 * - Messages (common/src/planGraphMessages.ts): the page posts `{type:'ready'}` once it listens;
 *   the host answers `{type:'showPlan', planId, graph, source}` (the same `planId` keeps the
 *   user's view: filters, search, expanded modules, selection, zoom), `{type:'showError', message}`
 *   or `{type:'planProgress', planned}`. The page posts `{type:'reveal', address}` when the user
 *   asks to open a resource's block, and `{type:'renderError', message}` when it can't draw.
 * - View state is kept with `acquireVsCodeApi().setState`, so the panel survives being hidden
 *   without `retainContextWhenHidden`; a serializer may hand the same state back after a restart.
 *
 * Without `acquireVsCodeApi` (the CLI's HTML), the page reads the graph from
 * `<script type="application/json" id="plan-graph">` and hides "Reveal in source".
 */
import styles from './graph/graph.css';
import { GraphPage } from './graph/graphPage';
import { detectHost } from './graph/host';
import { bootPage } from './pageBoot';

bootPage(styles, 'plan graph', () => new GraphPage(detectHost()).start());
