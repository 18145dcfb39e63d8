/**
 * Locks a team can see, against real backends on loopback and a real tool process holding the lock:
 * PostgreSQL for `pg`, moto's S3 and DynamoDB for `s3` (with a DynamoDB table, and with
 * `use_lockfile`), the http backend server for `http`; each with OpenTofu and with Terraform.
 * For each: a free lock is `unlocked`; an `apply` that is sleeping in a local-exec provisioner holds
 * it and inspection names the holder (its lock info for s3/http, its database session for pg);
 * the release works — for s3/http after the holder was SIGKILLed and left its lock behind, by the
 * tool's force-unlock (except Terraform's for http, which the server refuses: that is reported); for pg by ending the session, since the pg backend's force-unlock from
 * another process releases nothing — and inspection then says `unlocked`; with the backend
 * unreachable inspection says `unknown` in the backend's words, within its timeout.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { systemProcessRunner } from '../../core/src/exec/systemProcessRunner';
import { readInitialisedBackend, type InitialisedBackend } from '../../core/src/terraform/backend/initialisedBackend';
import { releaseStateLock } from '../../core/src/terraform/stateLock/lockRelease';
import { describeLock } from '../../core/src/terraform/stateLock/lockText';
import type { StateLockStatus } from '../../core/src/terraform/stateLock/stateLock';
import { inspectStateLock, type LockInspectionOptions } from '../../core/src/terraform/stateLock/stateLockInspection';
import {
  createBucket,
  createLockTable,
  disposeBackendServers,
  MOTO_REGION,
  startHttpBackend,
  startMoto,
  startPostgres,
  type HttpBackendServer,
  type MotoServer,
  type PostgresServer,
} from '../support/backendServers';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';
import { assertToolReady, toolEnv, type IacTool } from '../support/tofu';
import { reportToolsUnderTest, TOOLS_UNDER_TEST } from '../support/toolsUnderTest';

reportToolsUnderTest(__filename);

const INSPECTION_TIMEOUT_MS = 5_000;
const BUCKET = 'ii-lock-state';
const LOCK_TABLE = 'ii-lock-table';

let postgres: PostgresServer;
let moto: MotoServer;
let http: HttpBackendServer;

before(async () => {
  [postgres, moto, http] = await Promise.all([startPostgres(), startMoto(), startHttpBackend()]);
  await createBucket(moto.endpoint, BUCKET);
  await createLockTable(moto.endpoint, LOCK_TABLE);
});

const holders = new Set<ChildProcess>();
after(async () => {
  for (const holder of holders) killGroup(holder);
  await disposeBackendServers();
  cleanupTempDirs();
});

type BackendKind = 'pg' | 's3-dynamodb' | 's3-lockfile' | 'http';

/** The backend block of a module whose state is `name` on the shared servers. */
async function backendBlock(kind: BackendKind, name: string): Promise<string> {
  const s3 = (locking: string) => `
  backend "s3" {
    bucket                      = "${BUCKET}"
    key                         = "${name}/terraform.tfstate"
    region                      = "${MOTO_REGION}"
    endpoints                   = { s3 = "${moto.endpoint}", dynamodb = "${moto.endpoint}" }
    use_path_style              = true
    access_key                  = "test"
    secret_key                  = "test"
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    ${locking}
  }`;
  switch (kind) {
    case 'pg':
      return `\n  backend "pg" {\n    conn_str = "${await postgres.database(name)}"\n  }`;
    case 's3-dynamodb':
      return s3(`dynamodb_table = "${LOCK_TABLE}"`);
    case 's3-lockfile':
      return s3('use_lockfile = true');
    case 'http': {
      const { address, lockAddress, unlockAddress } = http.addresses(name);
      return `\n  backend "http" {\n    address        = "${address}"\n    lock_address   = "${lockAddress}"\n    unlock_address = "${unlockAddress}"\n  }`;
    }
  }
}

/** A root module whose apply holds the state lock for `hold_seconds` (a local-exec sleep during a replacement). */
async function lockModule(kind: BackendKind, name: string): Promise<string> {
  const dir = tempDir(`ii-locks-${kind}-`);
  writeFiles(dir, {
    'main.tf': `terraform {${await backendBlock(kind, name)}
}

variable "hold_seconds" {
  type    = number
  default = 0
}

resource "terraform_data" "holder" {
  triggers_replace = timestamp()
  provisioner "local-exec" {
    command = "sleep \${var.hold_seconds}"
  }
}
`,
  });
  return dir;
}

/** Runs the tool to completion; rejects with its output on failure. */
function runTool(tool: IacTool, dir: string, args: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool.bin, args, { cwd: dir, env: toolEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
  });
}

async function mustRun(tool: IacTool, dir: string, args: string[]): Promise<void> {
  const result = await runTool(tool, dir, args);
  if (result.code !== 0) throw new Error(`${tool.cli} ${args.join(' ')} exited ${result.code}:\n${result.stderr}\n${result.stdout}`);
}

/** An apply that holds the lock until killed, in a process group of its own (the tool, its provider, the sleep). */
function holdLock(tool: IacTool, dir: string): ChildProcess {
  const child = spawn(tool.bin, ['apply', '-auto-approve', '-input=false', '-no-color', '-var', 'hold_seconds=300'], {
    cwd: dir,
    env: toolEnv(),
    stdio: 'ignore',
    detached: true,
  });
  holders.add(child);
  return child;
}

function killGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

async function killAndWait(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
  killGroup(child);
  await exited;
  holders.delete(child);
}

function options(tool: IacTool, timeoutMs = INSPECTION_TIMEOUT_MS): LockInspectionOptions {
  return { executable: { path: tool.bin, tool: tool.kind }, runner: systemProcessRunner, env: toolEnv(), timeoutMs };
}

/** Inspects until `until` holds (the holder needs a moment to start and take the lock), or fails with the last status. */
async function inspectUntil(
  dir: string,
  backend: InitialisedBackend,
  tool: IacTool,
  until: (status: StateLockStatus) => boolean,
  withinMs = 60_000,
): Promise<StateLockStatus> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const status = await inspectStateLock(dir, backend, options(tool));
    if (until(status) || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function waitFor(condition: () => boolean, what: string, withinMs = 60_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`waited ${withinMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const isLocked = (status: StateLockStatus): status is Extract<StateLockStatus, { state: 'locked' }> => status.state === 'locked';

const EXPECTED_METHOD = { pg: 'pg-advisory', 's3-dynamodb': 'dynamodb-item', 's3-lockfile': 's3-lockfile', http: 'zero-timeout-attempt' } as const;

for (const tool of TOOLS_UNDER_TEST) {
  describe(`state locks with ${tool.name}`, () => {
    for (const kind of ['pg', 's3-dynamodb', 's3-lockfile', 'http'] as const) {
      test(`${kind}: unlocked, held by a live apply, released, unlocked`, { timeout: 300_000 }, async () => {
        assertToolReady(tool);
        const name = `${tool.cli}_${kind.replace('-', '_')}`;
        const dir = await lockModule(kind, name);
        await mustRun(tool, dir, ['init', '-input=false', '-no-color']);
        await mustRun(tool, dir, ['apply', '-auto-approve', '-input=false', '-no-color']);
        const backend = readInitialisedBackend(dir, toolEnv());
        assert.ok(backend, 'init recorded the backend');

        const requestsBefore = http.requests.length;
        const stateBefore = kind === 'http' ? http.state(name) : undefined;
        const free = await inspectStateLock(dir, backend, options(tool));
        if (kind === 'http') {
          // The probe took and released the lock, read the state, and wrote nothing.
          const probe = http.requests.slice(requestsBefore).map((request) => `${request.method} ${request.status}`);
          assert.deepEqual(
            probe.filter((request) => !/^(GET|LOCK|UNLOCK) 200$/.test(request)),
            [],
            probe.join(', '),
          );
          assert.ok(probe.includes('LOCK 200') && probe.includes('UNLOCK 200'), probe.join(', '));
          assert.equal(http.state(name), stateBefore);
          assert.equal(http.lock(name), undefined, 'released before it exited');
        }
        assert.equal(free.state, 'unlocked', describeLock(free, Date.now()));
        assert.equal(free.state === 'unlocked' && free.method, EXPECTED_METHOD[kind]);

        const holder = holdLock(tool, dir);
        // The probe takes a free lock for a moment, and an apply that finds it taken fails at once
        // (both tools' default -lock-timeout is 0s): for http, wait on the server, then look once.
        if (kind === 'http') await waitFor(() => http.lock(name) !== undefined, `${tool.name}'s apply to take the http lock`);
        const held = await inspectUntil(dir, backend, tool, isLocked);
        assert.ok(isLocked(held), `the apply's lock was seen: ${describeLock(held, Date.now())}`);
        assert.equal(held.method, EXPECTED_METHOD[kind]);
        console.log(`${tool.name} ${kind}: ${describeLock(held, Date.now())}`);

        if (kind === 'pg') {
          assert.ok(held.session, 'the holding session');
          assert.equal(held.session.user, 'postgres');
          assert.equal(held.session.clientAddress, '127.0.0.1');
          assert.ok(held.session.connectedAt && Date.now() - Date.parse(held.session.connectedAt) < 120_000, 'connected recently');
          assert.deepEqual(held.release, { kind: 'end-pg-session', pid: held.session.pid });
          assert.match(held.lock?.path ?? '', /^[1-9]\d*$/, "the workspace row's id");
          // The tool's own force-unlock from another process: it says it unlocked, and the lock stays.
          const forced = await runTool(tool, dir, ['force-unlock', '-force', '-no-color', 'any-id']);
          console.log(`${tool.name} pg force-unlock from another process: exit ${forced.code}: ${forced.stdout.trim().split('\n')[0]}`);
          assert.equal(forced.code, 0);
          const still = await inspectStateLock(dir, backend, options(tool));
          assert.ok(isLocked(still) && still.session?.pid === held.session.pid, `still held by the same session: ${describeLock(still, Date.now())}`);

          const released = await releaseStateLock(dir, held, options(tool));
          console.log(`${tool.name} pg release: ${released.message}`);
          assert.equal(released.released, true, released.message);
          await killAndWait(holder);
        } else {
          assert.ok(held.lock, 'the lock info');
          if (kind === 'http') assert.equal(held.lock.id, http.lock(name)?.ID, "the server's holder");
          if (kind === 'http' && tool.kind === 'terraform') {
            // Terraform prints its own request's Lock Info for the http backend and names the holder only by ID.
            assert.deepEqual(held.lock, { id: http.lock(name)?.ID });
            assert.match(describeLock(held, Date.now()), /^Locked, lock ID [0-9a-f]{8}…; seen in a lock attempt that waited zero seconds$/);
          } else {
            assert.equal(held.lock.operation, 'OperationTypeApply');
            assert.match(held.lock.who ?? '', /^.+@.+$/);
            assert.match(held.lock.id ?? '', /^[0-9a-f-]{36}$/);
            assert.ok(held.lock.created, 'Created');
            assert.ok(describeLock(held, Date.now()).includes(' for apply since '), describeLock(held, Date.now()));
          }
          assert.deepEqual(held.release, { kind: 'force-unlock', lockId: held.lock.id });

          await killAndWait(holder);
          const left = await inspectStateLock(dir, backend, options(tool));
          assert.ok(isLocked(left) && left.lock?.id === held.lock.id, `the killed apply left its lock: ${describeLock(left, Date.now())}`);

          const released = await releaseStateLock(dir, left, options(tool));
          console.log(`${tool.name} ${kind} release: ${released.message}`);
          // Terraform 1.11.4's http force-unlock sends UNLOCK without a body (it has no lock info of
          // the holder's); the test server, like the http backends that accept that, releases on it.
          assert.equal(released.released, true, released.message);
        }

        const after = await inspectStateLock(dir, backend, options(tool));
        assert.equal(after.state, 'unlocked', describeLock(after, Date.now()));
      });
    }
  });
}

describe('a backend that cannot be reached: unknown, in its words, within the timeout', () => {
  const tool = TOOLS_UNDER_TEST[0];
  const timeoutMs = 3_000;

  async function initialised(kind: BackendKind): Promise<{ dir: string; backend: InitialisedBackend }> {
    assertToolReady(tool);
    const dir = await lockModule(kind, `down_${kind.replace('-', '_')}`);
    await mustRun(tool, dir, ['init', '-input=false', '-no-color']);
    const backend = readInitialisedBackend(dir, toolEnv());
    assert.ok(backend);
    return { dir, backend };
  }

  async function timedInspection(dir: string, backend: InitialisedBackend): Promise<{ status: StateLockStatus; ms: number }> {
    const started = Date.now();
    const status = await inspectStateLock(dir, backend, options(tool, timeoutMs));
    return { status, ms: Date.now() - started };
  }

  test('pg: the server stopped', { timeout: 120_000 }, async () => {
    const { dir, backend } = await initialised('pg');
    await postgres.stop();
    try {
      const { status, ms } = await timedInspection(dir, backend);
      console.log(`pg down (${ms} ms): ${describeLock(status, Date.now())}`);
      assert.equal(status.state, 'unknown');
      assert.match(status.state === 'unknown' ? status.reason : '', /^PostgreSQL \(pg backend\): .*ECONNREFUSED 127\.0\.0\.1:\d+/);
      assert.ok(ms < timeoutMs + 1_000, `took ${ms} ms`);
    } finally {
      await postgres.start();
    }
  });

  test('s3 with DynamoDB: moto paused, answering nothing', { timeout: 120_000 }, async () => {
    const { dir, backend } = await initialised('s3-dynamodb');
    moto.pause();
    try {
      const { status, ms } = await timedInspection(dir, backend);
      console.log(`s3 down (${ms} ms): ${describeLock(status, Date.now())}`);
      assert.equal(status.state, 'unknown');
      assert.match(status.state === 'unknown' ? status.reason : '', new RegExp(`^s3 backend: no answer within ${timeoutMs} ms`));
      assert.ok(ms < timeoutMs + 1_000, `took ${ms} ms`);
    } finally {
      moto.resume();
    }
  });

  test('http: the server stopped', { timeout: 120_000 }, async () => {
    const { dir, backend } = await initialised('http');
    await http.stop();
    try {
      const { status, ms } = await timedInspection(dir, backend);
      console.log(`http down (${ms} ms): ${describeLock(status, Date.now())}`);
      assert.equal(status.state, 'unknown');
      assert.match(status.state === 'unknown' ? status.reason : '', /could not take the state lock: .*connection refused/);
      assert.ok(ms < timeoutMs + 1_000, `took ${ms} ms`);
    } finally {
      await http.start();
    }
  });
});
