/**
 * CustomResourceDefinitions read from YAML files: the files a host names (the CLI's paths and
 * `--crds`) or finds under a folder (the language server's workspace). Bounded — files over
 * MAX_DEFINITION_FILE_BYTES are not read, a folder walk stops after MAX_SCANNED_FILES YAML files —
 * and a file is parsed only when its text has `kind: CustomResourceDefinition`. Each file's
 * result is kept by size and modification time, so that a rescan after a change re-reads only
 * what changed.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { decodeUtf8 } from '../io/utf8';
import { definitionsInManifest, MENTIONS_CRD, type DefinitionProblem, type KnownDefinition } from './customResourceRegistry';
import { KUBERNETES_FILE } from './manifestFiles';
import { parseManifest } from './manifestParser';

/** cert-manager's CRDs in one file are about 1 MB; a CRD file larger than this is no hand-kept one. */
export const MAX_DEFINITION_FILE_BYTES = 8 * 1024 * 1024;
/** YAML files one folder walk reads at most, so that a huge workspace cannot stall the host. */
export const MAX_SCANNED_FILES = 5_000;
const SKIPPED_FOLDERS = new Set(['.git', '.terraform', 'node_modules', '.hg', '.svn', '.tools']);

export interface DefinitionFileResult {
  definitions: KnownDefinition[];
  problems: DefinitionProblem[];
}

export interface FolderScan extends DefinitionFileResult {
  /** True when the walk stopped at MAX_SCANNED_FILES. */
  truncated: boolean;
}

export class DefinitionFiles {
  private readonly cache = new Map<string, { size: number; mtimeMs: number; result: DefinitionFileResult }>();

  /** `display`: how the file is named as a rule's source (relative to the workspace or the working directory). */
  constructor(private readonly display: (file: string) => string = (file) => file) {}

  /** The CRDs of one file; a file that can't be read, or is over the limit, has none. */
  read(file: string): DefinitionFileResult {
    let size: number;
    let mtimeMs: number;
    try {
      ({ size, mtimeMs } = statSync(file));
    } catch {
      return { definitions: [], problems: [] }; // gone since it was listed: it holds nothing now
    }
    const cached = this.cache.get(file);
    if (cached && cached.size === size && cached.mtimeMs === mtimeMs) return cached.result;
    const result = this.readFresh(file, size);
    this.cache.set(file, { size, mtimeMs, result });
    return result;
  }

  /** The CRDs in the YAML files under `dirs` (and `dirs` that are files themselves). */
  scan(dirs: string[], maxFiles = MAX_SCANNED_FILES): FolderScan {
    const out: FolderScan = { definitions: [], problems: [], truncated: false };
    const seen = new Set<string>();
    let files = 0;
    const take = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const result = this.read(file);
      out.definitions.push(...result.definitions);
      out.problems.push(...result.problems);
    };
    const walk = (dir: string) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
      } catch {
        return; // gone or unreadable: nothing to index there
      }
      for (const entry of entries) {
        if (out.truncated) return;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) walk(full);
        else if (entry.isFile() && KUBERNETES_FILE.test(entry.name)) {
          if (++files > maxFiles) out.truncated = true;
          else take(full);
        }
      }
    };
    for (const dir of dirs) {
      let directory = false;
      try {
        directory = statSync(dir).isDirectory();
      } catch {
        directory = false;
      }
      if (directory) walk(dir);
      else take(dir);
    }
    const present = new Set(seen);
    for (const file of this.cache.keys()) if (!present.has(file)) this.cache.delete(file);
    return out;
  }

  private readFresh(file: string, size: number): DefinitionFileResult {
    const source = this.display(file);
    if (size > MAX_DEFINITION_FILE_BYTES) return { definitions: [], problems: [] };
    let text: string | undefined;
    try {
      text = decodeUtf8(readFileSync(file));
    } catch {
      // Unreadable: as a checked manifest its own analysis says why; anywhere else it holds nothing we can use.
      return { definitions: [], problems: [] };
    }
    if (text === undefined || !MENTIONS_CRD.test(text)) return { definitions: [], problems: [] };
    return definitionsInManifest(parseManifest(text), source);
  }
}
