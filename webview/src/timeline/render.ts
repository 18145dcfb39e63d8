/**
 * The renderer: draws a laid-out timeline into SVG with d3. Lanes are joined by lane id
 * (`selection.join`), so a re-render on resize keeps each lane's element (and focus). Every
 * manifest string goes in through `.text()` or an attribute value: nothing is parsed as markup.
 */
import { select, type Selection } from 'd3';
import { LANE_HEIGHT as LANE_BAR_HEIGHT, timeAt, type LaneLayout, type SegmentLayout, type TimelineLayout } from './layout';
import { phaseAt, type LaneView, type TimelineView } from './viewModel';

export interface TimelineRendererCallbacks {
  /** A lane was hovered or focused (undefined: the pointer left it). */
  onLane(id: string | undefined, how: 'hover' | 'focus'): void;
  /** The pointer is over the plot at moment `t` (undefined: it left). */
  onMoment(t: number | undefined): void;
}

interface DrawnLane {
  lane: LaneView;
  layout: LaneLayout;
}

const points = (line: Array<[number, number]>) => line.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');

export class TimelineRenderer {
  private readonly svg: Selection<SVGSVGElement, unknown, null, undefined>;
  private readonly background: Selection<SVGGElement, unknown, null, undefined>;
  private readonly laneLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly chartLayer: Selection<SVGGElement, unknown, null, undefined>;
  private readonly syncCursor: Selection<SVGLineElement, unknown, null, undefined>;
  private readonly hoverCursor: Selection<SVGLineElement, unknown, null, undefined>;
  private view: TimelineView | undefined;
  private layout: TimelineLayout | undefined;

  constructor(
    container: HTMLElement,
    private readonly callbacks: TimelineRendererCallbacks,
  ) {
    this.svg = select(container)
      .append('svg')
      .attr('class', 'timeline-canvas')
      .attr('role', 'group')
      .attr('aria-label', 'Rollout timeline: one lane per pod, then the capacity chart');
    const defs = this.svg.append('defs');
    defs.append('clipPath').attr('id', 'lane-label-clip').append('rect').attr('class', 'lane-label-clip-rect');
    this.background = this.svg.append('g').attr('class', 'background');
    this.laneLayer = this.svg.append('g').attr('class', 'lanes').attr('role', 'list').attr('aria-label', 'Pods');
    this.chartLayer = this.svg.append('g').attr('class', 'capacity-chart');
    this.hoverCursor = this.svg.append('line').attr('class', 'hover-cursor').attr('visibility', 'hidden');
    this.syncCursor = this.svg.append('line').attr('class', 'sync-cursor').attr('visibility', 'hidden');
    this.svg.on('mousemove', (event: MouseEvent) => this.hover(event));
    this.svg.on('mouseleave', () => {
      this.hoverCursor.attr('visibility', 'hidden');
      this.callbacks.onMoment(undefined);
    });
    this.laneLayer.on('keydown', (event: KeyboardEvent) => this.moveFocus(event));
  }

  render(view: TimelineView, layout: TimelineLayout): void {
    this.view = view;
    this.layout = layout;
    this.svg.attr('width', layout.width).attr('height', layout.height).attr('viewBox', `0 0 ${layout.width} ${layout.height}`);
    this.svg
      .select('.lane-label-clip-rect')
      .attr('x', 0)
      .attr('y', 0)
      .attr('width', layout.plotLeft - 12)
      .attr('height', layout.height);
    this.drawBackground(layout);
    this.drawLanes(view, layout);
    this.drawChart(view, layout);
    this.hoverCursor.attr('y1', layout.lanesTop - 6).attr('y2', layout.chart.bottom);
    this.syncCursor.attr('y1', layout.lanesTop - 6).attr('y2', layout.chart.bottom);
  }

  /** Moves the sync cursor to `t` and marks what each pod is doing then (undefined: no sync). */
  showMoment(t: number | undefined): void {
    const layout = this.layout;
    if (!layout || !this.view) return;
    if (t === undefined) {
      this.syncCursor.attr('visibility', 'hidden');
      this.laneLayer.selectAll<SVGGElement, DrawnLane>('g.lane').classed('gone', false).attr('data-phase-at-sync', null);
      return;
    }
    const x = layout.plotLeft + (Math.min(t, this.view.end) / this.view.end) * (layout.plotRight - layout.plotLeft);
    this.syncCursor.attr('visibility', 'visible').attr('x1', x).attr('x2', x);
    this.laneLayer.selectAll<SVGGElement, DrawnLane>('g.lane').each(function (d) {
      const phase = phaseAt(d.lane, t);
      select(this)
        .classed('gone', phase === undefined)
        .attr('data-phase-at-sync', phase ?? 'none');
    });
  }

  /** Keeps keyboard focus on the lane a re-render recreated (lanes are joined by id, so usually none). */
  focusLane(id: string): void {
    const node = this.laneLayer
      .selectAll<SVGGElement, DrawnLane>('g.lane')
      .filter((d) => d.lane.id === id)
      .node();
    node?.focus();
  }

  private drawBackground(layout: TimelineLayout): void {
    const grid = this.background
      .selectAll<SVGGElement, Tick>('g.tick')
      .data(layout.ticks, (d) => String(d.t))
      .join((enter) => {
        const g = enter.append('g').attr('class', 'tick');
        g.append('line');
        g.append('text').attr('class', 'tick-label');
        return g;
      });
    grid
      .select('line')
      .attr('x1', (d) => d.x)
      .attr('x2', (d) => d.x)
      .attr('y1', layout.lanesTop - 6)
      .attr('y2', layout.chart.bottom);
    grid
      .select('text')
      .attr('x', (d) => d.x)
      .attr('y', layout.lanesTop - 12)
      .text((d) => d.label);
    this.background
      .selectAll('rect.downtime')
      .data(layout.downtime)
      .join('rect')
      .attr('class', 'downtime')
      .attr('x', (d) => d.x)
      .attr('width', (d) => d.width)
      .attr('y', layout.lanesTop)
      .attr('height', layout.chart.bottom - layout.lanesTop)
      .selectAll('title')
      .data(['No pod available (downtime)'])
      .join('title')
      .text((d) => d);
    const marker = this.background
      .selectAll<SVGGElement, TimelineLayout['outcome']>('g.outcome-marker')
      .data([layout.outcome])
      .join((enter) => {
        const g = enter.append('g');
        g.append('line');
        g.append('text');
        return g;
      })
      .attr('class', (d) => `outcome-marker${d.warning ? ' warning' : ''}`);
    marker
      .select('line')
      .attr('x1', (d) => d.x)
      .attr('x2', (d) => d.x)
      .attr('y1', layout.lanesBottom + 2)
      .attr('y2', layout.chart.top);
    marker
      .select('text')
      .attr('x', (d) => d.x + 4)
      .attr('y', layout.lanesBottom + 16)
      .text((d) => d.label);
  }

  private drawLanes(view: TimelineView, layout: TimelineLayout): void {
    const drawn: DrawnLane[] = view.lanes.map((lane, i) => ({ lane, layout: layout.lanes[i] }));
    const lanes = this.laneLayer
      .selectAll<SVGGElement, DrawnLane>('g.lane')
      .data(drawn, (d) => d.lane.id)
      .join((enter) => {
        const g = enter.append('g').attr('tabindex', 0).attr('role', 'listitem');
        g.append('rect').attr('class', 'lane-hit');
        const label = g.append('text').attr('class', 'lane-label').attr('clip-path', 'url(#lane-label-clip)');
        label.append('tspan').attr('class', 'revision-badge');
        label.append('tspan').attr('class', 'pod-name');
        g.append('g').attr('class', 'segments');
        g.on('mouseenter', (_event, d) => this.callbacks.onLane(d.lane.id, 'hover'))
          .on('mouseleave', () => this.callbacks.onLane(undefined, 'hover'))
          .on('focus', (_event, d) => this.callbacks.onLane(d.lane.id, 'focus'));
        return g;
      });
    lanes
      .attr('class', (d) => `lane revision-${d.lane.revision}`)
      .attr('data-pod', (d) => d.lane.podName)
      .attr('data-lane', (d) => d.lane.id)
      .attr('data-revision', (d) => d.lane.revision)
      .attr('aria-label', (d) => `${d.lane.label}: ${d.lane.description.join('; ')}`)
      .attr('transform', (d) => `translate(0,${d.layout.y})`);
    lanes
      .select('rect.lane-hit')
      .attr('x', 0)
      .attr('y', -2)
      .attr('width', layout.width)
      .attr('height', (d) => d.layout.height + 4);
    const label = lanes
      .select('text.lane-label')
      .attr('x', 8)
      .attr('y', (d) => d.layout.height / 2);
    label.select('tspan.revision-badge').text((d) => `${d.lane.revision} `);
    label.select('tspan.pod-name').text((d) => d.layout.label);
    lanes
      .select<SVGGElement>('g.segments')
      .selectAll<SVGGElement, SegmentLayout>('g.segment')
      .data((d) => d.layout.segments)
      .join((enter) => {
        const g = enter.append('g').attr('class', 'segment');
        g.append('rect');
        g.append('text').attr('class', 'phase-label');
        return g;
      })
      .attr('data-phase', (d) => d.phase)
      .call((segment) => {
        segment
          .select('rect')
          .attr('class', (d) => `phase phase-${d.phase}`)
          .attr('x', (d) => d.x)
          .attr('width', (d) => Math.max(d.width, 1))
          .attr('y', 0)
          .attr('height', LANE_BAR_HEIGHT);
        segment
          .select('text')
          .attr('x', (d) => d.x + 4)
          .attr('y', LANE_BAR_HEIGHT / 2)
          .text((d) => d.label ?? '');
      });
  }

  private drawChart(view: TimelineView, layout: TimelineLayout): void {
    const chart = layout.chart;
    const g = this.chartLayer;
    g.selectAll('*').remove();
    g.append('text')
      .attr('class', 'chart-title')
      .attr('x', 8)
      .attr('y', chart.top + 4)
      .text('Pods over time');
    g.append('rect')
      .attr('class', 'chart-frame')
      .attr('x', layout.plotLeft)
      .attr('y', chart.top)
      .attr('width', layout.plotRight - layout.plotLeft)
      .attr('height', chart.bottom - chart.top);
    for (const tick of chart.yTicks) {
      g.append('line').attr('class', 'y-grid').attr('x1', layout.plotLeft).attr('x2', layout.plotRight).attr('y1', tick.y).attr('y2', tick.y);
      g.append('text')
        .attr('class', 'y-tick-label')
        .attr('x', layout.plotLeft - 6)
        .attr('y', tick.y)
        .text(String(tick.value));
    }
    const limit = (className: string, y: number, text: string) => {
      g.append('line').attr('class', `limit ${className}`).attr('x1', layout.plotLeft).attr('x2', layout.plotRight).attr('y1', y).attr('y2', y);
      g.append('text')
        .attr('class', `limit-label ${className}`)
        .attr('x', layout.plotRight - 4)
        .attr('y', y - 4)
        .text(text);
    };
    // A narrow plot has no room for the formulas: the short texts still say which line is which.
    limit('max-pods', chart.maxPodsY, layout.compact ? `limit ${view.limits.maxPods}` : `limit ${view.limits.maxPods} pods (replicas + maxSurge)`);
    limit(
      'min-available',
      chart.minAvailableY,
      layout.compact ? `minimum ${view.limits.minAvailable}` : `minimum ${view.limits.minAvailable} available (replicas − maxUnavailable)`,
    );
    g.append('polyline').attr('class', 'series pods').attr('points', points(chart.pods)).append('title').text('Pods (not terminating)');
    g.append('polyline').attr('class', 'series available').attr('points', points(chart.available)).append('title').text('Available pods');
    const legend = g
      .append('text')
      .attr('class', 'chart-legend')
      .attr('x', 8)
      .attr('y', chart.top + 24);
    legend.append('tspan').attr('class', 'legend-available').attr('x', 8).attr('dy', 0).text('— available');
    legend
      .append('tspan')
      .attr('class', 'legend-pods')
      .attr('x', 8)
      .attr('dy', 16)
      .text(layout.compact ? '— pods' : '— pods (not terminating)');
    legend
      .append('tspan')
      .attr('class', 'legend-min-available')
      .attr('x', 8)
      .attr('dy', 16)
      .text(layout.compact ? '- - minimum' : '- - minimum available');
    legend.append('tspan').attr('class', 'legend-max-pods').attr('x', 8).attr('dy', 16).text('- - pod limit');
  }

  private hover(event: MouseEvent): void {
    const layout = this.layout;
    const view = this.view;
    if (!layout || !view) return;
    const box = this.svg.node()!.getBoundingClientRect();
    const x = event.clientX - box.left;
    if (x < layout.plotLeft || x > layout.plotRight) {
      this.hoverCursor.attr('visibility', 'hidden');
      this.callbacks.onMoment(undefined);
      return;
    }
    this.hoverCursor.attr('visibility', 'visible').attr('x1', x).attr('x2', x);
    // Over the lanes the details belong to the hovered pod; the counts are read off the chart.
    const y = event.clientY - box.top;
    this.callbacks.onMoment(y >= layout.chart.top && y <= layout.chart.bottom ? timeAt(x, view.end, layout.plotLeft, layout.plotRight) : undefined);
  }

  /** Up and Down move between lanes (Left and Right belong to the sync steps). */
  private moveFocus(event: KeyboardEvent): void {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    const nodes = this.laneLayer.selectAll<SVGGElement, DrawnLane>('g.lane').nodes();
    const index = nodes.indexOf(event.target as SVGGElement);
    if (index < 0) return;
    const next = nodes[event.key === 'ArrowUp' ? Math.max(0, index - 1) : Math.min(nodes.length - 1, index + 1)];
    next.focus();
    next.scrollIntoView({ block: 'nearest' });
    event.preventDefault();
  }
}

type Tick = TimelineLayout['ticks'][number];
