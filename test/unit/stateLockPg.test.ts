/**
 * The pg backend's lock, without a database: reading conn_str as lib/pq does (URL and keyword
 * forms, the PG* environment, sslmode=require by default), the advisory lock keys (the row id,
 * Terraform's -1, OpenTofu's FNV-1 creation key, which OpenTofu 1.12.6 was seen holding as
 * classid 4294967295 / objid 497783868), how the tools spell the table, and an unreachable
 * database reported in node-postgres's words. The real database is in test/e2e-tofu/stateLocks.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import type { InitialisedBackend } from '../../core/src/terraform/backend/initialisedBackend';
import { parsePgConnectionString, pgClientConfig, pgConnectionString, pgSchemaName, PgConnectionStringError } from '../../core/src/terraform/stateLock/pgConnection';
import {
  advisoryLockKeyParts,
  inspectPgLock,
  opentofuPgCreationLockKey,
  pgCreationLockKeys,
  pgIdentifier,
  pgStateTable,
} from '../../core/src/terraform/stateLock/pgLock';

describe('conn_str', () => {
  test('a URL', () => {
    assert.deepEqual(parsePgConnectionString('postgres://ter%40raform:p%2Fss@127.0.0.1:5433/state?sslmode=disable&connect_timeout=3'), {
      host: '127.0.0.1',
      port: '5433',
      user: 'ter@raform',
      password: 'p/ss',
      dbname: 'state',
      sslmode: 'disable',
      connect_timeout: '3',
    });
  });
  test('an IPv6 URL host', () => {
    assert.equal(parsePgConnectionString('postgresql://[::1]:5432/db').host, '::1');
  });
  test('keyword=value pairs with quoting and escapes', () => {
    assert.deepEqual(parsePgConnectionString("host=/var/run/postgresql  user = tf password='it\\'s a b' dbname=st\\ ate sslmode=verify-full"), {
      host: '/var/run/postgresql',
      user: 'tf',
      password: "it's a b",
      dbname: 'st ate',
      sslmode: 'verify-full',
    });
  });
  test('an unterminated quote says so and names the keyword, not the value', () => {
    assert.throws(
      () => parsePgConnectionString("host=db password='secret"),
      (error: Error) => {
        assert.ok(error instanceof PgConnectionStringError);
        assert.equal(error.message, "The pg backend's conn_str has an unterminated quoted value for password");
        return true;
      },
    );
  });
  test('neither form: the position is given', () => {
    assert.throws(() => parsePgConnectionString('host=db just-words'), {
      message: "The pg backend's conn_str is neither a postgres:// URL nor keyword=value pairs (at character 9)",
    });
  });
  test('a broken URL', () => {
    assert.throws(() => parsePgConnectionString('postgres://a:b@[bad'), { message: "The pg backend's conn_str is not a valid postgres:// URL" });
  });
  test('from the configuration, else PG_CONN_STR, else an error that says so', () => {
    assert.equal(pgConnectionString({ conn_str: 'host=a' }, { PG_CONN_STR: 'host=b' }), 'host=a');
    assert.equal(pgConnectionString({ conn_str: null }, { PG_CONN_STR: 'host=b' }), 'host=b');
    assert.throws(() => pgConnectionString({}, {}), {
      message: 'The pg backend has no conn_str in its configuration and PG_CONN_STR is not set: there is no database to look in',
    });
  });
  test('schema: the configuration, else PG_SCHEMA_NAME, else terraform_remote_state; table likewise with states', () => {
    assert.equal(pgSchemaName({ schema_name: 'team' }, {}), 'team');
    assert.equal(pgSchemaName({ schema_name: null }, { PG_SCHEMA_NAME: 'env' }), 'env');
    assert.equal(pgSchemaName({}, {}), 'terraform_remote_state');
    assert.deepEqual(pgStateTable({ table_name: 'tofu_states' }, {}), { schema: 'terraform_remote_state', table: 'tofu_states' });
    assert.deepEqual(pgStateTable({ table_name: null }, { PG_TABLE_NAME: 'other' }), { schema: 'terraform_remote_state', table: 'other' });
    assert.deepEqual(pgStateTable({}, {}), { schema: 'terraform_remote_state', table: 'states' });
  });
});

describe('pgClientConfig', () => {
  test('lib/pq defaults: TLS required without certificate checks, PG* variables, the user as the database', () => {
    const config = pgClientConfig('host=db', { PGUSER: 'tf', PGPASSWORD: 'pw', PGPORT: '6543' }, 2_000);
    assert.equal(config.host, 'db');
    assert.equal(config.port, 6543);
    assert.equal(config.user, 'tf');
    assert.equal(config.password, 'pw');
    assert.equal(config.database, 'tf');
    assert.deepEqual(config.ssl, { rejectUnauthorized: false });
    assert.equal(config.connectionTimeoutMillis, 2_000);
    assert.equal(config.query_timeout, 2_000);
  });
  test('the string wins over the environment; sslmode=disable is plain', () => {
    const config = pgClientConfig('postgres://a@h:1/d?sslmode=disable', { PGHOST: 'other', PGSSLMODE: 'require' }, 1);
    assert.equal(config.host, 'h');
    assert.equal(config.ssl, false);
  });
  test('verify-full checks the certificate', () => {
    assert.deepEqual(pgClientConfig('host=h sslmode=verify-full', {}, 1).ssl, { rejectUnauthorized: true });
  });
  test('an sslmode the backend does not support', () => {
    assert.throws(() => pgClientConfig('host=h sslmode=prefer', {}, 1), {
      message: 'The pg backend\'s conn_str has sslmode "prefer", which the pg backend does not support (disable, require, verify-ca, verify-full)',
    });
  });
  test('a port that is not a number', () => {
    assert.throws(() => pgClientConfig('host=h port=abc', {}, 1), { message: 'The pg backend\'s conn_str has port "abc", which is not a number' });
  });
  test('a certificate file that cannot be read', () => {
    assert.throws(() => pgClientConfig('host=h sslrootcert=/nonexistent/ca.pem', {}, 1), {
      message: "The pg backend's sslrootcert /nonexistent/ca.pem cannot be read: ENOENT",
    });
  });
});

describe('advisory lock keys', () => {
  test('a bigint key in pg_locks: classid the high 32 bits, objid the low 32 bits', () => {
    assert.deepEqual(advisoryLockKeyParts(1n), { classid: '0', objid: '1' });
    assert.deepEqual(advisoryLockKeyParts(-1n), { classid: '4294967295', objid: '4294967295' });
    assert.deepEqual(advisoryLockKeyParts(0x1_0000_0002n), { classid: '1', objid: '2' });
  });
  test("OpenTofu's creation lock for the default table, as seen held by OpenTofu 1.12.6", () => {
    assert.equal(opentofuPgCreationLockKey('terraform_remote_state', 'states'), -3797183428n);
    assert.deepEqual(advisoryLockKeyParts(-3797183428n), { classid: '4294967295', objid: '497783868' });
    assert.deepEqual(pgCreationLockKeys('terraform_remote_state', 'states'), [-1n, -3797183428n]);
  });
  test('identifiers: OpenTofu quotes them as given, Terraform leaves them to be folded', () => {
    assert.equal(pgIdentifier('Team', 'opentofu'), '"Team"');
    assert.equal(pgIdentifier('Team', 'terraform'), '"team"');
    assert.equal(pgIdentifier('with space', 'terraform'), '"with space"');
    assert.equal(pgIdentifier('a"b', undefined), '"a""b"');
  });
});

describe('inspectPgLock without a database', () => {
  const backend = (conn_str: string | undefined): InitialisedBackend => ({
    type: 'pg',
    config: conn_str ? { conn_str } : {},
    workspace: 'default',
    dataDir: '/nowhere/.terraform',
  });
  const options = { env: {}, timeoutMs: 2_000, now: () => 1 };

  test('a refused connection: unknown, in node-postgres words', async () => {
    // A port just released by a listener of ours: nothing listens on it.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const status = await inspectPgLock(backend(`postgres://tf@127.0.0.1:${port}/db?sslmode=disable`), options);
    assert.deepEqual(status, {
      backend: 'pg',
      workspace: 'default',
      state: 'unknown',
      checkedAt: 1,
      reason: `PostgreSQL (pg backend): connect ECONNREFUSED 127.0.0.1:${port}`,
    });
  });
  test('a server that never answers: unknown within the timeout', async () => {
    const sockets: import('node:net').Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const started = Date.now();
    try {
      const status = await inspectPgLock(backend(`postgres://tf@127.0.0.1:${port}/db?sslmode=disable`), { ...options, timeoutMs: 500 });
      assert.equal(status.state, 'unknown');
      assert.match((status as { reason: string }).reason, /^PostgreSQL \(pg backend\): (Connection terminated due to connection timeout|no answer within 500 ms)/);
      assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
  test('no conn_str anywhere: unknown, saying so', async () => {
    const status = await inspectPgLock(backend(undefined), options);
    assert.equal(
      status.state === 'unknown' && status.reason,
      'PostgreSQL (pg backend): The pg backend has no conn_str in its configuration and PG_CONN_STR is not set: there is no database to look in',
    );
  });
});
