/**
 * The two places the page runs: a VS Code webview (`acquireVsCodeApi` exists: the page posts
 * `ready` and waits for `showPlan`; view state goes to `setState`) and the CLI's standalone HTML
 * (no host: the graph is embedded as `<script type="application/json" id="plan-graph">`, view
 * state lives only as long as the page).
 */
import type { PlanGraph } from '../../../common/src/planGraph';
import { isHostToGraphMessage, type GraphToHostMessage, type GraphViewState, type HostToGraphMessage } from '../../../common/src/planGraphMessages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const EMBEDDED_GRAPH_ID = 'plan-graph';

export interface PageHost {
  /** True in VS Code: there is an editor to reveal a resource in. */
  readonly canReveal: boolean;
  post(message: GraphToHostMessage): void;
  loadState(): GraphViewState | undefined;
  saveState(state: GraphViewState): void;
  /** Calls back with each valid host message (the standalone page delivers its one embedded plan). */
  start(onMessage: (message: HostToGraphMessage) => void): void;
}

function vsCodeHost(api: VsCodeApi): PageHost {
  return {
    canReveal: true,
    post: (message) => api.postMessage(message),
    loadState: () => {
      const state = api.getState();
      return typeof state === 'object' && state !== null ? (state as GraphViewState) : undefined;
    },
    saveState: (state) => api.setState(state),
    start(onMessage) {
      window.addEventListener('message', (event: MessageEvent) => {
        // Anything that isn't one of our typed messages is dropped, never interpreted.
        if (isHostToGraphMessage(event.data)) onMessage(event.data);
      });
      api.postMessage({ type: 'ready' } satisfies GraphToHostMessage);
    },
  };
}

function standaloneHost(): PageHost {
  let state: GraphViewState | undefined;
  return {
    canReveal: false,
    post: () => undefined,
    loadState: () => state,
    saveState: (next) => {
      state = next;
    },
    start(onMessage) {
      // Outside VS Code there are no theme variables: graph.css supplies them under this class.
      document.documentElement.classList.add('standalone');
      const element = document.getElementById(EMBEDDED_GRAPH_ID);
      if (!element) {
        onMessage({ type: 'showError', message: 'No plan graph in this page (expected <script type="application/json" id="plan-graph">).' });
        return;
      }
      let graph: PlanGraph;
      try {
        performance.mark('plan-graph:parse-start');
        graph = JSON.parse(element.textContent ?? '') as PlanGraph;
        performance.mark('plan-graph:parsed');
      } catch (error) {
        onMessage({ type: 'showError', message: `The embedded plan graph is not valid JSON: ${(error as Error).message}` });
        return;
      }
      onMessage({ type: 'showPlan', planId: 'embedded', graph, source: document.title });
    },
  };
}

export function detectHost(): PageHost {
  return typeof acquireVsCodeApi === 'function' ? vsCodeHost(acquireVsCodeApi()) : standaloneHost();
}
