/**
 * A state lock in words: one line for the baseline header and the force-unlock modal
 * (`Locked by alice@laptop for apply since 09:10:11 UTC (4 min ago), lock ID 8f1c…; seen in the
 * DynamoDB lock item`), and what releasing it will do and why.
 */
import { lockOperationName } from './lockInfo';
import type { LockInspectionMethod, StateLockStatus } from './stateLock';
import { toolCommand, type TerraformTool } from '../tool/terraformExecutable';

const METHOD_TEXT: Record<LockInspectionMethod, string> = {
  'dynamodb-item': 'the DynamoDB lock item',
  's3-lockfile': 'the S3 lock file',
  'pg-advisory': "PostgreSQL's advisory locks",
  'zero-timeout-attempt': 'a lock attempt that waited zero seconds',
};

export function inspectionMethodText(method: LockInspectionMethod): string {
  return METHOD_TEXT[method];
}

/**
 * A lock's `Created` as a time: the printed form (`2026-11-26 09:54:37.165805231 +0000 UTC`) or the
 * stored RFC 3339 one; undefined when it is neither.
 */
export function parseLockCreated(created: string | undefined): number | undefined {
  if (!created) return undefined;
  const printed = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(\.\d+)? ([+-])(\d{2})(\d{2})(?: \S+)?$/.exec(created.trim());
  const iso = printed
    ? `${printed[1]}T${printed[2]}${(printed[3] ?? '').slice(0, 4)}${printed[4]}${printed[5]}:${printed[6]}`
    : created.trim().replace(/(\.\d{3})\d+/, '$1');
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : time;
}

/** `09:10:11 UTC`, with the date when it is not the day of `now`. */
export function clockText(time: number, now: number): string {
  const stamp = new Date(time).toISOString();
  const sameDay = stamp.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${stamp.slice(0, 10)} `}${stamp.slice(11, 19)} UTC`;
}

/** `just now`, `40 s ago`, `4 min ago`, `2 h 5 min ago`, `3 days ago`; `in the future` for a clock ahead of ours. */
export function agoText(time: number, now: number): string {
  const seconds = Math.round((now - time) / 1000);
  if (seconds < -60) return 'in the future by this clock';
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h${minutes % 60 ? ` ${minutes % 60} min` : ''} ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** A lock ID shortened for a line: its first 8 characters. */
export function shortLockId(id: string): string {
  return id.length > 9 ? `${id.slice(0, 8)}…` : id;
}

export function describeLock(status: StateLockStatus, now: number): string {
  switch (status.state) {
    case 'unknown':
      return `Lock state unknown: ${status.reason}`;
    case 'unlocked':
      return `Not locked (checked ${clockText(status.checkedAt, now)} with ${inspectionMethodText(status.method)})`;
    case 'locked': {
      if (status.session) {
        const session = status.session;
        const details: string[] = [];
        if (session.user) details.push(`user ${session.user}${session.clientAddress ? ` from ${session.clientAddress}` : ''}`);
        else if (session.clientAddress) details.push(`from ${session.clientAddress}`);
        if (session.application) details.push(`application ${session.application}`);
        const connected = session.connectedAt ? Date.parse(session.connectedAt) : NaN;
        if (!Number.isNaN(connected)) details.push(`connected ${clockText(connected, now)}, ${agoText(connected, now)}`);
        const creating = status.lock?.path === '-1' ? ', while it creates a workspace' : '';
        return `Locked by PostgreSQL session ${session.pid}${details.length ? ` (${details.join(', ')})` : ''}${creating}`;
      }
      const lock = status.lock;
      const parts: string[] = [];
      let head = 'Locked';
      if (lock?.who) head += ` by ${lock.who}`;
      const operation = lockOperationName(lock?.operation);
      if (operation) head += ` for ${operation}`;
      const created = parseLockCreated(lock?.created);
      if (created !== undefined) head += ` since ${clockText(created, now)} (${agoText(created, now)})`;
      else if (lock?.created) head += ` since ${lock.created}`;
      parts.push(head);
      if (lock?.id) parts.push(`lock ID ${shortLockId(lock.id)}`);
      if (!lock) parts.push('the backend gave no lock info');
      return `${parts.join(', ')}; seen in ${inspectionMethodText(status.method)}`;
    }
  }
}

/** What releasing the lock by force will run, and for pg why ending the session is the way; for the confirmation modal. */
export function describeRelease(status: StateLockStatus, tool: TerraformTool = 'terraform'): string {
  if (status.state !== 'locked') return `Nothing to release. ${describeLock(status, status.checkedAt)}.`;
  const release = status.release;
  switch (release.kind) {
    case 'force-unlock': {
      const holder = [status.lock?.who, lockOperationName(status.lock?.operation)].filter(Boolean).join(', ');
      return (
        `Runs \`${toolCommand(tool)} force-unlock -force ${release.lockId}\` in the root module, then checks the lock again. ` +
        `Do this only when the holder${holder ? ` (${holder})` : ''} is no longer running: a live run's lock protects the state it is writing.`
      );
    }
    case 'end-pg-session':
      return (
        `Ends PostgreSQL session ${release.pid} (SELECT pg_terminate_backend(${release.pid})), then checks the lock again. ` +
        'The pg backend keeps its lock as an advisory lock of the database session that took it and records no lock ID; ' +
        'its force-unlock releases nothing that another process holds (and reports success all the same), so ending that session is what releases the lock. ' +
        'Whatever the session was doing stops, and its open transaction is rolled back.'
      );
    case 'none':
      return `This lock cannot be released from here: ${release.reason}.`;
  }
}
