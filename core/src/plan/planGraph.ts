/**
 * The plan graph (common/src/planGraph.ts) from `terraform show -json` / `tofu show -json` output:
 * one node per resource change, with what the picture shows for it, the attributes that changed
 * (and which forced a replacement, and why), drift, the rollout a Kubernetes Deployment change
 * starts (kubernetesWorkloadFromPlan.ts), modules, outputs, the summary line, and the dependency
 * edges (planEdges.ts).
 *
 * Pure: JSON in, graph out. The input is validated by planModel (PlanFormatError for what is not a
 * plan); beyond that, odd fields are read as absent rather than refused, so an errored or partial
 * plan still draws.
 */
import {
  PLAN_GRAPH_VERSION,
  type PlanAction,
  type PlanDisplayKind,
  type PlanGraph,
  type PlanGraphModule,
  type PlanGraphNode,
  type PlanGraphOutput,
  type PlanValue,
} from '../../../common/src/planGraph';
import { deploymentRolloutFromPlan, isKubernetesDeployment } from './kubernetesWorkloadFromPlan';
import { configAddressOf, moduleSteps } from './planAddress';
import { planEdges, type EdgeNode } from './planEdges';
import { parsePlanText, planActionOf, planFromJson, type PlanResourceChange } from './planModel';
import { replacementCauses, type CauseNode } from './planReplacementCauses';
import { summarizePlan } from './planSummary';
import { diffChange, quoteString, renderReplacePath, renderValue, type ChangeValues } from './planValues';

/** The graph of a plan's JSON text; PlanFormatError for broken JSON or what is not a plan. */
export function parsePlanGraph(text: string): PlanGraph {
  return buildPlanGraph(parsePlanText(text));
}

export function buildPlanGraph(json: unknown): PlanGraph {
  const plan = planFromJson(json);
  const root = json as Record<string, unknown>;
  const rawChanges = Array.isArray(root.resource_changes) ? root.resource_changes : [];
  const drift = driftByKey(root.resource_drift);

  const nodes: PlanGraphNode[] = [];
  const edgeNodes: EdgeNode[] = [];
  const causeNodes: CauseNode[] = [];
  const ids = new Set<string>();
  plan.resourceChanges.forEach((rc, i) => {
    const raw = rawChanges[i] as Record<string, unknown>;
    const node = buildNode(rc, raw, drift);
    node.id = uniqueId(node.id, ids);
    nodes.push(node);
    const edgeNode = {
      id: node.id,
      address: node.address,
      module: node.module,
      configAddress: configAddressOf(node.module || undefined, node.mode, node.type, node.name),
    };
    edgeNodes.push(edgeNode);
    causeNodes.push({
      ...edgeNode,
      index: node.index,
      action: node.action,
      deposed: node.deposed !== undefined,
      replacePaths: rc.replacePaths ?? [],
      afterUnknown: isObject(raw.change) ? raw.change.after_unknown : undefined,
    });
  });
  const causes = replacementCauses(json, causeNodes);
  for (const node of nodes) {
    const found = causes.get(node.id);
    if (found?.replacedBecause.length) node.replacedBecause = found.replacedBecause;
    if (found?.localsNotFollowed.length) node.localsNotFollowed = found.localsNotFollowed;
  }

  const summary = summarizePlan(plan);
  return {
    version: PLAN_GRAPH_VERSION,
    tool: plan.tool,
    ...(plan.toolVersion !== undefined ? { toolVersion: plan.toolVersion } : {}),
    formatVersion: plan.formatVersion,
    errored: plan.errored,
    summary: { line: summary.line, ...summary.counts },
    nodes,
    edges: planEdges(json, edgeNodes),
    modules: modulesOf(nodes),
    outputs: outputsOf(root.output_changes),
  };
}

/** Ids are addresses, which are unique in a valid plan; a hand-made duplicate gets `#2`, `#3` … so the graph stays well-formed. */
function uniqueId(id: string, ids: Set<string>): string {
  let unique = id;
  for (let n = 2; ids.has(unique); n++) unique = `${id}#${n}`;
  ids.add(unique);
  return unique;
}

function buildNode(rc: PlanResourceChange, raw: Record<string, unknown>, drift: Map<string, ChangeValues>): PlanGraphNode {
  const change = (isObject(raw.change) ? raw.change : {}) as ChangeValues & Record<string, unknown>;
  const deposed = typeof raw.deposed === 'string' && raw.deposed !== '' ? raw.deposed : undefined;
  const moved = rc.previousAddress !== undefined && rc.previousAddress !== rc.address;
  const replacePaths = rc.replacePaths ?? [];
  const diff = diffChange(change, replacePaths);
  const node: PlanGraphNode = {
    id: deposed ? `${rc.address} (deposed object ${deposed})` : rc.address,
    address: rc.address,
    action: rc.action,
    display: displayKind(rc.action, rc.importing !== undefined, moved),
    module: rc.moduleAddress ?? '',
    mode: rc.mode,
    type: rc.type,
    name: rc.name,
    replacePaths: replacePaths.map(renderReplacePath),
    changes: diff.changes,
  };
  if (diff.omitted > 0) node.changesOmitted = diff.omitted;
  if (typeof raw.index === 'number' || typeof raw.index === 'string') node.index = raw.index;
  if (typeof raw.provider_name === 'string') node.providerName = raw.provider_name;
  if (moved) node.previousAddress = rc.previousAddress;
  if (rc.importing) node.importId = importId(rc.importing);
  if (deposed) node.deposed = deposed;
  if (rc.actionReason) node.actionReason = rc.actionReason;
  const reason = reasonSentence(rc, node, raw.index);
  if (reason) node.reason = reason;
  const drifted = drift.get(driftKey(rc.address, deposed));
  if (drifted) {
    const driftDiff = diffChange(drifted);
    node.drift = driftDiff.changes;
  }
  // Read from the raw values here, because the node keeps only their rendered text.
  if (isKubernetesDeployment(node.mode, node.type, node.providerName)) {
    const rollout = deploymentRolloutFromPlan(rc.action, change);
    if ('rollout' in rollout) node.rollout = rollout.rollout;
  }
  return node;
}

/**
 * What the picture shows. A no-op or update that imports shows as an import (that is what the
 * reviewer needs to see; the update's attributes are still listed); a no-op that only moves shows
 * as a move (an update that also moves stays an update, with previousAddress set). The forget
 * actions all show as forget — an object leaves Terraform's management without being destroyed,
 * which is the surprise to call out, even when a new object is created beside it.
 */
export function displayKind(action: PlanAction, importing: boolean, moved: boolean): PlanDisplayKind {
  if (importing && (action === 'no-op' || action === 'update')) return 'import';
  if (moved && action === 'no-op') return 'move';
  switch (action) {
    case 'forget':
    case 'create-forget':
    case 'forget-create':
      return 'forget';
    default:
      return action;
  }
}

function importId(importing: Record<string, unknown>): string {
  if (typeof importing.id === 'string' && importing.id !== '') return importing.id;
  if (importing.identity !== undefined) {
    const value = renderValue(importing.identity);
    if (value.kind === 'known') return value.text;
  }
  return '(will be imported first)';
}

/** `[0]` / `["blue"]`, as Terraform prints an instance key in its notes. */
function keyText(index: unknown): string {
  return typeof index === 'number' ? `[${index}]` : typeof index === 'string' ? `[${quoteString(index)}]` : '';
}

/** One sentence per `action_reason` (the list of Terraform's jsonplan and OpenTofu's), worded after their human renderers' notes. */
export function reasonSentence(rc: PlanResourceChange, node: Pick<PlanGraphNode, 'replacePaths' | 'deposed'>, index: unknown): string | undefined {
  const because = actionReasonSentence(rc, node, index);
  // A forget keeps the object: say so, whatever the reason it leaves the configuration.
  if (rc.action === 'forget' || rc.action === 'create-forget' || rc.action === 'forget-create') {
    const kept = 'removed from the state but not destroyed (lifecycle destroy = false)';
    return because ? `${because}: ${kept}` : kept[0].toUpperCase() + kept.slice(1);
  }
  return because;
}

function actionReasonSentence(rc: PlanResourceChange, node: Pick<PlanGraphNode, 'replacePaths' | 'deposed'>, index: unknown): string | undefined {
  const replaced = rc.action === 'replace-delete-first' || rc.action === 'replace-create-first';
  const forcing = () => {
    const paths = node.replacePaths.map((p) => `\`${p}\``);
    if (paths.length === 0) return 'An attribute that cannot be updated in place changed, so it must be replaced';
    if (paths.length === 1) return `${paths[0]} forces replacement`;
    return `${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]} force replacement`;
  };
  switch (rc.actionReason) {
    case 'replace_because_cannot_update':
      return forcing();
    case 'replace_because_tainted':
      return 'The object is tainted (an earlier apply failed part-way), so it must be replaced';
    case 'replace_by_request':
      return 'Replacement was requested (-replace)';
    case 'replace_by_triggers':
      return 'A change in replace_triggered_by forces replacement';
    case 'delete_because_no_resource_config':
      return `${rc.type}.${rc.name} is not in the configuration`;
    case 'delete_because_no_module':
      return `${rc.moduleAddress ?? 'Its module'} is not in the configuration`;
    case 'delete_because_no_move_target':
      return `${rc.previousAddress ?? 'It'} was moved to ${rc.address}, which is not in the configuration`;
    case 'delete_because_wrong_repetition':
      if (typeof index === 'number') return 'The resource no longer uses count';
      if (typeof index === 'string') return 'The resource no longer uses for_each';
      return 'The resource now uses count or for_each';
    case 'delete_because_count_index':
      return `Index ${keyText(index)} is out of range for count`;
    case 'delete_because_each_key':
      return `Key ${keyText(index)} is not in the for_each map`;
    case 'read_because_config_unknown':
      return 'Read during apply: its configuration refers to values not yet known';
    case 'read_because_dependency_pending':
      return 'Read during apply: it depends on a resource or a module with changes pending';
    case 'read_because_check_nested':
      return 'Read during apply as well: it is in a check block, re-read to verify it';
    case undefined:
      break;
    default:
      return `Reason: ${rc.actionReason}`;
  }
  // Plans before format 1.0 have no action_reason; their replace_paths still say why.
  if (replaced && node.replacePaths.length > 0) return forcing();
  if (node.deposed && (rc.action === 'delete' || rc.action === 'forget')) return `Left over from a partially-failed replacement (deposed object ${node.deposed})`;
  return undefined;
}

function driftKey(address: string, deposed: string | undefined): string {
  return deposed ? `${address}\u0000${deposed}` : address;
}

/** `resource_drift` entries by address (and deposed key): the changes made outside Terraform. */
function driftByKey(raw: unknown): Map<string, ChangeValues> {
  const map = new Map<string, ChangeValues>();
  if (!Array.isArray(raw)) return map;
  for (const entry of raw) {
    if (!isObject(entry) || typeof entry.address !== 'string' || !isObject(entry.change)) continue;
    const deposed = typeof entry.deposed === 'string' && entry.deposed !== '' ? entry.deposed : undefined;
    map.set(driftKey(entry.address, deposed), entry.change as ChangeValues);
  }
  return map;
}

/**
 * Module levels listed per node. Real configurations nest a handful of levels; past this many the
 * intermediate ancestors are left out and the node's module hangs from the ancestor at this depth,
 * because a hostile plan 10,000 modules deep would otherwise list 10,000 ancestors whose addresses
 * add up to gigabytes.
 */
export const MAX_MODULE_DEPTH = 64;

/** The root, every module that holds a node, and its ancestors (up to MAX_MODULE_DEPTH); nodeCount counts nodes directly in each. */
function modulesOf(nodes: readonly PlanGraphNode[]): PlanGraphModule[] {
  const modules = new Map<string, PlanGraphModule>([['', { address: '', nodeCount: 0 }]]);
  for (const node of nodes) {
    const steps = moduleSteps(node.module);
    let parent = '';
    let address = '';
    for (let i = 0; i < Math.min(steps.length, MAX_MODULE_DEPTH); i++) {
      address = address ? `${address}.${steps[i]}` : steps[i];
      if (!modules.has(address)) modules.set(address, { address, parent, nodeCount: 0 });
      parent = address;
    }
    if (steps.length > MAX_MODULE_DEPTH) {
      address = steps.join('.');
      if (!modules.has(address)) modules.set(address, { address, parent, nodeCount: 0 });
    }
    // Counted against the address rebuilt from its steps, which is the node's module for any valid address.
    modules.get(address)!.nodeCount++;
  }
  return [...modules.values()].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
}

function outputsOf(raw: unknown): PlanGraphOutput[] {
  if (!isObject(raw)) return [];
  const outputs: PlanGraphOutput[] = [];
  for (const [name, change] of Object.entries(raw)) {
    if (!isObject(change)) continue;
    const action = planActionOf(change.actions);
    if (!action) continue;
    outputs.push({ name, action, before: outputSide(change, 'before', action), after: outputSide(change, 'after', action) });
  }
  return outputs.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function outputSide(change: Record<string, unknown>, side: 'before' | 'after', action: PlanAction): PlanValue {
  const sensitive = change[`${side}_sensitive`];
  const unknown = side === 'after' ? change.after_unknown : false;
  if (side === 'before' && (action === 'create' || action === 'read')) return { kind: 'absent' };
  if (side === 'after' && action === 'delete') return { kind: 'absent' };
  return renderValue(change[side], unknown, sensitive);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
