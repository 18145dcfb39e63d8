/**
 * The plan-graph page: wires the host, the view model, the layout and the renderer together,
 * keeps the view state (and saves it so it survives the panel being hidden and shown), and
 * keeps the pages' contract (docs/editor.md): `data-state="ready"` on <html> after the first complete render,
 * `data-state="error"` with a readable message when the page cannot render.
 */
import type { PlanGraph } from '../../../common/src/planGraph';
import type { ApplyNodeStatus, GraphViewState, HostToGraphMessage } from '../../../common/src/planGraphMessages';
import { Announcer } from '../announcer';
import { Controls } from './controls';
import { renderDetails } from './details';
import { DISPLAY_KINDS } from './displayKinds';
import { GraphInputError, readPlanGraph } from './graphInput';
import type { PageHost } from './host';
import type { LayoutRequest } from './layout';
import { LayoutRunner } from './layoutRunner';
import { indexPlanGraph, type PlanGraphIndex } from './moduleTree';
import { GraphRenderer, leafSize } from './render';
import { moduleToggleAnnouncement, selectionAnnouncement } from './selectionAnnouncement';
import { computeView, defaultViewOptions, toggleModule, type PlanView, type ViewOptions } from './viewModel';

/** Zoom and pan fire continuously; the state is saved once they settle. */
const SAVE_TRANSFORM_DELAY_MS = 250;

export class GraphPage {
  private readonly root = document.documentElement;
  private readonly controls: Controls;
  private readonly renderer: GraphRenderer;
  private readonly details: HTMLElement;
  private readonly message: HTMLElement;
  private readonly announcer = new Announcer();
  private readonly layoutRunner = new LayoutRunner();
  private index: PlanGraphIndex | undefined;
  private view: PlanView | undefined;
  private planId = '';
  private options: ViewOptions = defaultViewOptions();
  private selectedId: string | undefined;
  private transform: { x: number; y: number; k: number } | undefined;
  /** The restored view was a fitted one: fit the new pane instead of replaying the old numbers. */
  private restoredFitted = false;
  private generation = 0;
  private rendered = false;
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private canApply = false;
  /** The last apply's status per address (empty when no apply ran for the shown plan). */
  private applyStatus = new Map<string, ApplyNodeStatus>();

  constructor(private readonly host: PageHost) {
    this.root.dataset.state = 'loading';
    const page = document.createElement('div');
    page.className = 'plan-graph-page';
    this.controls = new Controls({
      onKindsChange: (kinds) => this.updateOptions({ visibleKinds: kinds }),
      onReplaceOnlyChange: (replaceOnly) => this.updateOptions({ replaceOnly }),
      onSearch: (search) => this.updateOptions({ search }),
      onFit: () => this.renderer.fit(),
      onApply: () => this.host.post({ type: 'requestApply', planId: this.planId }),
    });
    const main = document.createElement('div');
    main.className = 'main';
    const canvas = document.createElement('div');
    canvas.className = 'graph';
    this.details = document.createElement('aside');
    this.details.className = 'details';
    // Not live: the announcer says what was selected in one sentence; the pane is read on demand.
    this.details.setAttribute('aria-label', 'Details of the selected resource');
    main.append(canvas, this.details);
    this.message = document.createElement('div');
    this.message.className = 'message';
    this.message.hidden = true;
    page.append(this.controls.element, this.message, main, this.announcer.element);
    document.body.append(page);

    this.renderer = new GraphRenderer(canvas, {
      onSelect: (id) => this.select(id, true),
      onActivate: (id) => this.reveal(id),
      onToggleModule: (address) => this.toggle(address),
      onZoom: (transform) => {
        this.transform = transform;
        clearTimeout(this.saveTimer);
        this.saveTimer = setTimeout(() => this.saveState(), SAVE_TRANSFORM_DELAY_MS);
      },
    });
    renderDetails(this.details, undefined, this.detailsOptions());
    window.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && this.selectedId !== undefined) this.select(undefined, true);
    });
  }

  start(): void {
    this.host.start((message) => this.onMessage(message));
  }

  private onMessage(message: HostToGraphMessage): void {
    switch (message.type) {
      case 'showPlan':
        this.canApply = message.canApply === true && this.host.canReveal;
        this.showPlan(message.graph, message.planId);
        this.controls.setStateLock(message.lock);
        break;
      case 'stateLock':
        if (message.planId === this.planId) this.controls.setStateLock(message.lock);
        break;
      case 'applyProgress':
        this.showApplyProgress(message);
        break;
      case 'showError':
        this.fail(message.message, false);
        break;
      case 'planProgress':
        if (!this.rendered) this.showMessage(message.message ?? `Planning… ${message.planned} resources so far`, 'progress');
        break;
    }
  }

  private showPlan(value: unknown, planId: string): void {
    let graph: PlanGraph;
    try {
      graph = readPlanGraph(value);
    } catch (error) {
      this.fail(error instanceof GraphInputError ? error.message : `The plan graph could not be read: ${String(error)}`);
      return;
    }
    this.index = indexPlanGraph(graph);
    performance.mark('plan-graph:indexed');
    const saved = this.host.loadState();
    // The saved view belongs to one plan: a different plan starts from the defaults.
    if (saved && saved.planId === planId) this.restore(saved);
    else {
      this.options = defaultViewOptions();
      this.selectedId = undefined;
      this.transform = undefined;
      this.restoredFitted = false;
    }
    // A plan shown (again) starts unmarked: the host re-sends the apply's progress after it if one ran.
    this.applyStatus = new Map();
    this.planId = planId;
    this.controls.showPlan(graph, this.options);
    this.controls.setApplyAvailable(this.canApply);
    this.controls.setApplyStatus('');
    delete this.root.dataset.apply;
    this.hideMessage();
    void this.update(true);
  }

  private restore(state: GraphViewState): void {
    const defaults = defaultViewOptions();
    const known = new Set(DISPLAY_KINDS.map((info) => info.kind as string));
    this.options = {
      visibleKinds: Array.isArray(state.visibleDisplayKinds) ? new Set(state.visibleDisplayKinds.filter((kind) => known.has(kind))) : defaults.visibleKinds,
      replaceOnly: state.replaceOnly === true,
      search: typeof state.search === 'string' ? state.search : '',
      expandedModules: Array.isArray(state.expandedModules) ? new Set(state.expandedModules.filter((a) => typeof a === 'string')) : undefined,
    };
    this.selectedId = typeof state.selected === 'string' ? state.selected : undefined;
    const t = state.transform;
    this.transform = t && [t.x, t.y, t.k].every((n) => typeof n === 'number' && Number.isFinite(n)) && t.k > 0 ? t : undefined;
    this.restoredFitted = state.fitted === true;
  }

  private updateOptions(change: Partial<ViewOptions>): Promise<void> {
    this.options = { ...this.options, ...change };
    this.saveState();
    return this.update(false);
  }

  /**
   * Collapses or expands a module. The header (or box) that had focus is replaced by the other
   * one: focus follows to it, so the keyboard keeps its place instead of falling back to the page.
   */
  private toggle(address: string): void {
    if (!this.index || !this.view) return;
    const hadFocus = this.renderer.hasFocus();
    const expandedModules = toggleModule(this.index, this.view, this.options, address);
    this.announcer.say(moduleToggleAnnouncement(address, expandedModules.has(address)));
    void this.updateOptions({ expandedModules }).then(() => {
      if (hadFocus) this.renderer.focusModule(address);
    });
  }

  /**
   * `announce`: a selection the user just made (or cleared) is said once; the one restored with the
   * saved state, or redrawn after a filter or a resize, is not.
   */
  private select(id: string | undefined, announce = false): void {
    const had = this.selectedId;
    this.selectedId = id;
    this.renderer.setSelected(id);
    const node = id === undefined ? undefined : this.index?.nodesById.get(id);
    renderDetails(this.details, node, this.detailsOptions());
    this.saveState();
    if (announce && (id !== undefined || had !== undefined)) this.announcer.say(selectionAnnouncement(node));
  }

  /** Animates the nodes as the host reports the apply; the outcome stays on <html data-apply>. */
  private showApplyProgress(message: Extract<HostToGraphMessage, { type: 'applyProgress' }>): void {
    if (message.planId !== this.planId) return;
    this.applyStatus = new Map(message.nodes.filter((n) => typeof n?.address === 'string').map((n) => [n.address, n]));
    this.renderer.setApplyStatus(this.applyStatus);
    this.root.dataset.apply = message.finished ?? 'running';
    this.controls.setApplyStatus(message.message, message.finished);
    // An applied plan is spent: it can't be applied again (a failed or cancelled one neither: the state moved).
    this.controls.setApplyAvailable(this.canApply && !message.finished, !message.finished);
    if (message.finished) this.canApply = false;
    if (this.selectedId !== undefined) renderDetails(this.details, this.index?.nodesById.get(this.selectedId), this.detailsOptions());
  }

  private reveal(id: string): void {
    const node = this.index?.nodesById.get(id);
    if (!node) return;
    if (this.selectedId !== id) this.select(id, true);
    if (this.host.canReveal) this.host.post({ type: 'reveal', address: node.address });
  }

  private detailsOptions() {
    return {
      canReveal: this.host.canReveal,
      onReveal: (address: string) => this.host.post({ type: 'reveal', address }),
      onShowRollout: (address: string) => this.host.post({ type: 'showRollout', address }),
      applyStatus: (address: string) => this.applyStatus.get(address),
      hasNode: (id: string) => this.index?.nodesById.has(id) === true,
      onSelectNode: (id: string) => this.select(id, true),
    };
  }

  /** Model → layout → render. A newer update supersedes one still laying out. */
  private async update(first: boolean): Promise<void> {
    const index = this.index;
    if (!index) return;
    const generation = ++this.generation;
    this.root.dataset.busy = 'true';
    try {
      const view = computeView(index, this.options);
      performance.mark('plan-graph:view');
      const request: LayoutRequest = {
        leaves: view.leaves.map((leaf) => ({ id: leaf.id, ...leafSize(leaf) })),
        groups: view.groups.map((group) => ({ id: group.id, parentId: group.parentId, leafIds: group.leafIds, groupIds: group.groupIds })),
        edges: view.edges,
      };
      const layout = await this.layoutRunner.layout(request);
      performance.mark('plan-graph:layout');
      if (generation !== this.generation) return;
      this.view = view;
      this.renderer.render(view, layout, this.selectedId);
      this.renderer.setApplyStatus(this.applyStatus);
      performance.mark('plan-graph:rendered');
      renderDetails(this.details, this.selectedId === undefined ? undefined : index.nodesById.get(this.selectedId), this.detailsOptions());
      const total = index.graph.nodes.length;
      this.controls.setStatus(`${view.shownResources} of ${total} resource change${total === 1 ? '' : 's'} shown`);
      if (first) {
        if (this.transform && !this.restoredFitted) this.renderer.setTransform(this.transform);
        else this.renderer.fit();
      }
      this.root.dataset.layout = this.layoutRunner.lastMode;
      this.root.dataset.busy = 'false';
      if (view.leaves.length === 0) this.showMessage(total === 0 ? 'No resource changes in this plan.' : 'Nothing matches the filters and search.', 'empty');
      else this.hideMessage();
      if (!this.rendered) {
        this.rendered = true;
        performance.mark('plan-graph:ready');
        this.root.dataset.state = 'ready';
      }
    } catch (error) {
      if (generation === this.generation) this.fail(`The plan graph could not be drawn: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private saveState(): void {
    this.host.saveState({
      planId: this.planId,
      visibleDisplayKinds: [...this.options.visibleKinds],
      replaceOnly: this.options.replaceOnly,
      search: this.options.search,
      expandedModules: this.options.expandedModules ? [...this.options.expandedModules] : undefined,
      selected: this.selectedId,
      transform: this.transform,
      fitted: this.renderer.isFitted,
    });
  }

  private showMessage(text: string, kind: 'progress' | 'empty' | 'error'): void {
    this.message.hidden = false;
    this.message.className = `message ${kind}`;
    this.message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    this.message.textContent = text;
  }

  private hideMessage(): void {
    this.message.hidden = true;
    this.message.textContent = '';
  }

  private fail(text: string, tellHost = true): void {
    this.root.dataset.state = 'error';
    this.root.dataset.busy = 'false';
    this.showMessage(text, 'error');
    if (tellHost) this.host.post({ type: 'renderError', message: text });
  }
}
