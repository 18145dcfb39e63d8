/**
 * The rollout-timeline page: wires the host, the view model, the layout and the renderer together,
 * keeps the user's place in the syncs (saved, so it survives the panel being hidden), and keeps
 * the pages' contract (docs/editor.md): `data-state="ready"` on <html> after the first complete render,
 * `data-state="error"` with a readable message when the page cannot render, `data-pod` per lane.
 * Every manifest string goes in through textContent.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import type { RolloutTimeline } from '../../../common/src/rollout';
import type { HostToTimelineMessage } from '../../../common/src/rolloutMessages';
import { Announcer } from '../announcer';
import type { TimelineHost } from './host';
import { layoutTimeline } from './layout';
import { TimelineRenderer } from './render';
import { readRolloutTimeline, TimelineInputError, POD_PHASES } from './timelineInput';
import { laneAnnouncement, syncAnnouncement } from './timelineAnnouncement';
import { computeTimelineView, countsAt, cut, formatSeconds, nextSync, PHASE_DESCRIPTIONS, PHASE_LABELS, phaseAt, type TimelineView } from './viewModel';

interface ButtonElement extends HTMLElement {
  disabled: boolean;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

export class TimelinePage {
  private readonly root = document.documentElement;
  private readonly title: HTMLElement;
  private readonly strategy: HTMLElement;
  private readonly facts: HTMLElement;
  private readonly status: HTMLElement;
  private readonly message: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly syncDetails: HTMLElement;
  private readonly pointDetails: HTMLElement;
  private readonly assumptions: HTMLElement;
  private readonly buttons: Record<'first' | 'previous' | 'next' | 'last', ButtonElement>;
  private readonly renderer: TimelineRenderer;
  private readonly announcer = new Announcer();
  /** A redraw (a resize) puts focus back on the lane that had it: that is no news to announce. */
  private redrawing = false;
  private view: TimelineView | undefined;
  private timelineId = '';
  private sync = 0;
  private rendered = false;
  private lastWidth = 0;
  private hoveredLane: string | undefined;
  /** The details pane shows the counts at a moment of the chart (not a pod). */
  private showingMoment = false;

  constructor(private readonly host: TimelineHost) {
    this.root.dataset.state = 'loading';
    const page = el('div', 'rollout-timeline-page');
    const toolbar = el('header', 'toolbar');
    const heading = el('div', 'heading');
    this.title = el('h1', 'title', 'Rollout timeline');
    this.strategy = el('span', 'strategy');
    heading.append(this.title, this.strategy);
    this.facts = el('dl', 'facts');
    const controls = el('div', 'controls');
    controls.setAttribute('role', 'group');
    controls.setAttribute('aria-label', 'Step through the controller syncs (also ← → Home End)');
    const button = (name: keyof TimelinePage['buttons'], text: string, label: string, onClick: () => void): ButtonElement => {
      const b = document.createElement('vscode-button') as ButtonElement;
      b.className = `step-${name}`;
      b.setAttribute('secondary', '');
      b.setAttribute('aria-label', label);
      b.title = label;
      b.textContent = text;
      b.addEventListener('click', onClick);
      return b;
    };
    this.buttons = {
      first: button('first', 'First', 'First sync (Home)', () => this.step('Home')),
      previous: button('previous', '◀ Previous', 'Previous sync (←)', () => this.step('ArrowLeft')),
      next: button('next', 'Next ▶', 'Next sync (→)', () => this.step('ArrowRight')),
      last: button('last', 'Last', 'Last sync (End)', () => this.step('End')),
    };
    // Not live: the announcer says the sync stepped to, once, with its reason.
    this.status = el('span', 'sync-status');
    controls.append(this.buttons.first, this.buttons.previous, this.buttons.next, this.buttons.last, this.status);
    toolbar.append(heading, this.facts, controls, this.legend());

    this.message = el('div', 'message');
    this.message.hidden = true;
    const main = el('div', 'main');
    this.canvas = el('div', 'timeline');
    const details = el('aside', 'details');
    details.setAttribute('aria-label', 'Details');
    this.syncDetails = el('section', 'sync-details');
    this.pointDetails = el('section', 'point-details');
    this.assumptions = el('section', 'assumptions');
    details.append(this.syncDetails, this.pointDetails, this.assumptions);
    main.append(this.canvas, details);
    page.append(toolbar, this.message, main, this.announcer.element);
    document.body.append(page);

    this.renderer = new TimelineRenderer(this.canvas, {
      onLane: (id, how) => {
        if (how === 'hover') this.hoveredLane = id;
        this.showLane(id ?? this.focusedLane());
        if (how === 'focus' && !this.redrawing) this.announceLane(id);
      },
      onMoment: (t) => this.showMoment(t),
    });
    this.setButtons();
    this.showLane(undefined);
    window.addEventListener('keydown', (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (this.step(event.key)) event.preventDefault();
    });
    new ResizeObserver(() => {
      const width = this.canvas.clientWidth;
      if (this.view && Math.abs(width - this.lastWidth) > 1) this.draw();
    }).observe(this.canvas);
  }

  start(): void {
    this.host.start((message) => this.onMessage(message));
  }

  private onMessage(message: HostToTimelineMessage): void {
    switch (message.type) {
      case 'showTimeline':
        this.showTimeline(message.timeline, message.timelineId);
        break;
      case 'showError':
        this.fail(message.message, false);
        break;
    }
  }

  private showTimeline(value: unknown, timelineId: string): void {
    let timeline: RolloutTimeline;
    try {
      timeline = readRolloutTimeline(value);
    } catch (error) {
      this.fail(error instanceof TimelineInputError ? error.message : `The rollout timeline could not be read: ${String(error)}`);
      return;
    }
    try {
      this.view = computeTimelineView(timeline, this.host.assumptionSources);
      const saved = this.host.loadState();
      // The saved place belongs to one simulation: another one starts at its first sync.
      const savedSync = saved?.timelineId === timelineId && typeof saved.sync === 'number' ? saved.sync : 0;
      this.timelineId = timelineId;
      this.sync = Math.min(Math.max(0, Math.floor(savedSync)), Math.max(0, this.view.syncs.length - 1));
      this.showHeader(this.view);
      this.hideMessage();
      this.draw();
      this.showSync();
      this.saveState();
      if (!this.rendered) {
        this.rendered = true;
        this.root.dataset.state = 'ready';
      }
    } catch (error) {
      this.fail(`The rollout timeline could not be drawn: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private draw(): void {
    if (!this.view) return;
    this.lastWidth = this.canvas.clientWidth;
    const focused = document.activeElement instanceof SVGGElement ? document.activeElement.dataset.lane : undefined;
    this.renderer.render(this.view, layoutTimeline(this.view, this.lastWidth));
    this.renderer.showMoment(this.view.syncs[this.sync]?.t);
    if (focused !== undefined) {
      this.redrawing = true;
      try {
        this.renderer.focusLane(focused);
      } finally {
        this.redrawing = false;
      }
    }
  }

  /** Applies a step key; true when it was one. */
  private step(key: string): boolean {
    if (!this.view) return false;
    const next = nextSync(this.sync, this.view.syncs.length, key);
    if (next === undefined) return false;
    if (next !== this.sync) {
      this.sync = next;
      this.renderer.showMoment(this.view.syncs[next].t);
      this.showSync();
      this.saveState();
      this.announcer.say(syncAnnouncement(this.view.syncs[next], this.view.syncs.length));
    }
    return true;
  }

  private showHeader(view: TimelineView): void {
    this.title.textContent = cut(view.title);
    this.title.title = cut(view.title, 4_000);
    this.strategy.textContent = `${view.strategy} · ${view.limits.replicas} replica${view.limits.replicas === 1 ? '' : 's'}`;
    this.facts.replaceChildren();
    for (const fact of view.facts) {
      const pair = el('div', 'fact');
      pair.append(el('dt', undefined, fact.label), el('dd', `${fact.className}${fact.warning ? ' warning' : ''}`, fact.value));
      this.facts.append(pair);
    }
    this.assumptions.replaceChildren(el('h3', undefined, 'Assumptions'));
    const list = el('ul');
    for (const line of view.assumptions) list.append(el('li', undefined, line));
    this.assumptions.append(list);
    if (view.notes.length > 0) {
      this.assumptions.append(el('h3', undefined, 'Notes'));
      const notes = el('ul', 'notes');
      for (const note of view.notes) notes.append(el('li', undefined, cut(note, 4_000)));
      this.assumptions.append(notes);
    }
  }

  private showSync(): void {
    this.setButtons();
    const view = this.view;
    this.syncDetails.replaceChildren();
    if (!view) return;
    const sync = view.syncs[this.sync];
    if (!sync) {
      this.status.textContent = 'No controller sync changes anything.';
      this.syncDetails.append(el('p', 'hint', 'The controller never acts on this workload by itself (nothing to step through).'));
      return;
    }
    this.status.textContent = sync.title;
    this.syncDetails.append(el('h2', 'sync-title', sync.title), el('p', 'sync-reason', cut(sync.reason, 4_000)));
    const table = el('table', 'group-counts');
    const head = el('tr');
    for (const title of ['', 'desired', 'current', 'ready', 'available']) head.append(el('th', undefined, title));
    table.append(el('thead'));
    table.tHead!.append(head);
    const body = el('tbody');
    for (const group of sync.groups) {
      const row = el('tr', `revision-${group.revision}`);
      const name = el('td', 'group-name', `${group.revision} ${cut(group.name, 80)}`);
      name.title = cut(group.name, 4_000);
      row.append(name, ...[group.desired, group.current, group.ready, group.available].map((n) => el('td', 'count', String(n))));
      body.append(row);
    }
    table.append(body);
    this.syncDetails.append(table);
    if (sync.events.length > 0) {
      const events = el('ul', 'sync-events');
      for (const event of sync.events) events.append(el('li', undefined, `${event.action} ${cut(event.replicaSet, 80)}: ${event.from} → ${event.to}`));
      this.syncDetails.append(events);
    }
  }

  private setButtons(): void {
    const count = this.view?.syncs.length ?? 0;
    this.buttons.first.disabled = this.buttons.previous.disabled = count === 0 || this.sync === 0;
    this.buttons.next.disabled = this.buttons.last.disabled = count === 0 || this.sync >= count - 1;
  }

  private announceLane(id: string | undefined): void {
    const lane = id === undefined ? undefined : this.view?.lanes.find((l) => l.id === id);
    if (lane && this.view) this.announcer.say(laneAnnouncement(lane, this.view.syncs[this.sync]));
  }

  private focusedLane(): string | undefined {
    const active = document.activeElement;
    return active instanceof SVGGElement && this.canvas.contains(active) ? active.dataset.lane : undefined;
  }

  /** Hover or focus on a lane: its pod, its phases and what it does at the current sync. */
  private showLane(id: string | undefined): void {
    this.showingMoment = false;
    const lane = id === undefined ? undefined : this.view?.lanes.find((l) => l.id === id);
    this.pointDetails.replaceChildren();
    if (!lane) {
      this.pointDetails.append(el('p', 'hint', 'Hover over or focus a pod (Tab, ↑ ↓) for its phases; hover over the chart for the counts at a moment.'));
      return;
    }
    const name = el('h3', 'pod-name', cut(lane.podName));
    name.title = cut(lane.podName, 4_000);
    const list = el('ul', 'pod-phases');
    for (const line of lane.description) list.append(el('li', undefined, line));
    this.pointDetails.append(name, list);
    const sync = this.view?.syncs[this.sync];
    if (sync) {
      const phase = phaseAt(lane, sync.t);
      this.pointDetails.append(el('p', 'pod-at-sync', `At ${formatSeconds(sync.t)} (the selected sync): ${phase === undefined ? 'not running' : PHASE_LABELS[phase]}`));
    }
  }

  private showMoment(t: number | undefined): void {
    if (!this.view) return;
    if (t === undefined) {
      // Back to the pod under the pointer or with focus, if any.
      if (this.showingMoment) this.showLane(this.hoveredLane ?? this.focusedLane());
      return;
    }
    this.showingMoment = true;
    const counts = countsAt(this.view, t);
    const { limits } = this.view;
    this.pointDetails.replaceChildren(
      el('h3', undefined, `At ${formatSeconds(t)}`),
      el('p', 'moment-counts', `${counts.available} available (minimum ${limits.minAvailable}), ${counts.pods} pods (limit ${limits.maxPods})`),
    );
  }

  private legend(): HTMLElement {
    const legend = el('ul', 'legend');
    legend.setAttribute('aria-label', 'Phases');
    for (const phase of POD_PHASES) {
      const item = el('li', `legend-${phase}`);
      item.title = PHASE_DESCRIPTIONS[phase];
      item.append(el('span', `swatch phase-${phase}`), el('span', undefined, PHASE_LABELS[phase]));
      legend.append(item);
    }
    const old = el('li', 'legend-old');
    old.append(el('span', 'swatch revision-old-swatch'), el('span', undefined, 'old pods (paler)'));
    legend.append(old);
    return legend;
  }

  private saveState(): void {
    this.host.saveState({ timelineId: this.timelineId, sync: this.sync });
  }

  private hideMessage(): void {
    this.message.hidden = true;
    this.message.textContent = '';
  }

  private fail(text: string, tellHost = true): void {
    this.root.dataset.state = 'error';
    this.message.hidden = false;
    this.message.className = 'message error';
    this.message.setAttribute('role', 'alert');
    this.message.textContent = text;
    if (tellHost) this.host.post({ type: 'renderError', message: text });
  }
}
