/**
 * Which module folders are root modules and which are child modules, and which roots each child
 * is analysed with. A child module has no state, lock file or variable files of its own: its
 * values come from the calls of the modules above it, so analysing it alone would compare it with
 * nothing and evaluate none of its inputs. A folder another folder calls is a child; a folder
 * nobody calls is a root. A folder that is initialised or applied on its own (a marker below) is
 * a root as well, even when it is called too. Pure: the host lists the folders, reads their calls
 * and resolves each call's folder (moduleSources.ts).
 */
import { attributeOf } from './configuration';
import type { ModuleFileInput } from './moduleAnalysis';
import { DEPENDENCY_LOCK_FILE, LOCAL_STATE_FILE } from './terraformFiles';

/** Entries whose presence in a folder says someone runs init, plan or apply in it: a root of its own. */
export const STANDALONE_ROOT_MARKERS: readonly string[] = ['.terraform', LOCAL_STATE_FILE, DEPENDENCY_LOCK_FILE];

/** What a module folder's files say about its place in the tree. */
export interface ModuleFolderFacts {
  /** Its `module` calls whose `source` is a literal string. */
  calls: Array<{ name: string; source: string }>;
  /** A `terraform` block configures a `backend` or `cloud`: only a root module can have one. */
  declaresBackend: boolean;
}

/** The module calls and backend of a folder's configuration files, as read and parsed. */
export function moduleFolderFacts(files: readonly ModuleFileInput[]): ModuleFolderFacts {
  const facts: ModuleFolderFacts = { calls: [], declaresBackend: false };
  for (const input of files) {
    if (input.kind !== 'read') continue;
    for (const block of input.file.blocks) {
      if (block.type === 'module' && block.labels.length === 1) {
        const source = attributeOf(block, 'source')?.value.value;
        if (source?.kind === 'string') facts.calls.push({ name: block.labels[0], source: source.value });
      } else if (block.type === 'terraform' && block.blocks.some((b) => b.type === 'backend' || b.type === 'cloud')) {
        facts.declaresBackend = true;
      }
    }
  }
  return facts;
}

export interface ModuleFolderGraph {
  /** Every module folder considered, with the folders its calls resolve to (a call whose code is missing is left out). */
  calls: ReadonlyMap<string, readonly string[]>;
  /** Folders that are roots of their own whatever calls them (STANDALONE_ROOT_MARKERS, a backend). */
  standalone?: ReadonlySet<string>;
}

export interface RootAndChildModules {
  /** The folders to analyse as root modules, sorted. */
  roots: string[];
  /**
   * For every folder of the graph: the roots whose analysis covers it, sorted — itself for a
   * root; for a child, the roots above it (several for a shared module), and itself too when it
   * is standalone.
   */
  rootsOf: ReadonlyMap<string, string[]>;
  /** For every root: the folders its calls reach, transitively, itself excluded, sorted. */
  childrenOf: ReadonlyMap<string, string[]>;
}

/**
 * Roots: the folders nobody in the graph calls, and the standalone ones. Folders that only a
 * cycle of calls reaches (Terraform rejects the cycle) are roots too, so that each is still
 * analysed and the analysis can say what is wrong.
 */
export function rootAndChildModules(graph: ModuleFolderGraph): RootAndChildModules {
  const folders = [...graph.calls.keys()].sort();
  const called = new Set<string>();
  for (const [caller, callees] of graph.calls) for (const callee of callees) if (callee !== caller) called.add(callee);
  const roots = new Set(folders.filter((folder) => !called.has(folder) || graph.standalone?.has(folder)));
  const childrenOf = new Map<string, string[]>();
  const reached = new Set<string>();
  const reach = (root: string) => {
    const seen = new Set<string>([root]);
    const pending = [root];
    while (pending.length > 0) {
      for (const callee of graph.calls.get(pending.pop()!) ?? []) {
        if (seen.has(callee)) continue;
        seen.add(callee);
        pending.push(callee);
      }
    }
    seen.delete(root);
    for (const folder of seen) reached.add(folder);
    childrenOf.set(root, [...seen].sort());
  };
  for (const root of roots) reach(root);
  for (const folder of folders) {
    if (roots.has(folder) || reached.has(folder)) continue;
    roots.add(folder); // only a cycle calls it
    reach(folder);
  }
  const rootsOf = new Map<string, string[]>();
  const add = (folder: string, root: string) => {
    const list = rootsOf.get(folder);
    if (list) list.push(root);
    else rootsOf.set(folder, [root]);
  };
  const sortedRoots = [...roots].sort();
  for (const root of sortedRoots) {
    add(root, root);
    for (const child of childrenOf.get(root)!) if (child !== root) add(child, root);
  }
  for (const list of rootsOf.values()) list.sort();
  return { roots: sortedRoots, rootsOf, childrenOf: new Map([...childrenOf].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) };
}
