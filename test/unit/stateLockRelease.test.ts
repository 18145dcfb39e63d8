/**
 * Releasing a lock by force, where no backend is needed to show the answer: a module that was
 * never initialised, a backend that changed since the lock was shown, a lock without an ID, and
 * a force-unlock the tool refused (OpenTofu 1.12.6's words when the http backend's server answered
 * 409 to a lock ID that is not the one held). The releases that work are run for real in
 * test/e2e-tofu/stateLocks.test.ts.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { releaseStateLock } from '../../core/src/terraform/stateLock/lockRelease';
import type { StateLockStatus } from '../../core/src/terraform/stateLock/stateLock';
import { ScriptedProcessRunner } from '../support/scriptedProcessRunner';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';

after(cleanupTempDirs);

type Locked = Extract<StateLockStatus, { state: 'locked' }>;
const locked: Locked = {
  state: 'locked',
  backend: 'http',
  workspace: 'default',
  method: 'zero-timeout-attempt',
  checkedAt: 1,
  lock: { id: 'abc-1' },
  release: { kind: 'force-unlock', lockId: 'abc-1' },
};

function initialised(type: string, config: Record<string, unknown>): string {
  const dir = tempDir('ii-lock-release-');
  writeFiles(dir, { '.terraform/terraform.tfstate': JSON.stringify({ version: 3, backend: { type, config, hash: 1 } }) });
  return dir;
}

describe('releaseStateLock', () => {
  const runner = new ScriptedProcessRunner(() => ({ exitCode: 1, stderr: 'Error: should not run' }));
  const options = { executable: { path: '/usr/bin/tofu', tool: 'opentofu' as const }, runner, env: {}, timeoutMs: 1_000 };

  test('a module without init: nothing runs, and it says to init', async () => {
    const dir = tempDir('ii-lock-release-bare-');
    assert.deepEqual(await releaseStateLock(dir, locked, options), { released: false, message: `The module in ${dir} has no initialised backend: run init first` });
    assert.equal(runner.requests.length, 0);
  });
  test('the backend changed since the lock was shown: nothing runs', async () => {
    const dir = initialised('s3', { bucket: 'b', key: 'k' });
    assert.deepEqual(await releaseStateLock(dir, locked, options), {
      released: false,
      message: 'The module\'s backend is now s3 (workspace "default"), not the http (workspace "default") whose lock was shown: inspect it again',
    });
    assert.equal(runner.requests.length, 0);
  });
  test('a lock without an ID: its reason', async () => {
    const dir = initialised('http', { address: 'http://127.0.0.1:1/s' });
    assert.deepEqual(await releaseStateLock(dir, { ...locked, release: { kind: 'none', reason: 'The backend gave no lock ID' } }, options), {
      released: false,
      message: 'The backend gave no lock ID',
    });
  });
  test('force-unlock refused: the tool words, and the exact command it ran', async () => {
    const dir = initialised('http', { address: 'http://127.0.0.1:1/s' });
    const refusing = new ScriptedProcessRunner(() => ({ exitCode: 1, stderr: '\nError: Failed to unlock state: Unexpected HTTP response code 409\n\n' }));
    assert.deepEqual(await releaseStateLock(dir, locked, { ...options, runner: refusing }), {
      released: false,
      message: 'OpenTofu force-unlock failed: Error: Failed to unlock state: Unexpected HTTP response code 409',
    });
    assert.deepEqual(refusing.requests[0].args, ['force-unlock', '-force', '-no-color', 'abc-1']);
    assert.equal(refusing.requests[0].cwd, dir);
  });
});
