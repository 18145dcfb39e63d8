/**
 * The state lock of a root module with a remote backend, as plan and apply need it: inspected
 * with the program that plans the module (core/src/terraform/stateLock), turned into the line the
 * plan graph's header shows, and into the sentence an apply refused on a lock says. That sentence
 * names the holder the inspection found, never the Lock Info of the tool's error on its own: for
 * pg that block describes the lock the refused run itself asked for (the pg backend keeps no
 * record of the holder's), so it would name the user as the holder. No vscode import.
 */
import type { ProcessRunner } from '../../../core/src/exec/processRunner';
import { systemProcessRunner } from '../../../core/src/exec/systemProcessRunner';
import { isRemoteBackend, readInitialisedBackend, type InitialisedBackend } from '../../../core/src/terraform/backend/initialisedBackend';
import { lockOperationName } from '../../../core/src/terraform/stateLock/lockInfo';
import { agoText, clockText, describeLock, describeRelease, inspectionMethodText, parseLockCreated } from '../../../core/src/terraform/stateLock/lockText';
import type { StateLockStatus } from '../../../core/src/terraform/stateLock/stateLock';
import { inspectStateLock, type LockInspectionOptions } from '../../../core/src/terraform/stateLock/stateLockInspection';
import type { TerraformTool } from '../../../core/src/terraform/tool/terraformExecutable';
import type { StateLockLine } from '../../../common/src/planGraphMessages';
import type { TerraformFailure } from './terraformErrors';

/** How long one inspection may take by default (as long as a read of the state may). */
export const DEFAULT_LOCK_INSPECTION_TIMEOUT_MS = 30_000;

export interface StateLockCheckOptions {
  /** The program that plans (or made the plan of) the module. */
  executable: { path: string; tool?: TerraformTool };
  runner?: ProcessRunner;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  now?: () => number;
}

export interface RootModuleLock {
  backend: InitialisedBackend;
  status: StateLockStatus;
}

/** The options the core inspection and release take, from ours. */
export function lockInspectionOptions(options: StateLockCheckOptions): LockInspectionOptions {
  return {
    executable: { path: options.executable.path, ...(options.executable.tool ? { tool: options.executable.tool } : {}) },
    runner: options.runner ?? systemProcessRunner,
    env: options.env,
    timeoutMs: options.timeoutMs ?? DEFAULT_LOCK_INSPECTION_TIMEOUT_MS,
    now: options.now,
  };
}

/**
 * The lock of the module in `rootDir`; undefined when its backend (as `init` recorded it) is not
 * remote, where there is no lock a team shares. Never throws: a lock that cannot be looked at is
 * `unknown`, with the backend's words.
 */
export async function inspectRootModuleLock(rootDir: string, options: StateLockCheckOptions): Promise<RootModuleLock | undefined> {
  const backend = readInitialisedBackend(rootDir, options.env ?? process.env);
  if (!backend || !isRemoteBackend(backend.type)) return undefined;
  return { backend, status: await inspectStateLock(rootDir, backend, lockInspectionOptions(options)) };
}

/** `pg (workspace prod)`. */
export function lockWhere(status: Pick<StateLockStatus, 'backend' | 'workspace'>): string {
  return `${status.backend} (workspace ${status.workspace})`;
}

/** The plan graph header's line: "State lock of pg (workspace prod): Locked by …". */
export function stateLockLine(status: StateLockStatus, now: number): StateLockLine {
  return { state: status.state, text: `State lock of ${lockWhere(status)}: ${describeLock(status, now)}` };
}

/** Before a plan or an apply starts: why it must wait, when the state is locked; undefined otherwise. */
export function lockedBeforeRunMessage(status: StateLockStatus, what: 'plan' | 'apply', now: number): string | undefined {
  if (status.state !== 'locked') return undefined;
  return `The state of ${lockWhere(status)} is locked, so the ${what} was not started: ${describeLock(status, now)}. Wait for that run to finish and try again; if it is gone for good, Force Unlock releases its lock.`;
}

/**
 * The failure of a run refused on the state lock (`state-locked`), retold with the holder from a
 * fresh inspection (`inspected`); any other failure unchanged.
 */
export function explainStateLocked(failure: TerraformFailure, inspected: StateLockStatus | undefined, operation: string, now: number): TerraformFailure {
  if (failure.kind !== 'state-locked' || !inspected) return failure;
  const where = lockWhere(inspected);
  // The pg backend's error prints the lock the refused run asked for: its own, not the holder's.
  const errorNamesHolder = inspected.backend !== 'pg';
  let message: string;
  switch (inspected.state) {
    case 'locked':
      message = `The ${operation} was refused: the state of ${where} is locked. ${describeLock(inspected, now)}. Nothing was ${operation === 'apply' ? 'applied' : 'changed'}. Wait for that run to finish and try again; if it is gone for good, Force Unlock releases its lock.`;
      break;
    case 'unlocked': {
      const holder = errorNamesHolder && failure.lock?.who ? ` (held by ${failure.lock.who})` : '';
      message = `The ${operation} was refused: the state of ${where} was locked when it started${holder}, and it is free now. Nothing was ${operation === 'apply' ? 'applied' : 'changed'}: try again.`;
      break;
    }
    case 'unknown':
      message = errorNamesHolder
        ? `${failure.message} (The lock could not be inspected again: ${inspected.reason})`
        : `The ${operation} was refused: the state of ${where} is locked by another database session, and who holds it could not be inspected: ${inspected.reason}`;
      break;
  }
  return { ...failure, message, inspected };
}

/**
 * What the force-unlock modal shows before anything is released: the lock's ID, its holder and
 * its age, then what releasing it runs (`describeRelease`). pg keeps no lock ID: its holder is a
 * database session, which is what is ended.
 */
export function forceUnlockDetail(status: Extract<StateLockStatus, { state: 'locked' }>, tool: TerraformTool | undefined, now: number): string {
  const lock = status.lock;
  const session = status.session;
  const id = status.release.kind === 'force-unlock' ? status.release.lockId : (lock?.id ?? (session ? `none (${status.backend} keeps no lock ID)` : 'none recorded'));
  const holder = session
    ? [
        `PostgreSQL session ${session.pid}`,
        session.user && `user ${session.user}`,
        session.clientAddress && `from ${session.clientAddress}`,
        session.application && `application ${session.application}`,
      ]
        .filter(Boolean)
        .join(', ')
    : [lock?.who ?? 'not recorded', lockOperationName(lock?.operation) && `for ${lockOperationName(lock?.operation)}`, lock?.version && `version ${lock.version}`]
        .filter(Boolean)
        .join(', ');
  const since = session?.connectedAt ? Date.parse(session.connectedAt) : parseLockCreated(lock?.created);
  const age =
    since !== undefined && !Number.isNaN(since)
      ? `${agoText(since, now)} (${session ? 'the session connected' : 'locked'} ${clockText(since, now)})`
      : lock?.created
        ? `since ${lock.created}`
        : 'unknown';
  return [
    `State: ${lockWhere(status)}`,
    `Lock ID: ${id}`,
    `Holder: ${holder}`,
    `Age: ${age}`,
    `Seen in: ${inspectionMethodText(status.method)}`,
    '',
    describeRelease(status, tool),
  ].join('\n');
}
