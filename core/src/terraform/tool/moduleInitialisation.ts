/**
 * Which program initialised a root module: Terraform or OpenTofu. The two tools share the file
 * names (`.terraform.lock.hcl`, `.terraform/`) but not the registry: a bare `hashicorp/local`
 * means `registry.terraform.io/hashicorp/local` to Terraform and `registry.opentofu.org/hashicorp/local`
 * to OpenTofu. So the lock file each `init` writes names providers of its own registry host, and
 * installs them under `.terraform/providers/<host>/`; each also signs the lock file's header
 * (`# This file is maintained automatically by "tofu init".`). A module initialised by one tool
 * fails to plan with the other ("Inconsistent dependency lock file"), which reads like a module
 * never initialised at all — this module tells the two situations apart, and lets the extension
 * pick the right program when both are installed. It only reads files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEPENDENCY_LOCK_FILE as LOCK_FILE } from '../terraformFiles';
import { readProviderLockFile } from '../providerLockFile';
import { toolCommand, type TerraformTool } from './terraformExecutable';

/** The default registry of each tool: where a provider source without a host comes from. */
export const REGISTRY_HOSTS: Readonly<Record<TerraformTool, string>> = {
  terraform: 'registry.terraform.io',
  opentofu: 'registry.opentofu.org',
};

export interface ModuleInitialisation {
  /** The tool the module's files point to; undefined when they say nothing about either. */
  tool?: TerraformTool;
  /** Why, as a clause: `.terraform.lock.hcl selects providers from registry.opentofu.org`. */
  reason?: string;
  lockFile: {
    exists: boolean;
    /** The tool named in the header `init` writes, if any. */
    writtenBy?: TerraformTool;
    /** The registry hosts of the providers it selects (every host, lower case, sorted). */
    providerHosts: string[];
  };
  /** The host folders under `.terraform/providers` (lower case, sorted). */
  providerFolderHosts: string[];
}

export interface InitialisationOptions {
  /** For TF_DATA_DIR, which moves `.terraform`. Default: this process's environment. */
  env?: NodeJS.ProcessEnv;
}

/** Reads the module's lock file and `.terraform/providers` and says which tool they belong to. */
export function moduleInitialisation(moduleDir: string, options: InitialisationOptions = {}): ModuleInitialisation {
  const env = options.env ?? process.env;
  const lockText = readText(path.join(moduleDir, LOCK_FILE));
  const lockFile = lockText === undefined ? { exists: false, providerHosts: [] } : { exists: true, ...parseLockFile(lockText) };
  const dataDir = env.TF_DATA_DIR ? path.resolve(moduleDir, env.TF_DATA_DIR) : path.join(moduleDir, '.terraform');
  const providerFolderHosts = subfolders(path.join(dataDir, 'providers'))
    .map((h) => h.toLowerCase())
    .sort();
  return { ...decide(lockFile, providerFolderHosts), lockFile, providerFolderHosts };
}

/** The header's tool and the provider hosts of a lock file's text. */
export function parseLockFile(text: string): { writtenBy?: TerraformTool; providerHosts: string[] } {
  const { writtenBy, providers } = readProviderLockFile(text);
  const hosts = new Set(providers.map((provider) => registryHostOf(provider.source)).filter((host) => host !== undefined));
  return { ...(writtenBy ? { writtenBy } : {}), providerHosts: [...hosts].sort() };
}

/** The host a lock file's provider comes from: its source's first part, lower case (`init` always writes the host). */
function registryHostOf(source: string): string | undefined {
  const slash = source.indexOf('/');
  return slash > 0 ? source.slice(0, slash).toLowerCase() : undefined;
}

/** The tool whose default registry `host` is, if it is one of the two. */
export function toolOfRegistryHost(host: string): TerraformTool | undefined {
  const lower = host.toLowerCase();
  return (Object.keys(REGISTRY_HOSTS) as TerraformTool[]).find((tool) => REGISTRY_HOSTS[tool] === lower);
}

/**
 * The lock file first: it is what `plan` checks before anything else, and what `init` rewrites.
 * Its providers' hosts decide when they all belong to one tool; a lock file naming providers from
 * both registries (a source spelled with its host) is decided by its header. The provider folders
 * count only when there is no lock file to go by (it was deleted, or never committed).
 */
function decide(lockFile: ModuleInitialisation['lockFile'], folderHosts: string[]): Pick<ModuleInitialisation, 'tool' | 'reason'> {
  const lockTools = toolsOf(lockFile.providerHosts);
  if (lockTools.length === 1) {
    return { tool: lockTools[0], reason: `${LOCK_FILE} selects providers from ${REGISTRY_HOSTS[lockTools[0]]}` };
  }
  if (lockFile.writtenBy) {
    const both = lockTools.length === 2 ? ` (it selects providers from both ${REGISTRY_HOSTS.terraform} and ${REGISTRY_HOSTS.opentofu})` : '';
    return { tool: lockFile.writtenBy, reason: `${LOCK_FILE} was written by "${toolCommand(lockFile.writtenBy)} init"${both}` };
  }
  if (lockTools.length === 0) {
    const folderTools = toolsOf(folderHosts);
    if (folderTools.length === 1) return { tool: folderTools[0], reason: `.terraform/providers holds providers from ${REGISTRY_HOSTS[folderTools[0]]}` };
  }
  return {};
}

function toolsOf(hosts: string[]): TerraformTool[] {
  return [...new Set(hosts.map(toolOfRegistryHost).filter((t): t is TerraformTool => t !== undefined))].sort();
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
  } catch {
    return [];
  }
}
