/**
 * The refusals of the apply runner that come before any program runs: a missing plan file, a
 * stale snapshot, a cancel pressed already. The executable given does not exist, so reaching the
 * spawn would show up as `executable-missing` — each refusal proves nothing was started. The runs
 * themselves: test/e2e-tofu/applyRunner.test.ts.
 */
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { runApply, type ApplyRunResult } from '../../client/src/terraform/applyRunner';
import { snapshotModule } from '../../client/src/terraform/planStaleness';
import { TerraformCancellation } from '../../client/src/terraform/terraformProcess';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';

after(cleanupTempDirs);

function moduleWithPlan(): { dir: string; executable: string } {
  const dir = tempDir('ii-apply-unit-');
  writeFiles(dir, { 'main.tf': 'resource "local_file" "a" {\n  content  = "a"\n  filename = "a.txt"\n}\n', 'review.tfplan': 'a plan file' });
  return { dir, executable: path.join(dir, 'no-such-tofu') };
}

function failureOf(result: ApplyRunResult) {
  assert.equal(result.ok, false);
  if (result.ok) throw new Error('unreachable');
  assert.equal(result.run, undefined, 'nothing was run');
  return result.failure;
}

describe('apply runner refusals', () => {
  test('the executable is really checked: a plan that passes the checks reaches the spawn', async () => {
    const { dir, executable } = moduleWithPlan();
    const failure = failureOf(await runApply({ executable, moduleDir: dir, planFile: 'review.tfplan' }));
    assert.equal(failure.kind, 'executable-missing');
  });

  test('a plan file that is gone', async () => {
    const { dir, executable } = moduleWithPlan();
    const failure = failureOf(await runApply({ executable, moduleDir: dir, planFile: 'gone.tfplan' }));
    assert.equal(failure.kind, 'failed');
    assert.equal(failure.message, `The saved plan ${path.join(dir, 'gone.tfplan')} no longer exists. Run the plan again and review it before applying.`);
  });

  test('a stale snapshot: refused with the changed files; the planned resources stay pending', async () => {
    const { dir, executable } = moduleWithPlan();
    const snapshot = await snapshotModule(dir);
    appendFileSync(path.join(dir, 'main.tf'), '# edited\n');
    writeFileSync(path.join(dir, 'terraform.tfstate'), JSON.stringify({ version: 4, serial: 1, lineage: 'l', resources: [] }));
    const result = await runApply({ executable, moduleDir: dir, planFile: 'review.tfplan', snapshot, planned: [{ address: 'local_file.a', action: 'create' }] });
    const failure = failureOf(result);
    assert.equal(failure.kind, 'stale-plan');
    if (failure.kind !== 'stale-plan') return;
    assert.deepEqual(failure.changedFiles, ['main.tf']);
    assert.equal(failure.alreadyApplied, true);
    assert.match(
      failure.message,
      /^The saved plan is stale: the plan was already applied, or another run created the state since .* main\.tf has changed since the plan was made/,
    );
    assert.deepEqual(result.ok ? [] : result.resources.map((r) => [r.address, r.status]), [['local_file.a', 'pending']]);
  });

  test('an unchanged snapshot lets the apply through', async () => {
    const { dir, executable } = moduleWithPlan();
    const snapshot = await snapshotModule(dir);
    assert.equal(failureOf(await runApply({ executable, moduleDir: dir, planFile: 'review.tfplan', snapshot })).kind, 'executable-missing');
  });

  test('cancelled before it started (an aborted signal, or a pressed cancellation): nothing is started', async () => {
    const { dir, executable } = moduleWithPlan();
    const controller = new AbortController();
    controller.abort();
    const bySignal = failureOf(await runApply({ executable, moduleDir: dir, planFile: 'review.tfplan', signal: controller.signal }));
    assert.deepEqual(bySignal, { kind: 'cancelled', message: 'The apply was cancelled before it started: nothing was applied.', terminated: false });
    const cancellation = new TerraformCancellation();
    cancellation.cancel();
    assert.equal(failureOf(await runApply({ executable, moduleDir: dir, planFile: 'review.tfplan', cancellation })).kind, 'cancelled');
  });
});
