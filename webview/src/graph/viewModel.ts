/**
 * The view model: which resources and module boxes the picture shows, given the plan graph and
 * the user's view options (filters, replace-only, search, expanded modules). No DOM here — it is
 * tested in Node, and its output is what the layout step places and the renderer draws.
 */
import type { PlanDisplayKind, PlanGraphNode } from '../../../common/src/planGraph';
import { HIDDEN_BY_DEFAULT, DISPLAY_KINDS, isReplacement } from './displayKinds';
import type { PlanGraphIndex } from './moduleTree';

/**
 * Above this many shown resources (or modules) the modules start collapsed: a layered layout of
 * one flat graph took 0.6–1.1 s at 1,000 nodes and 4–15 s at 5,000 (dagre, d3-dag, ELK, on Node,
 * one thread), far too slow to open a large plan flat.
 */
export const LARGE_PLAN_NODES = 250;
export const LARGE_PLAN_MODULES = 150;
/** Labels are cut in the model: an SVG <text> has no CSS ellipsis, and a 1 MB address must not reach the DOM as a label. */
export const LABEL_MAX_CHARS = 34;

export interface ViewOptions {
  visibleKinds: ReadonlySet<string>;
  replaceOnly: boolean;
  search: string;
  /** Undefined: the default (all expanded on a small plan, all collapsed on a large one). */
  expandedModules: ReadonlySet<string> | undefined;
}

export function defaultViewOptions(): ViewOptions {
  return {
    visibleKinds: new Set(DISPLAY_KINDS.map((info) => info.kind).filter((kind) => !HIDDEN_BY_DEFAULT.includes(kind))),
    replaceOnly: false,
    search: '',
    expandedModules: undefined,
  };
}

export interface ResourceLeaf {
  kind: 'resource';
  id: string;
  node: PlanGraphNode;
  label: string;
  groupId: string;
}

export interface ModuleLeaf {
  kind: 'module';
  /** `module:` + the module address (resource ids never start with `module:`… but a module address does, hence the prefix). */
  id: string;
  address: string;
  label: string;
  groupId: string;
  /** Resources shown (after filters) inside, per display kind. */
  counts: Partial<Record<PlanDisplayKind, number>>;
  total: number;
}

export type ViewLeaf = ResourceLeaf | ModuleLeaf;

export interface ViewGroup {
  /** `group:` + the module address; the root group is `group:`. */
  id: string;
  address: string;
  label: string;
  parentId: string | undefined;
  depth: number;
  leafIds: string[];
  groupIds: string[];
}

export interface PlanView {
  leaves: ViewLeaf[];
  leavesById: Map<string, ViewLeaf>;
  /** Expanded modules that hold something shown, root first (parents before children). */
  groups: ViewGroup[];
  groupsById: Map<string, ViewGroup>;
  /** Between leaf ids, deduplicated; an edge into a collapsed module ends at its box. */
  edges: { from: string; to: string }[];
  /** Resources that pass the filters and search (inside collapsed modules too). */
  shownResources: number;
  large: boolean;
  /** The resource leaf (or module box) each node is drawn as, for nodes that are shown. */
  representative: Map<string, string>;
}

export const ROOT_GROUP_ID = 'group:';
export const moduleLeafId = (address: string) => `module:${address}`;
export const groupId = (address: string) => `group:${address}`;

/** Middle ellipsis keeps both the module and the resource name readable. */
export function shortLabel(text: string, max = LABEL_MAX_CHARS): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 3);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

export function matchesSearch(node: PlanGraphNode, search: string): boolean {
  if (search === '') return true;
  return node.address.toLowerCase().includes(search.toLowerCase());
}

export function passesFilters(node: PlanGraphNode, options: ViewOptions): boolean {
  if (options.replaceOnly) return isReplacement(node.display);
  return options.visibleKinds.has(node.display);
}

/**
 * Is the plan large enough that modules start collapsed? Judged on what the filters leave, before
 * search: resources shown, and modules that hold any (a long chain of modules that only hold
 * modules is drawn as one box, so it doesn't count).
 */
export function isLargePlan(index: PlanGraphIndex, options: ViewOptions): boolean {
  let shown = 0;
  const modules = new Set<string>();
  for (const node of index.graph.nodes) {
    if (!passesFilters(node, options)) continue;
    if (++shown > LARGE_PLAN_NODES) return true;
    modules.add(node.module);
    if (modules.size > LARGE_PLAN_MODULES) return true;
  }
  return false;
}

export function computeView(index: PlanGraphIndex, options: ViewOptions): PlanView {
  const large = isLargePlan(index, options);
  const search = options.search.trim();
  const shownNodes = index.graph.nodes.filter((node) => passesFilters(node, options) && matchesSearch(node, search));

  // A search opens the modules that hold a match: finding something behind a closed box helps no one.
  const forcedOpen = new Set<string>();
  if (search !== '') {
    for (const node of shownNodes) {
      let entry = index.modules.get(node.module ?? '');
      while (entry && entry.address !== '' && !forcedOpen.has(entry.address)) {
        forcedOpen.add(entry.address);
        entry = entry.parent === undefined ? undefined : index.modules.get(entry.parent);
      }
    }
  }
  const isExpanded = (address: string) => address === '' || forcedOpen.has(address) || (options.expandedModules ? options.expandedModules.has(address) : !large);

  // The outermost collapsed module at or above each module (null: everything above is open); top-down, no recursion.
  const hiddenUnder = new Map<string, string | null>();
  for (const entry of index.modulesTopDown) {
    const above = entry.parent === undefined ? null : (hiddenUnder.get(entry.parent) ?? null);
    hiddenUnder.set(entry.address, above ?? (isExpanded(entry.address) ? null : entry.address));
  }

  const leaves: ViewLeaf[] = [];
  const leavesById = new Map<string, ViewLeaf>();
  const representative = new Map<string, string>();
  const moduleLeaves = new Map<string, ModuleLeaf>();
  for (const node of shownNodes) {
    const module = index.modules.has(node.module) ? node.module : '';
    const hidden = hiddenUnder.get(module) ?? null;
    if (hidden === null) {
      const leaf: ResourceLeaf = { kind: 'resource', id: node.id, node, label: '', groupId: groupId(module) };
      leaves.push(leaf);
      leavesById.set(leaf.id, leaf);
      representative.set(node.id, leaf.id);
    } else {
      let box = moduleLeaves.get(hidden);
      if (!box) {
        const parent = index.modules.get(hidden)!.parent ?? '';
        box = { kind: 'module', id: moduleLeafId(hidden), address: hidden, label: '', groupId: groupId(parent), counts: {}, total: 0 };
        moduleLeaves.set(hidden, box);
        leaves.push(box);
        leavesById.set(box.id, box);
      }
      box.counts[node.display] = (box.counts[node.display] ?? 0) + 1;
      box.total++;
      representative.set(node.id, box.id);
    }
  }

  // Groups: the expanded modules on the way from each leaf to the root.
  const used = new Map<string, ViewGroup>();
  const groupFor = (address: string): ViewGroup => {
    let group = used.get(address);
    if (!group) {
      const entry = index.modules.get(address)!;
      group = {
        id: groupId(address),
        address,
        label: address,
        parentId: entry.parent === undefined ? undefined : groupId(entry.parent),
        depth: entry.depth,
        leafIds: [],
        groupIds: [],
      };
      used.set(address, group);
    }
    return group;
  };
  for (const leaf of leaves) {
    groupFor(leaf.groupId.slice('group:'.length)).leafIds.push(leaf.id);
  }
  // Link each used group into its parent, creating ancestors as needed (iteratively, bottom-up).
  const linked = new Set<string>(['']);
  for (const address of [...used.keys()]) {
    let current = address;
    while (!linked.has(current)) {
      linked.add(current);
      const parent = index.modules.get(current)!.parent ?? '';
      groupFor(parent).groupIds.push(groupId(current));
      current = parent;
    }
  }
  groupFor('');

  // A module that holds nothing but one other module is drawn as that module: a 10,000-deep
  // chain of single-child modules becomes one box instead of 10,000 nested frames.
  const removed = new Set<string>();
  for (const group of used.values()) {
    if (group.address !== '' && group.leafIds.length === 0 && group.groupIds.length === 1) removed.add(group.id);
    if (group.address !== '' && group.leafIds.length === 1 && group.groupIds.length === 0 && leavesById.get(group.leafIds[0])?.kind === 'module') removed.add(group.id);
  }
  const sortedGroups = [...used.values()].sort((a, b) => a.depth - b.depth);
  const keptParent = new Map<string, string>();
  for (const group of sortedGroups) {
    if (group.parentId === undefined) continue;
    const parent = removed.has(group.parentId) ? keptParent.get(group.parentId)! : group.parentId;
    keptParent.set(group.id, parent);
  }
  const groups: ViewGroup[] = [];
  const groupsById = new Map<string, ViewGroup>();
  for (const group of sortedGroups) {
    if (removed.has(group.id)) continue;
    const kept: ViewGroup = { ...group, parentId: group.parentId === undefined ? undefined : keptParent.get(group.id), leafIds: [], groupIds: [] };
    groups.push(kept);
    groupsById.set(kept.id, kept);
  }
  for (const group of groups) if (group.parentId !== undefined) groupsById.get(group.parentId)!.groupIds.push(group.id);
  for (const leaf of leaves) {
    const home = removed.has(leaf.groupId) ? keptParent.get(leaf.groupId)! : leaf.groupId;
    leaf.groupId = home;
    groupsById.get(home)!.leafIds.push(leaf.id);
  }

  // Labels relative to the box they are drawn in.
  for (const leaf of leaves) {
    const prefix = groupsById.get(leaf.groupId)!.address;
    const full = leaf.kind === 'resource' ? leaf.node.address : leaf.address;
    const relative = prefix !== '' && full.startsWith(`${prefix}.`) ? full.slice(prefix.length + 1) : full;
    leaf.label = shortLabel(relative);
  }
  for (const group of groups) {
    const parentAddress = group.parentId === undefined ? '' : groupsById.get(group.parentId)!.address;
    const relative = parentAddress !== '' && group.address.startsWith(`${parentAddress}.`) ? group.address.slice(parentAddress.length + 1) : group.address;
    group.label = shortLabel(relative, 60);
  }

  const edgeKeys = new Set<string>();
  const edges: { from: string; to: string }[] = [];
  for (const edge of index.graph.edges) {
    const from = representative.get(edge.from);
    const to = representative.get(edge.to);
    if (from === undefined || to === undefined || from === to) continue;
    const key = `${from}\u0000${to}`;
    if (edgeKeys.has(key)) continue;
    edgeKeys.add(key);
    edges.push({ from, to });
  }

  return { leaves, leavesById, groups, groupsById, edges, shownResources: shownNodes.length, large, representative };
}

/** The expanded set after the user opens or closes one module (the default made explicit first). */
export function toggleModule(index: PlanGraphIndex, view: PlanView, options: ViewOptions, address: string): Set<string> {
  const expanded = new Set(options.expandedModules ?? (view.large ? [] : [...index.modules.keys()].filter((a) => a !== '')));
  if (expanded.has(address)) {
    expanded.delete(address);
    return expanded;
  }
  // Opening a module also opens the chain of single-child modules below it: one click shows content.
  let current = index.modules.get(address);
  while (current) {
    expanded.add(current.address);
    current = current.nodes.length === 0 && current.childModules.length === 1 ? index.modules.get(current.childModules[0]) : undefined;
  }
  return expanded;
}
