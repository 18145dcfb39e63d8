/**
 * Reads a module's local Terraform state (`terraform.tfstate`, format version 4) as a baseline:
 * what is deployed, per resource instance. Read-only: the file is never written or locked.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BaselineError } from '../../io/baselineError';
import { LOCAL_STATE_FILE } from '../terraformFiles';
import type { StateSource } from './baselineSources';

export const SUPPORTED_STATE_VERSION = 4;

export type InstanceKey = number | string | undefined;

export interface StateInstance {
  /** `count` index (number), `for_each` key (string), or undefined for a single instance. */
  indexKey: InstanceKey;
  attributes: Record<string, unknown>;
  /** Paths of sensitive attributes, as Terraform records them (for rendering `(sensitive value)`). */
  sensitivePaths: string[][];
  /** The provider's schema version the attributes were stored with (`schema_version`). */
  schemaVersion: number;
  /** The provider's private data for the instance (`private`, base64), handed back to it when it plans. */
  private?: string;
}

export interface StateResource {
  /** `module.a.module.b`, or '' for the root module. Instance keys of module calls are kept (`module.a["x"]`). */
  module: string;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  provider: string;
  instances: StateInstance[];
}

export interface StateBaseline {
  kind: 'state';
  /** The state file's path; for a backend's state, the backend and workspace as the user would name them: `pg (workspace prod)`. */
  file: string;
  terraformVersion?: string;
  serial?: number;
  lineage?: string;
  resources: StateResource[];
  /** Set for a remote backend's state: which backend and workspace, and when it was read. */
  origin?: { backend: string; workspace: string; readAt: number; readWith: string };
}

/** Parses state text; throws BaselineError with a message that names the file and the problem. */
export function parseStateBaseline(text: string, file: string): StateBaseline {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new BaselineError(`Cannot read Terraform state ${file}: it is not valid JSON (${(error as Error).message}).`);
  }
  if (!isRecord(json)) throw new BaselineError(`Cannot read Terraform state ${file}: expected a JSON object.`);
  const version = json.version;
  if (version !== SUPPORTED_STATE_VERSION) {
    const seen = typeof version === 'number' || typeof version === 'string' ? `version ${String(version)}` : 'no version';
    throw new BaselineError(
      `Cannot read Terraform state ${file}: it has ${seen}; only state format version ${SUPPORTED_STATE_VERSION} ` +
        '(Terraform 0.12 and later, OpenTofu) is supported. Run `terraform plan` to see changes against it.',
    );
  }
  const resources: StateResource[] = [];
  const rawResources = json.resources ?? [];
  if (!Array.isArray(rawResources)) throw new BaselineError(`Cannot read Terraform state ${file}: "resources" is not a list.`);
  for (const [i, raw] of rawResources.entries()) {
    if (!isRecord(raw) || typeof raw.type !== 'string' || typeof raw.name !== 'string') {
      throw new BaselineError(`Cannot read Terraform state ${file}: resource #${i} has no type or name.`);
    }
    const mode = raw.mode === 'data' ? 'data' : raw.mode === 'managed' ? 'managed' : undefined;
    if (!mode) continue; // ephemeral or future modes are never compared with configuration
    const instances: StateInstance[] = [];
    for (const inst of Array.isArray(raw.instances) ? raw.instances : []) {
      if (!isRecord(inst)) continue;
      const attributes = isRecord(inst.attributes) ? inst.attributes : {};
      instances.push({
        indexKey: typeof inst.index_key === 'number' || typeof inst.index_key === 'string' ? inst.index_key : undefined,
        attributes,
        sensitivePaths: sensitivePathsOf(inst.sensitive_attributes),
        schemaVersion: typeof inst.schema_version === 'number' ? inst.schema_version : 0,
        ...(typeof inst.private === 'string' && inst.private !== '' ? { private: inst.private } : {}),
      });
    }
    resources.push({
      module: typeof raw.module === 'string' ? raw.module : '',
      mode,
      type: raw.type,
      name: raw.name,
      provider: typeof raw.provider === 'string' ? raw.provider : '',
      instances,
    });
  }
  return {
    kind: 'state',
    file,
    terraformVersion: typeof json.terraform_version === 'string' ? json.terraform_version : undefined,
    serial: typeof json.serial === 'number' ? json.serial : undefined,
    lineage: typeof json.lineage === 'string' ? json.lineage : undefined,
    resources,
  };
}

/** Cache keyed by file path; re-read only when size or mtime change. */
const cache = new Map<string, { mtimeMs: number; size: number; baseline: StateBaseline }>();

/** Reads `file`, or returns undefined when it does not exist. Throws BaselineError when it can't be used. */
export function readStateBaseline(file: string): StateBaseline | undefined {
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return undefined;
  }
  const cached = cache.get(file);
  if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.baseline;
  const text = readFileSync(file, 'utf8');
  const baseline = parseStateBaseline(text, file);
  cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, baseline });
  return baseline;
}

/** The module's `terraform.tfstate`, as a source of deployed state. */
export const localStateFile: StateSource = {
  state: async (dir) => readStateBaseline(join(dir, LOCAL_STATE_FILE)),
  absence: (dir) => `${join(dir, LOCAL_STATE_FILE)} does not exist`,
};

/** Terraform 1.x records sensitive paths as lists of `{type: "get_attr", value}` / `{type: "index", value}` steps. */
function sensitivePathsOf(raw: unknown): string[][] {
  if (!Array.isArray(raw)) return [];
  const paths: string[][] = [];
  for (const path of raw) {
    if (!Array.isArray(path)) continue;
    const steps: string[] = [];
    for (const step of path) {
      if (isRecord(step) && (typeof step.value === 'string' || typeof step.value === 'number')) steps.push(String(step.value));
    }
    paths.push(steps);
  }
  return paths;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
