/**
 * The timeline page outside VS Code: the CLI's standalone HTML (`rollout MANIFEST -o FILE`) embeds
 * the timeline as `<script type="application/json" id="rollout-timeline">` and there is no host to
 * talk to. The page reads that element once, hands it on as the one `showTimeline` message, and
 * keeps its place in the syncs only as long as the page lives.
 */
import type { RolloutTimeline } from '../../../common/src/rollout';
import type { TimelineViewState } from '../../../common/src/rolloutMessages';
import type { TimelineHost } from './host';

/** The id the CLI's HTML gives the data element (core/src/rollout/timelineHtml.ts writes it). */
export const EMBEDDED_TIMELINE_ID = 'rollout-timeline';

/** The embedded host, or undefined when the page holds no embedded timeline. */
export function embeddedTimelineHost(): TimelineHost | undefined {
  const element = document.getElementById(EMBEDDED_TIMELINE_ID);
  if (!element) return undefined;
  let state: TimelineViewState | undefined;
  return {
    // The CLI's options that set them (`immutable-infra rollout --ready-after S --nodes N`).
    assumptionSources: { podStartSeconds: 'option --ready-after', nodes: 'option --nodes' },
    post: () => undefined,
    loadState: () => state,
    saveState: (next) => {
      state = next;
    },
    start(onMessage) {
      // Outside VS Code there are no theme variables: the shared theme supplies them under this class.
      document.documentElement.classList.add('standalone');
      let timeline: RolloutTimeline;
      try {
        timeline = JSON.parse(element.textContent ?? '') as RolloutTimeline;
      } catch (error) {
        onMessage({ type: 'showError', message: `The embedded rollout timeline is not valid JSON: ${(error as Error).message}` });
        return;
      }
      // The page checks the timeline field by field (timelineInput.ts), as it does a posted one.
      onMessage({ type: 'showTimeline', timelineId: 'embedded', timeline, source: document.title });
    },
  };
}
