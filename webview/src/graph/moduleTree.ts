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
 * The parent of `module.a["x.module.y"].module.b` is `module.a["x.module.y"]`: the last
 * `.module.` outside brackets and quotes separates them.
 */
export function parentModuleAddress(address: string): string {
  let depth = 0;
  let quoted = false;
  let cut = -1;
  for (let i = 0; i < address.length; i++) {
    const ch = address[i];
    if (quoted) {
      if (ch === '\\') i++;
      else if (ch === '"') quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === '[') depth++;
    else if (ch === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0 && ch === '.' && address.startsWith('.module.', i)) cut = i;
  }
  return cut < 0 ? '' : address.slice(0, cut);
}

export function indexPlanGraph(graph: PlanGraph): PlanGraphIndex {
  const nodesById = new Map<string, PlanGraphNode>();
  for (const node of graph.nodes) nodesById.set(node.id, node);

  const declaredParent = new Map<string, string>();
  for (const module of graph.modules ?? []) {
    if (typeof module.address !== 'string' || module.address === '') continue;
    declaredParent.set(module.address, typeof module.parent === 'string' ? module.parent : parentModuleAddress(module.address));
  }
  const modules = new Map<string, ModuleEntry>();
  modules.set('', { address: '', parent: undefined, depth: 0, childModules: [], nodes: [] });
  // Each module reached adds its ancestors first (iteratively: the chain may be 10,000 long).
  const ensure = (address: string): ModuleEntry => {
    const chain: string[] = [];
    const onChain = new Set<string>();
    let current = address;
    while (!modules.has(current) && !onChain.has(current)) {
      chain.push(current);
      onChain.add(current);
      current = declaredParent.get(current) ?? parentModuleAddress(current);
    }
    // A parent cycle (hostile input) ends at a module already on the chain: hang it from the root.
    let parent = modules.get(current) ?? modules.get('')!;
    for (let i = chain.length - 1; i >= 0; i--) {
      const entry: ModuleEntry = { address: chain[i], parent: parent.address, depth: parent.depth + 1, childModules: [], nodes: [] };
      modules.set(entry.address, entry);
      parent.childModules.push(entry.address);
      parent = entry;
    }
    return modules.get(address)!;
  };
  for (const address of declaredParent.keys()) ensure(address);
  for (const node of graph.nodes) ensure(typeof node.module === 'string' ? node.module : '').nodes.push(node);
  const modulesTopDown = [...modules.values()].sort((a, b) => a.depth - b.depth);
  return { graph, nodesById, modules, modulesTopDown };
}
