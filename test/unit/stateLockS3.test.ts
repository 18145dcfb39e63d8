/**
 * The s3 backend's lock, without S3: the key layout of workspaces and their locks, the backend
 * configuration mapped to the AWS SDK clients (each attribute, the older spellings, the
 * environment), the stored lock JSON read, and the failures reported in the SDK's words. Real S3
 * and DynamoDB (moto) are in test/e2e-tofu/stateLocks.test.ts.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, test } from 'node:test';
import type { InitialisedBackend } from '../../core/src/terraform/backend/initialisedBackend';
import { dynamodbLockId, s3ClientSettings, s3LockFileKey, s3LockLocation, s3StateKey } from '../../core/src/terraform/stateLock/s3BackendConfig';
import { inspectS3Lock, lockFromStoredJson, releaseOfLock } from '../../core/src/terraform/stateLock/s3Lock';

describe('key layout', () => {
  test('default workspace: the key; others: <prefix>/<workspace>/<key>, prefix env: by default', () => {
    assert.equal(s3StateKey('app/terraform.tfstate', 'default'), 'app/terraform.tfstate');
    assert.equal(s3StateKey('app/terraform.tfstate', 'staging'), 'env:/staging/app/terraform.tfstate');
    assert.equal(s3StateKey('terraform.tfstate', 'staging', 'teams/web'), 'teams/web/staging/terraform.tfstate');
    assert.equal(s3StateKey('terraform.tfstate', 'staging', ''), 'staging/terraform.tfstate');
  });
  test('the DynamoDB LockID and the lock file key', () => {
    assert.equal(dynamodbLockId({ bucket: 'state', stateKey: 'env:/dev/app.tfstate' }), 'state/env:/dev/app.tfstate');
    assert.equal(s3LockFileKey('env:/dev/app.tfstate'), 'env:/dev/app.tfstate.tflock');
  });
  test('the location from the recorded configuration (unset attributes are null)', () => {
    assert.deepEqual(s3LockLocation({ bucket: 'b', key: 'k.tfstate', workspace_key_prefix: null, dynamodb_table: 'locks', use_lockfile: null }, 'dev'), {
      bucket: 'b',
      stateKey: 'env:/dev/k.tfstate',
      dynamodbTable: 'locks',
      useLockfile: false,
    });
    assert.deepEqual(s3LockLocation({ bucket: 'b', key: 'k', workspace_key_prefix: 'w', use_lockfile: true }, 'dev'), {
      bucket: 'b',
      stateKey: 'w/dev/k',
      useLockfile: true,
    });
  });
  test('no bucket, no key: said', () => {
    assert.throws(() => s3LockLocation({ key: 'k' }, 'default'), { message: 'The s3 backend configuration has no bucket' });
    assert.throws(() => s3LockLocation({ bucket: 'b', key: '' }, 'default'), { message: 'The s3 backend configuration has no key' });
  });
});

describe('s3ClientSettings', () => {
  test('endpoints, path style and static keys from the configuration', () => {
    const settings = s3ClientSettings(
      {
        region: 'eu-west-1',
        endpoints: { s3: 'http://127.0.0.1:5000', dynamodb: 'http://127.0.0.1:5001' },
        use_path_style: true,
        access_key: 'AK',
        secret_key: 'SK',
        token: 'T',
      },
      { AWS_REGION: 'us-east-1' },
    );
    assert.deepEqual(settings, {
      region: 'eu-west-1',
      s3Endpoint: 'http://127.0.0.1:5000',
      dynamodbEndpoint: 'http://127.0.0.1:5001',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AK', secretAccessKey: 'SK', sessionToken: 'T' },
    });
  });
  test('the older spellings: endpoint, dynamodb_endpoint, force_path_style', () => {
    const settings = s3ClientSettings({ endpoint: 'http://s3.local', dynamodb_endpoint: 'http://ddb.local', force_path_style: 'true' }, {});
    assert.equal(settings.s3Endpoint, 'http://s3.local');
    assert.equal(settings.dynamodbEndpoint, 'http://ddb.local');
    assert.equal(settings.forcePathStyle, true);
  });
  test('the environment fills what the configuration leaves out', () => {
    const settings = s3ClientSettings(
      { region: null, endpoints: null },
      {
        AWS_DEFAULT_REGION: 'ap-south-1',
        AWS_ENDPOINT_URL_S3: 'http://s3.env',
        AWS_ENDPOINT_URL: 'http://all.env',
        AWS_ACCESS_KEY_ID: 'EA',
        AWS_SECRET_ACCESS_KEY: 'ES',
      },
    );
    assert.equal(settings.region, 'ap-south-1');
    assert.equal(settings.s3Endpoint, 'http://s3.env');
    assert.equal(settings.dynamodbEndpoint, 'http://all.env');
    assert.deepEqual(settings.credentials, { accessKeyId: 'EA', secretAccessKey: 'ES' });
  });
  test('a profile or shared files: an ini credentials provider', () => {
    assert.equal(typeof s3ClientSettings({ profile: 'team' }, {}).credentials, 'function');
    assert.equal(typeof s3ClientSettings({ shared_credentials_files: ['~/creds'] }, { HOME: '/home/u' }).credentials, 'function');
  });
  test('nothing given: the SDK default chain', () => {
    assert.equal(s3ClientSettings({}, {}).credentials, undefined);
  });
  test('half a key pair, and an endpoint that is no URL: said', () => {
    assert.throws(() => s3ClientSettings({ access_key: 'AK' }, {}), { message: 'The s3 backend configuration has access_key without secret_key' });
    assert.throws(() => s3ClientSettings({ secret_key: 'SK' }, {}), { message: 'The s3 backend configuration has secret_key without access_key' });
    assert.throws(() => s3ClientSettings({ endpoints: { dynamodb: 'not a url' } }, {}), { message: 'The s3 backend\'s dynamodb endpoint "not a url" is not a URL' });
  });
});

describe('stored lock JSON', () => {
  test('the JSON both tools store', () => {
    const json =
      '{"ID":"6b50d7ee-2073-53c6-1543-66b3b3066235","Operation":"OperationTypeApply","Info":"","Who":"root@vm","Version":"1.11.4","Created":"2026-12-03T08:44:00.07812833Z","Path":"b/k"}';
    assert.deepEqual(lockFromStoredJson(json, 'x'), {
      lock: {
        id: '6b50d7ee-2073-53c6-1543-66b3b3066235',
        operation: 'OperationTypeApply',
        who: 'root@vm',
        version: '1.11.4',
        created: '2026-12-03T08:44:00.07812833Z',
        path: 'b/k',
      },
    });
    assert.deepEqual(releaseOfLock(lockFromStoredJson(json, 'x'), 'x'), { kind: 'force-unlock', lockId: '6b50d7ee-2073-53c6-1543-66b3b3066235' });
  });
  test('not JSON, or JSON without lock fields: unreadable, and no release', () => {
    assert.deepEqual(lockFromStoredJson('{oops', 'The lock file s3://b/k.tflock'), { unreadable: 'The lock file s3://b/k.tflock is not JSON' });
    assert.deepEqual(lockFromStoredJson('[1]', 'The lock file'), { unreadable: 'The lock file holds no lock info' });
    assert.deepEqual(releaseOfLock({ unreadable: 'The lock file is not JSON' }, 'The lock file'), {
      kind: 'none',
      reason: "The lock file is not JSON, and force-unlock needs the lock's ID",
    });
    assert.deepEqual(releaseOfLock({ lock: { who: 'a@b' } }, 'The DynamoDB lock item'), {
      kind: 'none',
      reason: "The DynamoDB lock item has no lock ID, and force-unlock needs the lock's ID",
    });
  });
});

describe('inspectS3Lock without S3', () => {
  const backend = (config: Record<string, unknown>): InitialisedBackend => ({ type: 's3', config, workspace: 'default', dataDir: '/nowhere/.terraform' });
  const options = { env: {}, timeoutMs: 3_000, now: () => 5 };

  test('a backend that takes no lock: unknown, saying that nothing records one', async () => {
    assert.deepEqual(await inspectS3Lock(backend({ bucket: 'b', key: 'k', region: 'us-east-1' }), options), {
      backend: 's3',
      workspace: 'default',
      state: 'unknown',
      checkedAt: 5,
      reason: 'This s3 backend takes no state lock (it has neither dynamodb_table nor use_lockfile = true): nothing records a lock, and nothing stops two runs at once',
    });
  });
  test('a configuration error: unknown, in its words', async () => {
    const status = await inspectS3Lock(backend({ key: 'k', use_lockfile: true }), options);
    assert.equal(status.state === 'unknown' && status.reason, 's3 backend: The s3 backend configuration has no bucket');
  });
  test('an endpoint where nothing listens: unknown in the SDK words, naming the table', async () => {
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const status = await inspectS3Lock(
      backend({
        bucket: 'b',
        key: 'k',
        region: 'us-east-1',
        dynamodb_table: 'locks',
        endpoints: { dynamodb: `http://127.0.0.1:${port}` },
        access_key: 'a',
        secret_key: 's',
      }),
      options,
    );
    assert.equal(status.state, 'unknown');
    assert.match((status as { reason: string }).reason, new RegExp(`^s3 backend: DynamoDB table locks: .*ECONNREFUSED 127\\.0\\.0\\.1:${port}`));
  });
  test('an endpoint that never answers: unknown within the timeout', async () => {
    const sockets: import('node:net').Socket[] = [];
    const server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    const started = Date.now();
    try {
      const status = await inspectS3Lock(
        backend({
          bucket: 'b',
          key: 'k',
          region: 'us-east-1',
          use_lockfile: true,
          endpoints: { s3: `http://127.0.0.1:${port}` },
          use_path_style: true,
          access_key: 'a',
          secret_key: 's',
        }),
        { ...options, timeoutMs: 500 },
      );
      assert.equal(status.state, 'unknown');
      assert.match((status as { reason: string }).reason, /^s3 backend: no answer within 500 ms/);
      assert.ok(Date.now() - started < 3_000, `took ${Date.now() - started} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});
