import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, test } from 'node:test';
import { parsePlanJson, PlanFormatError, planFromJson } from '../../core/src/plan/planModel';
import { summarizePlan } from '../../core/src/plan/planSummary';

const PLANS = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plans');
const CLI = path.resolve(__dirname, '..', '..', '..', 'dist', 'cli.js');

/**
 * The summary line for each fixture plan, worked out by hand from its resource_changes with the rules
 * in test/fixtures/plans/README.md (not by running the code under test). The copied fixtures carry no
 * rendered output, so this table is the expectation; for the plans made here with the real OpenTofu and Terraform
 * it is the line the tool printed.
 */
const EXPECTED: Record<string, string> = {
  // Printed by the real `tofu plan` that wrote this plan (its plan.txt), not worked out by hand.
  'opentofu-real/graph-features/plan.json': 'Plan: 1 to import, 11 to add, 0 to change, 9 to destroy, 1 to forget.',
  'opentofu-real/replacement-cause/plan.json': 'Plan: 13 to add, 0 to change, 13 to destroy.',
  'opentofu-show-json/basic-create/output.json': 'Plan: 3 to add, 0 to change, 0 to destroy.', // 3 create
  'opentofu-show-json/basic-delete/output.json': 'Plan: 0 to add, 1 to change, 1 to destroy.', // update + delete
  'opentofu-show-json/basic-update/output.json': 'No changes.', // one plain no-op
  // Output changes only: no Plan: line, the renderer's outputs-only note instead (jsonformat/plan.go renderHuman).
  'opentofu-show-json/conditions/output-refresh-only.json':
    'You can apply this plan to save these new output values to the OpenTofu state, without changing any real infrastructure.', // OpenTofu by its provider config's registry.opentofu.org address
  'opentofu-show-json/conditions/output.json': 'Plan: 2 to add, 0 to change, 0 to destroy.',
  'opentofu-show-json/drift/output.json': 'Plan: 0 to add, 2 to change, 0 to destroy.', // drift is not counted
  'opentofu-show-json/module-depends-on/output.json': 'Plan: 1 to add, 0 to change, 0 to destroy.',
  'opentofu-show-json/modules/output.json': 'Plan: 4 to add, 0 to change, 0 to destroy.',
  'opentofu-show-json/moved-drift/output.json': 'Plan: 0 to add, 2 to change, 0 to destroy.', // one of the updates is moved
  'opentofu-show-json/moved/output.json': 'Plan: 0 to add, 1 to change, 0 to destroy.', // moved + update
  'opentofu-show-json/multi-resource-update/output.json': 'Plan: 1 to add, 0 to change, 0 to destroy.', // create + moved no-op
  'opentofu-show-json/nested-modules/output.json': 'Plan: 1 to add, 0 to change, 0 to destroy.',
  'opentofu-show-json/plan-error/output.json': 'Planning failed. OpenTofu encountered an error while generating this plan.', // errored, nothing to show
  'opentofu-show-json/provider-aliasing-conflict/output.json': 'Plan: 2 to add, 0 to change, 0 to destroy.',
  'opentofu-show-json/provider-aliasing-default/output.json': 'Plan: 4 to add, 0 to change, 0 to destroy.',
  'opentofu-show-json/provider-aliasing/output.json': 'Plan: 10 to add, 0 to change, 0 to destroy.',
  'opentofu-show-json/provider-version-no-config/output.json': 'Plan: 3 to add, 0 to change, 0 to destroy.',
  'opentofu-show-json/provider-version/output.json': 'Plan: 3 to add, 0 to change, 0 to destroy.',
  'opentofu-show-json/requires-replace/output.json': 'Plan: 1 to add, 0 to change, 1 to destroy.', // ["delete","create"]
  'opentofu-show-json/sensitive-values/output.json': 'Plan: 1 to add, 0 to change, 0 to destroy.',
  // Output changes only. OpenTofu's test data, but it names no provider at all: nothing in it tells
  // OpenTofu from Terraform, so it reads as Terraform (planModel.ts detectTool) — a real OpenTofu plan names its providers.
  'opentofu-show-json/unknown-output/output.json':
    'You can apply this plan to save these new output values to the Terraform state, without changing any real infrastructure.',
  'terraform-json/013_module_depends_on/plan.json': 'Plan: 2 to add, 0 to change, 0 to destroy.', // + a data read, not counted
  'terraform-json/110_basic/plan.json': 'Plan: 7 to add, 0 to change, 0 to destroy.',
  'terraform-json/110_sensitive_values/plan.json': 'Plan: 7 to add, 0 to change, 0 to destroy.',
  'terraform-json/120_basic/plan.json': 'Plan: 7 to add, 0 to change, 0 to destroy.',
  'terraform-json/action_reason/plan.json': 'Plan: 1 to add, 0 to change, 1 to destroy.', // tainted replace
  'terraform-json/actions/plan.json': 'Plan: 0 to add, 0 to change, 0 to destroy. Actions: 1 to invoke.',
  'terraform-json/basic/plan-0.15.json': 'Plan: 1 to add, 0 to change, 0 to destroy.',
  'terraform-json/basic/plan.json': 'Plan: 7 to add, 0 to change, 0 to destroy.', // + a data read
  'terraform-json/config_resource_depends_on/plan.json': 'Plan: 1 to add, 0 to change, 1 to destroy.', // replace + no-op
  'terraform-json/deep_module/plan.json': 'Plan: 1 to add, 0 to change, 0 to destroy.',
  'terraform-json/explicit_null/plan.json': 'Plan: 3 to add, 0 to change, 0 to destroy.',
  'terraform-json/has_changes/plan.json': 'You can apply this plan to save these new output values to the Terraform state, without changing any real infrastructure.', // 6 plain no-ops, 8 outputs created
  'terraform-json/has_checks/plan.json': 'Plan: 2 to add, 0 to change, 0 to destroy.',
  'terraform-json/identity/plan.json': 'Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.', // importing update
  'terraform-json/moved_block/plan.json': 'Plan: 0 to add, 0 to change, 0 to destroy.', // moved no-op: shown, not counted
  'terraform-json/nested_config_keys/plan.json': 'Plan: 1 to add, 0 to change, 0 to destroy.',
  'terraform-json/no_changes/plan.json': 'You can apply this plan to save these new output values to the Terraform state, without changing any real infrastructure.', // 6 plain no-ops; despite its name, 8 outputs created
  'terraform-json/numerics/plan.json': 'Plan: 1 to add, 0 to change, 0 to destroy.',
  'terraform-json/output_depends_on/plan.json': 'Plan: 2 to add, 0 to change, 0 to destroy.',
  'terraform-json/provider_version/plan.json': 'Plan: 1 to add, 0 to change, 0 to destroy.',
  'terraform-json/registry_module/plan.json': 'Plan: 1 to add, 0 to change, 0 to destroy.',
  // Printed by the real `terraform plan` (1.11.4) that wrote this plan (its plan.txt).
  'terraform-real/replacement-cause/plan.json': 'Plan: 13 to add, 0 to change, 13 to destroy.',
};

function jsonFiles(dir: string, into: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) jsonFiles(full, into);
    else if (entry.endsWith('.json')) into.push(full);
  }
  return into.sort();
}

const tempDirs: string[] = [];
after(() => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
});
function tempFile(name: string, content: string | Buffer): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plan-summary-'));
  tempDirs.push(dir);
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

const line = (json: unknown) => summarizePlan(planFromJson(json)).line;
const rc = (actions: string[], extra: Record<string, unknown> = {}) => ({
  address: `test_thing.${actions.join('_')}`,
  mode: 'managed',
  type: 'test_thing',
  name: actions.join('_'),
  change: { actions },
  ...extra,
});

describe('plan summary: every fixture plan', () => {
  const files = jsonFiles(PLANS);
  const seen = new Set<string>();
  for (const file of files) {
    const rel = path.relative(PLANS, file).split(path.sep).join('/');
    const text = readFileSync(file, 'utf8');
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (json === undefined) {
      test(`${rel}: broken JSON gives a clear error`, () => {
        assert.ok(rel.startsWith('terraform-json/invalid/'), `${rel} is not valid JSON`);
        assert.throws(
          () => parsePlanJson(text),
          (e: Error) => e instanceof PlanFormatError && /not valid JSON/.test(e.message),
        );
      });
      continue;
    }
    const isPlan = 'resource_changes' in json || 'planned_values' in json || 'plan_format_version' in json || 'action_invocations' in json;
    if (!isPlan) {
      test(`${rel}: not a plan (a state) is refused`, () => {
        assert.ok('values' in json!, `${rel} is neither a plan nor a state`);
        assert.throws(
          () => parsePlanJson(text),
          (e: Error) => e instanceof PlanFormatError && /not a plan/.test(e.message),
        );
      });
      continue;
    }
    seen.add(rel);
    test(`${rel}`, () => {
      assert.ok(rel in EXPECTED, `no expected line for plan ${rel}`);
      assert.equal(summarizePlan(parsePlanJson(text)).line, EXPECTED[rel]);
    });
  }
  test('the table has no rows for missing fixtures, and covers 45 plans', () => {
    assert.deepEqual(
      Object.keys(EXPECTED).filter((k) => !seen.has(k)),
      [],
    );
    assert.equal(seen.size, 45);
  });
});

describe('plan model', () => {
  test('tool: OpenTofu from registry.opentofu.org providers, Terraform otherwise', () => {
    const tofu = parsePlanJson(readFileSync(path.join(PLANS, 'opentofu-show-json/basic-create/output.json'), 'utf8'));
    assert.equal(tofu.tool, 'opentofu');
    const tf = parsePlanJson(readFileSync(path.join(PLANS, 'terraform-json/120_basic/plan.json'), 'utf8'));
    assert.equal(tf.tool, 'terraform');
    assert.equal(tf.formatVersion, '1.1');
    assert.equal(tf.toolVersion, '1.2.0-rc1');
  });

  test('resource change fields: actions, importing, previous_address, action_reason', () => {
    const read = (rel: string) => parsePlanJson(readFileSync(path.join(PLANS, rel), 'utf8'));
    const [imp] = read('terraform-json/identity/plan.json').resourceChanges;
    assert.equal(imp.action, 'update');
    assert.deepEqual(imp.importing, { identity: { email: 'a@example.com' } });
    const [tainted] = read('terraform-json/action_reason/plan.json').resourceChanges;
    assert.equal(tainted.action, 'replace-delete-first');
    assert.equal(tainted.actionReason, 'replace_because_tainted');
    const [moved] = read('terraform-json/moved_block/plan.json').resourceChanges;
    assert.equal(moved.action, 'no-op');
    assert.equal(moved.previousAddress, 'random_id.test');
    const deep = read('terraform-json/deep_module/plan.json').resourceChanges[0];
    assert.match(deep.moduleAddress ?? '', /^module\./);
  });

  test('all action shapes normalise', () => {
    const plan = planFromJson({
      format_version: '1.2',
      resource_changes: [
        ['create'],
        ['update'],
        ['delete'],
        ['delete', 'create'],
        ['create', 'delete'],
        ['read'],
        ['no-op'],
        ['forget'],
        ['create', 'forget'],
        ['forget', 'create'],
      ].map((a) => rc(a)),
    });
    assert.deepEqual(
      plan.resourceChanges.map((c) => c.action),
      ['create', 'update', 'delete', 'replace-delete-first', 'replace-create-first', 'read', 'no-op', 'forget', 'create-forget', 'forget-create'],
    );
  });

  test('accepted format versions: 0.1, 0.2, 1.x', () => {
    for (const v of ['0.1', '0.2', '1.0', '1.2', '1.9']) assert.equal(planFromJson({ format_version: v, resource_changes: [] }).formatVersion, v);
  });

  test('unknown major version: a clear error naming the version', () => {
    assert.throws(
      () => parsePlanJson(JSON.stringify({ format_version: '2.0', resource_changes: [] })),
      (e: Error) => e instanceof PlanFormatError && e.message.includes('"2.0"') && /format version/.test(e.message),
    );
  });

  test('broken JSON: a clear error', () => {
    assert.throws(
      () => parsePlanJson('{"format_version": "1.2", '),
      (e: Error) => e instanceof PlanFormatError && /not valid JSON/.test(e.message),
    );
  });

  test('HCP Terraform redacted plan: plan_format_version and no format_version', () => {
    const plan = planFromJson({
      plan_format_version: '1.2',
      provider_format_version: '1.0',
      resource_changes: [rc(['create']), rc(['delete', 'create'], { action_reason: 'replace_because_cannot_update' })],
      output_changes: {},
      resource_drift: [],
    });
    assert.equal(plan.redacted, true);
    assert.equal(plan.formatVersion, '1.2');
    assert.equal(summarizePlan(plan).line, 'Plan: 2 to add, 0 to change, 1 to destroy.');
    assert.throws(() => planFromJson({ plan_format_version: '3.1', resource_changes: [] }), /"3\.1"/);
  });
});

describe('plan summary rules', () => {
  const tofuProvider = { provider_name: 'registry.opentofu.org/hashicorp/test' };
  test('deleted data sources are not counted; reads and plain no-ops are not shown', () => {
    assert.equal(line({ format_version: '1.2', resource_changes: [rc(['delete'], { mode: 'data' }), rc(['read'], { mode: 'data' }), rc(['no-op'])] }), 'No changes.');
  });

  test('Terraform: create-forget counts as add, forget is shown but not counted', () => {
    assert.equal(line({ format_version: '1.2', resource_changes: [rc(['forget'])] }), 'Plan: 0 to add, 0 to change, 0 to destroy.');
    assert.equal(line({ format_version: '1.2', resource_changes: [rc(['create', 'forget']), rc(['forget'])] }), 'Plan: 1 to add, 0 to change, 0 to destroy.');
  });

  test('OpenTofu: forget suffix, forget-create also adds, ephemeral skipped', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [rc(['forget'], tofuProvider), rc(['forget', 'create'], tofuProvider), rc(['create'], { ...tofuProvider, mode: 'ephemeral' })],
    };
    assert.equal(line(plan), 'Plan: 1 to add, 0 to change, 0 to destroy, 2 to forget.');
    assert.deepEqual(summarizePlan(planFromJson(plan)).counts, { add: 1, change: 0, destroy: 0, replace: 0, import: 0, forget: 2, move: 0, read: 0, noop: 0 });
  });

  test('import prefix; importing no-op shown, not counted; counts object', () => {
    const plan = {
      format_version: '1.2',
      resource_changes: [
        rc(['no-op'], { change: { actions: ['no-op'], importing: { id: 'x' } } }),
        rc(['create', 'delete']),
        rc(['read'], { mode: 'data' }),
        rc(['no-op'], { previous_address: 'test_thing.old' }),
      ],
    };
    assert.equal(line(plan), 'Plan: 1 to import, 1 to add, 0 to change, 1 to destroy.');
    assert.deepEqual(summarizePlan(planFromJson(plan)).counts, { add: 1, change: 0, destroy: 1, replace: 1, import: 1, forget: 0, move: 1, read: 1, noop: 2 });
  });
});

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('immutable-infra plan-summary', () => {
  const plan = path.join(PLANS, 'terraform-json/identity/plan.json');
  test('text: the summary line, exit 0', async () => {
    const r = await run(['plan-summary', plan]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'Plan: 1 to import, 0 to add, 1 to change, 0 to destroy.\n');
  });

  test('json: the counts object', async () => {
    const r = await run(['plan-summary', path.join(PLANS, 'opentofu-show-json/requires-replace/output.json'), '--format', 'json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { add: 1, change: 0, destroy: 1, replace: 1, import: 0, forget: 0, move: 0, read: 0, noop: 0 });
  });

  test('exit 2 with the message on stderr: missing file, broken JSON, unknown version, state, binary plan, bad option', async () => {
    const cases: [string[], RegExp][] = [
      [['plan-summary', path.join(os.tmpdir(), 'no-such-plan-file.json')], /Cannot read/],
      [['plan-summary', path.join(PLANS, 'terraform-json/invalid/plan.json')], /not valid JSON/],
      [['plan-summary', tempFile('v2.json', JSON.stringify({ format_version: '2.0', resource_changes: [] }))], /Unsupported plan format version "2\.0"/],
      [['plan-summary', path.join(PLANS, 'terraform-json/no_changes/state.json')], /not a plan/],
      [['plan-summary', tempFile('tfplan', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]))], /binary plan file.*terraform show -json/],
      [['plan-summary', plan, '--format', 'yaml'], /--format must be text, json or markdown \(got "yaml"\)/],
      [['plan-summary'], /needs a PLAN file/],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
    }
  });
});
