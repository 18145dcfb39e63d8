/**
 * Replacement rules learned from real plans: the replace paths read from real `show -json`
 * output (test/fixtures/plans), kept per type and path, and used by the analysis where the
 * knowledge base lacks the type or the attribute, or says it updates in place.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { MAX_LEARNED_REPLACEMENTS, parseLearnedReplacements } from '../../common/src/learnedReplacement';
import { mergeLearnedReplacements, replacementsFromPlan, type LearnedReplacement } from '../../core/src/terraform/learnedReplacements';
import { analyseTerraform } from './terraformTestSupport';

const PLANS = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plans');
const readPlan = (relative: string): unknown => JSON.parse(fs.readFileSync(path.join(PLANS, relative), 'utf8'));
const ORIGIN = { plan: 'plan.json', time: '2026-12-02T21:00:00.000Z' };

describe('replace paths read from a plan', () => {
  test('a real OpenTofu plan: each replacement because the provider cannot update, with its provider', () => {
    const learned = replacementsFromPlan(readPlan('opentofu-real/graph-features/plan.json'), ORIGIN, new Map([['hashicorp/local', '2.5.2']]));
    assert.deepEqual(
      learned.map((l) => [l.resourceType, l.path.join('.'), l.provider, l.origin.providerVersion]),
      [
        ['local_file', 'file_permission', 'registry.opentofu.org/hashicorp/local', '2.5.2'],
        ['null_resource', 'triggers', 'registry.opentofu.org/hashicorp/null', undefined],
        ['random_password', 'length', 'registry.opentofu.org/hashicorp/random', undefined],
        ['time_static', 'rfc3339', 'registry.opentofu.org/hashicorp/time', undefined],
        ['time_static', 'triggers', 'registry.opentofu.org/hashicorp/time', undefined],
      ],
    );
    assert.deepEqual(learned[0].origin, { ...ORIGIN, providerVersion: '2.5.2' });
  });

  test("OpenTofu's requires-replace fixture: delete then create, on ami", () => {
    const learned = replacementsFromPlan(readPlan('opentofu-show-json/requires-replace/output.json'), ORIGIN);
    assert.deepEqual(learned, [{ resourceType: 'test_instance', provider: 'registry.opentofu.org/hashicorp/test', path: ['ami'], origin: ORIGIN }]);
  });

  test('list indexes are dropped; replacements by request or by replace_triggered_by, updates and data sources teach nothing', () => {
    const change = (actions: string[], replacePaths: unknown[], extra: Record<string, unknown> = {}) => ({
      address: 'x',
      mode: 'managed',
      type: 'aws_instance',
      provider_name: 'registry.terraform.io/hashicorp/aws',
      change: { actions, replace_paths: replacePaths },
      ...extra,
    });
    const plan = {
      resource_changes: [
        change(['delete', 'create'], [['root_block_device', 0, 'volume_type']]),
        change(['delete', 'create'], [['ami']], { action_reason: 'replace_by_request' }),
        change(['create', 'delete'], [['user_data']], { action_reason: 'replace_by_triggers' }),
        change(['update'], [['tags']]),
        change(['delete', 'create'], [['ami']], { mode: 'data' }),
        change(['delete', 'create'], [[0], [], 'ami']),
      ],
    };
    assert.deepEqual(
      replacementsFromPlan(plan, ORIGIN).map((l) => l.path),
      [['root_block_device', 'volume_type']],
    );
  });

  test('input that is no plan teaches nothing', () => {
    for (const input of [undefined, null, 'text', [], { resource_changes: 'no' }, { resource_changes: [null, { change: null }] }]) {
      assert.deepEqual(replacementsFromPlan(input, ORIGIN), []);
    }
  });

  test('a newer plan replaces what an older one said of the same path; the list is bounded', () => {
    const entry = (type: string, time: string): LearnedReplacement => ({ resourceType: type, provider: 'hashicorp/x', path: ['a'], origin: { plan: 'p', time } });
    const merged = mergeLearnedReplacements([entry('x_a', 'old'), entry('x_b', 'old')], [entry('x_a', 'new')]);
    assert.deepEqual(
      merged.map((e) => [e.resourceType, e.origin.time]),
      [
        ['x_a', 'new'],
        ['x_b', 'old'],
      ],
    );
    const many = Array.from({ length: MAX_LEARNED_REPLACEMENTS + 5 }, (_, i) => entry(`x_${i}`, 't'));
    assert.equal(mergeLearnedReplacements([], many).length, MAX_LEARNED_REPLACEMENTS);
  });

  test('what storage or a notification holds is checked: entries of another shape are dropped', () => {
    const good = { resourceType: 'x_a', provider: 'hashicorp/x', path: ['a'], origin: { plan: 'p', time: 't' } };
    assert.deepEqual(parseLearnedReplacements([good, { ...good, path: [] }, { ...good, path: [1] }, { ...good, origin: {} }, 'x', null]), [good]);
    assert.deepEqual(parseLearnedReplacements({ entries: [good] }), []);
  });
});

const testInstance = (ami: string) => `resource "test_instance" "web" {
  ami = "${ami}"
}
`;

const sleep = (duration: string) => `resource "time_sleep" "wait" {
  create_duration = "${duration}"
}
`;

describe('learned replacements in the analysis', () => {
  const amiLearned = replacementsFromPlan(readPlan('opentofu-show-json/requires-replace/output.json'), ORIGIN);

  test('a type the knowledge base lacks: without a plan not checked, with one the learned path forces replacement, marked learned', async () => {
    const before = { 'main.tf': testInstance('ami-1') };
    const after = { 'main.tf': testInstance('ami-2') };
    const unlearned = await analyseTerraform(before, after);
    assert.deepEqual(
      unlearned.findings.map((f) => f.code),
      ['terraform/not-checked'],
    );

    const { findings, coverage } = await analyseTerraform(before, after, { learned: amiLearned });
    assert.deepEqual(
      findings.map((f) => f.code),
      ['terraform/forces-replacement'],
      JSON.stringify(findings, null, 2),
    );
    const [finding] = findings;
    assert.equal(finding.attribute, 'ami');
    assert.equal(
      finding.message,
      'Changing `ami` ("ami-1" → "ami-2") forces replacement of `test_instance.web`: Terraform will destroy and re-create it. Learned from the plan of 2026-12-02T21:00:00.000Z/plan.json.',
    );
    assert.deepEqual(finding.rule, { provider: 'hashicorp/test', source: 'replace_paths of the plan of 2026-12-02T21:00:00.000Z/plan.json', learned: ORIGIN });
    assert.equal(finding.ruleSource, 'replace_paths of the plan of 2026-12-02T21:00:00.000Z/plan.json');
    assert.equal(coverage.checked, 1);
  });

  test('an attribute the data says updates in place, which a real plan replaced on: the plan wins, with a note', async () => {
    const before = { 'main.tf': sleep('30s') };
    const after = { 'main.tf': sleep('60s') };
    assert.deepEqual((await analyseTerraform(before, after)).findings, [], 'the data says create_duration updates in place');

    const learned: LearnedReplacement[] = [
      {
        resourceType: 'time_sleep',
        provider: 'registry.opentofu.org/hashicorp/time',
        path: ['create_duration'],
        origin: { plan: 'tfplan', time: '2026-12-01T08:00:00.000Z' },
      },
    ];
    const { findings } = await analyseTerraform(before, after, { learned });
    assert.deepEqual(
      findings.map((f) => f.code),
      ['terraform/forces-replacement'],
    );
    const [finding] = findings;
    assert.match(finding.message, / Learned from the plan of 2026-12-01T08:00:00\.000Z\/tfplan\.$/);
    assert.equal(finding.rule?.learned?.plan, 'tfplan');
    assert.match(
      finding.detail ?? '',
      /- Rule: replace_paths of the plan of 2026-12-01T08:00:00\.000Z\/tfplan \(the hashicorp\/time \d+\.\d+\.\d+ knowledge says it updates in place; the real plan replaced on it\)/,
    );
  });

  test('what the data already says replaces stays the data’s rule, not marked learned', async () => {
    const learned: LearnedReplacement[] = [{ resourceType: 'local_file', provider: 'registry.opentofu.org/hashicorp/local', path: ['file_permission'], origin: ORIGIN }];
    const file = (permission: string) => `resource "local_file" "f" {\n  filename        = "f.txt"\n  content         = "x"\n  file_permission = "${permission}"\n}\n`;
    const { findings } = await analyseTerraform({ 'main.tf': file('0777') }, { 'main.tf': file('0700') }, { learned });
    assert.deepEqual(
      findings.map((f) => f.code),
      ['terraform/forces-replacement'],
    );
    assert.equal(findings[0].rule?.learned, undefined);
    assert.equal(findings[0].rule?.provider, 'hashicorp/local');
    assert.doesNotMatch(findings[0].message, /Learned/);
  });

  test('a plan of a type of the same name from another provider teaches nothing about this one', async () => {
    const learned: LearnedReplacement[] = [{ resourceType: 'time_sleep', provider: 'registry.terraform.io/acme/time', path: ['create_duration'], origin: ORIGIN }];
    assert.deepEqual((await analyseTerraform({ 'main.tf': sleep('30s') }, { 'main.tf': sleep('60s') }, { learned })).findings, []);
  });

  test('a nested block the data lacks an attribute of: the learned path inside it', async () => {
    const learned: LearnedReplacement[] = [{ resourceType: 'test_instance', provider: 'registry.opentofu.org/hashicorp/test', path: ['disk', 'size'], origin: ORIGIN }];
    const config = (size: number) => `resource "test_instance" "web" {\n  disk {\n    size = ${size}\n  }\n}\n`;
    const { findings } = await analyseTerraform({ 'main.tf': config(10) }, { 'main.tf': config(20) }, { learned });
    assert.deepEqual(
      findings.map((f) => [f.code, f.attribute, f.rule?.learned?.plan]),
      [['terraform/forces-replacement', 'disk.size', 'plan.json']],
    );
  });
});
