/**
 * A state lock as Terraform and OpenTofu describe it (`statemgr.LockInfo`): the `Lock Info:` block
 * they print when a lock is refused, the JSON a DynamoDB lock item or an S3 lock file holds, the
 * body an http backend's lock endpoint keeps.
 */

/** One lock: every field is optional, as backends fill what they have. */
export interface StateLockInfo {
  id?: string;
  /** The state the lock protects (`terraform.tfstate`, a bucket key …). */
  path?: string;
  /** As recorded (`OperationTypeApply`). */
  operation?: string;
  /** `user@host` of whoever holds it. */
  who?: string;
  /** Version of the terraform/tofu that holds it. */
  version?: string;
  /** As recorded (`2026-11-26 09:54:37.165805231 +0000 UTC` printed; RFC 3339 in JSON). */
  created?: string;
  info?: string;
}

/** The `Lock Info:` block of a lock error's detail; undefined when there is none (some remote backends). */
export function parseLockInfo(detail: string): StateLockInfo | undefined {
  const start = detail.indexOf('Lock Info:');
  if (start < 0) return undefined;
  const info: StateLockInfo = {};
  const keys: Record<string, keyof StateLockInfo> = { ID: 'id', Path: 'path', Operation: 'operation', Who: 'who', Version: 'version', Created: 'created', Info: 'info' };
  for (const line of detail.slice(start + 'Lock Info:'.length).split(/\r?\n/)) {
    const match = /^\s+(ID|Path|Operation|Who|Version|Created|Info):[ \t]*(.*?)\s*$/.exec(line);
    if (!match) {
      if (line.trim() === '') continue;
      break;
    }
    if (match[2] !== '') info[keys[match[1]]] = match[2];
  }
  return Object.keys(info).length > 0 ? info : undefined;
}

/**
 * The JSON form (`{"ID","Operation","Info","Who","Version","Created","Path"}`) that the s3,
 * DynamoDB, http, gcs and azurerm backends store; undefined when `json` is not a lock's JSON.
 */
export function lockInfoFromJson(json: unknown): StateLockInfo | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const record = json as Record<string, unknown>;
  const info: StateLockInfo = {};
  const keys: Record<string, keyof StateLockInfo> = { ID: 'id', Path: 'path', Operation: 'operation', Who: 'who', Version: 'version', Created: 'created', Info: 'info' };
  for (const [key, field] of Object.entries(keys)) {
    const value = record[key];
    if (typeof value === 'string' && value !== '') info[field] = value;
  }
  return Object.keys(info).length > 0 ? info : undefined;
}

/** `OperationTypeApply` → `apply`; anything else as given. */
export function lockOperationName(operation: string | undefined): string | undefined {
  if (!operation) return undefined;
  const match = /^OperationType(\w+)$/.exec(operation);
  return match ? match[1].toLowerCase() : operation;
}
