/**
 * One plan or apply per root module at a time, inside this extension host. Terraform's state lock
 * guards the state across processes, but not everything: two plans of one module write the same
 * saved-plan file, and a plan started during an apply reviews a state that is about to change.
 * The plan and the apply commands are owned by different controllers, so they share this registry
 * (`rootModuleRuns`) rather than each keeping its own map.
 */
import { realpathSync } from 'node:fs';
import * as path from 'node:path';

export type RootModuleRunKind = 'plan' | 'apply';

export interface RunningOperation {
  rootDir: string;
  kind: RootModuleRunKind;
  /** ms since the epoch. */
  startedAt: number;
}

export type AcquireResult =
  | { ok: true; /** Ends this run's hold; calling it again (or after another run took over) does nothing. */ release: () => void }
  | { ok: false; running: RunningOperation; message: string };

export class RootModuleRuns {
  private readonly running = new Map<string, RunningOperation>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes the module for a `kind` run, or says what already holds it. */
  tryAcquire(rootDir: string, kind: RootModuleRunKind): AcquireResult {
    const key = moduleKey(rootDir);
    const current = this.running.get(key);
    if (current) return { ok: false, running: { ...current }, message: refusal(current, kind, this.now()) };
    const operation: RunningOperation = { rootDir: path.resolve(rootDir), kind, startedAt: this.now() };
    this.running.set(key, operation);
    return {
      ok: true,
      release: () => {
        // Only this hold: a stale release must not free a run that started after it.
        if (this.running.get(key) === operation) this.running.delete(key);
      },
    };
  }

  /** What holds the module now, if anything. */
  current(rootDir: string): RunningOperation | undefined {
    const current = this.running.get(moduleKey(rootDir));
    return current && { ...current };
  }

  /** Every run in progress (for a status view, or to cancel all on shutdown). */
  all(): RunningOperation[] {
    return [...this.running.values()].map((r) => ({ ...r }));
  }
}

/** The registry the extension's controllers share. */
export const rootModuleRuns = new RootModuleRuns();

/**
 * One key per folder however it is spelled: resolved, symlinks followed where the folder exists
 * (a workspace opened through a link is the same module), case-folded where the file system is
 * case-insensitive by default.
 */
export function moduleKey(rootDir: string): string {
  let resolved = path.resolve(rootDir);
  try {
    resolved = realpathSync.native(resolved);
  } catch {
    // not there (any more): the resolved spelling is the best key
  }
  return process.platform === 'win32' || process.platform === 'darwin' ? resolved.toLowerCase() : resolved;
}

function refusal(current: RunningOperation, wanted: RootModuleRunKind, now: number): string {
  const seconds = Math.max(0, Math.round((now - current.startedAt) / 1000));
  const what = current.kind === 'apply' ? 'an apply' : 'a plan';
  const want = wanted === 'apply' ? 'apply' : 'plan';
  return `Cannot ${want} ${current.rootDir} now: ${what} of this root module is already running (started ${seconds} s ago). Wait for it to finish, or cancel it, and try again.`;
}
