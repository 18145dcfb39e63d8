/**
 * A state lock in words: the one line for headers and modals, and what a forced release runs and
 * why. The lock fields are as the tools record them (OpenTofu 1.12.6 and Terraform 1.11.4 print
 * `Created` as Go's time.String(); the stored JSON has RFC 3339).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agoText, clockText, describeLock, describeRelease, parseLockCreated, shortLockId } from '../../core/src/terraform/stateLock/lockText';
import type { StateLockStatus } from '../../core/src/terraform/stateLock/stateLock';

const now = Date.parse('2026-12-03T09:14:20Z');

describe('parseLockCreated', () => {
  test('the printed form, nanoseconds and zone name included', () => {
    assert.equal(parseLockCreated('2026-12-03 08:43:45.943585666 +0000 UTC'), Date.parse('2026-12-03T08:43:45.943Z'));
  });
  test('a printed offset other than UTC', () => {
    assert.equal(parseLockCreated('2026-12-03 10:43:45 +0200 CEST'), Date.parse('2026-12-03T08:43:45Z'));
  });
  test('the stored RFC 3339 form with nanoseconds', () => {
    assert.equal(parseLockCreated('2026-12-03T08:43:45.943585666Z'), Date.parse('2026-12-03T08:43:45.943Z'));
  });
  test('nothing, or not a time: undefined', () => {
    assert.equal(parseLockCreated(undefined), undefined);
    assert.equal(parseLockCreated('yesterday'), undefined);
  });
});

describe('clock and age', () => {
  test('the same day: the time only; another day: with the date', () => {
    assert.equal(clockText(Date.parse('2026-12-03T09:10:11Z'), now), '09:10:11 UTC');
    assert.equal(clockText(Date.parse('2026-12-01T23:59:00Z'), now), '2026-12-01 23:59:00 UTC');
  });
  test('ages', () => {
    assert.equal(agoText(now - 2_000, now), 'just now');
    assert.equal(agoText(now - 40_000, now), '40 s ago');
    assert.equal(agoText(now - 4 * 60_000 - 9_000, now), '4 min ago');
    assert.equal(agoText(now - 125 * 60_000, now), '2 h 5 min ago');
    assert.equal(agoText(now - 3 * 3_600_000, now), '3 h ago');
    assert.equal(agoText(now - 72 * 3_600_000, now), '3 days ago');
    assert.equal(agoText(now + 10 * 60_000, now), 'in the future by this clock');
  });
  test('a lock ID is shortened to 8 characters; a short one is kept', () => {
    assert.equal(shortLockId('8f1c2d3e-0000-1111-2222-333344445555'), '8f1c2d3e…');
    assert.equal(shortLockId('abc'), 'abc');
  });
});

describe('describeLock', () => {
  test('a DynamoDB lock with every field', () => {
    const status: StateLockStatus = {
      state: 'locked',
      backend: 's3',
      workspace: 'default',
      method: 'dynamodb-item',
      checkedAt: now,
      lock: { id: '8f1c2d3e-0000-1111-2222-333344445555', operation: 'OperationTypeApply', who: 'alice@laptop', created: '2026-12-03T09:10:11.5Z' },
      release: { kind: 'force-unlock', lockId: '8f1c2d3e-0000-1111-2222-333344445555' },
    };
    assert.equal(describeLock(status, now), 'Locked by alice@laptop for apply since 09:10:11 UTC (4 min ago), lock ID 8f1c2d3e…; seen in the DynamoDB lock item');
  });
  test('a lock the backend refused without info', () => {
    const status: StateLockStatus = {
      state: 'locked',
      backend: 'consul',
      workspace: 'default',
      method: 'zero-timeout-attempt',
      checkedAt: now,
      release: { kind: 'none', reason: 'no ID' },
    };
    assert.equal(describeLock(status, now), 'Locked, the backend gave no lock info; seen in a lock attempt that waited zero seconds');
  });
  test('an unreadable Created is shown as recorded', () => {
    const status: StateLockStatus = {
      state: 'locked',
      backend: 'http',
      workspace: 'default',
      method: 'zero-timeout-attempt',
      checkedAt: now,
      lock: { who: 'bob@ci', created: 'sometime' },
      release: { kind: 'none', reason: 'x' },
    };
    assert.equal(describeLock(status, now), 'Locked by bob@ci since sometime; seen in a lock attempt that waited zero seconds');
  });
  test('a pg session', () => {
    const status: StateLockStatus = {
      state: 'locked',
      backend: 'pg',
      workspace: 'default',
      method: 'pg-advisory',
      checkedAt: now,
      lock: { path: '1' },
      session: { pid: 12345, user: 'terraform', clientAddress: '127.0.0.1', connectedAt: '2026-12-03T09:10:11.000Z' },
      release: { kind: 'end-pg-session', pid: 12345 },
    };
    assert.equal(describeLock(status, now), 'Locked by PostgreSQL session 12345 (user terraform from 127.0.0.1, connected 09:10:11 UTC, 4 min ago)');
  });
  test('a pg session holding a creation lock, over a unix socket', () => {
    const status: StateLockStatus = {
      state: 'locked',
      backend: 'pg',
      workspace: 'staging',
      method: 'pg-advisory',
      checkedAt: now,
      lock: { path: '-3797183428' },
      session: { pid: 7, application: 'psql' },
      release: { kind: 'end-pg-session', pid: 7 },
    };
    assert.equal(describeLock(status, now), 'Locked by PostgreSQL session 7 (application psql), while it creates a workspace');
  });
  test('unlocked and unknown', () => {
    assert.equal(
      describeLock({ state: 'unlocked', backend: 's3', workspace: 'default', method: 's3-lockfile', checkedAt: now }, now),
      'Not locked (checked 09:14:20 UTC with the S3 lock file)',
    );
    assert.equal(
      describeLock({ state: 'unknown', backend: 'pg', workspace: 'default', checkedAt: now, reason: 'PostgreSQL (pg backend): connect ECONNREFUSED 127.0.0.1:1' }, now),
      'Lock state unknown: PostgreSQL (pg backend): connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});

describe('describeRelease', () => {
  const base = { state: 'locked', backend: 'http', workspace: 'default', method: 'zero-timeout-attempt', checkedAt: now } as const;
  test('force-unlock names the exact command and the holder', () => {
    const text = describeRelease(
      { ...base, lock: { id: 'abc-123', who: 'alice@laptop', operation: 'OperationTypePlan' }, release: { kind: 'force-unlock', lockId: 'abc-123' } },
      'opentofu',
    );
    assert.match(text, /^Runs `tofu force-unlock -force abc-123` in the root module, then checks the lock again\. /);
    assert.match(text, /holder \(alice@laptop, plan\) is no longer running/);
    assert.match(describeRelease({ ...base, release: { kind: 'force-unlock', lockId: 'x' } }), /^Runs `terraform force-unlock -force x`/);
  });
  test('pg says why ending the session is the way, and what it does not stop', () => {
    const text = describeRelease({ ...base, backend: 'pg', method: 'pg-advisory', session: { pid: 42 }, release: { kind: 'end-pg-session', pid: 42 } });
    assert.match(text, /^Ends PostgreSQL session 42 \(SELECT pg_terminate_backend\(42\)\)/);
    assert.match(text, /force-unlock releases nothing that another process holds \(and reports success all the same\)/);
    assert.match(text, /goes on without the lock/);
  });
  test('a lock without an ID cannot be released, and says why', () => {
    assert.equal(
      describeRelease({ ...base, release: { kind: 'none', reason: 'the backend gave no ID' } }),
      'This lock cannot be released from here: the backend gave no ID.',
    );
  });
  test('nothing to release when not locked', () => {
    assert.equal(
      describeRelease({ state: 'unlocked', backend: 's3', workspace: 'default', method: 'dynamodb-item', checkedAt: now }),
      'Nothing to release. Not locked (checked 09:14:20 UTC with the DynamoDB lock item).',
    );
  });
});
