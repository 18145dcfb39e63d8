/**
 * The details pane for the selected resource: what will happen to it and why, built with
 * createElement and textContent only (plan strings are hostile). Huge values are cut here
 * (CSS ellipsis handles what merely doesn't fit).
 */
import type { AttributeChange, PlanGraphNode, PlanNodeRollout, PlanValue } from '../../../common/src/planGraph';
import { displayKindInfo, isReplacement } from './displayKinds';
import { replacementCauseText, unfollowedLocalText } from './replacementCauseText';
import { cutText } from '../cutText';

/** A value longer than this is cut in the pane (the plan may carry megabytes in one string). */
export const DETAIL_TEXT_MAX = 4_000;

export function valueText(value: PlanValue): string {
  switch (value.kind) {
    case 'known': {
      const text = value.text.length > DETAIL_TEXT_MAX ? `${value.text.slice(0, DETAIL_TEXT_MAX)}…` : value.text;
      return value.truncated || value.text.length > DETAIL_TEXT_MAX ? `${text} (truncated)` : text;
    }
    case 'unknown':
      return '(known after apply)';
    case 'sensitive':
      return '(sensitive value)';
    default:
      return '(not set)';
  }
}

const cut = (text: string) => cutText(text, DETAIL_TEXT_MAX);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (text !== undefined) element.textContent = text;
  return element;
}

function changeTable(caption: string, changes: AttributeChange[], className: string): HTMLElement {
  const section = el('section', className);
  section.append(el('h3', undefined, caption));
  const table = el('table', 'diff');
  const head = el('tr');
  for (const title of ['attribute', 'before', '', 'after']) head.append(el('th', undefined, title));
  table.append(el('thead'));
  table.tHead!.append(head);
  const body = el('tbody');
  for (const change of changes) {
    const row = el('tr', change.forcesReplacement ? 'forces' : undefined);
    row.dataset.path = cut(change.path);
    const path = el('td', 'path', cut(change.path));
    path.title = cut(change.path);
    if (change.forcesReplacement) path.append(el('span', 'forces-badge', 'forces replacement'));
    const before = el('td', `value ${change.before.kind}`, valueText(change.before));
    const after = el('td', `value ${change.after.kind}`, valueText(change.after));
    row.append(path, before, el('td', 'arrow', '→'), after);
    body.append(row);
  }
  table.append(body);
  section.append(table);
  return section;
}

/** One line for a Deployment change's rollout: the strategy, the pods, the limits. */
export function rolloutText(rollout: PlanNodeRollout): string {
  const { workload } = rollout;
  const pods = rollout.initialReplicas !== undefined ? `${rollout.initialReplicas} → ${workload.replicas}` : String(workload.replicas);
  const what = `${workload.strategy.type} of ${pods} pod${workload.replicas === 1 && rollout.initialReplicas === undefined ? '' : 's'}`;
  const rolling = workload.strategy.rollingUpdate;
  return rolling ? `${what} (maxSurge ${rolling.maxSurge}, maxUnavailable ${rolling.maxUnavailable})` : what;
}

export interface DetailsOptions {
  /** Only in a VS Code webview: the CLI's HTML has no editor to reveal in (nor a timeline to open). */
  canReveal: boolean;
  onReveal(address: string): void;
  /** Asks the host for the rollout timeline of the node (the host simulates its own copy of the node). */
  onShowRollout(address: string): void;
  /** Where the resource stands in the apply under way or last run, if any. */
  applyStatus?(address: string): { status: string; detail?: string } | undefined;
  /** Whether the graph has a node of this id, and selecting it (to walk a cascade up to the edit that started it). */
  hasNode?(id: string): boolean;
  onSelectNode?(id: string): void;
}

/** The upstream replacements that force this one (and locals that hide one), each a sentence, the upstream a button that selects it. */
function replacementCauses(node: PlanGraphNode, options: DetailsOptions): HTMLElement | undefined {
  const causes = node.replacedBecause ?? [];
  const locals = node.localsNotFollowed ?? [];
  if (causes.length === 0 && locals.length === 0) return undefined;
  const items = el('ul', 'replaced-because');
  for (const cause of causes) {
    const item = el('li', 'cause');
    item.append(el('span', 'cause-text', cut(replacementCauseText(cause))));
    item.dataset.cause = cut(cause.address);
    // One instance is the node to go to; several, the first of them.
    const target = cause.instances?.[0] ?? cause.address;
    if (options.onSelectNode && options.hasNode?.(target)) {
      const select = el('button', 'select-cause', 'Select');
      select.type = 'button';
      select.title = cut(`Select ${target}`);
      select.addEventListener('click', () => options.onSelectNode!(target));
      item.append(' ', select);
    }
    items.append(item);
  }
  for (const local of locals) {
    const item = el('li', 'local-not-followed', cut(unfollowedLocalText(local)));
    items.append(item);
  }
  return items;
}

/** Replaces the pane's content with the node's details (or the empty hint when nothing is selected). */
export function renderDetails(pane: HTMLElement, node: PlanGraphNode | undefined, options: DetailsOptions): void {
  pane.replaceChildren();
  if (!node) {
    pane.append(el('p', 'hint', 'Select a resource to see what will change and why.'));
    return;
  }
  const info = displayKindInfo(node.display);
  const header = el('header');
  const address = el('h2', 'address', cut(node.address));
  address.title = cut(node.address);
  header.append(address);
  const action = el('p', `action kind-${info.kind}`);
  action.append(el('span', 'symbol', info.symbol), el('span', 'action-label', info.label));
  header.append(action);
  pane.append(header);

  if (options.canReveal) {
    const reveal = document.createElement('vscode-button');
    reveal.className = 'reveal';
    reveal.textContent = 'Reveal in source';
    reveal.addEventListener('click', () => options.onReveal(node.address));
    pane.append(reveal);
    if (node.rollout) {
      const timeline = document.createElement('vscode-button');
      timeline.className = 'show-rollout';
      timeline.textContent = 'Show rollout timeline';
      timeline.addEventListener('click', () => options.onShowRollout(node.address));
      pane.append(timeline);
    }
  }

  const facts = el('dl', 'facts');
  const fact = (term: string, value: string | undefined, className?: string) => {
    if (value === undefined || value === '') return;
    const dd = el('dd', className, cut(value));
    dd.title = cut(value);
    facts.append(el('dt', undefined, term), dd);
  };
  const applied = options.applyStatus?.(node.address);
  if (applied) fact('Apply', applied.detail ? `${applied.status}: ${applied.detail}` : applied.status, `apply-status apply-${applied.status}`);
  fact('Reason', node.reason, 'reason');
  fact('Action reason', node.actionReason, 'action-reason');
  if (node.replacePaths.length > 0 || isReplacement(node.display)) {
    fact('Forced by', node.replacePaths.length > 0 ? node.replacePaths.join(', ') : '(no attribute named by the plan)', 'forced-by');
  }
  fact('Moved from', node.previousAddress);
  fact('Import ID', node.importId);
  fact('Deposed object', node.deposed);
  fact('Provider', node.providerName);
  if (node.rollout) fact('Rollout', rolloutText(node.rollout), 'rollout');
  pane.append(facts);
  const causes = replacementCauses(node, options);
  if (causes) pane.append(causes);
  if (node.rollout?.notes?.length) {
    const notes = el('ul', 'rollout-notes');
    for (const note of node.rollout.notes) notes.append(el('li', undefined, cut(note)));
    pane.append(notes);
  }

  if (node.changes.length > 0) pane.append(changeTable('Changes', node.changes, 'changes'));
  else pane.append(el('p', 'hint', 'No attribute changes.'));
  if (node.drift && node.drift.length > 0) pane.append(changeTable('Changed outside Terraform (drift)', node.drift, 'drift'));
}
