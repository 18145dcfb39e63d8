/**
 * Releasing a state lock by force, then saying truthfully whether it is gone: the tool's
 * `force-unlock -force <ID>` for a lock that has an ID (run in the root module, the ID as one
 * argument), or for the pg backend ending the database session that holds the advisory lock (see
 * pgLock.ts for why its force-unlock cannot). Whatever the tool or the database says, the lock is
 * inspected again afterwards, and that inspection decides `released`.
 */
import { ProcessSpawnError } from '../../exec/processRunner';
import { readInitialisedBackend, type InitialisedBackend } from '../backend/initialisedBackend';
import { toolDisplayName } from '../tool/terraformExecutable';
import { toolErrorSummary } from './lockProbe';
import { describeLock } from './lockText';
import type { StateLockStatus } from './stateLock';
import { inspectStateLock, pgLock, type LockInspectionOptions } from './stateLockInspection';

export interface LockReleaseResult {
  released: boolean;
  message: string;
}

const PG_RELEASE_POLL_MS = 100;

/** The lock after the release; for pg, waits briefly while the ended session's lock is still listed. */
async function inspectAfter(
  rootDir: string,
  backend: InitialisedBackend,
  status: Extract<StateLockStatus, { state: 'locked' }>,
  options: LockInspectionOptions,
): Promise<StateLockStatus> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const after = await inspectStateLock(rootDir, backend, options);
    const sameSession = after.state === 'locked' && status.session !== undefined && after.session?.pid === status.session.pid;
    if (!sameSession || Date.now() + PG_RELEASE_POLL_MS > deadline) return after;
    await new Promise((resolve) => setTimeout(resolve, PG_RELEASE_POLL_MS));
  }
}

function verdict(done: string, status: Extract<StateLockStatus, { state: 'locked' }>, after: StateLockStatus, now: number): LockReleaseResult {
  if (after.state === 'unlocked') return { released: true, message: `${done}. The lock is gone (checked with the backend).` };
  if (after.state === 'unknown') return { released: false, message: `${done}, but whether the lock is gone could not be checked: ${after.reason}` };
  const sameLock =
    status.release.kind === 'force-unlock' ? after.lock?.id === status.release.lockId : status.session !== undefined && after.session?.pid === status.session.pid;
  if (sameLock) return { released: false, message: `${done}, but the lock is still held. ${describeLock(after, now)}` };
  return { released: true, message: `${done}. That lock is gone, but the state is locked again: ${describeLock(after, now)}` };
}

export async function releaseStateLock(
  rootDir: string,
  status: Extract<StateLockStatus, { state: 'locked' }>,
  options: LockInspectionOptions,
): Promise<LockReleaseResult> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const backend = readInitialisedBackend(rootDir, env);
  if (!backend) return { released: false, message: `The module in ${rootDir} has no initialised backend: run init first` };
  if (backend.type !== status.backend || backend.workspace !== status.workspace) {
    return {
      released: false,
      message: `The module's backend is now ${backend.type} (workspace "${backend.workspace}"), not the ${status.backend} (workspace "${status.workspace}") whose lock was shown: inspect it again`,
    };
  }
  const release = status.release;
  switch (release.kind) {
    case 'none':
      return { released: false, message: release.reason };
    case 'end-pg-session': {
      const ended = await pgLock().endPgLockSession(backend, release.pid, { tool: options.executable.tool, env, timeoutMs: options.timeoutMs, now });
      if (!ended.ended) return { released: false, message: ended.message };
      return verdict(ended.message, status, await inspectAfter(rootDir, backend, status, options), now());
    }
    case 'force-unlock': {
      const toolName = options.executable.tool ? toolDisplayName(options.executable.tool) : options.executable.path;
      let done: string;
      try {
        const result = await options.runner.run({
          executable: options.executable.path,
          args: ['force-unlock', '-force', '-no-color', release.lockId],
          cwd: rootDir,
          env: { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
          timeoutMs: options.timeoutMs,
          atTimeout: 'interrupt',
          maxOutputBytes: 1_000_000,
        });
        const output = `${result.stderr}\n${result.stdout}`;
        if (result.timedOut) return { released: false, message: `${toolName} force-unlock gave no answer within ${options.timeoutMs} ms` };
        if (result.exitCode !== 0) return { released: false, message: `${toolName} force-unlock failed: ${toolErrorSummary(output)}` };
        const said = output
          .split(/\r?\n/)
          .map((line) => line.trim())
          .find((line) => /unlocked/i.test(line));
        done = `${toolName} force-unlock ${release.lockId}${said ? `: "${said}"` : ' exited 0'}`;
      } catch (error) {
        return { released: false, message: error instanceof ProcessSpawnError ? error.message : String(error) };
      }
      return verdict(done, status, await inspectAfter(rootDir, backend, status, options), now());
    }
  }
}
