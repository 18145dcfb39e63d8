/**
 * The seed module on each remote state backend the product reads — pg (PostgreSQL 15), s3 with a
 * DynamoDB lock table, s3 with S3's own lock file (both on moto), http (a Node server of Terraform's
 * http protocol) — with each tool under test, all on loopback: init + apply, `state pull`, a state lock
 * held by a real waiting apply, and what `state pull` says when the backend cannot be read. What the
 * tools print here is what the product's messages are tested against, so the assertions quote it.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { lockInfoFromJson, parseLockInfo, type StateLockInfo } from '../../core/src/terraform/stateLock/lockInfo';
import {
  assertBackendsProvisioned,
  disposeBackendServers,
  motoDynamoDbClient,
  motoS3Client,
  startHttpBackend,
  startMoto,
  startPostgres,
} from '../support/backendServers';
import {
  backendFor,
  deployRemoteSeedModule,
  holdStateLock,
  killStateLockHolders,
  REMOTE_BACKEND_KINDS,
  s3DynamoDbBackend,
  writeRemoteSeedModule,
  type BackendServers,
  type RemoteBackendKind,
  type RemoteModule,
} from '../support/remoteModules';
import { cleanupTempDirs } from '../support/tempModule';
import { assertToolReady, toolLabel, type IacTool } from '../support/tofu';
import { reportToolsUnderTest, TOOLS_UNDER_TEST } from '../support/toolsUnderTest';

const TEST_TIMEOUT_MS = 240_000;

reportToolsUnderTest(__filename);

let started: Promise<BackendServers> | undefined;
/** One set of servers for the whole file, started by the first test that needs it. */
function servers(): Promise<BackendServers> {
  assertBackendsProvisioned();
  started ??= (async () => ({ postgres: await startPostgres(), moto: await startMoto(), http: await startHttpBackend() }))();
  return started;
}

after(async () => {
  killStateLockHolders();
  await disposeBackendServers();
  cleanupTempDirs();
});

async function deployed(tool: IacTool, kind: RemoteBackendKind): Promise<RemoteModule> {
  assertToolReady(tool);
  return deployRemoteSeedModule(tool, await backendFor(kind, await servers()));
}

interface PulledState {
  serial: number;
  lineage: string;
  resources: Array<{ type: string; name: string; instances: Array<{ attributes: Record<string, unknown> }> }>;
}

async function pull(module: RemoteModule): Promise<PulledState> {
  const result = await module.statePull();
  assert.equal(result.code, 0, `state pull failed:\n${result.stderr}`);
  return JSON.parse(result.stdout) as PulledState;
}

const LOCKED_PLAN = ['plan', '-lock-timeout=0s', '-input=false', '-no-color'];

/** The lock as the backend itself keeps it (undefined for pg, which keeps only an advisory lock of the holder's session). */
async function storedLock(module: RemoteModule): Promise<StateLockInfo | undefined> {
  const { settings } = module.backend;
  const endpoint = (settings.endpoints as { s3: string } | undefined)?.s3;
  switch (module.backend.kind) {
    case 'pg':
      return undefined;
    case 's3-dynamodb': {
      const dynamo = motoDynamoDbClient(endpoint!);
      try {
        const item = await dynamo.send(
          new GetItemCommand({ TableName: settings.dynamodb_table as string, Key: { LockID: { S: `${settings.bucket as string}/${settings.key as string}` } } }),
        );
        const info = item.Item?.Info?.S;
        return info === undefined ? undefined : lockInfoFromJson(JSON.parse(info));
      } finally {
        dynamo.destroy();
      }
    }
    case 's3-lockfile': {
      const s3 = motoS3Client(endpoint!);
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: settings.bucket as string, Key: `${settings.key as string}.tflock` }));
        return lockInfoFromJson(JSON.parse(await object.Body!.transformToString()));
      } catch (error) {
        if ((error as Error).name === 'NoSuchKey') return undefined;
        throw error;
      } finally {
        s3.destroy();
      }
    }
    case 'http': {
      const name = new URL(settings.address as string).pathname.split('/').pop()!;
      const lock = (await servers()).http.lock(decodeURIComponent(name));
      return lock === undefined ? undefined : lockInfoFromJson(lock);
    }
  }
}

/** The pg backend's advisory locks in the module's database: its only trace of a held lock. */
async function pgAdvisoryLocks(module: RemoteModule): Promise<number> {
  const database = new URL(module.backend.settings.conn_str as string).pathname.slice(1);
  const rows = await (
    await servers()
  ).postgres.query<{ count: string }>(
    "SELECT count(*) AS count FROM pg_locks l JOIN pg_database d ON d.oid = l.database WHERE l.locktype = 'advisory' AND l.granted AND d.datname = $1",
    [database],
  );
  return Number(rows[0].count);
}

/** The first lines of the refused lock's error, which differ per backend (the tools' own words). */
const LOCK_ERROR_MESSAGE: Record<RemoteBackendKind, RegExp> = {
  pg: /Error message: Workspace is already locked: default\n/,
  's3-dynamodb':
    /Error message: operation error DynamoDB: PutItem, https response error\nStatusCode: 400, RequestID:\n\S+\nConditionalCheckFailedException: The conditional request failed\n/,
  's3-lockfile':
    /Error message: operation error S3: PutObject, https response error\nStatusCode: 412, RequestID:\n[\s\S]*api error PreconditionFailed: At least one of the pre-conditions you\nspecified did not hold\n/,
  http: /Error message: HTTP remote state already locked:\nID=[0-9a-f-]{36}\n/,
};

for (const tool of TOOLS_UNDER_TEST) {
  for (const kind of REMOTE_BACKEND_KINDS) {
    describe(`${toolLabel(tool)} ${kind} backend`, { timeout: TEST_TIMEOUT_MS * 3 }, () => {
      test(
        `${toolLabel(tool)} ${kind}: init + apply the seed; state pull shows serial, lineage and local_file.example with file_permission 0777`,
        { timeout: TEST_TIMEOUT_MS },
        async () => {
          const module = await deployed(tool, kind);
          const state = await pull(module);
          assert.equal(state.serial, 1);
          assert.match(state.lineage, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
          const file = state.resources.find((r) => r.type === 'local_file' && r.name === 'example');
          assert.ok(file, `no local_file.example in the pulled state: ${JSON.stringify(state.resources)}`);
          assert.equal(file.instances[0].attributes.file_permission, '0777');
          assert.equal(file.instances[0].attributes.content, 'This is a test file.');
        },
      );

      test(
        `${toolLabel(tool)} ${kind}: a held lock refuses plan -lock-timeout=0s ("Error acquiring the state lock"); state pull still reads`,
        { timeout: TEST_TIMEOUT_MS },
        async () => {
          const module = await deployed(tool, kind);
          const holder = await holdStateLock(module);
          try {
            const held = await storedLock(module);
            if (kind === 'pg') assert.equal(await pgAdvisoryLocks(module), 1, 'the holder’s session holds one advisory lock');
            else {
              assert.ok(held, `the ${module.backend.describe} holds no lock while the apply waits at its prompt`);
              assert.equal(held.operation, 'OperationTypeApply');
              assert.equal(held.version, tool.version);
            }

            const refused = await module.run(LOCKED_PLAN, { allowFailure: true });
            assert.equal(refused.code, 1, refused.stderr);
            assert.match(refused.stderr, /Error: Error acquiring the state lock\n/);
            assert.match(refused.stderr, LOCK_ERROR_MESSAGE[kind]);
            assert.match(refused.stderr, new RegExp(`${tool.name} acquires a state lock to protect the state from being written\nby multiple users at the same time.`));
            const shown = parseLockInfo(refused.stderr);
            assert.ok(shown, `no Lock Info in:\n${refused.stderr}`);
            // Whose lock the Lock Info block describes depends on the backend, and for http on the tool
            const showsHolder = kind === 's3-dynamodb' || kind === 's3-lockfile' || (kind === 'http' && tool.kind === 'opentofu');
            if (showsHolder) {
              assert.equal(shown.id, held!.id, 'the Lock Info is the holder’s');
              assert.equal(shown.operation, 'OperationTypeApply');
            } else {
              // pg keeps no lock info at all, and Terraform's http client prints its own request: the requester's plan
              assert.equal(shown.operation, 'OperationTypePlan', `the Lock Info is the refused plan’s own:\n${refused.stderr}`);
              if (held) assert.notEqual(shown.id, held.id);
            }
            if (kind === 'http') assert.equal(/ID=([0-9a-f-]{36})/.exec(refused.stderr)?.[1], held!.id, 'the message names the holder’s ID');

            const pulled = await module.statePull();
            assert.equal(pulled.code, 0, `state pull with the lock held:\n${pulled.stderr}`);
            assert.equal((JSON.parse(pulled.stdout) as PulledState).serial, 1);
          } finally {
            await holder.release();
          }
          assert.equal(await storedLock(module), undefined, 'the released apply unlocked');
          const after = await module.run(LOCKED_PLAN, { allowFailure: true });
          assert.equal(after.code, 0, `plan after the release:\n${after.stderr}`);
        },
      );

      test(
        `${toolLabel(tool)} ${kind}: a SIGKILLed holder ${kind === 'pg' ? 'loses its lock with its session' : 'leaves its lock behind, which force-unlock ends'}`,
        { timeout: TEST_TIMEOUT_MS },
        async () => {
          const module = await deployed(tool, kind);
          const holder = await holdStateLock(module);
          const held = await storedLock(module);
          await holder.kill();
          const plan = await module.run(LOCKED_PLAN, { allowFailure: true });
          if (kind === 'pg') {
            assert.equal(await pgAdvisoryLocks(module), 0);
            assert.equal(plan.code, 0, `plan after the holder was killed:\n${plan.stderr}`);
          } else {
            assert.deepEqual(await storedLock(module), held, 'the lock is still where the backend keeps it');
            assert.equal(plan.code, 1);
            assert.match(plan.stderr, /Error acquiring the state lock/);
            // the way out: force-unlock with the ID the backend keeps
            const unlocked = await module.run(['force-unlock', '-force', '-no-color', held!.id!], { allowFailure: true });
            assert.equal(unlocked.code, 0, unlocked.stderr);
            assert.match(unlocked.stdout, new RegExp(`${tool.name} state has been successfully unlocked!`));
            assert.equal(await storedLock(module), undefined);
            const free = await module.run(LOCKED_PLAN, { allowFailure: true });
            assert.equal(free.code, 0, `plan after force-unlock:\n${free.stderr}`);
          }
        },
      );
    });
  }

  describe(`${toolLabel(tool)} state pull when the backend cannot be read`, { timeout: TEST_TIMEOUT_MS * 6 }, () => {
    test(
      `${toolLabel(tool)} pg server stopped: state pull fails "dial tcp …: connect: connection refused"; reads again once it is back`,
      { timeout: TEST_TIMEOUT_MS },
      async () => {
        const module = await deployed(tool, 'pg');
        const { postgres } = await servers();
        await postgres.stop();
        try {
          const down = await module.statePull();
          assert.equal(down.code, 1);
          assert.equal(down.stdout, '');
          assert.match(down.stderr, new RegExp(`Error: dial tcp 127\\.0\\.0\\.1:${postgres.port}: connect: connection refused`));
        } finally {
          await postgres.start();
        }
        assert.equal((await pull(module)).serial, 1);
      },
    );

    test(`${toolLabel(tool)} moto paused: state pull hangs (no answer within 10 s); reads again once moto resumes`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const module = await deployed(tool, 's3-lockfile');
      const { moto } = await servers();
      moto.pause();
      try {
        await assert.rejects(module.statePull({ timeoutMs: 10_000 }), /timed out after 10000 ms/);
      } finally {
        moto.resume();
      }
      assert.equal((await pull(module)).serial, 1);
    });

    test(`${toolLabel(tool)} s3 without credentials: "No valid credential sources found"; moto takes wrong ones`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const module = await deployed(tool, 's3-dynamodb');
      const none = await module.statePull({ envOverrides: { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' } });
      assert.equal(none.code, 1);
      assert.match(none.stderr, /Error: No valid credential sources found/);
      // moto checks no signatures, so wrong credentials read the state: a wrong-credentials message cannot be tested on it
      const wrong = await module.statePull({ envOverrides: { AWS_ACCESS_KEY_ID: 'wrong', AWS_SECRET_ACCESS_KEY: 'wrong' } });
      assert.equal(wrong.code, 0, wrong.stderr);
    });

    test(`${toolLabel(tool)} http server stopped: state pull fails "connect: connection refused"`, { timeout: TEST_TIMEOUT_MS }, async () => {
      const module = await deployed(tool, 'http');
      const { http } = await servers();
      await http.stop();
      try {
        const down = await module.statePull();
        assert.equal(down.code, 1);
        assert.match(
          down.stderr,
          /Failed to refresh state: Failed to get state: GET http:\/\/127\.0\.0\.1:\d+\/state\/\S+ giving up after 1 attempt\(s\): Get "[^"]+": dial tcp 127\.0\.0\.1:\d+: connect: connection refused/,
        );
      } finally {
        await http.start();
      }
      assert.equal((await pull(module)).serial, 1);
    });

    test(`${toolLabel(tool)} module not initialised: state pull asks for "${tool.cli} init"`, { timeout: TEST_TIMEOUT_MS }, async () => {
      assertToolReady(tool);
      const module = writeRemoteSeedModule(tool, await s3DynamoDbBackend((await servers()).moto));
      const result = await module.statePull();
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`Error: Backend initialization required, please run "${tool.cli} init"`));
      assert.match(result.stderr, /Reason: Initial configuration of the requested backend "s3"/);
    });
  });
}
