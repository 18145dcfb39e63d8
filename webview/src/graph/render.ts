/**
 * The renderer: draws a laid-out PlanView into SVG with d3. Elements are joined to data by key
 * (`selection.join` with ids), so a re-render after a filter or an expand keeps the identity
 * (and focus) of what stays. Every plan string goes in through `.text()` or an attribute value:
 * nothing is ever parsed as markup.
 *
 * Module frames and nodes are flat siblings, not nested <g>s: module nesting can be thousands
 * deep, and a deeply nested SVG tree costs the browser more than the same boxes side by side.
 */
import { select, zoom, zoomIdentity, zoomTransform, type Selection, type ZoomBehavior, type ZoomTransform } from 'd3';
import { displayKindInfo, DISPLAY_KINDS } from './displayKinds';
import type { Box, LayoutResult } from './layout';
import type { ModuleLeaf, PlanView, ViewGroup, ViewLeaf } from './viewModel';
import { cutText } from '../cutText';

export const NODE_WIDTH = 250;
export const NODE_HEIGHT = 30;
export const MODULE_BOX_HEIGHT = 46;
/** The clickable band at the top of an expanded module's frame, which holds its label. */
const MODULE_HEADER_HEIGHT = 24;
/** The tooltip (<title>) gets at most this much of a huge address. */
const TITLE_MAX_CHARS = 2_000;

export interface RendererCallbacks {
  onSelect(id: string | undefined): void;
  /** Double-click or Enter on the selected resource: reveal it in source. */
  onActivate(id: string): void;
  onToggleModule(address: string): void;
  onZoom(transform: { x: number; y: number; k: number }): void;
}

export function leafSize(leaf: ViewLeaf): { width: number; height: number } {
  return leaf.kind === 'resource' ? { width: NODE_WIDTH, height: NODE_HEIGHT } : { width: NODE_WIDTH, height: MODULE_BOX_HEIGHT };
}

function moduleCountsText(leaf: ModuleLeaf): string {
  const parts = DISPLAY_KINDS.filter((info) => leaf.counts[info.kind]).map((info) => `${leaf.counts[info.kind]} ${info.symbol || info.label}`);
  return `${leaf.total} resource${leaf.total === 1 ? '' : 's'}: ${parts.join(', ')}`;
}

interface DrawnLeaf {
  leaf: ViewLeaf;
  box: Box;
}

export class GraphRenderer {
  private readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly viewport: Selection<SVGGElement, unknown, null, undefined>;
  private readonly groupLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly edgeLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly nodeLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly zoomBehavior: ZoomBehavior<SVGSVGElement, unknown>;
  private drawn: DrawnLeaf[] = [];
  private drawnById = new Map<string, DrawnLeaf>();
  /** Each drawn module frame's box, by module address (to pan a focused header into view). */
  private groupBoxes = new Map<string, Box>();
  private selectedId: string | undefined;
  private focusId: string | undefined;
  private layoutSize = { width: 0, height: 0 };
  /**
   * The view is the fitted one (no pan, zoom or restored transform since): a resize of the pane
   * (the panel resized, the details moved under the graph) fits again, and so does a pane that had
   * no size yet when the plan came (a panel opened beside the editor is laid out after the page starts).
   */
  private fitted = false;

  /** Whether the view is the fitted one (for the saved view state). */
  get isFitted(): boolean {
    return this.fitted;
  }

  constructor(
    private readonly container: HTMLElement,
    private readonly callbacks: RendererCallbacks,
  ) {
    this.svg = select(container)
      .append('svg')
      .attr('class', 'graph-canvas')
      .attr('role', 'application')
      .attr('aria-label', 'Plan graph: arrow keys move between resources, Enter selects, Escape clears');
    this.viewport = this.svg.append('g').attr('class', 'viewport');
    this.groupLayer = this.viewport.append('g').attr('class', 'groups');
    this.edgeLayer = this.viewport.append('g').attr('class', 'edges');
    this.nodeLayer = this.viewport.append('g').attr('class', 'nodes');
    this.zoomBehavior = zoom<SVGSVGElement, unknown>()
      .scaleExtent([0.02, 4])
      // Double-click belongs to the nodes (reveal), not to zooming in.
      .filter((event: Event) => event.type !== 'dblclick' && !(event as MouseEvent).button)
      .on('zoom', (event: { transform: ZoomTransform; sourceEvent: Event | null }) => {
        if (event.sourceEvent) this.fitted = false;
        this.viewport.attr('transform', event.transform.toString());
        this.callbacks.onZoom({ x: event.transform.x, y: event.transform.y, k: event.transform.k });
      });
    this.svg.call(this.zoomBehavior);
    this.svg.on('click', (event: MouseEvent) => {
      if (event.target === this.svg.node()) this.callbacks.onSelect(undefined);
    });
    new ResizeObserver(() => {
      if (this.fitted) this.fit();
    }).observe(container);
  }

  render(view: PlanView, layout: LayoutResult, selectedId: string | undefined): void {
    this.layoutSize = { width: layout.width, height: layout.height };
    this.drawn = [];
    this.drawnById = new Map();
    for (const leaf of view.leaves) {
      const box = layout.boxes[leaf.id];
      if (!box) continue;
      const drawn = { leaf, box };
      this.drawn.push(drawn);
      this.drawnById.set(leaf.id, drawn);
    }
    this.renderGroups(
      view.groups.filter((group) => group.parentId !== undefined && layout.boxes[group.id]),
      layout,
    );
    this.renderEdges(view);
    this.renderNodes();
    if (this.focusId === undefined || !this.drawnById.has(this.focusId)) this.focusId = this.drawn[0]?.leaf.id;
    this.setSelected(selectedId);
    // A filter or an expand changes the drawn part: a fitted view fits what is drawn now.
    if (this.fitted) this.fit();
  }

  private renderGroups(groups: ViewGroup[], layout: LayoutResult): void {
    const renderer = this;
    this.groupBoxes = new Map(groups.map((group) => [group.address, layout.boxes[group.id]]));
    this.groupLayer
      .selectAll<SVGGElement, ViewGroup>('g.module-group')
      .data(groups, (group) => group.id)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'module-group');
        g.append('rect').attr('class', 'frame').attr('rx', 4);
        const header = g.append('g').attr('class', 'header').attr('role', 'button').attr('tabindex', '0');
        header.append('rect').attr('class', 'header-hit');
        header.append('text').attr('class', 'toggle').attr('x', 8).attr('y', 17).text('▾');
        header.append('text').attr('class', 'group-label').attr('x', 22).attr('y', 17);
        header.append('title');
        header.on('click', (event: MouseEvent, group) => {
          event.stopPropagation();
          this.callbacks.onToggleModule(group.address);
        });
        // Tab reaches a header wherever the view was panned: it comes into view as it gets focus.
        header.on('focus', (_event: FocusEvent, group) => {
          const box = renderer.groupBoxes.get(group.address);
          if (box) renderer.ensureVisible({ ...box, height: MODULE_HEADER_HEIGHT });
        });
        header.on('keydown', (event: KeyboardEvent, group) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault();
            this.callbacks.onToggleModule(group.address);
          }
        });
        return g;
      })
      .attr('data-module', (group) => group.address)
      .attr('data-expanded', 'true')
      .each(function (group) {
        const box = layout.boxes[group.id];
        const g = select(this);
        g.attr('transform', `translate(${box.x},${box.y})`);
        g.select('rect.frame').attr('width', box.width).attr('height', box.height);
        g.select('rect.header-hit').attr('width', box.width).attr('height', MODULE_HEADER_HEIGHT);
        g.select('text.group-label').text(group.label);
        g.select('g.header').attr('aria-label', `Collapse ${cutText(group.address, 200)}`);
        g.select('title').text(`${cutText(group.address, TITLE_MAX_CHARS)} (click to collapse)`);
      });
  }

  private renderEdges(view: PlanView): void {
    const drawnEdges = view.edges.filter((edge) => this.drawnById.has(edge.from) && this.drawnById.has(edge.to));
    this.edgeLayer
      .selectAll<SVGPathElement, { from: string; to: string }>('path.edge')
      .data(drawnEdges, (edge) => `${edge.from}\u0000${edge.to}`)
      .join('path')
      .attr('class', 'edge')
      .attr('d', (edge) => {
        const a = this.drawnById.get(edge.from)!.box;
        const b = this.drawnById.get(edge.to)!.box;
        const x1 = a.x + a.width;
        const y1 = a.y + a.height / 2;
        const x2 = b.x;
        const y2 = b.y + b.height / 2;
        const bend = Math.max(30, Math.abs(x2 - x1) / 2);
        return `M${x1},${y1}C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`;
      });
  }

  private renderNodes(): void {
    const renderer = this;
    this.nodeLayer
      .selectAll<SVGGElement, DrawnLeaf>('g.leaf')
      .data(this.drawn, (drawn) => drawn.leaf.id)
      .join((enter) => {
        const g = enter.append('g').attr('tabindex', '-1').attr('focusable', 'true');
        // Drawn around the node on focus, apart from the body's stroke, which shows the action and the selection.
        g.append('rect').attr('class', 'focus-ring').attr('x', -4).attr('y', -4).attr('rx', 5);
        g.append('rect').attr('class', 'body').attr('rx', 3);
        g.append('text').attr('class', 'symbol').attr('x', 8);
        g.append('text').attr('class', 'label');
        g.append('text').attr('class', 'counts');
        g.append('title');
        g.on('click', (event: MouseEvent, drawn) => {
          event.stopPropagation();
          if (drawn.leaf.kind === 'module') renderer.callbacks.onToggleModule(drawn.leaf.address);
          else renderer.callbacks.onSelect(drawn.leaf.id);
          renderer.focusId = drawn.leaf.id;
        });
        g.on('dblclick', (event: MouseEvent, drawn) => {
          event.stopPropagation();
          if (drawn.leaf.kind === 'resource') renderer.callbacks.onActivate(drawn.leaf.id);
        });
        g.on('keydown', (event: KeyboardEvent, drawn) => renderer.onKey(event, drawn));
        // Tab lands on the roving node wherever the view was panned: it comes into view as it gets focus.
        g.on('focus', (_event: FocusEvent, drawn) => {
          renderer.focusId = drawn.leaf.id;
          renderer.ensureVisible(drawn.box);
        });
        return g;
      })
      .attr('transform', (drawn) => `translate(${drawn.box.x},${drawn.box.y})`)
      .each(function (drawn) {
        const g = select(this);
        const leaf = drawn.leaf;
        g.select('rect.body').attr('width', drawn.box.width).attr('height', drawn.box.height);
        g.select('rect.focus-ring')
          .attr('width', drawn.box.width + 8)
          .attr('height', drawn.box.height + 8);
        if (leaf.kind === 'resource') {
          const info = displayKindInfo(leaf.node.display);
          g.attr('class', `leaf node kind-${info.kind}`)
            .attr('data-address', leaf.node.address)
            .attr('data-id', leaf.id)
            .attr('data-display', leaf.node.display)
            .attr('data-module', null)
            .attr('role', 'button')
            .attr('aria-label', `${info.label}: ${cutText(leaf.node.address, 200)}`);
          g.select('text.symbol').attr('y', 19).text(info.symbol);
          g.select('text.label').attr('x', 58).attr('y', 19).text(leaf.label);
          g.select('text.counts').text('');
          g.select('title').text(`${info.symbol} ${cutText(leaf.node.address, TITLE_MAX_CHARS)}`);
        } else {
          g.attr('class', 'leaf module-box')
            .attr('data-address', null)
            .attr('data-id', leaf.id)
            .attr('data-display', null)
            .attr('data-module', leaf.address)
            .attr('data-expanded', 'false')
            .attr('role', 'button')
            .attr('aria-label', `Expand ${cutText(leaf.address, 200)} (${leaf.total} resources)`);
          g.select('text.symbol').attr('y', 19).text('▸');
          g.select('text.label').attr('x', 24).attr('y', 19).text(leaf.label);
          g.select('text.counts').attr('x', 24).attr('y', 37).text(moduleCountsText(leaf));
          g.select('title').text(`${cutText(leaf.address, TITLE_MAX_CHARS)} (click to expand)`);
        }
      });
  }

  /** Marks each drawn resource with its apply status (`data-apply`), or clears the marks. */
  setApplyStatus(statuses: ReadonlyMap<string, { status: string }>): void {
    this.nodeLayer
      .selectAll<SVGGElement, DrawnLeaf>('g.leaf')
      .attr('data-apply', (drawn) => (drawn.leaf.kind === 'resource' ? (statuses.get(drawn.leaf.node.address)?.status ?? null) : null));
  }

  setSelected(id: string | undefined): void {
    this.selectedId = id !== undefined && this.drawnById.has(id) ? id : undefined;
    if (this.selectedId) this.focusId = this.selectedId;
    const selected = this.selectedId;
    this.nodeLayer
      .selectAll<SVGGElement, DrawnLeaf>('g.leaf')
      .classed('selected', (drawn) => drawn.leaf.id === selected)
      .attr('aria-pressed', (drawn) => (drawn.leaf.kind === 'resource' ? String(drawn.leaf.id === selected) : null))
      // Roving tabindex: Tab enters the graph at one node; arrows move from there.
      .attr('tabindex', (drawn) => (drawn.leaf.id === this.focusId ? '0' : '-1'));
    this.edgeLayer
      .selectAll<SVGPathElement, { from: string; to: string }>('path.edge')
      .classed('related', (edge) => selected !== undefined && (edge.from === selected || edge.to === selected));
  }

  private onKey(event: KeyboardEvent, drawn: DrawnLeaf): void {
    const direction = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[event.key];
    if (direction) {
      event.preventDefault();
      const next = this.neighbour(drawn, direction[0], direction[1]);
      if (next) this.focus(next.leaf.id);
      return;
    }
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      if (drawn.leaf.kind === 'module') this.callbacks.onToggleModule(drawn.leaf.address);
      else if (this.selectedId === drawn.leaf.id && event.key === 'Enter') this.callbacks.onActivate(drawn.leaf.id);
      else this.callbacks.onSelect(drawn.leaf.id);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.callbacks.onSelect(undefined);
    }
  }

  /** The nearest node in a direction: within a 45° cone either side, closest first, favouring the axis. */
  private neighbour(from: DrawnLeaf, dx: number, dy: number): DrawnLeaf | undefined {
    const cx = from.box.x + from.box.width / 2;
    const cy = from.box.y + from.box.height / 2;
    let best: DrawnLeaf | undefined;
    let bestScore = Infinity;
    for (const other of this.drawn) {
      if (other === from) continue;
      const ox = other.box.x + other.box.width / 2 - cx;
      const oy = other.box.y + other.box.height / 2 - cy;
      const along = ox * dx + oy * dy;
      const across = Math.abs(ox * dy - oy * dx);
      if (along <= 0 || across > along * 1.5) continue;
      const score = along + across * 2;
      if (score < bestScore) {
        bestScore = score;
        best = other;
      }
    }
    return best;
  }

  /** Moves keyboard focus to a leaf and pans it into view. */
  focus(id: string): void {
    const drawn = this.drawnById.get(id);
    if (!drawn) return;
    this.focusId = id;
    this.setSelected(this.selectedId);
    const element = this.nodeLayer
      .selectAll<SVGGElement, DrawnLeaf>('g.leaf')
      .filter((d) => d.leaf.id === id)
      .node();
    element?.focus();
    this.ensureVisible(drawn.box);
  }

  /** Whether keyboard focus is on a node or a module header of the graph. */
  hasFocus(): boolean {
    return this.container.contains(document.activeElement);
  }

  /** Focuses what stands for a module now: its header when it is drawn as a frame, its box when collapsed. */
  focusModule(address: string): void {
    const collapsed = this.drawn.find((drawn) => drawn.leaf.kind === 'module' && drawn.leaf.address === address);
    if (collapsed) {
      this.focus(collapsed.leaf.id);
      return;
    }
    const header = this.groupLayer
      .selectAll<SVGGElement, ViewGroup>('g.module-group')
      .filter((group) => group.address === address)
      .select<SVGGElement>('g.header')
      .node();
    header?.focus();
  }

  private ensureVisible(box: Box): void {
    const svgElement = this.svg.node()!;
    const { width, height } = svgElement.getBoundingClientRect();
    const t = this.currentTransform();
    const left = box.x * t.k + t.x;
    const top = box.y * t.k + t.y;
    const right = (box.x + box.width) * t.k + t.x;
    const bottom = (box.y + box.height) * t.k + t.y;
    if (left >= 0 && top >= 0 && right <= width && bottom <= height) return;
    // Centred; a box larger than the pane (a module header, zoomed in) shows its start, where its label is.
    const margin = 8;
    const x = box.width * t.k > width - 2 * margin ? margin - box.x * t.k : width / 2 - (box.x + box.width / 2) * t.k;
    const y = box.height * t.k > height - 2 * margin ? margin - box.y * t.k : height / 2 - (box.y + box.height / 2) * t.k;
    this.fitted = false;
    this.svg.call(this.zoomBehavior.transform, zoomIdentity.translate(x, y).scale(t.k));
  }

  currentTransform(): { x: number; y: number; k: number } {
    const transform = zoomTransform(this.svg.node()!);
    return { x: transform.x, y: transform.y, k: transform.k };
  }

  /** A saved or chosen view: kept as it is when the pane is resized. */
  setTransform(transform: { x: number; y: number; k: number }): void {
    this.fitted = false;
    this.apply(transform);
  }

  private apply(transform: { x: number; y: number; k: number }): void {
    this.svg.call(this.zoomBehavior.transform, zoomIdentity.translate(transform.x, transform.y).scale(transform.k));
  }

  /**
   * Fits the whole picture into the graph's own pane (not the page), top-left, never magnified past
   * 1:1 (small plans stay readable at their size). A pane with no size yet is fitted when it gets one.
   */
  fit(): void {
    this.fitted = true;
    const { width, height } = this.svg.node()!.getBoundingClientRect();
    if (width < 1 || height < 1) return;
    const margin = 16;
    const w = Math.max(1, this.layoutSize.width);
    const h = Math.max(1, this.layoutSize.height);
    const k = Math.max(0.02, Math.min(1, (width - 2 * margin) / w, (height - 2 * margin) / h));
    this.apply({ x: margin, y: margin, k });
  }

  elementFor(id: string): Element | null {
    return this.container.querySelector(`[data-id="${CSS.escape(id)}"]`);
  }
}
