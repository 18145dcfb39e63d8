/**
 * The module hierarchy of a plan graph, indexed once per graph. Built without recursion and
 * defensively: a hostile or partial graph may name modules that are missing from `modules`,
 * give a parent cycle, or nest 10,000 modules deep, and none of that may crash the page.
 */
import type { PlanGraph, PlanGraphNode } from '../../../common/src/planGraph';

export interface ModuleEntry {
  address: string;
  /** '' for a child of the root; undefined for the root itself. */
  parent: string | undefined;
  depth: number;
  childModules: string[];
  nodes: PlanGraphNode[];
}

export interface PlanGraphIndex {
  graph: PlanGraph;
  nodesById: Map<string, PlanGraphNode>;
  modules: Map<string, ModuleEntry>;
  /** Modules sorted by depth, root first: parents always come before their children. */
  modulesTopDown: ModuleEntry[];
}

/**
 * The ancestors of a module address, outermost first, ending with the address itself: the parent
 * of `module.a["x.module.y"].module.b` is `module.a["x.module.y"]` (the last `.module.` outside
 * brackets and quotes separates them). One scan, however deep: a 10,000-deep path is one string.
 */
export function moduleAncestry(address: string): string[] {
  let depth = 0;
  let quoted = false;
  const cuts: number[] = [];
  for (let i = 0; i < address.length; i++) {
    const ch = address[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0 && ch === '.' && address.startsWith('.module.', i)) cuts.push(i);
  }
  return [...cuts.map((cut) => address.slice(0, cut)), address];
}

export function parentModuleAddress(address: string): string {
  const ancestry = moduleAncestry(address);
  return ancestry.length > 1 ? ancestry[ancestry.length - 2] : '';
}

export function indexPlanGraph(graph: PlanGraph): PlanGraphIndex {
  const nodesById = new Map<string, PlanGraphNode>();
  for (const node of graph.nodes) nodesById.set(node.id, node);

  const declaredParent = new Map<string, string>();
  const declared: string[] = [];
  for (const module of graph.modules ?? []) {
    if (typeof module.address !== 'string' || module.address === '') continue;
    declared.push(module.address);
    if (typeof module.parent === 'string' && module.parent !== module.address) declaredParent.set(module.address, module.parent);
  }
  const modules = new Map<string, ModuleEntry>();
  modules.set('', { address: '', parent: undefined, depth: 0, childModules: [], nodes: [] });
  // Each module reached adds its missing ancestors first, outermost first (no recursion: the chain
  // may be 10,000 long). Declared parents win; otherwise the address says who its parent is.
  const ensure = (address: string): ModuleEntry => {
    const existing = modules.get(address);
    if (existing) return existing;
    const chain: string[] = [];
    const onChain = new Set<string>();
    let current = address;
    for (;;) {
      if (modules.has(current)) break;
      // A parent cycle (hostile input): hang the chain from the root.
      if (onChain.has(current)) {
        current = '';
        break;
      }
      chain.push(current);
      onChain.add(current);
      const declared = declaredParent.get(current);
      if (declared !== undefined) {
        current = declared;
        continue;
      }
      // Undeclared: the whole ancestry at once, from one scan of the address.
      const ancestry = moduleAncestry(current);
      let i = ancestry.length - 2;
      for (; i >= 0 && !modules.has(ancestry[i]) && !declaredParent.has(ancestry[i]) && !onChain.has(ancestry[i]); i--) {
        chain.push(ancestry[i]);
        onChain.add(ancestry[i]);
      }
      current = i >= 0 ? ancestry[i] : '';
    }
    let parent = modules.get(current) ?? modules.get('')!;
    for (let i = chain.length - 1; i >= 0; i--) {
      if (modules.has(chain[i])) continue;
      const entry: ModuleEntry = { address: chain[i], parent: parent.address, depth: parent.depth + 1, childModules: [], nodes: [] };
      modules.set(entry.address, entry);
      parent.childModules.push(entry.address);
      parent = entry;
    }
    return modules.get(address)!;
  };
  for (const address of declared) ensure(address);
  for (const node of graph.nodes) ensure(typeof node.module === 'string' ? node.module : '').nodes.push(node);
  const modulesTopDown = [...modules.values()].sort((a, b) => a.depth - b.depth);
  return { graph, nodesById, modules, modulesTopDown };
}
