/**
 * Whether a root module's state is locked, by whom and since when, for the module's initialised
 * backend: each backend is looked at where it keeps its lock (see stateLock.ts). Every way looking
 * can fail — the database or bucket unreachable, credentials refused, the tool missing — comes back
 * as `unknown` with the backend's own words, never as an exception: the caller shows it and goes on.
 */
import type { ProcessRunner } from '../../exec/processRunner';
import type { InitialisedBackend } from '../backend/initialisedBackend';
import type { TerraformTool } from '../tool/terraformExecutable';
import { probeStateLock } from './lockProbe';
import type * as PgLockModule from './pgLock';
import type * as S3LockModule from './s3Lock';
import type { StateLockStatus } from './stateLock';

export interface LockInspectionOptions {
  /** The user's terraform/tofu, for the backends inspected through it. */
  executable: { path: string; tool?: TerraformTool };
  runner: ProcessRunner;
  /** The environment the tool would run with (credentials, PG_CONN_STR, AWS_PROFILE …); default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** How long one inspection may take, connecting included. */
  timeoutMs: number;
  now?: () => number;
}

export async function inspectStateLock(rootDir: string, backend: InitialisedBackend, options: LockInspectionOptions): Promise<StateLockStatus> {
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  try {
    switch (backend.type) {
      case 'pg':
        return await pgLock().inspectPgLock(backend, { tool: options.executable.tool, env, timeoutMs: options.timeoutMs, now });
      case 's3':
        return await s3Lock().inspectS3Lock(backend, { env, timeoutMs: options.timeoutMs, now });
      default:
        return await probeStateLock(rootDir, backend, { executable: options.executable, runner: options.runner, env, timeoutMs: options.timeoutMs, now });
    }
  } catch (error) {
    return { backend: backend.type, workspace: backend.workspace, checkedAt: now(), state: 'unknown', reason: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * The PostgreSQL client and the AWS SDK (some megabytes between them) are loaded when a module of
 * theirs is first inspected, not with the extension.
 */
export function pgLock(): typeof PgLockModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./pgLock') as typeof PgLockModule;
}

function s3Lock(): typeof S3LockModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./s3Lock') as typeof S3LockModule;
}
