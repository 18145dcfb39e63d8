/**
 * PlanGraph objects built in code, for the webview's unit and Chromium tests: mixed actions,
 * modules, and large plans whose shape (modules, count instances, references) the tests choose.
 */
import type { AttributeChange, PlanDisplayKind, PlanGraph, PlanGraphEdge, PlanGraphModule, PlanGraphNode } from '../../common/src/planGraph';

const ACTION_OF: Record<PlanDisplayKind, PlanGraphNode['action']> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  'replace-delete-first': 'replace-delete-first',
  'replace-create-first': 'replace-create-first',
  read: 'read',
  import: 'no-op',
  move: 'no-op',
  forget: 'forget',
  'no-op': 'no-op',
};

export function graphNode(address: string, display: PlanDisplayKind, extra: Partial<PlanGraphNode> = {}): PlanGraphNode {
  // Test addresses keep dots out of instance keys, so a plain split finds the module steps.
  const parts = address.split('.');
  let steps = 0;
  while (parts[steps] === 'module' && parts.length > steps + 2) steps += 2;
  const module = parts.slice(0, steps).join('.');
  const local = parts.slice(steps).join('.');
  const [type, name] = local.replace(/^data\./, '').split('.');
  return {
    id: address,
    address,
    action: ACTION_OF[display],
    display,
    module,
    mode: local.startsWith('data.') ? 'data' : 'managed',
    type,
    name: name?.replace(/\[.*$/, '') ?? '',
    replacePaths: [],
    changes: [],
    ...extra,
  };
}

export function planGraph(nodes: PlanGraphNode[], edges: PlanGraphEdge[] = [], line = 'Plan: test.'): PlanGraph {
  const modules = new Map<string, PlanGraphModule>([['', { address: '', nodeCount: 0 }]]);
  for (const node of nodes) {
    let address = node.module;
    while (address !== '' && !modules.has(address)) {
      const cut = address.lastIndexOf('.module.');
      const parent = cut < 0 ? '' : address.slice(0, cut);
      modules.set(address, { address, parent, nodeCount: 0 });
      address = parent;
    }
    modules.get(node.module)!.nodeCount++;
  }
  const count = (kinds: PlanDisplayKind[]) => nodes.filter((node) => kinds.includes(node.display)).length;
  return {
    version: 1,
    tool: 'terraform',
    toolVersion: '1.9.0',
    formatVersion: '1.2',
    errored: false,
    summary: {
      line,
      add: count(['create', 'replace-create-first', 'replace-delete-first']),
      change: count(['update']),
      destroy: count(['delete', 'replace-create-first', 'replace-delete-first']),
      replace: count(['replace-create-first', 'replace-delete-first']),
      import: count(['import']),
      forget: count(['forget']),
      move: count(['move']),
      read: count(['read']),
      noop: count(['no-op']),
    },
    nodes,
    edges,
    modules: [...modules.values()],
    outputs: [],
  };
}

/** One node of every display kind in the root module, and a replacement with its reason and diff. */
export function everyKindGraph(): PlanGraph {
  const forced: AttributeChange = {
    path: 'file_permission',
    before: { kind: 'known', text: '"0777"' },
    after: { kind: 'known', text: '"0700"' },
    forcesReplacement: true,
  };
  const unknown: AttributeChange = { path: 'id', before: { kind: 'known', text: '"abc"' }, after: { kind: 'unknown' }, forcesReplacement: false };
  const secret: AttributeChange = { path: 'content', before: { kind: 'sensitive' }, after: { kind: 'sensitive' }, forcesReplacement: false };
  const nodes = [
    graphNode('local_file.example', 'replace-delete-first', {
      replacePaths: ['file_permission'],
      actionReason: 'replace_because_cannot_update',
      reason: '`file_permission` forces replacement',
      changes: [forced, unknown, secret],
      drift: [{ path: 'content', before: { kind: 'known', text: '"a"' }, after: { kind: 'known', text: '"b"' }, forcesReplacement: false }],
    }),
    graphNode('time_static.stamp', 'replace-create-first', { replacePaths: ['triggers'], reason: '`triggers` forces replacement' }),
    graphNode('null_resource.new', 'create'),
    graphNode('null_resource.changed', 'update'),
    graphNode('null_resource.gone', 'delete', { reason: 'null_resource.gone is not in the configuration' }),
    graphNode('data.local_file.seed', 'read'),
    graphNode('random_id.imported', 'import', { importId: 'abc123' }),
    graphNode('random_id.new_name', 'move', { previousAddress: 'random_id.old_name' }),
    graphNode('null_resource.kept_outside', 'forget'),
    graphNode('null_resource.unchanged', 'no-op'),
  ];
  const edges = [
    { from: 'data.local_file.seed', to: 'local_file.example' },
    { from: 'local_file.example', to: 'null_resource.new' },
    { from: 'null_resource.unchanged', to: 'null_resource.changed' },
  ];
  return planGraph(nodes, edges, 'Plan: 1 to import, 3 to add, 1 to change, 3 to destroy, 1 to forget.');
}

/**
 * `modules` modules of `perModule` resources each (count instances, references inside a module,
 * one edge from each module to the next, every seventh a replacement), plus `rootNodes` in the root.
 */
export function largeGraph(modules: number, perModule: number, rootNodes = 0): PlanGraph {
  const nodes: PlanGraphNode[] = [];
  const edges: PlanGraphEdge[] = [];
  for (let m = 0; m < modules; m++) {
    for (let i = 0; i < perModule; i++) {
      const display: PlanDisplayKind = i % 7 === 3 ? 'replace-delete-first' : i % 5 === 0 ? 'update' : 'create';
      nodes.push(graphNode(`module.svc_${m}.null_resource.item[${i}]`, display));
      if (i > 0) edges.push({ from: `module.svc_${m}.null_resource.item[${Math.floor((i - 1) / 2)}]`, to: `module.svc_${m}.null_resource.item[${i}]` });
    }
    if (m > 0 && perModule > 0) edges.push({ from: `module.svc_${m - 1}.null_resource.item[0]`, to: `module.svc_${m}.null_resource.item[0]` });
  }
  for (let i = 0; i < rootNodes; i++) {
    nodes.push(graphNode(`null_resource.root[${i}]`, i % 4 === 0 ? 'replace-create-first' : 'create'));
    if (i > 0 && i % 3 !== 0) edges.push({ from: `null_resource.root[${i - 1}]`, to: `null_resource.root[${i}]` });
  }
  return planGraph(nodes, edges);
}
