/**
 * The deployed state of each root module, wherever its backend keeps it: the module's own
 * `terraform.tfstate` for the local backend, else the remote backend's state read with the
 * user's terraform/tofu (backendStateRead.ts). A remote read costs a process and a round trip to
 * the backend, so it is not made per keystroke:
 * - the first analysis of a module waits for its read;
 * - later analyses get the last snapshot at once; once it is older than `refreshMs`, they also
 *   start one read in the background, and `onRead` says when it finished and whether the state
 *   (or its unavailability) changed, so that the host analyses again;
 * - `refresh` reads again now (the command Refresh Deployed State), and waits for it.
 * A failed read is kept like a snapshot (and retried as one), so an unreachable backend costs one
 * timeout per refresh interval, not one per edit.
 */
import { createHash } from 'node:crypto';
import { BaselineError } from '../../io/baselineError';
import type { ProcessRunner } from '../../exec/processRunner';
import { declaredBackendType, isRemoteBackend, readInitialisedBackend, type InitialisedBackend } from '../backend/initialisedBackend';
import type { TerraformTool } from '../tool/terraformExecutable';
import { BackendStateError, pullBackendState, type BackendStateSnapshot } from './backendStateRead';
import type { StateSource } from './baselineSources';
import { localStateFile, type StateBaseline } from './stateBaseline';
import type { ModuleFileInput } from '../moduleAnalysis';

/** The terraform/tofu to read a module's state with. Throws (with a message for the user) when there is none. */
export type ExecutableForModule = (rootDir: string) => Promise<{ path: string; tool?: TerraformTool; version?: string }>;

export interface BackendStatesOptions {
  executableFor: ExecutableForModule;
  runner: ProcessRunner;
  env?: NodeJS.ProcessEnv;
  /** Per module: how long a read may take, and how old a snapshot may get before it is read again (ms). */
  timing: (rootDir: string) => { timeoutMs: number; refreshMs: number };
  /**
   * A read finished that no analysis is waiting for: `changed` when the state (or why it can't
   * be read) differs from what the last analysis got. Not called for reads analyses wait for.
   */
  onRead?: (rootDir: string, changed: boolean) => void;
  now?: () => number;
}

interface Entry {
  /** The backend's type, configuration hash, workspace and tool: another of these is another state. */
  key: string;
  backend: InitialisedBackend;
  result?: { snapshot: BackendStateSnapshot } | { error: BackendStateError };
  /** When `result` was read. */
  readAt: number;
  pending?: Promise<void>;
}

export class BackendStates {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;

  constructor(private readonly options: BackendStatesOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * The state source for analyses: the backend's state where `init` configured a remote backend,
   * else the local state file. `mayRunProcesses` false (an untrusted workspace): a remote state is
   * not read, and the module is said to have none, with why.
   */
  source(mayRunProcesses: boolean, files: readonly ModuleFileInput[]): StateSource {
    return {
      state: async (dir) => {
        const backend = readInitialisedBackend(dir, this.options.env);
        const declared = declaredBackendType(files);
        if (!isRemoteBackend(backend?.type) && !isRemoteBackend(declared)) return localStateFile.state(dir);
        if (!backend || !isRemoteBackend(backend.type)) {
          throw new BackendStateError(
            `The module declares a ${declared} backend, but \`init\` has not been run for it, so its state cannot be read.`,
            'not-initialised',
            '',
          );
        }
        if (!mayRunProcesses) {
          throw new BackendStateError(
            `The state of the ${backend.type} backend (workspace ${backend.workspace}) is not read: this workspace is not trusted, and reading it runs terraform or tofu.`,
            'untrusted',
            '',
          );
        }
        return this.stateOf(dir, backend);
      },
      absence: (dir) => {
        const backend = readInitialisedBackend(dir, this.options.env);
        return backend && isRemoteBackend(backend.type)
          ? `the ${backend.type} backend holds no state for workspace ${backend.workspace} yet`
          : localStateFile.absence(dir);
      },
    };
  }

  /** Reads every remote state already read (or just `rootDir`'s) again now, and waits for the reads. */
  async refresh(rootDir?: string): Promise<void> {
    const dirs = rootDir === undefined ? [...this.entries.keys()] : [rootDir];
    await Promise.all(
      dirs.map(async (dir) => {
        const entry = this.entries.get(dir);
        if (!entry) return;
        await entry.pending;
        await this.read(dir, entry, true);
      }),
    );
  }

  /** Whether `rootDir`'s last read is older than its refresh interval: the host's timer asks before analysing again. */
  due(rootDir: string): boolean {
    const entry = this.entries.get(rootDir);
    return entry !== undefined && !entry.pending && this.now() - entry.readAt >= this.options.timing(rootDir).refreshMs;
  }

  /** Whether `rootDir`'s state comes from a remote backend (read, or tried): the host keeps refreshing those. */
  isRemote(rootDir: string): boolean {
    return this.entries.has(rootDir);
  }

  /** When `rootDir`'s remote state was last read successfully (ms since the epoch); undefined when it never was, or the last read failed. */
  lastReadAt(rootDir: string): number | undefined {
    const result = this.entries.get(rootDir)?.result;
    return result && 'snapshot' in result ? result.snapshot.readAt : undefined;
  }

  /** Forgets `rootDir` (its documents were all closed). */
  forget(rootDir: string): void {
    this.entries.delete(rootDir);
  }

  private async stateOf(dir: string, backend: InitialisedBackend): Promise<StateBaseline | undefined> {
    const executable = await this.options.executableFor(dir).catch((error: unknown) => {
      throw new BackendStateError(
        `The state of the ${backend.type} backend (workspace ${backend.workspace}) cannot be read: ${(error as Error).message}`,
        'tool-missing',
        (error as Error).message,
      );
    });
    const key = entryKey(backend, executable.path);
    let entry = this.entries.get(dir);
    if (!entry || entry.key !== key) {
      entry = { key, backend, readAt: 0 };
      this.entries.set(dir, entry);
    }
    if (!entry.result) {
      // The first read of this state: the analysis waits for it.
      entry.pending ??= this.read(dir, entry, false);
      await entry.pending;
    } else if (!entry.pending && this.now() - entry.readAt >= this.options.timing(dir).refreshMs) {
      void this.read(dir, entry, true);
    }
    const result = entry.result;
    if (!result) throw new BaselineError(`The state of the ${backend.type} backend could not be read.`);
    if ('error' in result) throw result.error;
    return result.snapshot.state;
  }

  /** One read into `entry`; `background`: nobody waits for it, so `onRead` reports it. */
  private read(dir: string, entry: Entry, background: boolean): Promise<void> {
    const run = async () => {
      const timing = this.options.timing(dir);
      let result: Entry['result'];
      try {
        const executable = await this.options.executableFor(dir);
        result = {
          snapshot: await pullBackendState(dir, entry.backend, {
            executable,
            runner: this.options.runner,
            env: this.options.env,
            timeoutMs: timing.timeoutMs,
            now: this.now,
          }),
        };
      } catch (error) {
        if (!(error instanceof BaselineError)) throw error;
        result = { error: error instanceof BackendStateError ? error : new BackendStateError(error.message, 'failed', error.message) };
      }
      const changed = !sameResult(entry.result, result);
      // The same snapshot as before keeps its objects (caches keyed on them hold); only when it was confirmed moves on.
      if (!changed && entry.result && 'snapshot' in entry.result && 'snapshot' in result && entry.result.snapshot.state && result.snapshot.state) {
        entry.result.snapshot.state.origin.readAt = result.snapshot.readAt;
        entry.result.snapshot.readAt = result.snapshot.readAt;
      } else {
        entry.result = result;
      }
      entry.readAt = this.now();
      if (background) this.options.onRead?.(dir, changed);
    };
    const pending = run().finally(() => {
      if (entry.pending === pending) entry.pending = undefined;
    });
    entry.pending = pending;
    return pending;
  }
}

/** Two reads that tell the same: the same serial and lineage (every write of a state moves its serial), or the same failure. */
function sameResult(a: Entry['result'], b: Entry['result']): boolean {
  if (!a || !b) return false;
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b && a.error.message === b.error.message;
  const [x, y] = [a.snapshot, b.snapshot];
  if (!x.state || !y.state) return !x.state && !y.state;
  return x.serial !== undefined && x.serial === y.serial && x.lineage === y.lineage;
}

function entryKey(backend: InitialisedBackend, executable: string): string {
  const config = createHash('sha256').update(JSON.stringify(backend.config)).digest('hex');
  return [backend.type, config, backend.workspace, executable].join('\0');
}
