/**
 * The real ProcessRunner, over Node's `spawn`. How it keeps the guarantees processRunner.ts lists:
 * the program is spawned detached on POSIX, which makes it the leader of a new process group whose
 * id is its pid; an interrupt is SIGINT to that pid alone (a program such as terraform then stops
 * its own children through their protocol, as on a terminal), a termination is SIGKILL to the
 * negative pid, which reaches every member of the group.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { LineSplitter } from './lineSplitter';
import { ProcessCancellation } from './processCancellation';
import { ProcessSpawnError, type ProcessRequest, type ProcessResult, type ProcessRunner } from './processRunner';

/** How long a program may take to stop gracefully after SIGINT before its group is killed. */
export const DEFAULT_INTERRUPT_GRACE_MS = 20_000;

export const systemProcessRunner: ProcessRunner = { run: runProcess };

/** One output stream: what was kept of it, and its lines. */
interface StreamState {
  chunks: Buffer[];
  bytes: number;
  lines: LineSplitter;
  onLine?: (line: string) => void;
}

/**
 * Runs the program to completion. Resolves with the result whatever the exit code; rejects only
 * with ProcessSpawnError when it could not start.
 */
export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  const started = Date.now();
  const windows = process.platform === 'win32';
  const cancellation = ProcessCancellation.from(request.signal, request.cancellation);
  const graceMs = request.interruptGraceMs ?? DEFAULT_INTERRUPT_GRACE_MS;
  const keep = request.keepOutput !== false;
  const limit = keep ? (request.maxOutputBytes ?? Infinity) : Infinity;

  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(request.executable, [...request.args], {
        cwd: request.cwd,
        env: request.env ?? process.env,
        stdio: [request.stdin !== undefined ? 'pipe' : 'ignore', 'pipe', 'pipe'],
        // POSIX: a process group of its own, which holds whatever the program starts (see the header).
        detached: !windows,
        windowsHide: true,
      });
    } catch (error) {
      reject(spawnError(request.executable, error));
      return;
    }
    const pid = child.pid;
    if (pid !== undefined) request.onSpawn?.({ pid, processGroupId: windows ? undefined : pid });
    if (request.stdin !== undefined && child.stdin) {
      // EPIPE when the program exits without reading all of it: what it did is in its result.
      child.stdin.on('error', () => undefined);
      child.stdin.end(request.stdin);
    }
    const stdout: StreamState = { chunks: [], bytes: 0, lines: new LineSplitter(), onLine: request.onStdoutLine };
    const stderr: StreamState = { chunks: [], bytes: 0, lines: new LineSplitter(), onLine: request.onStderrLine };
    let cancelled = cancellation.isCancellationRequested;
    let timedOut = false;
    let terminated = false;
    let outputLimitExceeded: 'stdout' | 'stderr' | undefined;
    let exited = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let deadlineTimer: NodeJS.Timeout | undefined;

    const terminate = (): void => {
      if (exited && !groupAlive(pid, windows)) return;
      terminated = true;
      killTree(child, pid, windows);
    };
    const interrupt = (): void => {
      if (exited) return;
      if (windows) return terminate();
      try {
        // The program itself only: it stops its own children, as it would on a terminal's Ctrl-C.
        child.kill('SIGINT');
      } catch {
        // it has just exited
      }
      graceTimer ??= setTimeout(terminate, graceMs);
    };

    const receive = (name: 'stdout' | 'stderr', stream: StreamState) => (chunk: Buffer) => {
      // Past the limit nothing more is kept, of either stream: the run is being terminated.
      if (outputLimitExceeded) return;
      const room = limit - stream.bytes;
      const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
      if (keep) {
        stream.chunks.push(kept);
        stream.bytes += kept.length;
      }
      for (const line of stream.lines.push(kept)) stream.onLine?.(line);
      if (kept !== chunk) {
        outputLimitExceeded = name;
        terminate();
      }
    };
    child.stdout?.on('data', receive('stdout', stdout));
    child.stderr?.on('data', receive('stderr', stderr));

    const onCancel = (level: 1 | 2): void => {
      if (exited) return;
      cancelled = true;
      if (level === 1) interrupt();
      else terminate();
    };
    const unsubscribe = cancellation.onCancel(onCancel);
    if (cancellation.requested > 0) onCancel(cancellation.requested as 1 | 2);
    if (request.timeoutMs !== undefined) {
      deadlineTimer = setTimeout(() => {
        timedOut = true;
        if (request.atTimeout === 'terminate') terminate();
        else interrupt();
      }, request.timeoutMs);
    }

    let settled = false;
    const finish = (exitCode: number | null, exitSignal: NodeJS.Signals | null): void => {
      if (settled) return;
      settled = true;
      exited = true;
      unsubscribe();
      clearTimeout(graceTimer);
      clearTimeout(deadlineTimer);
      for (const stream of [stdout, stderr]) for (const line of stream.lines.flush()) stream.onLine?.(line);
      // A child that outlived the program (the program was killed, crashed, or left it running) would be an orphan.
      if (!windows && groupAlive(pid, windows)) killGroup(pid, 'SIGKILL');
      resolve({
        executable: request.executable,
        args: [...request.args],
        cwd: request.cwd,
        exitCode,
        exitSignal,
        stdout: Buffer.concat(stdout.chunks).toString('utf8'),
        stderr: Buffer.concat(stderr.chunks).toString('utf8'),
        cancelled,
        timedOut,
        terminated,
        ...(outputLimitExceeded ? { outputLimitExceeded } : {}),
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
        reject(spawnError(request.executable, error));
      }
    });
    // 'close' (not 'exit'): all output has been read by then.
    child.on('close', (code, signal) => finish(code, signal));
  });
}

function spawnError(executable: string, error: unknown): ProcessSpawnError {
  const code = (error as NodeJS.ErrnoException)?.code;
  return new ProcessSpawnError(executable, code, (error as Error)?.message ?? String(error));
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
    // /T: the whole tree (the program and what it started), /F: no WM_CLOSE a console program ignores.
    spawnSync('taskkill', ['/PID', String(pid), '/T', '/F'], { windowsHide: true, stdio: 'ignore' });
    return;
  }
  killGroup(pid, 'SIGKILL');
  // The group kill covers the program too; this makes sure even if it left the group.
  try {
    child.kill('SIGKILL');
  } catch {
    // already gone
  }
}
