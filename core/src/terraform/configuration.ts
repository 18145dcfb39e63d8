/**
 * A Terraform module's configuration as the analysis sees it: the resources, moved/removed blocks
 * and module calls of every `.tf` file in one folder (a module is a folder; references cross files).
 */
import type { HclAttribute, HclBlock, HclFile, HclValueNode } from './hcl/model';
import { impliedLocalName } from './providerAddress';

export type Repetition = { kind: 'single' } | { kind: 'count'; value: HclValueNode } | { kind: 'for_each'; value: HclValueNode };

export interface LifecycleSettings {
  block?: HclBlock;
  createBeforeDestroy?: HclAttribute;
  preventDestroy?: HclAttribute;
  replaceTriggeredBy?: HclAttribute;
  ignoreChanges?: HclAttribute;
}

export interface ConfiguredResource {
  file: string;
  block: HclBlock;
  mode: 'managed' | 'data';
  type: string;
  name: string;
  /** Module-relative address without instance keys: `local_file.example`, `data.x.y`. */
  address: string;
  repetition: Repetition;
  lifecycle: LifecycleSettings;
  /**
   * The local name of the provider it uses: the first part of its `provider` meta-argument
   * (`aws` for `provider = aws.west`), else its type's first word.
   */
  providerLocalName: string;
}

/** One entry of `terraform { required_providers { … } }`. */
export interface ProviderRequirement {
  localName: string;
  /** The `source` as written (`hashicorp/aws`); absent in the old `name = "constraint"` form. */
  source?: string;
  /** Version constraints as written; several `terraform` blocks may each add one. */
  versionConstraints: string[];
}

export interface MovedStatement {
  file: string;
  block: HclBlock;
  from?: string;
  to?: string;
}

export interface ModuleCall {
  file: string;
  block: HclBlock;
  name: string;
  source?: string;
  repetition: Repetition;
}

export interface ModuleConfiguration {
  resources: ConfiguredResource[];
  byAddress: Map<string, ConfiguredResource>;
  moved: MovedStatement[];
  /** Addresses named by `removed { from = … }` blocks: deliberately taken out of management. */
  removed: Set<string>;
  moduleCalls: ModuleCall[];
  /** `required_providers` entries by local name. */
  requiredProviders: Map<string, ProviderRequirement>;
  /** `variable` blocks by name. */
  variables: Map<string, DeclaredVariable>;
  /** `locals` entries by name, with where they are. */
  localAttributes: Map<string, { file: string; attribute: HclAttribute }>;
  /** `output` blocks by name. */
  outputs: Map<string, DeclaredOutput>;
}

export interface DeclaredVariable {
  file: string;
  block: HclBlock;
  default?: HclAttribute;
  type?: HclAttribute;
  /** `nullable = false`: a null argument takes the default. */
  nullable?: boolean;
}

export interface DeclaredOutput {
  file: string;
  block: HclBlock;
  value?: HclAttribute;
}

export interface ConfigurationFile {
  path: string;
  file: HclFile;
}

export function attributeOf(block: HclBlock, name: string): HclAttribute | undefined {
  return block.attributes.find((a) => a.name === name);
}

export function resourceAddress(mode: 'managed' | 'data', type: string, name: string): string {
  return mode === 'data' ? `data.${type}.${name}` : `${type}.${name}`;
}

/**
 * The last configuration built from each first file: a host and the analysis both build the
 * configuration of the same files, and the next analysis after an edit elsewhere builds it again.
 * The configuration is never changed once built, so handing out the same object is safe.
 */
const builtConfigurations = new WeakMap<HclFile, { files: readonly ConfigurationFile[]; config: ModuleConfiguration }>();

export function buildModuleConfiguration(files: readonly ConfigurationFile[]): ModuleConfiguration {
  const first = files[0]?.file;
  const previous = first && builtConfigurations.get(first);
  if (previous && previous.files.length === files.length && previous.files.every((f, i) => f.file === files[i].file && f.path === files[i].path)) return previous.config;
  const config = buildConfiguration(files);
  if (first) builtConfigurations.set(first, { files: files.map(({ path, file }) => ({ path, file })), config });
  return config;
}

function buildConfiguration(files: readonly ConfigurationFile[]): ModuleConfiguration {
  const config: ModuleConfiguration = {
    resources: [],
    byAddress: new Map(),
    moved: [],
    removed: new Set(),
    moduleCalls: [],
    requiredProviders: new Map(),
    variables: new Map(),
    localAttributes: new Map(),
    outputs: new Map(),
  };
  for (const { path, file } of files) {
    for (const block of file.blocks) {
      switch (block.type) {
        case 'resource':
        case 'data': {
          if (block.labels.length !== 2) break;
          const mode = block.type === 'data' ? 'data' : 'managed';
          const [type, name] = block.labels;
          const resource: ConfiguredResource = {
            file: path,
            block,
            mode,
            type,
            name,
            address: resourceAddress(mode, type, name),
            repetition: repetitionOf(block),
            lifecycle: lifecycleOf(block),
            providerLocalName: providerLocalNameOf(block, type),
          };
          // A duplicate address is a configuration error Terraform reports itself; keep the first.
          if (!config.byAddress.has(resource.address)) {
            config.byAddress.set(resource.address, resource);
            config.resources.push(resource);
          }
          break;
        }
        case 'moved':
          config.moved.push({
            file: path,
            block,
            from: traversalText(attributeOf(block, 'from')),
            to: traversalText(attributeOf(block, 'to')),
          });
          break;
        case 'removed': {
          const from = traversalText(attributeOf(block, 'from'));
          if (from) config.removed.add(from);
          break;
        }
        case 'module': {
          if (block.labels.length !== 1) break;
          const source = attributeOf(block, 'source')?.value.value;
          config.moduleCalls.push({
            file: path,
            block,
            name: block.labels[0],
            source: source?.kind === 'string' ? source.value : undefined,
            repetition: repetitionOf(block),
          });
          break;
        }
        case 'terraform':
          for (const required of block.blocks) if (required.type === 'required_providers') addProviderRequirements(config.requiredProviders, required);
          break;
        case 'locals':
          for (const attribute of block.attributes) {
            config.localAttributes.set(attribute.name, { file: path, attribute });
          }
          break;
        case 'variable': {
          const defaultValue = attributeOf(block, 'default');
          if (block.labels.length === 1 && !config.variables.has(block.labels[0])) {
            config.variables.set(block.labels[0], {
              file: path,
              block,
              default: defaultValue,
              type: attributeOf(block, 'type'),
              nullable: literalBool(attributeOf(block, 'nullable')),
            });
          }
          break;
        }
        case 'output':
          if (block.labels.length === 1 && !config.outputs.has(block.labels[0])) {
            config.outputs.set(block.labels[0], { file: path, block, value: attributeOf(block, 'value') });
          }
          break;
      }
    }
  }
  return config;
}

function providerLocalNameOf(block: HclBlock, type: string): string {
  // `provider = aws.west` (or the legacy quoted "aws.west"): the local name is before the alias.
  const reference = traversalText(attributeOf(block, 'provider'));
  const localName = reference?.split('.')[0];
  return localName || impliedLocalName(type);
}

function addProviderRequirements(into: Map<string, ProviderRequirement>, block: HclBlock): void {
  for (const attribute of block.attributes) {
    const requirement = into.get(attribute.name) ?? { localName: attribute.name, versionConstraints: [] };
    const value = attribute.value.value;
    if (value.kind === 'string') requirement.versionConstraints.push(value.value);
    else if (value.kind === 'object') {
      for (const entry of value.entries) {
        const literal = entry.value.value;
        if (literal.kind !== 'string') continue;
        if (entry.key === 'source') requirement.source ??= literal.value;
        else if (entry.key === 'version') requirement.versionConstraints.push(literal.value);
      }
    }
    into.set(attribute.name, requirement);
  }
}

function repetitionOf(block: HclBlock): Repetition {
  const count = attributeOf(block, 'count');
  if (count) return { kind: 'count', value: count.value };
  const forEach = attributeOf(block, 'for_each');
  if (forEach) return { kind: 'for_each', value: forEach.value };
  return { kind: 'single' };
}

function lifecycleOf(block: HclBlock): LifecycleSettings {
  const lifecycle = block.blocks.find((b) => b.type === 'lifecycle');
  if (!lifecycle) return {};
  return {
    block: lifecycle,
    createBeforeDestroy: attributeOf(lifecycle, 'create_before_destroy'),
    preventDestroy: attributeOf(lifecycle, 'prevent_destroy'),
    replaceTriggeredBy: attributeOf(lifecycle, 'replace_triggered_by'),
    ignoreChanges: attributeOf(lifecycle, 'ignore_changes'),
  };
}

/** `from = local_file.a` is an expression whose text is the address (with any index kept). */
function traversalText(attribute: HclAttribute | undefined): string | undefined {
  if (!attribute) return undefined;
  const value = attribute.value.value;
  if (value.kind === 'expression') return value.text.replace(/\s+/g, '');
  if (value.kind === 'string') return value.value; // legacy quoted form
  return undefined;
}

/** True when the literal value is `true`; undefined when it's not a literal bool. */
export function literalBool(attribute: HclAttribute | undefined): boolean | undefined {
  const value = attribute?.value.value;
  return value?.kind === 'bool' ? value.value : undefined;
}

/** From the block type to its last label: where a code lens about the block belongs. */
export function blockHeaderRange(block: HclBlock): HclBlock['range'] {
  const last = block.labelRanges[block.labelRanges.length - 1] ?? block.typeRange;
  return { start: block.typeRange.start, end: last.end };
}
