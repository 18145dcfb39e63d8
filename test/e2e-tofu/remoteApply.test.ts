/**
 * Plan and apply against a remote backend, with each tool under test (OpenTofu, and HashiCorp
 * Terraform where the machine has it) and a real PostgreSQL (the `pg` backend) on loopback. Two folders share one state, as two colleagues' checkouts do: one plans
 * through the plan runner; the other applies a change in between, and our apply of the first plan
 * is refused before OpenTofu starts, naming the backend, the workspace and the serials; the
 * backend's state is left as the other apply wrote it. With the other folder's apply holding the
 * state lock at its prompt, the lock is what the plan graph's header gets, and our apply is refused
 * naming the database session that really holds it, not the Lock Info of the refusal (which is our
 * own request's).
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runApply } from '../../client/src/terraform/applyRunner';
import { runPlan } from '../../client/src/terraform/planRunner';
import { remoteBaselineOfPlan } from '../../client/src/terraform/remotePlanStaleness';
import { inspectRootModuleLock, stateLockLine } from '../../client/src/terraform/stateLockCheck';
import { isHostToGraphMessage } from '../../common/src/planGraphMessages';
import { buildPlanGraph } from '../../core/src/plan/planGraph';
import type { TerraformExecutable } from '../../core/src/terraform/tool/terraformExecutable';
import { disposeBackendServers, startPostgres, type PostgresServer } from '../support/backendServers';
import { cleanupTempDirs, tempDir, writeFiles } from '../support/tempModule';
import { holdStateLock, killStateLockHolders, toolEnv, toolExecutable, toolLabel, toolModule, type IacTool, type Tofu } from '../support/tofu';
import { reportToolsUnderTest, TOOLS_UNDER_TEST } from '../support/toolsUnderTest';

const TEST_TIMEOUT_MS = 240_000;

function moduleFiles(input: string): Record<string, string> {
  return {
    'main.tf': `terraform {\n  backend "pg" {}\n}\n\nresource "terraform_data" "app" {\n  input = "${input}"\n}\n`,
  };
}

/**
 * A folder on the shared pg state, initialised with the connection string as backend configuration
 * (`-backend-config`, which `init` records for every later run, ours included).
 */
async function checkout(tool: IacTool, server: PostgresServer, database: string, input: string): Promise<{ dir: string; tofu: Tofu }> {
  const connStr = await server.database(database);
  const dir = tempDir('ii-remote-');
  writeFiles(dir, moduleFiles(input));
  const tofu = toolModule(dir, tool);
  await tofu.run(['init', '-input=false', '-no-color', `-backend-config=conn_str=${connStr}`]);
  return { dir, tofu };
}

async function pulledSerial(tofu: Tofu): Promise<{ serial: number; lineage: string; input: unknown }> {
  const pulled = await tofu.run(['state', 'pull']);
  const state = JSON.parse(pulled.stdout) as { serial: number; lineage: string; resources: Array<{ instances: Array<{ attributes: { input?: unknown } }> }> };
  return { serial: state.serial, lineage: state.lineage, input: state.resources[0]?.instances[0]?.attributes.input };
}

reportToolsUnderTest(__filename);

let server: PostgresServer;
before(async () => {
  server = await startPostgres();
});
after(async () => {
  killStateLockHolders();
  await disposeBackendServers();
  cleanupTempDirs();
});

for (const tool of TOOLS_UNDER_TEST) describeTool(tool);

function describeTool(tool: IacTool): void {
  describe(`${toolLabel(tool)} plan and apply against a pg backend`, () => {
    let executable: TerraformExecutable;
    // One database per tool: each test's state is its own.
    const db = (name: string) => `${name}_${tool.cli}`;

    before(async () => {
      executable = await toolExecutable(tool);
    });

    test('another apply after our plan: our apply is refused as stale, naming pg, the workspace and the serials', { timeout: TEST_TIMEOUT_MS }, async () => {
      const ours = await checkout(tool, server, db('stale_plan'), 'one');
      await ours.tofu.apply();
      const first = await pulledSerial(ours.tofu);

      // Our plan, as the extension makes it, and the state it was made against.
      writeInput(ours.dir, 'two');
      const planned = await runPlan({ executable, moduleDir: ours.dir, planFile: 'review.tfplan', env: toolEnv() });
      assert.ok(planned.ok, planned.ok ? '' : planned.failure.message);
      const baseline = await remoteBaselineOfPlan(ours.dir, planned.planFile, toolEnv());
      assert.deepEqual(baseline, { backend: 'pg', workspace: 'default', serial: first.serial, lineage: first.lineage, exists: true });

      // A colleague's checkout of the same state applies another change.
      const theirs = await checkout(tool, server, db('stale_plan'), 'three');
      await theirs.tofu.apply();
      const second = await pulledSerial(theirs.tofu);
      assert.equal(second.serial, first.serial + 1);

      const result = await runApply({ executable, moduleDir: ours.dir, planFile: planned.planFile, remoteBaseline: baseline, env: toolEnv() });
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.failure.kind, 'stale-plan');
      assert.equal(
        result.failure.message,
        `The saved plan is stale: the state changed since the plan was made — pg (workspace default) serial ${first.serial} → ${second.serial} — because the plan was already applied, or another run applied first. Run the plan again and review the new one before applying.`,
      );
      assert.equal(result.run, undefined, 'OpenTofu was started for a stale plan');
      // Nothing of ours reached the state: it is the colleague's.
      assert.deepEqual(await pulledSerial(ours.tofu), second);
    });

    test('a plan whose state did not move is applied (the check refuses only what changed)', { timeout: TEST_TIMEOUT_MS }, async () => {
      const ours = await checkout(tool, server, db('fresh_plan'), 'one');
      await ours.tofu.apply();
      const first = await pulledSerial(ours.tofu);
      writeInput(ours.dir, 'two');
      const planned = await runPlan({ executable, moduleDir: ours.dir, planFile: 'review.tfplan', env: toolEnv() });
      assert.ok(planned.ok, planned.ok ? '' : planned.failure.message);
      const baseline = await remoteBaselineOfPlan(ours.dir, planned.planFile, toolEnv());
      const result = await runApply({ executable, moduleDir: ours.dir, planFile: planned.planFile, remoteBaseline: baseline, env: toolEnv() });
      assert.ok(result.ok, result.ok ? '' : result.failure.message);
      const after = await pulledSerial(ours.tofu);
      assert.equal(after.serial, first.serial + 1);
      assert.deepEqual(after.input, { type: 'string', value: 'two' });
    });

    test('a held lock: the header gets it, and our apply is refused naming the session that holds it', { timeout: TEST_TIMEOUT_MS }, async () => {
      const ours = await checkout(tool, server, db('held_lock'), 'one');
      await ours.tofu.apply();
      writeInput(ours.dir, 'two');
      const planned = await runPlan({ executable, moduleDir: ours.dir, planFile: 'review.tfplan', env: toolEnv() });
      assert.ok(planned.ok, planned.ok ? '' : planned.failure.message);
      const baseline = await remoteBaselineOfPlan(ours.dir, planned.planFile, toolEnv());

      // The colleague's apply sits at its prompt, holding the lock.
      const theirs = await checkout(tool, server, db('held_lock'), 'three');
      const holder = await holdStateLock(tool, theirs.dir);
      try {
        // The session that holds it, as PostgreSQL itself says (the pg backend's advisory locks).
        const holders = await server.query<{ pid: number }>("SELECT DISTINCT pid FROM pg_locks WHERE locktype = 'advisory' AND granted", [], db('held_lock'));
        assert.equal(holders.length, 1, `expected one session holding an advisory lock, found ${JSON.stringify(holders)}`);
        const holderPid = holders[0].pid;

        // What the controller hands the plan graph's header.
        const inspected = await inspectRootModuleLock(ours.dir, { executable, env: toolEnv(), timeoutMs: 30_000 });
        assert.ok(inspected, 'a pg backend has a lock to inspect');
        assert.equal(inspected.status.state, 'locked');
        const line = stateLockLine(inspected.status, Date.now());
        assert.equal(line.state, 'locked');
        assert.match(line.text, new RegExp(`^State lock of pg \\(workspace default\\): Locked by PostgreSQL session ${holderPid}\\b`));
        assert.ok(isHostToGraphMessage({ type: 'showPlan', planId: ours.dir, graph: buildPlanGraph(planned.planDocument), source: 'held_lock', lock: line }));
        assert.ok(isHostToGraphMessage({ type: 'stateLock', planId: ours.dir, lock: line }));

        const result = await runApply({ executable, moduleDir: ours.dir, planFile: planned.planFile, remoteBaseline: baseline, env: toolEnv() });
        assert.equal(result.ok, false);
        if (result.ok) return;
        const failure = result.failure;
        assert.equal(failure.kind, 'state-locked', failure.message);
        if (failure.kind !== 'state-locked') return;
        assert.equal(failure.inspected?.state, 'locked');
        assert.match(
          failure.message,
          new RegExp(`^The apply was refused: the state of pg \\(workspace default\\) is locked\\. Locked by PostgreSQL session ${holderPid}\\b`),
        );
        // OpenTofu's error printed a Lock Info: that of our own refused request, which must not be named as the holder's.
        assert.ok(failure.lock?.id, 'the refusal printed no Lock Info');
        assert.ok(!failure.message.includes(failure.lock.id), `the message names our own request's lock ${failure.lock.id} as the holder's: ${failure.message}`);
      } finally {
        await holder.release();
      }
      // Once the colleague gave up, the lock is free again and the state is unchanged by us.
      const free = await inspectRootModuleLock(ours.dir, { executable, env: toolEnv(), timeoutMs: 30_000 });
      assert.equal(free?.status.state, 'unlocked');
    });
  });
}

function writeInput(dir: string, input: string): void {
  writeFileSync(path.join(dir, 'main.tf'), moduleFiles(input)['main.tf']);
}
