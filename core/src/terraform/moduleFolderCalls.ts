/**
 * The host side of root and child module detection, shared by the CLI and the language server:
 * the folders a module folder's calls name on disk (through the manifest `init` wrote there, when
 * there is one), and whether the folder is initialised or applied on its own. The decision itself
 * is pure (rootAndChildModules.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isLocalModuleSource, MODULE_MANIFEST_PATH, parseModuleManifest, resolveModuleSource, type ModuleManifest } from './moduleSources';
import { STANDALONE_ROOT_MARKERS, type ModuleFolderFacts } from './rootAndChildModules';

/** Absolute folders of the calls in `dir` whose code is there to read; calls of modules not installed are left out. */
export function calledFolders(dir: string, facts: ModuleFolderFacts): string[] {
  // Local sources resolve the same with or without it: the manifest is read only for the others.
  const manifest = facts.calls.some((call) => !isLocalModuleSource(call.source)) ? installedModules(dir) : undefined;
  const folders: string[] = [];
  for (const call of facts.calls) {
    const resolved = resolveModuleSource({ keyPath: [call.name], source: call.source, callerDir: '.' }, manifest);
    if (resolved.kind === 'folder') folders.push(path.resolve(dir, resolved.dir));
  }
  return folders;
}

/** Someone runs init, plan or apply in `dir` itself: a root even when another module calls it. */
export function isStandaloneRoot(dir: string, facts: ModuleFolderFacts): boolean {
  return facts.declaresBackend || STANDALONE_ROOT_MARKERS.some((marker) => existsSync(path.join(dir, marker)));
}

/** The manifest `init` wrote in a root module folder; undefined where there is none to read. */
function installedModules(dir: string): ModuleManifest | undefined {
  try {
    return parseModuleManifest(readFileSync(path.join(dir, MODULE_MANIFEST_PATH), 'utf8'));
  } catch {
    return undefined; // not initialised: only local sources resolve, and they need no manifest
  }
}
