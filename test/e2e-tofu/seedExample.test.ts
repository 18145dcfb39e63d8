/**
 * The seed scenario with a real OpenTofu: `examples/terraform/main.tf` applied with
 * `file_permission = "0777"`, then edited to `"0700"`. The plan replaces `local_file.example` because
 * of `file_permission`, and the analyzer — against the state tofu itself wrote — says exactly that.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HclParser } from '../../server/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../server/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer } from '../../server/src/terraform/terraformModuleAnalyzer';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { assertTofuProvisioned, repoRoot, Tofu, tofuProvisioningError, type PlanJson } from '../support/tofu';

const EXAMPLE = path.join(repoRoot, 'examples', 'terraform', 'main.tf');
/** The argument line (the file's comments mention `file_permission = "0777"` too). */
const PERMISSION = /^(\s*)file_permission(\s*)=(\s*)"0[0-7]{3}"/m;

function withPermission(text: string, permission: string): string {
  assert.match(text, PERMISSION, `${EXAMPLE} has no file_permission argument`);
  return text.replace(PERMISSION, `$1file_permission$2=$3"${permission}"`);
}

describe('seed example with a real OpenTofu', () => {
  let dir: string;
  let tofu: Tofu;
  let plan: PlanJson;

  before(async () => {
    if (tofuProvisioningError()) return; // each test fails with the setup hint
    dir = tempDir('ii-tofu-seed-');
    tofu = new Tofu(dir);
    const example = readFileSync(EXAMPLE, 'utf8');
    writeFileSync(path.join(dir, 'main.tf'), withPermission(example, '0777'));
    await tofu.init();
    await tofu.apply();
    writeFileSync(path.join(dir, 'main.tf'), withPermission(example, '0700'));
    plan = await tofu.planJson();
  });
  after(cleanupTempDirs);

  test('apply wrote the file and a format-4 state', () => {
    assertTofuProvisioned();
    assert.ok(existsSync(path.join(dir, 'test.txt')));
    const state = JSON.parse(readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8'));
    assert.equal(state.version, 4);
    const resource = state.resources.find((r: { type: string; name: string }) => r.type === 'local_file' && r.name === 'example');
    assert.equal(resource?.instances?.[0]?.attributes?.file_permission, '0777');
  });

  test('the plan replaces local_file.example because of file_permission', () => {
    assertTofuProvisioned();
    const change = plan.resource_changes?.find((c) => c.address === 'local_file.example');
    assert.ok(change, `no change for local_file.example in ${JSON.stringify(plan.resource_changes?.map((c) => c.address))}`);
    assert.deepEqual(change.change.actions, ['delete', 'create']);
    assert.deepEqual(change.change.replace_paths, [['file_permission']]);
  });

  test('the analyzer, against the state tofu wrote, finds exactly that replacement', async () => {
    assertTofuProvisioned();
    const analyzer = new TerraformModuleAnalyzer(await HclParser.create(), new ReplacementKnowledgeBase());
    const { findings } = await analyzer.analyze(dir, { baseline: 'state', gitRef: 'HEAD', allowGit: false });
    const replacing = findings.filter((f) => f.code === 'terraform/forces-replacement' || f.code === 'terraform/may-force-replacement');
    assert.equal(replacing.length, 1, JSON.stringify(findings, null, 2));
    assert.equal(replacing[0].code, 'terraform/forces-replacement');
    assert.equal(replacing[0].attribute, 'file_permission');
    assert.equal(replacing[0].address, 'local_file.example');
    assert.equal(replacing[0].before, '"0777"');
    assert.equal(replacing[0].after, '"0700"');
  });
});
