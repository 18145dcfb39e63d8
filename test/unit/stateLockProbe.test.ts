/**
 * The lock of any other backend, seen through the tool's own zero-timeout attempt: the command
 * it runs (argument array, in the root module), and the tool's answers read — the lock errors
 * and the messages below are what OpenTofu 1.12.6 and Terraform 1.11.4 printed when run for real
 * (see test/e2e-tofu/stateLocks.test.ts for the real runs against each backend). The runner is the
 * scripted double so that each answer, the timeout and a missing program can be given at will.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { InitialisedBackend } from '../../core/src/terraform/backend/initialisedBackend';
import { LOCK_PROBE_ADDRESS, lockErrorMessage, lockProbeArgs, readLockProbe, toolErrorSummary } from '../../core/src/terraform/stateLock/lockProbe';
import { inspectStateLock } from '../../core/src/terraform/stateLock/stateLockInspection';
import { notStarted, ScriptedProcessRunner } from '../support/scriptedProcessRunner';

const backend: InitialisedBackend = { type: 'http', config: { address: 'http://127.0.0.1:1/state' }, workspace: 'default', dataDir: '/m/.terraform' };

/** OpenTofu 1.12.6, `state rm -dry-run -lock-timeout=0s` while an apply held the lock. */
const TOFU_LOCKED = `
Error: Error acquiring the state lock

Error message: resource temporarily unavailable
Lock Info:
  ID:        65a2eae0-3578-234f-a961-48bd6665bbfb
  Path:      terraform.tfstate
  Operation: OperationTypeApply
  Who:       root@vm
  Version:   1.12.6
  Created:   2026-12-03 08:43:45.943585666 +0000 UTC
  Info:      


OpenTofu acquires a state lock to protect the state from being written
by multiple users at the same time. Please resolve the issue above and try
again. For most commands, you can disable locking with the "-lock=false"
flag, but this is not recommended.
`;

/** Terraform 1.11.4 against the http backend server (423 with the holder's JSON), while an apply held the lock. */
const TERRAFORM_HTTP_LOCKED = `Error: Error acquiring the state lock

Error message: HTTP remote state already locked:
ID=e2d0b55e-68c1-a044-0de9-170c4d9d4616
Lock Info:
  ID:        20d6177b-e61a-2ccc-6c17-f3cb79ccd271
  Path:      
  Operation: state-rm
  Who:       root@vm
  Version:   1.11.4
  Created:   2026-12-03 09:11:30.378709189 +0000 UTC
  Info:      


Terraform acquires a state lock to protect the state from being written
`;

/** OpenTofu 1.12.6, the same server, while Terraform's apply held the lock. */
const TOFU_HTTP_LOCKED = `Error: Error acquiring the state lock

Error message: HTTP remote state already locked:
ID=18f17a82-7fde-753c-73d3-d038d80724d9
Lock Info:
  ID:        18f17a82-7fde-753c-73d3-d038d80724d9
  Path:      
  Operation: OperationTypeApply
  Who:       root@vm
  Version:   1.11.4
  Created:   2026-12-03 09:11:46.163350678 +0000 UTC
  Info:      

`;

const TERRAFORM_NO_STATE = `No state file was found!

State management commands require a state file. Run this command
in a directory where Terraform has been run or use the -state flag
to point the command to a specific state location.
`;

describe('readLockProbe', () => {
  test('a held lock: the holder, and force-unlock with its ID', () => {
    const status = readLockProbe({ exitCode: 1, stdout: '', stderr: TOFU_LOCKED, timedOut: false }, backend, 'OpenTofu', 7, 1_000);
    assert.deepEqual(status, {
      backend: 'http',
      workspace: 'default',
      checkedAt: 7,
      state: 'locked',
      method: 'zero-timeout-attempt',
      lock: {
        id: '65a2eae0-3578-234f-a961-48bd6665bbfb',
        path: 'terraform.tfstate',
        operation: 'OperationTypeApply',
        who: 'root@vm',
        version: '1.12.6',
        created: '2026-12-03 08:43:45.943585666 +0000 UTC',
      },
      release: { kind: 'force-unlock', lockId: '65a2eae0-3578-234f-a961-48bd6665bbfb' },
    });
    assert.equal(lockErrorMessage(TOFU_LOCKED), 'resource temporarily unavailable');
  });
  test("Terraform's http refusal: the printed Lock Info is its own request's, the holder is the message's ID", () => {
    const status = readLockProbe({ exitCode: 1, stdout: '', stderr: TERRAFORM_HTTP_LOCKED, timedOut: false }, backend, 'Terraform', 7, 1_000);
    assert.equal(status.state, 'locked');
    assert.deepEqual(status.state === 'locked' && status.lock, { id: 'e2d0b55e-68c1-a044-0de9-170c4d9d4616' });
    assert.deepEqual(status.state === 'locked' && status.release, { kind: 'force-unlock', lockId: 'e2d0b55e-68c1-a044-0de9-170c4d9d4616' });
    assert.equal(lockErrorMessage(TERRAFORM_HTTP_LOCKED), 'HTTP remote state already locked: ID=e2d0b55e-68c1-a044-0de9-170c4d9d4616');
  });
  test("OpenTofu's http refusal: the holder's own info, with the same ID as the message", () => {
    const status = readLockProbe({ exitCode: 1, stdout: '', stderr: TOFU_HTTP_LOCKED, timedOut: false }, backend, 'OpenTofu', 7, 1_000);
    assert.deepEqual(status.state === 'locked' && status.lock, {
      id: '18f17a82-7fde-753c-73d3-d038d80724d9',
      operation: 'OperationTypeApply',
      who: 'root@vm',
      version: '1.11.4',
      created: '2026-12-03 09:11:46.163350678 +0000 UTC',
    });
  });
  test('a refusal without any lock info: unknown, in the backend words', () => {
    const stderr = 'Error: Error acquiring the state lock\n\nError message: HTTP remote state endpoint invalid auth\n\nTerraform acquires a state lock …\n';
    assert.deepEqual(readLockProbe({ exitCode: 1, stdout: '', stderr, timedOut: false }, backend, 'Terraform', 7, 1_000), {
      backend: 'http',
      workspace: 'default',
      checkedAt: 7,
      state: 'unknown',
      reason: 'Terraform could not take the state lock: HTTP remote state endpoint invalid auth',
    });
  });
  test('lock info without an ID: locked, and no release', () => {
    const stderr = 'Error: Error acquiring the state lock\n\nError message: held\nLock Info:\n  Who:       bob@ci\n\n';
    const status = readLockProbe({ exitCode: 1, stdout: '', stderr, timedOut: false }, backend, 'Terraform', 7, 1_000);
    assert.deepEqual(status.state === 'locked' && status.release, {
      kind: 'none',
      reason: 'The http backend refused the lock without saying its ID (held), and force-unlock needs it',
    });
  });
  test('past the lock: the dry run found nothing, or there is no state yet', () => {
    assert.equal(readLockProbe({ exitCode: 0, stdout: 'Would have removed nothing.\n', stderr: '', timedOut: false }, backend, 'OpenTofu', 7, 1_000).state, 'unlocked');
    assert.equal(readLockProbe({ exitCode: 1, stdout: '', stderr: TERRAFORM_NO_STATE, timedOut: false }, backend, 'Terraform', 7, 1_000).state, 'unlocked');
  });
  test('any other failure: unknown, in the tool words', () => {
    const stderr = '╷\n│ Error: Failed to load state: Get "http://127.0.0.1:1/state": dial tcp 127.0.0.1:1: connect: connection refused\n│ \n╵\n';
    assert.deepEqual(readLockProbe({ exitCode: 1, stdout: '', stderr, timedOut: false }, backend, 'OpenTofu', 7, 1_000), {
      backend: 'http',
      workspace: 'default',
      checkedAt: 7,
      state: 'unknown',
      reason: 'OpenTofu: Error: Failed to load state: Get "http://127.0.0.1:1/state": dial tcp 127.0.0.1:1: connect: connection refused',
    });
  });
  test('no answer in time: unknown, saying how long was waited', () => {
    assert.deepEqual(readLockProbe({ exitCode: null, stdout: '', stderr: '', timedOut: true }, backend, 'OpenTofu', 7, 1_500), {
      backend: 'http',
      workspace: 'default',
      checkedAt: 7,
      state: 'unknown',
      reason: 'OpenTofu gave no answer within 1500 ms',
    });
  });
  test('the summary of an error: from its Error: line, box drawing removed', () => {
    assert.equal(toolErrorSummary('noise\n│ Error: Backend initialization required\n│ \n│ Run init\n'), 'Error: Backend initialization required Run init');
    assert.equal(toolErrorSummary(''), 'no output');
  });
});

describe('inspectStateLock through the tool', () => {
  test('runs the dry run in the root module, with an argument array and automation variables', async () => {
    const runner = new ScriptedProcessRunner(() => ({ exitCode: 0, stdout: 'Would have removed nothing.\n' }));
    const status = await inspectStateLock('/work/module', backend, {
      executable: { path: '/usr/bin/tofu', tool: 'opentofu' },
      runner,
      env: { HOME: '/h' },
      timeoutMs: 4_000,
      now: () => 9,
    });
    assert.deepEqual(status, { backend: 'http', workspace: 'default', checkedAt: 9, state: 'unlocked', method: 'zero-timeout-attempt' });
    const [request] = runner.requests;
    assert.equal(request.executable, '/usr/bin/tofu');
    assert.deepEqual(request.args, ['state', 'rm', '-dry-run', '-lock=true', '-lock-timeout=0s', '-no-color', LOCK_PROBE_ADDRESS]);
    assert.deepEqual(request.args, lockProbeArgs());
    assert.equal(request.cwd, '/work/module');
    assert.deepEqual(request.env, { HOME: '/h', TF_IN_AUTOMATION: '1', TF_INPUT: '0' });
    assert.equal(request.timeoutMs, 4_000);
    assert.equal(request.atTimeout, 'interrupt');
  });
  test('a program that cannot start: unknown, never a throw', async () => {
    const runner = new ScriptedProcessRunner(() => notStarted('/missing/terraform', 'ENOENT'));
    const status = await inspectStateLock(
      '/work/module',
      { ...backend, type: 'gcs' },
      { executable: { path: '/missing/terraform' }, runner, timeoutMs: 1_000, now: () => 3 },
    );
    assert.deepEqual(status, {
      backend: 'gcs',
      workspace: 'default',
      checkedAt: 3,
      state: 'unknown',
      reason: 'Could not start /missing/terraform: spawn /missing/terraform ENOENT',
    });
  });
});
