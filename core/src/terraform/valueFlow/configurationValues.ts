/**
 * The values of a whole configuration tree as far as they can be known before plan: variables
 * (variable definitions files, module call arguments, defaults), locals, module outputs, the
 * instances of every module call and resource (`count`, `for_each`), and the attributes of
 * resource instances as other expressions read them — the deployed value where the resource stays,
 * "known after apply" where it is replaced. Everything is computed on demand through an
 * `IncrementalMemo`, so an edit recomputes only what reads what it changed, and so that what each
 * value was computed from can be followed back to the line the user edited.
 */
import type { SourceRange } from '../../../../common/src/findings';
import { attributeOf, type ConfiguredResource, type ModuleCall } from '../configuration';
import { evaluateExpression, type EvaluationOptions } from '../evaluation/evaluate';
import type { Expression } from '../hcl/expression';
import type { EvaluationScope, ResolvedReference } from '../evaluation/scope';
import { Unknown, type Value } from '../evaluation/value';
import type { HclAttribute, HclBlock, HclFile, HclValueNode } from '../hcl/model';
import type { KnowledgeLookup } from '../knowledgeLookup';
import { renderKnown, type KnownValue } from '../values';
import type { IncrementalMemo, MemoRecipe } from './incrementalMemo';
import { convertToDeclaredType } from './declaredTypes';
import { isMissingModule, moduleAddressOf, type MissingModule, type ModuleTreeNode } from './moduleTree';

/** A variable definitions file (`terraform.tfvars`, `x.auto.tfvars`, a `-var-file`), read and parsed. */
export interface VariableDefinitionsFile {
  path: string;
  file: HclFile;
}

export type InstanceKey = number | string | undefined;

/** One instance of a module: the root, or one instance of a module call. */
export interface ModuleInstance {
  /** As the plan writes it: '' for the root, `module.a["x"].module.b`. */
  address: string;
  node: ModuleTreeNode;
  /** The calling instance and the call; absent for the root. */
  parent?: ModuleInstance;
  call?: ModuleCall;
  /** `each` / `count.index` of the call's instance, for its arguments. */
  repetition: RepetitionContext;
}

export interface RepetitionContext {
  countIndex?: number;
  each?: { key: string; value: Value };
  /** The memo key of the expansion the instance comes from: reading `each` or `count` depends on it. */
  expansion?: string;
}

/** One instance of a resource, addressed as the plan writes it. */
export interface ResourceInstance {
  address: string;
  /** The resource without its instance key: `module.a["x"].local_file.f`. */
  resourceAddress: string;
  key: InstanceKey;
  resource: ConfiguredResource;
  module: ModuleInstance;
  repetition: RepetitionContext;
}

/** The instances of a resource or module call, or why they can't be listed before plan. */
export interface Expansion<T> {
  instances: T[];
  /** Why the instance keys are not known (a `for_each` over a value known only after apply): then `instances` are the deployed ones. */
  unknownKeys?: string;
  /** How many instances there are beyond the ones listed, when there are more than the analysis follows. */
  truncated?: number;
}

/** What becomes of a resource instance in the plan, as far as other resources' values are concerned. */
export type InstanceFate = 'replaced' | 'maybe-replaced' | 'created';

/** Where a value read by an expression was defined: the lines an edit can be on. */
export interface ValueSite {
  /** The same in the baseline's tree and the current one: `tfvars:terraform.tfvars:perm`, `arg:module.files:perm`. */
  key: string;
  file: string;
  range: SourceRange;
  /** The name as the user reads it: `perm`, `local.name`. */
  name: string;
  /** What is written there, whitespace-normalised: tells whether the line was edited. */
  text: string;
  /** The attribute's value node, the same object while its text is unchanged. */
  node: HclValueNode;
}

export interface DeployedInstances {
  /** The deployed attributes of an instance (managed or data), by its address; undefined when it is not deployed. */
  attributes(address: string): Record<string, unknown> | undefined;
  /** The deployed instance keys of a resource (`module.a.local_file.f`), for when the configuration's are unknown. */
  instanceKeys(resourceAddress: string): InstanceKey[] | undefined;
  /** The deployed instance keys of a module call (`module.a`), likewise. */
  moduleInstanceKeys(callAddress: string): InstanceKey[] | undefined;
}

export interface ConfigurationValuesInput {
  tree: ModuleTreeNode;
  /** In the order Terraform loads them: a later file's value wins. */
  variableFiles: readonly VariableDefinitionsFile[];
  knowledge: KnowledgeLookup;
  /** The deployed state's values, when the baseline is state. */
  deployed?: DeployedInstances;
  /**
   * How the analysis assesses an instance (memo key `assess\0<address>`), and what the assessment
   * means for those who read the instance: asked when another resource reads it. Absent for a
   * baseline tree, in which nothing changes.
   */
  assessment?: {
    recipe(instance: ResourceInstance): MemoRecipe<unknown>;
    fate(assessment: unknown): InstanceFate | undefined;
    /** Whether the instance is updated in place (memo key `upd\0<address>`): asked only when another resource reads a value such an update renews. */
    inPlaceUpdate(instance: ResourceInstance): MemoRecipe<'certain' | 'possible' | undefined>;
  };
  /** `file()`: a file's text by a path relative to the root module (or absolute); undefined when it can't be read. */
  readFile?: (path: string) => string | undefined;
  /** `templatefile()`: a template file's text as an expression; absent: `templatefile` stays unknown. */
  parseTemplate?: (text: string) => Expression | undefined;
  /** `terraform.workspace`. */
  workspace: string;
  memo: IncrementalMemo;
}

/** Instances followed per resource or module call; the rest are counted and named in a note. */
export const MAX_INSTANCES = 1000;

const META_ARGUMENTS = new Set(['source', 'version', 'count', 'for_each', 'providers', 'depends_on']);

export class ConfigurationValues {
  private readonly root: ModuleInstance;
  private readonly moduleInstances = new Map<string, ModuleInstance>();
  private readonly resourceInstances = new Map<string, ResourceInstance>();

  constructor(private readonly input: ConfigurationValuesInput) {
    this.root = { address: '', node: input.tree, repetition: NO_REPETITION };
    this.moduleInstances.set('', this.root);
    input.memo.startGeneration((key) => this.recipe(key));
  }

  get memo(): IncrementalMemo {
    return this.input.memo;
  }

  get rootInstance(): ModuleInstance {
    return this.root;
  }

  /** Every module instance of the tree, the root first, parents before children. */
  allModuleInstances(): { instances: ModuleInstance[]; notes: Array<{ call: ModuleCall; module: ModuleInstance; expansion: Expansion<ModuleInstance> }> } {
    const instances: ModuleInstance[] = [];
    const notes: Array<{ call: ModuleCall; module: ModuleInstance; expansion: Expansion<ModuleInstance> }> = [];
    const visit = (instance: ModuleInstance) => {
      instances.push(instance);
      for (const call of instance.node.config.moduleCalls) {
        const child = instance.node.children.get(call.name);
        if (!child || isMissingModule(child)) continue;
        const expansion = this.moduleCallInstances(instance, call);
        if (expansion.unknownKeys || expansion.truncated) notes.push({ call, module: instance, expansion });
        expansion.instances.forEach(visit);
      }
    };
    visit(this.root);
    return { instances, notes };
  }

  /** The instances of a module call in one instance of its caller. */
  moduleCallInstances(parent: ModuleInstance, call: ModuleCall): Expansion<ModuleInstance> {
    const child = parent.node.children.get(call.name);
    if (!child || isMissingModule(child)) return { instances: [] };
    const keys = this.memo.get<Expansion<KeyedRepetition>>(`calls\0${parent.address}\0${call.name}`) ?? { instances: [] };
    const prefix = `${parent.address ? `${parent.address}.` : ''}module.${call.name}`;
    return {
      ...keys,
      instances: keys.instances.map(({ key, repetition }) => {
        const address = prefix + instanceKeySuffix(key);
        let instance = this.moduleInstances.get(address);
        if (!instance || instance.node !== child || instance.call !== call) {
          instance = { address, node: child, parent, call, repetition };
          this.moduleInstances.set(address, instance);
        } else instance.repetition = repetition;
        return instance;
      }),
    };
  }

  /** The instances of a resource in one module instance. */
  instancesOf(module: ModuleInstance, resource: ConfiguredResource): Expansion<ResourceInstance> {
    // A single instance needs no memo: what reads it reads its entries, whose tokens hold its block.
    const keys =
      resource.repetition.kind === 'single'
        ? SINGLE_INSTANCE
        : (this.memo.get<Expansion<KeyedRepetition>>(`res\0${module.address}\0${resource.address}`) ?? { instances: [] });
    const resourceAddress = `${module.address ? `${module.address}.` : ''}${resource.address}`;
    return {
      ...keys,
      instances: keys.instances.map(({ key, repetition }) => {
        const address = resourceAddress + instanceKeySuffix(key);
        let instance = this.resourceInstances.get(address);
        if (!instance || instance.resource !== resource || instance.module !== module) {
          instance = { address, resourceAddress, key, resource, module, repetition };
          this.resourceInstances.set(address, instance);
        } else instance.repetition = repetition;
        return instance;
      }),
    };
  }

  /** The configured value of an instance's top-level attribute, evaluated in its scope (memoised). */
  configuredAttribute(instance: ResourceInstance, name: string): Value | undefined {
    const attribute = attributeOf(instance.resource.block, name);
    if (!attribute) return undefined;
    // A literal reads nothing: decoding it again costs less than keeping it (the resource's block
    // is in the token of whatever assesses it).
    if (isLiteral(attribute.value)) return evaluateNodeIn(attribute.value, CONSTANT_SCOPE);
    this.resourceInstances.set(instance.address, instance);
    return this.memo.get<Value>(`cfg\0${instance.address}\0${name}`);
  }

  /** Evaluates a value node of an instance's block (a nested block's attribute), not memoised. */
  evaluateInInstance(instance: ResourceInstance, node: HclValueNode): Value {
    return this.evaluateNode(node, this.scopeFor(instance.module, instance.repetition, instance));
  }

  /** The fate of an instance as the analysis decided it; undefined while it is being decided (a cycle) or without a decision. */
  fateOf(instance: ResourceInstance): InstanceFate | undefined {
    const assessment = this.input.assessment;
    if (!assessment) return undefined;
    this.resourceInstances.set(instance.address, instance);
    const assessed = this.memo.get(`assess\0${instance.address}`);
    return assessed === undefined ? undefined : assessment.fate(assessed);
  }

  /** The analysis' assessment of an instance (see `ConfigurationValuesInput.assessment`); undefined while it is being made. */
  assessmentOf<A>(instance: ResourceInstance): A | undefined {
    this.resourceInstances.set(instance.address, instance);
    return this.memo.get<A>(`assess\0${instance.address}`);
  }

  /** An attribute of an instance as other expressions read it: the planned value, deployed, configured or known after apply. */
  attributeValue(instance: ResourceInstance, name: string): Value {
    this.resourceInstances.set(instance.address, instance);
    return orCycle(this.memo.get<Value>(`attr\0${instance.address}\0${name}`), `${instance.address}.${name}`);
  }

  /** The instance at an address, expanding what leads to it; undefined when the configuration has none there. */
  instanceAt(address: string): ResourceInstance | undefined {
    return this.resourceInstance(address);
  }

  /** The sites whose values an entry was computed from, following what it read. */
  sitesOf(keys: readonly string[]): ValueSite[] {
    const seen = new Set<string>();
    const sites = new Map<string, ValueSite>();
    const queue = [...keys];
    while (queue.length > 0) {
      const key = queue.pop()!;
      if (seen.has(key)) continue;
      seen.add(key);
      const site = this.siteOfKey(key);
      if (site) sites.set(site.key, site);
      // A resource's fate is not where a value comes from: a cascade is reported as such.
      if (key.startsWith('fate\0')) continue;
      queue.push(...this.memo.dependencies(key));
    }
    return [...sites.values()];
  }

  /** The memo key of an instance's configured attribute, for `sitesOf`. */
  static attributeKey(instance: ResourceInstance, name: string): string {
    return `cfg\0${instance.address}\0${name}`;
  }

  // ---- memo recipes ----------------------------------------------------------------------------

  private recipe(key: string): MemoRecipe<unknown> {
    const parts = key.split('\0');
    switch (parts[0]) {
      case 'var':
        return this.variableRecipe(this.moduleInstance(parts[1]), parts[2]);
      case 'local':
        return this.localRecipe(this.moduleInstance(parts[1]), parts[2]);
      case 'out':
        return this.outputRecipe(this.moduleInstance(parts[1]), parts[2]);
      case 'calls':
        return this.callsRecipe(this.moduleInstance(parts[1]), parts[2]);
      case 'res':
        return this.resourceKeysRecipe(this.moduleInstance(parts[1]), parts[2]);
      case 'cfg':
        return this.configuredRecipe(this.resourceInstance(parts[1]), parts[2]);
      case 'attr':
        return this.readAttributeRecipe(this.resourceInstance(parts[1]), parts[2]);
      case 'obj':
        return this.objectRecipe(this.resourceInstance(parts[1]));
      case 'coll':
        return this.collectionRecipe(this.moduleInstance(parts[1]), parts[2]);
      case 'assess': {
        const instance = this.resourceInstance(parts[1]);
        return instance && this.input.assessment ? this.input.assessment.recipe(instance) : { token: () => [instance], compute: () => null };
      }
      case 'upd': {
        const instance = this.resourceInstance(parts[1]);
        return instance && this.input.assessment ? this.input.assessment.inPlaceUpdate(instance) : { token: () => [instance], compute: () => undefined };
      }
    }
    throw new Error(`Unknown value-flow memo key ${JSON.stringify(key)}`);
  }

  /**
   * The module instance at an address. An entry kept from an earlier analysis may name one this
   * analysis has not reached yet: then it is found by expanding the calls on its way.
   */
  private moduleInstance(address: string): ModuleInstance | undefined {
    const known = this.moduleInstances.get(address);
    if (known || address === '') return known;
    const steps = moduleAddressSteps(address);
    if (!steps) return undefined;
    let instance: ModuleInstance = this.root;
    let prefix = '';
    for (const step of steps) {
      prefix += (prefix ? '.' : '') + step;
      const name = /^module\.([^[.]+)/.exec(step)?.[1];
      const call = name === undefined ? undefined : instance.node.config.moduleCalls.find((c) => c.name === name);
      const next: ModuleInstance | undefined = call && this.moduleCallInstances(instance, call).instances.find((i) => i.address === prefix);
      if (!next) return undefined;
      instance = next;
    }
    return instance;
  }

  /** The resource instance at an address, found the same way. */
  private resourceInstance(address: string): ResourceInstance | undefined {
    const known = this.resourceInstances.get(address);
    if (known) return known;
    const parsed = splitResourceInstanceAddress(address);
    const module = parsed && this.moduleInstance(parsed.module);
    const resource = module && module.node.config.byAddress.get(parsed.resource);
    return resource && this.instancesOf(module, resource).instances.find((i) => i.address === address);
  }

  private variableRecipe(module: ModuleInstance | undefined, name: string): MemoRecipe<Value> {
    const definition = module && this.variableDefinition(module, name);
    const declared = module?.node.config.variables.get(name);
    return {
      token: () => [definition?.node, declared?.block, module?.repetition, module?.parent && this.callRepetitionToken(module)],
      compute: () => {
        if (!module || !declared) return new Unknown(`var.${name}`, [`\`var.${name}\` is not declared in this module`]);
        let value: Value;
        if (definition?.kind === 'argument') {
          value = this.evaluateNode(definition.node, this.scopeFor(module.parent!, module.repetition));
        } else if (definition?.kind === 'tfvars') {
          value = this.evaluateNode(definition.node, CONSTANT_SCOPE);
        } else if (definition?.kind === 'default') {
          value = this.evaluateNode(definition.node, CONSTANT_SCOPE);
        } else {
          return new Unknown(`var.${name}`, [`\`var.${name}\` has no value: the plan asks for one`]);
        }
        if (value === null && declared.default && definition.kind !== 'default' && declared.nullable === false) {
          value = this.evaluateNode(declared.default.value, CONSTANT_SCOPE);
        }
        const type = declared.type?.value.value;
        return convertToDeclaredType(value, type?.kind === 'expression' ? type.expression : undefined, CONSTANT_SCOPE);
      },
    };
  }

  /** A child module instance's variables are evaluated in its caller: the caller's own repetition counts too. */
  private callRepetitionToken(module: ModuleInstance): unknown {
    return module.parent?.repetition;
  }

  /** Which line gives a variable its value: the caller's argument, the last variable definitions file, or the default. */
  private variableDefinition(
    module: ModuleInstance,
    name: string,
  ): { kind: 'argument' | 'tfvars' | 'default'; node: HclValueNode; attribute: HclAttribute; file: string } | undefined {
    if (module.call) {
      const argument = attributeOf(module.call.block, name);
      if (argument && !META_ARGUMENTS.has(name)) return { kind: 'argument', node: argument.value, attribute: argument, file: module.call.file };
    } else {
      for (let i = this.input.variableFiles.length - 1; i >= 0; i--) {
        const file = this.input.variableFiles[i];
        const attribute = file.file.attributes.find((a) => a.name === name);
        if (attribute) return { kind: 'tfvars', node: attribute.value, attribute, file: file.path };
      }
    }
    const declared = module.node.config.variables.get(name);
    if (declared?.default) return { kind: 'default', node: declared.default.value, attribute: declared.default, file: declared.file };
    return undefined;
  }

  private localRecipe(module: ModuleInstance | undefined, name: string): MemoRecipe<Value> {
    const local = module?.node.config.localAttributes.get(name);
    return {
      token: () => [local?.attribute.value, module?.node.pathModule],
      compute: () => {
        if (!module || !local) return new Unknown(`local.${name}`, [`\`local.${name}\` is not declared in this module`]);
        return this.evaluateNode(local.attribute.value, this.scopeFor(module, {}));
      },
    };
  }

  private outputRecipe(module: ModuleInstance | undefined, name: string): MemoRecipe<Value> {
    const output = module?.node.config.outputs.get(name);
    return {
      token: () => [output?.value?.value, module?.node.pathModule],
      compute: () => {
        if (!module || !output) return new Unknown(`module.${name}`, [`the module has no output "${name}"`]);
        if (!output.value) return null;
        return this.evaluateNode(output.value.value, this.scopeFor(module, {}));
      },
    };
  }

  private callsRecipe(parent: ModuleInstance | undefined, name: string): MemoRecipe<Expansion<KeyedRepetition>> {
    const call = parent?.node.config.moduleCalls.find((c) => c.name === name);
    const prefix = parent ? `${parent.address ? `${parent.address}.` : ''}module.${name}` : '';
    return {
      token: () => [call?.block, call && childToken(parent?.node.children.get(call.name)), call?.repetition.kind === 'single' ? 'single' : call?.repetition.value],
      compute: () => {
        if (!parent || !call) return { instances: [] };
        return this.expand(`calls\0${parent.address}\0${name}`, call.repetition, this.scopeFor(parent, {}), () => this.input.deployed?.moduleInstanceKeys(prefix));
      },
    };
  }

  private resourceKeysRecipe(module: ModuleInstance | undefined, address: string): MemoRecipe<Expansion<KeyedRepetition>> {
    const resource = module?.node.config.byAddress.get(address);
    const resourceAddress = module ? `${module.address ? `${module.address}.` : ''}${address}` : '';
    return {
      token: () => [resource?.block, resource?.repetition.kind === 'single' ? 'single' : resource?.repetition.value],
      compute: () => {
        if (!module || !resource) return { instances: [] };
        return this.expand(`res\0${module.address}\0${address}`, resource.repetition, this.scopeFor(module, {}), () =>
          this.input.deployed?.instanceKeys(resourceAddress),
        );
      },
    };
  }

  private configuredRecipe(instance: ResourceInstance | undefined, name: string): MemoRecipe<Value | undefined> {
    const attribute = instance && attributeOf(instance.resource.block, name);
    return {
      token: () => [attribute?.value, instance?.repetition, instance?.module.node.pathModule],
      compute: () => {
        if (!instance || !attribute) return undefined;
        return this.evaluateNode(attribute.value, this.scopeFor(instance.module, instance.repetition, instance));
      },
    };
  }

  /** An attribute of an instance as another expression reads it: what the plan will hold for it. */
  private readAttributeRecipe(instance: ResourceInstance | undefined, name: string): MemoRecipe<Value> {
    return {
      token: () => [instance?.resource.block, this.input.deployed],
      compute: () => this.attributeAsRead(instance, name),
    };
  }

  /** An instance as an object value, as other expressions read it (memoised per instance). */
  private objectRecipe(instance: ResourceInstance | undefined): MemoRecipe<Value> {
    return {
      token: () => [instance?.resource.block, this.input.deployed],
      compute: () => (instance ? this.instanceObject(instance) : new Unknown('resource', ['the resource is not declared'])),
    };
  }

  /**
   * Whether an in-place update gives this computed attribute a new value, unknown at plan time: the
   * plugin framework marks every computed attribute without `UseStateForUnknown` unknown when the
   * resource changes; `terraform_data` renews `output` when `input` changes; SDKv2 keeps the state's.
   */
  private renewedByUpdate(instance: ResourceInstance, name: string, keepsState: boolean): boolean {
    if (keepsState || name === 'id' || !this.input.assessment) return false;
    const sdk = this.input.knowledge.resource(instance.resource.type)?.provider.sdk;
    if (sdk === 'builtin') return instance.resource.type === 'terraform_data' && name === 'output';
    return sdk === 'framework';
  }

  /** A repeated resource as a value: its instances' objects, by index or key (memoised per resource and module instance). */
  private collectionRecipe(module: ModuleInstance | undefined, address: string): MemoRecipe<Value> {
    const resource = module?.node.config.byAddress.get(address);
    return {
      token: () => [resource?.block],
      compute: () => {
        if (!module || !resource) return new Unknown(address, [`\`${address}\` is not declared in this module`]);
        const expansion = this.instancesOf(module, resource);
        if (expansion.unknownKeys) return new Unknown(address, [expansion.unknownKeys]);
        const objectOf = (instance: ResourceInstance) => orCycle(this.memo.get<Value>(`obj\0${instance.address}`), instance.address);
        if (resource.repetition.kind === 'count') return expansion.instances.map(objectOf);
        const byKey: Record<string, Value> = {};
        for (const instance of expansion.instances) byKey[String(instance.key)] = objectOf(instance);
        return byKey;
      },
    };
  }

  /** An attribute of an instance as another expression reads it: what the plan will hold for it. */
  private attributeAsRead(instance: ResourceInstance | undefined, name: string): Value {
    if (!instance) return new Unknown(name, ['the resource is not declared']);
    const configured = this.configuredAttribute(instance, name);
    if (configured !== undefined && configured !== null) return configured;
    const address = instance.address;
    const fate = this.fateOf(instance);
    const rule = this.input.knowledge.resource(instance.resource.type)?.knowledge.attributes[name];
    const computed = rule?.computed === true || name === 'id';
    if (instance.resource.mode === 'data') {
      const deployed = this.input.deployed?.attributes(address);
      if (deployed && name in deployed) return deployed[name] as Value;
      return new Unknown(`${address}.${name}`, [`\`${address}.${name}\`, read at plan time`]);
    }
    if (fate) {
      if (!computed) return configured === null ? null : rule ? null : new Unknown(`${address}.${name}`, [`\`${address}.${name}\`, known after apply`]);
      return new Unknown(
        `${address}.${name}`,
        [`\`${address}.${name}\`, known after apply`],
        [{ address, attribute: name, ...(fate === 'maybe-replaced' ? { possible: true } : {}) }],
      );
    }
    if (computed && rule && this.renewedByUpdate(instance, name, rule.useStateForUnknown === true)) {
      const update = this.memo.get<'certain' | 'possible' | undefined>(`upd\0${address}`);
      if (update) {
        return new Unknown(
          `${address}.${name}`,
          [`\`${address}.${name}\`, known after the in-place update`],
          [{ address, attribute: name, ...(update === 'possible' ? { possible: true } : {}) }],
        );
      }
    }
    const deployed = this.input.deployed?.attributes(address);
    if (deployed && name in deployed) return rule?.type === 'dynamic' ? unwrapDynamicState(deployed[name] as Value) : (deployed[name] as Value);
    if (configured === null || (rule && !computed)) return null;
    return new Unknown(`${address}.${name}`, [`\`${address}.${name}\`, which only the deployed state holds`]);
  }

  // ---- expansion -------------------------------------------------------------------------------

  private expand(
    expansion: string,
    repetition: ConfiguredResource['repetition'],
    scope: EvaluationScope,
    deployedKeys: () => InstanceKey[] | undefined,
  ): Expansion<KeyedRepetition> {
    if (repetition.kind === 'single') return { instances: [{ key: undefined, repetition: NO_REPETITION }] };
    const value = this.evaluateNode(repetition.value, scope);
    if (repetition.kind === 'count') {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
        const n = Math.min(value, MAX_INSTANCES);
        const instances: KeyedRepetition[] = [];
        for (let i = 0; i < n; i++) instances.push({ key: i, repetition: { countIndex: i, expansion } });
        return { instances, ...(value > n ? { truncated: value - n } : {}) };
      }
      const keys = (deployedKeys() ?? []).filter((k): k is number => typeof k === 'number');
      return {
        instances: keys.map((k) => ({ key: k, repetition: { countIndex: k, expansion } })),
        unknownKeys: unknownReason(value, '`count`'),
      };
    }
    const entries = forEachEntries(value);
    if (entries) {
      const limited = entries.slice(0, MAX_INSTANCES);
      return {
        instances: limited.map(([key, v]) => ({ key, repetition: { each: { key, value: v }, expansion } })),
        ...(entries.length > limited.length ? { truncated: entries.length - limited.length } : {}),
      };
    }
    const keys = (deployedKeys() ?? []).filter((k): k is string => typeof k === 'string');
    const reason = unknownReason(value, '`for_each`');
    return {
      instances: keys.map((k) => ({ key: k, repetition: { each: { key: k, value: new Unknown('each.value', [reason]) }, expansion } })),
      unknownKeys: reason,
    };
  }

  // ---- scopes ----------------------------------------------------------------------------------

  /** The scope of expressions in a module instance, with `each`/`count` of a repeated block, and `self` of a resource's own block. */
  private scopeFor(module: ModuleInstance, repetition: RepetitionContext, self?: ResourceInstance): EvaluationScope {
    return {
      resolve: (names, range) => this.resolve(module, repetition, self, names, range),
      readFile: (path) => this.input.readFile?.(path),
    };
  }

  private resolve(
    module: ModuleInstance,
    repetition: RepetitionContext,
    self: ResourceInstance | undefined,
    names: readonly string[],
    _range: SourceRange,
  ): ResolvedReference {
    const [root, second, third] = names;
    const memo = this.memo;
    switch (root) {
      case 'var':
        if (second === undefined) break;
        return { value: orCycle(memo.get<Value>(`var\0${module.address}\0${second}`), `var.${second}`), consumed: 2 };
      case 'local':
        if (second === undefined) break;
        return { value: orCycle(memo.get<Value>(`local\0${module.address}\0${second}`), `local.${second}`), consumed: 2 };
      case 'each':
        if (repetition.expansion) memo.get(repetition.expansion);
        if (!repetition.each) return { value: new Unknown(`each.${second ?? ''}`, ['`each` is only valid in a block with `for_each`']), consumed: 2 };
        if (second === 'key') return { value: repetition.each.key, consumed: 2 };
        if (second === 'value') return { value: repetition.each.value, consumed: 2 };
        break;
      case 'count':
        if (repetition.expansion) memo.get(repetition.expansion);
        if (second === 'index' && repetition.countIndex !== undefined) return { value: repetition.countIndex, consumed: 2 };
        return { value: new Unknown(`count.${second ?? ''}`, ['`count.index` is only valid in a block with `count`']), consumed: 2 };
      case 'path':
        if (second === 'module') return { value: module.node.pathModule, consumed: 2 };
        if (second === 'root') return { value: '.', consumed: 2 };
        if (second === 'cwd') return { value: this.input.tree.dir, consumed: 2 };
        break;
      case 'terraform':
        if (second === 'workspace') return { value: this.input.workspace, consumed: 2 };
        break;
      case 'self':
        if (self && second !== undefined)
          return { value: this.configuredAttribute(self, second) ?? new Unknown(`self.${second}`, ['`self`, known after apply']), consumed: 2 };
        break;
      case 'module':
        if (second === undefined) break;
        return this.moduleReference(module, second, third);
      case 'data':
        if (second === undefined || third === undefined) break;
        return this.resourceReference(module, `data.${second}.${third}`, names[3], 3);
      default:
        if (second === undefined) break;
        return this.resourceReference(module, `${root}.${second}`, third, 2);
    }
    const text = names.join('.');
    return { value: new Unknown(text, [`\`${text}\` is not something this analysis evaluates`]), consumed: names.length };
  }

  private moduleReference(module: ModuleInstance, name: string, output: string | undefined): ResolvedReference {
    const call = module.node.config.moduleCalls.find((c) => c.name === name);
    const child = module.node.children.get(name);
    if (!call) this.memo.get(`calls\0${module.address}\0${name}`);
    if (!call) return { value: new Unknown(`module.${name}`, [`module "${name}" is not called in this module`]), consumed: 2 };
    if (!child || isMissingModule(child)) {
      const reason = isMissingModule(child) ? child.reason : `module "${name}" could not be read`;
      return { value: new Unknown(`module.${name}${output ? `.${output}` : ''}`, [reason]), consumed: 2 };
    }
    const expansion = this.moduleCallInstances(module, call);
    const outputsOf = (instance: ModuleInstance): Value => {
      const values: Record<string, Value> = {};
      for (const outputName of instance.node.config.outputs.keys())
        values[outputName] = orCycle(this.memo.get<Value>(`out\0${instance.address}\0${outputName}`), `module.${name}.${outputName}`);
      return values;
    };
    if (call.repetition.kind === 'single') {
      const instance = expansion.instances[0];
      if (!instance) return { value: new Unknown(`module.${name}`, [`module "${name}" has no instance`]), consumed: 2 };
      if (output !== undefined) {
        if (!instance.node.config.outputs.has(output))
          return { value: new Unknown(`module.${name}.${output}`, [`module "${name}" has no output "${output}"`]), consumed: 3 };
        return { value: orCycle(this.memo.get<Value>(`out\0${instance.address}\0${output}`), `module.${name}.${output}`), consumed: 3 };
      }
      return { value: outputsOf(instance), consumed: 2 };
    }
    if (expansion.unknownKeys) return { value: new Unknown(`module.${name}`, [expansion.unknownKeys]), consumed: 2 };
    if (call.repetition.kind === 'count') return { value: expansion.instances.map(outputsOf), consumed: 2 };
    const byKey: Record<string, Value> = {};
    for (const instance of expansion.instances) byKey[String(instanceKeyOf(instance.address))] = outputsOf(instance);
    return { value: byKey, consumed: 2 };
  }

  private resourceReference(module: ModuleInstance, address: string, attribute: string | undefined, consumed: number): ResolvedReference {
    const resource = module.node.config.byAddress.get(address);
    // Read even when undeclared, so that declaring it later recomputes what referred to it.
    if (!resource) this.memo.get(`res\0${module.address}\0${address}`);
    if (!resource) return { value: new Unknown(address, [`\`${address}\` is not declared in this module`]), consumed };
    const expansion = this.instancesOf(module, resource);
    if (resource.repetition.kind === 'single') {
      const instance = expansion.instances[0];
      if (!instance) return { value: new Unknown(address, [`\`${address}\` has no instance`]), consumed };
      if (attribute !== undefined && !isNestedBlock(resource.block, attribute)) {
        return { value: orCycle(this.memo.get<Value>(`attr\0${instance.address}\0${attribute}`), `${instance.address}.${attribute}`), consumed: consumed + 1 };
      }
      return { value: orCycle(this.memo.get<Value>(`obj\0${instance.address}`), instance.address), consumed };
    }
    return { value: orCycle(this.memo.get<Value>(`coll\0${module.address}\0${address}`), address), consumed };
  }

  /** An instance as an object value: every attribute its configuration, its type's schema or its state names. */
  private instanceObject(instance: ResourceInstance): Value {
    const names = new Set<string>(['id']);
    for (const attribute of instance.resource.block.attributes) if (!META_ARGUMENTS.has(attribute.name) && attribute.name !== 'provider') names.add(attribute.name);
    const knowledge = this.input.knowledge.resource(instance.resource.type)?.knowledge;
    for (const name of Object.keys(knowledge?.attributes ?? {})) names.add(name);
    for (const name of Object.keys(this.input.deployed?.attributes(instance.address) ?? {})) names.add(name);
    const value: Record<string, Value> = {};
    for (const name of names) value[name] = this.attributeAsRead(instance, name);
    for (const block of instance.resource.block.blocks) {
      if (block.type === 'lifecycle' || block.type === 'provisioner' || block.type === 'connection' || block.type === 'dynamic') continue;
      const items = (value[block.type] as Value[] | undefined) ?? [];
      value[block.type] = [...(Array.isArray(items) ? items : []), this.blockObject(instance, block)];
    }
    return value;
  }

  private blockObject(instance: ResourceInstance, block: HclBlock): Value {
    const value: Record<string, Value> = {};
    for (const attribute of block.attributes) value[attribute.name] = this.evaluateInInstance(instance, attribute.value);
    for (const nested of block.blocks) {
      const items = value[nested.type];
      value[nested.type] = [...(Array.isArray(items) ? items : []), this.blockObject(instance, nested)];
    }
    return value;
  }

  // ---- sites -----------------------------------------------------------------------------------

  /** The line a memo entry's value is written on, for the entries that are such lines. */
  private siteOfKey(key: string): ValueSite | undefined {
    const [kind, moduleAddress, name] = key.split('\0');
    if (kind !== 'var' && kind !== 'local' && kind !== 'out' && kind !== 'calls' && kind !== 'res') return undefined;
    const module = this.moduleInstances.get(moduleAddress);
    if (!module) return undefined;
    const staticAddress = moduleAddressOf(module.node.callPath);
    if (kind === 'calls' || kind === 'res') {
      const owner = kind === 'calls' ? module.node.config.moduleCalls.find((c) => c.name === name) : module.node.config.byAddress.get(name);
      const attribute = owner && attributeOf(owner.block, owner.repetition.kind === 'single' ? '' : owner.repetition.kind);
      const ownerAddress = [staticAddress, kind === 'calls' ? `module.${name}` : name].filter(Boolean).join('.');
      return owner && attribute && siteOf(`repetition:${ownerAddress}`, owner.file, attribute, `${ownerAddress.replace(/^.*\b(module\.)/, '$1')}'s ${attribute.name}`);
    }
    if (kind === 'var') {
      const definition = this.variableDefinition(module, name);
      if (!definition) return undefined;
      const where = definition.kind === 'tfvars' ? `tfvars:${baseName(definition.file)}` : `${definition.kind}:${staticAddress}`;
      return siteOf(`${where}:${name}`, definition.file, definition.attribute, name);
    }
    if (kind === 'local') {
      const local = module.node.config.localAttributes.get(name);
      return local && siteOf(`local:${staticAddress}:${name}`, local.file, local.attribute, `local.${name}`);
    }
    const output = module.node.config.outputs.get(name);
    return output?.value && siteOf(`output:${staticAddress}:${name}`, output.file, output.value, `output "${name}"`);
  }

  /** Every line of the tree an edit can be on, by site key: for telling which ones an edit changed. */
  allSites(): Map<string, ValueSite> {
    const sites = new Map<string, ValueSite>();
    for (const file of this.input.variableFiles) {
      for (const attribute of file.file.attributes)
        sites.set(`tfvars:${baseName(file.path)}:${attribute.name}`, siteOf(`tfvars:${baseName(file.path)}:${attribute.name}`, file.path, attribute, attribute.name));
    }
    const visit = (node: ModuleTreeNode) => {
      const staticAddress = moduleAddressOf(node.callPath);
      for (const [name, variable] of node.config.variables) {
        if (variable.default) sites.set(`default:${staticAddress}:${name}`, siteOf(`default:${staticAddress}:${name}`, variable.file, variable.default, name));
      }
      for (const [name, local] of node.config.localAttributes)
        sites.set(`local:${staticAddress}:${name}`, siteOf(`local:${staticAddress}:${name}`, local.file, local.attribute, `local.${name}`));
      for (const [name, output] of node.config.outputs) {
        if (output.value) sites.set(`output:${staticAddress}:${name}`, siteOf(`output:${staticAddress}:${name}`, output.file, output.value, `output "${name}"`));
      }
      for (const resource of node.config.resources) {
        if (resource.repetition.kind === 'single') continue;
        const ownerAddress = [staticAddress, resource.address].filter(Boolean).join('.');
        const attribute = attributeOf(resource.block, resource.repetition.kind);
        if (attribute) sites.set(`repetition:${ownerAddress}`, siteOf(`repetition:${ownerAddress}`, resource.file, attribute, `${resource.address}'s ${attribute.name}`));
      }
      for (const call of node.config.moduleCalls) {
        const childAddress = moduleAddressOf([...node.callPath, call.name]);
        const repetition = call.repetition.kind === 'single' ? undefined : attributeOf(call.block, call.repetition.kind);
        if (repetition) sites.set(`repetition:${childAddress}`, siteOf(`repetition:${childAddress}`, call.file, repetition, `module.${call.name}'s ${repetition.name}`));
        for (const attribute of call.block.attributes) {
          if (META_ARGUMENTS.has(attribute.name)) continue;
          sites.set(`argument:${childAddress}:${attribute.name}`, siteOf(`argument:${childAddress}:${attribute.name}`, call.file, attribute, attribute.name));
        }
      }
      for (const child of node.children.values()) if (!isMissingModule(child)) visit(child);
    };
    visit(this.input.tree);
    return sites;
  }

  // ---- evaluation ------------------------------------------------------------------------------

  evaluateNode(node: HclValueNode, scope: EvaluationScope): Value {
    return evaluateNodeIn(node, scope, this.evaluationOptions);
  }

  private readonly evaluationOptions: EvaluationOptions = { parseTemplate: (text) => this.input.parseTemplate?.(text) };
}

/** The root's (and every unrepeated block's) context: one object, so that memo tokens holding it stay the same. */
const NO_REPETITION: RepetitionContext = Object.freeze({});

const SINGLE_INSTANCE: Expansion<KeyedRepetition> = Object.freeze({ instances: [{ key: undefined, repetition: NO_REPETITION }] });

const literalNodes = new WeakMap<HclValueNode, boolean>();

/** A value with no expression anywhere inside: it evaluates the same in every scope. */
function isLiteral(node: HclValueNode): boolean {
  let literal = literalNodes.get(node);
  if (literal === undefined) {
    const value = node.value;
    literal =
      value.kind === 'expression'
        ? false
        : value.kind === 'tuple'
          ? value.items.every(isLiteral)
          : value.kind === 'object'
            ? value.entries.every((e) => e.keyIsLiteral && isLiteral(e.value))
            : true;
    literalNodes.set(node, literal);
  }
  return literal;
}

interface KeyedRepetition {
  key: InstanceKey;
  repetition: RepetitionContext;
}

/** Evaluates a configuration value: literals as decoded, expressions by the evaluator. */
export function evaluateNodeIn(node: HclValueNode, scope: EvaluationScope, options: EvaluationOptions = {}): Value {
  const value = node.value;
  switch (value.kind) {
    case 'string':
    case 'bool':
    case 'number':
      return value.value;
    case 'null':
      return null;
    case 'tuple':
      return value.items.map((item) => evaluateNodeIn(item, scope, options));
    case 'object': {
      const entries: Record<string, Value> = {};
      for (const entry of value.entries) {
        if (!entry.keyIsLiteral) return new Unknown(`{ ${entry.key} = … }`, ['an object key computed by an expression']);
        entries[entry.key] = evaluateNodeIn(entry.value, scope, options);
      }
      return entries;
    }
    case 'expression':
      return evaluateExpression(value.expression, scope, options);
  }
}

/** A scope for variable definitions files and defaults, which may hold only constants. */
const CONSTANT_SCOPE: EvaluationScope = {
  resolve: (names) => {
    const text = names.join('.');
    return { value: new Unknown(text, [`\`${text}\`: variable values must be constants`]), consumed: names.length };
  },
  readFile: () => undefined,
};

/** Which module a call's instances are of, comparable between analyses (the tree's node objects are new each time). */
function childToken(child: ModuleTreeNode | MissingModule | undefined): string | undefined {
  if (!child) return undefined;
  return isMissingModule(child) ? `missing:${child.reason}` : child.dir;
}

/**
 * The state stores a dynamically typed attribute (`terraform_data.output`) as `{"value": …, "type": …}`;
 * an expression reading it sees the bare value.
 */
function unwrapDynamicState(value: Value): Value {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Unknown)) {
    const keys = Object.keys(value);
    if (keys.length === 2 && 'value' in value && 'type' in value) return value.value;
  }
  return value;
}

/** A memo read: undefined only while the entry is being computed (a cycle); `null` is a value like any other. */
function orCycle(value: Value | undefined, name: string): Value {
  return value === undefined ? cycle(name) : value;
}

function cycle(name: string): Unknown {
  return new Unknown(name, [`\`${name}\` refers to itself, through other values: Terraform reports a cycle`]);
}

function unknownReason(value: Value, what: string): string {
  if (value instanceof Unknown) return `${what} depends on ${value.reasons[0] ?? value.symbol}, so its instances are known only at plan time`;
  return `${what} is not a valid value here`;
}

/** `for_each` keys and values as Terraform orders them (a set of strings or a map; keys sorted). */
function forEachEntries(value: Value): Array<[string, Value]> | undefined {
  if (value === null || typeof value !== 'object' || value instanceof Unknown) return undefined;
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'string')) return undefined;
    return [...new Set(value as string[])].sort(compareStrings).map((v) => [v, v]);
  }
  const record = value as Record<string, Value>;
  return Object.keys(record)
    .sort(compareStrings)
    .map((k) => [k, record[k]]);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function instanceKeySuffix(key: InstanceKey): string {
  if (key === undefined) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

/** The key of the last instance step of an address: `module.m["x"]` → `x`. */
function instanceKeyOf(address: string): InstanceKey {
  const match = /\[("(?:[^"\\]|\\.)*"|\d+)\]$/.exec(address);
  if (!match) return undefined;
  return match[1].startsWith('"') ? (JSON.parse(match[1]) as string) : Number(match[1]);
}

const MODULE_STEP = /module\.[A-Za-z_][\w-]*(?:\[(?:"(?:[^"\\]|\\.)*"|\d+)\])?/y;

/** `module.a["x.y"].module.b` → its steps, each with its key; undefined when it is not a module instance address. */
function moduleAddressSteps(address: string): string[] | undefined {
  const steps: string[] = [];
  let at = 0;
  while (at < address.length) {
    MODULE_STEP.lastIndex = at;
    const match = MODULE_STEP.exec(address);
    if (!match) return undefined;
    steps.push(match[0]);
    at = MODULE_STEP.lastIndex;
    if (at < address.length) {
      if (address[at] !== '.') return undefined;
      at++;
    }
  }
  return steps;
}

/** `module.a[0].local_file.f["k"]` → module `module.a[0]`, resource `local_file.f`. */
function splitResourceInstanceAddress(address: string): { module: string; resource: string } | undefined {
  let at = 0;
  let module = '';
  for (;;) {
    MODULE_STEP.lastIndex = at;
    const match = MODULE_STEP.exec(address);
    if (!match || address[MODULE_STEP.lastIndex] !== '.') break;
    module += (module ? '.' : '') + match[0];
    at = MODULE_STEP.lastIndex + 1;
  }
  const rest = address.slice(at).replace(/\[(?:"(?:[^"\\]|\\.)*"|\d+)\]$/, '');
  return /^(data\.)?[A-Za-z_][\w-]*\.[A-Za-z_][\w-]*$/.test(rest) ? { module, resource: rest } : undefined;
}

function isNestedBlock(block: HclBlock, name: string): boolean {
  return block.blocks.some((b) => b.type === name);
}

function siteOf(key: string, file: string, attribute: HclAttribute, name: string): ValueSite {
  return { key, file, range: attribute.range, name, text: siteText(attribute.value), node: attribute.value };
}

const siteTexts = new WeakMap<HclValueNode, string>();

/** The value as written, whitespace-normalised, for telling an edit from a reformat. */
function siteText(node: HclValueNode): string {
  let text = siteTexts.get(node);
  if (text === undefined) {
    text = JSON.stringify(stripRanges(node.value));
    siteTexts.set(node, text);
  }
  return text;
}

function stripRanges(value: HclValueNode['value']): unknown {
  switch (value.kind) {
    case 'expression':
      return { e: value.text.replace(/\s+/g, ' ').trim() };
    case 'tuple':
      return value.items.map((item) => stripRanges(item.value));
    case 'object':
      return value.entries.map((entry) => [entry.key, stripRanges(entry.value.value)]);
    case 'number':
      return value.value;
    case 'null':
      return null;
    default:
      return value.value;
  }
}

/** What a site holds, as the message shows it: the literal value, or the expression as written. */
export function renderSiteValue(site: ValueSite): string {
  const value = site.node.value;
  if (value.kind === 'expression') return value.text.replace(/\s+/g, ' ').trim();
  const known = evaluateNodeIn(site.node, CONSTANT_SCOPE);
  return renderKnown(known as KnownValue);
}

function baseName(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts[parts.length - 1];
}
