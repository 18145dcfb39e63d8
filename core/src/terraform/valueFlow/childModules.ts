/**
 * Reads the child modules a root module calls, through any source of module files (the disk with
 * the editor's documents, a git tree at a commit, a deployed folder), for the pure analysis: each
 * call's folder and files, or why it has none. Follows calls into calls, as deep as Terraform would
 * load them (within MAX_MODULE_DEPTH).
 */
import * as path from 'node:path';
import { buildModuleConfiguration, type ModuleCall, type ModuleConfiguration } from '../configuration';
import type { ReadModuleFile } from '../moduleAnalysis';
import type { ModuleFiles } from '../moduleFiles';
import { parseModuleManifest, resolveModuleSource } from '../moduleSources';
import { callPathKey, MAX_MODULE_DEPTH, type ChildModuleInput } from './moduleTree';

/** Where a module call's module is: a folder, or why there is none, as a sentence. */
export type ModuleLocation = { kind: 'folder'; dir: string } | { kind: 'missing'; reason: string };

/** Finds the folder of a call: `callPath` from the root, the call's `source`, the calling module's folder (absolute). */
export type ModuleLocator = (callPath: readonly string[], call: ModuleCall, callerDir: string) => ModuleLocation;

/**
 * Where the calls of the root module in `rootDir` find their modules: local sources beside their
 * caller, the others where `terraform init` installed them (its manifest's text, when there is one).
 */
export function moduleLocator(rootDir: string, manifestText?: string): ModuleLocator {
  const manifest = manifestText === undefined ? undefined : parseModuleManifest(manifestText);
  return (callPath, call, callerDir) => {
    if (call.source === undefined) return { kind: 'missing', reason: `module "${call.name}" has no literal \`source\`` };
    const resolved = resolveModuleSource({ keyPath: callPath, source: call.source, callerDir: path.relative(rootDir, callerDir) || '.' }, manifest);
    return resolved.kind === 'folder' ? { kind: 'folder', dir: path.resolve(rootDir, resolved.dir) } : resolved;
  };
}

export async function readChildModules(
  rootDir: string,
  rootConfig: ModuleConfiguration,
  files: ModuleFiles,
  locate: ModuleLocator,
): Promise<Map<string, ChildModuleInput>> {
  const children = new Map<string, ChildModuleInput>();
  const visit = async (callPath: string[], dir: string, config: ModuleConfiguration, ancestors: string[]): Promise<void> => {
    for (const call of config.moduleCalls) {
      const childPath = [...callPath, call.name];
      const key = callPathKey(childPath);
      if (children.has(key)) continue;
      const location = locate(childPath, call, dir);
      if (location.kind === 'missing') {
        children.set(key, location);
        continue;
      }
      if (ancestors.includes(location.dir) || childPath.length > MAX_MODULE_DEPTH) {
        // The tree builder names the cycle; nothing more to read.
        children.set(key, { kind: 'read', dir: location.dir, files: [] });
        continue;
      }
      const read = await files.configurationFiles(location.dir);
      if (read.length === 0) {
        children.set(key, {
          kind: 'missing',
          reason: `module "${call.name}" (source "${call.source}"): ${path.relative(rootDir, location.dir) || '.'} holds no .tf files`,
        });
        continue;
      }
      children.set(key, { kind: 'read', dir: location.dir, files: read });
      const childConfig = buildModuleConfiguration(read.filter((f): f is ReadModuleFile => f.kind === 'read'));
      await visit(childPath, location.dir, childConfig, [...ancestors, location.dir]);
    }
  };
  await visit([], rootDir, rootConfig, [rootDir]);
  return children;
}
