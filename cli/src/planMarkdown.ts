/**
 * `plan-summary --format markdown`: a plan as a pull-request comment. The summary line first; then
 * the replacements (what forces each, and the replacements each drags along through references),
 * then the destroys, then every other change inside a collapsed `<details>` block. Within
 * MAX_COMMENT_LENGTH: when the whole list does not fit, the entries are kept in that order as far
 * as they fit and a note says how many were left out and how to see them all.
 *
 * Pure: plan graph in, Markdown out. Every string from the plan goes through markdownText.ts.
 */
import type { AttributeChange, PlanGraph, PlanGraphNode, PlanReplacementCause, PlanValue } from '../../common/src/planGraph';
import { CommentBudget, MAX_COMMENT_LENGTH } from './commentBudget';
import { markdownCode, markdownText } from './markdownText';

export interface PlanMarkdownOptions {
  /** The plan file as the user named it, for the note on how to see every change. */
  planFile: string;
  /** The comment's size limit; MAX_COMMENT_LENGTH unless a test asks for less. */
  limit?: number;
}

/** Dependents listed under one replacement; past this many they are counted. */
export const MAX_CASCADE_LINES = 20;
/** Upstream causes named for one replacement. */
const MAX_CAUSES = 5;
/** Attributes named for one change (forcing ones for a replacement, changed ones for an update). */
const MAX_ATTRIBUTES = 5;
/** A value, address or reason from the plan is cut to this many characters, so one hostile string cannot fill the comment. */
const MAX_TEXT = 300;

type Section = 'replace' | 'destroy' | 'other';

interface Entry {
  section: Section;
  text: string;
}

const SECTION_NAMES: Record<Section, [one: string, many: string]> = {
  replace: ['replacement', 'replacements'],
  destroy: ['destroy', 'destroys'],
  other: ['other change', 'other changes'],
};

export function planMarkdown(graph: PlanGraph, options: PlanMarkdownOptions): string {
  const entries = planEntries(graph);
  const bySection = (section: Section) => entries.filter((e) => e.section === section);
  const sections: [Section, Entry[]][] = [
    ['replace', bySection('replace')],
    ['destroy', bySection('destroy')],
    ['other', bySection('other')],
  ];

  const budget = new CommentBudget(options.limit ?? MAX_COMMENT_LENGTH);
  budget.push(`**${markdownText(graph.summary.line)}**\n`);
  if (graph.errored && entries.length > 0) budget.push('\nThe plan errored: the changes below are only those it got to.\n');

  // Room for the note at its longest: every entry left out.
  const reserve = omittedNote(
    Object.fromEntries(sections.map(([s, list]) => [s, list.length])) as Record<Section, number>,
    entries.length,
    options.planFile,
    budget.limitText,
  ).length;
  const omitted: Record<Section, number> = { replace: 0, destroy: 0, other: 0 };
  let full = false;
  for (const [section, list] of sections) {
    if (list.length === 0) continue;
    const { open, close } = sectionFrame(section, list, graph);
    let shown = 0;
    for (const entry of list) {
      if (full || !budget.tryPush(`${shown === 0 ? open : ''}${entry.text}`, reserve + close.length)) {
        full = true;
        break;
      }
      shown++;
    }
    if (shown > 0) budget.push(close);
    omitted[section] = list.length - shown;
  }
  const left = omitted.replace + omitted.destroy + omitted.other;
  if (left > 0) budget.push(omittedNote(omitted, entries.length, options.planFile, budget.limitText));
  return budget.toString();
}

/** The heading of a section (opened with its first entry) and what closes it. */
function sectionFrame(section: Section, list: Entry[], graph: PlanGraph): { open: string; close: string } {
  if (section === 'replace') return { open: `\n#### Replacements (${list.length})\n\n`, close: '' };
  if (section === 'destroy') return { open: `\n#### Destroys (${list.length})\n\n`, close: '' };
  const kinds = otherCounts(graph);
  return {
    open: `\n<details><summary>Other changes (${list.length}): ${kinds}</summary>\n\n`,
    close: '\n</details>\n',
  };
}

/** `3 to create, 1 to update, 1 to import` for the collapsed block's summary. */
function otherCounts(graph: PlanGraph): string {
  const counts = new Map<string, number>(Object.values(OTHER_WORDS).map((kind) => [kind, 0]));
  for (const node of graph.nodes) {
    const kind = sectionOf(node) === 'other' ? OTHER_WORDS[node.display] : undefined;
    if (kind) counts.set(kind, counts.get(kind)! + 1);
  }
  return [...counts]
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${n} to ${kind}`)
    .join(', ');
}

const OTHER_WORDS: Partial<Record<PlanGraphNode['display'], string>> = {
  create: 'create',
  update: 'update',
  read: 'read',
  import: 'import',
  move: 'move',
  forget: 'forget',
};

function omittedNote(omitted: Record<Section, number>, total: number, planFile: string, limitText: string): string {
  const left = omitted.replace + omitted.destroy + omitted.other;
  const parts = (['replace', 'destroy', 'other'] as const).filter((s) => omitted[s] > 0).map((s) => `${omitted[s]} ${SECTION_NAMES[s][omitted[s] === 1 ? 0 : 1]}`);
  return (
    `\n> **${left} of ${total} changes are not listed** (${parts.join(', ')}): the whole list would not fit in one comment ` +
    `(at most ${limitText} characters). ` +
    `See every change with ${markdownCode(`immutable-infra graph ${clip(planFile)} -o plan.html`)}, or with <code>terraform show</code> (<code>tofu show</code>) of the saved plan.\n`
  );
}

function sectionOf(node: PlanGraphNode): Section | undefined {
  if (node.action === 'replace-delete-first' || node.action === 'replace-create-first') return node.deposed === undefined ? 'replace' : 'destroy';
  // A deleted data source is neither shown nor counted by Terraform.
  if (node.action === 'delete') return node.mode === 'managed' ? 'destroy' : undefined;
  return node.display in OTHER_WORDS ? 'other' : undefined;
}

/** Every listed change, in the order the comment shows them. */
function planEntries(graph: PlanGraph): Entry[] {
  const replaced = graph.nodes.filter((n) => sectionOf(n) === 'replace');
  const dependents = dependentsOf(replaced);
  const roots = replaced.filter((n) => !n.replacedBecause);
  const cascades = new Map(roots.map((n) => [n.id, reachable(n.id, dependents)]));
  // The replacements that start a cascade first, the largest first; then those replaced in turn.
  roots.sort((a, b) => cascades.get(b.id)!.length - cascades.get(a.id)!.length);
  const cascaded = replaced.filter((n) => n.replacedBecause);
  const entries: Entry[] = [...roots, ...cascaded].map((node) => ({ section: 'replace', text: replacementEntry(node, dependents, cascades.get(node.id)) }));
  for (const node of graph.nodes) {
    const section = sectionOf(node);
    if (section === 'destroy') entries.push({ section, text: destroyEntry(node) });
  }
  for (const node of graph.nodes) {
    if (sectionOf(node) === 'other') entries.push({ section: 'other', text: otherEntry(node) });
  }
  return entries;
}

/** For each replaced node id, the replaced nodes whose replacement it forces (they name it in `replacedBecause`). */
function dependentsOf(replaced: PlanGraphNode[]): Map<string, PlanGraphNode[]> {
  const byAddress = new Map<string, PlanGraphNode>();
  const byId = new Map<string, PlanGraphNode>();
  const byResource = new Map<string, PlanGraphNode[]>();
  for (const node of replaced) {
    byAddress.set(node.address, node);
    byId.set(node.id, node);
    const resource = resourceAddress(node);
    const list = byResource.get(resource);
    if (list) list.push(node);
    else byResource.set(resource, [node]);
  }
  const result = new Map<string, PlanGraphNode[]>();
  const pairs = new Set<string>();
  const add = (upstream: PlanGraphNode, dependent: PlanGraphNode) => {
    const pair = `${upstream.id}\u0000${dependent.id}`;
    if (pairs.has(pair)) return;
    pairs.add(pair);
    const list = result.get(upstream.id);
    if (list) list.push(dependent);
    else result.set(upstream.id, [dependent]);
  };
  for (const dependent of replaced) {
    for (const cause of dependent.replacedBecause ?? []) {
      const one = byAddress.get(cause.address);
      if (one && !cause.instances) add(one, dependent);
      for (const node of upstreamInstances(cause, byId, byResource)) add(node, dependent);
    }
  }
  return result;
}

/** The replaced instances a cause under a resource's address stands for (all of them when it lists only the first ones). */
function upstreamInstances(cause: PlanReplacementCause, byId: Map<string, PlanGraphNode>, byResource: Map<string, PlanGraphNode[]>): PlanGraphNode[] {
  if (!cause.instances) return [];
  if (cause.instanceCount !== undefined) return byResource.get(cause.address) ?? [];
  return cause.instances.flatMap((id) => byId.get(id) ?? []);
}

/** `module.a["k"].null_resource.each`: the instance address without its own key. */
function resourceAddress(node: PlanGraphNode): string {
  return `${node.module ? `${node.module}.` : ''}${node.mode === 'data' ? 'data.' : ''}${node.type}.${node.name}`;
}

/** The ids reachable from `id` through dependents, once each. */
function reachable(id: string, dependents: Map<string, PlanGraphNode[]>): string[] {
  const seen = new Set<string>([id]);
  const queue = [id];
  for (let i = 0; i < queue.length; i++) {
    for (const next of dependents.get(queue[i]) ?? []) {
      if (seen.has(next.id)) continue;
      seen.add(next.id);
      queue.push(next.id);
    }
  }
  seen.delete(id);
  return [...seen];
}

const REPLACE_ORDER = {
  'replace-delete-first': ['-/+', 'destroy, then create the replacement'],
  'replace-create-first': ['+/-', 'create the replacement, then destroy'],
} as const;

/** One replacement; `cascade` (every replacement it forces, directly or not) for one that starts a cascade. */
function replacementEntry(node: PlanGraphNode, dependents: Map<string, PlanGraphNode[]>, cascade: string[] | undefined): string {
  const [symbol, order] = REPLACE_ORDER[node.action as keyof typeof REPLACE_ORDER];
  const lines = [`- \`${symbol}\` ${code(node.id)} (${order})`];
  lines.push(`  - ${forcedBy(node)}`);
  if (node.replacedBecause) {
    const causes = node.replacedBecause.slice(0, MAX_CAUSES).map(causeText);
    const more = node.replacedBecause.length - causes.length;
    lines.push(`  - replaced in turn, because ${causes.join('; ')}${more > 0 ? `; and ${more} more` : ''}`);
  }
  for (const local of node.localsNotFollowed ?? []) {
    lines.push(`  - ${code(local.dependentAttribute)} reads ${code(local.local)}: the plan does not say what it refers to, so an upstream replacement cannot be named`);
  }
  if (cascade && cascade.length > 0) {
    lines.push(`  - replacing it replaces ${cascade.length} more:`);
    lines.push(...cascadeTree(node, dependents, cascade.length));
  }
  return `${lines.join('\n')}\n`;
}

/** The dependents as nested items, each under the replacement that forces it, up to MAX_CASCADE_LINES. */
function cascadeTree(root: PlanGraphNode, dependents: Map<string, PlanGraphNode[]>, total: number): string[] {
  const lines: string[] = [];
  const listed = new Set<string>();
  const walk = (node: PlanGraphNode, depth: number, path: Set<string>) => {
    for (const child of dependents.get(node.id) ?? []) {
      if (lines.length >= MAX_CASCADE_LINES) return;
      if (path.has(child.id)) continue;
      listed.add(child.id);
      lines.push(`${'  '.repeat(depth)}- ${code(child.id)}`);
      walk(child, depth + 1, new Set([...path, child.id]));
    }
  };
  walk(root, 2, new Set([root.id]));
  const unlisted = total - listed.size;
  if (unlisted > 0) lines.push(`    - … and ${unlisted} more`);
  return lines;
}

function forcedBy(node: PlanGraphNode): string {
  if (node.replacePaths.length === 0) return markdownText(clip(node.reason ?? 'An attribute that cannot be updated in place changed'));
  const forcing = node.changes.filter((c) => c.forcesReplacement);
  const shown = forcing.length > 0 ? forcing.slice(0, MAX_ATTRIBUTES).map(changeText) : node.replacePaths.slice(0, MAX_ATTRIBUTES).map(code);
  const more = (forcing.length > 0 ? forcing.length : node.replacePaths.length) - shown.length;
  return `forced by ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** `` `file_permission`: "0777" → "0700" `` */
function changeText(change: AttributeChange): string {
  return `${code(change.path)}: ${code(valueText(change.before))} → ${code(valueText(change.after))}`;
}

function valueText(value: PlanValue): string {
  switch (value.kind) {
    case 'known':
      return value.truncated ? `${value.text}…` : value.text;
    case 'unknown':
      return '(known after apply)';
    case 'sensitive':
      return '(sensitive value)';
    case 'absent':
      return 'null';
  }
}

/** `local_file.a is replaced (triggers reads its id through var.upstream_id)` */
function causeText(cause: PlanReplacementCause): string {
  const count = cause.instanceCount ?? cause.instances?.length;
  const upstream = count !== undefined ? `${count} instances of ${code(cause.address)} are` : `${code(cause.address)} is`;
  const read = cause.attribute !== undefined ? `its ${code(cause.attribute)}` : 'it';
  const through = cause.through && cause.through.length > 0 ? ` through ${cause.through.map(code).join(', ')}` : '';
  return `${upstream} replaced (${code(cause.dependentAttribute)} reads ${read}${through})`;
}

function destroyEntry(node: PlanGraphNode): string {
  return `- \`-\` ${code(node.id)}${node.reason ? ` — ${markdownText(clip(node.reason))}` : ''}\n`;
}

const OTHER_SYMBOLS: Partial<Record<PlanGraphNode['display'], string>> = {
  create: '+',
  update: '~',
  read: '<=',
  import: '⇐',
  move: '→',
  forget: 'forget',
};

function otherEntry(node: PlanGraphNode): string {
  const notes: string[] = [];
  if (node.previousAddress !== undefined) notes.push(`moved from ${code(node.previousAddress)}`);
  if (node.importId !== undefined) notes.push(`imported from ${code(node.importId)}`);
  if (node.action === 'update' && node.changes.length > 0) {
    const shown = node.changes.slice(0, MAX_ATTRIBUTES).map((c) => code(c.path));
    const more = node.changes.length + (node.changesOmitted ?? 0) - shown.length;
    notes.push(`changes ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  if (node.reason && node.display !== 'create') notes.push(markdownText(clip(node.reason)));
  return `- \`${OTHER_SYMBOLS[node.display]}\` ${code(node.id)}${notes.length > 0 ? ` — ${notes.join('; ')}` : ''}\n`;
}

function code(text: string): string {
  return markdownCode(clip(text));
}

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
