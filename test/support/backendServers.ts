/**
 * Real servers for the remote state backends, on loopback only, each on a free port with its files in
 * a temp dir, and always stoppable:
 *
 * - PostgreSQL (Debian's postgresql-15) for the `pg` backend: a cluster of its own, stopped and started
 *   again with its data kept, for "the backend went away mid-session, then came back" tests.
 * - moto's server (PyPI, in `.tools/python`) for the `s3` backend's S3 bucket and DynamoDB lock table:
 *   it keeps everything in memory, so it is paused (SIGSTOP: requests hang) rather than restarted.
 * - A small Node server speaking Terraform's `http` backend protocol.
 *
 * Every server started here is registered (serverProcesses.ts): `disposeBackendServers()` (for an `after` hook) stops them
 * all, and a process exit kills whatever is left, so a failed test leaves no server behind.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTableCommand, DynamoDBClient, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { Client as PgClient } from 'pg';
import {
  disposeServers,
  freePort,
  LOOPBACK,
  register,
  unregister,
  type Disposable,
  serverEnv,
  signalGroup,
  startAndWaitFor,
  STARTUP_TIMEOUT_MS,
  stopGroup,
} from './serverProcesses';
import { repoRoot, TOOL_VERSIONS } from './tofu';

export { freePort, LOOPBACK };
/** Stops and removes every server this process started (the backends' and any other). */
export const disposeBackendServers = disposeServers;

/** Debian's PostgreSQL 15 programs (setup-tools.sh, step `backends`, installs them). */
export const POSTGRES_BIN_DIR = '/usr/lib/postgresql/15/bin';
/** moto's server in the venv setup-tools.sh makes. */
export const MOTO_SERVER = path.join(repoRoot, '.tools', 'python', 'bin', 'moto_server');
/** The credentials and region every client of moto uses: moto accepts any, the tools need some. */
export const MOTO_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
export const MOTO_REGION = 'us-east-1';

export const BACKENDS_NOT_PROVISIONED = 'The backend servers are not provisioned: run `bash scripts/setup-tools.sh --only backends`';

/** The one clear error when PostgreSQL or moto is missing; undefined when both are there. */
export function backendsProvisioningError(): Error | undefined {
  const missing = [path.join(POSTGRES_BIN_DIR, 'initdb'), path.join(POSTGRES_BIN_DIR, 'postgres'), MOTO_SERVER].filter((f) => !existsSync(f));
  if (missing.length === 0) return undefined;
  return new Error(`${BACKENDS_NOT_PROVISIONED} (missing: ${missing.join(', ')})`);
}

/** Throws that error; call it inside each test, so that every test fails with the setup hint. */
export function assertBackendsProvisioned(): void {
  const error = backendsProvisioningError();
  if (error) throw error;
}

/** The moto and PostgreSQL versions setup-tools.sh recorded, for test names and reports. */
export function backendVersions(): { moto?: string; postgres?: string } {
  if (!existsSync(TOOL_VERSIONS)) return {};
  const versions = JSON.parse(readFileSync(TOOL_VERSIONS, 'utf8')) as { backends?: { moto?: { version?: string }; postgres?: { version?: string } } };
  return { moto: versions.backends?.moto?.version, postgres: versions.backends?.postgres?.version ?? undefined };
}

// ---------------------------------------------------------------------------------------------------
// PostgreSQL

export interface PostgresServer {
  /** `postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable`: the cluster's superuser, trusted on loopback. */
  readonly connStr: string;
  readonly port: number;
  /** The folder holding the cluster's data and its unix socket. */
  readonly dir: string;
  /** True while the server runs. */
  readonly running: boolean;
  /** Fast shutdown (every session is ended, so the pg backend's advisory locks go with them); the data stays. */
  stop(): Promise<void>;
  /** Starts the same cluster again on the same port. */
  start(): Promise<void>;
  /** A connection string for database `name`, created on first use (so tests can share one server). */
  database(name: string): Promise<string>;
  /** Runs one SQL statement as the superuser and returns its rows. */
  query<Row extends Record<string, unknown> = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<Row[]>;
  /** Stops the server and removes its folder. */
  dispose(): Promise<void>;
}

/**
 * The user the cluster's programs run as. initdb and postgres refuse to run as root, and the tests
 * may run as root (CI does here): then they run as `nobody`, with the cluster's folder given to it.
 */
function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('nobody:'));
  if (!line) throw new Error('the tests run as root and there is no user `nobody` to run PostgreSQL as (initdb refuses root)');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** `program args…`, run as `user` when given: setpriv drops to it and execs the program (same pid, no shell). */
function asUser(user: { uid: number; gid: number } | undefined, program: string, args: string[]): [string, string[]] {
  if (!user) return [program, args];
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', program, ...args]];
}

/** A new PostgreSQL cluster in a temp dir, listening on 127.0.0.1 (and a unix socket in that dir) only. */
export async function startPostgres(): Promise<PostgresServer> {
  assertBackendsProvisioned();
  const user = postgresUser();
  const dir = mkdtempSync(path.join(tmpdir(), 'ii-pg-'));
  const data = path.join(dir, 'data');
  const socketDir = path.join(dir, 'socket');
  mkdirSync(socketDir);
  if (user) for (const d of [dir, socketDir]) chownSync(d, user.uid, user.gid);
  chmodSync(dir, 0o700);

  const [initdb, initdbArgs] = asUser(user, path.join(POSTGRES_BIN_DIR, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ]);
  const init = spawnSync(initdb, initdbArgs, { cwd: dir, env: serverEnv(), encoding: 'utf8', timeout: STARTUP_TIMEOUT_MS });
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed (${init.status ?? init.signal ?? init.error?.message}):\n${init.stdout}${init.stderr}`);
  }

  let child: ChildProcess | undefined;
  let port = 0;
  const databases = new Set(['postgres']);
  const launch = async (onPort: number) => {
    const [postgres, args] = asUser(user, path.join(POSTGRES_BIN_DIR, 'postgres'), [
      '-D',
      data,
      '-p',
      String(onPort),
      '-c',
      `listen_addresses=${LOOPBACK}`,
      '-c',
      `unix_socket_directories=${socketDir}`,
      // A throwaway cluster: durability is not wanted, speed is
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ]);
    const started = await startAndWaitFor(postgres, args, { cwd: dir, env: serverEnv() }, /database system is ready to accept connections/, 'postgres');
    child = started.child;
    // keep reading its log, or a full pipe would block the server
    child.stdout!.resume();
    child.stderr!.resume();
  };

  // The port is picked free, then bound by postgres: another process may take it in between, so retry.
  for (let attempt = 1; ; attempt++) {
    const candidate = await freePort();
    try {
      await launch(candidate);
      port = candidate;
      break;
    } catch (error) {
      const message = (error as Error).message;
      if (attempt < 5 && /could not bind|could not create any TCP\/IP sockets|Address already in use/.test(message)) continue;
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  const connStrFor = (database: string) => `postgres://postgres@${LOOPBACK}:${port}/${database}?sslmode=disable`;
  const query = async <Row extends Record<string, unknown>>(sql: string, params: unknown[] = [], database = 'postgres'): Promise<Row[]> => {
    const client = new PgClient({ connectionString: connStrFor(database), connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      return (await client.query<Row>(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  const stop = async () => {
    if (!child) return;
    const running = child;
    child = undefined;
    // SIGINT is postgres's fast shutdown: sessions are ended, the data is checkpointed
    await stopGroup(running, 'SIGINT');
  };
  let disposed = false;
  const server: PostgresServer & Disposable = {
    get connStr() {
      return connStrFor('postgres');
    },
    get port() {
      return port;
    },
    dir,
    get running() {
      return child !== undefined;
    },
    stop,
    start: async () => {
      if (disposed) throw new Error('this PostgreSQL server was disposed of');
      if (!child) await launch(port);
    },
    database: async (name) => {
      if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${JSON.stringify(name)}: use lower-case letters, digits and _`);
      if (!databases.has(name)) {
        await query(`CREATE DATABASE ${name}`);
        databases.add(name);
      }
      return connStrFor(name);
    },
    query,
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      try {
        await stop();
      } finally {
        rmSync(dir, { recursive: true, force: true });
        unregister(server);
      }
    },
    killNow: () => {
      signalGroup(child?.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  register(server);
  return server;
}

// ---------------------------------------------------------------------------------------------------
// moto (S3 + DynamoDB)

export interface MotoServer {
  /** `http://127.0.0.1:PORT`: the one endpoint for every AWS service moto serves. */
  readonly endpoint: string;
  readonly port: number;
  readonly paused: boolean;
  /** SIGSTOP: the server keeps its port and data but answers nothing, so requests hang until they time out. */
  pause(): void;
  /** SIGCONT: the paused server answers again, with its data. */
  resume(): void;
  /** Stops the server (its data is gone). */
  dispose(): Promise<void>;
}

/** moto's server on 127.0.0.1, on a port it binds itself (port 0) and reports. */
export async function startMoto(): Promise<MotoServer> {
  assertBackendsProvisioned();
  const dir = mkdtempSync(path.join(tmpdir(), 'ii-moto-'));
  let started: Awaited<ReturnType<typeof startAndWaitFor>>;
  try {
    started = await startAndWaitFor(
      MOTO_SERVER,
      ['-H', LOOPBACK, '-p', '0'],
      { cwd: dir, env: serverEnv({ HOME: dir, PYTHONUNBUFFERED: '1' }) },
      /Running on http:\/\/127\.0\.0\.1:(\d+)/,
      'moto_server',
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const { child, match } = started;
  child.stdout!.resume();
  child.stderr!.resume();
  const port = Number(match[1]);
  let paused = false;
  let disposed = false;
  const server: MotoServer & Disposable = {
    endpoint: `http://${LOOPBACK}:${port}`,
    port,
    get paused() {
      return paused;
    },
    pause: () => {
      signalGroup(child.pid, 'SIGSTOP');
      paused = true;
    },
    resume: () => {
      signalGroup(child.pid, 'SIGCONT');
      paused = false;
    },
    dispose: async () => {
      if (disposed) return;
      disposed = true;
      try {
        // a stopped process does not act on SIGTERM until it is continued
        signalGroup(child.pid, 'SIGCONT');
        await stopGroup(child, 'SIGTERM');
      } finally {
        rmSync(dir, { recursive: true, force: true });
        unregister(server);
      }
    },
    killNow: () => {
      signalGroup(child.pid, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  register(server);
  return server;
}

/** Clients' settings for moto at `endpoint`: test credentials, us-east-1, path-style S3 addresses, short timeouts. */
function awsClientConfig(endpoint: string) {
  return { endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS, maxAttempts: 2 };
}

export function motoS3Client(endpoint: string): S3Client {
  return new S3Client({ ...awsClientConfig(endpoint), forcePathStyle: true });
}

export function motoDynamoDbClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient(awsClientConfig(endpoint));
}

/** Creates the S3 bucket `name` in moto. */
export async function createBucket(endpoint: string, name: string): Promise<void> {
  const s3 = motoS3Client(endpoint);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: name }));
  } finally {
    s3.destroy();
  }
}

/** Creates the DynamoDB table `name` the s3 backend locks in: hash key `LockID`, a string. */
export async function createLockTable(endpoint: string, name: string): Promise<void> {
  const dynamo = motoDynamoDbClient(endpoint);
  try {
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    await waitUntilTableExists({ client: dynamo, maxWaitTime: 30 }, { TableName: name });
  } finally {
    dynamo.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------
// Terraform's http backend

/** The lock a client holds, as it sent it (Terraform's lock info JSON: ID, Operation, Who, Version, Created, Path, Info). */
export type HttpBackendLock = Record<string, unknown> & { ID: string };

export interface HttpBackendRequest {
  method: string;
  /** The path and query. */
  url: string;
  /** The body as sent (the lock info JSON of a LOCK or UNLOCK). */
  body: string;
  status: number;
}

export interface HttpBackendServer {
  /** `http://127.0.0.1:PORT` */
  readonly endpoint: string;
  readonly port: number;
  /** The backend block's addresses for the state `name`: state at /state/NAME, its lock at /state/NAME/lock. */
  addresses(name: string): { address: string; lockAddress: string; unlockAddress: string };
  /** The state stored under `name`, as the client sent it; undefined when there is none. */
  state(name: string): string | undefined;
  /** Who holds the lock of `name`, as the holder sent it; undefined when it is free. */
  lock(name: string): HttpBackendLock | undefined;
  /** Every request answered, in order. */
  readonly requests: readonly HttpBackendRequest[];
  /** Closes the listener (connections are refused); the states and locks stay in memory. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/**
 * A server for Terraform's `http` backend, as its client speaks it: GET/POST/DELETE of a state at its
 * address (POST carries `?ID=` of the lock the writer holds), LOCK/UNLOCK at the lock address with the
 * lock info JSON as the body. A LOCK of a held lock answers 423 with the holder's lock info (the client
 * reads its ID); an UNLOCK whose ID is not the holder's answers 409 (one with no body unlocks, as Terraform's
 * force-unlock sends none); a write under someone else's lock 409.
 */
export async function startHttpBackend(): Promise<HttpBackendServer> {
  const states = new Map<string, string>();
  const locks = new Map<string, HttpBackendLock>();
  const requests: HttpBackendRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', `http://${LOOPBACK}`);
    const answer = (status: number, payload?: string, type = 'application/json') => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', body, status });
      if (payload === undefined) res.writeHead(status).end();
      else res.writeHead(status, { 'Content-Type': type }).end(payload);
    };
    const lockPath = /^\/state\/([^/]+)\/lock$/.exec(url.pathname);
    const statePath = /^\/state\/([^/]+)$/.exec(url.pathname);
    if (lockPath) {
      const name = decodeURIComponent(lockPath[1]);
      const info = parseLock(body);
      const held = locks.get(name);
      switch (req.method) {
        case 'LOCK':
          if (!info) return answer(400, JSON.stringify({ error: 'LOCK needs the lock info JSON, with its ID, as the body' }));
          if (held) return answer(423, JSON.stringify(held));
          locks.set(name, info);
          return answer(200, JSON.stringify(info));
        case 'UNLOCK':
          if (!held) return answer(200);
          // Terraform's force-unlock sends no body at all (OpenTofu's sends the ID it was given): that
          // unlocks whoever holds it, as the usual servers do; a body naming another ID is refused
          if (body.trim() !== '' && info?.ID !== held.ID) return answer(409, JSON.stringify(held));
          locks.delete(name);
          return answer(200);
        default:
          return answer(405);
      }
    }
    if (statePath) {
      const name = decodeURIComponent(statePath[1]);
      const held = locks.get(name);
      switch (req.method) {
        case 'GET': {
          const state = states.get(name);
          return state === undefined ? answer(404) : answer(200, state);
        }
        case 'POST':
        case 'PUT':
          if (held && url.searchParams.get('ID') !== held.ID) return answer(409, JSON.stringify(held));
          states.set(name, body);
          return answer(200);
        case 'DELETE':
          if (held && url.searchParams.get('ID') !== held.ID) return answer(409, JSON.stringify(held));
          states.delete(name);
          return answer(200);
        default:
          return answer(405);
      }
    }
    return answer(404);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, LOOPBACK, () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });

  const port = await listen(0);
  const endpoint = `http://${LOOPBACK}:${port}`;
  const backend: HttpBackendServer & Disposable = {
    endpoint,
    port,
    addresses: (name) => {
      const address = `${endpoint}/state/${encodeURIComponent(name)}`;
      return { address, lockAddress: `${address}/lock`, unlockAddress: `${address}/lock` };
    },
    state: (name) => states.get(name),
    lock: (name) => locks.get(name),
    requests,
    stop: close,
    start: async () => {
      if (!server.listening) await listen(port);
    },
    dispose: async () => {
      await close();
      unregister(backend);
    },
    killNow: () => {
      server.closeAllConnections();
      server.close();
    },
  };
  register(backend);
  return backend;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseLock(body: string): HttpBackendLock | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    if (value && typeof value === 'object' && typeof (value as { ID?: unknown }).ID === 'string') return value as HttpBackendLock;
  } catch {
    // not JSON
  }
  return undefined;
}
