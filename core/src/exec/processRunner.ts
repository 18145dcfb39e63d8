/**
 * The one way this project starts a program. Its callers: the extension's terraform/tofu runs
 * (plan, show, apply, `version`), git reading of baselines, kubectl for the live Kubernetes
 * baseline, and the provider plugins asked whether an edit replaces. What each of them gets:
 *
 * - An executable and an argument array, never a shell: no quoting, globbing or `$(…)`, so an
 *   argument taken from a workspace (a ref, an object name) reaches the program exactly as given.
 * - A process group of its own (POSIX): whatever the program starts — terraform's provider
 *   plugins, kubectl's credential helpers — belongs to that group, so stopping the run stops them
 *   too, and a member still running after the program exited is killed: nothing is left behind.
 * - Stopping the way a terminal user would: first an interrupt (SIGINT to the program itself,
 *   which terraform answers with a graceful stop that still writes the state of what finished),
 *   then SIGKILL to the whole group — on a second cancel, or when the program has not exited
 *   `interruptGraceMs` after the interrupt.
 * - A deadline (`timeoutMs`): the run is interrupted then, or terminated at once when the program
 *   has nothing to save (`atTimeout: 'terminate'`, for reads such as `git cat-file`).
 * - Cancellation with two levels (ProcessCancellation: interrupt, then terminate), or by an
 *   AbortSignal, which is the first level.
 * - All its output, decoded as UTF-8, also streamed line by line as it arrives; at most
 *   `maxOutputBytes` per stream, past which the run is terminated rather than filling memory.
 * - A result whatever the exit code, so that each caller reads failures in its own terms; only a
 *   program that could not be started at all rejects, with ProcessSpawnError.
 *
 * Windows has no process groups, nor SIGINT for a process without a console: there every stop is
 * `taskkill /T /F` on the process tree, without a graceful interrupt.
 *
 * Code that runs programs takes a ProcessRunner, so that its unit tests can hand it a double;
 * `systemProcessRunner` (systemProcessRunner.ts) is the real one.
 */
import type { ProcessCancellation } from './processCancellation';

export interface ProcessRequest {
  /** The program: an absolute path, or a name looked up on PATH. */
  executable: string;
  args: readonly string[];
  /** The working directory; default: this process's. */
  cwd?: string;
  /** The program's whole environment; default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Written to the program's stdin, which is then closed. Without it stdin is empty, so nothing can wait for input nobody gives. */
  stdin?: string | Uint8Array;
  /** Each line of stdout as it arrives, without its line ending; an unterminated last line comes at the end. */
  onStdoutLine?: (line: string) => void;
  /** The same for stderr. */
  onStderrLine?: (line: string) => void;
  /** Once the program started: its pid, and the process group it leads (POSIX). */
  onSpawn?: (process: { pid: number; processGroupId?: number }) => void;
  /** Abort = the first cancel (interrupt). */
  signal?: AbortSignal;
  /** For a second cancel that terminates; share one across the processes of one job. */
  cancellation?: ProcessCancellation;
  /** Deadline in milliseconds from the start. */
  timeoutMs?: number;
  /** What the deadline does: interrupt, then terminate after the grace period (default), or terminate at once. */
  atTimeout?: 'interrupt' | 'terminate';
  /** How long the program may take to stop after an interrupt before its group is killed. */
  interruptGraceMs?: number;
  /** Most bytes kept of stdout, and of stderr; the run is terminated when either would pass it. */
  maxOutputBytes?: number;
  /**
   * False: the output is only streamed line by line, nothing of it is kept (the result's stdout and
   * stderr are empty, and `maxOutputBytes` does not apply) — for a long-lived program such as a
   * provider plugin, which logs for as long as it runs.
   */
  keepOutput?: boolean;
}

export interface ProcessResult {
  executable: string;
  args: string[];
  cwd?: string;
  /** null when the program ended by a signal. */
  exitCode: number | null;
  exitSignal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** A cancel was requested while the program ran. */
  cancelled: boolean;
  /** The deadline passed while the program ran. */
  timedOut: boolean;
  /** The process group was killed (second cancel, no exit within the grace period, the deadline or the output limit). */
  terminated: boolean;
  /** The stream that passed `maxOutputBytes`; its output is cut there. */
  outputLimitExceeded?: 'stdout' | 'stderr';
  /** The process group id (the pid of the program, which leads its group); undefined on Windows. */
  processGroupId?: number;
  durationMs: number;
}

/** Runs one program to completion; see the guarantees above. */
export interface ProcessRunner {
  run(request: ProcessRequest): Promise<ProcessResult>;
}

/** The program could not be started at all (ENOENT, EACCES …): no process, no result. */
export class ProcessSpawnError extends Error {
  constructor(
    readonly executable: string,
    /** The system's error code, e.g. ENOENT. */
    readonly code: string | undefined,
    /** The system's words, e.g. `spawn git ENOENT`. */
    readonly reason: string,
  ) {
    super(`Could not start ${executable}: ${reason}`);
    this.name = 'ProcessSpawnError';
  }
}
