/**
 * Our own check that a saved plan no longer matches the module, before Terraform is asked to
 * apply it. Terraform refuses a plan only when the *state* moved on ("Saved plan is stale"); it
 * applies a plan happily after the configuration was edited, because the plan file carries its
 * own copy of the configuration. But the user reviewed the plan against the files they see: once
 * those changed, what would be applied is no longer what the editor shows, and the next plan
 * would undo or redo part of it. So the plan controller takes a snapshot right after planning
 * (`snapshotModule`) and the apply asks `changedSince(snapshot)` first.
 *
 * What is compared: the files Terraform reads as configuration of the root module and of every
 * module call `init` recorded in `.terraform/modules/modules.json` (local ones are the user's own
 * folders; remote ones change only through `init`), the variables files, the dependency lock file,
 * and the local state file — by size, mtime and SHA-256. A file whose size and mtime are unchanged
 * is taken as unchanged without reading it (what `make` and git do); otherwise its hash decides, so
 * saving a file without an edit does not make a plan stale. A file edited *while* the plan ran
 * (after Terraform read it, before the snapshot) is caught by its mtime: newer than the plan's start.
 *
 * The state gets a closer look: its `serial` and `lineage`, read at snapshot time, tell "the plan
 * was already applied (or another run changed the state)" from "the state was replaced". We only
 * read the state: it is written by Terraform alone.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { DEPENDENCY_LOCK_FILE, isPlanInputFile, LOCAL_STATE_FILE } from '../../../core/src/terraform/terraformFiles';

/** What one file looked like when the snapshot was taken. */
export interface FileFingerprint {
  size: number;
  mtimeMs: number;
  sha256: string;
}

export interface StateFingerprint {
  /** Absolute path of the local state file (it may not exist). */
  file: string;
  exists: boolean;
  /** From the state's JSON; undefined when there is no state or it could not be read. */
  serial?: number;
  lineage?: string;
  fingerprint?: FileFingerprint;
}

export interface ModuleSnapshot {
  rootDir: string;
  /** When the snapshot was taken (ms since the epoch). */
  takenAt: number;
  /** When the plan started, if the caller said: files modified after it were read mid-plan or later. */
  planStartedAt?: number;
  /** Absolute path → fingerprint, for every watched file that existed. */
  files: Record<string, FileFingerprint>;
  /** Absolute paths of files whose mtime was already after the plan's start at snapshot time. */
  modifiedDuringPlan: string[];
  state: StateFingerprint;
  /** The folders scanned (the root module and the module calls `init` recorded), for new files. */
  moduleDirs: string[];
  /** Files outside those folders that the plan read (`-var-file=…`), watched too. */
  extraFiles: string[];
}

export interface SnapshotOptions {
  /** When planning started (ms since the epoch); see the header. */
  planStartedAt?: number;
  /** Variables files the plan was given from elsewhere (`-var-file`), absolute or relative to rootDir. */
  extraFiles?: readonly string[];
  /** For TF_DATA_DIR and TF_WORKSPACE, which move `.terraform` and pick the workspace. Default: this process's. */
  env?: NodeJS.ProcessEnv;
}

export type FileChangeKind = 'modified' | 'added' | 'removed';

export interface FileChange {
  file: string;
  /** Relative to the root module, with `/` (for messages). */
  relativePath: string;
  change: FileChangeKind;
}

export type StateChangeKind =
  /** The serial moved on: this plan, or another run, was applied since. */
  | 'applied'
  /** A state appeared where there was none: the plan (or another) was applied. */
  | 'created'
  /** A different state (another lineage) took its place. */
  | 'replaced'
  | 'removed'
  /** Same serial and lineage, other content: edited by hand. */
  | 'modified';

export interface StateChange {
  kind: StateChangeKind;
  file: string;
  before: { serial?: number; lineage?: string };
  after: { serial?: number; lineage?: string };
}

export interface ModuleChanges {
  /** True when the plan must not be applied. */
  stale: boolean;
  files: FileChange[];
  state?: StateChange;
  /** A sentence for the user when stale. */
  message?: string;
}

export async function snapshotModule(rootDir: string, options: SnapshotOptions = {}): Promise<ModuleSnapshot> {
  const root = path.resolve(rootDir);
  const takenAt = Date.now();
  const moduleDirs = await moduleFolders(root, options.env);
  const extraFiles = (options.extraFiles ?? []).map((f) => path.resolve(root, f));
  const files: Record<string, FileFingerprint> = {};
  const modifiedDuringPlan: string[] = [];
  for (const file of await watchedFiles(root, moduleDirs, extraFiles)) {
    const fingerprint = await fingerprintOf(file);
    if (!fingerprint) continue;
    files[file] = fingerprint;
    if (options.planStartedAt !== undefined && fingerprint.mtimeMs > options.planStartedAt) modifiedDuringPlan.push(file);
  }
  return {
    rootDir: root,
    takenAt,
    planStartedAt: options.planStartedAt,
    files,
    modifiedDuringPlan,
    state: await stateFingerprint(localStateFile(root, options.env)),
    moduleDirs,
    extraFiles,
  };
}

/** What changed since the snapshot; `stale` says whether the plan it was taken for must be refused. */
export async function changedSince(snapshot: ModuleSnapshot, options: Pick<SnapshotOptions, 'env'> = {}): Promise<ModuleChanges> {
  const root = snapshot.rootDir;
  // Module folders are listed again: a module call added (and init run) since is a change too.
  const moduleDirs = [...new Set([...snapshot.moduleDirs, ...(await moduleFolders(root, options.env))])];
  const now = await watchedFiles(root, moduleDirs, snapshot.extraFiles);
  const changes: FileChange[] = [];
  const duringPlan = new Set(snapshot.modifiedDuringPlan);
  for (const file of now) {
    const before = snapshot.files[file];
    if (!before) {
      if (await fingerprintOf(file)) changes.push(fileChange(root, file, 'added'));
      continue;
    }
    if (duringPlan.has(file)) {
      changes.push(fileChange(root, file, 'modified'));
      continue;
    }
    if (await differs(file, before)) changes.push(fileChange(root, file, 'modified'));
  }
  const present = new Set(now);
  for (const file of Object.keys(snapshot.files)) if (!present.has(file)) changes.push(fileChange(root, file, 'removed'));
  changes.sort((a, b) => a.relativePath.localeCompare(b.relativePath));

  const state = stateChange(snapshot.state, await stateFingerprint(snapshot.state.file));
  const stale = changes.length > 0 || state !== undefined;
  return { stale, files: changes, state, message: stale ? describeChanges(changes, state) : undefined };
}

/**
 * Without a snapshot (a plan opened from a file, or made before this session): the watched files
 * and the state modified after `sinceMs` (the plan file's mtime, or when it was made).
 */
export async function modifiedAfter(rootDir: string, sinceMs: number, options: Pick<SnapshotOptions, 'env' | 'extraFiles'> = {}): Promise<ModuleChanges> {
  const root = path.resolve(rootDir);
  const extraFiles = (options.extraFiles ?? []).map((f) => path.resolve(root, f));
  const candidates = [...(await watchedFiles(root, await moduleFolders(root, options.env), extraFiles)), localStateFile(root, options.env)];
  const changes: FileChange[] = [];
  for (const file of candidates) {
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile() && info.mtimeMs > sinceMs) changes.push(fileChange(root, file, 'modified'));
  }
  const stale = changes.length > 0;
  return { stale, files: changes, message: stale ? describeChanges(changes, undefined) : undefined };
}

/** The message for the user: what changed, and what to do. */
export function describeChanges(files: readonly FileChange[], state: StateChange | undefined): string {
  const parts: string[] = [];
  if (state) parts.push(stateSentence(state));
  if (files.length > 0) {
    const shown = files.slice(0, 5).map((f) => (f.change === 'modified' ? f.relativePath : `${f.relativePath} (${f.change})`));
    const more = files.length > 5 ? ` and ${files.length - 5} more` : '';
    const verb = files.length === 1 ? 'has changed' : 'have changed';
    parts.push(`${shown.join(', ')}${more} ${verb} since the plan was made, so it no longer shows what your configuration says.`);
  }
  return `The saved plan is stale: ${parts.join(' ')} Run the plan again and review the new one before applying.`;
}

function stateSentence(state: StateChange): string {
  const name = path.basename(state.file);
  switch (state.kind) {
    case 'applied':
      return `the plan was already applied, or another run changed the state since (${name} serial ${state.before.serial} → ${state.after.serial}).`;
    case 'created':
      return `the plan was already applied, or another run created the state since (${name} did not exist when the plan was made).`;
    case 'replaced':
      return `the state was replaced by a different one since the plan was made (${name} lineage ${state.before.lineage ?? 'unknown'} → ${state.after.lineage ?? 'unknown'}).`;
    case 'removed':
      return `the state file ${name} was removed after the plan was made.`;
    case 'modified':
      return `the state file ${name} was modified after the plan was made without a new serial (edited outside Terraform or OpenTofu?).`;
  }
}

function stateChange(before: StateFingerprint, after: StateFingerprint): StateChange | undefined {
  const change = (kind: StateChangeKind): StateChange => ({
    kind,
    file: after.file,
    before: { serial: before.serial, lineage: before.lineage },
    after: { serial: after.serial, lineage: after.lineage },
  });
  if (!before.exists && !after.exists) return undefined;
  if (!before.exists) return change('created');
  if (!after.exists) return change('removed');
  if (before.lineage !== undefined && after.lineage !== undefined && before.lineage !== after.lineage) return change('replaced');
  if (before.serial !== undefined && after.serial !== undefined && after.serial !== before.serial) return change('applied');
  if (before.fingerprint && after.fingerprint && before.fingerprint.sha256 !== after.fingerprint.sha256) return change('modified');
  return undefined;
}

/**
 * The local state file Terraform uses for this module: `terraform.tfstate`, or the selected
 * workspace's `terraform.tfstate.d/<name>/terraform.tfstate`. (A `backend "local"` block with a
 * custom `path` is not followed; remote backends have no local state, and Terraform's own check
 * covers them.)
 */
export function localStateFile(rootDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const workspace = env.TF_WORKSPACE || readWorkspace(rootDir, env);
  if (workspace && workspace !== 'default') return path.join(rootDir, 'terraform.tfstate.d', workspace, LOCAL_STATE_FILE);
  return path.join(rootDir, LOCAL_STATE_FILE);
}

function dataDir(rootDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(rootDir, env.TF_DATA_DIR || '.terraform');
}

function readWorkspace(rootDir: string, env: NodeJS.ProcessEnv): string | undefined {
  try {
    // Synchronous: a file of a few bytes, read once per check.
    return readFileSync(path.join(dataDir(rootDir, env), 'environment'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The root module and every module folder `init` recorded (the manifest's `Dir`s, relative to the root). */
async function moduleFolders(root: string, env: NodeJS.ProcessEnv | undefined): Promise<string[]> {
  const folders = new Set([root]);
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(path.join(dataDir(root, env), 'modules', 'modules.json'), 'utf8'));
  } catch {
    return [...folders];
  }
  const modules = (manifest as { Modules?: unknown }).Modules;
  if (Array.isArray(modules)) {
    for (const entry of modules) {
      const dir = (entry as { Dir?: unknown })?.Dir;
      if (typeof dir === 'string' && dir !== '') folders.add(path.resolve(root, dir));
    }
  }
  return [...folders].sort();
}

async function watchedFiles(root: string, moduleDirs: readonly string[], extraFiles: readonly string[]): Promise<string[]> {
  const files = new Set<string>(extraFiles);
  files.add(path.join(root, DEPENDENCY_LOCK_FILE));
  for (const dir of moduleDirs) {
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      continue; // a module folder removed since: its files show up as removed
    }
    // Only a module folder's top level: subfolders are other modules.
    for (const entry of entries) if (isPlanInputFile(entry)) files.add(path.join(dir, entry));
  }
  // Only regular files that exist count (a lock file never created is not "removed").
  const existing: string[] = [];
  for (const file of files) {
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) existing.push(file);
  }
  return existing.sort();
}

async function fingerprintOf(file: string): Promise<FileFingerprint | undefined> {
  try {
    const info = await stat(file);
    if (!info.isFile()) return undefined;
    const content = await readFile(file);
    return { size: info.size, mtimeMs: info.mtimeMs, sha256: sha256(content) };
  } catch {
    return undefined;
  }
}

async function differs(file: string, before: FileFingerprint): Promise<boolean> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return true;
  if (info.size === before.size && info.mtimeMs === before.mtimeMs) return false;
  const now = await fingerprintOf(file);
  return !now || now.sha256 !== before.sha256;
}

async function stateFingerprint(file: string): Promise<StateFingerprint> {
  let content: Buffer;
  let info;
  try {
    info = await stat(file);
    content = await readFile(file);
  } catch {
    return { file, exists: false };
  }
  // Terraform reads an empty state file as no state at all.
  if (content.length === 0) return { file, exists: false };
  const result: StateFingerprint = { file, exists: true, fingerprint: { size: info.size, mtimeMs: info.mtimeMs, sha256: sha256(content) } };
  try {
    const json = JSON.parse(content.toString('utf8')) as { serial?: unknown; lineage?: unknown };
    if (typeof json.serial === 'number') result.serial = json.serial;
    if (typeof json.lineage === 'string') result.lineage = json.lineage;
  } catch {
    // Unreadable JSON (mid-write, or not a state): the hash still tells a change.
  }
  return result;
}

function fileChange(root: string, file: string, change: FileChangeKind): FileChange {
  return { file, relativePath: path.relative(root, file).split(path.sep).join('/'), change };
}

function sha256(content: Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}
