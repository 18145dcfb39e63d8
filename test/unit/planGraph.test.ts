import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { PlanGraph, PlanGraphNode } from '../../common/src/planGraph';
import { buildPlanGraph, MAX_MODULE_DEPTH, parsePlanGraph } from '../../core/src/plan/planGraph';
import { PlanFormatError, planFromJson } from '../../core/src/plan/planModel';
import { summarizePlan } from '../../core/src/plan/planSummary';
import { planValueText } from '../../core/src/plan/planValues';

const PLANS = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plans');
const REAL = 'opentofu-real/graph-features/plan.json';

function jsonFiles(dir: string, into: string[] = []): string[] {
  for (const entry of readdirSync(dir)) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) jsonFiles(full, into);
    else if (entry.endsWith('.json')) into.push(full);
  }
  return into.sort();
}

function fixture(rel: string): { json: Record<string, any>; graph: PlanGraph } {
  const json = JSON.parse(readFileSync(path.join(PLANS, rel), 'utf8'));
  return { json, graph: buildPlanGraph(json) };
}

function node(graph: PlanGraph, id: string): PlanGraphNode {
  const found = graph.nodes.find((n) => n.id === id);
  assert.ok(found, `no node ${id} in ${graph.nodes.map((n) => n.id).join(', ')}`);
  return found;
}

const hasEdge = (graph: PlanGraph, from: string, to: string) => graph.edges.some((e) => e.from === from && e.to === to);
const change = (n: PlanGraphNode, p: string) => n.changes.find((c) => c.path === p);
const text = (n: PlanGraphNode, p: string) => {
  const c = change(n, p);
  assert.ok(c, `${n.id} has no change at ${p}: ${n.changes.map((x) => x.path).join(', ')}`);
  return [planValueText(c.before), planValueText(c.after), c.forcesReplacement];
};

/** The structural promises of the graph, for any plan. */
function assertWellFormed(json: Record<string, any>, graph: PlanGraph, where: string): void {
  const changes: any[] = json.resource_changes ?? [];
  assert.equal(graph.nodes.length, changes.length, `${where}: one node per resource change`);
  graph.nodes.forEach((n, i) => assert.equal(n.address, changes[i].address, `${where}: node ${i} is resource change ${i}`));
  const ids = new Set(graph.nodes.map((n) => n.id));
  assert.equal(ids.size, graph.nodes.length, `${where}: unique ids`);
  const edgeKeys = new Set<string>();
  for (const e of graph.edges) {
    assert.ok(ids.has(e.from) && ids.has(e.to), `${where}: dangling edge ${e.from} -> ${e.to}`);
    assert.notEqual(e.from, e.to, `${where}: self edge on ${e.from}`);
    const key = `${e.from}\u0000${e.to}`;
    assert.ok(!edgeKeys.has(key), `${where}: duplicate edge ${e.from} -> ${e.to}`);
    edgeKeys.add(key);
  }
  const modules = new Map(graph.modules.map((m) => [m.address, m]));
  assert.equal(modules.size, graph.modules.length, `${where}: unique module addresses`);
  assert.ok(modules.has('') && modules.get('')!.parent === undefined, `${where}: the root module, without a parent`);
  for (const m of graph.modules) {
    if (m.address !== '') assert.ok(m.parent !== undefined && modules.has(m.parent), `${where}: parent of ${m.address} is listed`);
    assert.equal(m.nodeCount, graph.nodes.filter((n) => n.module === m.address).length, `${where}: nodeCount of "${m.address}"`);
  }
  for (const n of graph.nodes) assert.ok(modules.has(n.module), `${where}: module "${n.module}" of ${n.id} is listed`);
  const summary = summarizePlan(planFromJson(json));
  assert.deepEqual(graph.summary, { line: summary.line, ...summary.counts }, `${where}: summary`);
  assert.equal(graph.version, 1);
  // The graph survives a JSON round trip unchanged (no undefined, functions or cycles inside).
  assert.deepEqual(JSON.parse(JSON.stringify(graph)), graph);
}

describe('plan graph: every fixture plan', () => {
  let plans = 0;
  for (const file of jsonFiles(PLANS)) {
    const rel = path.relative(PLANS, file).split(path.sep).join('/');
    const text = readFileSync(file, 'utf8');
    let json: Record<string, any>;
    try {
      json = JSON.parse(text);
    } catch {
      test(`${rel}: broken JSON is a PlanFormatError`, () => {
        assert.throws(
          () => parsePlanGraph(text),
          (e: Error) => e instanceof PlanFormatError && /not valid JSON/.test(e.message),
        );
      });
      continue;
    }
    const isPlan = 'resource_changes' in json || 'planned_values' in json || 'plan_format_version' in json || 'action_invocations' in json;
    if (!isPlan) {
      test(`${rel}: a state is a PlanFormatError`, () => {
        assert.throws(
          () => buildPlanGraph(json),
          (e: Error) => e instanceof PlanFormatError && /not a plan/.test(e.message),
        );
      });
      continue;
    }
    plans++;
    test(rel, () => assertWellFormed(json, buildPlanGraph(json), rel));
  }
  test('covers all 45 fixture plans', () => assert.equal(plans, 45));
});

describe('plan graph: a real OpenTofu plan (test/fixtures/plans/opentofu-real/graph-features)', () => {
  const { graph } = fixture(REAL);

  test('tool, format and the summary line tofu printed', () => {
    assert.equal(graph.tool, 'opentofu');
    assert.equal(graph.toolVersion, '1.12.6');
    assert.equal(graph.formatVersion, '1.2');
    assert.equal(graph.errored, false);
    assert.equal(graph.summary.line, 'Plan: 1 to import, 11 to add, 0 to change, 9 to destroy, 1 to forget.');
  });

  test('the seed replacement: file_permission forces it', () => {
    const n = node(graph, 'local_file.example');
    // create_before_destroy of time_static.stamp propagates to what it depends on.
    assert.equal(n.action, 'replace-create-first');
    assert.equal(n.display, 'replace-create-first');
    assert.deepEqual(n.replacePaths, ['file_permission']);
    assert.equal(n.actionReason, 'replace_because_cannot_update');
    assert.equal(n.reason, '`file_permission` forces replacement');
    assert.deepEqual(text(n, 'file_permission'), ['"0777"', '"0700"', true]);
    assert.deepEqual(text(n, 'id'), [planValueText(change(n, 'id')!.before), '(known after apply)', false]);
    assert.deepEqual(
      n.changes.filter((c) => c.forcesReplacement).map((c) => c.path),
      ['file_permission'],
    );
  });

  test('replacement reasons: -replace, replace_triggered_by, two paths, a nested path under a replace path', () => {
    assert.equal(node(graph, 'null_resource.after_app').reason, 'Replacement was requested (-replace)');
    assert.equal(node(graph, 'null_resource.triggered').reason, 'A change in replace_triggered_by forces replacement');
    const stamp = node(graph, 'time_static.stamp');
    assert.deepEqual(stamp.replacePaths, ['rfc3339', 'triggers']);
    assert.equal(stamp.reason, '`rfc3339` and `triggers` force replacement');
    assert.equal(text(stamp, 'triggers.pets')[2], true);
    assert.equal(text(stamp, 'day')[2], false);
  });

  test('sensitive and unknown values', () => {
    const db = node(graph, 'random_password.db');
    assert.deepEqual(text(db, 'result'), ['(sensitive value)', '(sensitive value)', false]);
    assert.deepEqual(text(db, 'length'), ['16', '20', true]);
    assert.deepEqual(text(db, 'id'), ['"none"', '(known after apply)', false]);
    // The secret itself never appears in the graph.
    const before = readFileSync(path.join(PLANS, REAL), 'utf8').match(/"result": ?"([^"]+)"/)![1];
    assert.ok(!JSON.stringify(graph).includes(before));
    const password = graph.outputs.find((o) => o.name === 'password')!;
    assert.deepEqual([password.before, password.after], [{ kind: 'sensitive' }, { kind: 'sensitive' }]);
  });

  test('import, move, forget', () => {
    const imported = node(graph, 'random_id.imported');
    assert.equal(imported.action, 'no-op');
    assert.equal(imported.display, 'import');
    assert.equal(imported.importId, 'p-9hUg');
    const moved = node(graph, 'random_id.new_name');
    assert.equal(moved.display, 'move');
    assert.equal(moved.previousAddress, 'random_id.old_name');
    const forgotten = node(graph, 'null_resource.kept_outside');
    assert.equal(forgotten.action, 'forget');
    assert.equal(forgotten.display, 'forget');
    assert.equal(forgotten.reason, 'null_resource.kept_outside is not in the configuration: removed from the state but not destroyed (lifecycle destroy = false)');
  });

  test('a deposed object gets its own node', () => {
    const current = node(graph, 'null_resource.flaky');
    assert.equal(current.action, 'replace-create-first');
    assert.deepEqual(text(current, 'triggers.version'), ['"1"', '"2"', true]);
    const deposed = node(graph, 'null_resource.flaky (deposed object 8f0e2c1a)');
    assert.equal(deposed.address, 'null_resource.flaky');
    assert.equal(deposed.deposed, '8f0e2c1a');
    assert.equal(deposed.action, 'delete');
    assert.equal(deposed.reason, 'Left over from a partially-failed replacement (deposed object 8f0e2c1a)');
  });

  test('deletes with reasons; a data source read during apply', () => {
    const counted = node(graph, 'null_resource.counted[2]');
    assert.equal(counted.index, 2);
    assert.equal(counted.reason, 'Index [2] is out of range for count');
    assert.equal(node(graph, 'null_resource.gone').reason, 'null_resource.gone is not in the configuration');
    const seed = node(graph, 'data.local_file.seed');
    assert.equal(seed.mode, 'data');
    assert.equal(seed.display, 'read');
    assert.equal(seed.reason, 'Read during apply: it depends on a resource or a module with changes pending');
  });

  test('drift: the file deleted outside OpenTofu', () => {
    const drifting = node(graph, 'local_file.drifting');
    assert.equal(drifting.action, 'create');
    assert.ok(drifting.drift && drifting.drift.length > 0);
    assert.deepEqual(text({ ...drifting, changes: drifting.drift }, 'content'), ['"changed outside OpenTofu"', '(not set)', false]);
    assert.equal(node(graph, 'local_file.example').drift, undefined);
  });

  test('modules: for_each instances under the root', () => {
    assert.deepEqual(graph.modules, [
      { address: '', nodeCount: 17 },
      { address: 'module.app["blue"]', parent: '', nodeCount: 3 },
      { address: 'module.app["green"]', parent: '', nodeCount: 3 },
      { address: 'module.app["red"]', parent: '', nodeCount: 3 },
    ]);
    const pet = node(graph, 'module.app["red"].random_pet.pet');
    assert.equal(pet.module, 'module.app["red"]');
    assert.equal(pet.display, 'create');
  });

  test('edges: module call inputs, module depends_on, whole-module references, data sources, state-only dependencies', () => {
    // var.seed_file of module.app is set from local_file.example.
    assert.ok(hasEdge(graph, 'local_file.example', 'module.app["red"].null_resource.marker[1]'));
    // Inside one module instance, never across instances of the same call.
    assert.ok(hasEdge(graph, 'module.app["blue"].random_pet.pet', 'module.app["blue"].null_resource.marker[0]'));
    assert.ok(!hasEdge(graph, 'module.app["blue"].random_pet.pet', 'module.app["green"].null_resource.marker[0]'));
    // depends_on = [module.app]: everything in every instance.
    for (const key of ['blue', 'green', 'red']) {
      assert.ok(hasEdge(graph, `module.app["${key}"].random_pet.pet`, 'null_resource.after_app'));
      assert.ok(hasEdge(graph, `module.app["${key}"].null_resource.marker[0]`, 'null_resource.after_app'));
    }
    // [for m in module.app : m.pet] refers to the whole module.
    assert.ok(hasEdge(graph, 'module.app["green"].random_pet.pet', 'time_static.stamp'));
    // A data source read during apply sits between the file and its copy.
    assert.ok(hasEdge(graph, 'local_file.example', 'data.local_file.seed'));
    assert.ok(hasEdge(graph, 'data.local_file.seed', 'local_file.from_seed'));
    // replace_triggered_by is not in the JSON configuration; the prior state recorded it.
    assert.ok(hasEdge(graph, 'local_file.example', 'null_resource.triggered'));
    // The state's transitive dependencies that the configuration already implies add no edge.
    assert.ok(!hasEdge(graph, 'local_file.example', 'null_resource.after_app'));
    assert.equal(graph.edges.filter((e) => e.to === 'random_id.new_name' || e.from === 'random_id.new_name').length, 0);
  });
});

describe('plan graph: other fixtures', () => {
  test('requires-replace (OpenTofu): the replace path and its reason', () => {
    const n = node(fixture('opentofu-show-json/requires-replace/output.json').graph, 'test_instance.test');
    assert.equal(n.display, 'replace-delete-first');
    assert.deepEqual(n.replacePaths, ['ami']);
    assert.equal(n.reason, '`ami` forces replacement');
    assert.deepEqual(text(n, 'ami'), ['"bar"', '"force-replace"', true]);
  });

  test('identity import (Terraform 1.12+): the identity rendered as the import id', () => {
    const n = node(fixture('terraform-json/identity/plan.json').graph, 'corner_user_identity.user');
    assert.equal(n.action, 'update');
    assert.equal(n.display, 'import');
    assert.equal(n.importId, '{ email = "a@example.com" }');
    assert.deepEqual(text(n, 'age'), ['null', '999', false]);
  });

  test('moved_block: a moved no-op', () => {
    const n = node(fixture('terraform-json/moved_block/plan.json').graph, 'random_id.test2');
    assert.equal(n.display, 'move');
    assert.equal(n.previousAddress, 'random_id.test');
    assert.deepEqual(n.changes, []);
  });

  test('tainted replacement', () => {
    const n = node(fixture('terraform-json/action_reason/plan.json').graph, 'null_resource.example');
    assert.equal(n.reason, 'The object is tainted (an earlier apply failed part-way), so it must be replaced');
  });

  test('sensitive-values (OpenTofu): sensitive attribute and output, unknown id', () => {
    const { graph } = fixture('opentofu-show-json/sensitive-values/output.json');
    const n = node(graph, 'test_instance.test');
    assert.deepEqual(text(n, 'ami'), ['(not set)', '(sensitive value)', false]);
    assert.deepEqual(text(n, 'id'), ['(not set)', '(known after apply)', false]);
    assert.deepEqual(graph.outputs, [{ name: 'test', action: 'create', before: { kind: 'absent' }, after: { kind: 'sensitive' } }]);
  });

  test('drift (OpenTofu): matched by address', () => {
    const { graph } = fixture('opentofu-show-json/drift/output.json');
    assert.deepEqual(text({ ...node(graph, 'test_instance.should_refresh'), changes: node(graph, 'test_instance.should_refresh').drift! }, 'ami'), [
      '"refresh-me"',
      '"refreshed"',
      false,
    ]);
    assert.equal(node(graph, 'test_instance.no_refresh').drift, undefined);
  });

  test('depends_on between resources; depends_on of a module call holds back the module', () => {
    assert.deepEqual(fixture('terraform-json/config_resource_depends_on/plan.json').graph.edges, [{ from: 'null_resource.foo', to: 'null_resource.bar' }]);
    const { graph } = fixture('terraform-json/013_module_depends_on/plan.json');
    assert.ok(hasEdge(graph, 'null_resource.bar', 'module.foo.null_resource.resource'));
    assert.ok(hasEdge(graph, 'null_resource.bar', 'module.foo.data.null_data_source.data'));
  });

  test('references: count instances wait for what they reference; a data source with a node gets edges both ways', () => {
    const { graph } = fixture('terraform-json/basic/plan.json');
    for (const i of [0, 1, 2]) assert.ok(hasEdge(graph, 'null_resource.foo', `null_resource.baz[${i}]`));
    assert.ok(hasEdge(graph, 'null_resource.bar', 'data.null_data_source.baz'));
  });

  test('nested modules: ancestors listed with nodeCount 0', () => {
    const { graph } = fixture('opentofu-show-json/nested-modules/output.json');
    assert.deepEqual(graph.modules, [
      { address: '', nodeCount: 0 },
      { address: 'module.my_module', parent: '', nodeCount: 0 },
      { address: 'module.my_module.module.more', parent: 'module.my_module', nodeCount: 1 },
    ]);
  });

  test('an errored plan with no changes still makes a graph', () => {
    const { graph } = fixture('opentofu-show-json/plan-error/output.json');
    assert.equal(graph.errored, true);
    assert.deepEqual([graph.nodes, graph.edges, graph.summary.line], [[], [], 'Planning failed. OpenTofu encountered an error while generating this plan.']);
  });

  test('outputs: known, unknown and sensitive', () => {
    const { graph } = fixture('terraform-json/110_basic/plan.json');
    const out = Object.fromEntries(graph.outputs.map((o) => [o.name, planValueText(o.after)]));
    assert.equal(out.foo, '(sensitive value)');
    assert.equal(out.interpolated, '(known after apply)');
    assert.equal(out.list, '["foo", "bar"]');
    assert.equal(out.map, '{ foo = "bar", number = 42 }');
  });
});

// Synthetic plans for what no fixture holds. `resource` is `type.name[key]` or `data.type.name[key]`.
const rc = (resource: string, actions: string[], extra: Record<string, unknown> = {}) => {
  const module = typeof extra.module_address === 'string' ? extra.module_address : undefined;
  const parts = resource.replace(/\[.*\]$/, '').split('.');
  const data = parts[0] === 'data';
  return {
    address: module ? `${module}.${resource}` : resource,
    mode: data ? 'data' : 'managed',
    type: data ? parts[1] : parts[0],
    name: data ? parts[2] : parts[1],
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'change')),
    change: { actions, before: null, after: {}, after_unknown: {}, ...((extra.change as object) ?? {}) },
  };
};
const plan = (resource_changes: unknown[], extra: Record<string, unknown> = {}) => ({ format_version: '1.2', resource_changes, ...extra });

describe('plan graph: synthetic plans', () => {
  test('every action_reason has a sentence', () => {
    const cases: [Record<string, unknown>, string][] = [
      [rc('a.r1', ['delete'], { action_reason: 'delete_because_no_module', module_address: 'module.old' }), 'module.old is not in the configuration'],
      [
        rc('a.r2', ['delete'], { action_reason: 'delete_because_no_move_target', previous_address: 'a.before' }),
        'a.before was moved to a.r2, which is not in the configuration',
      ],
      [rc('a.r3', ['delete'], { action_reason: 'delete_because_wrong_repetition', index: 0 }), 'The resource no longer uses count'],
      [rc('a.r4', ['delete'], { action_reason: 'delete_because_wrong_repetition', index: 'k' }), 'The resource no longer uses for_each'],
      [rc('a.r5', ['delete'], { action_reason: 'delete_because_wrong_repetition' }), 'The resource now uses count or for_each'],
      [rc('a.r6', ['delete'], { action_reason: 'delete_because_each_key', index: 'blue' }), 'Key ["blue"] is not in the for_each map'],
      [rc('data.d.r7', ['read'], { action_reason: 'read_because_config_unknown' }), 'Read during apply: its configuration refers to values not yet known'],
      [rc('data.d.r8', ['read'], { action_reason: 'read_because_check_nested' }), 'Read during apply as well: it is in a check block, re-read to verify it'],
      [
        rc('a.r9', ['delete', 'create'], { action_reason: 'replace_because_cannot_update', change: { replace_paths: [['a'], ['b', 0], ['tags', 'Name']] } }),
        '`a`, `b[0]` and `tags["Name"]` force replacement',
      ],
      [
        rc('a.r10', ['delete', 'create'], { action_reason: 'replace_because_cannot_update' }),
        'An attribute that cannot be updated in place changed, so it must be replaced',
      ],
      // Format 0.x plans have no action_reason: replace_paths still explain.
      [rc('a.r11', ['create', 'delete'], { change: { replace_paths: [['x']] } }), '`x` forces replacement'],
      [rc('a.r12', ['update'], { action_reason: 'some_future_reason' }), 'Reason: some_future_reason'],
      [rc('a.r13', ['create', 'forget']), 'Removed from the state but not destroyed (lifecycle destroy = false)'],
    ];
    const graph = buildPlanGraph(plan(cases.map(([c]) => c)));
    cases.forEach(([c, sentence], i) => assert.equal(graph.nodes[i].reason, sentence, String(c.address)));
    assert.equal(graph.nodes[12].display, 'forget');
  });

  test('duplicate addresses (a hand-made plan) still get unique ids; deposed drift is matched by key', () => {
    const graph = buildPlanGraph(
      plan([rc('a.x', ['create']), rc('a.x', ['create']), rc('a.y', ['delete'], { deposed: 'abcd1234', change: { before: { v: 1 }, after: null } })], {
        resource_drift: [
          { address: 'a.y', deposed: 'abcd1234', change: { actions: ['update'], before: { v: 0 }, after: { v: 1 } } },
          { address: 'a.y', change: { actions: ['update'], before: { v: 5 }, after: { v: 6 } } },
        ],
      }),
    );
    assert.deepEqual(
      graph.nodes.map((n) => n.id),
      ['a.x', 'a.x#2', 'a.y (deposed object abcd1234)'],
    );
    assert.deepEqual(
      graph.nodes[2].drift!.map((c) => [c.path, planValueText(c.before), planValueText(c.after)]),
      [['v', '0', '1']],
    );
  });

  test('edges through variables and outputs of nested modules, data sources without a node, provider configuration; no edge through locals', () => {
    const configuration = {
      provider_config: {
        p: { name: 'p', expressions: { region: { references: ['var.region_source'] } } },
        'module.m:q': { name: 'q', module_address: 'module.m', expressions: { token: { references: ['var.x'] } } },
      },
      root_module: {
        resources: [
          { address: 'a.src', mode: 'managed', type: 'a', name: 'src', expressions: {} },
          { address: 'a.reads_output', mode: 'managed', type: 'a', name: 'reads_output', expressions: { v: { references: ['module.m.out', 'module.m'] } } },
          { address: 'a.reads_local', mode: 'managed', type: 'a', name: 'reads_local', expressions: { v: { references: ['local.from_src'] } } },
          { address: 'data.d.lookup', mode: 'data', type: 'd', name: 'lookup', expressions: { q: { references: ['a.src.id', 'a.src'] } } },
          {
            address: 'a.via_data',
            mode: 'managed',
            type: 'a',
            name: 'via_data',
            expressions: { block: [{ nested: { references: ['data.d.lookup.value', 'data.d.lookup'] } }] },
          },
          { address: 'a.provided', mode: 'managed', type: 'a', name: 'provided', provider_config_key: 'p' },
          { address: 'a.region_source', mode: 'managed', type: 'a', name: 'region_source' },
          { address: 'a.cycle1', mode: 'managed', type: 'a', name: 'cycle1', expressions: { v: { references: ['data.d.c2'] } } },
          { address: 'data.d.c2', mode: 'data', type: 'd', name: 'c2', expressions: { v: { references: ['data.d.c3'] } } },
          { address: 'data.d.c3', mode: 'data', type: 'd', name: 'c3', expressions: { v: { references: ['data.d.c2', 'a.src'] } } },
        ],
        module_calls: {
          m: {
            expressions: { x: { references: ['a.src.id', 'a.src'] } },
            for_each_expression: { references: ['var.region_source'] },
            module: {
              resources: [{ address: 'b.uses_provider', mode: 'managed', type: 'b', name: 'uses_provider', provider_config_key: 'module.m:q' }],
              outputs: { out: { expression: { references: ['module.n.deep', 'module.n'] } } },
              module_calls: {
                n: {
                  expressions: { y: { references: ['var.x'] } },
                  module: {
                    resources: [
                      { address: 'c.inner', mode: 'managed', type: 'c', name: 'inner', expressions: { v: { references: ['var.y'] } } },
                      { address: 'c.exported', mode: 'managed', type: 'c', name: 'exported' },
                    ],
                    outputs: { deep: { expression: { references: ['c.exported.id', 'c.exported'] } } },
                  },
                },
              },
            },
          },
        },
      },
    };
    const graph = buildPlanGraph(
      plan(
        [
          rc('a.src', ['create']),
          rc('a.reads_output', ['create']),
          rc('a.reads_local', ['create']),
          rc('a.via_data', ['create']),
          rc('a.provided', ['create']),
          rc('a.cycle1', ['create']),
          rc('b.uses_provider', ['create'], { module_address: 'module.m["k"]' }),
          rc('c.inner', ['create'], { module_address: 'module.m["k"].module.n' }),
          rc('c.exported', ['create'], { module_address: 'module.m["k"].module.n' }),
          rc('c.exported', ['create'], { module_address: 'module.m["j.k"].module.n' }),
        ],
        { configuration },
      ),
    );
    const edges = graph.edges.map((e) => `${e.from} -> ${e.to}`).sort();
    assert.deepEqual(edges, [
      // a.cycle1 → data.d.c2 → data.d.c3 → a.src (the c2/c3 cycle stops)
      'a.src -> a.cycle1',
      // through data.d.lookup, which has no node
      'a.src -> a.via_data',
      // module.m's provider q has token = var.x = a.src
      'a.src -> module.m["k"].b.uses_provider',
      // var.x → module.n's var.y → c.inner
      'a.src -> module.m["k"].module.n.c.inner',
      // provider p's region = var.region_source: a root variable, no edge; module.m's for_each = var.region_source: same
      'module.m["j.k"].module.n.c.exported -> a.reads_output',
      'module.m["k"].module.n.c.exported -> a.reads_output',
    ]);
    // local.* is not in the JSON configuration: no edge for a.reads_local.
    assert.ok(!graph.edges.some((e) => e.to === 'a.reads_local'));
    assert.deepEqual(
      graph.modules.map((m) => [m.address, m.parent, m.nodeCount]),
      [
        ['', undefined, 6],
        ['module.m["j.k"]', '', 0],
        ['module.m["j.k"].module.n', 'module.m["j.k"]', 1],
        ['module.m["k"]', '', 1],
        ['module.m["k"].module.n', 'module.m["k"]', 2],
      ],
    );
  });

  test('prior state dependencies: the only edges for resources no longer configured', () => {
    const graph = buildPlanGraph(
      plan(
        [
          rc('a.kept', ['no-op']),
          rc('a.gone', ['delete'], { action_reason: 'delete_because_no_resource_config' }),
          rc('b.gone', ['delete'], { module_address: 'module.x[0]' }),
        ],
        {
          configuration: { root_module: { resources: [{ address: 'a.kept', mode: 'managed', type: 'a', name: 'kept' }] } },
          prior_state: {
            values: {
              root_module: {
                resources: [{ address: 'a.gone', depends_on: ['a.kept', 'a.missing', 42] }],
                child_modules: [{ address: 'module.x[0]', resources: [{ address: 'module.x[0].b.gone', depends_on: ['a.gone'] }] }],
              },
            },
          },
        },
      ),
    );
    assert.deepEqual(graph.edges, [
      { from: 'a.kept', to: 'a.gone' },
      { from: 'a.gone', to: 'module.x[0].b.gone' },
    ]);
  });

  test('hostile plan: odd actions are refused clearly, hostile strings stay data, deep module paths do not break', () => {
    assert.throws(
      () => buildPlanGraph(plan([rc('a.b', ['constructor'])])),
      (e: Error) => e instanceof PlanFormatError && /unknown actions/.test(e.message),
    );
    assert.throws(() => buildPlanGraph(plan([rc('a.b', ['toString'])])), PlanFormatError);
    const evil = '<img src=x onerror=alert(1)>';
    const deep = Array.from({ length: 10_000 }, (_, i) => `module.m${i}`).join('.');
    const input = plan([
      rc(`a.x["${evil}"]`, ['update'], { index: evil, change: { before: { v: '</script>' }, after: { v: `${evil}"` } } }),
      rc('a.y', ['create'], { module_address: deep }),
    ]);
    const graph = buildPlanGraph(input);
    const [x, y] = graph.nodes;
    assert.equal(x.id, `a.x["${evil}"]`);
    assert.equal(x.index, evil);
    assert.deepEqual(text(x, 'v'), ['"</script>"', `"${evil}\\""`, false]);
    assert.equal(y.module, deep);
    // Root, MAX_MODULE_DEPTH ancestors, and the node's own module hanging from the deepest of them.
    assert.equal(graph.modules.length, MAX_MODULE_DEPTH + 2);
    const own = graph.modules.find((m) => m.address === deep)!;
    assert.equal(own.nodeCount, 1);
    assert.equal(own.parent, Array.from({ length: MAX_MODULE_DEPTH }, (_, i) => `module.m${i}`).join('.'));
    assertWellFormed(input, graph, 'hostile plan');
  });

  test('parsePlanGraph: broken JSON and unknown versions are PlanFormatErrors', () => {
    assert.throws(
      () => parsePlanGraph('{"format_version": '),
      (e: Error) => e instanceof PlanFormatError && /not valid JSON/.test(e.message),
    );
    assert.throws(
      () => parsePlanGraph(JSON.stringify({ format_version: '2.0', resource_changes: [] })),
      (e: Error) => e instanceof PlanFormatError && /"2\.0"/.test(e.message),
    );
    assert.equal(parsePlanGraph(JSON.stringify({ plan_format_version: '1.2', resource_changes: [rc('a.b', ['create'])] })).nodes.length, 1);
  });
});
