/**
 * Which tools the end-to-end suite runs its core scenarios with, and what a run says about Terraform:
 * OpenTofu is always among them, at the version setup-tools.sh built; Terraform is found at
 * /usr/local/bin/terraform or on PATH and described by its own `version -json`; a Terraform that is
 * absent, or there but unable to report its version, is said plainly.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { assertTofuProvisioned, assertToolReady, OPENTOFU, toolEnv, toolLabel, toolVersions } from '../support/tofu';
import {
  describeTerraform,
  findTerraform,
  reportToolsUnderTest,
  TERRAFORM,
  TERRAFORM_DEFAULT_PATH,
  terraformRunsLine,
  TOOLS_UNDER_TEST,
} from '../support/toolsUnderTest';

reportToolsUnderTest(__filename);
after(cleanupTempDirs);

describe('the tools under test', () => {
  test('OpenTofu comes first, at the version setup-tools.sh built, labelled with it', () => {
    assertTofuProvisioned();
    assert.equal(TOOLS_UNDER_TEST[0], OPENTOFU);
    assert.equal(OPENTOFU.version, toolVersions().tofu.version);
    assert.equal(toolLabel(OPENTOFU), `[OpenTofu ${toolVersions().tofu.version}]`);
  });

  test('Terraform is among them exactly when it was found, with the version it reports itself', () => {
    const found = findTerraform();
    assert.equal(TERRAFORM?.bin, found);
    assert.deepEqual(
      TOOLS_UNDER_TEST.map((t) => t.kind),
      found ? ['opentofu', 'terraform'] : ['opentofu'],
    );
    if (!TERRAFORM) {
      assert.equal(terraformRunsLine(TERRAFORM), `Terraform runs did not happen: no terraform at ${TERRAFORM_DEFAULT_PATH} or on PATH.`);
      return;
    }
    const reported = JSON.parse(execFileSync(TERRAFORM.bin, ['version', '-json'], { env: toolEnv(), encoding: 'utf8' })).terraform_version;
    assert.equal(TERRAFORM.unusable, undefined);
    assert.equal(TERRAFORM.version, reported);
    assert.equal(toolLabel(TERRAFORM), `[Terraform ${reported}]`);
    assert.equal(
      terraformRunsLine(TERRAFORM),
      `Terraform runs: the core scenarios run with [Terraform ${reported}] at ${TERRAFORM.bin} as well as with ${toolLabel(OPENTOFU)} at .tools/bin/tofu.`,
    );
  });

  test('found on PATH when the default path has none; a file that is not executable does not count', () => {
    const missingDefault = path.join(tempDir('ii-no-default-'), 'terraform');
    const plain = tempDir('ii-plain-');
    writeFileSync(path.join(plain, 'terraform'), 'not a program\n');
    chmodSync(path.join(plain, 'terraform'), 0o644);
    const bin = tempDir('ii-bin-');
    symlinkSync(process.execPath, path.join(bin, 'terraform'));
    assert.equal(findTerraform({ PATH: [plain, bin].join(path.delimiter) }, missingDefault), path.join(bin, 'terraform'));
    assert.equal(findTerraform({ PATH: plain }, missingDefault), undefined);
    assert.equal(findTerraform({}, missingDefault), undefined);
  });

  test('no terraform: the run says its Terraform runs did not happen, and why', () => {
    assert.equal(terraformRunsLine(undefined), 'Terraform runs did not happen: no terraform at /usr/local/bin/terraform or on PATH.');
  });

  test('a terraform that cannot report its version is unusable, and every run of it fails saying so', () => {
    const gone = describeTerraform('/nonexistent/terraform');
    assert.equal(gone.version, undefined);
    assert.match(gone.unusable ?? '', /^\/nonexistent\/terraform version -json failed: spawnSync \/nonexistent\/terraform ENOENT$/);
    const echo = describeTerraform('/bin/echo'); // a real program, but not Terraform: it prints "version -json"
    assert.equal(echo.unusable, '/bin/echo version -json did not report a terraform_version (it printed: "version -json")');
    assert.throws(() => assertToolReady(echo), { message: echo.unusable });
    assert.equal(terraformRunsLine(echo), `Terraform runs fail: ${echo.unusable}`);
  });
});
