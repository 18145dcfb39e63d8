/**
 * One plan or apply per root module at a time (client/src/terraform/rootModuleRuns.ts). The same
 * refusal while a real apply runs: test/e2e-tofu/applyRunner.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { moduleKey, RootModuleRuns } from '../../client/src/terraform/rootModuleRuns';
import { cleanupTempDirs, tempDir } from '../support/tempModule';

after(cleanupTempDirs);

describe('root module runs', () => {
  test('a second run of the same module is refused with what is running and since when; another module is free', () => {
    let now = 1_000_000;
    const runs = new RootModuleRuns(() => now);
    const first = runs.tryAcquire('/work/infra', 'apply');
    assert.ok(first.ok);
    now += 42_400;
    const second = runs.tryAcquire('/work/infra', 'apply');
    assert.equal(second.ok, false);
    if (second.ok) return;
    assert.deepEqual(second.running, { rootDir: '/work/infra', kind: 'apply', startedAt: 1_000_000 });
    assert.equal(
      second.message,
      'Cannot apply /work/infra now: an apply of this root module is already running (started 42 s ago). Wait for it to finish, or cancel it, and try again.',
    );
    const plan = runs.tryAcquire('/work/infra/', 'plan');
    assert.ok(!plan.ok);
    assert.equal(
      plan.message,
      'Cannot plan /work/infra now: an apply of this root module is already running (started 42 s ago). Wait for it to finish, or cancel it, and try again.',
    );
    assert.ok(runs.tryAcquire('/work/other', 'plan').ok);
    assert.deepEqual(
      runs.all().map((r) => [r.rootDir, r.kind]),
      [
        ['/work/infra', 'apply'],
        ['/work/other', 'plan'],
      ],
    );
  });

  test('a plan in progress blocks an apply, and release frees the module', () => {
    const runs = new RootModuleRuns();
    const plan = runs.tryAcquire('/m', 'plan');
    assert.ok(plan.ok);
    const apply = runs.tryAcquire('/m', 'apply');
    assert.ok(!apply.ok && /^Cannot apply \/m now: a plan of this root module is already running/.test(apply.message));
    plan.release();
    assert.equal(runs.current('/m'), undefined);
    assert.ok(runs.tryAcquire('/m', 'apply').ok);
  });

  test('a stale release (called twice, or after the module was taken again) frees nothing it does not hold', () => {
    const runs = new RootModuleRuns();
    const first = runs.tryAcquire('/m', 'plan');
    assert.ok(first.ok);
    first.release();
    const second = runs.tryAcquire('/m', 'apply');
    assert.ok(second.ok);
    first.release();
    assert.equal(runs.current('/m')?.kind, 'apply', 'the apply still holds the module');
    second.release();
    second.release();
    assert.equal(runs.current('/m'), undefined);
  });

  test('one key per folder: relative spellings, trailing separators and symlinks are the same module', () => {
    const dir = tempDir('ii-runs-');
    const real = path.join(dir, 'infra');
    mkdirSync(real);
    const link = path.join(dir, 'link');
    symlinkSync(real, link);
    assert.equal(moduleKey(link), moduleKey(real));
    assert.equal(moduleKey(`${real}${path.sep}`), moduleKey(real));
    assert.equal(moduleKey(path.relative(process.cwd(), real)), moduleKey(real));
    const runs = new RootModuleRuns();
    assert.ok(runs.tryAcquire(real, 'apply').ok);
    assert.equal(runs.tryAcquire(link, 'plan').ok, false);
  });
});
