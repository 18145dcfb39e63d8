/**
 * The terraform/tofu runner of the extension (client/src/terraform) against each tool under test
 * (the real OpenTofu, and HashiCorp Terraform where the machine has it): the seed example planned
 * through it, and each failure it must explain — no init, a state lock held by a real waiting
 * apply, a configuration error — with either tool; no binary; plus cancellation (OpenTofu), where the
 * plan is held mid-refresh by a FIFO that the local provider reads (so "mid-plan" is a fact the
 * test waits for, not a guess), and every process of tofu's group is checked gone afterwards.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { runPlan, showPlanFile, type PlanProgress, type PlanRunResult } from '../../client/src/terraform/planRunner';
import { diagnosticRange } from '../../client/src/terraform/terraformErrors';
import type { TerraformUiEvent } from '../../client/src/terraform/terraformEvents';
import { findTerraformExecutable, TERRAFORM_PATH_SETTING } from '../../core/src/terraform/tool/terraformExecutable';
import { TerraformCancellation } from '../../client/src/terraform/terraformProcess';
import { copyDeployedSeedExample } from '../support/seedModule';
import { isAlive, liveGroupMembers, membersLeftAfterKill } from '../support/processGroups';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';
import {
  assertTofuProvisioned,
  holdStateLock,
  initialisedModule,
  killStateLockHolders,
  OPENTOFU,
  TOFU_BIN,
  toolEnv,
  toolExecutable,
  toolLabel,
  toolModule,
} from '../support/tofu';
import { reportToolsUnderTest, TOOLS_UNDER_TEST } from '../support/toolsUnderTest';

const TEST_TIMEOUT_MS = 240_000;

reportToolsUnderTest(__filename);

const tofuExecutable = () => toolExecutable(OPENTOFU);

function failureOf(result: PlanRunResult) {
  assert.equal(result.ok, false, `expected the plan to fail, it succeeded`);
  if (result.ok) throw new Error('unreachable');
  return result.failure;
}

/** Resolves with the first event that satisfies `predicate` (wired through the runner's onEvent). */
function eventWaiter(predicate: (event: TerraformUiEvent) => boolean): { onEvent: (event: TerraformUiEvent) => void; arrived: Promise<TerraformUiEvent> } {
  let resolve!: (event: TerraformUiEvent) => void;
  const arrived = new Promise<TerraformUiEvent>((r) => (resolve = r));
  let done = false;
  return {
    onEvent: (event) => {
      if (!done && predicate(event)) {
        done = true;
        resolve(event);
      }
    },
    arrived,
  };
}

after(() => {
  killStateLockHolders();
  cleanupTempDirs();
});

describe('plan runner with the real tools', { timeout: TEST_TIMEOUT_MS }, () => {
  for (const tool of TOOLS_UNDER_TEST) {
    const label = toolLabel(tool);

    test(`${label} finds the configured ${tool.cli} and reports it as ${tool.name} with its version`, async () => {
      const executable = await toolExecutable(tool);
      assert.equal(executable.tool, tool.kind);
      assert.equal(executable.version, tool.version);
      assert.equal(executable.source, 'setting');
    });

    test(`${label} the seed example: local_file.example is replaced because of file_permission, with progress on the way`, async () => {
      const executable = await toolExecutable(tool);
      const dir = tempDir(`ii-runner-seed-${tool.cli}-`);
      copyDeployedSeedExample(dir);
      assert.match(readFileSync(path.join(dir, 'main.tf'), 'utf8'), /^\s*file_permission\s*=\s*"0700"/m);
      await toolModule(dir, tool).init();

      const progress: PlanProgress[] = [];
      const events: TerraformUiEvent[] = [];
      const logLines: string[] = [];
      const result = await runPlan({
        executable,
        moduleDir: dir,
        planFile: 'review.tfplan',
        env: toolEnv(),
        onProgress: (p) => progress.push(p),
        onEvent: (e) => events.push(e),
        onOutput: (line) => logLines.push(line),
      });
      assert.ok(result.ok, `plan failed: ${!result.ok ? result.failure.message : ''}`);
      assert.equal(result.planFile, path.join(dir, 'review.tfplan'));
      assert.ok(existsSync(result.planFile), 'the saved plan file exists');
      assert.equal(result.tool, tool.kind);

      const change = result.plan.resourceChanges.find((c) => c.address === 'local_file.example');
      assert.ok(change, JSON.stringify(result.plan.resourceChanges.map((c) => c.address)));
      assert.equal(change.action, 'replace-delete-first');
      assert.deepEqual(change.replacePaths, [['file_permission']]);
      assert.equal(JSON.parse(result.planJson).format_version, result.plan.formatVersion);

      // The stream: the refresh of the existing file, the planned replacement, the summary line.
      assert.ok(events.some((e) => e.type === 'refresh_start' && e.hook.resource.addr === 'local_file.example'));
      const planned = events.find((e) => e.type === 'planned_change');
      assert.ok(planned && planned.type === 'planned_change');
      assert.equal(planned.change.action, 'replace');
      assert.equal(planned.change.resource.addr, 'local_file.example');
      assert.deepEqual(result.summary, { add: 1, change: 0, import: 0, remove: 1, forget: 0, operation: 'plan' });
      const summaryEvent = events.find((e) => e.type === 'change_summary');
      assert.equal(summaryEvent?.message, 'Plan: 1 to add, 0 to change, 1 to destroy.');

      // Progress reported each step, ending with the plan read back.
      assert.ok(
        progress.some((p) => p.refreshed === 1),
        JSON.stringify(progress),
      );
      assert.ok(progress.some((p) => p.planned === 1 && p.phase === 'planning'));
      assert.ok(progress.some((p) => p.summary?.remove === 1));
      assert.equal(progress.at(-1)?.phase, 'reading-plan');
      assert.ok(
        logLines.some((line) => line.includes('"type":"planned_change"')),
        'the full output went to the log callback',
      );

      // The same binary plan, shown on its own (as for a plan made elsewhere).
      const shown = await showPlanFile({ executable, planFile: result.planFile, moduleDir: dir, env: toolEnv() });
      assert.ok(shown.ok, !shown.ok ? shown.failure.message : '');
      assert.deepEqual(shown.plan.resourceChanges, result.plan.resourceChanges);
    });

    test(`${label} init not run: the failure says to run ${tool.cli} init`, async () => {
      const executable = await toolExecutable(tool);
      const dir = tempDir('ii-runner-noinit-');
      writeFiles(dir, { 'main.tf': 'resource "local_file" "a" {\n  content  = "a"\n  filename = "${path.module}/a.txt"\n}\n' });
      const failure = failureOf(await runPlan({ executable, moduleDir: dir, planFile: 'p.tfplan', env: toolEnv() }));
      assert.equal(failure.kind, 'init-required');
      if (failure.kind !== 'init-required') return;
      assert.equal(failure.reason, 'lock-file');
      assert.ok(failure.message.includes(`Run \`${tool.cli} init\` in the module first`), failure.message);
      assert.ok(!existsSync(path.join(dir, 'p.tfplan')));
    });

    test(`${label} a state lock held by a waiting apply: the failure says who holds it`, async () => {
      const executable = await toolExecutable(tool);
      const { dir } = await initialisedModule(
        'ii-runner-lock-',
        { 'main.tf': 'resource "local_file" "a" {\n  content  = "a"\n  filename = "${path.module}/a.txt"\n}\n' },
        tool,
      );
      // A colleague's apply, waiting at its approval prompt, holds the state lock.
      const holder = await holdStateLock(tool, dir);

      try {
        const failure = failureOf(await runPlan({ executable, moduleDir: dir, planFile: 'p.tfplan', env: toolEnv(), extraArgs: ['-lock-timeout=0s'] }));
        assert.equal(failure.kind, 'state-locked', failure.message);
        if (failure.kind !== 'state-locked') return;
        const who = `${userInfo().username}@${hostname()}`;
        assert.equal(failure.lock?.who, who);
        assert.equal(failure.lock?.operation, 'OperationTypeApply');
        assert.equal(failure.lock?.path, 'terraform.tfstate');
        assert.equal(failure.lock?.version, tool.version);
        assert.match(failure.lock?.id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        assert.ok(failure.message.includes(`locked by ${who} (operation: apply, since `), failure.message);
        assert.ok(failure.message.includes(`${tool.cli} force-unlock ${failure.lock?.id}`), failure.message);
      } finally {
        await holder.release();
      }
    });

    test(`${label} a configuration error: diagnostics with file and range`, async () => {
      const executable = await toolExecutable(tool);
      const { dir } = await initialisedModule(
        'ii-runner-config-',
        { 'main.tf': 'resource "local_file" "a" {\n  content  = "a"\n  filename = "${path.module}/a.txt"\n}\n' },
        tool,
      );
      const bad = 'resource "local_file" "b" {\n  content  = var.missing\n  filename = "${path.module}/b.txt"\n}\n';
      writeFiles(dir, { 'bad.tf': bad });
      const failure = failureOf(await runPlan({ executable, moduleDir: dir, planFile: 'p.tfplan', env: toolEnv() }));
      assert.equal(failure.kind, 'configuration-error', failure.message);
      if (failure.kind !== 'configuration-error') return;
      const diagnostic = failure.diagnostics.find((d) => d.severity === 'error');
      assert.ok(diagnostic?.range, JSON.stringify(failure.diagnostics));
      assert.equal(diagnostic.summary, 'Reference to undeclared input variable');
      assert.equal(diagnostic.range.filename, 'bad.tf');
      const column = bad.split('\n')[1].indexOf('var.missing') + 1;
      assert.deepEqual([diagnostic.range.start.line, diagnostic.range.start.column], [2, column]);
      assert.deepEqual([diagnostic.range.end.line, diagnostic.range.end.column], [2, column + 'var.missing'.length]);
      assert.deepEqual(diagnosticRange(diagnostic, bad), { start: { line: 1, character: column - 1 }, end: { line: 1, character: column - 1 + 'var.missing'.length } });
      assert.match(failure.message, /Reference to undeclared input variable \(bad\.tf:2:\d+\)/);
    });
  }

  test('falls back to tofu on PATH when there is no terraform', async () => {
    assertTofuProvisioned();
    const binDir = tempDir('ii-path-');
    const link = path.join(binDir, 'tofu');
    execFileSync('ln', ['-s', TOFU_BIN, link]);
    const executable = await findTerraformExecutable('', { env: { ...toolEnv(), PATH: binDir } });
    assert.equal(executable.path, link);
    assert.equal(executable.source, 'path');
    assert.equal(executable.tool, 'opentofu');
  });

  test('a missing binary: the failure names the setting', async () => {
    assertTofuProvisioned();
    const dir = tempDir('ii-runner-nobin-');
    writeFiles(dir, { 'main.tf': 'resource "local_file" "a" {\n  content  = "a"\n  filename = "a.txt"\n}\n' });
    const result = await runPlan({ executable: path.join(dir, 'no-such-terraform'), moduleDir: dir, planFile: 'p.tfplan', env: toolEnv() });
    const failure = failureOf(result);
    assert.equal(failure.kind, 'executable-missing');
    assert.ok(failure.message.includes(TERRAFORM_PATH_SETTING), failure.message);
    await assert.rejects(findTerraformExecutable('', { env: { PATH: dir } }), (error: Error) => {
      assert.match(error.message, /Neither terraform nor tofu was found on PATH/);
      assert.ok(error.message.includes(TERRAFORM_PATH_SETTING));
      return true;
    });
  });

  describe(`${toolLabel(OPENTOFU)} cancellation, mid-refresh (the local provider blocked reading a FIFO)`, () => {
    /** A module whose state has local_file.blocker, whose file is then swapped for a FIFO. */
    async function blockedModule(): Promise<{ dir: string; fifo: string }> {
      const { dir, tofu } = await initialisedModule('ii-runner-cancel-', {
        'main.tf': 'resource "local_file" "blocker" {\n  content  = "x"\n  filename = "${path.module}/blocker.txt"\n}\n',
      });
      await tofu.apply();
      const fifo = path.join(dir, 'blocker.txt');
      rmSync(fifo);
      execFileSync('mkfifo', [fifo]);
      return { dir, fifo };
    }

    async function startBlockedPlan(
      cancellation: TerraformCancellation | undefined,
      options: { interruptGraceMs?: number; timeoutMs?: number; signal?: AbortSignal } = {},
    ) {
      const executable = await tofuExecutable();
      const { dir, fifo } = await blockedModule();
      const refreshing = eventWaiter((e) => e.type === 'refresh_start' && e.hook.resource.addr === 'local_file.blocker');
      const interrupted = eventWaiter((e) => e.type === 'log' && e.message.includes('Interrupt received'));
      let resolveGroup!: (pgid: number) => void;
      const group = new Promise<number>((resolve) => (resolveGroup = resolve));
      const running = runPlan({
        executable,
        moduleDir: dir,
        planFile: 'p.tfplan',
        env: toolEnv(),
        cancellation,
        ...options,
        onSpawn: (p) => {
          if (p.command === 'plan' && p.processGroupId !== undefined) resolveGroup(p.processGroupId);
        },
        onEvent: (e) => {
          refreshing.onEvent(e);
          interrupted.onEvent(e);
        },
      });
      return { dir, fifo, running, refreshing: refreshing.arrived, interrupted: interrupted.arrived, group };
    }

    /** The group of the running tofu: tofu itself (its leader) and the provider plugin it started. */
    async function groupOfRunningTofu(run: { group: Promise<number> }): Promise<{ pgid: number; members: Array<{ pid: number; command: string }> }> {
      const pgid = await run.group;
      const members = liveGroupMembers(pgid);
      assert.ok(
        members.some((m) => m.pid === pgid && m.command === 'tofu'),
        `tofu leads its group: ${JSON.stringify(members)}`,
      );
      return { pgid, members };
    }

    test('first cancel (an AbortSignal) interrupts: tofu stops gracefully once the provider returns, nothing is left', async () => {
      const controller = new AbortController();
      const run = await startBlockedPlan(undefined, { signal: controller.signal });
      await run.refreshing;
      const group = await groupOfRunningTofu(run);
      assert.ok(
        group.members.some((m) => m.command.startsWith('terraform-prov')),
        `the provider plugin runs in tofu's group: ${JSON.stringify(group.members)}`,
      );

      controller.abort();
      await run.interrupted; // tofu acknowledged the SIGINT and waits for the provider
      await writeFile(run.fifo, 'x'); // the provider's read returns; tofu finishes its graceful stop
      const failure = failureOf(await run.running);
      assert.equal(failure.kind, 'cancelled');
      if (failure.kind !== 'cancelled') return;
      assert.equal(failure.terminated, false, 'stopped by the interrupt alone');
      assert.deepEqual(liveGroupMembers(group.pgid), [], 'no process of the group is left');
      for (const member of group.members) assert.ok(!isAlive(member.pid), `${member.command} (${member.pid}) is gone`);
      assert.ok(!existsSync(path.join(run.dir, 'p.tfplan')), 'a cancelled plan saves no plan file');
    });

    test('a second cancel terminates the whole process group, provider included', async () => {
      const cancellation = new TerraformCancellation();
      const run = await startBlockedPlan(cancellation);
      await run.refreshing;
      const group = await groupOfRunningTofu(run);
      assert.ok(group.members.length >= 2, JSON.stringify(group.members));

      cancellation.cancel();
      await run.interrupted; // the provider stays blocked: the graceful stop cannot finish
      cancellation.cancel();
      const result = await run.running;
      const failure = failureOf(result);
      assert.equal(failure.kind, 'cancelled');
      if (failure.kind !== 'cancelled') return;
      assert.equal(failure.terminated, true);
      assert.equal(result.ok ? undefined : result.run?.processGroupId, group.pgid);
      assert.deepEqual(await membersLeftAfterKill(group.pgid), [], 'no process of the group is left');
      for (const member of group.members) assert.ok(!isAlive(member.pid), `${member.command} (${member.pid}) is gone`);
    });

    test('no exit within the grace period after the interrupt: the group is terminated', async () => {
      const cancellation = new TerraformCancellation();
      const run = await startBlockedPlan(cancellation, { interruptGraceMs: 300 });
      await run.refreshing;
      const group = await groupOfRunningTofu(run);
      cancellation.cancel(); // once only
      const failure = failureOf(await run.running);
      assert.equal(failure.kind, 'cancelled');
      if (failure.kind !== 'cancelled') return;
      assert.equal(failure.terminated, true);
      assert.deepEqual(await membersLeftAfterKill(group.pgid), []);
    });

    test('the deadline interrupts, then terminates: a timed-out result and nothing left', async () => {
      // The plan can never finish (the FIFO is never written), so the deadline always fires.
      const run = await startBlockedPlan(undefined, { timeoutMs: 2_000, interruptGraceMs: 300 });
      const pgid = await run.group;
      const result = await run.running;
      const failure = failureOf(result);
      assert.equal(failure.kind, 'timed-out', failure.message);
      assert.match(failure.message, /tofu plan did not finish in time/);
      assert.deepEqual(await membersLeftAfterKill(pgid), []);
    });
  });
});
