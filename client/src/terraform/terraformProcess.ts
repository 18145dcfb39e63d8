/**
 * Runs terraform/tofu once, through the project's process runner (argument arrays, a process
 * group of its own, interrupt then terminate, deadlines): in the root module's folder, with
 * `TF_IN_AUTOMATION=1` and `TF_INPUT=0` so it never waits for a prompt nobody can answer. The
 * `-json` machine-readable UI is parsed line by line into typed events as it streams; every byte
 * of output is also kept, and handed to a log callback.
 *
 * Stopping, the way a terminal user would, but without leaving anything behind:
 * - first cancel (or the deadline): SIGINT to terraform itself — its graceful interrupt, which asks
 *   the providers to stop and still writes the state of whatever finished;
 * - a second cancel, or `interruptGraceMs` after the interrupt without an exit: SIGKILL to the whole
 *   process group, which holds the provider plugins terraform started: no orphan plugin is left.
 * - after terraform exits, any member of its group still running (a plugin it could not stop) is
 *   killed too.
 * On Windows every stop is `taskkill /T /F` on the tree (terraform and its plugins): no graceful interrupt.
 */
import { ProcessCancellation } from '../../../core/src/exec/processCancellation';
import { ProcessSpawnError, type ProcessResult } from '../../../core/src/exec/processRunner';
import { DEFAULT_INTERRUPT_GRACE_MS, runProcess } from '../../../core/src/exec/systemProcessRunner';
import { parseUiLine, type TerraformDiagnostic, type TerraformUiEvent } from './terraformEvents';

export { DEFAULT_INTERRUPT_GRACE_MS };

/**
 * The two-press cancel of a terraform run (first press interrupts, second terminates); one is
 * shared by the steps of a run (plan, then show), so that a press reaches whichever runs.
 */
export const TerraformCancellation = ProcessCancellation;
export type TerraformCancellation = ProcessCancellation;

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
export async function runTerraform(options: TerraformRunOptions): Promise<TerraformProcessResult> {
  const jsonStream = options.jsonStream ?? true;
  const events: TerraformUiEvent[] = [];
  const diagnostics: TerraformDiagnostic[] = [];
  const onStdoutLine = (line: string): void => {
    options.onOutput?.(line, 'stdout');
    if (!jsonStream) return;
    const event = parseUiLine(line);
    if (!event) return;
    events.push(event);
    if (event.type === 'diagnostic') diagnostics.push(event.diagnostic);
    options.onEvent?.(event);
  };
  let run: ProcessResult;
  try {
    run = await runProcess({
      executable: options.executable,
      args: options.args,
      cwd: options.cwd,
      env: terraformEnvironment(options.env),
      onStdoutLine,
      onStderrLine: (line) => options.onOutput?.(line, 'stderr'),
      onSpawn: options.onSpawn,
      signal: options.signal,
      cancellation: options.cancellation,
      timeoutMs: options.timeoutMs,
      interruptGraceMs: options.interruptGraceMs,
    });
  } catch (error) {
    if (error instanceof ProcessSpawnError) throw new TerraformSpawnError(error.message, error.code, error.executable);
    throw error;
  }
  return {
    executable: run.executable,
    args: run.args,
    cwd: options.cwd,
    exitCode: run.exitCode,
    exitSignal: run.exitSignal,
    stdout: run.stdout,
    stderr: run.stderr,
    events,
    diagnostics,
    cancelled: run.cancelled,
    timedOut: run.timedOut,
    terminated: run.terminated,
    processGroupId: run.processGroupId,
    durationMs: run.durationMs,
  };
}
