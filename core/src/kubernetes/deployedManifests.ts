/**
 * The pool of deployed Kubernetes objects in a file or folder the user pointed at (`check
 * --against`, the `againstPath` setting): every `.yaml`/`.yml` file under it, parsed, with each
 * object keyed by identity (group, kind, namespace, name). An edited object is matched with the
 * pool's object of the same identity wherever it lives, so a folder of rendered manifests, or
 * two `helm template` outputs, can be compared however their files are split.
 *
 * Files are read once and kept while their size and mtime are unchanged; the folder is listed
 * again at most every `relistMs` (the CLI never relists within a run; the editor after 1.5 s).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { decodeUtf8 } from '../io/utf8';
import { KUBERNETES_FILE } from './manifestFiles';
import { parseManifest, type ManifestObject, type ParsedManifest } from './manifestParser';
import { identityKey } from './objectIdentity';

/** Folders that never hold what was deployed, and can be huge. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.terraform']);
/** As for an edited file: parsing YAML with positions costs about 1 s per MB, and bigger files are generated. */
const MAX_DEPLOYED_FILE_BYTES = 4 * 1024 * 1024;

export interface DeployedObject {
  file: string;
  object: ManifestObject;
}

export interface DeployedPool {
  /** The YAML files read, sorted. */
  files: string[];
  /** Files that could not be read, or only in part, and why: they may hold objects the pool lacks. */
  unreadable: Array<{ file: string; reason: string }>;
  /** By identity key: every deployed object of that identity, in sorted file order. */
  objects: Map<string, DeployedObject[]>;
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  objects: Map<string, ManifestObject>;
  /** Why some or all of the file's objects are missing, when they are. */
  problem?: string;
}

export class DeployedManifests {
  private readonly files = new Map<string, CachedFile>();
  private readonly pools = new Map<string, { at: number; entries: CachedFile[]; pool: DeployedPool }>();

  constructor(private readonly relistMs: number) {}

  /** The pool under `root` (a file or folder); undefined when `root` does not exist. */
  pool(root: string): DeployedPool | undefined {
    const previous = this.pools.get(root);
    if (previous && Date.now() - previous.at < this.relistMs) return previous.pool;
    let names: string[];
    try {
      names = statSync(root).isDirectory() ? listManifests(root).sort() : [root];
    } catch {
      this.pools.delete(root);
      return undefined;
    }
    const read = names.map((file) => ({ file, entry: this.read(file) }));
    const entries = read.map((r) => r.entry);
    if (previous && previous.entries.length === entries.length && previous.entries.every((e, i) => e === entries[i])) {
      previous.at = Date.now();
      return previous.pool;
    }
    const objects = new Map<string, DeployedObject[]>();
    for (const { file, entry } of read) {
      for (const [key, object] of entry.objects) {
        const list = objects.get(key) ?? [];
        list.push({ file, object });
        objects.set(key, list);
      }
    }
    const unreadable = read.filter((r) => r.entry.problem !== undefined).map((r) => ({ file: r.file, reason: r.entry.problem! }));
    const pool = { files: read.filter((r) => r.entry.problem === undefined).map((r) => r.file), unreadable, objects };
    this.pools.set(root, { at: Date.now(), entries, pool });
    return pool;
  }

  /**
   * A file's objects. One that cannot be read, is too large, is not UTF-8 or has YAML syntax
   * errors says so in `problem`: its objects (all, or those it could parse) may be missing.
   */
  private read(file: string): CachedFile {
    let stat;
    try {
      stat = statSync(file);
    } catch (error) {
      return { mtimeMs: 0, size: 0, objects: new Map(), problem: (error as Error).message };
    }
    const cached = this.files.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
    const entry = readDeployedFile(file, stat.size);
    this.files.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, ...entry });
    return this.files.get(file)!;
  }
}

function readDeployedFile(file: string, size: number): Pick<CachedFile, 'objects' | 'problem'> {
  if (size > MAX_DEPLOYED_FILE_BYTES) {
    return { objects: new Map(), problem: `${(size / 1024 / 1024).toFixed(1)} MB, over the ${MAX_DEPLOYED_FILE_BYTES / 1024 / 1024} MB limit for manifests` };
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    return { objects: new Map(), problem: (error as Error).message };
  }
  const text = decodeUtf8(bytes);
  if (text === undefined) return { objects: new Map(), problem: 'not valid UTF-8' };
  const manifest = parseManifest(text);
  const objects = objectsByIdentity(manifest);
  if (manifest.syntaxErrors.length === 0) return { objects };
  const first = manifest.syntaxErrors[0];
  return { objects, problem: `a YAML syntax error on line ${first.range.start.line + 1}: ${first.message}` };
}

/** The deployed object for `key`: the one in `preferredFile` (the edited file's counterpart) if it has one, else the first. */
export function deployedObject(pool: DeployedPool, key: string, preferredFile: string | undefined): DeployedObject | undefined {
  const candidates = pool.objects.get(key);
  if (!candidates) return undefined;
  return candidates.find((c) => c.file === preferredFile) ?? candidates[0];
}

/** The objects of one file by identity key; of two with the same identity, the first. */
export function objectsByIdentity(manifest: ParsedManifest): Map<string, ManifestObject> {
  const objects = new Map<string, ManifestObject>();
  for (const object of manifest.objects) {
    if (!object.identity) continue;
    const key = identityKey(object.identity);
    if (!objects.has(key)) objects.set(key, object);
  }
  return objects;
}

function listManifests(dir: string, into: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return into;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name)) listManifests(full, into);
    } else if (entry.isFile() && KUBERNETES_FILE.test(entry.name)) into.push(full);
  }
  return into;
}
