/**
 * The graph as received (from the host's message or the CLI HTML's embedded JSON) is checked
 * before anything is drawn: a graph that isn't one is a readable error, and malformed entries
 * are dropped or given defaults rather than crashing the page half-way through a render.
 */
import type { AttributeChange, PlanGraph, PlanGraphNode, PlanNodeRollout, PlanReplacementCause, PlanUnfollowedLocal, PlanValue } from '../../../common/src/planGraph';
import { isDeploymentWorkload } from '../../../common/src/rolloutMessages';
import { isDisplayKind } from './displayKinds';

export class GraphInputError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown, fallback = ''): string => (typeof value === 'string' ? value : fallback);

function planValue(value: unknown): PlanValue {
  if (!isObject(value)) return { kind: 'absent' };
  if (value.kind === 'known') return { kind: 'known', text: str(value.text), truncated: value.truncated === true };
  if (value.kind === 'unknown' || value.kind === 'sensitive') return { kind: value.kind };
  return { kind: 'absent' };
}

function attributeChanges(value: unknown): AttributeChange[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject).map((change) => ({
    path: str(change.path),
    before: planValue(change.before),
    after: planValue(change.after),
    forcesReplacement: change.forcesReplacement === true,
  }));
}

/** Kept only when the workload is a valid one (the page shows its summary; the host simulates its own copy). */
function rollout(value: unknown): PlanNodeRollout | undefined {
  if (!isObject(value) || !isDeploymentWorkload(value.workload)) return undefined;
  const result: PlanNodeRollout = { workload: value.workload };
  if (typeof value.initialReplicas === 'number' && Number.isInteger(value.initialReplicas) && value.initialReplicas >= 0) result.initialReplicas = value.initialReplicas;
  if (Array.isArray(value.notes)) result.notes = value.notes.filter((note): note is string => typeof note === 'string');
  return result;
}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : []);

/** Causes without an upstream address or the attribute that reads it say nothing: dropped. */
function replacementCauses(value: unknown): PlanReplacementCause[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const causes: PlanReplacementCause[] = [];
  for (const entry of value) {
    if (!isObject(entry) || typeof entry.address !== 'string' || typeof entry.dependentAttribute !== 'string') continue;
    const cause: PlanReplacementCause = { address: entry.address, dependentAttribute: entry.dependentAttribute };
    if (Array.isArray(entry.instances)) cause.instances = strings(entry.instances);
    if (typeof entry.instanceCount === 'number' && Number.isInteger(entry.instanceCount) && entry.instanceCount > 0) cause.instanceCount = entry.instanceCount;
    if (typeof entry.attribute === 'string') cause.attribute = entry.attribute;
    if (Array.isArray(entry.through)) cause.through = strings(entry.through);
    causes.push(cause);
  }
  return causes.length > 0 ? causes : undefined;
}

function unfollowedLocals(value: unknown): PlanUnfollowedLocal[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const locals = value
    .filter(isObject)
    .filter((entry) => typeof entry.dependentAttribute === 'string' && typeof entry.local === 'string')
    .map((entry) => ({ dependentAttribute: entry.dependentAttribute as string, local: entry.local as string }));
  return locals.length > 0 ? locals : undefined;
}

function node(value: Record<string, unknown>): PlanGraphNode | undefined {
  if (typeof value.id !== 'string' || typeof value.address !== 'string') return undefined;
  const display = str(value.display, 'no-op');
  return {
    id: value.id,
    address: value.address,
    action: str(value.action, 'no-op') as PlanGraphNode['action'],
    display: isDisplayKind(display) ? display : 'no-op',
    module: str(value.module),
    mode: str(value.mode, 'managed'),
    type: str(value.type),
    name: str(value.name),
    index: typeof value.index === 'string' || typeof value.index === 'number' ? value.index : undefined,
    providerName: typeof value.providerName === 'string' ? value.providerName : undefined,
    previousAddress: typeof value.previousAddress === 'string' ? value.previousAddress : undefined,
    importId: typeof value.importId === 'string' ? value.importId : undefined,
    deposed: typeof value.deposed === 'string' ? value.deposed : undefined,
    replacePaths: Array.isArray(value.replacePaths) ? value.replacePaths.filter((p): p is string => typeof p === 'string') : [],
    actionReason: typeof value.actionReason === 'string' ? value.actionReason : undefined,
    reason: typeof value.reason === 'string' ? value.reason : undefined,
    changes: attributeChanges(value.changes),
    drift: value.drift === undefined ? undefined : attributeChanges(value.drift),
    rollout: rollout(value.rollout),
    replacedBecause: replacementCauses(value.replacedBecause),
    localsNotFollowed: unfollowedLocals(value.localsNotFollowed),
  };
}

export function readPlanGraph(value: unknown): PlanGraph {
  if (!isObject(value)) throw new GraphInputError('The plan graph is not a JSON object.');
  if (!Array.isArray(value.nodes)) throw new GraphInputError('The plan graph has no "nodes" list.');
  if (typeof value.version === 'number' && value.version !== 1) {
    throw new GraphInputError(`This page draws plan graph version 1; it was given version ${value.version}. Update the extension.`);
  }
  const seen = new Set<string>();
  const nodes: PlanGraphNode[] = [];
  for (const entry of value.nodes) {
    const parsed = isObject(entry) ? node(entry) : undefined;
    if (parsed && !seen.has(parsed.id)) {
      seen.add(parsed.id);
      nodes.push(parsed);
    }
  }
  const edges = (Array.isArray(value.edges) ? value.edges : [])
    .filter(isObject)
    .filter((edge) => typeof edge.from === 'string' && typeof edge.to === 'string' && seen.has(edge.from) && seen.has(edge.to))
    .map((edge) => ({ from: edge.from as string, to: edge.to as string }));
  const modules = (Array.isArray(value.modules) ? value.modules : [])
    .filter(isObject)
    .filter((module) => typeof module.address === 'string')
    .map((module) => ({
      address: module.address as string,
      parent: typeof module.parent === 'string' ? module.parent : undefined,
      nodeCount: Number(module.nodeCount) || 0,
    }));
  const summary = isObject(value.summary) ? value.summary : {};
  const count = (key: string) => (typeof summary[key] === 'number' ? (summary[key] as number) : 0);
  return {
    version: 1,
    tool: value.tool === 'opentofu' ? 'opentofu' : 'terraform',
    toolVersion: typeof value.toolVersion === 'string' ? value.toolVersion : undefined,
    formatVersion: str(value.formatVersion),
    errored: value.errored === true,
    summary: {
      line: str(summary.line),
      add: count('add'),
      change: count('change'),
      destroy: count('destroy'),
      replace: count('replace'),
      import: count('import'),
      forget: count('forget'),
      move: count('move'),
      read: count('read'),
      noop: count('noop'),
    },
    nodes,
    edges,
    modules,
    outputs: [],
  };
}
