/**
 * The plan graph's view model and layout (webview/src/graph), in Node: what is shown for which
 * view options, module collapse, and that the layout places every box without overlaps.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { layoutGraph, type Box, type LayoutRequest } from '../../webview/src/graph/layout';
import { indexPlanGraph, moduleAncestry } from '../../webview/src/graph/moduleTree';
import { computeView, defaultViewOptions, LARGE_PLAN_NODES, shortLabel, toggleModule, type PlanView, type ViewOptions } from '../../webview/src/graph/viewModel';
import { parsePlanGraph } from '../../core/src/plan/planGraph';
import { everyKindGraph, graphNode, largeGraph, planGraph } from '../support/planGraphFixtures';

const root = path.resolve(__dirname, '..', '..', '..');
const fixture = (name: string) => parsePlanGraph(readFileSync(path.join(root, 'test', 'fixtures', 'plans', name), 'utf8'));

const resourceIds = (view: PlanView) =>
  view.leaves
    .filter((leaf) => leaf.kind === 'resource')
    .map((leaf) => leaf.id)
    .sort();
const moduleBoxes = (view: PlanView) =>
  view.leaves
    .filter((leaf) => leaf.kind === 'module')
    .map((leaf) => (leaf.kind === 'module' ? leaf.address : ''))
    .sort();
const withOptions = (change: Partial<ViewOptions>): ViewOptions => ({ ...defaultViewOptions(), ...change });

function layoutOf(view: PlanView): ReturnType<typeof layoutGraph> {
  const request: LayoutRequest = {
    leaves: view.leaves.map((leaf) => ({ id: leaf.id, width: 250, height: leaf.kind === 'module' ? 46 : 30 })),
    groups: view.groups.map((group) => ({ id: group.id, parentId: group.parentId, leafIds: group.leafIds, groupIds: group.groupIds })),
    edges: view.edges,
  };
  return layoutGraph(request);
}

const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;

describe('plan graph view model', () => {
  test('hides no-ops by default and shows every other kind', () => {
    const graph = everyKindGraph();
    const view = computeView(indexPlanGraph(graph), defaultViewOptions());
    const expected = graph.nodes
      .filter((node) => node.display !== 'no-op')
      .map((node) => node.id)
      .sort();
    assert.deepEqual(resourceIds(view), expected);
    // The edge from the hidden no-op is dropped; the others join shown nodes.
    assert.deepEqual(view.edges, [
      { from: 'data.local_file.seed', to: 'local_file.example' },
      { from: 'local_file.example', to: 'null_resource.new' },
    ]);
  });

  test('turning no-op on shows it; the replace-only view shows replacements of both orders only', () => {
    const index = indexPlanGraph(everyKindGraph());
    const all = withOptions({ visibleKinds: new Set([...defaultViewOptions().visibleKinds, 'no-op']) });
    assert.equal(computeView(index, all).leaves.length, 10);
    assert.deepEqual(resourceIds(computeView(index, withOptions({ replaceOnly: true }))), ['local_file.example', 'time_static.stamp']);
  });

  test('search keeps the matching addresses (case-insensitive) and opens the modules that hold them', () => {
    const index = indexPlanGraph(largeGraph(20, 20));
    const view = computeView(index, withOptions({ search: 'SVC_7.null_resource.item[1' }));
    assert.ok(view.large, `${20 * 20} resources is a large plan (over ${LARGE_PLAN_NODES})`);
    assert.deepEqual(
      resourceIds(view),
      [
        'module.svc_7.null_resource.item[10]',
        'module.svc_7.null_resource.item[11]',
        'module.svc_7.null_resource.item[12]',
        'module.svc_7.null_resource.item[13]',
        'module.svc_7.null_resource.item[14]',
        'module.svc_7.null_resource.item[15]',
        'module.svc_7.null_resource.item[16]',
        'module.svc_7.null_resource.item[17]',
        'module.svc_7.null_resource.item[18]',
        'module.svc_7.null_resource.item[19]',
        'module.svc_7.null_resource.item[1]',
      ].sort(),
    );
    assert.deepEqual(moduleBoxes(view), []);
  });

  test('a large plan starts with its modules collapsed; toggling opens one and closes it again', () => {
    const graph = largeGraph(30, 10, 5);
    const index = indexPlanGraph(graph);
    const options = defaultViewOptions();
    const view = computeView(index, options);
    assert.equal(view.large, true);
    assert.equal(moduleBoxes(view).length, 30);
    assert.equal(resourceIds(view).length, 5, "only the root module's resources are drawn as nodes");
    const box = view.leaves.find((leaf) => leaf.kind === 'module' && leaf.address === 'module.svc_3');
    assert.ok(box && box.kind === 'module');
    assert.equal(box.total, 10);
    // Edges into a collapsed module end at its box, once.
    assert.ok(view.edges.some((edge) => edge.from === 'module:module.svc_2' && edge.to === 'module:module.svc_3'));

    const expanded = toggleModule(index, view, options, 'module.svc_3');
    const opened = computeView(index, { ...options, expandedModules: expanded });
    assert.equal(resourceIds(opened).filter((id) => id.startsWith('module.svc_3.')).length, 10);
    assert.ok(opened.groupsById.has('group:module.svc_3'));
    assert.equal(moduleBoxes(opened).length, 29);

    const closed = computeView(index, { ...options, expandedModules: toggleModule(index, opened, { ...options, expandedModules: expanded }, 'module.svc_3') });
    assert.equal(moduleBoxes(closed).length, 30);
  });

  test('a small plan shows its modules open, as frames holding their resources', () => {
    const view = computeView(indexPlanGraph(fixture('terraform-json/basic/plan.json')), defaultViewOptions());
    assert.equal(view.large, false);
    assert.equal(resourceIds(view).length, 8);
    const group = view.groupsById.get('group:module.foo');
    assert.ok(group);
    assert.deepEqual([...group.leafIds].sort(), ['module.foo.null_resource.aliased', 'module.foo.null_resource.foo']);
    assert.equal(view.leavesById.get('module.foo.null_resource.foo')?.label, 'null_resource.foo', 'labels are relative to their frame');
  });

  test('a 10,000-deep chain of modules is one frame, and its address is cut for the label only', () => {
    const deep = Array.from({ length: 10_000 }, (_, i) => `module.m${i}`).join('.');
    const graph = planGraph([graphNode(`${deep}.null_resource.deep`, 'create'), graphNode('null_resource.top', 'create')]);
    graph.modules = [{ address: '', nodeCount: 1 }];
    const index = indexPlanGraph(graph);
    assert.equal(index.modules.size, 10_001);
    const view = computeView(index, defaultViewOptions());
    assert.equal(view.groups.length, 2, 'the root and one frame for the whole chain');
    const leaf = view.leavesById.get(`${deep}.null_resource.deep`);
    assert.ok(leaf && leaf.kind === 'resource');
    assert.equal(leaf.node.address.length, deep.length + '.null_resource.deep'.length);
    assert.ok(leaf.label.length <= 34);
    assert.ok(view.groups[1].label.length <= 60);
  });

  test('module addresses split at .module. outside instance keys', () => {
    assert.deepEqual(moduleAncestry('module.a["x.module.y"].module.b[0]'), ['module.a["x.module.y"]', 'module.a["x.module.y"].module.b[0]']);
    assert.deepEqual(moduleAncestry('module.a'), ['module.a']);
  });

  test('a module parent cycle does not hang or lose nodes', () => {
    const graph = planGraph([graphNode('module.a.null_resource.x', 'create')]);
    graph.modules = [
      { address: 'module.a', parent: 'module.b', nodeCount: 1 },
      { address: 'module.b', parent: 'module.a', nodeCount: 0 },
    ];
    const view = computeView(indexPlanGraph(graph), defaultViewOptions());
    assert.deepEqual(resourceIds(view), ['module.a.null_resource.x']);
  });

  test('labels keep both ends of a long address', () => {
    assert.equal(shortLabel('module.network.aws_security_group_rule.allow_everything_from_everywhere', 20), 'module.…m_everywhere');
  });
});

describe('plan graph layout', () => {
  test('every shown box is placed, none overlap, and each sits inside its module frame', () => {
    const graph = largeGraph(4, 12, 9);
    const view = computeView(indexPlanGraph(graph), defaultViewOptions());
    const layout = layoutOf(view);
    const leaves = view.leaves.map((leaf) => ({ leaf, box: layout.boxes[leaf.id] }));
    for (const { leaf, box } of leaves) {
      assert.ok(box, `${leaf.id} has a box`);
      assert.ok(Number.isFinite(box.x) && Number.isFinite(box.y));
      const frame = layout.boxes[leaf.groupId];
      assert.ok(inside(box, frame), `${leaf.id} lies inside ${leaf.groupId}`);
    }
    for (let i = 0; i < leaves.length; i++) {
      for (let j = i + 1; j < leaves.length; j++) assert.ok(!overlaps(leaves[i].box, leaves[j].box), `${leaves[i].leaf.id} and ${leaves[j].leaf.id} overlap`);
    }
    const frames = view.groups.filter((group) => group.parentId !== undefined).map((group) => layout.boxes[group.id]);
    for (let i = 0; i < frames.length; i++) for (let j = i + 1; j < frames.length; j++) assert.ok(!overlaps(frames[i], frames[j]));
  });

  test('layered: every edge inside a component points left to right', () => {
    const graph = largeGraph(0, 0, 30);
    const view = computeView(indexPlanGraph(graph), defaultViewOptions());
    const layout = layoutOf(view);
    assert.ok(view.edges.length > 10);
    for (const edge of view.edges) {
      assert.ok(layout.boxes[edge.from].x + layout.boxes[edge.from].width <= layout.boxes[edge.to].x, `${edge.from} → ${edge.to} goes right`);
    }
  });

  test('2,000 resources in 40 modules, all open, lay out in seconds', () => {
    const graph = largeGraph(40, 50);
    const index = indexPlanGraph(graph);
    const view = computeView(index, { ...defaultViewOptions(), expandedModules: new Set([...index.modules.keys()]) });
    assert.equal(view.leaves.length, 2_000);
    const started = performance.now();
    const layout = layoutOf(view);
    const elapsed = performance.now() - started;
    assert.equal(Object.keys(layout.boxes).length, 2_000 + view.groups.length);
    assert.ok(elapsed < 10_000, `took ${elapsed.toFixed(0)} ms`);
  });
});
