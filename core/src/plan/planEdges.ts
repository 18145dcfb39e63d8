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
 *   resource, gets no edge to that resource from the configuration. For a resource applied before,
 *   the prior state's recorded dependencies bring the edge back; for a new one it is missing.
 * - References are per configuration resource, not per instance (`aws_instance.web[0]` in an
 *   expression is listed next to `aws_instance.web`), and that is also how Terraform orders them:
 *   every instance of the dependent waits for every instance of the dependency.
 *
 * Pure: JSON in, edges out.
 */
import type { PlanGraphEdge } from '../../../common/src/planGraph';
import { addressNames, moduleSteps } from './planAddress';
import { isObject, readPlanConfiguration, referenceLists, type Json, type ModuleConfig, type PlanConfiguration, type ResourceConfig } from './planConfiguration';

/** What this module needs to know about a node. */
export interface EdgeNode {
  id: string;
  /** The resource instance address (`module.a["k"].aws_instance.web[0]`). */
  address: string;
  /** The configuration address: instance keys removed (`module.a.aws_instance.web`). */
  configAddress: string;
  /** The module instance address (`module.a["k"]`), '' in the root. */
  module: string;
}

/**
 * Every edge the configuration and the prior state imply between the given nodes. Unknown or
 * malformed parts of the JSON are ignored (the edges are a help for reading the plan, never a reason
 * to refuse it); an edge is only kept when both ends are nodes, and never from a node to itself.
 */
export function planEdges(json: unknown, nodes: readonly EdgeNode[]): PlanGraphEdge[] {
  const byConfig = new Map<string, string[]>();
  const byAddress = new Map<string, string[]>();
  const index = new Map<string, number>();
  const modulePaths: ModuleInstancePath[] = [];
  for (const node of nodes) {
    push(byConfig, node.configAddress, node.id);
    push(byAddress, node.address, node.id);
    index.set(node.id, modulePaths.length);
    modulePaths.push(moduleInstancePath(node.module));
  }
  const edges: PlanGraphEdge[] = [];
  // Pairs of node indexes as one number: module-wide references can make a million edges, and
  // string keys for them cost seconds.
  const seen = new Set<number>();
  const add = (from: string, to: string) => {
    const f = index.get(from)!;
    const t = index.get(to)!;
    if (f === t || !sameModuleInstances(modulePaths[f], modulePaths[t])) return;
    const key = f * nodes.length + t;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to });
  };

  const root = isObject(json) ? json : {};
  const configuration = isObject(root.configuration) ? root.configuration : undefined;
  const tree = readPlanConfiguration(configuration);
  const resolver = configuration && tree ? new ConfigResolver(configuration, tree, byConfig) : undefined;
  if (resolver) {
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

  // Dependencies recorded in the prior state: absolute configuration addresses per instance. The
  // state keeps their transitive closure, so a dependency the configuration already implies (directly
  // or through other resources) would only add a redundant edge and is skipped; the rest are what
  // the JSON configuration cannot show: resources no longer configured, replace_triggered_by,
  // references through locals.
  const state = isObject(root.prior_state) && isObject(root.prior_state.values) ? root.prior_state.values.root_module : undefined;
  const configAddress = cachedConfigAddress();
  for (const resource of stateResources(state)) {
    const dependents = byAddress.get(String(resource.address));
    if (!dependents || !Array.isArray(resource.depends_on)) continue;
    const dependent = configAddress(String(resource.address));
    // Most recorded dependencies are direct ones; the walk through the configuration runs only for the rest.
    const direct = new Set(resolver?.directDependencies(dependent));
    const others = new Set<string>();
    for (const dependsOn of resource.depends_on) {
      if (typeof dependsOn !== 'string') continue;
      const address = configAddress(dependsOn);
      // Instances of one resource never depend on each other (here too).
      if (address !== dependent && !direct.has(address) && byConfig.has(address)) others.add(address);
    }
    const implied = others.size > 0 && resolver ? resolver.reachable(dependent, others) : new Set<string>();
    for (const address of others) {
      if (implied.has(address)) continue;
      for (const from of byConfig.get(address)!) for (const to of dependents) add(from, to);
    }
  }
  return edges;
}

/** A node's module instance steps (`module.a["k"]`) beside their call names (`module.a`). */
interface ModuleInstancePath {
  steps: string[];
  calls: string[];
}

function moduleInstancePath(moduleAddress: string): ModuleInstancePath {
  const steps = moduleSteps(moduleAddress);
  return { steps, calls: steps.map((step) => addressNames(step).join('.')) };
}

/**
 * Whether two nodes may depend on each other as far as module instances go: inside the module calls
 * their paths share, the instance keys must match too. A resource in `module.app["blue"]` refers to
 * `random_pet.pet` of `module.app["blue"]`, never of `module.app["green"]` (a module call cannot
 * depend on itself), while a root resource waits for every instance.
 */
function sameModuleInstances(a: ModuleInstancePath, b: ModuleInstancePath): boolean {
  const n = Math.min(a.calls.length, b.calls.length);
  for (let i = 0; i < n; i++) {
    if (a.calls[i] !== b.calls[i]) return true;
    if (a.steps[i] !== b.steps[i]) return false;
  }
  return true;
}

/** addressNames(…).join('.') with a cache: the state repeats the same addresses in every resource's dependencies. */
function cachedConfigAddress(): (address: string) => string {
  const cache = new Map<string, string>();
  return (address) => {
    let config = cache.get(address);
    if (config === undefined) {
      config = addressNames(address).join('.');
      cache.set(address, config);
    }
    return config;
  };
}

function* stateResources(module: unknown, depth = 0): Generator<Json> {
  if (!isObject(module) || depth > 1000) return;
  if (Array.isArray(module.resources)) for (const r of module.resources) if (isObject(r)) yield r;
  if (Array.isArray(module.child_modules)) for (const child of module.child_modules) yield* stateResources(child, depth + 1);
}

/** How many dependencies `reachable` looks at per resource: a plan of 10,000 resources must not take quadratic time. */
const MAX_CLOSURE_STEPS = 2_000;

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
  readonly resources: ResourceConfig[];
  private readonly modules: Map<string, ModuleConfig>;
  private readonly resourceByAddress: Map<string, ResourceConfig>;
  /** dependenciesOf per resource, once worked out completely. */
  private readonly dependencies = new Map<ResourceConfig, Dependency[]>();
  private readonly memo = new Map<string, Dependency[]>();
  private readonly active = new Set<string>();

  constructor(
    private readonly configuration: Json,
    tree: PlanConfiguration,
    private readonly byConfig: Map<string, string[]>,
  ) {
    this.resources = tree.resources;
    this.modules = tree.modules;
    this.resourceByAddress = tree.resourceByAddress;
  }

  /** Everything one configuration resource waits for. */
  dependenciesOf(resource: ResourceConfig): Dependency[] {
    const known = this.dependencies.get(resource);
    if (known) return known;
    const result = this.memoised(`resource:${resource.address}`, () => {
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
    // Kept only when complete (not cut short by a cycle in progress).
    if (this.memo.has(`resource:${resource.address}`)) this.dependencies.set(resource, result);
    return result;
  }

  /** The configuration addresses a resource waits for directly (through its own expressions, variables and outputs). */
  directDependencies(address: string): string[] {
    const resource = this.resourceByAddress.get(address);
    return resource ? this.dependenciesOf(resource).map((d) => d.configAddress) : [];
  }

  /**
   * Which of `targets` a resource waits for through others (walking its dependencies breadth first,
   * stopping once all are found). Bounded: past MAX_CLOSURE_STEPS dependencies looked at, the answer
   * is partial, which only means some redundant state edges are kept.
   */
  reachable(address: string, targets: ReadonlySet<string>): Set<string> {
    const found = new Set<string>();
    const start = this.resourceByAddress.get(address);
    if (!start) return found;
    const visited = new Set<string>();
    const queue = [start];
    let steps = 0;
    for (let head = 0; head < queue.length && steps < MAX_CLOSURE_STEPS && found.size < targets.size; head++) {
      for (const dependency of this.dependenciesOf(queue[head])) {
        if (++steps > MAX_CLOSURE_STEPS) break;
        if (visited.has(dependency.configAddress)) continue;
        visited.add(dependency.configAddress);
        if (targets.has(dependency.configAddress)) found.add(dependency.configAddress);
        const next = this.resourceByAddress.get(dependency.configAddress);
        if (next) queue.push(next);
      }
    }
    return found;
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
      // means the whole module when no output of that call is named in the same list.
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
        // The whole module object (`[for m in module.x : m.id]`): Terraform waits for everything in
        // the module, as the dependencies it records in the state show.
        return this.allResources(child);
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

  private allResources(module: ModuleConfig): Dependency[] {
    return this.memoised(`all:${module.path}`, () => this.resources.filter((r) => r.address.startsWith(`${module.path}.`)).flatMap((r) => this.resource(r.address)));
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

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
