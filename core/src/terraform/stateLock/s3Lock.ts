/**
 * The s3 backend's lock, read where the backend keeps it, in either of its two ways (both when
 * both are configured, as the backend then takes both):
 * - `dynamodb_table`: an item whose `LockID` is `<bucket>/<state key>` and whose `Info` attribute
 *   is the lock's JSON (the `<bucket>/<state key>-md5` item beside it is the state's digest, no lock);
 * - `use_lockfile = true`: the object `<state key>.tflock`, whose body is the same JSON.
 * Only reads: GetItem with a consistent read, GetObject.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { InitialisedBackend } from '../backend/initialisedBackend';
import { backendErrorText } from './backendErrorText';
import { lockInfoFromJson, type StateLockInfo } from './lockInfo';
import { dynamodbLockId, s3ClientSettings, s3LockFileKey, s3LockLocation, type S3ClientSettings, type S3LockLocation } from './s3BackendConfig';
import type { LockInspectionMethod, LockRelease, StateLockStatus } from './stateLock';

export interface S3LockOptions {
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  now: () => number;
}

/** One lock found: its info, or why it could not be read. */
type FoundLock = { method: LockInspectionMethod; lock?: StateLockInfo; unreadable?: string };

/** A lock's stored JSON, or why it is not one. */
export function lockFromStoredJson(text: string, where: string): { lock?: StateLockInfo; unreadable?: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { unreadable: `${where} is not JSON` };
  }
  const lock = lockInfoFromJson(json);
  return lock ? { lock } : { unreadable: `${where} holds no lock info` };
}

/** The release of a found lock: force-unlock with its ID, or why that is impossible. */
export function releaseOfLock(found: { lock?: StateLockInfo; unreadable?: string }, where: string): LockRelease {
  if (found.lock?.id) return { kind: 'force-unlock', lockId: found.lock.id };
  return { kind: 'none', reason: `${found.unreadable ?? `${where} has no lock ID`}, and force-unlock needs the lock's ID` };
}

async function dynamodbLock(location: S3LockLocation & { dynamodbTable: string }, settings: S3ClientSettings, signal: AbortSignal): Promise<FoundLock | undefined> {
  const client = new DynamoDBClient({
    region: settings.region,
    endpoint: settings.dynamodbEndpoint,
    credentials: settings.credentials,
    maxAttempts: 1,
  });
  try {
    const lockId = dynamodbLockId(location);
    const answer = await client.send(
      new GetItemCommand({ TableName: location.dynamodbTable, Key: { LockID: { S: lockId } }, ConsistentRead: true, ProjectionExpression: 'LockID, Info' }),
      { abortSignal: signal },
    );
    if (!answer.Item) return undefined;
    const where = `The DynamoDB lock item ${lockId} in ${location.dynamodbTable}`;
    const info = answer.Item.Info?.S;
    return { method: 'dynamodb-item', ...(info === undefined ? { unreadable: `${where} has no Info attribute` } : lockFromStoredJson(info, `${where}'s Info`)) };
  } catch (error) {
    throw new Error(`DynamoDB table ${location.dynamodbTable}: ${backendErrorText(error)}`);
  } finally {
    client.destroy();
  }
}

async function lockFile(location: S3LockLocation, settings: S3ClientSettings, signal: AbortSignal): Promise<FoundLock | undefined> {
  const client = new S3Client({
    region: settings.region,
    endpoint: settings.s3Endpoint,
    forcePathStyle: settings.forcePathStyle,
    credentials: settings.credentials,
    maxAttempts: 1,
  });
  const key = s3LockFileKey(location.stateKey);
  try {
    const answer = await client.send(new GetObjectCommand({ Bucket: location.bucket, Key: key }), { abortSignal: signal });
    const body = answer.Body ? await answer.Body.transformToString('utf8') : '';
    return { method: 's3-lockfile', ...lockFromStoredJson(body, `The lock file s3://${location.bucket}/${key}`) };
  } catch (error) {
    if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
    throw new Error(`S3 object s3://${location.bucket}/${key}: ${backendErrorText(error)}`);
  } finally {
    client.destroy();
  }
}

export async function inspectS3Lock(backend: InitialisedBackend, options: S3LockOptions): Promise<StateLockStatus> {
  const base = { backend: backend.type, workspace: backend.workspace };
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error(`no answer within ${options.timeoutMs} ms`)), options.timeoutMs);
  try {
    const location = s3LockLocation(backend.config, backend.workspace);
    const settings = s3ClientSettings(backend.config, options.env);
    const { dynamodbTable } = location;
    if (!location.useLockfile && !dynamodbTable) {
      return {
        ...base,
        state: 'unknown',
        checkedAt: options.now(),
        reason: 'This s3 backend takes no state lock (it has neither dynamodb_table nor use_lockfile = true): nothing records a lock, and nothing stops two runs at once',
      };
    }
    const found = await Promise.all([
      location.useLockfile ? lockFile(location, settings, abort.signal) : undefined,
      dynamodbTable ? dynamodbLock({ ...location, dynamodbTable }, settings, abort.signal) : undefined,
    ]);
    const checkedAt = options.now();
    const held = found.find((lock) => lock !== undefined);
    if (!held) return { ...base, state: 'unlocked', method: location.useLockfile ? 's3-lockfile' : 'dynamodb-item', checkedAt };
    return {
      ...base,
      state: 'locked',
      method: held.method,
      checkedAt,
      ...(held.lock ? { lock: held.lock } : {}),
      release: releaseOfLock(held, held.method === 's3-lockfile' ? 'The lock file' : 'The DynamoDB lock item'),
    };
  } catch (error) {
    const reason = abort.signal.aborted ? `no answer within ${options.timeoutMs} ms (${backendErrorText(error)})` : backendErrorText(error);
    return { ...base, state: 'unknown', checkedAt: options.now(), reason: `s3 backend: ${reason}` };
  } finally {
    clearTimeout(timer);
  }
}
