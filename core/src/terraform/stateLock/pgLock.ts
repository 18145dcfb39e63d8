/**
 * The pg backend's lock. The backend keeps each workspace as a row of `<schema>.states` (`id`
 * bigserial, `name` the workspace) and locks it with a session-level advisory lock on that row's
 * `id`; while it creates a workspace that has no row yet it holds the advisory lock `-1`, and any
 * lock attempt fails while someone holds `-1`. It writes no lock info anywhere: the `Lock Info` its
 * lock error prints is the *requester's* own, so the only true answer to "who holds it" is the
 * database session that holds the advisory lock — PostgreSQL lists it in `pg_locks` (a bigint key
 * appears as classid = its high 32 bits, objid = its low 32 bits, objsubid = 1), and
 * `pg_stat_activity` says who that session is.
 *
 * Its `force-unlock` releases nothing here: the backend's unlock only acts on a lock that the same
 * client took, so from another process it does nothing and still reports success. An advisory lock
 * ends with its session, so the release is ending that session (`pg_terminate_backend`), which
 * also stops whatever that tool process was doing in the database.
 */
import { Client, escapeIdentifier } from 'pg';
import type { InitialisedBackend } from '../backend/initialisedBackend';
import { backendErrorText } from './backendErrorText';
import { pgClientConfig, pgConnectionString, pgSchemaName } from './pgConnection';
import type { DatabaseSession, StateLockStatus } from './stateLock';

/** The advisory lock the pg backend holds while it creates a workspace. */
export const PG_CREATION_LOCK_KEY = -1n;

/** How a bigint advisory lock key appears in `pg_locks`. */
export function advisoryLockKeyParts(key: bigint): { classid: string; objid: string } {
  const unsigned = BigInt.asUintN(64, key);
  return { classid: String(unsigned >> 32n), objid: String(unsigned & 0xffffffffn) };
}

/** A schema name as the backend uses it: unquoted in its SQL, so folded to lower case when it is a plain identifier. */
export function schemaIdentifier(schema: string): string {
  return escapeIdentifier(/^[A-Za-z_][A-Za-z0-9_$]*$/.test(schema) ? schema.toLowerCase() : schema);
}

export interface PgLockOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  now: () => number;
}

/** One granted advisory lock of the pg backend, and the session that holds it. */
export interface PgLockHolder {
  key: bigint;
  session: DatabaseSession;
}

/** Runs `use` with a connected client, always closing it; every failure rejects with the database's words. */
async function withClient<T>(backend: InitialisedBackend, options: PgLockOptions, use: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client(pgClientConfig(pgConnectionString(backend.config, options.env), options.env, options.timeoutMs));
  // A connection dropped by the server is reported here as well as to the pending query: without a listener it would crash the process.
  client.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
  });
  try {
    await Promise.race([client.connect(), deadline]);
    return await Promise.race([use(client), deadline]);
  } finally {
    clearTimeout(timer);
    void client.end().catch(() => undefined);
  }
}

/** The workspace's row id, or undefined when the workspace has no row (not created yet). */
async function workspaceRowId(client: Client, schema: string, workspace: string): Promise<bigint | undefined> {
  const result = await client.query<{ id: string }>(`SELECT id::text AS id FROM ${schemaIdentifier(schema)}.states WHERE name = $1`, [workspace]);
  return result.rows.length > 0 ? BigInt(result.rows[0].id) : undefined;
}

/** The sessions holding any of `keys` as advisory locks in the current database. */
async function advisoryLockHolders(client: Client, keys: readonly bigint[]): Promise<PgLockHolder[]> {
  const conditions: string[] = [];
  const values: string[] = [];
  for (const key of keys) {
    const { classid, objid } = advisoryLockKeyParts(key);
    values.push(classid, objid);
    conditions.push(`(l.classid = $${values.length - 1}::oid AND l.objid = $${values.length}::oid)`);
  }
  const result = await client.query<{
    classid: string;
    objid: string;
    pid: number;
    usename: string | null;
    client_addr: string | null;
    application_name: string | null;
    backend_start: Date | null;
  }>(
    `SELECT l.classid::text AS classid, l.objid::text AS objid, l.pid, a.usename, host(a.client_addr) AS client_addr, a.application_name, a.backend_start
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND (${conditions.join(' OR ')})
      ORDER BY a.backend_start NULLS LAST, l.pid`,
    values,
  );
  return result.rows.map((row) => {
    const key = BigInt.asIntN(64, (BigInt(row.classid) << 32n) | BigInt(row.objid));
    const session: DatabaseSession = { pid: row.pid };
    if (row.usename) session.user = row.usename;
    if (row.client_addr) session.clientAddress = row.client_addr;
    if (row.application_name) session.application = row.application_name;
    if (row.backend_start) session.connectedAt = row.backend_start.toISOString();
    return { key, session };
  });
}

/** Who holds the workspace's lock (or the creation lock, which blocks every workspace), or why that cannot be seen. */
export async function inspectPgLock(backend: InitialisedBackend, options: PgLockOptions): Promise<StateLockStatus> {
  const base = { backend: backend.type, workspace: backend.workspace };
  try {
    const schema = pgSchemaName(backend.config, options.env);
    const holders = await withClient(backend, options, async (client) => {
      const rowId = await workspaceRowId(client, schema, backend.workspace);
      const keys = rowId === undefined ? [PG_CREATION_LOCK_KEY] : [rowId, PG_CREATION_LOCK_KEY];
      const found = await advisoryLockHolders(client, keys);
      // The workspace's own lock first: the creation lock is held only for a moment by every locker.
      return [...found.filter((holder) => holder.key === rowId), ...found.filter((holder) => holder.key !== rowId)];
    });
    const checkedAt = options.now();
    if (holders.length === 0) return { ...base, state: 'unlocked', method: 'pg-advisory', checkedAt };
    const [holder] = holders;
    return {
      ...base,
      state: 'locked',
      method: 'pg-advisory',
      checkedAt,
      // The backend records the advisory key as its lock's Path: `-1` says the workspace is being created.
      lock: { path: String(holder.key) },
      session: holder.session,
      release: { kind: 'end-pg-session', pid: holder.session.pid },
    };
  } catch (error) {
    return { ...base, state: 'unknown', checkedAt: options.now(), reason: `PostgreSQL (pg backend): ${backendErrorText(error)}` };
  }
}

/**
 * Ends the database session `pid`, but only while it still holds the workspace's lock (a pid is
 * reused once its session ends). Resolves to what happened, in PostgreSQL's words when it refused.
 */
export async function endPgLockSession(backend: InitialisedBackend, pid: number, options: PgLockOptions): Promise<{ ended: boolean; message: string }> {
  try {
    const schema = pgSchemaName(backend.config, options.env);
    return await withClient(backend, options, async (client) => {
      const rowId = await workspaceRowId(client, schema, backend.workspace);
      const keys = rowId === undefined ? [PG_CREATION_LOCK_KEY] : [rowId, PG_CREATION_LOCK_KEY];
      const holders = await advisoryLockHolders(client, keys);
      if (!holders.some((holder) => holder.session.pid === pid)) {
        return { ended: false, message: `PostgreSQL session ${pid} no longer holds the lock of workspace "${backend.workspace}": nothing was ended` };
      }
      const result = await client.query<{ ended: boolean }>('SELECT pg_terminate_backend($1) AS ended', [pid]);
      return result.rows[0]?.ended
        ? { ended: true, message: `Ended PostgreSQL session ${pid}, which held the lock of workspace "${backend.workspace}"` }
        : { ended: false, message: `PostgreSQL did not end session ${pid} (pg_terminate_backend returned false)` };
    });
  } catch (error) {
    return { ended: false, message: `PostgreSQL (pg backend): ${backendErrorText(error)}` };
  }
}
