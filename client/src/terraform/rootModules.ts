/**
 * Which root module(s) to plan for a given `.tf` file. A folder is a root module when it says so
 * (a `backend`/`cloud` block, an initialised `.terraform/`, a state file, a dependency lock file)
 * or when no other folder calls it with a local `module` source. When the file's folder is a
 * child module, the roots are those of the folders that call it, transitively — several when the
 * module is shared (e.g. `envs/prod` and `envs/staging`), and the extension asks which one.
 * Asynchronous file access throughout: it runs in the extension host, which must not block on a
 * large workspace.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { DEPENDENCY_LOCK_FILE, isTerraformConfigurationFile, LOCAL_STATE_FILE } from '../../../core/src/terraform/terraformFiles';
import { isLocalModuleSource, scanModuleFile, scanModuleJsonFile, type ModuleFileFacts } from './moduleCalls';

/** Files that make a folder a root module by their mere presence. */
const ROOT_MARKERS = ['.terraform', LOCAL_STATE_FILE, DEPENDENCY_LOCK_FILE];
/** Folders never searched for callers: tool data, dependencies, version control. */
const SKIPPED_FOLDERS = new Set(['.terraform', '.git', 'node_modules', '.hg', '.svn']);

export interface RootModuleResolution {
  /** The folder of the given file (the module it belongs to). */
  moduleDir: string;
  /** `root`: that folder is itself a root module. `child`: it is called by other modules. */
  kind: 'root' | 'child';
  /** Root module folders to plan, sorted: `[moduleDir]` for a root; the callers' roots for a child. */
  roots: string[];
  /** For a child module: the folders whose `module` blocks call it directly. */
  callers: string[];
}

export interface FindRootModulesOptions {
  /**
   * Where callers are searched (recursively): normally the workspace folder. Default: the
   * nearest ancestor holding `.git`, else the folder two levels above the module.
   */
  searchRoot?: string;
  /** Upper bound on folders scanned, so a huge workspace cannot stall the command. */
  maxFolders?: number;
}

/** Why a folder counts as a root by itself, or undefined. */
export async function rootMarker(dir: string): Promise<string | undefined> {
  const marker = ROOT_MARKERS.find((name) => existsSync(path.join(dir, name)));
  if (marker) return marker;
  return (await moduleFacts(dir)).hasBackend ? 'backend' : undefined;
}

export async function findRootModules(file: string, options: FindRootModulesOptions = {}): Promise<RootModuleResolution> {
  const moduleDir = path.resolve(path.dirname(file));
  if ((await rootMarker(moduleDir)) !== undefined) return { moduleDir, kind: 'root', roots: [moduleDir], callers: [] };

  const searchRoot = path.resolve(options.searchRoot ?? defaultSearchRoot(moduleDir));
  const callersOf = await callGraph(searchRoot, options.maxFolders ?? 5_000);
  const direct = [...(callersOf.get(moduleDir) ?? [])].sort();
  if (direct.length === 0) return { moduleDir, kind: 'root', roots: [moduleDir], callers: [] };

  const roots = new Set<string>();
  const visited = new Set<string>([moduleDir]);
  const visit = async (dir: string): Promise<void> => {
    if (visited.has(dir)) return; // a cycle of module calls: Terraform would reject it anyway
    visited.add(dir);
    const callers = callersOf.get(dir);
    if (!callers || callers.size === 0 || (await rootMarker(dir)) !== undefined) {
      roots.add(dir);
      return;
    }
    for (const caller of [...callers].sort()) await visit(caller);
  };
  for (const caller of direct) await visit(caller);
  // Only a cycle of calls leaves no root; planning the module itself lets Terraform report the cycle.
  if (roots.size === 0) roots.add(moduleDir);
  return { moduleDir, kind: 'child', roots: [...roots].sort(), callers: direct };
}

function defaultSearchRoot(moduleDir: string): string {
  for (let dir = moduleDir; ;) {
    if (existsSync(path.join(dir, '.git'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.dirname(path.dirname(moduleDir));
}

/** callee folder → the folders whose `module` blocks call it with a local source. */
async function callGraph(searchRoot: string, maxFolders: number): Promise<Map<string, Set<string>>> {
  const callersOf = new Map<string, Set<string>>();
  let scanned = 0;
  const walk = async (dir: string): Promise<void> => {
    if (scanned++ >= maxFolders) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    const facts = await factsOfFiles(
      dir,
      entries.filter((e) => e.isFile() && isTerraformConfigurationFile(e.name)).map((e) => e.name),
    );
    for (const source of facts.moduleSources) {
      if (!isLocalModuleSource(source)) continue;
      const callee = path.resolve(dir, source.replace(/\\/g, '/'));
      let callers = callersOf.get(callee);
      if (!callers) callersOf.set(callee, (callers = new Set()));
      callers.add(dir);
    }
    for (const entry of entries) {
      if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) await walk(path.join(dir, entry.name));
    }
  };
  await walk(searchRoot);
  return callersOf;
}

async function moduleFacts(dir: string): Promise<ModuleFileFacts> {
  const names: string[] = [];
  try {
    for (const name of await readdir(dir)) if (isTerraformConfigurationFile(name) && (await isFile(path.join(dir, name)))) names.push(name);
  } catch {
    // an unreadable folder has no facts
  }
  return factsOfFiles(dir, names);
}

async function factsOfFiles(dir: string, names: string[]): Promise<ModuleFileFacts> {
  const facts: ModuleFileFacts = { moduleSources: [], hasBackend: false };
  for (const name of names) {
    let text: string;
    try {
      text = await readFile(path.join(dir, name), 'utf8');
    } catch {
      continue;
    }
    const one = name.endsWith('.json') ? scanModuleJsonFile(text) : scanModuleFile(text);
    facts.moduleSources.push(...one.moduleSources);
    facts.hasBackend ||= one.hasBackend;
  }
  return facts;
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
