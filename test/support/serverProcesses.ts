/**
 * The processes of the real servers the tests start on loopback (PostgreSQL, moto, etcd, the
 * Kubernetes control plane): each in a process group of its own, registered so that one call
 * stops them all and a process exit kills whatever is left, so a failed test leaves no server
 * behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** How long a server may take to come up on this (shared, 2-core) machine. */
export const STARTUP_TIMEOUT_MS = 60_000;
/** How long a stopping server gets before it is killed. */
const STOP_TIMEOUT_MS = 15_000;

// ---------------------------------------------------------------------------------------------------
// Bookkeeping: every server, so that none outlives the test process.

export interface Disposable {
  dispose(): Promise<void>;
  /** Synchronous last resort at process exit: SIGKILL what runs, remove the files. */
  killNow(): void;
}

const live = new Set<Disposable>();
let exitHookInstalled = false;

export function register(server: Disposable): void {
  live.add(server);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const s of live) s.killNow();
    });
  }
}

/** Forgets a server that has stopped and removed its files. */
export function unregister(server: Disposable): void {
  live.delete(server);
}

/** Stops and removes every server this process started and has not disposed of yet. */
export async function disposeServers(): Promise<void> {
  const errors: unknown[] = [];
  for (const s of [...live]) {
    try {
      await s.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw new AggregateError(errors, 'some servers did not stop cleanly');
}

/** A TCP port nothing listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, LOOPBACK, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Environment for the servers: nothing of the test's own, no proxies. */
export function serverEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C', LC_ALL: 'C', ...extra };
}

export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // the group is gone already
  }
}

export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Signals the child's process group and waits for the child to exit; SIGKILLs the group after STOP_TIMEOUT_MS. */
export async function stopGroup(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const done = exited(child);
  signalGroup(child.pid, signal);
  const timer = setTimeout(() => signalGroup(child.pid, 'SIGKILL'), STOP_TIMEOUT_MS);
  try {
    await done;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Starts `command` in a process group of its own and resolves once `ready` matches its output
 * (stdout and stderr together), with the match; rejects with the output if it exits first or
 * does not get ready within STARTUP_TIMEOUT_MS (and then kills it).
 */
export function startAndWaitFor(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  ready: RegExp,
  what: string,
): Promise<{ child: ChildProcess; match: RegExpMatchArray; output: () => string }> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = ready.exec(output);
      if (match) settle(() => resolve({ child, match, output: () => output }));
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('error', (error) => settle(() => reject(new Error(`${what} could not start: ${error.message}`))));
    child.once('exit', (code, signal) => settle(() => reject(new Error(`${what} exited (${code ?? signal}) before it was ready:\n${output}`))));
    const timer = setTimeout(
      () =>
        settle(() => {
          signalGroup(child.pid, 'SIGKILL');
          reject(new Error(`${what} was not ready within ${STARTUP_TIMEOUT_MS} ms:\n${output}`));
        }),
      STARTUP_TIMEOUT_MS,
    );
  });
}

/** Milliseconds between readiness polls. */
const POLL_MS = 100;
/** The end of a server's output kept for an error report: long-running servers say a lot. */
const KEPT_OUTPUT_CHARS = 64 * 1024;

/**
 * Starts `command` in a process group of its own and resolves once `ready()` (polled) says so, for
 * servers whose readiness is an endpoint rather than a line of output. Rejects with the end of its
 * output if it exits first or is not ready within STARTUP_TIMEOUT_MS (and then kills it).
 */
export function startAndPollUntil(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
  ready: () => Promise<boolean>,
  what: string,
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  const onData = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    if (output.length > 2 * KEPT_OUTPUT_CHARS) output = output.slice(-KEPT_OUTPUT_CHARS);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  return new Promise((resolve, reject) => {
    let settled = false;
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    child.once('error', (error) => settle(() => reject(new Error(`${what} could not start: ${error.message}`))));
    child.once('exit', (code, signal) => settle(() => reject(new Error(`${what} exited (${code ?? signal}) before it was ready:\n${output.slice(-KEPT_OUTPUT_CHARS)}`))));
    const poll = async () => {
      while (!settled) {
        if (await ready()) return settle(() => resolve({ child, output: () => output.slice(-KEPT_OUTPUT_CHARS) }));
        if (Date.now() > deadline) {
          return settle(() => {
            signalGroup(child.pid, 'SIGKILL');
            reject(new Error(`${what} was not ready within ${STARTUP_TIMEOUT_MS} ms:\n${output.slice(-KEPT_OUTPUT_CHARS)}`));
          });
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    };
    void poll();
  });
}
