/**
 * The seed module deployed to a remote state backend on the loopback servers of backendServers.ts:
 * its `local_file` with a backend block for pg, s3 (a DynamoDB lock table, or S3's own lock file) or
 * http, initialised and applied with either tool; and a real tool process holding the state lock, as
 * a colleague's run would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type HttpBackendServer, MOTO_CREDENTIALS, MOTO_REGION, createBucket, createLockTable, type MotoServer, type PostgresServer } from './backendServers';
import { seedConfiguration } from './seedModule';
import { tempDir, writeFiles } from './tempModule';
import { toolEnv, toolModule, type IacTool, type Tofu, type TofuResult, type TofuRunOptions } from './tofu';

export type RemoteBackendKind = 'pg' | 's3-dynamodb' | 's3-lockfile' | 'http';

export const REMOTE_BACKEND_KINDS: readonly RemoteBackendKind[] = ['pg', 's3-dynamodb', 's3-lockfile', 'http'];

type HclValue = string | number | boolean | { [key: string]: string };

/** One backend block and what the tools need besides it to reach the backend. */
export interface RemoteBackend {
  kind: RemoteBackendKind;
  /** The block's type: `backend "pg"`. */
  type: 'pg' | 's3' | 'http';
  settings: Record<string, HclValue>;
  /** Variables the tools get on top of remoteToolEnv()'s. */
  env: Record<string, string>;
  /** What the lock is kept in, for messages: `DynamoDB table tf-locks`. */
  describe: string;
}

let counter = 0;
/** A name no other module of this process uses: `prefix_3_k2f9`. */
function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}_${counter}_${Math.random().toString(36).slice(2, 6)}`;
}

/**
 * A pg backend in a database of its own on `server`: the pg backend's advisory locks are numbered by
 * the state's row id, so two modules sharing a database (even in different schemas) would share locks.
 */
export async function pgBackend(server: PostgresServer, database = uniqueName('tfstate')): Promise<RemoteBackend> {
  const connStr = await server.database(database);
  return { kind: 'pg', type: 'pg', settings: { conn_str: connStr }, env: {}, describe: `PostgreSQL database ${database}` };
}

/**
 * The s3 backend's settings for moto at `endpoint`, which both Terraform 1.11 and OpenTofu 1.12 accept:
 * path-style addresses, no STS/IMDS/account look-ups, checksums off (moto needs none).
 */
function s3Settings(endpoint: string, bucket: string, key: string): Record<string, HclValue> {
  return {
    bucket,
    key,
    region: MOTO_REGION,
    endpoints: { s3: endpoint, dynamodb: endpoint },
    use_path_style: true,
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  };
}

/** The AWS variables a tool gets for moto: its test credentials, nothing from the machine's own AWS setup. */
export function motoEnv(credentials: { accessKeyId: string; secretAccessKey: string } = MOTO_CREDENTIALS): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_REGION: MOTO_REGION,
    AWS_DEFAULT_REGION: MOTO_REGION,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
}

/** An s3 backend in a new bucket on `moto`, locking in a new DynamoDB table (`LockID` hash key). */
export async function s3DynamoDbBackend(moto: MotoServer): Promise<RemoteBackend> {
  const bucket = uniqueName('tf-state').replace(/_/g, '-');
  const table = uniqueName('tf-locks');
  await createBucket(moto.endpoint, bucket);
  await createLockTable(moto.endpoint, table);
  return {
    kind: 's3-dynamodb',
    type: 's3',
    settings: { ...s3Settings(moto.endpoint, bucket, 'seed/terraform.tfstate'), dynamodb_table: table },
    env: motoEnv(),
    describe: `DynamoDB table ${table}`,
  };
}

/** An s3 backend in a new bucket on `moto`, locking with S3's own lock file (`KEY.tflock`). */
export async function s3LockfileBackend(moto: MotoServer): Promise<RemoteBackend> {
  const bucket = uniqueName('tf-state').replace(/_/g, '-');
  await createBucket(moto.endpoint, bucket);
  return {
    kind: 's3-lockfile',
    type: 's3',
    settings: { ...s3Settings(moto.endpoint, bucket, 'seed/terraform.tfstate'), use_lockfile: true },
    env: motoEnv(),
    describe: `S3 lock file s3://${bucket}/seed/terraform.tfstate.tflock`,
  };
}

/** An http backend for the state `name` on `server` (LOCK/UNLOCK at its lock address). */
export function httpBackend(server: HttpBackendServer, name = uniqueName('seed')): RemoteBackend {
  const { address, lockAddress, unlockAddress } = server.addresses(name);
  return {
    kind: 'http',
    type: 'http',
    settings: { address, lock_address: lockAddress, unlock_address: unlockAddress, lock_method: 'LOCK', unlock_method: 'UNLOCK', retry_max: 0 },
    env: {},
    describe: `http lock at ${lockAddress}`,
  };
}

/** The loopback servers a test file runs, for `backendFor`. */
export interface BackendServers {
  postgres: PostgresServer;
  moto: MotoServer;
  http: HttpBackendServer;
}

/** A new backend of `kind` on `servers`, isolated from every other module's. */
export function backendFor(kind: RemoteBackendKind, servers: BackendServers): Promise<RemoteBackend> {
  switch (kind) {
    case 'pg':
      return pgBackend(servers.postgres);
    case 's3-dynamodb':
      return s3DynamoDbBackend(servers.moto);
    case 's3-lockfile':
      return s3LockfileBackend(servers.moto);
    case 'http':
      return Promise.resolve(httpBackend(servers.http));
  }
}

/** `terraform { backend "TYPE" { … } }` */
export function backendBlock(backend: RemoteBackend): string {
  const width = Math.max(...Object.keys(backend.settings).map((k) => k.length));
  const lines = Object.entries(backend.settings).map(([key, value]) => `    ${key.padEnd(width)} = ${hclValue(value)}`);
  return `terraform {\n  backend "${backend.type}" {\n${lines.join('\n')}\n  }\n}\n`;
}

function hclValue(value: HclValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `{ ${Object.entries(value)
    .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
    .join(', ')} }`;
}

/** Proxy variables: nothing the tests run may leave loopback through a proxy. */
const PROXY_ENV = /^(https?_proxy|all_proxy|no_proxy|ftp_proxy)$/i;
/** The machine's own AWS settings (profiles, endpoints, roles) must not reach moto's clients. */
const AWS_ENV = /^AWS_/;

/** The environment of a tool run against `backend`: toolEnv() without proxies or AWS settings, plus the backend's. */
export function remoteToolEnv(backend: RemoteBackend, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(toolEnv())) if (!PROXY_ENV.test(key) && !AWS_ENV.test(key)) env[key] = value;
  return { ...env, ...backend.env, ...overrides };
}

/** A module folder whose state is kept in a remote backend, driven by one tool. */
export class RemoteModule {
  constructor(
    readonly dir: string,
    readonly tool: IacTool,
    readonly backend: RemoteBackend,
    private readonly module: Tofu = toolModule(dir, tool),
  ) {}

  /** `TOOL ARGS…` with the backend's environment (`env` on top of it). */
  run(args: string[], options: TofuRunOptions & { envOverrides?: Record<string, string> } = {}): Promise<TofuResult> {
    const { envOverrides, ...rest } = options;
    return this.module.run(args, { env: remoteToolEnv(this.backend, envOverrides), ...rest });
  }

  init(): Promise<TofuResult> {
    return this.run(['init', '-input=false', '-no-color']);
  }

  apply(): Promise<TofuResult> {
    return this.run(['apply', '-auto-approve', '-input=false', '-no-color']);
  }

  /** `state pull -no-color`: the state as the backend holds it (resolves on failure too; read `code`). */
  statePull(options: TofuRunOptions & { envOverrides?: Record<string, string> } = {}): Promise<TofuResult> {
    return this.run(['state', 'pull', '-no-color'], { allowFailure: true, ...options });
  }
}

/** Writes the seed module (file_permission `permission`) with `backend`'s block into a new temp folder. */
export function writeRemoteSeedModule(tool: IacTool, backend: RemoteBackend, permission = '0777'): RemoteModule {
  const dir = tempDir(`ii-remote-${backend.kind}-`);
  writeFiles(dir, { 'main.tf': seedConfiguration(permission), 'backend.tf': backendBlock(backend) });
  return new RemoteModule(dir, tool, backend);
}

/** The seed module with `backend`'s block, initialised and applied by `tool`: its state is in the backend. */
export async function deployRemoteSeedModule(tool: IacTool, backend: RemoteBackend, permission = '0777'): Promise<RemoteModule> {
  const module = writeRemoteSeedModule(tool, backend, permission);
  await module.init();
  await module.apply();
  return module;
}

/** A tool process holding a module's state lock. */
export interface StateLockHolder {
  /** Its pid, which leads its process group. */
  pid: number;
  /** What it printed up to now. */
  output(): string;
  /** Ends it at its approval prompt (it answers nothing, cancels and unlocks); resolves once it has exited. */
  release(): Promise<void>;
  /** SIGKILLs its process group: the lock stays where the backend keeps it (s3, DynamoDB, http), pg ends it with the session. */
  kill(): Promise<void>;
}

const holders: ChildProcess[] = [];

/**
 * Starts `apply -replace=local_file.example` of `module` with its stdin a pipe: the tool takes the state
 * lock, plans, and waits at its approval prompt with the lock held. Resolves at the prompt. The seed is
 * deployed already, so without `-replace` the apply would find nothing to do and exit at once.
 */
export async function holdStateLock(module: RemoteModule, timeoutMs = 120_000): Promise<StateLockHolder> {
  const env = remoteToolEnv(module.backend);
  delete env.TF_INPUT; // it must ask
  const child = spawn(module.tool.bin, ['apply', '-replace=local_file.example', '-no-color'], {
    cwd: module.dir,
    env,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  holders.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`${module.tool.cli} apply did not reach its prompt within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      if (output.includes('Enter a value')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${module.tool.cli} apply exited (${code ?? signal}) before its prompt:\n${output}`));
    });
  });
  return {
    pid: child.pid!,
    output: () => output,
    release: async () => {
      child.stdin!.end();
      await exited;
    },
    kill: async () => {
      killGroup(child);
      await exited;
    },
  };
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** Kills, with their process groups, the lock holders a failed test left running (for an `after` hook). */
export function killStateLockHolders(): void {
  for (const child of holders.splice(0)) killGroup(child);
}

/** Overwrites the module's backend block (say, to point it at a server that is not there). */
export function rewriteBackendBlock(module: RemoteModule, backend: RemoteBackend): void {
  writeFileSync(path.join(module.dir, 'backend.tf'), backendBlock(backend));
}
