/**
 * Where the pg backend's database is, as the backend itself would connect: its `conn_str` (else
 * the environment's `PG_CONN_STR`) in either of the forms lib/pq takes — a URL
 * (`postgres://user:secret@host:5432/db?sslmode=disable`) or keywords
 * (`host=db user=terraform password='a b' dbname=state`) — with lib/pq's defaults: the `PG*`
 * environment variables for what the string leaves out, and `sslmode=require` (TLS without
 * certificate checks) when nothing says otherwise, so that a password never travels where the
 * tool would not send it.
 */
import { readFileSync } from 'node:fs';
import type { ClientConfig } from 'pg';

export const DEFAULT_PG_SCHEMA = 'terraform_remote_state';

/** A conn_str that cannot be read; its message says what is wrong with it, never the secret. */
export class PgConnectionStringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PgConnectionStringError';
  }
}

/** The backend's conn_str: the configuration's, else PG_CONN_STR. */
export function pgConnectionString(config: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): string {
  const configured = config.conn_str;
  if (typeof configured === 'string' && configured.trim() !== '') return configured;
  if (env.PG_CONN_STR && env.PG_CONN_STR.trim() !== '') return env.PG_CONN_STR;
  throw new PgConnectionStringError('The pg backend has no conn_str in its configuration and PG_CONN_STR is not set: there is no database to look in');
}

/** The schema holding the `states` table: `schema_name`, else PG_SCHEMA_NAME, else `terraform_remote_state`. */
export function pgSchemaName(config: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): string {
  const configured = config.schema_name;
  if (typeof configured === 'string' && configured !== '') return configured;
  return env.PG_SCHEMA_NAME || DEFAULT_PG_SCHEMA;
}

/** The connection's parameters by libpq keyword (`host`, `port`, `user`, `password`, `dbname`, `sslmode`, …). */
export function parsePgConnectionString(connStr: string): Record<string, string> {
  const text = connStr.trim();
  return /^postgres(ql)?:\/\//i.test(text) ? parseUrl(text) : parseKeywords(text);
}

function parseUrl(text: string): Record<string, string> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new PgConnectionStringError("The pg backend's conn_str is not a valid postgres:// URL");
  }
  const parameters: Record<string, string> = {};
  if (url.hostname) parameters.host = decodeURIComponent(url.hostname.replace(/^\[(.*)\]$/, '$1'));
  if (url.port) parameters.port = url.port;
  if (url.username) parameters.user = decodeURIComponent(url.username);
  if (url.password) parameters.password = decodeURIComponent(url.password);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database) parameters.dbname = database;
  for (const [key, value] of url.searchParams) parameters[key] = value;
  return parameters;
}

function parseKeywords(text: string): Record<string, string> {
  const parameters: Record<string, string> = {};
  let at = 0;
  const skipSpace = () => {
    while (at < text.length && /\s/.test(text[at])) at++;
  };
  skipSpace();
  while (at < text.length) {
    const keyMatch = /^([A-Za-z_][A-Za-z0-9_]*)\s*=\s*/.exec(text.slice(at));
    if (!keyMatch) throw new PgConnectionStringError(`The pg backend's conn_str is neither a postgres:// URL nor keyword=value pairs (at character ${at + 1})`);
    const key = keyMatch[1];
    at += keyMatch[0].length;
    let value = '';
    if (text[at] === "'") {
      at++;
      let closed = false;
      while (at < text.length) {
        const char = text[at++];
        if (char === '\\' && at < text.length) value += text[at++];
        else if (char === "'") {
          closed = true;
          break;
        } else value += char;
      }
      if (!closed) throw new PgConnectionStringError(`The pg backend's conn_str has an unterminated quoted value for ${key}`);
    } else {
      while (at < text.length && !/\s/.test(text[at])) {
        const char = text[at++];
        value += char === '\\' && at < text.length ? text[at++] : char;
      }
    }
    parameters[key] = value;
    skipSpace();
  }
  return parameters;
}

/** node-postgres's configuration for a conn_str, filled from the environment as lib/pq fills it. */
export function pgClientConfig(connStr: string, env: NodeJS.ProcessEnv, timeoutMs: number): ClientConfig {
  const given = parsePgConnectionString(connStr);
  const fromEnv: Record<string, string | undefined> = {
    host: env.PGHOST,
    port: env.PGPORT,
    user: env.PGUSER,
    password: env.PGPASSWORD,
    dbname: env.PGDATABASE,
    sslmode: env.PGSSLMODE,
    sslrootcert: env.PGSSLROOTCERT,
    sslcert: env.PGSSLCERT,
    sslkey: env.PGSSLKEY,
  };
  const parameter = (key: string): string | undefined => given[key] ?? (fromEnv[key] || undefined);
  const port = parameter('port');
  if (port !== undefined && !/^\d+$/.test(port)) throw new PgConnectionStringError(`The pg backend's conn_str has port "${port}", which is not a number`);
  const user = parameter('user') ?? env.USER;
  const config: ClientConfig = {
    host: parameter('host') ?? 'localhost',
    port: port === undefined ? 5432 : Number(port),
    user,
    password: parameter('password'),
    database: parameter('dbname') ?? user,
    ssl: sslConfig(parameter('sslmode') ?? 'require', parameter('sslrootcert'), parameter('sslcert'), parameter('sslkey')),
    application_name: 'immutable-infra state lock inspection',
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    statement_timeout: timeoutMs,
  };
  return config;
}

function sslConfig(mode: string, rootCert: string | undefined, cert: string | undefined, key: string | undefined): ClientConfig['ssl'] {
  const files = {
    ...(rootCert ? { ca: readCertificate(rootCert, 'sslrootcert') } : {}),
    ...(cert ? { cert: readCertificate(cert, 'sslcert') } : {}),
    ...(key ? { key: readCertificate(key, 'sslkey') } : {}),
  };
  switch (mode) {
    case 'disable':
      return false;
    case 'require':
      return { ...files, rejectUnauthorized: false };
    case 'verify-ca':
      return { ...files, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case 'verify-full':
      return { ...files, rejectUnauthorized: true };
    default:
      throw new PgConnectionStringError(
        `The pg backend's conn_str has sslmode "${mode}", which the pg backend does not support (disable, require, verify-ca, verify-full)`,
      );
  }
}

function readCertificate(file: string, keyword: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new PgConnectionStringError(`The pg backend's ${keyword} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
}
