/**
 * The page's host: a VS Code webview (`acquireVsCodeApi`). The page posts `ready` once it listens
 * and draws what the host answers; its place in the syncs goes to `setState`, so the panel survives
 * being hidden without `retainContextWhenHidden`. Without `acquireVsCodeApi`, the CLI's standalone
 * HTML, which embeds its one timeline (embeddedHost.ts).
 */
import { embeddedTimelineHost } from './embeddedHost';
import { SETTINGS_SOURCES, type AssumptionSources } from './viewModel';
import { isHostToTimelineMessage, type HostToTimelineMessage, type TimelineToHostMessage, type TimelineViewState } from '../../../common/src/rolloutMessages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export interface TimelineHost {
  post(message: TimelineToHostMessage): void;
  loadState(): TimelineViewState | undefined;
  saveState(state: TimelineViewState): void;
  /** Where the user changes the assumptions the page names (settings in VS Code, options in the CLI). */
  assumptionSources: AssumptionSources;
  /** Calls back with each valid host message. */
  start(onMessage: (message: HostToTimelineMessage) => void): void;
}

export class NoHostError extends Error {}

export function detectTimelineHost(): TimelineHost {
  if (typeof acquireVsCodeApi !== 'function') {
    const embedded = embeddedTimelineHost();
    if (embedded) return embedded;
    throw new NoHostError("this page runs inside a VS Code webview, which gives it the timeline to draw, or embeds one (the CLI's HTML); there is neither here.");
  }
  const api = acquireVsCodeApi();
  return {
    assumptionSources: SETTINGS_SOURCES,
    post: (message) => api.postMessage(message),
    loadState: () => {
      const state = api.getState();
      return typeof state === 'object' && state !== null ? (state as TimelineViewState) : undefined;
    },
    saveState: (state) => api.setState(state),
    start(onMessage) {
      window.addEventListener('message', (event: MessageEvent) => {
        // Anything that isn't one of our typed messages is dropped, never interpreted.
        if (isHostToTimelineMessage(event.data)) onMessage(event.data);
      });
      api.postMessage({ type: 'ready' } satisfies TimelineToHostMessage);
    },
  };
}
