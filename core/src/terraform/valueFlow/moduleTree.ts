/**
 * A root module and the child modules it calls, as one tree: what Terraform loads for a plan.
 * Built from files a host has read (the disk, a git tree), so that the analysis stays pure. A call
 * whose module could not be read is kept as `missing`, with the reason for the user.
 */
import * as path from 'node:path';
import { buildModuleConfiguration, type ModuleCall, type ModuleConfiguration } from '../configuration';
import type { ModuleFileInput, ReadModuleFile } from '../moduleAnalysis';

export interface ModuleTreeNode {
  /** The module call names from the root: `[]` for the root, `['files', 'inner']` for `module.files.module.inner`. */
  callPath: readonly string[];
  /** Absolute folder. */
  dir: string;
  /** `path.module` as Terraform gives it, relative to the root module: `.` or `modules/f`. */
  pathModule: string;
  files: readonly ReadModuleFile[];
  config: ModuleConfiguration;
  /** By call name. */
  children: ReadonlyMap<string, ModuleTreeNode | MissingModule>;
}

export interface MissingModule {
  kind: 'missing';
  call: ModuleCall;
  /** Why, as a sentence: "module "x" (source …) is not installed: run `terraform init`". */
  reason: string;
}

/** A child module as a host read it: its folder and files, or why it has none. */
export type ChildModuleInput = { kind: 'read'; dir: string; files: readonly ModuleFileInput[] } | { kind: 'missing'; reason: string };

/** The host's answer for each module call, keyed by `callPathKey` of the call's path. */
export type ChildModuleInputs = ReadonlyMap<string, ChildModuleInput>;

/** Modules nested deeper than this are not followed: real trees are a few levels deep, and a call cycle would never end. */
export const MAX_MODULE_DEPTH = 12;

export function callPathKey(callPath: readonly string[]): string {
  return callPath.join('.');
}

/** `module.a.module.b` for a call path; '' for the root. */
export function moduleAddressOf(callPath: readonly string[]): string {
  return callPath.map((name) => `module.${name}`).join('.');
}

export function isMissingModule(node: ModuleTreeNode | MissingModule | undefined): node is MissingModule {
  return node !== undefined && 'kind' in node && node.kind === 'missing';
}

/**
 * The tree from the root's files and what the host read for each call. A config object per node
 * is built once per set of file objects: `configs` keeps them between analyses, so that an
 * unchanged child module yields the same configuration objects.
 */
export function buildModuleTree(
  rootDir: string,
  rootFiles: readonly ReadModuleFile[],
  rootConfig: ModuleConfiguration,
  children: ChildModuleInputs,
  configs?: WeakMap<readonly ModuleFileInput[], ModuleConfiguration>,
): ModuleTreeNode {
  const build = (callPath: string[], dir: string, files: readonly ReadModuleFile[], config: ModuleConfiguration, ancestors: string[]): ModuleTreeNode => {
    const nodeChildren = new Map<string, ModuleTreeNode | MissingModule>();
    for (const call of config.moduleCalls) {
      if (nodeChildren.has(call.name)) continue;
      const childPath = [...callPath, call.name];
      const input = children.get(callPathKey(childPath));
      if (!input) continue;
      if (input.kind === 'missing') {
        nodeChildren.set(call.name, { kind: 'missing', call, reason: input.reason });
        continue;
      }
      if (ancestors.includes(input.dir) || childPath.length > MAX_MODULE_DEPTH) {
        nodeChildren.set(call.name, {
          kind: 'missing',
          call,
          reason: `module "${call.name}" calls ${path.relative(rootDir, input.dir) || '.'}, which is already one of its callers: the analysis does not follow a cycle of module calls.`,
        });
        continue;
      }
      const read = input.files.filter((f): f is ReadModuleFile => f.kind === 'read');
      let childConfig = configs?.get(input.files);
      if (!childConfig) {
        childConfig = buildModuleConfiguration(read);
        configs?.set(input.files, childConfig);
      }
      nodeChildren.set(call.name, build(childPath, input.dir, read, childConfig, [...ancestors, input.dir]));
    }
    return {
      callPath,
      dir,
      pathModule: path.relative(rootDir, dir).split(path.sep).join('/') || '.',
      files,
      config,
      children: nodeChildren,
    };
  };
  return build([], rootDir, rootFiles, rootConfig, [rootDir]);
}

/** Every node of the tree, the root first. */
export function treeNodes(root: ModuleTreeNode): ModuleTreeNode[] {
  const nodes: ModuleTreeNode[] = [];
  const visit = (node: ModuleTreeNode) => {
    nodes.push(node);
    for (const child of node.children.values()) if (!isMissingModule(child)) visit(child);
  };
  visit(root);
  return nodes;
}
