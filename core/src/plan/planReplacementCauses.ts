/**
 * Which upstream replacement forces a planned replacement, when the cause is a reference: replacing
 * a resource gives it new computed values (`id`, `hex`, …), and a resource whose force-new
 * attribute reads one of them is replaced in turn.
 *
 * From the plan JSON alone. For each replaced node (delete and create, in either order), each
 * attribute named by its `replace_paths` is followed through its configuration's references:
 * directly to a resource in the same module instance, through `var.x` into the argument the calling
 * module passes (and on up), through `module.m.out` into the child module's output expression. A
 * resource reached is named as the cause only when the plan's own values agree:
 * - it is replaced in this plan;
 * - the dependent's attribute is unknown in its `after_unknown` (a known new value was forced by
 *   its own edit, not by the upstream);
 * - the attribute read is unknown in the upstream's `after_unknown` (a reference to a configured
 *   attribute such as `filename`, which survives the replacement, is no cause).
 *
 * Not followed, because the plan's configuration does not say where they lead: locals (they are
 * not in it; such attributes are reported in `localsNotFollowed`), data sources, a whole module
 * object (`module.m` without an output), and `replace_triggered_by` (not a reference; its
 * `action_reason` already says so).
 *
 * Pure: JSON in, causes out.
 */
import type { PlanAction, PlanReplacementCause, PlanUnfollowedLocal } from '../../../common/src/planGraph';
import { addressStepsWithKeys, moduleSteps, type AddressStep } from './planAddress';
import { isObject, readPlanConfiguration, referenceLists, type ModuleConfig, type PlanConfiguration, type ResourceConfig } from './planConfiguration';
import { renderReplacePath } from './planValues';

/** What this module needs to know about a node. */
export interface CauseNode {
  id: string;
  /** The resource instance address (`module.a["k"].aws_instance.web[0]`). */
  address: string;
  /** Instance keys removed (`module.a.aws_instance.web`). */
  configAddress: string;
  /** The module instance address (`module.a["k"]`), '' in the root. */
  module: string;
  /** The resource's own instance key. */
  index?: string | number;
  action: PlanAction;
  /** A deposed object is only deleted: never a dependent nor a cause. */
  deposed: boolean;
  replacePaths: readonly unknown[][];
  /** `change.after_unknown` as written. */
  afterUnknown: unknown;
}

export interface NodeReplacementCauses {
  replacedBecause: PlanReplacementCause[];
  localsNotFollowed: PlanUnfollowedLocal[];
}

/** A module instance a reference leads into: each step's call name, and its key when known (undefined: any instance). */
type ModulePattern = AddressStep[];

/**
 * Instances listed in one cause. A resource of thousands of instances read by thousands of others
 * would otherwise list millions of addresses; past this many they are counted (`instanceCount`).
 */
export const MAX_CAUSE_INSTANCES = 100;

/** How far one reference is followed through variables and outputs: Terraform configurations nest a handful of levels. */
const MAX_FOLLOW_DEPTH = 100;

/** Causes per node id, for the replaced nodes that have any (or a local that hides them). */
export function replacementCauses(json: unknown, nodes: readonly CauseNode[]): Map<string, NodeReplacementCauses> {
  const result = new Map<string, NodeReplacementCauses>();
  const replaced = nodes.filter((node) => !node.deposed && (node.action === 'replace-delete-first' || node.action === 'replace-create-first'));
  if (replaced.length === 0) return result;
  const tree = readPlanConfiguration(isObject(json) ? json.configuration : undefined);
  if (!tree) return result;
  const finder = new CauseFinder(tree, replaced);
  for (const node of replaced) {
    const causes = finder.causesOf(node);
    if (causes.replacedBecause.length > 0 || causes.localsNotFollowed.length > 0) result.set(node.id, causes);
  }
  return result;
}

interface AttributeCauses {
  causes: PlanReplacementCause[];
  locals: PlanUnfollowedLocal[];
}

/** Where a reference leads: a resource in a module instance, and what it passes through on the way. */
interface Way {
  configAddress: string;
  pattern: ModulePattern;
  key?: string | number;
  attribute?: string;
  through: string[];
}

class CauseFinder {
  private readonly replacedByConfig = new Map<string, CauseNode[]>();
  private readonly memo = new Map<string, AttributeCauses>();
  private readonly patterns = new Map<string, ModulePattern>();
  private readonly causeByWay = new Map<string, PlanReplacementCause | undefined>();

  constructor(
    private readonly tree: PlanConfiguration,
    replaced: readonly CauseNode[],
  ) {
    for (const node of replaced) {
      const list = this.replacedByConfig.get(node.configAddress);
      if (list) list.push(node);
      else this.replacedByConfig.set(node.configAddress, [node]);
    }
  }

  causesOf(node: CauseNode): NodeReplacementCauses {
    const causes: NodeReplacementCauses = { replacedBecause: [], localsNotFollowed: [] };
    const resource = this.tree.resourceByAddress.get(node.configAddress);
    if (!resource || !isObject(resource.config.expressions)) return causes;
    const expressions = resource.config.expressions;
    // Paths grouped by their top attribute: the configuration has one expression per attribute.
    const byAttribute = new Map<string, unknown[][]>();
    for (const path of node.replacePaths) {
      if (!Array.isArray(path) || typeof path[0] !== 'string') continue;
      const paths = byAttribute.get(path[0]);
      if (paths) paths.push(path);
      else byAttribute.set(path[0], [path]);
    }
    for (const [attribute, paths] of byAttribute) {
      if (!Object.prototype.hasOwnProperty.call(expressions, attribute)) continue;
      if (!paths.some((path) => unknownWithin(node.afterUnknown, path))) continue;
      const found = this.attributeCauses(resource, node.module, attribute, expressions[attribute]);
      causes.replacedBecause.push(...found.causes);
      causes.localsNotFollowed.push(...found.locals);
    }
    return causes;
  }

  /** The causes an attribute of a configuration resource leads to in one module instance: the same for all its instances, so worked out once. */
  private attributeCauses(resource: ResourceConfig, moduleInstance: string, attribute: string, expression: unknown): AttributeCauses {
    const memoKey = `${resource.address}\u0000${moduleInstance}\u0000${attribute}`;
    const known = this.memo.get(memoKey);
    if (known) return known;
    const ways: Way[] = [];
    const locals: string[] = [];
    const pattern = this.patternOf(moduleInstance);
    for (const list of referenceLists(expression)) {
      for (const reference of mostSpecific(list)) this.follow(reference, resource.module, pattern, [], { ways, locals }, 0, new Set());
    }
    const dependentAttribute = renderReplacePath([attribute]);
    const result: AttributeCauses = { causes: [], locals: [] };
    const seen = new Set<string>();
    for (const way of ways) {
      // Instances of one resource never read each other.
      if (way.configAddress === resource.address) continue;
      const cause = this.causeOfWay(way, dependentAttribute);
      if (!cause) continue;
      const key = JSON.stringify([cause.address, cause.attribute, cause.through]);
      if (seen.has(key)) continue;
      seen.add(key);
      result.causes.push(cause);
    }
    // A local is named only where no cause was found: then it is the likely way to one.
    if (result.causes.length === 0) result.locals = locals.map((local) => ({ dependentAttribute, local }));
    this.memo.set(memoKey, result);
    return result;
  }

  /**
   * The replaced upstream instances a way leads to, as a cause (undefined when none is replaced with
   * the attribute unknown). Kept per way: the instances of a module called with for_each all reach
   * the same upstream through their argument, and must not each look through all its instances.
   */
  private causeOfWay(way: Way, dependentAttribute: string): PlanReplacementCause | undefined {
    const key = JSON.stringify([way.configAddress, way.pattern, way.key ?? null, way.attribute ?? null, way.through, dependentAttribute]);
    if (this.causeByWay.has(key)) return this.causeByWay.get(key);
    const upstream = (this.replacedByConfig.get(way.configAddress) ?? []).filter(
      (candidate) =>
        patternMatches(this.patternOf(candidate.module), way.pattern) &&
        (way.key === undefined || candidate.index === way.key) &&
        (way.attribute === undefined ? containsUnknown(candidate.afterUnknown) : unknownWithin(candidate.afterUnknown, [way.attribute])),
    );
    const cause = upstream.length > 0 ? causeOf(upstream, dependentAttribute, way) : undefined;
    this.causeByWay.set(key, cause);
    return cause;
  }

  private patternOf(moduleInstance: string): ModulePattern {
    let pattern = this.patterns.get(moduleInstance);
    if (!pattern) {
      pattern = modulePatternOf(moduleInstance);
      this.patterns.set(moduleInstance, pattern);
    }
    return pattern;
  }

  private follow(
    reference: string,
    module: ModuleConfig,
    pattern: ModulePattern,
    through: string[],
    into: { ways: Way[]; locals: string[] },
    depth: number,
    visiting: Set<string>,
  ): void {
    if (depth > MAX_FOLLOW_DEPTH) return;
    const visit = `${module.path}\u0000${reference}`;
    // A cycle (invalid in Terraform, possible in a hand-made plan) ends the walk.
    if (visiting.has(visit)) return;
    visiting.add(visit);
    try {
      const steps = addressStepsWithKeys(reference);
      const [first, second, third] = steps;
      if (!first || !second) return;
      const prefix = module.path ? `${module.path}.` : '';
      switch (first.name) {
        case 'var': {
          // A root module's variable is an input of the run, not a resource.
          if (!module.call || !module.parent || !isObject(module.call.expressions)) return;
          const expression = module.call.expressions[second.name];
          const next = [...through, `var.${second.name}`];
          for (const list of referenceLists(expression)) {
            for (const ref of mostSpecific(list)) this.follow(ref, module.parent, pattern.slice(0, -1), next, into, depth + 1, visiting);
          }
          return;
        }
        case 'module': {
          if (!third) return;
          const child = this.tree.modules.get(`${prefix}module.${second.name}`);
          const outputs = child && isObject(child.config.outputs) ? child.config.outputs : undefined;
          const output = outputs && Object.prototype.hasOwnProperty.call(outputs, third.name) ? outputs[third.name] : undefined;
          if (!child || !isObject(output)) return;
          const next = [...through, `module.${second.name}${keyText(second.key)}.${third.name}`];
          const inner = [...pattern, { name: second.name, key: second.key }];
          for (const list of referenceLists(output.expression)) {
            for (const ref of mostSpecific(list)) this.follow(ref, child, inner, next, into, depth + 1, visiting);
          }
          return;
        }
        case 'local':
          // Where a local leads is not in the plan; it is named so that the missing cause is explained.
          if (!into.locals.includes(`local.${second.name}`)) into.locals.push(`local.${second.name}`);
          return;
        case 'data':
        case 'ephemeral':
        case 'count':
        case 'each':
        case 'path':
        case 'self':
        case 'terraform':
        case 'tofu':
          return;
        default:
          into.ways.push({
            configAddress: `${prefix}${first.name}.${second.name}`,
            pattern,
            key: second.key,
            attribute: third?.name,
            through,
          });
      }
    } finally {
      visiting.delete(visit);
    }
  }
}

/** The cause as shown: one instance by its address, several under their resource's address. */
function causeOf(upstream: CauseNode[], dependentAttribute: string, way: Way): PlanReplacementCause {
  const cause: PlanReplacementCause =
    upstream.length === 1
      ? { address: upstream[0].address, dependentAttribute }
      : {
          address: resourceAddress(upstream, way.configAddress),
          instances: upstream.slice(0, MAX_CAUSE_INSTANCES).map((n) => n.id),
          ...(upstream.length > MAX_CAUSE_INSTANCES ? { instanceCount: upstream.length } : {}),
          dependentAttribute,
        };
  if (way.attribute !== undefined) cause.attribute = way.attribute;
  if (way.through.length > 0) cause.through = way.through;
  return cause;
}

/** The resource's address in the module instance all of `nodes` share, else its configuration address. */
function resourceAddress(nodes: CauseNode[], configAddress: string): string {
  const module = nodes[0].module;
  if (!nodes.every((n) => n.module === module)) return configAddress;
  const modulePath = moduleSteps(module).length;
  // The configuration address without its module calls: the resource's own `type.name` (or `data.type.name`).
  const own = configAddress
    .split('.')
    .slice(modulePath * 2)
    .join('.');
  return module ? `${module}.${own}` : own;
}

/**
 * `local_file.a` is listed beside `local_file.a.id` for every `local_file.a.id` (and
 * `null_resource.each` beside `null_resource.each["x"]`): the shorter one adds nothing then.
 */
function mostSpecific(list: readonly string[]): string[] {
  const extended = new Set<string>();
  for (const reference of list) {
    for (let i = 1; i < reference.length; i++) if (reference[i] === '.' || reference[i] === '[') extended.add(reference.slice(0, i));
  }
  return [...new Set(list)].filter((reference) => !extended.has(reference));
}

function modulePatternOf(moduleInstance: string): ModulePattern {
  return moduleSteps(moduleInstance).map((step) => {
    const [, call] = addressStepsWithKeys(step);
    return { name: call?.name ?? '', key: call?.key };
  });
}

function patternMatches(steps: ModulePattern, pattern: ModulePattern): boolean {
  return steps.length === pattern.length && steps.every((step, i) => step.name === pattern[i].name && (pattern[i].key === undefined || step.key === pattern[i].key));
}

function keyText(key: string | number | undefined): string {
  return key === undefined ? '' : `[${JSON.stringify(key)}]`;
}

/** Whether anything at or under `path` of an `after_unknown` value is unknown (a `true` on the way covers everything below it). */
export function unknownWithin(afterUnknown: unknown, path: readonly unknown[]): boolean {
  let value = afterUnknown;
  for (const step of path) {
    if (value === true) return true;
    if (Array.isArray(value) && typeof step === 'number') value = value[step];
    else if (isObject(value) && typeof step === 'string' && Object.prototype.hasOwnProperty.call(value, step)) value = value[step];
    else return false;
  }
  return containsUnknown(value);
}

function containsUnknown(value: unknown, depth = 0): boolean {
  if (value === true) return true;
  if (depth > 100) return false;
  if (Array.isArray(value)) return value.some((item) => containsUnknown(item, depth + 1));
  if (isObject(value)) return Object.values(value).some((item) => containsUnknown(item, depth + 1));
  return false;
}
