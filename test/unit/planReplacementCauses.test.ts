/**
 * The upstream replacement that forces a planned replacement (core/src/plan/planReplacementCauses.ts),
 * over the plans the real OpenTofu and Terraform wrote for one cascade
 * (test/fixtures/plans/opentofu-real/replacement-cause/make-plan.sh), and over copies of them with
 * one value changed, to show that each piece of the plan's evidence is needed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import type { PlanGraph, PlanGraphNode, PlanReplacementCause } from '../../common/src/planGraph';
import { buildPlanGraph } from '../../core/src/plan/planGraph';
import { addressStepsWithKeys } from '../../core/src/plan/planAddress';
import { MAX_CAUSE_INSTANCES, unknownWithin } from '../../core/src/plan/planReplacementCauses';
import { readPlanGraph } from '../../webview/src/graph/graphInput';
import { MAX_LISTED_INSTANCES, replacementCauseText, unfollowedLocalText } from '../../webview/src/graph/replacementCauseText';

const PLANS = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'plans');
const MADE_BY = ['opentofu-real/replacement-cause/plan.json', 'terraform-real/replacement-cause/plan.json'];

function planJson(rel: string): Record<string, any> {
  return JSON.parse(readFileSync(path.join(PLANS, rel), 'utf8'));
}

function node(graph: PlanGraph, id: string): PlanGraphNode {
  const found = graph.nodes.find((n) => n.id === id);
  assert.ok(found, `no node ${id}`);
  return found;
}

function resourceChange(json: Record<string, any>, address: string): Record<string, any> {
  const found = (json.resource_changes as Record<string, any>[]).find((rc) => rc.address === address);
  assert.ok(found, `no resource change ${address}`);
  return found;
}

const fromA: PlanReplacementCause = { address: 'local_file.a', dependentAttribute: 'triggers', attribute: 'id' };
const fromB = (through: string[]): PlanReplacementCause => ({ address: 'module.mid.null_resource.b', dependentAttribute: 'keepers', attribute: 'id', through });

/** What each replaced node of the plan is replaced because of; a node not listed has no cause. */
const EXPECTED: Record<string, PlanReplacementCause[]> = {
  // Level 2 of the cascade: through a module argument.
  'module.mid.null_resource.b': [{ ...fromA, through: ['var.upstream_id'] }],
  // Two module levels down.
  'module.mid.module.inner.null_resource.deep': [{ ...fromA, through: ['var.upstream', 'var.upstream_id'] }],
  // Level 3: through the module's output.
  'random_id.c': [fromB(['module.mid.b_id'])],
  // An output passed into another module's argument, in each instance of a for_each module.
  'module.leaf["p"].random_id.d': [fromB(['var.upstream', 'module.mid.b_id'])],
  'module.leaf["q"].random_id.d': [fromB(['var.upstream', 'module.mid.b_id'])],
  // One instance of that module, by its key.
  'null_resource.from_p': [{ address: 'module.leaf["p"].random_id.d', dependentAttribute: 'triggers', attribute: 'hex', through: ['module.leaf["p"].hex'] }],
  // Each instance of a for_each resource reads the one unkeyed upstream.
  'null_resource.each["x"]': [fromA],
  'null_resource.each["y"]': [fromA],
  // A reference to one instance names that instance only.
  'random_id.from_x': [{ address: 'null_resource.each["x"]', dependentAttribute: 'keepers', attribute: 'id' }],
  // A reference to the whole resource names the resource and lists its replaced instances.
  'random_id.all': [{ address: 'null_resource.each', instances: ['null_resource.each["x"]', 'null_resource.each["y"]'], dependentAttribute: 'keepers' }],
};

for (const rel of MADE_BY) {
  describe(`replacement causes: ${rel}`, () => {
    const graph = buildPlanGraph(planJson(rel));

    test('each replacement reached through a reference names its upstream, the attribute read and the way there', () => {
      const actual: Record<string, PlanReplacementCause[]> = {};
      for (const n of graph.nodes) if (n.replacedBecause) actual[n.id] = n.replacedBecause;
      assert.deepEqual(actual, EXPECTED);
    });

    test('the cascade: local_file.a → module.mid.null_resource.b → random_id.c, each replaced in the plan itself', () => {
      for (const id of ['local_file.a', 'module.mid.null_resource.b', 'random_id.c']) {
        assert.match(node(graph, id).action, /^replace-/, `${id} is replaced in the plan`);
      }
      assert.equal(node(graph, 'local_file.a').replacedBecause, undefined, 'the first replacement is forced by an edit, not a reference');
      assert.deepEqual(node(graph, 'local_file.a').replacePaths, ['file_permission']);
    });

    test('counter-cases: the filename survives the replacement, so what reads it is not replaced because of it', () => {
      assert.equal(node(graph, 'module.mid.null_resource.same_name').action, 'no-op');
      assert.equal(node(graph, 'module.mid.null_resource.same_name').replacedBecause, undefined);
      // Replaced by its own edit (`version` "1" → "2"), while it reads the replaced file's filename.
      const own = node(graph, 'null_resource.own_change');
      assert.equal(own.action, 'replace-delete-first');
      assert.equal(own.replacedBecause, undefined);
      assert.equal(own.localsNotFollowed, undefined);
    });

    test('through a local: not followed (the plan does not describe locals), and said so', () => {
      const json = planJson(rel);
      assert.equal(json.configuration.root_module.locals, undefined, 'no locals in the configuration');
      assert.deepEqual(json.configuration.root_module.resources.find((r: any) => r.address === 'null_resource.through_local').expressions.triggers.references, [
        'local.a_id',
      ]);
      const throughLocal = node(graph, 'null_resource.through_local');
      assert.equal(throughLocal.action, 'replace-delete-first');
      assert.equal(throughLocal.replacedBecause, undefined);
      assert.deepEqual(throughLocal.localsNotFollowed, [{ dependentAttribute: 'triggers', local: 'local.a_id' }]);
    });

    test('the upstream must be replaced in the plan: an in-place update of it causes nothing', () => {
      const json = planJson(rel);
      resourceChange(json, 'local_file.a').change.actions = ['update'];
      const changed = buildPlanGraph(json);
      assert.equal(node(changed, 'module.mid.null_resource.b').replacedBecause, undefined);
      assert.equal(node(changed, 'null_resource.each["x"]').replacedBecause, undefined);
      // Further down the cascade nothing changed: b is still replaced, and still explains c.
      assert.deepEqual(node(changed, 'random_id.c').replacedBecause, EXPECTED['random_id.c']);
    });

    test('the attribute read must be unknown in the upstream: a known id is no cause', () => {
      const json = planJson(rel);
      resourceChange(json, 'local_file.a').change.after_unknown.id = false;
      const changed = buildPlanGraph(json);
      assert.equal(node(changed, 'module.mid.null_resource.b').replacedBecause, undefined);
      assert.equal(node(changed, 'null_resource.each["y"]').replacedBecause, undefined);
    });

    test("the dependent's forcing attribute must be unknown: a known new value was forced by its own edit", () => {
      const json = planJson(rel);
      resourceChange(json, 'random_id.c').change.after_unknown.keepers = {};
      const changed = buildPlanGraph(json);
      assert.equal(node(changed, 'random_id.c').replacedBecause, undefined);
      assert.deepEqual(node(changed, 'module.leaf["p"].random_id.d').replacedBecause, EXPECTED['module.leaf["p"].random_id.d']);
    });

    test('only the attributes named by replace_paths are followed', () => {
      const json = planJson(rel);
      resourceChange(json, 'module.mid.null_resource.b').change.replace_paths = [['id']];
      assert.equal(node(buildPlanGraph(json), 'module.mid.null_resource.b').replacedBecause, undefined);
    });

    test('a replaced instance missing from the plan is not listed', () => {
      const json = planJson(rel);
      resourceChange(json, 'null_resource.each["y"]').change.actions = ['no-op'];
      const changed = buildPlanGraph(json);
      // One instance left: named by its own address.
      assert.deepEqual(node(changed, 'random_id.all').replacedBecause, [{ address: 'null_resource.each["x"]', dependentAttribute: 'keepers' }]);
    });
  });
}

describe('replacement causes: hand-made edge cases', () => {
  const base = () => ({
    format_version: '1.2',
    resource_changes: [
      {
        address: 'null_resource.a',
        mode: 'managed',
        type: 'null_resource',
        name: 'a',
        change: { actions: ['delete', 'create'], replace_paths: [['triggers']], after_unknown: { id: true, triggers: true } },
      },
      {
        address: 'null_resource.b',
        mode: 'managed',
        type: 'null_resource',
        name: 'b',
        change: { actions: ['delete', 'create'], replace_paths: [['triggers']], after_unknown: { id: true, triggers: true } },
      },
    ],
    configuration: {
      root_module: {
        resources: [
          {
            address: 'null_resource.a',
            mode: 'managed',
            type: 'null_resource',
            name: 'a',
            expressions: { triggers: { references: ['null_resource.b.id', 'null_resource.b'] } },
          },
          {
            address: 'null_resource.b',
            mode: 'managed',
            type: 'null_resource',
            name: 'b',
            expressions: { triggers: { references: ['null_resource.a.id', 'null_resource.a'] } },
          },
        ],
      },
    },
  });

  test('a cycle (invalid in Terraform) names each as the other’s cause, and ends', () => {
    const graph = buildPlanGraph(base());
    assert.deepEqual(node(graph, 'null_resource.a').replacedBecause, [{ address: 'null_resource.b', dependentAttribute: 'triggers', attribute: 'id' }]);
    assert.deepEqual(node(graph, 'null_resource.b').replacedBecause, [{ address: 'null_resource.a', dependentAttribute: 'triggers', attribute: 'id' }]);
  });

  test('a variable that refers to itself through module calls ends', () => {
    const json = base() as any;
    json.configuration.root_module.module_calls = {
      m: { expressions: { x: { references: ['module.m.out'] } }, module: { outputs: { out: { expression: { references: ['var.x'] } } }, variables: { x: {} } } },
    };
    json.configuration.root_module.resources[0].expressions.triggers.references = ['module.m.out', 'module.m'];
    assert.equal(node(buildPlanGraph(json), 'null_resource.a').replacedBecause, undefined);
  });

  test('no configuration, or a malformed one: no causes, no crash', () => {
    for (const configuration of [undefined, null, 'x', { root_module: 7 }, { root_module: { resources: [null, { address: 5 }], module_calls: { m: null } } }]) {
      const json = base() as any;
      json.configuration = configuration;
      const graph = buildPlanGraph(json);
      assert.ok(graph.nodes.every((n) => n.replacedBecause === undefined));
    }
  });

  test('hundreds of instances read by hundreds: each cause lists the first MAX_CAUSE_INSTANCES and counts them all', () => {
    const json = base() as any;
    const n = 300;
    json.resource_changes = [];
    for (let i = 0; i < n; i++) {
      json.resource_changes.push({
        address: `null_resource.b[${i}]`,
        mode: 'managed',
        type: 'null_resource',
        name: 'b',
        index: i,
        change: { actions: ['delete', 'create'], replace_paths: [['triggers']], after_unknown: { id: true, triggers: true } },
      });
      json.resource_changes.push({
        address: `null_resource.a[${i}]`,
        mode: 'managed',
        type: 'null_resource',
        name: 'a',
        index: i,
        change: { actions: ['delete', 'create'], replace_paths: [['triggers']], after_unknown: { id: true, triggers: true } },
      });
    }
    json.configuration.root_module.resources[0].expressions.triggers.references = ['null_resource.b'];
    json.configuration.root_module.resources[1].expressions = {};
    const graph = buildPlanGraph(json);
    const [cause] = node(graph, 'null_resource.a[299]').replacedBecause!;
    assert.equal(cause.address, 'null_resource.b');
    assert.equal(cause.instances!.length, MAX_CAUSE_INSTANCES);
    assert.equal(cause.instances![0], 'null_resource.b[0]');
    assert.equal(cause.instanceCount, n);
    assert.match(replacementCauseText(cause), /`null_resource\.b\[9\]` and 290 more\): `triggers` reads it/);
  });

  test('a hostile attribute name (`__proto__`) reaches nothing', () => {
    const json = base() as any;
    json.resource_changes[0].change.replace_paths = [['__proto__'], ['constructor']];
    assert.equal(node(buildPlanGraph(json), 'null_resource.a').replacedBecause, undefined);
  });
});

describe('unknownWithin: an after_unknown value at a replace path', () => {
  test('true on the way covers everything below; a nested true counts; absent is known', () => {
    assert.equal(unknownWithin({ triggers: true }, ['triggers']), true);
    assert.equal(unknownWithin({ triggers: true }, ['triggers', 'a']), true);
    assert.equal(unknownWithin({ keepers: { b: true } }, ['keepers']), true);
    assert.equal(unknownWithin({ keepers: {} }, ['keepers']), false);
    assert.equal(unknownWithin({ ingress: [{ cidr: false }, { cidr: true }] }, ['ingress', 1, 'cidr']), true);
    assert.equal(unknownWithin({ ingress: [{ cidr: false }, { cidr: true }] }, ['ingress', 0]), false);
    assert.equal(unknownWithin({}, ['id']), false);
    assert.equal(unknownWithin(undefined, ['id']), false);
  });
});

describe('addressStepsWithKeys: the steps of a reference with their literal instance keys', () => {
  test('keys with their names; a second bracket or an expression key is no instance key', () => {
    assert.deepEqual(addressStepsWithKeys('null_resource.each["x"].id'), [{ name: 'null_resource' }, { name: 'each', key: 'x' }, { name: 'id' }]);
    assert.deepEqual(addressStepsWithKeys('module.leaf["p.q"].out'), [{ name: 'module' }, { name: 'leaf', key: 'p.q' }, { name: 'out' }]);
    assert.deepEqual(addressStepsWithKeys('aws_instance.web[0]'), [{ name: 'aws_instance' }, { name: 'web', key: 0 }]);
    assert.deepEqual(addressStepsWithKeys('a.b[each.key][0].c'), [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    assert.deepEqual(addressStepsWithKeys('a.b["say \\"hi\\"]"]'), [{ name: 'a' }, { name: 'b', key: 'say "hi"]' }]);
  });
});

describe('the sentences of the details pane, and the graph as the page reads it', () => {
  test('one instance, several (counted past the limit), through variables and outputs, a whole object', () => {
    assert.equal(
      replacementCauseText({ address: 'local_file.a', dependentAttribute: 'content', attribute: 'id' }),
      'Replaced because `local_file.a` is replaced: `content` reads its `id`, known only after apply.',
    );
    assert.equal(
      replacementCauseText({ address: 'module.mid.null_resource.b', dependentAttribute: 'keepers', attribute: 'id', through: ['var.upstream', 'module.mid.b_id'] }),
      'Replaced because `module.mid.null_resource.b` is replaced: `keepers` reads its `id` through `var.upstream` and `module.mid.b_id`, known only after apply.',
    );
    const instances = Array.from({ length: MAX_LISTED_INSTANCES + 2 }, (_, i) => `null_resource.n[${i}]`);
    const text = replacementCauseText({ address: 'null_resource.n', instances, dependentAttribute: 'triggers' });
    assert.ok(text.startsWith('Replaced because `null_resource.n` is replaced (`null_resource.n[0]`, `null_resource.n[1]`'), text);
    assert.ok(text.endsWith(`\`null_resource.n[${MAX_LISTED_INSTANCES - 1}]\` and 2 more): \`triggers\` reads it, known only after apply.`), text);
    assert.equal(
      unfollowedLocalText({ dependentAttribute: 'triggers', local: 'local.a_id' }),
      '`triggers` is known only after apply and reads `local.a_id`: the plan does not describe locals, so the replacement behind it cannot be named.',
    );
  });

  test('the page keeps well-formed causes and drops malformed ones', () => {
    const graph = buildPlanGraph(planJson(MADE_BY[0]));
    const read = readPlanGraph(JSON.parse(JSON.stringify(graph)));
    assert.deepEqual(
      read.nodes.map((n) => [n.id, n.replacedBecause, n.localsNotFollowed]),
      graph.nodes.map((n) => [n.id, n.replacedBecause, n.localsNotFollowed]),
    );
    const hostile = JSON.parse(JSON.stringify(graph));
    hostile.nodes[0].replacedBecause = [
      null,
      'x',
      { address: 5, dependentAttribute: 'a' },
      { address: 'a' },
      { address: 'ok', dependentAttribute: 'd', instances: ['i', 7], through: 'var.x', attribute: 3 },
    ];
    hostile.nodes[0].localsNotFollowed = [{ local: 'local.x' }, { dependentAttribute: 'd', local: 'local.y' }];
    hostile.nodes[1].replacedBecause = { address: 'not a list' };
    const [first, second] = readPlanGraph(hostile).nodes;
    assert.deepEqual(first.replacedBecause, [{ address: 'ok', dependentAttribute: 'd', instances: ['i'] }]);
    assert.deepEqual(first.localsNotFollowed, [{ dependentAttribute: 'd', local: 'local.y' }]);
    assert.equal(second.replacedBecause, undefined);
  });
});
