/**
 * The lock of any backend this project does not read directly (http, gcs, azurerm, consul,
 * kubernetes, …), seen the way the tool itself sees it: one attempt to take the lock that waits
 * zero seconds, by a command that writes nothing and exits at once —
 * `state rm -dry-run -lock-timeout=0s <an address no configuration has>`. When the lock is held
 * the attempt fails with "Error acquiring the state lock" and the holder's `Lock Info` (as the
 * backend stored it); when it is free the command takes it, finds nothing to remove, writes
 * nothing (a dry run never persists state) and releases it before it exits.
 */
import { ProcessSpawnError, type ProcessResult, type ProcessRunner } from '../../exec/processRunner';
import type { InitialisedBackend } from '../backend/initialisedBackend';
import { toolDisplayName, type TerraformTool } from '../tool/terraformExecutable';
import { parseLockInfo } from './lockInfo';
import type { StateLockStatus } from './stateLock';

/** An address in no configuration: a module call no one writes, so the dry run has nothing to remove. */
export const LOCK_PROBE_ADDRESS = 'module.immutable_infra_lock_probe.terraform_data.never_declared';

/** The probe's arguments. */
export function lockProbeArgs(): string[] {
  return ['state', 'rm', '-dry-run', '-lock=true', '-lock-timeout=0s', '-no-color', LOCK_PROBE_ADDRESS];
}

export interface LockProbeOptions {
  executable: { path: string; tool?: TerraformTool };
  runner: ProcessRunner;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  now: () => number;
}

/** What the tool said after "Error message:", the backend's own words for why the lock was refused. */
export function lockErrorMessage(output: string): string | undefined {
  const match = /Error message:\s*(.+)/.exec(output);
  return match ? match[1].trim() : undefined;
}

/** A tool's error output reduced to its meaningful lines, for a one-line reason. */
export function toolErrorSummary(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.replace(/^[│╷╵]\s?/, '').trim())
    .filter((line) => line !== '');
  const errorAt = lines.findIndex((line) => line.startsWith('Error:'));
  const relevant = errorAt >= 0 ? lines.slice(errorAt, errorAt + 4) : lines.slice(0, 4);
  return relevant.join(' ').replace(/\s+/g, ' ') || 'no output';
}

/** The probe's result read: locked (with the holder's info), got past the lock, or failed otherwise. */
export function readLockProbe(
  result: Pick<ProcessResult, 'exitCode' | 'stdout' | 'stderr' | 'timedOut'>,
  backend: InitialisedBackend,
  toolName: string,
  checkedAt: number,
  timeoutMs: number,
): StateLockStatus {
  const base = { backend: backend.type, workspace: backend.workspace, checkedAt };
  const output = `${result.stderr}\n${result.stdout}`;
  if (output.includes('Error acquiring the state lock')) {
    const lock = parseLockInfo(output);
    const refusal = lockErrorMessage(output);
    return {
      ...base,
      state: 'locked',
      method: 'zero-timeout-attempt',
      ...(lock ? { lock } : {}),
      release: lock?.id
        ? { kind: 'force-unlock', lockId: lock.id }
        : { kind: 'none', reason: `The ${backend.type} backend refused the lock without saying its ID${refusal ? ` (${refusal})` : ''}, and force-unlock needs it` },
    };
  }
  if (result.timedOut) return { ...base, state: 'unknown', reason: `${toolName} gave no answer within ${timeoutMs} ms` };
  // A free lock was taken and the command went on: it then found nothing to remove, or no state at all.
  if (result.exitCode === 0 || /No state file was found/.test(output)) return { ...base, state: 'unlocked', method: 'zero-timeout-attempt' };
  return { ...base, state: 'unknown', reason: `${toolName}: ${toolErrorSummary(output)}` };
}

export async function probeStateLock(rootDir: string, backend: InitialisedBackend, options: LockProbeOptions): Promise<StateLockStatus> {
  const toolName = options.executable.tool ? toolDisplayName(options.executable.tool) : options.executable.path;
  try {
    const result = await options.runner.run({
      executable: options.executable.path,
      args: lockProbeArgs(),
      cwd: rootDir,
      env: { ...options.env, TF_IN_AUTOMATION: '1', TF_INPUT: '0' },
      timeoutMs: options.timeoutMs,
      // Interrupted, the tool still releases a lock it took.
      atTimeout: 'interrupt',
      interruptGraceMs: 5_000,
      maxOutputBytes: 1_000_000,
    });
    return readLockProbe(result, backend, toolName, options.now(), options.timeoutMs);
  } catch (error) {
    const reason = error instanceof ProcessSpawnError ? error.message : String(error);
    return { backend: backend.type, workspace: backend.workspace, checkedAt: options.now(), state: 'unknown', reason };
  }
}
