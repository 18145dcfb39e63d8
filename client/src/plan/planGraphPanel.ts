/**
 * The editor panel that hosts the plan-graph page (webview/src, bundled as dist/webview.js).
 * One panel for the window (`createOrShow`), as the webview sample does; re-created pages ask for
 * the plan again with `ready`, so the panel does not keep its page alive while hidden.
 *
 * Security: CSP `default-src 'none'` with a fresh nonce for the one script and stylesheet;
 * resources only from dist/; data only through typed `postMessage`, validated on receipt
 * (`isGraphToHostMessage`). The page renders every plan string as text. Nothing it sends can
 * run a command of its choosing: `reveal` only opens a file the plan's own root module declares,
 * `showRollout` only simulates the rollout this host read from its own plan.
 */
import * as vscode from 'vscode';
import type { PlanGraph } from '../../../common/src/planGraph';
import { isGraphToHostMessage, type ApplyNodeStatus, type GraphToHostMessage, type HostToGraphMessage, type StateLockLine } from '../../../common/src/planGraphMessages';
import { SHOW_ROLLOUT_TIMELINE_COMMAND, type ShowRolloutOfWorkloadArguments } from '../../../common/src/rolloutMessages';
import { webviewPageHtml, webviewPanelOptions } from '../webviewPage';
import { locateResource } from './resourceLocator';

export const PLAN_GRAPH_VIEW_TYPE = 'immutableInfra.planGraph';

/** A plan the panel shows, and where it came from (reveal looks up blocks under `rootDir`). */
export interface ShownPlan {
  planId: string;
  graph: PlanGraph;
  /** What the title and the page say the plan is: the root module folder, or the plan file. */
  source: string;
  /** The root module, when known (a plan file opened from elsewhere may have none). */
  rootDir?: string;
  /** The host holds this plan's saved plan file and may apply it (after its own modal). */
  canApply?: boolean;
  /** The root module's state lock as last inspected (remote backends only), for the page's header. */
  lock?: StateLockLine;
}

export class PlanGraphPanel implements vscode.Disposable {
  private static current: PlanGraphPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private shown: ShownPlan | undefined;
  private pending: HostToGraphMessage | undefined;
  /** The apply progress of the shown plan, replayed after the plan when a page is re-created. */
  private lastApply: Extract<HostToGraphMessage, { type: 'applyProgress' }> | undefined;
  private pageReady = false;
  /** Called when the page's "Apply…" is pressed: the host's modal decides, never the page. */
  onApplyRequested: ((plan: ShownPlan) => void) | undefined;

  /** Shows the panel (creating it beside the active editor when there is none) and returns it. */
  static createOrShow(extensionUri: vscode.Uri, log: vscode.LogOutputChannel): PlanGraphPanel {
    if (PlanGraphPanel.current) {
      PlanGraphPanel.current.panel.reveal(undefined, true);
      return PlanGraphPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      PLAN_GRAPH_VIEW_TYPE,
      'Plan Graph',
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      webviewPanelOptions(extensionUri),
    );
    PlanGraphPanel.current = new PlanGraphPanel(panel, extensionUri, log);
    return PlanGraphPanel.current;
  }

  /** A panel restored by VS Code after a reload: its plan is gone from memory, and it says so. */
  static revive(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, log: vscode.LogOutputChannel): void {
    PlanGraphPanel.current?.dispose();
    panel.webview.options = webviewPanelOptions(extensionUri);
    PlanGraphPanel.current = new PlanGraphPanel(panel, extensionUri, log);
    PlanGraphPanel.current.showError('This plan graph was open before VS Code reloaded; its plan is not kept. Run "Show Plan Graph" or "Open Plan File" again.');
  }

  static get active(): PlanGraphPanel | undefined {
    return PlanGraphPanel.current;
  }

  private constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    // worker-src blob: the page lays out large plans in a worker built from its own bundle.
    panel.webview.html = webviewPageHtml(panel.webview, extensionUri, {
      script: 'webview.js',
      title: 'Plan Graph',
      extraCsp: [`img-src ${panel.webview.cspSource} data:`, 'worker-src blob:'],
    });
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      // A hidden page is destroyed; when it comes back it posts `ready` again.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.pageReady = false;
      }),
    );
  }

  get plan(): ShownPlan | undefined {
    return this.shown;
  }

  show(plan: ShownPlan): void {
    this.shown = plan;
    this.lastApply = undefined;
    this.panel.title = `Plan Graph: ${plan.source}`;
    this.post(this.showPlanMessage(plan));
  }

  /** The header's lock line for the shown plan, inspected again. */
  showStateLock(lock: StateLockLine): void {
    const plan = this.shown;
    if (!plan) return;
    plan.lock = lock;
    // A page re-created later gets the line with the plan.
    if (this.pending?.type === 'showPlan' && this.pending.planId === plan.planId) this.pending = { ...this.pending, lock };
    if (this.pageReady) void this.panel.webview.postMessage({ type: 'stateLock', planId: plan.planId, lock } satisfies HostToGraphMessage);
  }

  private showPlanMessage(plan: ShownPlan): HostToGraphMessage {
    return {
      type: 'showPlan',
      planId: plan.planId,
      graph: plan.graph,
      source: plan.source,
      canApply: plan.canApply === true,
      ...(plan.lock ? { lock: plan.lock } : {}),
    };
  }

  /** Animates the graph's nodes with the apply's progress (`finished` once it has ended). */
  applyProgress(nodes: ApplyNodeStatus[], message: string, finished?: 'applied' | 'failed' | 'cancelled'): void {
    const plan = this.shown;
    if (!plan) return;
    if (finished) {
      // A spent plan: shown again after a reload of the page, it offers no "Apply…".
      plan.canApply = false;
      this.pending = this.showPlanMessage(plan);
    }
    this.lastApply = { type: 'applyProgress', planId: plan.planId, nodes, message, ...(finished ? { finished } : {}) };
    if (this.pageReady) void this.panel.webview.postMessage(this.lastApply);
  }

  showError(message: string): void {
    this.post({ type: 'showError', message });
  }

  progress(planned: number, message?: string): void {
    this.post({ type: 'planProgress', planned, message });
  }

  dispose(): void {
    if (PlanGraphPanel.current === this) PlanGraphPanel.current = undefined;
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  /** Posts now when the page listens; otherwise keeps the latest message for its `ready`. */
  private post(message: HostToGraphMessage): void {
    // A plan supersedes progress and errors; progress does not supersede a plan being shown.
    if (message.type !== 'planProgress' || this.pending?.type !== 'showPlan') this.pending = message;
    if (this.pageReady) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    if (!isGraphToHostMessage(raw)) {
      this.log.warn('Plan graph: ignored a message that is not one the page sends.');
      return;
    }
    const message: GraphToHostMessage = raw;
    switch (message.type) {
      case 'ready':
        this.pageReady = true;
        if (this.pending) void this.panel.webview.postMessage(this.pending);
        if (this.lastApply && this.pending?.type === 'showPlan') void this.panel.webview.postMessage(this.lastApply);
        break;
      case 'requestApply':
        if (this.shown && this.shown.planId === message.planId && this.shown.canApply) this.onApplyRequested?.(this.shown);
        break;
      case 'reveal':
        void this.reveal(message.address);
        break;
      case 'showRollout':
        void this.showRollout(message.address);
        break;
      case 'renderError':
        this.log.error(`Plan graph could not render: ${message.message}`);
        break;
    }
  }

  private async reveal(address: string): Promise<void> {
    const plan = this.shown;
    const node = plan?.graph.nodes.find((n) => n.address === address || n.id === address);
    if (!plan || !node) return;
    if (!plan.rootDir) {
      void vscode.window.showInformationMessage(`${address} can't be revealed: this plan was opened from a file, and its configuration folder is unknown.`);
      return;
    }
    const location = locateResource(plan.rootDir, node);
    if (!location) {
      const why =
        node.action === 'delete' ? ' Its block has been removed (that is why it is destroyed).' : node.module ? ` Run "init" so that the module's folder is known.` : '';
      void vscode.window.showInformationMessage(`No block for ${address} was found in ${plan.rootDir}.${why}`);
      return;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(location.file));
    const start = new vscode.Position(location.line, location.character);
    // Beside the graph, never over it: the user goes on reading the plan (and watches an apply).
    const column = this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
    await vscode.window.showTextDocument(document, {
      viewColumn: column,
      selection: new vscode.Range(start, start),
      preserveFocus: false,
    });
  }

  /** The rollout of a Deployment change in the plan shown here: from this host's copy of the node, never from the page. */
  private async showRollout(address: string): Promise<void> {
    const plan = this.shown;
    const node = plan?.graph.nodes.find((n) => n.address === address || n.id === address);
    if (!plan || !node?.rollout) return;
    const { workload, initialReplicas, notes } = node.rollout;
    const args: ShowRolloutOfWorkloadArguments = {
      workload,
      title: node.address,
      source: plan.source,
      ...(initialReplicas !== undefined ? { initialReplicas } : {}),
      ...(notes ? { notes } : {}),
    };
    await vscode.commands.executeCommand(SHOW_ROLLOUT_TIMELINE_COMMAND, args);
  }
}
