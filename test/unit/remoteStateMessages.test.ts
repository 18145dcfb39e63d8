/**
 * The sentences of remote plan and apply: a remote backend's state that moved away from a saved
 * plan (remotePlanStaleness.ts), an apply refused on the state lock and retold with the holder
 * the inspection found, the force-unlock modal's detail (stateLockCheck.ts), and the guard of the
 * plan graph's lock line. The real backends are in test/e2e-tofu/remoteApply.test.ts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stateDifference, type RemotePlanBaseline } from '../../client/src/terraform/remotePlanStaleness';
import { explainStateLocked, forceUnlockDetail, lockedBeforeRunMessage, stateLockLine } from '../../client/src/terraform/stateLockCheck';
import type { TerraformFailure } from '../../client/src/terraform/terraformErrors';
import { isHostToGraphMessage, STATE_LOCK_LINE_MAX } from '../../common/src/planGraphMessages';
import type { StateLockStatus } from '../../core/src/terraform/stateLock/stateLock';

const NOW = Date.parse('2026-12-03T09:10:00Z');
const WHERE = 'pg (workspace default)';
const RERUN = 'Run the plan again and review the new one before applying.';
const LINEAGE = '0ff6a115-fb65-0cb9-187a-fc6690f08b30';

const baseline: RemotePlanBaseline = { backend: 'pg', workspace: 'default', serial: 4, lineage: LINEAGE, exists: true };

describe('a remote state that moved away from the saved plan', () => {
  test('the same serial and lineage: not stale', () => {
    assert.equal(stateDifference(baseline, { serial: 4, lineage: LINEAGE }, WHERE), undefined);
    assert.equal(stateDifference({ ...baseline, serial: 0, lineage: '', exists: false }, undefined, WHERE), undefined);
  });

  test('another serial', () => {
    assert.deepEqual(stateDifference(baseline, { serial: 5, lineage: LINEAGE }, WHERE), {
      change: 'moved',
      message: `The saved plan is stale: the state changed since the plan was made — pg (workspace default) serial 4 → 5 — because the plan was already applied, or another run applied first. ${RERUN}`,
    });
  });

  test('another lineage', () => {
    assert.deepEqual(stateDifference(baseline, { serial: 1, lineage: 'b2' }, WHERE), {
      change: 'replaced',
      message: `The saved plan is stale: the state was replaced by a different one since the plan was made — pg (workspace default) lineage ${LINEAGE} → b2, serial 4 → 1. ${RERUN}`,
    });
  });

  test('created after a plan made with no state, and gone after a plan made with one', () => {
    assert.deepEqual(stateDifference({ ...baseline, serial: 0, lineage: '', exists: false }, { serial: 1, lineage: LINEAGE }, WHERE), {
      change: 'created',
      message: `The saved plan is stale: the state was created since the plan was made — pg (workspace default) no state → serial 1 — because the plan was already applied, or another run applied first. ${RERUN}`,
    });
    assert.deepEqual(stateDifference(baseline, undefined, WHERE), {
      change: 'removed',
      message: `The saved plan is stale: the state is gone since the plan was made — pg (workspace default) serial 4 → no state. ${RERUN}`,
    });
  });
});

const pgLocked: Extract<StateLockStatus, { state: 'locked' }> = {
  state: 'locked',
  backend: 'pg',
  workspace: 'default',
  method: 'pg-advisory',
  checkedAt: NOW,
  session: { pid: 4242, user: 'deploy', clientAddress: '10.0.0.7', application: 'ci', connectedAt: '2026-12-03T09:06:00Z' },
  release: { kind: 'end-pg-session', pid: 4242 },
};

const s3Locked: Extract<StateLockStatus, { state: 'locked' }> = {
  state: 'locked',
  backend: 's3',
  workspace: 'prod',
  method: 'dynamodb-item',
  checkedAt: NOW,
  lock: { id: 'c0ffee00-1111-2222-3333-444455556666', who: 'alice@laptop', operation: 'OperationTypeApply', version: '1.12.6', created: '2026-12-03T09:00:00Z' },
  release: { kind: 'force-unlock', lockId: 'c0ffee00-1111-2222-3333-444455556666' },
};

/** A refusal as classifyRun makes it: for pg, the Lock Info is the refused run's own request. */
function refusal(who: string): TerraformFailure {
  return { kind: 'state-locked', message: `The state is locked by ${who}.`, lock: { id: 'own-request-id', who }, diagnostics: [] };
}

describe('an apply refused on the state lock', () => {
  test('pg: the holder is the session the inspection found, never the Lock Info of the error', () => {
    const explained = explainStateLocked(refusal('me@here'), pgLocked, 'apply', NOW);
    assert.equal(explained.kind, 'state-locked');
    assert.equal(
      explained.message,
      'The apply was refused: the state of pg (workspace default) is locked. Locked by PostgreSQL session 4242 (user deploy from 10.0.0.7, application ci, connected 09:06:00 UTC, 4 min ago). Nothing was applied. Wait for that run to finish and try again; if it is gone for good, Force Unlock releases its lock.',
    );
    assert.ok(!explained.message.includes('me@here'));
  });

  test('free again by the time it was inspected: pg names nobody, other backends the holder from the error', () => {
    const unlockedPg: StateLockStatus = { state: 'unlocked', backend: 'pg', workspace: 'default', method: 'pg-advisory', checkedAt: NOW };
    assert.equal(
      explainStateLocked(refusal('me@here'), unlockedPg, 'apply', NOW).message,
      'The apply was refused: the state of pg (workspace default) was locked when it started, and it is free now. Nothing was applied: try again.',
    );
    const unlockedS3: StateLockStatus = { state: 'unlocked', backend: 's3', workspace: 'prod', method: 'dynamodb-item', checkedAt: NOW };
    assert.equal(
      explainStateLocked(refusal('alice@laptop'), unlockedS3, 'plan', NOW).message,
      'The plan was refused: the state of s3 (workspace prod) was locked when it started (held by alice@laptop), and it is free now. Nothing was changed: try again.',
    );
  });

  test('the lock could not be inspected again', () => {
    const unknownPg: StateLockStatus = { state: 'unknown', backend: 'pg', workspace: 'default', checkedAt: NOW, reason: 'connection refused' };
    assert.equal(
      explainStateLocked(refusal('me@here'), unknownPg, 'apply', NOW).message,
      'The apply was refused: the state of pg (workspace default) is locked by another database session, and who holds it could not be inspected: connection refused',
    );
    const unknownS3: StateLockStatus = { state: 'unknown', backend: 's3', workspace: 'prod', checkedAt: NOW, reason: 'timeout' };
    assert.equal(
      explainStateLocked(refusal('alice@laptop'), unknownS3, 'apply', NOW).message,
      'The state is locked by alice@laptop. (The lock could not be inspected again: timeout)',
    );
  });

  test('other failures, and a refusal without an inspection, are left as they are', () => {
    const failed: TerraformFailure = { kind: 'failed', message: 'x', exitCode: 1, diagnostics: [] };
    assert.equal(explainStateLocked(failed, pgLocked, 'apply', NOW), failed);
    const locked = refusal('me@here');
    assert.equal(explainStateLocked(locked, undefined, 'apply', NOW), locked);
  });

  test('before a run: why it was not started', () => {
    assert.equal(
      lockedBeforeRunMessage(s3Locked, 'plan', NOW),
      'The state of s3 (workspace prod) is locked, so the plan was not started: Locked by alice@laptop for apply since 09:00:00 UTC (10 min ago), lock ID c0ffee00…; seen in the DynamoDB lock item. Wait for that run to finish and try again; if it is gone for good, Force Unlock releases its lock.',
    );
    assert.equal(lockedBeforeRunMessage({ state: 'unlocked', backend: 's3', workspace: 'prod', method: 'dynamodb-item', checkedAt: NOW }, 'apply', NOW), undefined);
  });
});

describe('the force-unlock modal', () => {
  test('a lock with an ID: the whole ID, the holder, the age, and what releasing runs', () => {
    assert.equal(
      forceUnlockDetail(s3Locked, 'opentofu', NOW),
      [
        'State: s3 (workspace prod)',
        'Lock ID: c0ffee00-1111-2222-3333-444455556666',
        'Holder: alice@laptop, for apply, version 1.12.6',
        'Age: 10 min ago (locked 09:00:00 UTC)',
        'Seen in: the DynamoDB lock item',
        '',
        "Runs `tofu force-unlock -force c0ffee00-1111-2222-3333-444455556666` in the root module, then checks the lock again. Do this only when the holder (alice@laptop, apply) is no longer running: a live run's lock protects the state it is writing.",
      ].join('\n'),
    );
  });

  test('pg: no lock ID, the session as the holder', () => {
    const detail = forceUnlockDetail(pgLocked, 'opentofu', NOW).split('\n');
    assert.deepEqual(detail.slice(0, 5), [
      'State: pg (workspace default)',
      'Lock ID: none (pg keeps no lock ID)',
      'Holder: PostgreSQL session 4242, user deploy, from 10.0.0.7, application ci',
      'Age: 4 min ago (the session connected 09:06:00 UTC)',
      "Seen in: PostgreSQL's advisory locks",
    ]);
    assert.match(detail[6], /^Ends PostgreSQL session 4242 \(SELECT pg_terminate_backend\(4242\)\)/);
  });
});

describe("the plan graph's lock line", () => {
  test('the header line, and the guard that drops a line that is not one', () => {
    const line = stateLockLine(s3Locked, NOW);
    assert.deepEqual(line, {
      state: 'locked',
      text: 'State lock of s3 (workspace prod): Locked by alice@laptop for apply since 09:00:00 UTC (10 min ago), lock ID c0ffee00…; seen in the DynamoDB lock item',
    });
    const graph = { version: 1, nodes: [] };
    assert.ok(isHostToGraphMessage({ type: 'showPlan', planId: 'p', graph, source: 's', lock: line }));
    assert.ok(isHostToGraphMessage({ type: 'showPlan', planId: 'p', graph, source: 's' }));
    assert.ok(isHostToGraphMessage({ type: 'stateLock', planId: 'p', lock: line }));
    assert.ok(!isHostToGraphMessage({ type: 'stateLock', planId: 'p', lock: { state: 'held', text: 'x' } }));
    assert.ok(!isHostToGraphMessage({ type: 'stateLock', planId: 'p', lock: { state: 'locked', text: 'x'.repeat(STATE_LOCK_LINE_MAX + 1) } }));
    assert.ok(!isHostToGraphMessage({ type: 'showPlan', planId: 'p', graph, source: 's', lock: { state: 'locked' } }));
    assert.ok(!isHostToGraphMessage({ type: 'stateLock', lock: line }));
  });
});
