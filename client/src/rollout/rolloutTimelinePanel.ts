/**
 * The editor panel that hosts the rollout-timeline page (webview/src/timeline, bundled as
 * dist/timeline.js). One panel for the window (`createOrShow`), as the webview sample does; a
 * re-created page asks for the timeline again with `ready`, so the panel does not keep its page
 * alive while hidden.
 *
 * Security: CSP `default-src 'none'` with a fresh nonce for the one script; resources only from
 * dist/; data only through typed `postMessage`, validated on receipt (`isTimelineToHostMessage`).
 * The page renders every manifest string as text, and nothing it sends can run anything.
 */
import * as vscode from 'vscode';
import { webviewPageHtml, webviewPanelOptions } from '../webviewPage';
import type { RolloutTimeline } from '../../../common/src/rollout';
import { isTimelineToHostMessage, type HostToTimelineMessage, type TimelineToHostMessage } from '../../../common/src/rolloutMessages';

export const ROLLOUT_TIMELINE_VIEW_TYPE = 'immutableInfra.rolloutTimeline';

export interface ShownTimeline {
  /** Names what was simulated (file contents, workload, settings): the page keeps its place for the same id. */
  timelineId: string;
  timeline: RolloutTimeline;
  /** The manifest (or the plan), as the page names it. */
  source: string;
  /** What the panel's title names (default: the workload's name), e.g. a Terraform resource address. */
  title?: string;
}

export class RolloutTimelinePanel implements vscode.Disposable {
  private static current: RolloutTimelinePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private pending: HostToTimelineMessage | undefined;
  private pageReady = false;

  /** Shows the panel (creating it beside the active editor when there is none) and returns it. */
  static createOrShow(extensionUri: vscode.Uri, log: vscode.LogOutputChannel): RolloutTimelinePanel {
    if (RolloutTimelinePanel.current) {
      RolloutTimelinePanel.current.panel.reveal(undefined, true);
      return RolloutTimelinePanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      ROLLOUT_TIMELINE_VIEW_TYPE,
      'Rollout Timeline',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewPanelOptions(extensionUri),
    );
    RolloutTimelinePanel.current = new RolloutTimelinePanel(panel, extensionUri, log);
    return RolloutTimelinePanel.current;
  }

  static get active(): RolloutTimelinePanel | undefined {
    return RolloutTimelinePanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // No worker and no images: the common CSP is all the page needs.
    panel.webview.html = webviewPageHtml(panel.webview, extensionUri, { script: 'timeline.js', title: 'Rollout Timeline' });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      // A hidden page is destroyed; when it comes back it posts `ready` again.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.pageReady = false;
      }),
    );
  }

  show(shown: ShownTimeline): void {
    const title = shown.title ?? shown.timeline.name;
    this.panel.title = `Rollout: ${title.length > 60 ? `${title.slice(0, 60)}…` : title}`;
    const { timeline } = shown;
    this.post({ type: 'showTimeline', timelineId: shown.timelineId, timeline, source: shown.source });
  }

  showError(message: string): void {
    this.post({ type: 'showError', message });
  }

  dispose(): void {
    if (RolloutTimelinePanel.current === this) RolloutTimelinePanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Posts now when the page listens; otherwise keeps the latest message for its `ready`. */
  private post(message: HostToTimelineMessage): void {
    this.pending = message;
    if (this.pageReady) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    if (!isTimelineToHostMessage(raw)) {
      this.log.warn('Rollout timeline: ignored a message that is not one the page sends.');
      return;
    }
    const message: TimelineToHostMessage = raw;
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        if (this.pending) void this.panel.webview.postMessage(this.pending);
        break;
      case 'renderError':
        this.log.error(`Rollout timeline could not render: ${message.message}`);
        break;
    }
  }
}
