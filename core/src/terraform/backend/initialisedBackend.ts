/**
 * Which backend a root module's state lives in, and which workspace it is on, as `init` left
 * them: `.terraform/terraform.tfstate` records the backend's type and its whole configuration
 * (the `backend` block merged with every `-backend-config`), `.terraform/environment` the selected
 * workspace, and `TF_WORKSPACE` overrides both tools' choice. The configuration files only say
 * which backend the module *declares*; until `init` has run for it, neither tool can read its state.
 * Only files are read here.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ModuleFileInput } from '../moduleAnalysis';

/** Backends whose state is not a file of the module's: read through the user's own terraform/tofu. */
export const REMOTE_BACKEND_TYPES: readonly string[] = ['s3', 'pg', 'http', 'gcs', 'azurerm', 'kubernetes', 'consul', 'remote', 'cloud', 'oss', 'cos', 'oci'];

export interface InitialisedBackend {
  /** As `init` recorded it: `pg`, `s3`, `http`, `local`, `cloud`, … */
  type: string;
  /** The backend's configuration as `init` recorded it (the block merged with `-backend-config`); may hold credentials, never shown. */
  config: Readonly<Record<string, unknown>>;
  /** The workspace the module is on. */
  workspace: string;
  /** The folder `init` wrote to (`.terraform`, or `TF_DATA_DIR`), absolute. */
  dataDir: string;
}

/** `.terraform`, or where TF_DATA_DIR moves it, for the root module in `rootDir`. */
export function dataDirOf(rootDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(rootDir, env.TF_DATA_DIR || '.terraform');
}

/** The selected workspace: TF_WORKSPACE, else what `workspace select` wrote, else `default`. */
export function selectedWorkspace(rootDir: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.TF_WORKSPACE) return env.TF_WORKSPACE;
  try {
    return readFileSync(path.join(dataDirOf(rootDir, env), 'environment'), 'utf8').trim() || 'default';
  } catch {
    return 'default';
  }
}

/**
 * The backend `init` configured for the module in `rootDir`; undefined when `init` has not run
 * (or ran without a backend block, which is the local backend at its default path).
 */
export function readInitialisedBackend(rootDir: string, env: NodeJS.ProcessEnv = process.env): InitialisedBackend | undefined {
  const dataDir = dataDirOf(rootDir, env);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path.join(dataDir, 'terraform.tfstate'), 'utf8'));
  } catch {
    return undefined;
  }
  const backend = (json as { backend?: unknown } | null)?.backend;
  if (typeof backend !== 'object' || backend === null) return undefined;
  const { type, config } = backend as { type?: unknown; config?: unknown };
  if (typeof type !== 'string' || type === '') return undefined;
  return {
    type,
    config: typeof config === 'object' && config !== null && !Array.isArray(config) ? (config as Record<string, unknown>) : {},
    workspace: selectedWorkspace(rootDir, env),
    dataDir,
  };
}

/**
 * The backend the module's configuration declares: the label of `terraform { backend "…" }`, or
 * `cloud` for a `cloud` block; undefined without either (the local backend).
 */
export function declaredBackendType(files: readonly ModuleFileInput[]): string | undefined {
  for (const input of files) {
    if (input.kind !== 'read') continue;
    for (const block of input.file.blocks) {
      if (block.type !== 'terraform') continue;
      for (const inner of block.blocks) {
        if (inner.type === 'cloud') return 'cloud';
        if (inner.type === 'backend' && inner.labels.length === 1) return inner.labels[0];
      }
    }
  }
  return undefined;
}

/** Whether state of this backend type is read through the tool rather than from a file. */
export function isRemoteBackend(type: string | undefined): boolean {
  return type !== undefined && REMOTE_BACKEND_TYPES.includes(type);
}
