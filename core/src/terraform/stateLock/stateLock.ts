/**
 * Whether a root module's state is locked, by whom, for what and since when — what a team needs
 * to see before it plans or applies, and before anyone forces a lock open. Each backend keeps its
 * lock its own way, so each is inspected its own way (stateLockInspection.ts):
 * - s3 with a DynamoDB table: the table's lock item (`LockID` = `<bucket>/<key>`, `Info` = the lock's JSON);
 * - s3 with `use_lockfile`: the `<key>.tflock` object beside the state;
 * - pg: PostgreSQL's advisory lock on the workspace's row, held by a database session;
 * - any other backend: the lock error of an attempt that waits zero seconds and writes nothing.
 * Inspecting never takes a lock that is not free, and never writes state.
 */
import type { StateLockInfo } from './lockInfo';

/** How the lock was looked at, for the user: "the DynamoDB lock item", "PostgreSQL's advisory locks", … */
export type LockInspectionMethod = 'dynamodb-item' | 's3-lockfile' | 'pg-advisory' | 'zero-timeout-attempt';

/** The PostgreSQL session holding a pg backend's advisory lock (`pg_locks` joined with `pg_stat_activity`). */
export interface DatabaseSession {
  pid: number;
  user?: string;
  /** `client_addr`; absent for a unix-socket connection. */
  clientAddress?: string;
  application?: string;
  /** When the session connected (`backend_start`, ISO 8601): the lock is at most this old. */
  connectedAt?: string;
}

export type StateLockStatus =
  | { state: 'unlocked'; backend: string; workspace: string; method: LockInspectionMethod; checkedAt: number }
  | {
      state: 'locked';
      backend: string;
      workspace: string;
      method: LockInspectionMethod;
      checkedAt: number;
      /** The holder's lock info, as the backend stores it; pg stores none (see `session`). */
      lock?: StateLockInfo;
      /** pg: the database session that holds the advisory lock. */
      session?: DatabaseSession;
      /** How the lock can be released by force (`force-unlock` with the lock's ID, or ending a pg session), and why not when it can't. */
      release: LockRelease;
    }
  | { state: 'unknown'; backend: string; workspace: string; checkedAt: number; reason: string };

export type LockRelease =
  /** `<tool> force-unlock -force <id>` in the root module. */
  | { kind: 'force-unlock'; lockId: string }
  /**
   * pg: an advisory lock belongs to its session, and the pg backend's `force-unlock` releases
   * nothing another session holds; ending that session (`pg_terminate_backend`) releases it.
   */
  | { kind: 'end-pg-session'; pid: number }
  | { kind: 'none'; reason: string };
