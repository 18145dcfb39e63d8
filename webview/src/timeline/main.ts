/**
 * Webview bundle (dist/timeline.js): the rollout timeline. A bundle of its own, not a mode of
 * dist/webview.js: the plan graph's bundle is what the CLI inlines into every HTML graph and what
 * its benchmark measures, and the timeline needs none of its layout engine or worker; the two
 * pages share only @vscode-elements and d3's selection. One IIFE with its styles inlined (adopted
 * as a constructable style sheet), so a host loads exactly one script.
 *
 * What a host must give this page:
 * - An empty <body> and one script: `<script nonce="…" src="…/dist/timeline.js">`, with
 *   `localResourceRoots` limited to dist/.
 * - A CSP like `default-src 'none'; script-src 'nonce-…'; style-src ${webview.cspSource} 'nonce-…'; font-src ${webview.cspSource}`.
 *   The page writes no inline styles or scripts and uses no eval.
 * - Messages (common/src/rolloutMessages.ts): the page posts `{type:'ready'}` once it listens; the
 *   host answers `{type:'showTimeline', timelineId, timeline, source}` or `{type:'showError', message}`.
 *   The page posts `{type:'renderError', message}` when it can't draw.
 *
 * Without `acquireVsCodeApi` (the CLI's HTML, `rollout MANIFEST -o FILE`), the page reads the
 * timeline from `<script type="application/json" id="rollout-timeline">` (embeddedHost.ts).
 */
import { detectTimelineHost } from './host';
import styles from './timeline.css';
import { TimelinePage } from './timelinePage';
import { bootPage } from '../pageBoot';

bootPage(styles, 'rollout timeline', () => new TimelinePage(detectTimelineHost()).start());
