/**
 * Where a `module` call's code is, relative to the root module folder. A local source (`./x`,
 * `../x`) is a folder beside the caller and needs nothing installed. Every other source (the
 * registry, git, an archive, a bucket) is fetched by `terraform init` / `tofu init` into
 * `.terraform/modules`, and only the manifest that init writes beside it (`modules.json`) says
 * which folder holds which call. Pure: the host reads the manifest and hands its text over.
 *
 * The manifest, as both tools write it:
 * `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"files","Source":"./modules/f","Dir":"modules/f"},
 * {"Key":"files.inner","Source":"./inner","Dir":"modules/f/inner"}]}` — one record per call, keyed
 * by the call names from the root joined with dots (names cannot hold a dot), `Dir` relative to
 * the root module folder, `Version` for registry modules.
 */
import * as path from 'node:path';

/** Where the manifest is, relative to the root module folder. */
export const MODULE_MANIFEST_PATH = '.terraform/modules/modules.json';

export interface ModuleManifestRecord {
  /** The call names from the root, joined with dots: `files.inner`. The root itself has `""`. */
  key: string;
  /** The source as init recorded it: local sources as written, others normalised (`registry.terraform.io/…`). */
  source: string;
  /** Registry modules only: the version init chose. */
  version?: string;
  /** The installed folder, relative to the root module folder, with `/` separators. */
  dir: string;
}

export interface ModuleManifest {
  /** By key. */
  records: ReadonlyMap<string, ModuleManifestRecord>;
  /** Why the manifest could not be used, as the end of a sentence; its records are then empty. */
  problem?: string;
}

/** Reads the manifest's text; a manifest that is not what init writes gives no records and says why. */
export function parseModuleManifest(text: string): ModuleManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { records: new Map(), problem: `${MODULE_MANIFEST_PATH} is not valid JSON (${(error as Error).message})` };
  }
  const modules = isObject(json) ? json.Modules : undefined;
  if (!Array.isArray(modules)) return { records: new Map(), problem: `${MODULE_MANIFEST_PATH} has no "Modules" list` };
  const records = new Map<string, ModuleManifestRecord>();
  for (const entry of modules) {
    if (!isObject(entry) || typeof entry.Key !== 'string' || typeof entry.Dir !== 'string') continue;
    const record: ModuleManifestRecord = {
      key: entry.Key,
      source: typeof entry.Source === 'string' ? entry.Source : '',
      dir: normalisedFolder(entry.Dir),
    };
    if (typeof entry.Version === 'string' && entry.Version !== '') record.version = entry.Version;
    records.set(record.key, record);
  }
  return { records };
}

export interface ModuleCallLocation {
  /** The call names from the root module down to this call: `['files', 'inner']`. */
  keyPath: readonly string[];
  /** The call's `source`, as written. */
  source: string;
  /** The folder of the module that holds the call, relative to the root module folder (`.` for the root). */
  callerDir: string;
}

export type ModuleSourceResolution =
  /** `dir` relative to the root module folder, normalised (`modules/f`, `../shared/net`, `.terraform/modules/vpc`). */
  | { kind: 'folder'; dir: string }
  /** A sentence for the user: why the module's code is not there to read. */
  | { kind: 'missing'; reason: string };

/**
 * The folder of a module call's code. The manifest's record wins where it has one for the call,
 * except for a local source edited since init (the recorded source differs): Terraform would ask
 * for init again, but the folder the text now names is the one the user means. Without a record a
 * local source is resolved against the caller's folder, and any other source is missing.
 */
export function resolveModuleSource(call: ModuleCallLocation, manifest?: ModuleManifest): ModuleSourceResolution {
  const key = call.keyPath.join('.');
  const record = manifest?.records.get(key);
  const local = isLocalModuleSource(call.source);
  if (local) {
    const written = normalisedFolder(path.posix.join(slashes(call.callerDir), slashes(call.source)));
    if (record && sameLocalSource(record.source, call.source)) return { kind: 'folder', dir: record.dir };
    return { kind: 'folder', dir: written };
  }
  if (record) return { kind: 'folder', dir: record.dir };
  const why = manifest?.problem !== undefined ? ` (${manifest.problem})` : '';
  return { kind: 'missing', reason: `${callName(call.keyPath)} (source "${call.source}") is not installed${why}: run \`terraform init\`` };
}

/** Terraform's rule: a local module source starts with `./` or `../` (on Windows also `.\` or `..\`); anything else is fetched. */
export function isLocalModuleSource(source: string): boolean {
  return /^\.\.?[\\/]/.test(source);
}

/** `module "files"`, or `module "inner" in module.files` for a call inside a child module. */
function callName(keyPath: readonly string[]): string {
  const name = keyPath[keyPath.length - 1] ?? '';
  const within = keyPath.slice(0, -1);
  return within.length === 0 ? `module "${name}"` : `module "${name}" in ${within.map((n) => `module.${n}`).join('.')}`;
}

/** Init records a local source cleaned (`./modules/f/` as `./modules/f`). */
function sameLocalSource(recorded: string, written: string): boolean {
  return normalisedFolder(slashes(recorded)) === normalisedFolder(slashes(written));
}

function slashes(p: string): string {
  return p.replace(/\\/g, '/');
}

/** `/` separators, no `.` or empty segments, no trailing slash; `.` for the folder itself. */
function normalisedFolder(p: string): string {
  const normalised = path.posix.normalize(slashes(p));
  return normalised.length > 1 ? normalised.replace(/\/+$/, '') : normalised;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
