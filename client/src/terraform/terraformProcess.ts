/**
 * Runs terraform/tofu once: an argument array (never a shell), in the root module's folder, with
 * `TF_IN_AUTOMATION=1` and `TF_INPUT=0` so it never waits for a prompt nobody can answer. The
 * `-json` machine-readable UI is parsed line by line into typed events as it streams; every byte
 * of output is also kept, and handed to a log callback.
 *
 * Stopping, the way a terminal user would, but without leaving anything behind:
 * - first cancel (or the deadline): SIGINT to terraform itself — its graceful interrupt, which asks
 *   the providers to stop and still writes the state of whatever finished;
 * - a second cancel, or `interruptGraceMs` after the interrupt without an exit: SIGKILL to the whole
 *   process group. Terraform is spawned detached, so it leads a group of its own, and the provider
 *   plugins it started are in that group: killing the group leaves no orphan plugin behind.
 * - after terraform exits, any member of its group still running (a plugin it could not stop) is
 *   killed too.
 * Windows has no process groups or SIGINT for a process without a console, so there every stop is
 * `taskkill /T /F` on the tree (terraform and its plugins): no graceful interrupt.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { LineSplitter, parseUiLine, type TerraformDiagnostic, type TerraformUiEvent } from './terraformEvents';

/** How long terraform may take to stop gracefully after SIGINT before the group is killed. */
export const DEFAULT_INTERRUPT_GRACE_MS = 20_000;

/**
 * A cancel button that may be pressed more than once: the first press interrupts, the second
 * terminates. (An AbortSignal fires once only, so it can stand for the first press, not both.)
 */
export class TerraformCancellation {
  private level: 0 | 1 | 2 = 0;
  private readonly listeners = new Set<(level: 1 | 2) => void>();
  /** Signals already linked, so that handing the same signal to several steps still counts one press. */
  private readonly linked = new WeakSet<AbortSignal>();

  /** First call: graceful interrupt. Second call: terminate. Later calls: nothing more to do. */
  cancel(): void {
    if (this.level === 2) return;
    this.level = (this.level + 1) as 1 | 2;
    for (const listener of [...this.listeners]) listener(this.level);
  }

  /**
   * Terminate right away, whatever happened before. Listeners hear the second level only: an
   * interrupt sent first would give terraform a moment to report the resources it stops, so that
   * what the kill leaves unknown would depend on how fast it answered.
   */
  terminate(): void {
    if (this.level === 2) return;
    this.level = 2;
    for (const listener of [...this.listeners]) listener(2);
  }

  get requested(): 0 | 1 | 2 {
    return this.level;
  }

  get isCancellationRequested(): boolean {
    return this.level > 0;
  }

  /** Called with 1 (interrupt) and 2 (terminate) as they happen; returns an unsubscribe function. */
  onCancel(listener: (level: 1 | 2) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** One cancellation driven by an AbortSignal too (abort = first press). */
  static from(signal?: AbortSignal, cancellation?: TerraformCancellation): TerraformCancellation {
    const result = cancellation ?? new TerraformCancellation();
    if (signal && !result.linked.has(signal)) {
      result.linked.add(signal);
      if (signal.aborted) result.cancel();
      else signal.addEventListener('abort', () => result.cancel(), { once: true });
    }
    return result;
  }
}

export interface TerraformRunOptions {
  /** Absolute path of terraform or tofu. */
  executable: string;
  args: readonly string[];
  /** The root module folder. */
  cwd: string;
  /** The environment (default: this process's); TF_IN_AUTOMATION and TF_INPUT are always set over it. */
  env?: NodeJS.ProcessEnv;
  /** Parse stdout as the `-json` UI stream (default true). Off for `show -json`, whose stdout is one document. */
  jsonStream?: boolean;
  onEvent?: (event: TerraformUiEvent) => void;
  /** Every line of output as it arrives (stdout and stderr), for a log channel. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Once the process started: its pid, and the process group it leads (POSIX). */
  onSpawn?: (process: { pid: number; processGroupId?: number }) => void;
  /** Abort = the first cancel (graceful interrupt). */
  signal?: AbortSignal;
  /** For a second cancel that terminates; share one across the steps of a run. */
  cancellation?: TerraformCancellation;
  /** Deadline of this run in milliseconds; at the deadline the run is interrupted, then terminated. */
  timeoutMs?: number;
  interruptGraceMs?: number;
}

export interface TerraformProcessResult {
  executable: string;
  args: string[];
  cwd: string;
  /** null when the process ended by a signal. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every UI event of the stream, in order (empty when `jsonStream` was off). */
  events: TerraformUiEvent[];
  /** The `diagnostic` events' payloads. */
  diagnostics: TerraformDiagnostic[];
  /** A cancel was requested (by the caller) while the process ran. */
  cancelled: boolean;
  /** The deadline passed while the process ran. */
  timedOut: boolean;
  /** The process group was killed (second cancel, or no exit within the grace period). */
  terminated: boolean;
  /** The process group id (the pid of terraform, which leads its group); undefined on Windows. */
  processGroupId?: number;
  durationMs: number;
}

/** terraform could not be started at all (ENOENT, EACCES …). */
export class TerraformSpawnError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly executable: string,
  ) {
    super(message);
    this.name = 'TerraformSpawnError';
  }
}

/** The variables that keep terraform from prompting and from nagging about the next step. */
export function terraformEnvironment(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...base, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: base.CHECKPOINT_DISABLE ?? '1' };
}

/**
 * Runs the tool to completion. Resolves with the result whatever the exit code (classifying a
 * failure is `terraformErrors.ts`'s job); rejects only with TerraformSpawnError when it could not
 * start.
 */
export function runTerraform(options: TerraformRunOptions): Promise<TerraformProcessResult> {
  const started = Date.now();
  const windows = process.platform === 'win32';
  const jsonStream = options.jsonStream ?? true;
  const cancellation = TerraformCancellation.from(options.signal, options.cancellation);
  const graceMs = options.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS;

  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(options.executable, [...options.args], {
        cwd: options.cwd,
        env: terraformEnvironment(options.env),
        stdio: ['ignore', 'pipe', 'pipe'],
        // POSIX: a process group of its own, which holds the provider plugins too (see the header).
        detached: !windows,
        windowsHide: true,
      });
    } catch (error) {
      reject(spawnError(options.executable, error));
      return;
    }
    const pid = child.pid;
    if (pid !== undefined) options.onSpawn?.({ pid, processGroupId: windows ? undefined : pid });
    const stdoutChunks: Buffer[] = [];
    const stderrChunks: Buffer[] = [];
    const events: TerraformUiEvent[] = [];
    const diagnostics: TerraformDiagnostic[] = [];
    const stdoutLines = new LineSplitter();
    const stderrLines = new LineSplitter();
    let cancelled = cancellation.isCancellationRequested;
    let timedOut = false;
    let terminated = false;
    let exited = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let deadlineTimer: NodeJS.Timeout | undefined;

    const onStdoutLine = (line: string): void => {
      options.onOutput?.(line, 'stdout');
      if (!jsonStream) return;
      const event = parseUiLine(line);
      if (!event) return;
      events.push(event);
      if (event.type === 'diagnostic') diagnostics.push(event.diagnostic);
      options.onEvent?.(event);
    };
    const onStderrLine = (line: string): void => options.onOutput?.(line, 'stderr');
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutChunks.push(chunk);
      for (const line of stdoutLines.push(chunk)) onStdoutLine(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderrChunks.push(chunk);
      for (const line of stderrLines.push(chunk)) onStderrLine(line);
    });

    const terminate = (): void => {
      if (exited && !groupAlive(pid, windows)) return;
      terminated = true;
      killTree(child, pid, windows);
    };
    const interrupt = (): void => {
      if (exited) return;
      if (windows) return terminate();
      try {
        // Terraform itself only: plugins handle the stop through their RPC, as on a terminal.
        child.kill('SIGINT');
      } catch {
        // it has just exited
      }
      graceTimer ??= setTimeout(terminate, graceMs);
    };
    const onCancel = (level: 1 | 2): void => {
      if (exited) return;
      cancelled = true;
      if (level === 1) interrupt();
      else terminate();
    };
    const unsubscribe = cancellation.onCancel(onCancel);
    if (cancellation.requested > 0) onCancel(cancellation.requested as 1 | 2);
    if (options.timeoutMs !== undefined) {
      deadlineTimer = setTimeout(() => {
        timedOut = true;
        interrupt();
      }, options.timeoutMs);
    }

    let settled = false;
    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      exited = true;
      unsubscribe();
      clearTimeout(graceTimer);
      clearTimeout(deadlineTimer);
      for (const line of stdoutLines.flush()) onStdoutLine(line);
      for (const line of stderrLines.flush()) onStderrLine(line);
      // A plugin that outlived terraform (terraform killed, or crashed) would be an orphan.
      if (!windows && groupAlive(pid, windows)) {
        killGroup(pid, 'SIGKILL');
      }
      resolve({
        executable: options.executable,
        args: [...options.args],
        cwd: options.cwd,
        exitCode,
        exitSignal,
        stdout: Buffer.concat(stdoutChunks).toString('utf8'),
        stderr: Buffer.concat(stderrChunks).toString('utf8'),
        events,
        diagnostics,
        cancelled,
        timedOut,
        terminated,
        processGroupId: windows ? undefined : pid,
        durationMs: Date.now() - started,
      });
    };

    child.on('error', (error) => {
      if (pid === undefined) {
        // Never started: no exit or close event follows.
        settled = true;
        unsubscribe();
        clearTimeout(deadlineTimer);
        reject(spawnError(options.executable, error));
      }
    });
    // 'close' (not 'exit'): all output has been read by then.
    child.on('close', (code, signal) => finish(code, signal));
  });
}

function spawnError(executable: string, error: unknown): TerraformSpawnError {
  const code = (error as NodeJS.ErrnoException)?.code;
  return new TerraformSpawnError(`Could not start ${executable}: ${(error as Error)?.message ?? String(error)}`, code, executable);
}

/** True while any process of the group led by `pid` exists (signal 0 only checks). */
export function groupAlive(pid: number | undefined, windows = process.platform === 'win32'): boolean {
  if (pid === undefined || windows) return false;
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but is not ours to signal — still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone
  }
}

function killTree(child: ChildProcess, pid: number | undefined, windows: boolean): void {
  if (pid === undefined) return;
  if (windows) {
    // /T: the whole tree (terraform and the plugins it started), /F: no WM_CLOSE a console app ignores.
    spawnSync('taskkill', ['/PID', String(pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' });
    return;
  }
  killGroup(pid, 'SIGKILL');
  // The group kill covers terraform too; this makes sure even if it left the group.
  try {
    child.kill('SIGKILL');
  } catch {
    // already gone
  }
}
