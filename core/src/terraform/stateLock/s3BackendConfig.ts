/**
 * The s3 backend's configuration, as `init` recorded it, turned into what the lock inspection
 * needs: where the state and its locks are (the key layout of the backend's workspaces), and AWS
 * SDK clients that reach the same S3 and DynamoDB endpoints with the same credentials the backend
 * would use — its own keys, profile and shared files when it names them, else the SDK's default
 * chain, which reads the user's environment as the tool does.
 */
import * as path from 'node:path';
import { fromIni } from '@aws-sdk/credential-provider-ini';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';

/** The s3 backend's default `workspace_key_prefix`. */
export const DEFAULT_WORKSPACE_KEY_PREFIX = 'env:';
/** What the s3 backend appends to the state key for its lock file (`use_lockfile`). */
export const S3_LOCK_FILE_SUFFIX = '.tflock';

/** A configuration that cannot be used; the message names the attribute. */
export class S3BackendConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'S3BackendConfigError';
  }
}

export interface S3LockLocation {
  bucket: string;
  /** The workspace's state object key. */
  stateKey: string;
  /** `dynamodb_table`, when the backend locks with DynamoDB. */
  dynamodbTable?: string;
  /** Whether the backend locks with a `<state key>.tflock` object. */
  useLockfile: boolean;
}

export interface S3ClientSettings {
  region?: string;
  s3Endpoint?: string;
  dynamodbEndpoint?: string;
  forcePathStyle: boolean;
  /** Undefined: the SDK's default chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
}

function text(config: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = config[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function flag(config: Readonly<Record<string, unknown>>, key: string): boolean | undefined {
  const value = config[key];
  if (typeof value === 'boolean') return value;
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

function texts(config: Readonly<Record<string, unknown>>, key: string): string[] | undefined {
  const value = config[key];
  if (typeof value === 'string' && value !== '') return [value];
  if (Array.isArray(value)) {
    const strings = value.filter((item): item is string => typeof item === 'string' && item !== '');
    return strings.length > 0 ? strings : undefined;
  }
  return undefined;
}

/** `endpoints` is an object in the recorded configuration; a one-element list is accepted too. */
function endpoint(config: Readonly<Record<string, unknown>>, service: 's3' | 'dynamodb'): string | undefined {
  let endpoints = config.endpoints;
  if (Array.isArray(endpoints)) endpoints = endpoints[0];
  if (typeof endpoints === 'object' && endpoints !== null) {
    const value = (endpoints as Record<string, unknown>)[service];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** The object key of a workspace's state: the key itself for `default`, else `<workspace_key_prefix>/<workspace>/<key>`. */
export function s3StateKey(key: string, workspace: string, workspaceKeyPrefix: string = DEFAULT_WORKSPACE_KEY_PREFIX): string {
  if (workspace === 'default') return key;
  return path.posix.join(workspaceKeyPrefix, workspace, key);
}

/** The DynamoDB lock item's `LockID`: `<bucket>/<state key>`. */
export function dynamodbLockId(location: Pick<S3LockLocation, 'bucket' | 'stateKey'>): string {
  return `${location.bucket}/${location.stateKey}`;
}

/** The lock file's object key: `<state key>.tflock`. */
export function s3LockFileKey(stateKey: string): string {
  return stateKey + S3_LOCK_FILE_SUFFIX;
}

/** Where the workspace's state and its locks are. */
export function s3LockLocation(config: Readonly<Record<string, unknown>>, workspace: string): S3LockLocation {
  const bucket = text(config, 'bucket');
  if (!bucket) throw new S3BackendConfigError('The s3 backend configuration has no bucket');
  const key = text(config, 'key');
  if (!key) throw new S3BackendConfigError('The s3 backend configuration has no key');
  const prefixValue = config.workspace_key_prefix;
  const prefix = typeof prefixValue === 'string' ? prefixValue : DEFAULT_WORKSPACE_KEY_PREFIX;
  const location: S3LockLocation = { bucket, stateKey: s3StateKey(key, workspace, prefix), useLockfile: flag(config, 'use_lockfile') === true };
  const table = text(config, 'dynamodb_table');
  if (table) location.dynamodbTable = table;
  return location;
}

/** The SDK clients' settings for the backend's configuration, the environment filling what it leaves out. */
export function s3ClientSettings(config: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): S3ClientSettings {
  const settings: S3ClientSettings = {
    region: text(config, 'region') ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION || undefined),
    s3Endpoint: endpoint(config, 's3') ?? text(config, 'endpoint') ?? (env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined),
    dynamodbEndpoint: endpoint(config, 'dynamodb') ?? text(config, 'dynamodb_endpoint') ?? (env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL || undefined),
    forcePathStyle: flag(config, 'use_path_style') ?? flag(config, 'force_path_style') ?? false,
  };
  for (const [name, value] of [
    ['s3', settings.s3Endpoint],
    ['dynamodb', settings.dynamodbEndpoint],
  ] as const) {
    if (value !== undefined && !URL.canParse(value)) throw new S3BackendConfigError(`The s3 backend's ${name} endpoint "${value}" is not a URL`);
  }

  const accessKey = text(config, 'access_key');
  const secretKey = text(config, 'secret_key');
  if (accessKey || secretKey) {
    if (!accessKey || !secretKey)
      throw new S3BackendConfigError(`The s3 backend configuration has ${accessKey ? 'access_key' : 'secret_key'} without ${accessKey ? 'secret_key' : 'access_key'}`);
    const token = text(config, 'token');
    settings.credentials = { accessKeyId: accessKey, secretAccessKey: secretKey, ...(token ? { sessionToken: token } : {}) };
    return settings;
  }
  const profile = text(config, 'profile') ?? (env.AWS_PROFILE || undefined);
  const credentialsFile = texts(config, 'shared_credentials_files')?.[0] ?? text(config, 'shared_credentials_file') ?? (env.AWS_SHARED_CREDENTIALS_FILE || undefined);
  const configFile = texts(config, 'shared_config_files')?.[0] ?? (env.AWS_CONFIG_FILE || undefined);
  if (profile || credentialsFile || configFile) {
    settings.credentials = fromIni({
      ...(profile ? { profile } : {}),
      ...(credentialsFile ? { filepath: expandHome(credentialsFile, env) } : {}),
      ...(configFile ? { configFilepath: expandHome(configFile, env) } : {}),
    });
    return settings;
  }
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    settings.credentials = {
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    };
  }
  return settings;
}

function expandHome(file: string, env: NodeJS.ProcessEnv): string {
  return file.startsWith('~/') && env.HOME ? path.join(env.HOME, file.slice(2)) : file;
}
