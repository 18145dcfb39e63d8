/**
 * Which root modules the language server analyses for a document's folder. A child module is
 * analysed through the roots that call it — its values come from their calls, its baseline from
 * their state — and its callers are often not above it (`envs/prod` calls `../../modules/app`),
 * so the whole workspace folder is scanned for module calls, once, and the scan kept until a
 * watched file changes. An edit of an open document refreshes its own folder's calls only.
 */
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { calledFolders, isStandaloneRoot } from '../../../core/src/terraform/moduleFolderCalls';
import { rootAndChildModules, type ModuleFolderFacts, type RootAndChildModules } from '../../../core/src/terraform/rootAndChildModules';
import { isNativeSyntaxConfigurationFile } from '../../../core/src/terraform/terraformFiles';

/** Folders never scanned: tool data (remote modules under `.terraform` are reached through the manifest), dependencies, version control. */
const SKIPPED_FOLDERS = new Set(['.git', '.terraform', 'node_modules', '.hg', '.svn']);
/** Upper bound on the folders one scan reads, so that a huge workspace folder cannot stall the server. */
const MAX_SCANNED_FOLDERS = 5_000;

interface FolderCalls {
  callees: string[];
  standalone: boolean;
}

interface WorkspaceScan {
  folders: Map<string, FolderCalls>;
  decision: RootAndChildModules;
}

export class WorkspaceModuleRoots {
  /** Per workspace folder. */
  private readonly scans = new Map<string, Promise<WorkspaceScan>>();

  /**
   * `factsOf` reads a folder's module calls as the editor has them (the open documents over the
   * disk); `decisionChanged` hears when an edit changed which roots cover which folders, so that
   * the other folders' documents are moved to their new roots.
   */
  constructor(
    private readonly factsOf: (dir: string) => Promise<ModuleFolderFacts>,
    private readonly decisionChanged: () => void,
    private readonly maxFolders = MAX_SCANNED_FOLDERS,
  ) {}

  /** Files changed on disk: every folder is scanned again when next asked. */
  invalidate(): void {
    this.scans.clear();
  }

  /**
   * The root module folders whose analysis covers `dir`, sorted: `[dir]` for a root, or when it
   * lies in no workspace folder. `edited`: a document of `dir` changed, so its calls are read again.
   */
  async rootsOf(dir: string, workspaceFolder: string | undefined, edited = false): Promise<string[]> {
    if (workspaceFolder === undefined) return [dir];
    const scan = await this.scanOf(workspaceFolder);
    if (edited || !scan.folders.has(dir)) await this.refresh(scan, dir);
    return scan.decision.rootsOf.get(dir) ?? [dir];
  }

  private scanOf(workspaceFolder: string): Promise<WorkspaceScan> {
    let scan = this.scans.get(workspaceFolder);
    if (!scan) {
      scan = this.scan(workspaceFolder);
      this.scans.set(workspaceFolder, scan);
    }
    return scan;
  }

  private async scan(workspaceFolder: string): Promise<WorkspaceScan> {
    const folders = new Map<string, FolderCalls>();
    let scanned = 0;
    const pending = [workspaceFolder];
    while (pending.length > 0 && scanned++ < this.maxFolders) {
      const dir = pending.shift()!;
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable, or gone since it was listed
      }
      if (entries.some((e) => e.isFile() && isNativeSyntaxConfigurationFile(e.name))) folders.set(dir, await this.callsOf(dir));
      for (const entry of entries) if (entry.isDirectory() && !SKIPPED_FOLDERS.has(entry.name)) pending.push(path.join(dir, entry.name));
    }
    return { folders, decision: decide(folders) };
  }

  /** Reads `dir`'s calls again; decides again only when they changed. */
  private async refresh(scan: WorkspaceScan, dir: string): Promise<void> {
    const calls = await this.callsOf(dir);
    const before = scan.folders.get(dir);
    if (before && before.standalone === calls.standalone && before.callees.join('\n') === calls.callees.join('\n')) return;
    scan.folders.set(dir, calls);
    const previous = scan.decision;
    scan.decision = decide(scan.folders);
    if (!sameDecision(previous, scan.decision)) this.decisionChanged();
  }

  private async callsOf(dir: string): Promise<FolderCalls> {
    let facts;
    try {
      facts = await this.factsOf(dir);
    } catch {
      // Its files cannot be read as the analysis reads them: a root of its own, whose analysis says why.
      return { callees: [], standalone: false };
    }
    return { callees: calledFolders(dir, facts), standalone: isStandaloneRoot(dir, facts) };
  }
}

function sameDecision(a: RootAndChildModules, b: RootAndChildModules): boolean {
  if (a.rootsOf.size !== b.rootsOf.size) return false;
  for (const [folder, roots] of a.rootsOf) if (b.rootsOf.get(folder)?.join('\n') !== roots.join('\n')) return false;
  return true;
}

function decide(folders: ReadonlyMap<string, FolderCalls>): RootAndChildModules {
  const calls = new Map<string, string[]>();
  const standalone = new Set<string>();
  for (const [dir, folder] of folders) {
    calls.set(dir, folder.callees);
    if (folder.standalone) standalone.add(dir);
  }
  return rootAndChildModules({ calls, standalone });
}
