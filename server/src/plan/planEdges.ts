/**
 * Dependency edges of the plan graph, read from the plan JSON itself: the `configuration` (what each
 * resource refers to, `depends_on`, count/for_each, module calls, provider configurations) and the
 * `prior_state` (the dependencies Terraform recorded at the last apply — the only ones left for a
 * resource whose configuration is gone).
 *
 * `from` is the dependency and `to` the dependent (`to` refers to `from`), both node ids.
 *
 * What the JSON configuration cannot tell:
 * - Locals are not in it (Terraform's `jsonconfig` does not marshal `locals` blocks), so a reference
 *   through `local.x` ends there: a resource that reads `local.x`, where the local refers to another
 *   resource, gets no edge to that resource.
 * - References are per configuration resource, not per instance (`aws_instance.web[0]` in an
 *   expression is listed next to `aws_instance.web`), and that is also how Terraform orders them:
 *   every instance of the dependent waits for every instance of the dependency.
 *
 * Pure: JSON in, edges out.
 */
import type { PlanGraphEdge } from '../../../common/src/planGraph';
import { addressNames } from './planAddress';

/** What this module needs to know about a node. */
export interface EdgeNode {
  id: string;
  /** The resource instance address (`module.a["k"].aws_instance.web[0]`). */
  address: string;
  /** The configuration address: instance keys removed (`module.a.aws_instance.web`). */
  configAddress: string;
}

type Json = Record<string, unknown>;

/** One module of the configuration tree, with where it sits. */
interface ModuleConfig {
  /** `module.a.module.b` ('' for the root). */
  path: string;
  config: Json;
  /** The call in the parent's `module_calls` (absent for the root). */
  call?: Json;
  parent?: ModuleConfig;
}

interface ResourceConfig {
  address: string;
  module: ModuleConfig;
  config: Json;
}

/**
 * Every edge the configuration and the prior state imply between the given nodes. Unknown or
 * malformed parts of the JSON are ignored (the edges are a help for reading the plan, never a reason
 * to refuse it); an edge is only kept when both ends are nodes, and never from a node to itself.
 */
export function planEdges(json: unknown, nodes: readonly EdgeNode[]): PlanGraphEdge[] {
  const byConfig = new Map<string, string[]>();
  const byAddress = new Map<string, string[]>();
  for (const node of nodes) {
    push(byConfig, node.configAddress, node.id);
    push(byAddress, node.address, node.id);
  }
  const edges: PlanGraphEdge[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string) => {
    if (from === to) return;
    const key = `${from}\u0000${to}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to });
  };

  const root = isObject(json) ? json : {};
  const configuration = isObject(root.configuration) ? root.configuration : undefined;
  if (configuration && isObject(configuration.root_module)) {
    const resolver = new ConfigResolver(configuration, byConfig);
    for (const resource of resolver.resources) {
      const dependents = byConfig.get(resource.address);
      if (!dependents) continue;
      for (const dependency of resolver.dependenciesOf(resource)) {
        // Instances of one resource never depend on each other.
        if (dependency.configAddress === resource.address) continue;
        for (const from of dependency.ids) for (const to of dependents) add(from, to);
      }
    }
  }

  // Dependencies recorded in the prior state: absolute configuration addresses per instance.
  const state = isObject(root.prior_state) && isObject(root.prior_state.values) ? root.prior_state.values.root_module : undefined;
  for (const resource of stateResources(state)) {
    const dependents = byAddress.get(String(resource.address));
    if (!dependents || !Array.isArray(resource.depends_on)) continue;
    for (const dependsOn of resource.depends_on) {
      if (typeof dependsOn !== 'string') continue;
      const ids = byConfig.get(addressNames(dependsOn).join('.'));
      if (!ids) continue;
      for (const from of ids) for (const to of dependents) add(from, to);
    }
  }
  return edges;
}

function* stateResources(module: unknown, depth = 0): Generator<Json> {
  if (!isObject(module) || depth > 1000) return;
  if (Array.isArray(module.resources)) for (const r of module.resources) if (isObject(r)) yield r;
  if (Array.isArray(module.child_modules)) for (const child of module.child_modules) yield* stateResources(child, depth + 1);
}

interface Dependency {
  configAddress: string;
  ids: string[];
}

/**
 * Resolves the references of configuration resources to the nodes they lead to, following
 * variables into the module call that sets them, module outputs into the expression behind them,
 * and resources that have no node (a data source read while planning) into what they refer to.
 * Each resolution is memoised; a cycle (invalid in Terraform, possible in a hand-made file) stops.
 */
class ConfigResolver {
  readonly resources: ResourceConfig[] = [];
  private readonly modules = new Map<string, ModuleConfig>();
  private readonly resourceByAddress = new Map<string, ResourceConfig>();
  private readonly memo = new Map<string, Dependency[]>();
  private readonly active = new Set<string>();

  constructor(
    private readonly configuration: Json,
    private readonly byConfig: Map<string, string[]>,
  ) {
    this.collect({ path: '', config: configuration.root_module as Json }, 0);
  }

  private collect(module: ModuleConfig, depth: number): void {
    // 10,000-deep module paths appear in hostile plans: walk no deeper than Terraform would ever nest.
    if (depth > 1000) return;
    this.modules.set(module.path, module);
    if (Array.isArray(module.config.resources)) {
      for (const config of module.config.resources) {
        if (!isObject(config) || typeof config.address !== 'string') continue;
        const address = `${module.path ? `${module.path}.` : ''}${config.address}`;
        const resource = { address, module, config };
        this.resources.push(resource);
        this.resourceByAddress.set(address, resource);
      }
    }
    if (isObject(module.config.module_calls)) {
      for (const [name, call] of Object.entries(module.config.module_calls)) {
        if (!isObject(call) || !isObject(call.module)) continue;
        this.collect({ path: `${module.path ? `${module.path}.` : ''}module.${name}`, config: call.module, call, parent: module }, depth + 1);
      }
    }
  }

  /** Everything one configuration resource waits for. */
  dependenciesOf(resource: ResourceConfig): Dependency[] {
    return this.memoised(`resource:${resource.address}`, () => {
      const out: Dependency[] = [];
      const c = resource.config;
      for (const list of referenceLists(c.expressions)) out.push(...this.references(list, resource.module));
      for (const list of referenceLists(c.count_expression)) out.push(...this.references(list, resource.module));
      for (const list of referenceLists(c.for_each_expression)) out.push(...this.references(list, resource.module));
      for (const list of referenceLists(c.provisioners)) out.push(...this.references(list, resource.module));
      if (Array.isArray(c.depends_on)) out.push(...this.dependsOn(c.depends_on, resource.module));
      out.push(...this.providerDependencies(c.provider_config_key));
      // A module call's depends_on, count and for_each hold back everything inside the module.
      for (let m: ModuleConfig | undefined = resource.module; m?.call && m.parent; m = m.parent) {
        if (Array.isArray(m.call.depends_on)) out.push(...this.dependsOn(m.call.depends_on, m.parent));
        for (const list of referenceLists(m.call.count_expression)) out.push(...this.references(list, m.parent));
        for (const list of referenceLists(m.call.for_each_expression)) out.push(...this.references(list, m.parent));
      }
      return out;
    });
  }

  /** The provider configuration's own references (`provider "x" { region = var.r }`), in the module that declares it. */
  private providerDependencies(key: unknown): Dependency[] {
    if (typeof key !== 'string' || !isObject(this.configuration.provider_config)) return [];
    const provider = this.configuration.provider_config[key];
    if (!isObject(provider)) return [];
    const module = this.modules.get(typeof provider.module_address === 'string' ? addressNames(provider.module_address).join('.') : '');
    if (!module) return [];
    return this.memoised(`provider:${key}`, () => referenceLists(provider.expressions).flatMap((list) => this.references(list, module)));
  }

  /** One `references` list of an expression, in a module. */
  private references(list: string[], module: ModuleConfig): Dependency[] {
    const out: Dependency[] = [];
    const parsed = list.map(addressNames);
    for (const names of parsed) {
      // `module.x` is listed beside `module.x.out` for every `module.x.out`: the bare call only
      // means "all of it" when no output of that call is named in the same list.
      if (names[0] === 'module' && names.length === 2 && parsed.some((n) => n[0] === 'module' && n[1] === names[1] && n.length > 2)) continue;
      out.push(...this.reference(names, module));
    }
    return out;
  }

  private reference(names: string[], module: ModuleConfig): Dependency[] {
    const prefix = module.path ? `${module.path}.` : '';
    switch (names[0]) {
      case 'var':
        return names[1] ? this.variable(module, names[1]) : [];
      case 'module': {
        if (!names[1]) return [];
        const child = this.modules.get(`${prefix}module.${names[1]}`);
        if (!child) return [];
        if (names[2]) return this.output(child, names[2]);
        return this.allOutputs(child);
      }
      case 'data':
      case 'ephemeral':
        return names.length >= 3 ? this.resource(`${prefix}${names[0]}.${names[1]}.${names[2]}`) : [];
      // Not resources: locals (not in the JSON, see the file comment), and values known without one.
      case 'local':
      case 'count':
      case 'each':
      case 'path':
      case 'terraform':
      case 'self':
      case 'tofu':
        return [];
      default:
        return names.length >= 2 ? this.resource(`${prefix}${names[0]}.${names[1]}`) : [];
    }
  }

  /** `depends_on` entries name resources or whole modules (everything in them). */
  private dependsOn(entries: unknown[], module: ModuleConfig): Dependency[] {
    const out: Dependency[] = [];
    for (const entry of entries) {
      if (typeof entry !== 'string') continue;
      const names = addressNames(entry);
      if (names[0] === 'module' && names.length === 2) {
        const child = this.modules.get(`${module.path ? `${module.path}.` : ''}module.${names[1]}`);
        if (child) out.push(...this.allResources(child));
      } else out.push(...this.reference(names, module));
    }
    return out;
  }

  /** A variable of a child module is whatever its module call sets it to, in the parent. */
  private variable(module: ModuleConfig, name: string): Dependency[] {
    if (!module.call || !module.parent || !isObject(module.call.expressions)) return [];
    const parent = module.parent;
    const expression = module.call.expressions[name];
    return this.memoised(`var:${module.path}:${name}`, () => referenceLists(expression).flatMap((list) => this.references(list, parent)));
  }

  private output(module: ModuleConfig, name: string): Dependency[] {
    const outputs = isObject(module.config.outputs) ? module.config.outputs : {};
    const output = outputs[name];
    if (!isObject(output)) return [];
    return this.memoised(`output:${module.path}:${name}`, () => [
      ...referenceLists(output.expression).flatMap((list) => this.references(list, module)),
      ...(Array.isArray(output.depends_on) ? this.dependsOn(output.depends_on, module) : []),
    ]);
  }

  private allOutputs(module: ModuleConfig): Dependency[] {
    const outputs = isObject(module.config.outputs) ? Object.keys(module.config.outputs) : [];
    return outputs.flatMap((name) => this.output(module, name));
  }

  private allResources(module: ModuleConfig): Dependency[] {
    return this.memoised(`all:${module.path}`, () =>
      this.resources.filter((r) => r.address.startsWith(`${module.path}.`)).flatMap((r) => this.resource(r.address)),
    );
  }

  /** A resource's nodes; a resource without nodes stands for what it refers to (so `a → data.x → b` still links a to b). */
  private resource(address: string): Dependency[] {
    const ids = this.byConfig.get(address);
    if (ids) return [{ configAddress: address, ids }];
    const resource = this.resourceByAddress.get(address);
    return resource ? this.dependenciesOf(resource) : [];
  }

  private memoised(key: string, compute: () => Dependency[]): Dependency[] {
    const done = this.memo.get(key);
    if (done) return done;
    if (this.active.has(key)) return [];
    this.active.add(key);
    try {
      const result = dedupe(compute());
      this.memo.set(key, result);
      return result;
    } finally {
      this.active.delete(key);
    }
  }
}

function dedupe(dependencies: Dependency[]): Dependency[] {
  const seen = new Set<string>();
  return dependencies.filter((d) => !seen.has(d.configAddress) && (seen.add(d.configAddress), true));
}

/** Every `references` list inside an expression tree (nested blocks are objects and lists of objects). */
function referenceLists(expression: unknown, into: string[][] = [], depth = 0): string[][] {
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

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
