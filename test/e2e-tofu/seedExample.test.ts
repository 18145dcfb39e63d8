/**
 * The seed scenario with each tool under test (the real OpenTofu, and HashiCorp Terraform where the
 * machine has it): `examples/terraform/main.tf` applied with `file_permission = "0777"`, then edited
 * to `"0700"`. The plan replaces `local_file.example` because of `file_permission`; the analyzer —
 * against the state the tool itself wrote — says exactly that; and the plan graph drawn from the
 * tool's own `show -json` shows that one replacement, with the tool that made it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildPlanGraph } from '../../core/src/plan/planGraph';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { assertToolReady, repoRoot, toolLabel, toolModule, toolReadinessError, type PlanJson, type Tofu } from '../support/tofu';
import { reportToolsUnderTest, TOOLS_UNDER_TEST } from '../support/toolsUnderTest';

const EXAMPLE = path.join(repoRoot, 'examples', 'terraform', 'main.tf');
/** The argument line (the file's comments mention `file_permission = "0777"` too). */
const PERMISSION = /^(\s*)file_permission(\s*)=(\s*)"0[0-7]{3}"/m;

function withPermission(text: string, permission: string): string {
  assert.match(text, PERMISSION, `${EXAMPLE} has no file_permission argument`);
  return text.replace(PERMISSION, `$1file_permission$2=$3"${permission}"`);
}

reportToolsUnderTest(__filename);

for (const tool of TOOLS_UNDER_TEST) {
  describe(`${toolLabel(tool)} seed example`, () => {
    let dir: string;
    let tofu: Tofu;
    let plan: PlanJson;

    before(async () => {
      if (toolReadinessError(tool)) return; // each test fails saying why
      dir = tempDir(`ii-${tool.cli}-seed-`);
      tofu = toolModule(dir, tool);
      const example = readFileSync(EXAMPLE, 'utf8');
      writeFileSync(path.join(dir, 'main.tf'), withPermission(example, '0777'));
      await tofu.init();
      await tofu.apply();
      writeFileSync(path.join(dir, 'main.tf'), withPermission(example, '0700'));
      plan = await tofu.planJson();
    });
    after(cleanupTempDirs);

    test('apply wrote the file and a format-4 state, as this tool', () => {
      assertToolReady(tool);
      assert.ok(existsSync(path.join(dir, 'test.txt')));
      const state = JSON.parse(readFileSync(path.join(dir, 'terraform.tfstate'), 'utf8'));
      assert.equal(state.version, 4);
      assert.equal(state.terraform_version, tool.version, 'written by this tool');
      const resource = state.resources.find((r: { type: string; name: string }) => r.type === 'local_file' && r.name === 'example');
      assert.equal(resource?.instances?.[0]?.attributes?.file_permission, '0777');
    });

    test('the plan replaces local_file.example because of file_permission', () => {
      assertToolReady(tool);
      const change = plan.resource_changes?.find((c) => c.address === 'local_file.example');
      assert.ok(change, `no change for local_file.example in ${JSON.stringify(plan.resource_changes?.map((c) => c.address))}`);
      assert.deepEqual(change.change.actions, ['delete', 'create']);
      assert.deepEqual(change.change.replace_paths, [['file_permission']]);
    });

    test('the analyzer, against the state the tool wrote, finds exactly that replacement', async () => {
      assertToolReady(tool);
      const analyzer = new TerraformModuleAnalyzer(await HclParser.create(), new ReplacementKnowledgeBase());
      const { findings } = await analyzer.analyze(dir, { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false });
      const replacing = findings.filter((f) => f.code === 'terraform/forces-replacement' || f.code === 'terraform/may-force-replacement');
      assert.equal(replacing.length, 1, JSON.stringify(findings, null, 2));
      assert.equal(replacing[0].code, 'terraform/forces-replacement');
      assert.equal(replacing[0].attribute, 'file_permission');
      assert.equal(replacing[0].address, 'local_file.example');
      assert.equal(replacing[0].before, '"0777"');
      assert.equal(replacing[0].after, '"0700"');
    });

    test('the lock file records the providers under the registry host this tool asks', () => {
      assertToolReady(tool);
      const lock = readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8');
      assert.ok(lock.includes(`\nprovider "${tool.registryHost}/hashicorp/local" {\n`), lock);
    });

    test('the plan graph of that plan: one replacement of local_file.example, forced by file_permission, made by this tool', () => {
      assertToolReady(tool);
      const graph = buildPlanGraph(plan);
      assert.equal(graph.tool, tool.kind);
      assert.equal(graph.toolVersion, tool.version);
      assert.deepEqual(
        graph.nodes.map((n) => [n.address, n.action, n.display, n.replacePaths]),
        [['local_file.example', 'replace-delete-first', 'replace-delete-first', ['file_permission']]],
      );
      const node = graph.nodes[0];
      assert.equal(node.providerName, `${tool.registryHost}/hashicorp/local`);
      const permission = node.changes.find((c) => c.path === 'file_permission');
      assert.deepEqual(permission, {
        path: 'file_permission',
        before: { kind: 'known', text: '"0777"' },
        after: { kind: 'known', text: '"0700"' },
        forcesReplacement: true,
      });
      assert.equal(graph.summary.line, 'Plan: 1 to add, 0 to change, 1 to destroy.');
      assert.deepEqual(graph.edges, []);
    });
  });
}
