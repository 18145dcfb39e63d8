/**
 * The timeline's layout: coordinates for a view model at a given width, with no DOM (unit-tested
 * in Node). Lanes are rows under a shared time axis; the capacity chart sits below them on the
 * same axis, so a moment lines up across pods and counts.
 */
import type { PodPhase } from '../../../common/src/rollout';
import { formatSeconds, PHASE_LABELS, type StepPoint, type TimelineView } from './viewModel';

/** The label column at full size: room for a pod name like `nginx-deployment-7d9f8c6b5-x2x9z`. */
export const LABEL_WIDTH = 240;
/**
 * The label column shrinks with the viewport (a share of it) down to this, so that a phone-narrow
 * panel still shows every lane whole: 128 + MIN_PLOT_WIDTH + RIGHT_MARGIN = 312 px.
 */
export const MIN_LABEL_WIDTH = 128;
const LABEL_SHARE = 0.3;
export const RIGHT_MARGIN = 24;
export const AXIS_HEIGHT = 28;
export const LANE_HEIGHT = 18;
export const LANE_GAP = 4;
export const CHART_GAP = 30;
export const CHART_HEIGHT = 150;
/** Below the chart: room for its legend line. */
const BOTTOM_MARGIN = 12;
/** Narrower than this, the plot is not squeezed further: the page scrolls sideways instead. */
export const MIN_PLOT_WIDTH = 160;
/** Roughly the width of one character of a lane label (12 px monospace) and of the revision badge before it. */
const NAME_CHAR_WIDTH = 7.3;
const BADGE_WIDTH = 30;
/** Roughly the width of one character of a phase label (12 px UI font). */
const LABEL_CHAR_WIDTH = 6.5;
/** Seconds between ticks, smallest first: the first that keeps ticks at least MIN_TICK_SPACING apart. */
const TICK_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 18000, 36000, 86400];
const MIN_TICK_SPACING = 70;

export interface SegmentLayout {
  phase: PodPhase;
  start: number;
  end: number;
  x: number;
  width: number;
  /** The phase name drawn inside the bar, when it fits. */
  label?: string;
}

export interface LaneLayout {
  id: string;
  /** The pod name as drawn: whole when it fits the label column, else its distinguishing end after `…`. */
  label: string;
  y: number;
  height: number;
  segments: SegmentLayout[];
}

export interface Tick {
  t: number;
  x: number;
  label: string;
}

export interface ChartLayout {
  top: number;
  bottom: number;
  /** Step lines, as polyline points. */
  available: Array<[number, number]>;
  pods: Array<[number, number]>;
  /** y of the minimum-available line and of the pod limit (replicas + maxSurge). */
  minAvailableY: number;
  maxPodsY: number;
  yTicks: Array<{ value: number; y: number }>;
}

export interface TimelineLayout {
  width: number;
  height: number;
  /** The label column is narrower than LABEL_WIDTH: the chart's legend and limits use their short texts. */
  compact: boolean;
  plotLeft: number;
  plotRight: number;
  lanesTop: number;
  lanesBottom: number;
  ticks: Tick[];
  lanes: LaneLayout[];
  chart: ChartLayout;
  downtime: Array<{ x: number; width: number }>;
  /** Where the rollout ends (completes, times out or stalls), with what to call it. */
  outcome: { x: number; label: string; warning: boolean };
}

/** x of a moment. */
export function timeScale(end: number, left: number, right: number): (t: number) => number {
  const span = end > 0 ? end : 1;
  return (t: number) => left + (Math.min(Math.max(t, 0), span) / span) * (right - left);
}

/** Inverse of timeScale: the moment under an x (for hover readouts). */
export function timeAt(x: number, end: number, left: number, right: number): number {
  if (right <= left) return 0;
  return Math.min(Math.max(((x - left) / (right - left)) * end, 0), end);
}

export function timeTicks(end: number, plotWidth: number): number[] {
  const maxTicks = Math.max(1, Math.floor(plotWidth / MIN_TICK_SPACING));
  const step = TICK_STEPS.find((s) => end / s <= maxTicks) ?? Math.ceil(end / maxTicks);
  const ticks: number[] = [];
  for (let t = 0; t <= end + 1e-9; t += step) ticks.push(t);
  return ticks;
}

/** A step-after line: each value holds until the next point; the last one until `endX`. */
export function stepPoints(points: StepPoint[], x: (t: number) => number, y: (value: number) => number, endX: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [i, point] of points.entries()) {
    if (i > 0) out.push([x(point.t), y(points[i - 1].value)]);
    out.push([x(point.t), y(point.value)]);
  }
  if (points.length > 0) out.push([endX, y(points[points.length - 1].value)]);
  return out;
}

function countTicks(max: number): number[] {
  const step = max <= 10 ? 1 : max <= 20 ? 2 : max <= 50 ? 5 : Math.ceil(max / 10 / 10) * 10;
  const ticks: number[] = [];
  for (let v = 0; v <= max; v += step) ticks.push(v);
  return ticks;
}

/** The label column for a viewport: LABEL_WIDTH where there is room, a share of the viewport (not less than MIN_LABEL_WIDTH) where not. */
export function labelColumnWidth(viewportWidth: number): number {
  return Math.round(Math.min(LABEL_WIDTH, Math.max(MIN_LABEL_WIDTH, viewportWidth * LABEL_SHARE)));
}

/**
 * The names as drawn in a label column of `room` px: all whole when they fit; else each without
 * the prefix every name shares (`nginx-deployment-`, up to its last `-`), so that what tells the
 * pods apart stays in view, and cut at the end only if even that is too long.
 */
export function laneLabels(names: readonly string[], room: number): string[] {
  const maxChars = Math.max(4, Math.floor((room - BADGE_WIDTH) / NAME_CHAR_WIDTH));
  if (names.every((name) => name.length <= maxChars)) return [...names];
  // One name shares its prefix with nobody: nothing to drop.
  let prefix = names.length > 1 ? names[0] : '';
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cutAt = prefix.lastIndexOf('-') + 1;
  return names.map((name) => {
    const rest = cutAt > 0 && name.length > cutAt ? `…${name.slice(cutAt)}` : name;
    return rest.length > maxChars ? `${rest.slice(0, maxChars - 1)}…` : rest;
  });
}

export function layoutTimeline(view: TimelineView, viewportWidth: number): TimelineLayout {
  const labelWidth = labelColumnWidth(viewportWidth);
  const width = Math.max(viewportWidth, labelWidth + MIN_PLOT_WIDTH + RIGHT_MARGIN);
  const plotLeft = labelWidth;
  const labels = laneLabels(
    view.lanes.map((lane) => lane.label),
    labelWidth - 12,
  );
  const plotRight = width - RIGHT_MARGIN;
  const x = timeScale(view.end, plotLeft, plotRight);
  const lanesTop = AXIS_HEIGHT;
  const lanes = view.lanes.map((lane, index) => ({
    id: lane.id,
    label: labels[index],
    y: lanesTop + index * (LANE_HEIGHT + LANE_GAP),
    height: LANE_HEIGHT,
    segments: lane.segments.map((segment) => {
      const left = x(segment.start);
      const w = Math.max(0, x(segment.end) - left);
      const label = PHASE_LABELS[segment.phase];
      return { ...segment, x: left, width: w, label: w >= label.length * LABEL_CHAR_WIDTH + 8 ? label : undefined };
    }),
  }));
  const lanesBottom = lanesTop + Math.max(0, view.lanes.length * (LANE_HEIGHT + LANE_GAP) - LANE_GAP);
  const chartTop = lanesBottom + CHART_GAP;
  const chartBottom = chartTop + CHART_HEIGHT;
  const y = (value: number) => chartBottom - (value / view.countMax) * CHART_HEIGHT;
  return {
    width,
    height: chartBottom + BOTTOM_MARGIN,
    compact: labelWidth < LABEL_WIDTH,
    plotLeft,
    plotRight,
    lanesTop,
    lanesBottom,
    ticks: timeTicks(view.end, plotRight - plotLeft).map((t) => ({ t, x: x(t), label: formatSeconds(t) })),
    lanes,
    chart: {
      top: chartTop,
      bottom: chartBottom,
      available: stepPoints(view.available, x, y, x(view.end)),
      pods: stepPoints(view.pods, x, y, x(view.end)),
      minAvailableY: y(view.limits.minAvailable),
      maxPodsY: y(view.limits.maxPods),
      yTicks: countTicks(view.countMax).map((value) => ({ value, y: y(value) })),
    },
    downtime: view.downtime.map((window) => ({ x: x(window.start), width: Math.max(1, x(window.end) - x(window.start)) })),
    outcome: { x: x(view.outcome.t), label: view.outcome.label, warning: view.outcome.warning },
  };
}
