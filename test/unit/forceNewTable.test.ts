/**
 * Table-driven: every attribute the knowledge base marks as forcing replacement, for every resource
 * of terraform_data, local, null, random, time and tls, gives `forces-replacement` (or
 * `may-force-replacement` for conditional rules) when edited — against a state baseline and
 * against a git baseline. Attributes that update in place give nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Finding } from '../../common/src/findings';
import { HclParser } from '../../core/src/terraform/hcl/hclParser';
import type { AttributeKnowledge, BlockKnowledge } from '../../core/src/terraform/knowledgeBase/format';
import * as path from 'node:path';
import { defaultKnowledgeBaseDir, INDEX_FILE, loadIndexFile, ReplacementKnowledgeBase } from '../../core/src/terraform/knowledgeBase/knowledgeBase';
import { TerraformModuleAnalyzer } from '../../core/src/terraform/terraformModuleAnalyzer';
import { cleanupTempDirs, gitModule, stateModule } from '../support/tempModule';

const PROVIDER_PREFIXES = ['terraform_data', 'local_', 'null_', 'random_', 'time_', 'tls_'];
const knowledge = new ReplacementKnowledgeBase();
let analyzer: TerraformModuleAnalyzer;
before(async () => {
  analyzer = new TerraformModuleAnalyzer(await HclParser.create(), knowledge);
});
after(cleanupTempDirs);

interface Sample {
  hcl: string;
  json: unknown;
}

/** Two distinct values of the attribute's type, as HCL and as the state's JSON. */
function samples(type: string | undefined): [Sample, Sample] {
  const t = (type ?? 'string').replace(/\s+/g, '');
  if (t === 'number')
    return [
      { hcl: '1', json: 1 },
      { hcl: '2', json: 2 },
    ];
  if (t === 'bool')
    return [
      { hcl: 'false', json: false },
      { hcl: 'true', json: true },
    ];
  if (/^(list|set)\(/.test(t))
    return [
      { hcl: '["old-value"]', json: ['old-value'] },
      { hcl: '["new-value"]', json: ['new-value'] },
    ];
  if (/^map\(/.test(t))
    return [
      { hcl: '{ key = "old-value" }', json: { key: 'old-value' } },
      { hcl: '{ key = "new-value" }', json: { key: 'new-value' } },
    ];
  return [
    { hcl: '"old-value"', json: 'old-value' },
    { hcl: '"new-value"', json: 'new-value' },
  ];
}

interface Case {
  type: string;
  path: string[];
  rule: AttributeKnowledge;
  /** Nesting of the enclosing block, for paths inside a block. */
  blockNesting?: BlockKnowledge['nesting'];
}

function hclFor(c: Case, value: Sample): string {
  const [first, second] = c.path;
  const body = second === undefined ? `  ${first} = ${value.hcl}\n` : `  ${first} {\n    ${second} = ${value.hcl}\n  }\n`;
  return `resource "${c.type}" "subject" {\n${body}}\n`;
}

function stateAttributesFor(c: Case, value: Sample): Record<string, unknown> {
  const [first, second] = c.path;
  if (second === undefined) return { [first]: value.json };
  const inner = { [second]: value.json };
  return { [first]: c.blockNesting === 'single' || c.blockNesting === 'group' ? inner : [inner] };
}

function cases(): { replacing: Case[]; inPlace: Case[] } {
  const replacing: Case[] = [];
  const inPlace: Case[] = [];
  for (const type of Object.keys(loadIndexFile(path.join(defaultKnowledgeBaseDir(), INDEX_FILE)).resources).filter((t) =>
    PROVIDER_PREFIXES.some((p) => t.startsWith(p)),
  )) {
    const found = knowledge.resource(type)!;
    if (found.type !== type) continue; // aliases share the canonical type's rows
    const configurable = (rule: AttributeKnowledge) => rule.required || rule.optional;
    for (const [name, rule] of Object.entries(found.knowledge.attributes)) {
      if (!configurable(rule)) continue;
      (rule.replace === 'never' ? inPlace : replacing).push({ type, path: [name], rule });
    }
    for (const [blockName, block] of Object.entries(found.knowledge.blocks ?? {})) {
      for (const [name, rule] of Object.entries(block.attributes)) {
        if (!configurable(rule)) continue;
        const effective: AttributeKnowledge = block.replace === 'always' ? { ...rule, replace: 'always' } : rule;
        (effective.replace === 'never' ? inPlace : replacing).push({ type, path: [blockName, name], rule: effective, blockNesting: block.nesting });
      }
    }
  }
  return { replacing, inPlace };
}

const { replacing, inPlace } = cases();

function expectedCode(rule: AttributeKnowledge): string {
  return rule.replace === 'conditional' ? 'terraform/may-force-replacement' : 'terraform/forces-replacement';
}

function matching(findings: Finding[], c: Case): Finding[] {
  return findings.filter(
    (f) => (f.code === 'terraform/forces-replacement' || f.code === 'terraform/may-force-replacement') && (f.attribute === c.path.join('.') || f.attribute === c.path[0]),
  );
}

describe('the table covers the providers', () => {
  test('every provider contributes rows', () => {
    for (const prefix of PROVIDER_PREFIXES) {
      assert.ok(
        replacing.some((c) => c.type.startsWith(prefix)),
        `no force-new attribute for ${prefix}`,
      );
    }
    assert.ok(replacing.length >= 40, `only ${replacing.length} force-new rows`);
  });
});

for (const c of replacing) {
  const label = `${c.type}.${c.path.join('.')} (${c.rule.replace})`;
  describe(label, () => {
    const [oldValue, newValue] = samples(c.rule.type);
    test('against a state baseline', async () => {
      const dir = stateModule({ 'main.tf': hclFor(c, newValue) }, [{ type: c.type, name: 'subject', instances: [{ attributes: stateAttributesFor(c, oldValue) }] }]);
      const found = matching((await analyzer.analyze(dir, { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false })).findings, c);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0].code, expectedCode(c.rule));
      assert.equal(found[0].address, `${c.type}.subject`);
    });
    test('against a git baseline', async () => {
      const dir = gitModule({ 'main.tf': hclFor(c, oldValue) }, { 'main.tf': hclFor(c, newValue) });
      const found = matching((await analyzer.analyze(dir, { baseline: 'git', gitRef: 'HEAD', mayRunProcesses: true })).findings, c);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0].code, expectedCode(c.rule));
    });
  });
}

describe('attributes that update in place give nothing', () => {
  for (const c of inPlace) {
    test(`${c.type}.${c.path.join('.')}`, async () => {
      const [oldValue, newValue] = samples(c.rule.type);
      const dir = stateModule({ 'main.tf': hclFor(c, newValue) }, [{ type: c.type, name: 'subject', instances: [{ attributes: stateAttributesFor(c, oldValue) }] }]);
      const found = matching((await analyzer.analyze(dir, { baseline: 'state', gitRef: 'HEAD', mayRunProcesses: false })).findings, c);
      assert.deepEqual(found, []);
    });
  }
});
