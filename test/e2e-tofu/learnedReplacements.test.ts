/**
 * Learning from a real plan, with each tool under test: the seed resource applied, edited, and
 * planned by the tool itself; its `show -json` replace paths read as the extension reads them
 * (with the provider version from the lock file the tool wrote), and handed to the analyzer. The
 * knowledge base already says `file_permission` replaces, so the finding stays its rule, naming
 * the version the module runs; the learned entry is what the extension would store.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import { ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { replacementsFromPlan } from '../../core/src/terraform/learnedReplacements';
import { lockedProviderVersions } from '../../core/src/terraform/providerLockFile';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { cleanupTempDirs, tempDir } from '../support/tempModule';
import { assertToolReady, toolLabel, toolModule, toolReadinessError, type PlanJson } from '../support/tofu';
import { reportToolsUnderTest, TOOLS_UNDER_TEST } from '../support/toolsUnderTest';

const file = (permission: string) => `resource "local_file" "example" {
  content         = "learned"
  filename        = "\${path.module}/learned.txt"
  file_permission = "${permission}"
}
`;

reportToolsUnderTest(__filename);

for (const tool of TOOLS_UNDER_TEST) {
  describe(`${toolLabel(tool)}: replace paths learned from its plan`, () => {
    let dir: string;
    let plan: PlanJson;

    before(async () => {
      if (toolReadinessError(tool)) return; // each test fails saying why
      dir = tempDir(`ii-${tool.cli}-learned-`);
      const tofu = toolModule(dir, tool);
      writeFileSync(path.join(dir, 'main.tf'), file('0777'));
      await tofu.init();
      await tofu.apply();
      writeFileSync(path.join(dir, 'main.tf'), file('0700'));
      plan = await tofu.planJson();
    });
    after(cleanupTempDirs);

    test('the learned entry: the type, the path, the provider as the plan names it, and the locked version', async () => {
      assertToolReady(tool);
      const versions = lockedProviderVersions(readFileSync(path.join(dir, '.terraform.lock.hcl'), 'utf8'));
      const locked = versions.get('hashicorp/local');
      assert.match(locked ?? '', /^\d+\.\d+\.\d+$/);
      const learned = replacementsFromPlan(plan, { plan: 'tfplan', time: '2026-12-02T12:00:00.000Z' }, versions);
      assert.deepEqual(learned, [
        {
          resourceType: 'local_file',
          provider: `${tool.registryHost}/hashicorp/local`,
          path: ['file_permission'],
          origin: { plan: 'tfplan', time: '2026-12-02T12:00:00.000Z', providerVersion: locked },
        },
      ]);

      const analyzer = new TerraformModuleAnalyzer(await HclParser.create(), new ReplacementKnowledgeBase());
      analyzer.useLearnedReplacements(learned);
      const { findings } = await analyzer.analyze(dir, { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false });
      assert.deepEqual(
        findings.map((f) => [f.code, f.address, f.attribute]),
        [['terraform/forces-replacement', 'local_file.example', 'file_permission']],
        JSON.stringify(findings, null, 2),
      );
      const [finding] = findings;
      // The plan agrees with the knowledge base: the rule stays the knowledge base's.
      assert.equal(finding.rule?.learned, undefined);
      assert.equal(finding.rule?.provider, 'hashicorp/local');
      assert.doesNotMatch(finding.message, /Learned/);
      const knowledgeVersion = finding.rule?.version ?? '';
      const used = knowledgeVersion === locked ? '' : `; the module uses ${locked} (from .terraform.lock.hcl)`;
      assert.ok(finding.detail?.includes(`(hashicorp/local ${knowledgeVersion} knowledge${used})`), finding.detail);
    });
  });
}
