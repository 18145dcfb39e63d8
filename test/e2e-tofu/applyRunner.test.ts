/**
 * The apply runner (client/src/terraform/applyRunner.ts) against the real tools. With each tool under
 * test (OpenTofu, and HashiCorp Terraform where the machine has it): the seed example planned through
 * the plan runner and applied from its saved plan; stale plans, both as the tool sees them and as our
 * own check does; a state lock held by a real waiting apply. With OpenTofu: a provider error part-way
 * through; a cancel during a resource that really takes a minute (hashicorp/time's `time_sleep`); one
 * run per root module. After each, `show -json` must still read the state.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import type { ResourceProgressUpdate } from '../../client/src/terraform/applyProgress';
import { runApply, type ApplyRunResult } from '../../client/src/terraform/applyRunner';
import { runPlan, type PlanSuccess } from '../../client/src/terraform/planRunner';
import { changedSince, snapshotModule } from '../../client/src/terraform/planStaleness';
import { RootModuleRuns } from '../../client/src/terraform/rootModuleRuns';
import type { TerraformExecutable } from '../../core/src/terraform/tool/terraformExecutable';
import { TerraformCancellation } from '../../client/src/terraform/terraformProcess';
import { copyDeployedSeedExample } from '../support/seedModule';
import { isAlive, liveGroupMembers, membersLeftAfterKill } from '../support/processGroups';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { holdStateLock, initialisedModule, killStateLockHolders, OPENTOFU, toolEnv, toolExecutable, toolLabel, toolModule, type Tofu } from '../support/tofu';
import { reportToolsUnderTest, TOOLS_UNDER_TEST } from '../support/toolsUnderTest';

const TEST_TIMEOUT_MS = 240_000;

reportToolsUnderTest(__filename);

const tofuExecutable = () => toolExecutable(OPENTOFU);

/** Plans through the plan runner (as the extension does) and insists it succeeded. */
async function plannedModule(executable: TerraformExecutable, dir: string, planFile = 'review.tfplan'): Promise<PlanSuccess> {
  const result = await runPlan({ executable, moduleDir: dir, planFile, env: toolEnv() });
  assert.ok(result.ok, `plan failed: ${!result.ok ? result.failure.message : ''}`);
  return result;
}

function failureOf(result: ApplyRunResult) {
  assert.equal(result.ok, false, 'expected the apply to fail, it succeeded');
  if (result.ok) throw new Error('unreachable');
  return result.failure;
}

/** `show -json` of the module's state: proves the state is readable, and says what it holds. */
async function stateAddresses(tofu: Tofu): Promise<string[]> {
  const shown = await tofu.run(['show', '-json', '-no-color']);
  const state = JSON.parse(shown.stdout) as { values?: { root_module?: { resources?: Array<{ address: string }> } } };
  return (state.values?.root_module?.resources ?? []).map((r) => r.address).sort();
}

/** Resolves once `predicate` holds for an update (wired through onResourceProgress). */
function progressWaiter(predicate: (update: ResourceProgressUpdate) => boolean) {
  let resolve!: (update: ResourceProgressUpdate) => void;
  const arrived = new Promise<ResourceProgressUpdate>((r) => (resolve = r));
  let done = false;
  return {
    onUpdate: (update: ResourceProgressUpdate) => {
      if (!done && predicate(update)) {
        done = true;
        resolve(update);
      }
    },
    arrived,
  };
}

const LOCAL_FILE = (name: string, extra = '') => `resource "local_file" "${name}" {\n  content  = "${name}"\n  filename = "\${path.module}/${name}.txt"\n${extra}}\n`;

/** A module whose middle resource sleeps for a minute: an apply that is really under way when cancelled. */
const SLOW_MODULE = {
  'main.tf': [
    LOCAL_FILE('first'),
    'resource "time_sleep" "slow" {\n  create_duration = "60s"\n  depends_on      = [local_file.first]\n}\n',
    LOCAL_FILE('after', '  depends_on = [time_sleep.slow]\n'),
  ].join('\n'),
};

after(() => {
  killStateLockHolders();
  cleanupTempDirs();
});

describe('apply runner with the real tools', { timeout: TEST_TIMEOUT_MS }, () => {
  for (const tool of TOOLS_UNDER_TEST) {
    const label = toolLabel(tool);

    test(`${label} the seed example: the reviewed plan is applied, every resource reaches done, test.txt has mode 0700`, async () => {
      const executable = await toolExecutable(tool);
      const dir = tempDir(`ii-apply-seed-${tool.cli}-`);
      copyDeployedSeedExample(dir);
      const tofu = toolModule(dir, tool);
      await tofu.init();
      const planStarted = Date.now();
      const plan = await plannedModule(executable, dir);
      const snapshot = await snapshotModule(dir, { planStartedAt: planStarted, env: toolEnv() });
      const planned = plan.plan.resourceChanges.filter((c) => c.action !== 'no-op').map((c) => c.address);
      assert.deepEqual(planned, ['local_file.example']);

      const updates: ResourceProgressUpdate[] = [];
      const logLines: string[] = [];
      const result = await runApply({
        executable,
        moduleDir: dir,
        planFile: plan.planFile,
        env: toolEnv(),
        snapshot,
        planned: planned.map((address) => ({ address })),
        onResourceProgress: (u) => updates.push(u),
        onOutput: (line) => logLines.push(line),
      });
      assert.ok(result.ok, `apply failed: ${!result.ok ? result.failure.message : ''}`);
      assert.equal(result.summaryLine, 'Apply complete! Resources: 1 added, 0 changed, 1 destroyed.');
      assert.deepEqual(result.summary, { add: 1, change: 0, import: 0, remove: 1, forget: 0, operation: 'apply' });
      assert.equal(result.tool, tool.kind);
      assert.ok(result.run.args.includes(plan.planFile) && result.run.args.at(-1) === plan.planFile, `applied the saved plan: ${result.run.args.join(' ')}`);
      assert.ok(!result.run.args.includes('-auto-approve'));

      // Every resource of the plan reached done, by way of its two steps (destroy, then create).
      assert.deepEqual(
        result.resources.map((r) => [r.address, r.status, r.stepsDone]),
        [['local_file.example', 'done', 2]],
      );
      const statuses = updates.filter((u) => u.resource.address === 'local_file.example').map((u) => `${u.resource.status}:${u.resource.step ?? ''}`);
      assert.deepEqual(statuses, ['pending:', 'applying:delete', 'applying:delete', 'applying:create', 'done:create'], JSON.stringify(updates));
      const messages = updates.map((u) => u.message);
      assert.ok(messages.includes('0 of 1 resource: destroying local_file.example…'), JSON.stringify(messages));
      assert.ok(messages.includes('0 of 1 resource: creating local_file.example…'), JSON.stringify(messages));
      assert.deepEqual(updates.at(-1)?.counts, { total: 1, pending: 0, applying: 0, done: 1, errored: 0 });
      assert.ok(
        logLines.some((l) => l.includes('"type":"apply_complete"')),
        'the full output went to the log callback',
      );

      // The file was replaced, not chmod-ed: it has the new mode, and the state says so.
      assert.equal(statSync(path.join(dir, 'test.txt')).mode & 0o777, 0o700);
      const shown = await tofu.run(['show', '-json', '-no-color']);
      const state = JSON.parse(shown.stdout) as { values: { root_module: { resources: Array<{ address: string; values: { file_permission: string } }> } } };
      assert.deepEqual(
        state.values.root_module.resources.map((r) => [r.address, r.values.file_permission]),
        [['local_file.example', '0700']],
      );

      // The plan is spent: our check says it was applied, before the tool is even started.
      const again = await runApply({ executable, moduleDir: dir, planFile: plan.planFile, env: toolEnv(), snapshot });
      const failure = failureOf(again);
      assert.equal(failure.kind, 'stale-plan');
      if (failure.kind !== 'stale-plan') return;
      assert.equal(failure.alreadyApplied, true);
      assert.match(
        failure.message,
        /^The saved plan is stale: the plan was already applied, or another run changed the state since \(terraform\.tfstate serial 1 → \d+\)\. Run the plan again/,
      );
      assert.equal(again.ok ? undefined : again.run, undefined, `refused without running ${tool.cli}`);
    });

    describe(`${label} stale plans`, () => {
      test("the tool's own check: the same plan applied twice is refused as stale-plan", async () => {
        const executable = await toolExecutable(tool);
        const { dir } = await initialisedModule('ii-apply-twice-', { 'main.tf': LOCAL_FILE('a') }, tool);
        const plan = await plannedModule(executable, dir);
        const first = await runApply({ executable, moduleDir: dir, planFile: plan.planFile, env: toolEnv() });
        assert.ok(first.ok, !first.ok ? first.failure.message : '');
        assert.equal(first.summaryLine, 'Apply complete! Resources: 1 added, 0 changed, 0 destroyed.');
        const second = await runApply({ executable, moduleDir: dir, planFile: plan.planFile, env: toolEnv() });
        const failure = failureOf(second);
        assert.equal(failure.kind, 'stale-plan', failure.message);
        assert.equal(
          failure.message,
          'The saved plan can no longer be applied (Saved plan is stale): The given plan file can no longer be applied because the state was changed by another operation after the plan was created. Run the plan again.',
        );
        assert.ok(second.ok ? false : second.run !== undefined, `this refusal came from ${tool.cli} itself`);
      });

      test('our own check: main.tf (and a local child module) edited after planning are named, and the apply is refused before the tool runs', async () => {
        const executable = await toolExecutable(tool);
        const { dir } = await initialisedModule(
          'ii-apply-edited-',
          {
            'main.tf': `${LOCAL_FILE('a')}\nmodule "child" {\n  source = "./child"\n}\n`,
            'child/main.tf': LOCAL_FILE('b'),
            'README.md': 'not configuration\n',
          },
          tool,
        );
        const plan = await plannedModule(executable, dir);
        const snapshot = await snapshotModule(dir, { env: toolEnv() });
        assert.ok(Object.keys(snapshot.files).includes(path.join(dir, 'child', 'main.tf')), `the child module is watched: ${Object.keys(snapshot.files).join(', ')}`);
        assert.deepEqual(await changedSince(snapshot), { stale: false, files: [], state: undefined, message: undefined });

        writeFileSync(path.join(dir, 'README.md'), 'edited, but not configuration\n');
        appendFileSync(path.join(dir, 'main.tf'), '# edited after the plan\n');
        const changes = await changedSince(snapshot);
        assert.deepEqual(
          changes.files.map((f) => [f.relativePath, f.change]),
          [['main.tf', 'modified']],
        );
        assert.equal(
          changes.message,
          'The saved plan is stale: main.tf has changed since the plan was made, so it no longer shows what your configuration says. Run the plan again and review the new one before applying.',
        );

        appendFileSync(path.join(dir, 'child', 'main.tf'), '# edited too\n');
        const result = await runApply({ executable, moduleDir: dir, planFile: plan.planFile, env: toolEnv(), snapshot });
        const failure = failureOf(result);
        assert.equal(failure.kind, 'stale-plan');
        if (failure.kind !== 'stale-plan') return;
        assert.deepEqual(failure.changedFiles, ['child/main.tf', 'main.tf']);
        assert.equal(failure.alreadyApplied, false);
        assert.match(failure.message, /^The saved plan is stale: child\/main\.tf, main\.tf have changed since the plan was made/);
        assert.equal(result.ok ? undefined : result.run, undefined, `${tool.cli} was not started`);
        assert.ok(!existsSync(path.join(dir, 'a.txt')) && !existsSync(path.join(dir, 'terraform.tfstate')), 'nothing was applied');
      });
    });

    test(`${label} a state lock held by a waiting apply: the failure names who holds it`, async () => {
      const executable = await toolExecutable(tool);
      const { dir } = await initialisedModule('ii-apply-lock-', { 'main.tf': LOCAL_FILE('a') }, tool);
      const plan = await plannedModule(executable, dir);
      // A colleague's apply, waiting at its approval prompt, holds the state lock.
      const holder = await holdStateLock(tool, dir);

      try {
        const failure = failureOf(await runApply({ executable, moduleDir: dir, planFile: plan.planFile, env: toolEnv(), extraArgs: ['-lock-timeout=0s'] }));
        assert.equal(failure.kind, 'state-locked', failure.message);
        if (failure.kind !== 'state-locked') return;
        const who = `${userInfo().username}@${hostname()}`;
        assert.equal(failure.lock?.who, who);
        assert.equal(failure.lock?.operation, 'OperationTypeApply');
        assert.equal(failure.lock?.version, tool.version);
        assert.ok(failure.message.startsWith(`The state (terraform.tfstate) is locked by ${who} (operation: apply, since `), failure.message);
        assert.ok(failure.message.includes(`${tool.cli} force-unlock ${failure.lock?.id}`), failure.message);
      } finally {
        await holder.release();
      }
      assert.ok(!existsSync(path.join(dir, 'a.txt')), 'nothing was applied');
    });
  }

  test(`${toolLabel(OPENTOFU)} a provider error part-way: which resources were applied, which failed and why, which were not started; the state stays readable`, async () => {
    const executable = await tofuExecutable();
    const { dir, tofu } = await initialisedModule('ii-apply-fail-', {
      'main.tf': [
        LOCAL_FILE('a'),
        // a.txt is a file, so it cannot be a directory: the local provider fails to create this one.
        'resource "local_file" "bad" {\n  content    = "bad"\n  filename   = "${path.module}/a.txt/inside.txt"\n  depends_on = [local_file.a]\n}\n',
        LOCAL_FILE('c', '  depends_on = [local_file.bad]\n'),
        LOCAL_FILE('d', '  depends_on = [local_file.a]\n'),
      ].join('\n'),
    });
    const plan = await plannedModule(executable, dir);
    const updates: ResourceProgressUpdate[] = [];
    const result = await runApply({
      executable,
      moduleDir: dir,
      planFile: plan.planFile,
      env: toolEnv(),
      extraArgs: ['-parallelism=1'],
      onResourceProgress: (u) => updates.push(u),
    });
    assert.ok(result.run?.args.includes('-parallelism=1'));
    const failure = failureOf(result);
    assert.equal(failure.kind, 'apply-failed', failure.message);
    if (failure.kind !== 'apply-failed') return;
    assert.deepEqual([...failure.applied].sort(), ['local_file.a', 'local_file.d']);
    assert.deepEqual(failure.notApplied, ['local_file.c']);
    assert.equal(failure.failed.length, 1);
    assert.equal(failure.failed[0].address, 'local_file.bad');
    assert.equal(failure.failed[0].diagnostic?.summary, 'Create local file error');
    assert.match(failure.failed[0].diagnostic?.detail ?? '', /not a directory/);
    assert.match(
      failure.message,
      /^tofu apply failed on local_file\.bad \(Create local file error: An unexpected error occurred while writing the file \+Original Error: open \.\/a\.txt\/inside\.txt: not a directory\)\./,
    );
    assert.match(
      failure.message,
      /\. Applied: local_file\.(a, local_file\.d|d, local_file\.a)\. Not applied: local_file\.c\. The state records what was applied; plan again to see what is left\.$/,
    );

    // The graph's view: each node's final state, and the failed one carries its diagnostic.
    const byAddress = Object.fromEntries(result.ok ? [] : result.resources.map((r) => [r.address, r.status]));
    assert.deepEqual(byAddress, { 'local_file.a': 'done', 'local_file.bad': 'errored', 'local_file.c': 'pending', 'local_file.d': 'done' });
    const lastBad = updates.filter((u) => u.resource.address === 'local_file.bad').at(-1);
    assert.equal(lastBad?.resource.diagnostic?.summary, 'Create local file error');
    assert.ok(
      updates.some((u) => / failed/.test(u.message)),
      JSON.stringify(updates.map((u) => u.message)),
    );

    assert.deepEqual(await stateAddresses(tofu), ['local_file.a', 'local_file.d']);
    assert.ok(existsSync(path.join(dir, 'd.txt')) && !existsSync(path.join(dir, 'c.txt')));
  });

  test(`${toolLabel(OPENTOFU)} a destroy-first replacement whose create fails: the message says the object was destroyed and not re-created`, async () => {
    const executable = await tofuExecutable();
    const { dir, tofu } = await initialisedModule('ii-apply-half-', { 'main.tf': `${LOCAL_FILE('block')}\n${LOCAL_FILE('r')}` });
    await tofu.apply();
    // filename forces replacement (destroy first, the default); the new path cannot be created.
    writeFileSync(path.join(dir, 'main.tf'), `${LOCAL_FILE('block')}\n${LOCAL_FILE('r').replace('/r.txt', '/block.txt/r.txt')}`);
    const plan = await plannedModule(executable, dir);
    const failure = failureOf(await runApply({ executable, moduleDir: dir, planFile: plan.planFile, env: toolEnv() }));
    assert.equal(failure.kind, 'apply-failed', failure.message);
    if (failure.kind !== 'apply-failed') return;
    assert.deepEqual(
      failure.failed.map((f) => f.address),
      ['local_file.r'],
    );
    assert.deepEqual(
      failure.resources.map((r) => [r.address, r.action, r.status, r.stepsDone, r.step]),
      [['local_file.r', 'replace', 'errored', 1, 'create']],
    );
    assert.match(
      failure.message,
      /^tofu apply failed on local_file\.r \(Create local file error: .*not a directory\)\. Half done: local_file\.r \(destroyed, not re-created\)\. The state records what was applied; plan again to see what is left\.$/,
    );
    assert.ok(!existsSync(path.join(dir, 'r.txt')), 'the old file is gone');
    assert.deepEqual(await stateAddresses(tofu), ['local_file.block']);
  });

  describe(`${toolLabel(OPENTOFU)} cancel during an apply (time_sleep of 60 s)`, () => {
    async function startSlowApply(options: { signal?: AbortSignal; cancellation?: TerraformCancellation }) {
      const executable = await tofuExecutable();
      const { dir, tofu } = await initialisedModule('ii-apply-cancel-', SLOW_MODULE);
      const plan = await plannedModule(executable, dir);
      const sleeping = progressWaiter((u) => u.resource.address === 'time_sleep.slow' && u.resource.status === 'applying');
      let resolveGroup!: (pgid: number) => void;
      const group = new Promise<number>((resolve) => (resolveGroup = resolve));
      const updates: ResourceProgressUpdate[] = [];
      const running = runApply({
        executable,
        moduleDir: dir,
        planFile: plan.planFile,
        env: toolEnv(),
        ...options,
        onSpawn: (p) => p.processGroupId !== undefined && resolveGroup(p.processGroupId),
        onResourceProgress: (u) => {
          updates.push(u);
          sleeping.onUpdate(u);
        },
      });
      return { dir, tofu, running, sleeping: sleeping.arrived, group, updates };
    }

    test('the first cancel interrupts: tofu stops long before the sleep ends, nothing of its group is left, the state is readable', async () => {
      const controller = new AbortController();
      const runs = new RootModuleRuns();
      const run = await startSlowApply({ signal: controller.signal });
      const hold = runs.tryAcquire(run.dir, 'apply');
      assert.ok(hold.ok);
      const update = await run.sleeping;
      assert.equal(update.message, '1 of 3 resources: creating time_sleep.slow…');
      const pgid = await run.group;
      const members = liveGroupMembers(pgid);
      assert.ok(
        members.some((m) => m.pid === pgid && m.command === 'tofu'),
        JSON.stringify(members),
      );
      assert.ok(
        members.some((m) => m.command.startsWith('terraform-prov')),
        `the provider plugins run in tofu's group: ${JSON.stringify(members)}`,
      );

      // While it runs, a second apply (or a plan) of the same root module is refused.
      const second = runs.tryAcquire(path.join(run.dir, '.'), 'apply');
      assert.equal(second.ok, false);
      if (second.ok) return;
      assert.equal(second.running.kind, 'apply');
      assert.match(
        second.message,
        /^Cannot apply .*ii-apply-cancel-\w+ now: an apply of this root module is already running \(started \d+ s ago\)\. Wait for it to finish, or cancel it, and try again\.$/,
      );
      const plan = runs.tryAcquire(run.dir, 'plan');
      assert.ok(!plan.ok && plan.message.startsWith('Cannot plan '), !plan.ok ? plan.message : 'acquired');

      controller.abort();
      const result = await run.running;
      hold.release();
      assert.ok(runs.tryAcquire(run.dir, 'apply').ok, 'free again once the apply ended');

      const failure = failureOf(result);
      assert.equal(failure.kind, 'cancelled', failure.message);
      if (failure.kind !== 'cancelled') return;
      assert.equal(failure.terminated, false, 'stopped by the interrupt alone');
      assert.ok((result.ok ? 0 : (result.run?.durationMs ?? Infinity)) < 45_000, 'the sleep was cut short');
      assert.match(
        failure.message,
        /^tofu apply was cancelled\. Applied before it stopped: local_file\.first\. Interrupted: time_sleep\.slow\. Not applied: local_file\.after\. The state records what was applied/,
      );
      assert.deepEqual(result.ok ? [] : result.resources.map((r) => [r.address, r.status]), [
        ['local_file.first', 'done'],
        ['time_sleep.slow', 'errored'],
        ['local_file.after', 'pending'],
      ]);
      assert.deepEqual(liveGroupMembers(pgid), [], 'no process of the group is left');
      for (const member of members) assert.ok(!isAlive(member.pid), `${member.command} (${member.pid}) is gone`);
      assert.deepEqual(await stateAddresses(run.tofu), ['local_file.first']);
    });

    test('terminate (both presses at once): the whole group is killed mid-apply, and the state is still readable', async () => {
      const cancellation = new TerraformCancellation();
      const run = await startSlowApply({ cancellation });
      await run.sleeping;
      const pgid = await run.group;
      const members = liveGroupMembers(pgid);
      assert.ok(members.length >= 2, JSON.stringify(members));
      cancellation.terminate();
      const result = await run.running;
      const failure = failureOf(result);
      assert.equal(failure.kind, 'cancelled', failure.message);
      if (failure.kind !== 'cancelled') return;
      assert.equal(failure.terminated, true);
      assert.deepEqual(await membersLeftAfterKill(pgid), [], 'no process of the group is left');
      for (const member of members) assert.ok(!isAlive(member.pid), `${member.command} (${member.pid}) is gone`);
      // Killed before it could report the sleep's outcome: the graph must not call it done, nor pending.
      const slow = result.ok ? undefined : result.resources.find((r) => r.address === 'time_sleep.slow');
      assert.equal(slow?.status, 'errored');
      assert.equal(slow?.outcomeUnknown, true);
      // Whatever tofu managed to write before the kill, it is a state tofu can read.
      const addresses = await stateAddresses(run.tofu);
      assert.ok(!addresses.includes('local_file.after'), JSON.stringify(addresses));
    });
  });
});
