/**
 * The `configuration` of a `show -json` plan as a tree: each module (the root and every
 * `module_calls[..].module`, recursively) with the call that made it, and each configured resource
 * with its module. What the dependency edges and the replacement causes both walk.
 *
 * What the JSON configuration holds and what it does not: each attribute's expression lists what it
 * references (`references`: `local_file.a.id` beside `local_file.a`), module calls list the
 * expressions of their arguments, outputs the expression of their value; locals are not in it at
 * all (Terraform's and OpenTofu's `jsonconfig` do not marshal `locals` blocks), and references are
 * per configuration resource, not per instance (an instance key is kept only where the expression
 * wrote a literal one: `null_resource.each["x"].id`).
 *
 * Pure: JSON in, tree out. Malformed parts are skipped, never refused.
 */

export type Json = Record<string, unknown>;

/** One module of the configuration tree, with where it sits. */
export interface ModuleConfig {
  /** `module.a.module.b` ('' for the root). */
  path: string;
  config: Json;
  /** The call in the parent's `module_calls` (absent for the root). */
  call?: Json;
  parent?: ModuleConfig;
}

export interface ResourceConfig {
  /** The configuration address: module path and resource, no instance keys (`module.a.aws_instance.web`). */
  address: string;
  module: ModuleConfig;
  config: Json;
}

export interface PlanConfiguration {
  /** By path ('' for the root). */
  modules: Map<string, ModuleConfig>;
  resources: ResourceConfig[];
  resourceByAddress: Map<string, ResourceConfig>;
}

/** Hostile plans nest modules 10,000 deep: walk no deeper than Terraform would ever nest. */
const MAX_DEPTH = 1000;

/** The tree of a plan's `configuration`, or undefined when it has no root module. */
export function readPlanConfiguration(configuration: unknown): PlanConfiguration | undefined {
  if (!isObject(configuration) || !isObject(configuration.root_module)) return undefined;
  const result: PlanConfiguration = { modules: new Map(), resources: [], resourceByAddress: new Map() };
  collect(result, { path: '', config: configuration.root_module }, 0);
  return result;
}

function collect(into: PlanConfiguration, module: ModuleConfig, depth: number): void {
  if (depth > MAX_DEPTH) return;
  into.modules.set(module.path, module);
  const prefix = module.path ? `${module.path}.` : '';
  if (Array.isArray(module.config.resources)) {
    for (const config of module.config.resources) {
      if (!isObject(config) || typeof config.address !== 'string') continue;
      const resource = { address: `${prefix}${config.address}`, module, config };
      into.resources.push(resource);
      into.resourceByAddress.set(resource.address, resource);
    }
  }
  if (isObject(module.config.module_calls)) {
    for (const [name, call] of Object.entries(module.config.module_calls)) {
      if (!isObject(call) || !isObject(call.module)) continue;
      collect(into, { path: `${prefix}module.${name}`, config: call.module, call, parent: module }, depth + 1);
    }
  }
}

/** Every `references` list inside an expression tree (nested blocks are objects and lists of objects). */
export function referenceLists(expression: unknown, into: string[][] = [], depth = 0): string[][] {
  if (depth > 100) return into;
  if (Array.isArray(expression)) {
    for (const item of expression) referenceLists(item, into, depth + 1);
  } else if (isObject(expression)) {
    for (const [key, value] of Object.entries(expression)) {
      if (key === 'references' && Array.isArray(value)) into.push(value.filter((v): v is string => typeof v === 'string'));
      else if (key !== 'constant_value') referenceLists(value, into, depth + 1);
    }
  }
  return into;
}

export function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
