/**
 * Both real programs on one module: HashiCorp Terraform 1.11.4 (/usr/local/bin/terraform) and the
 * project's OpenTofu 1.12.6 (.tools/bin/tofu), providers from the project's mirror for both registry
 * hosts (.tools/tofurc). On temp copies of the seed example:
 *
 * - each tool's `init` writes the lock file and provider folder the chooser reads;
 * - a plan by the other tool than the one that initialised the module is diagnosed as that, not as
 *   "not initialised" — classified on what the tools really print. Seen (with `-json`):
 *     Terraform 1.11.4, `plan` in a module `tofu init` initialised:
 *       Error: Inconsistent dependency lock file — "The following dependency selections recorded in
 *       the lock file are inconsistent with the current configuration:
 *         - provider registry.terraform.io/hashicorp/local: required by this configuration but no
 *           version is selected … run: terraform init -upgrade"
 *     OpenTofu 1.12.6, `plan` in a module `terraform init` initialised: the same summary, with
 *       "provider registry.opentofu.org/hashicorp/local: required by this configuration but no
 *       version is selected … run: tofu init -upgrade"
 *     Either tool with the other's lock file but no `.terraform` folder:
 *       Error: Required plugins are not installed — "… - registry.opentofu.org/hashicorp/local: there
 *       is no package for registry.opentofu.org/hashicorp/local 2.9.0 cached in .terraform/providers"
 *       (Terraform; OpenTofu the same with registry.terraform.io) — which OpenTofu also prints for
 *       its own lock file without `.terraform`: that one stays "not installed".
 * - with both on PATH and the setting empty, the module's own tool is chosen, and plans;
 * - a plan recorded with its program is applied by it, and refused once that path holds the other tool.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { runApply } from '../../client/src/terraform/applyRunner';
import { chooseTerraformExecutable } from '../../core/src/terraform/tool/executableChoice';
import { moduleInitialisation, parseLockFile } from '../../core/src/terraform/tool/moduleInitialisation';
import { runPlan, type PlanRunResult } from '../../client/src/terraform/planRunner';
import { describeTerraformExecutable, findTerraformExecutable, type TerraformExecutable } from '../../core/src/terraform/tool/terraformExecutable';
import { runTerraform } from '../../client/src/terraform/terraformProcess';
import { copyDeployedSeedExample } from '../support/seedModule';
import { TERRAFORM_LOCK_FILE, TOFU_LOCK_FILE } from '../support/lockFiles';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { assertTofuProvisioned, repoRoot, TOFU_BIN, tofuEnv } from '../support/tofu';
import { reportToolsUnderTest, TERRAFORM } from '../support/toolsUnderTest';

/**
 * Terraform as the suite found it. These tests need both programs: where the machine has no
 * Terraform they are not registered, and the run's last line says that its Terraform runs did not
 * happen, and why.
 */
const TERRAFORM_BIN = TERRAFORM?.bin;
const EXAMPLE_DIR = path.join(repoRoot, 'examples', 'terraform');
const TEST_TIMEOUT_MS = 240_000;

after(cleanupTempDirs);

async function executable(file: string): Promise<TerraformExecutable> {
  if (file === TOFU_BIN) assertTofuProvisioned();
  return findTerraformExecutable(file, { env: tofuEnv() });
}

/**
 * A copy of the seed example edited to "0700": as deployed ("0777" applied by OpenTofu, its state
 * and file), or never applied. (A state OpenTofu wrote names registry.opentofu.org/hashicorp/local,
 * so `terraform init` on it installs and locks that provider as well as its own: such a module is
 * usable by both tools. The Terraform module here starts without it.)
 */
function seedModule(prefix: string, deployed = true): string {
  const dir = tempDir(prefix);
  if (!deployed) {
    copyFileSync(path.join(EXAMPLE_DIR, 'main.tf'), path.join(dir, 'main.tf'));
    return dir;
  }
  copyDeployedSeedExample(dir);
  return dir;
}

async function init(dir: string, program: TerraformExecutable): Promise<void> {
  const run = await runTerraform({
    executable: program.path,
    args: ['init', '-input=false', '-no-color'],
    cwd: dir,
    env: tofuEnv(),
    jsonStream: false,
    timeoutMs: 180_000,
  });
  assert.equal(run.exitCode, 0, `${program.path} init failed:\n${run.stderr}\n${run.stdout}`);
}

function failureOf(result: PlanRunResult) {
  assert.equal(result.ok, false, 'expected the plan to fail, it succeeded');
  if (result.ok) throw new Error('unreachable');
  return result.failure;
}

/** Lock file text with its hashes left out (they are the mirror's packages, rebuilt by setup-tools). */
function withoutHashes(text: string): string {
  return text.replace(/^\s*hashes = \[[\s\S]*?\]\n/gm, '');
}

reportToolsUnderTest(__filename);

if (TERRAFORM_BIN !== undefined)
  describe('Terraform and OpenTofu on one module (real programs)', { timeout: TEST_TIMEOUT_MS * 4 }, () => {
    let tofu: TerraformExecutable;
    let terraform: TerraformExecutable;
    let tofuModule: string;
    let terraformModule: string;

    test('each init writes its own registry host, header and provider folder; the module is read as that tool’s', { timeout: TEST_TIMEOUT_MS }, async () => {
      tofu = await executable(TOFU_BIN);
      terraform = await executable(TERRAFORM_BIN);
      assert.deepEqual([tofu.tool, terraform.tool], ['opentofu', 'terraform']);
      tofuModule = seedModule('ii-other-tofu-');
      terraformModule = seedModule('ii-other-terraform-', false);
      await init(tofuModule, tofu);
      await init(terraformModule, terraform);

      const tofuLock = readFileSync(path.join(tofuModule, '.terraform.lock.hcl'), 'utf8');
      const terraformLock = readFileSync(path.join(terraformModule, '.terraform.lock.hcl'), 'utf8');
      assert.equal(withoutHashes(tofuLock), withoutHashes(TOFU_LOCK_FILE), 'the lock file tofu init writes');
      assert.equal(withoutHashes(terraformLock), withoutHashes(TERRAFORM_LOCK_FILE), 'the lock file terraform init writes');
      assert.deepEqual(parseLockFile(tofuLock), { writtenBy: 'opentofu', providerHosts: ['registry.opentofu.org'] });

      const ofTofu = moduleInitialisation(tofuModule, { env: {} });
      assert.equal(ofTofu.tool, 'opentofu');
      assert.deepEqual(ofTofu.providerFolderHosts, ['registry.opentofu.org']);
      const ofTerraform = moduleInitialisation(terraformModule, { env: {} });
      assert.equal(ofTerraform.tool, 'terraform');
      assert.deepEqual(ofTerraform.providerFolderHosts, ['registry.terraform.io']);
    });

    test('terraform plan on a module tofu initialised: other-tool-initialised, naming both', { timeout: TEST_TIMEOUT_MS }, async () => {
      const result = await runPlan({ executable: terraform, moduleDir: tofuModule, planFile: 'tfplan', env: tofuEnv() });
      const failure = failureOf(result);
      assert.equal(failure.kind, 'other-tool-initialised', failure.message);
      if (failure.kind !== 'other-tool-initialised') return;
      assert.deepEqual([failure.ran, failure.initialisedWith], ['terraform', 'opentofu']);
      const [diagnostic] = failure.diagnostics.filter((d) => d.severity === 'error');
      assert.equal(diagnostic.summary, 'Inconsistent dependency lock file');
      assert.match(diagnostic.detail, /provider registry\.terraform\.io\/hashicorp\/local: required by this configuration but no version is selected/);
      assert.equal(
        failure.message,
        `This module was initialised with OpenTofu (.terraform.lock.hcl selects providers from registry.opentofu.org), but this run used Terraform ${terraform.version} (${TERRAFORM_BIN}): ` +
          'the two take `hashicorp/*` providers from different registries, so neither can use what the other installed. ' +
          'Set immutableInfra.terraform.path to the path of tofu, or run `terraform init` in the module to initialise it for Terraform (Inconsistent dependency lock file).',
      );
      assert.equal(existsSync(path.join(tofuModule, 'tfplan')), false, 'no plan file is left');
    });

    test('tofu plan on a module terraform initialised: other-tool-initialised, naming both', { timeout: TEST_TIMEOUT_MS }, async () => {
      const failure = failureOf(await runPlan({ executable: tofu, moduleDir: terraformModule, planFile: 'tfplan', env: tofuEnv() }));
      assert.equal(failure.kind, 'other-tool-initialised', failure.message);
      assert.match(
        failure.message,
        /^This module was initialised with Terraform \(.terraform.lock.hcl selects providers from registry.terraform.io\), but this run used OpenTofu 1\.\d+\.\d+ \(/,
      );
      assert.match(failure.message, /run `tofu init` in the module to initialise it for OpenTofu \(Inconsistent dependency lock file\)\.$/);
      const [diagnostic] = failure.diagnostics.filter((d) => d.severity === 'error');
      assert.match(diagnostic.detail, /provider registry\.opentofu\.org\/hashicorp\/local: required by this configuration but no version is selected/);
    });

    test(
      'the other tool’s lock file without .terraform ("Required plugins are not installed"): still the other tool; one’s own stays "not installed"',
      { timeout: TEST_TIMEOUT_MS },
      async () => {
        const lockOnly = seedModule('ii-other-lockonly-');
        copyFileSync(path.join(tofuModule, '.terraform.lock.hcl'), path.join(lockOnly, '.terraform.lock.hcl'));
        const byTerraform = failureOf(await runPlan({ executable: terraform, moduleDir: lockOnly, planFile: 'tfplan', env: tofuEnv() }));
        assert.equal(byTerraform.kind, 'other-tool-initialised', byTerraform.message);
        assert.match(byTerraform.message, /\(Required plugins are not installed\)\.$/);
        const byTofu = failureOf(await runPlan({ executable: tofu, moduleDir: lockOnly, planFile: 'tfplan', env: tofuEnv() }));
        assert.equal(byTofu.kind, 'init-required', byTofu.message);
        assert.equal(byTofu.kind === 'init-required' && byTofu.reason, 'providers');
      },
    );

    test('both on PATH, the setting empty: each module gets the tool that initialised it, which plans it', { timeout: TEST_TIMEOUT_MS }, async () => {
      const bin = tempDir('ii-other-bin-');
      mkdirSync(path.join(bin, 'a'));
      mkdirSync(path.join(bin, 'b'));
      symlinkSync(TERRAFORM_BIN, path.join(bin, 'a', 'terraform'));
      symlinkSync(TOFU_BIN, path.join(bin, 'b', 'tofu'));
      const env = { PATH: `${path.join(bin, 'a')}:${path.join(bin, 'b')}` };

      const forTofu = await describeTerraformExecutable(chooseTerraformExecutable('', { env, moduleDir: tofuModule }), { env: tofuEnv() });
      assert.equal(forTofu.path, path.join(bin, 'b', 'tofu'));
      assert.equal(forTofu.tool, 'opentofu');
      assert.equal(forTofu.reason, 'chosen because .terraform.lock.hcl selects providers from registry.opentofu.org');
      const planned = await runPlan({ executable: forTofu, moduleDir: tofuModule, planFile: 'tfplan', env: tofuEnv() });
      assert.ok(planned.ok, planned.ok ? '' : planned.failure.message);
      assert.equal(planned.ok && planned.plan.resourceChanges.find((c) => c.address === 'local_file.example')?.action, 'replace-delete-first');

      const forTerraform = await describeTerraformExecutable(chooseTerraformExecutable('', { env, moduleDir: terraformModule }), { env: tofuEnv() });
      assert.equal(forTerraform.tool, 'terraform');
      assert.equal(forTerraform.reason, 'chosen because .terraform.lock.hcl selects providers from registry.terraform.io');
      const terraformPlanned = await runPlan({ executable: forTerraform, moduleDir: terraformModule, planFile: 'tfplan', env: tofuEnv() });
      assert.ok(terraformPlanned.ok, terraformPlanned.ok ? '' : terraformPlanned.failure.message);
      assert.equal(terraformPlanned.ok && terraformPlanned.plan.resourceChanges.find((c) => c.address === 'local_file.example')?.action, 'create');

      // A module OpenTofu deployed, then `terraform init`-ed: the lock file selects both hosts, and its header decides.
      const both = seedModule('ii-other-both-');
      await init(both, terraform);
      assert.deepEqual(parseLockFile(readFileSync(path.join(both, '.terraform.lock.hcl'), 'utf8')), {
        writtenBy: 'terraform',
        providerHosts: ['registry.opentofu.org', 'registry.terraform.io'],
      });
      assert.equal(
        chooseTerraformExecutable('', { env, moduleDir: both }).reason,
        'chosen because .terraform.lock.hcl was written by "terraform init" (it selects providers from both registry.terraform.io and registry.opentofu.org)',
      );
    });

    test('a plan is applied by the program recorded with it, and refused once that path holds the other tool', { timeout: TEST_TIMEOUT_MS }, async () => {
      const bin = tempDir('ii-other-swap-');
      const programPath = path.join(bin, 'tofu');
      symlinkSync(TOFU_BIN, programPath);
      const recorded = await findTerraformExecutable(programPath, { env: tofuEnv() });
      assert.equal(recorded.tool, 'opentofu');

      // Applied by the same program: it goes through.
      const planned = await runPlan({ executable: recorded, moduleDir: tofuModule, planFile: 'tfplan', env: tofuEnv() });
      assert.ok(planned.ok, planned.ok ? '' : planned.failure.message);
      const applied = await runApply({ executable: recorded, moduleDir: tofuModule, planFile: 'tfplan', env: tofuEnv() });
      assert.ok(applied.ok, applied.ok ? '' : applied.failure.message);
      assert.equal(statSync(path.join(tofuModule, 'test.txt')).mode & 0o777, 0o700);

      // A new plan (back to 0777), then the path is made to hold Terraform: refused before anything runs.
      writeFileSync(path.join(tofuModule, 'main.tf'), readFileSync(path.join(tofuModule, 'main.tf'), 'utf8').replace('"0700"', '"0777"'));
      const again = await runPlan({ executable: recorded, moduleDir: tofuModule, planFile: 'tfplan', env: tofuEnv() });
      assert.ok(again.ok, again.ok ? '' : again.failure.message);
      const stateBefore = readFileSync(path.join(tofuModule, 'terraform.tfstate'), 'utf8');
      symlinkSync(TERRAFORM_BIN, `${programPath}.new`);
      renameSync(`${programPath}.new`, programPath);
      const refused = await runApply({ executable: recorded, moduleDir: tofuModule, planFile: 'tfplan', env: tofuEnv() });
      assert.equal(refused.ok, false);
      if (refused.ok) return;
      assert.equal(refused.failure.kind, 'executable-changed');
      assert.equal(refused.run, undefined, 'nothing was run');
      assert.equal(
        refused.failure.message,
        `The reviewed plan was made by OpenTofu ${recorded.version} (${programPath}), but ${programPath} is now Terraform ${terraform.version}: a saved plan can only be applied by the program that made it. Run the plan again and review it before applying.`,
      );
      assert.equal(readFileSync(path.join(tofuModule, 'terraform.tfstate'), 'utf8'), stateBefore, 'the state is untouched');
      assert.equal(statSync(path.join(tofuModule, 'test.txt')).mode & 0o777, 0o700, 'test.txt is as the first apply left it');

      // Gone altogether: refused too, naming what made the plan.
      rmSync(programPath);
      const gone = await runApply({ executable: recorded, moduleDir: tofuModule, planFile: 'tfplan', env: tofuEnv() });
      assert.equal(
        !gone.ok && gone.failure.message,
        `The reviewed plan was made by OpenTofu ${recorded.version} (${programPath}), but ${programPath} is gone: a saved plan can only be applied by the program that made it. Run the plan again and review it before applying.`,
      );
    });
  });
