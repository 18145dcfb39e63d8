/**
 * Where a module's configuration files come from, for the analysis: the disk with the editor's
 * open documents over it (`DiskModuleFiles`, here), or a git tree at a commit (`GitTreeFiles`).
 * Both hand the files over read and parsed, or with the reason they could not be, so that the pure
 * analysis (moduleAnalysis.ts) never knows where they were.
 */
import { existsSync, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { decodeUtf8 } from '../io/utf8';
import type { HclParser, ParsedHclDocument } from './hcl/hclParser';
import type { ModuleFileInput, ReadModuleFile, UnreadableModuleFile } from './moduleAnalysis';
import { MODULE_MANIFEST_PATH } from './moduleSources';
import { lockedProviderVersions } from './providerLockFile';
import { renderFinding } from '../findingText/ruleText';
import type { LockFileVersions } from './replacementCoverage';
import { DEPENDENCY_LOCK_FILE, isAutoLoadedTfvarsFile, isNativeSyntaxConfigurationFile } from './terraformFiles';
import type { VariableDefinitionsFile } from './valueFlow/configurationValues';
import { compareTfvarsLoadOrder, jsonVariableDefinitions, parseVariableDefinitions } from './variableDefinitions';

/** A source of a module's configuration files. */
export interface ModuleFiles {
  /** The native-syntax configuration files directly in `dir`, sorted by path: each read and parsed, or why it could not be. */
  configurationFiles(dir: string): Promise<ModuleFileInput[]>;
}

/** Files larger than this are not analysed: Terraform configuration that big is generated, not typed. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;

/** A document the editor has open, which takes the place of the file on disk. */
export interface OpenDocument {
  text: string;
  /** Absent when the document is too large to analyse (see MAX_FILE_BYTES). */
  parsed?: ParsedHclDocument;
}

interface CachedFile {
  mtimeMs: number;
  size: number;
  read: ReadModuleFile;
}

/**
 * Module files on disk, each parsed once and kept while its size and mtime are unchanged: an
 * unchanged file yields the very same objects from one analysis to the next, which the caches
 * keyed on them rely on. `withOpenDocuments` lays the editor's documents over the disk.
 */
export class DiskModuleFiles implements ModuleFiles {
  /** By absolute path. */
  private readonly cache = new Map<string, CachedFile>();
  /** By absolute path: what a lock file says, kept while its size and mtime are unchanged. */
  private readonly lockFiles = new Map<string, { mtimeMs: number; size: number; versions: LockFileVersions }>();

  constructor(private readonly parser: HclParser) {}

  async configurationFiles(dir: string): Promise<ModuleFileInput[]> {
    return this.listConfigurationFiles(dir).map((file) => this.read(file));
  }

  /** The module's files as the editor has them: the open documents (by absolute path) take the place of the files on disk. */
  withOpenDocuments(openDocuments: ReadonlyMap<string, OpenDocument>): ModuleFiles {
    return { configurationFiles: async (dir) => this.overlaid(dir, openDocuments) };
  }

  /**
   * The variable definitions files Terraform loads by itself, in its order; unreadable ones are
   * left out. An open document (by absolute path) takes the place of the file on disk, so that an
   * unsaved edit of a value is what the analysis evaluates.
   */
  variableFiles(dir: string, openDocuments: ReadonlyMap<string, OpenDocument> = new Map()): VariableDefinitionsFile[] {
    const names = new Set(safeReaddir(dir).filter(isAutoLoadedTfvarsFile));
    for (const file of openDocuments.keys()) if (path.dirname(file) === dir && isAutoLoadedTfvarsFile(file)) names.add(path.basename(file));
    const files: VariableDefinitionsFile[] = [];
    for (const name of [...names].sort(compareTfvarsLoadOrder)) {
      const file = path.join(dir, name);
      const open = openDocuments.get(file);
      if (open) {
        // A JSON document is parsed here: the editor's parse is HCL.
        if (file.endsWith('.json')) files.push({ path: file, file: jsonVariableDefinitions(open.text) });
        else if (open.parsed) files.push({ path: file, file: open.parsed.file });
        continue;
      }
      const loaded = this.read(file);
      if (loaded.kind === 'read') files.push({ path: loaded.path, file: loaded.file });
    }
    return files;
  }

  /** Variable definitions files named by `-var-file`, by a path relative to `dir` (or absolute), in order; unreadable ones are left out. */
  namedVariableFiles(dir: string, files: readonly string[]): VariableDefinitionsFile[] {
    const read: VariableDefinitionsFile[] = [];
    for (const file of files) {
      const loaded = this.read(path.resolve(dir, file));
      if (loaded.kind === 'read') read.push({ path: loaded.path, file: loaded.file });
    }
    return read;
  }

  /** The text of the module manifest `terraform init` wrote in the root module `dir`; undefined when there is none. */
  moduleManifest(dir: string): string | undefined {
    return this.fileText(dir, MODULE_MANIFEST_PATH);
  }

  /** A file's text for `file()` in expressions, by a path relative to `dir` (or absolute); undefined when it can't be read. */
  fileText(dir: string, file: string): string | undefined {
    const absolute = path.resolve(dir, file);
    const stat = statOf(absolute);
    if ('problem' in stat || !stat.isFile()) return undefined;
    const text = decodedText(absolute, stat.size);
    return typeof text === 'string' ? text : undefined;
  }

  /** The module's own lock file; a child module has none (its root's applies), which the message says. */
  lockFile(dir: string): LockFileVersions {
    const file = path.join(dir, DEPENDENCY_LOCK_FILE);
    if (!existsSync(file)) return { kind: 'absent' };
    const stat = statOf(file);
    if ('problem' in stat) return { kind: 'unreadable' };
    const cached = this.lockFiles.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.versions;
    // The lock file's own scanner reads it: no HCL parse, and none again while it is unchanged.
    const text = decodedText(file, stat.size);
    const versions: LockFileVersions = typeof text === 'string' ? { kind: 'read', versions: lockedProviderVersions(text) } : { kind: 'unreadable' };
    this.lockFiles.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, versions });
    return versions;
  }

  /** One file, parsed; or why it cannot be analysed. */
  read(file: string): ReadModuleFile | UnreadableModuleFile {
    const stat = statOf(file);
    if ('problem' in stat) return { kind: 'unreadable', path: file, problem: stat.problem };
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size) return cached.read;
    const decoded = decodedText(file, stat.size);
    if (typeof decoded !== 'string') return { kind: 'unreadable', path: file, problem: decoded.problem };
    const read: ReadModuleFile = { kind: 'read', path: file, text: decoded, file: parseVariableDefinitions(file, decoded, this.parser).file };
    this.cache.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, read });
    return read;
  }

  private overlaid(dir: string, openDocuments: ReadonlyMap<string, OpenDocument>): ModuleFileInput[] {
    const names = new Set(this.listConfigurationFiles(dir));
    for (const file of openDocuments.keys()) if (path.dirname(file) === dir && isNativeSyntaxConfigurationFile(file)) names.add(file);
    return [...names].sort().map((file): ModuleFileInput => {
      const open = openDocuments.get(file);
      if (!open) return this.read(file);
      if (!open.parsed) return { kind: 'unreadable', path: file, problem: tooLargeMessage(file, Buffer.byteLength(open.text, 'utf8')) };
      const read: ReadModuleFile = { kind: 'read', path: file, text: open.text, file: open.parsed.file };
      // The editor decoded the bytes with its own guess; replacement characters hint they aren't UTF-8.
      if (open.text.includes('\uFFFD') && isNotUtf8OnDisk(file)) read.problem = notUtf8Message(file);
      return read;
    });
  }

  /** Absolute paths of the configuration files directly in `dir`, sorted. */
  private listConfigurationFiles(dir: string): string[] {
    return safeReaddir(dir)
      .filter(isNativeSyntaxConfigurationFile)
      .map((name) => path.join(dir, name))
      .sort();
  }
}

function isNotUtf8OnDisk(file: string): boolean {
  try {
    return decodeUtf8(readFileSync(file)) === undefined;
  } catch {
    return false;
  }
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The file's size and mtime, or why it cannot be read. */
function statOf(file: string): Stats | { problem: string } {
  try {
    return statSync(file);
  } catch (error) {
    return { problem: `Cannot read ${path.basename(file)}: ${(error as Error).message}` };
  }
}

/** The file's text, or why it is not analysed: over MAX_FILE_BYTES, or not UTF-8. */
function decodedText(file: string, size: number): string | { problem: string } {
  if (size > MAX_FILE_BYTES) return { problem: tooLargeMessage(file, size) };
  return decodeUtf8(readFileSync(file)) ?? { problem: notUtf8Message(file) };
}

export function notUtf8Message(file: string): string {
  return renderFinding('terraform/file-unreadable', { problem: 'not-utf8', file }).message;
}

export function tooLargeMessage(file: string, bytes: number): string {
  return renderFinding('terraform/file-unreadable', { problem: 'too-large', file, bytes, limitBytes: MAX_FILE_BYTES }).message;
}
