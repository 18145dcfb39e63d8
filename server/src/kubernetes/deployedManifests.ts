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
import { decodeUtf8 } from '../terraform/terraformModuleAnalyzer';
import { parseManifest, type ManifestObject, type ParsedManifest } from './manifestParser';
import { identityKey } from './objectIdentity';

/** Folders that never hold what was deployed, and can be huge. */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.terraform']);
const MANIFEST_NAME = /\.ya?ml$/i;
/** As for an edited file: parsing YAML with positions costs about 1 s per MB, and bigger files are generated. */
const MAX_DEPLOYED_FILE_BYTES = 4 * 1024 * 1024;

export interface DeployedObject {
  file: string;
  object: ManifestObject;
}

export interface DeployedPool {
  /** The YAML files read, sorted. */
  files: string[];
  /** By identity key: every deployed object of that identity, in sorted file order. */
  objects: Map<string, DeployedObject[]>;
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  objects: Map<string, ManifestObject>;
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
    const read = names.map((file) => ({ file, entry: this.read(file) })).filter((r): r is { file: string; entry: CachedFile } => r.entry !== undefined);
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
    const pool = { files: read.map((r) => r.file), objects };
    this.pools.set(root, { at: Date.now(), entries, pool });
    return pool;
  }

  /** A file's objects; undefined when it cannot be read, is too large or is not UTF-8 (it is left out of the pool). */
  private read(file: string): CachedFile | undefined {
    try {
      const stat = statSync(file);
      const cached = this.files.get(file);
      if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached;
      if (stat.size > MAX_DEPLOYED_FILE_BYTES) return undefined;
      const text = decodeUtf8(readFileSync(file));
      if (text === undefined) return undefined;
      const entry = { mtimeMs: stat.mtimeMs, size: stat.size, objects: objectsByIdentity(parseManifest(text)) };
      this.files.set(file, entry);
      return entry;
    } catch {
      return undefined;
    }
  }
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
    } else if (entry.isFile() && MANIFEST_NAME.test(entry.name)) into.push(full);
  }
  return into;
}
