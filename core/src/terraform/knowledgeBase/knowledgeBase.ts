/**
 * Loads the replacement knowledge base (`data/terraform-providers/`, documented in its FORMAT.md):
 * `index.json` maps resource types to provider files, which are read and validated on first use.
 * Pure Node (fs + path): no editor or LSP dependencies.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KNOWLEDGE_BASE_FORMAT_VERSION, type AttributeKnowledge, type BlockKnowledge, type ProviderKnowledge, type ResourceKnowledge } from './format';

export const INDEX_FILE = 'index.json';
export const STATEFUL_FILE = 'stateful-resources.json';

/**
 * The directory holding `index.json` and the provider files: next to the bundle
 * (`dist/data/terraform-providers`) when it exists, else the repository's `data/terraform-providers`
 * found by walking up from this module (compiled tests, development). Falls back to the bundle path,
 * where loading then fails with a message naming it.
 */
export function defaultKnowledgeBaseDir(): string {
  const bundled = path.join(__dirname, 'data', 'terraform-providers');
  if (fs.existsSync(bundled)) return bundled;
  let dir = __dirname;
  for (;;) {
    const candidate = path.join(dir, 'data', 'terraform-providers');
    if (fs.existsSync(path.join(candidate, INDEX_FILE))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return bundled;
    dir = parent;
  }
}

export interface KnowledgeIndex {
  formatVersion: number;
  description?: string;
  /** Provider file → what it holds (informational). */
  providers?: Record<string, { source: string; version: string }>;
  /** Exact resource type (aliases included) → provider file name. */
  resources: Record<string, string>;
  /** Resource type prefix (`aws_`) → provider file name; the longest matching prefix wins. */
  prefixes?: Record<string, string>;
}

export interface StatefulEntry {
  /** Exact resource type. */
  type?: string;
  /** Glob over type names; `*` matches one or more characters. */
  pattern?: string;
  provider?: string;
  category?: string;
  reason: string;
}

export interface StatefulList {
  formatVersion: number;
  description?: string;
  entries: StatefulEntry[];
}

export interface ResolvedResource {
  /** Canonical type (an alias resolved to the type it names). */
  type: string;
  /** The type asked for; differs from `type` for an alias. */
  requestedType: string;
  knowledge: ResourceKnowledge;
  provider: ProviderKnowledge['provider'];
}

export type RuleLookup = { kind: 'attribute'; rule: AttributeKnowledge } | { kind: 'block'; rule: BlockKnowledge };

export class ReplacementKnowledgeBase {
  readonly dataDir: string;
  private readonly statefulFile: string;
  private index: KnowledgeIndex | undefined;
  private readonly providers = new Map<string, ProviderKnowledge>();
  private stateful: { exact: Map<string, string>; patterns: Array<{ regex: RegExp; reason: string }> } | undefined;

  /**
   * @param dataDir the provider directory (default: `defaultKnowledgeBaseDir()`).
   * @param statefulFile the stateful-resource list (default: `stateful-resources.json` in the parent
   *   of `dataDir`); a missing file means an empty list.
   */
  constructor(dataDir?: string, statefulFile?: string) {
    this.dataDir = dataDir ?? defaultKnowledgeBaseDir();
    this.statefulFile = statefulFile ?? path.join(this.dataDir, '..', STATEFUL_FILE);
  }

  /** Loads the provider file lazily on first use; undefined for unknown types. Throws a clear Error for a broken file. */
  resource(resourceType: string): ResolvedResource | undefined {
    const file = this.fileFor(resourceType);
    if (file === undefined) return undefined;
    const provider = this.provider(file);
    let type = resourceType;
    let knowledge = ownEntry(provider.resources, type);
    if (!knowledge) {
      const canonical = provider.aliases ? ownEntry(provider.aliases, type) : undefined;
      if (canonical === undefined) return undefined;
      type = canonical;
      knowledge = ownEntry(provider.resources, canonical);
      if (!knowledge) return undefined;
    }
    return { type, requestedType: resourceType, knowledge, provider: provider.provider };
  }

  /** The provider whose file the index names for this type (exactly or by prefix); loads that file. */
  providerFor(resourceType: string): ProviderKnowledge['provider'] | undefined {
    const file = this.fileFor(resourceType);
    return file === undefined ? undefined : this.provider(file).provider;
  }

  /**
   * Rule for an attribute path (`['file_permission']`, `['subject', 'common_name']` where `subject`
   * is a block). Block element indices are not part of the path (numeric segments after a block or
   * a nested attribute are skipped). A path that continues into a primitive collection attribute
   * (`['triggers', 'key']`) gets that attribute's rule.
   */
  rule(resourceType: string, attributePath: string[]): RuleLookup | undefined {
    const resolved = this.resource(resourceType);
    if (!resolved || attributePath.length === 0) return undefined;
    let attributes: Record<string, AttributeKnowledge> | undefined = resolved.knowledge.attributes;
    let blocks: Record<string, BlockKnowledge> | undefined = resolved.knowledge.blocks;
    let insideNesting = false;
    for (let i = 0; i < attributePath.length; i++) {
      const segment = attributePath[i];
      const last = i === attributePath.length - 1;
      if (insideNesting && /^\d+$/.test(segment)) {
        if (last) return undefined;
        continue;
      }
      const attribute: AttributeKnowledge | undefined = attributes ? ownEntry(attributes, segment) : undefined;
      if (attribute) {
        if (last || !attribute.attributes) return { kind: 'attribute', rule: attribute };
        attributes = attribute.attributes;
        blocks = undefined;
        insideNesting = true;
        continue;
      }
      const block: BlockKnowledge | undefined = blocks ? ownEntry(blocks, segment) : undefined;
      if (block) {
        if (last) return { kind: 'block', rule: block };
        attributes = block.attributes;
        blocks = block.blocks;
        insideNesting = true;
        continue;
      }
      return undefined;
    }
    return undefined;
  }

  /** All paths (attributes, nested attributes, blocks) whose rule is not `never`. */
  forceNewPaths(resourceType: string): string[][] {
    const resolved = this.resource(resourceType);
    if (!resolved) return [];
    const out: string[][] = [];
    collectForceNew(resolved.knowledge.attributes, resolved.knowledge.blocks, [], out);
    return out;
  }

  /**
   * Why replacing this type destroys data: an exact entry of the stateful list, else the resource's
   * own `statefulReason`, else a pattern of the list (aliases are tried under their canonical type too).
   */
  statefulReason(resourceType: string): string | undefined {
    const list = this.statefulList();
    const exact = list.exact.get(resourceType);
    if (exact !== undefined) return exact;
    const resolved = this.fileFor(resourceType) !== undefined ? this.resource(resourceType) : undefined;
    if (resolved?.knowledge.stateful && resolved.knowledge.statefulReason) return resolved.knowledge.statefulReason;
    const names = resolved && resolved.type !== resourceType ? [resourceType, resolved.type] : [resourceType];
    if (names.length > 1) {
      const canonical = list.exact.get(names[1]);
      if (canonical !== undefined) return canonical;
    }
    for (const name of names) {
      for (const pattern of list.patterns) if (pattern.regex.test(name)) return pattern.reason;
    }
    return undefined;
  }

  /** Sources of the provider files loaded so far, in load order (for a test of laziness). */
  loadedProviders(): string[] {
    return [...this.providers.values()].map((p) => p.provider.source);
  }

  /** Every resource type the index names exactly (aliases included), sorted; loads no provider file. */
  resourceTypes(): string[] {
    return Object.keys(this.loadIndex().resources).sort();
  }

  /** Provider file names listed by the index (resources and prefixes), sorted. */
  providerFiles(): string[] {
    const index = this.loadIndex();
    return [...new Set([...Object.values(index.resources), ...Object.values(index.prefixes ?? {})])].sort();
  }

  private fileFor(resourceType: string): string | undefined {
    const index = this.loadIndex();
    const exact = ownEntry(index.resources, resourceType);
    if (exact !== undefined) return exact;
    let best: string | undefined;
    let bestLength = -1;
    for (const [prefix, file] of Object.entries(index.prefixes ?? {})) {
      if (resourceType.startsWith(prefix) && prefix.length > bestLength) {
        best = file;
        bestLength = prefix.length;
      }
    }
    return best;
  }

  private provider(file: string): ProviderKnowledge {
    const cached = this.providers.get(file);
    if (cached) return cached;
    const loaded = loadProviderFile(path.join(this.dataDir, file));
    this.providers.set(file, loaded);
    return loaded;
  }

  private loadIndex(): KnowledgeIndex {
    if (!this.index) this.index = loadIndexFile(path.join(this.dataDir, INDEX_FILE));
    return this.index;
  }

  private statefulList(): NonNullable<ReplacementKnowledgeBase['stateful']> {
    if (!this.stateful) {
      const exact = new Map<string, string>();
      const patterns: Array<{ regex: RegExp; reason: string }> = [];
      if (fs.existsSync(this.statefulFile)) {
        for (const entry of loadStatefulFile(this.statefulFile).entries) {
          if (entry.type !== undefined) exact.set(entry.type, entry.reason);
          else if (entry.pattern !== undefined) patterns.push({ regex: globToRegExp(entry.pattern), reason: entry.reason });
        }
      }
      this.stateful = { exact, patterns };
    }
    return this.stateful;
  }
}

function ownEntry<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

function collectForceNew(attributes: Record<string, AttributeKnowledge>, blocks: Record<string, BlockKnowledge> | undefined, prefix: string[], out: string[][]): void {
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.replace !== 'never') out.push([...prefix, name]);
    if (attribute.attributes) collectForceNew(attribute.attributes, undefined, [...prefix, name], out);
  }
  for (const [name, block] of Object.entries(blocks ?? {})) {
    if (block.replace !== 'never') out.push([...prefix, name]);
    collectForceNew(block.attributes, block.blocks, [...prefix, name], out);
  }
}

/** `*` matches one or more characters; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.+');
  return new RegExp(`^${body}$`);
}

// ---- reading and validation -------------------------------------------------------------------

function readJson(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Replacement knowledge base: cannot read ${what} ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`Replacement knowledge base: ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

class Problems {
  readonly list: string[] = [];
  add(where: string, message: string): void {
    if (this.list.length < 20) this.list.push(where ? `${where}: ${message}` : message);
  }
  throwIfAny(file: string): void {
    if (this.list.length === 0) return;
    throw new Error(`Replacement knowledge base: ${file} is invalid:\n  - ${this.list.join('\n  - ')}`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkFormatVersion(data: Record<string, unknown>, file: string): void {
  const version = data.formatVersion;
  if (version === undefined) {
    throw new Error(`Replacement knowledge base: ${file} has no formatVersion (this reader understands ${KNOWLEDGE_BASE_FORMAT_VERSION})`);
  }
  if (version !== KNOWLEDGE_BASE_FORMAT_VERSION) {
    throw new Error(
      `Replacement knowledge base: ${file} has unsupported formatVersion ${JSON.stringify(version)} (this reader understands ${KNOWLEDGE_BASE_FORMAT_VERSION})`,
    );
  }
}

const SDKS = new Set(['builtin', 'framework', 'sdkv2']);
const ATTRIBUTE_RULES = new Set(['never', 'always', 'if-configured', 'conditional']);
const BLOCK_RULES = new Set(['never', 'always', 'on-add-remove', 'if-configured', 'conditional']);
const BLOCK_NESTINGS = new Set(['single', 'list', 'set', 'map', 'group']);
const ATTRIBUTE_NESTINGS = new Set(['single', 'list', 'set', 'map']);
const CONDITIONAL_KINDS = new Set(['plan', 'time', 'refresh']);
const FLAGS = ['required', 'optional', 'computed', 'sensitive', 'deprecated', 'useStateForUnknown', 'writeOnly'] as const;

function optionalString(problems: Problems, where: string, record: Record<string, unknown>, key: string): void {
  if (record[key] !== undefined && typeof record[key] !== 'string') problems.add(where, `${key} must be a string`);
}

function validateAttribute(problems: Problems, where: string, value: unknown): void {
  if (!isObject(value)) return problems.add(where, 'must be an object');
  if (typeof value.replace !== 'string' || !ATTRIBUTE_RULES.has(value.replace)) {
    problems.add(where, `replace must be one of ${[...ATTRIBUTE_RULES].join(', ')} (got ${JSON.stringify(value.replace)})`);
  }
  if (value.replace === 'conditional' && (typeof value.condition !== 'string' || value.condition === '')) {
    problems.add(where, 'a conditional rule needs a condition sentence');
  }
  for (const flag of FLAGS) {
    if (value[flag] !== undefined && typeof value[flag] !== 'boolean') problems.add(where, `${flag} must be a boolean`);
  }
  for (const key of ['condition', 'note', 'type', 'source']) optionalString(problems, where, value, key);
  if (value.nesting !== undefined && !ATTRIBUTE_NESTINGS.has(value.nesting as string)) {
    problems.add(where, `nesting must be one of ${[...ATTRIBUTE_NESTINGS].join(', ')}`);
  }
  if (value.attributes !== undefined) validateAttributes(problems, where, value.attributes);
}

function validateAttributes(problems: Problems, where: string, value: unknown): void {
  if (!isObject(value)) return problems.add(where, 'attributes must be an object');
  for (const [name, attribute] of Object.entries(value)) validateAttribute(problems, `${where}.${name}`, attribute);
}

function validateBlock(problems: Problems, where: string, value: unknown): void {
  if (!isObject(value)) return problems.add(where, 'must be an object');
  if (typeof value.nesting !== 'string' || !BLOCK_NESTINGS.has(value.nesting)) {
    problems.add(where, `nesting must be one of ${[...BLOCK_NESTINGS].join(', ')} (got ${JSON.stringify(value.nesting)})`);
  }
  if (typeof value.replace !== 'string' || !BLOCK_RULES.has(value.replace)) {
    problems.add(where, `replace must be one of ${[...BLOCK_RULES].join(', ')} (got ${JSON.stringify(value.replace)})`);
  }
  if (value.replace === 'conditional' && (typeof value.condition !== 'string' || value.condition === '')) {
    problems.add(where, 'a conditional rule needs a condition sentence');
  }
  for (const key of ['minItems', 'maxItems']) {
    if (value[key] !== undefined && (typeof value[key] !== 'number' || !Number.isInteger(value[key]))) {
      problems.add(where, `${key} must be an integer`);
    }
  }
  for (const key of ['condition', 'note', 'source']) optionalString(problems, where, value, key);
  if (value.attributes === undefined) problems.add(where, 'attributes is missing');
  else validateAttributes(problems, where, value.attributes);
  if (value.blocks !== undefined) validateBlocks(problems, where, value.blocks);
}

function validateBlocks(problems: Problems, where: string, value: unknown): void {
  if (!isObject(value)) return problems.add(where, 'blocks must be an object');
  for (const [name, block] of Object.entries(value)) validateBlock(problems, `${where}.${name}`, block);
}

function validateResource(problems: Problems, where: string, value: unknown): void {
  if (!isObject(value)) return problems.add(where, 'must be an object');
  if (value.attributes === undefined) problems.add(where, 'attributes is missing');
  else validateAttributes(problems, where, value.attributes);
  if (value.blocks !== undefined) validateBlocks(problems, where, value.blocks);
  if (value.conditionalReplacements !== undefined) {
    if (!Array.isArray(value.conditionalReplacements)) problems.add(where, 'conditionalReplacements must be an array');
    else {
      value.conditionalReplacements.forEach((entry: unknown, i: number) => {
        const at = `${where}.conditionalReplacements[${i}]`;
        if (!isObject(entry)) return problems.add(at, 'must be an object');
        if (!Array.isArray(entry.attributes) || entry.attributes.some((a) => typeof a !== 'string')) {
          problems.add(at, 'attributes must be an array of attribute paths');
        }
        if (typeof entry.condition !== 'string' || entry.condition === '') problems.add(at, 'condition is missing');
        optionalString(problems, at, entry, 'source');
        if (entry.kind !== undefined && !CONDITIONAL_KINDS.has(entry.kind as string)) {
          problems.add(at, `kind must be one of ${[...CONDITIONAL_KINDS].join(', ')}`);
        }
      });
    }
  }
  if (value.stateful !== undefined && typeof value.stateful !== 'boolean') problems.add(where, 'stateful must be a boolean');
  if (value.stateful === true && (typeof value.statefulReason !== 'string' || value.statefulReason === '')) {
    problems.add(where, 'a stateful resource needs a statefulReason');
  }
  if (value.deprecated !== undefined && typeof value.deprecated !== 'boolean') problems.add(where, 'deprecated must be a boolean');
  if (value.identity !== undefined) {
    const identity = value.identity;
    if (!isObject(identity) || !Array.isArray(identity.attributes) || identity.attributes.length === 0 || identity.attributes.some((a) => typeof a !== 'string')) {
      problems.add(where, 'identity.attributes must be a non-empty array of attribute names');
    } else if (typeof identity.hazard !== 'string' || identity.hazard === '') problems.add(where, 'identity.hazard is missing');
  }
  optionalString(problems, where, value, 'statefulReason');
  optionalString(problems, where, value, 'sourceFile');
}

/** Reads and validates one provider file; throws an Error naming the file on any problem. */
export function loadProviderFile(file: string): ProviderKnowledge {
  const data = readJson(file, 'provider file');
  if (!isObject(data)) throw new Error(`Replacement knowledge base: ${file} is invalid: the top level must be an object`);
  checkFormatVersion(data, file);
  const problems = new Problems();
  const provider = data.provider;
  if (!isObject(provider)) problems.add('provider', 'is missing');
  else {
    for (const key of ['source', 'version']) {
      if (typeof provider[key] !== 'string' || provider[key] === '') problems.add('provider', `${key} is missing`);
    }
    if (typeof provider.sdk !== 'string' || !SDKS.has(provider.sdk)) {
      problems.add('provider', `sdk must be one of ${[...SDKS].join(', ')} (got ${JSON.stringify(provider.sdk)})`);
    }
    for (const key of ['module', 'commit', 'moduleSum', 'tag', 'repository']) optionalString(problems, 'provider', provider, key);
  }
  if (typeof data.generatedBy !== 'string' || data.generatedBy === '') problems.add('', 'generatedBy is missing');
  if (!isObject(data.resources)) problems.add('', 'resources is missing');
  else for (const [type, resource] of Object.entries(data.resources)) validateResource(problems, `resources.${type}`, resource);
  if (data.aliases !== undefined) {
    if (!isObject(data.aliases)) problems.add('', 'aliases must be an object');
    else {
      for (const [alias, target] of Object.entries(data.aliases)) {
        if (typeof target !== 'string') problems.add(`aliases.${alias}`, 'must name a resource type');
        else if (!isObject(data.resources) || !Object.prototype.hasOwnProperty.call(data.resources, target)) {
          problems.add(`aliases.${alias}`, `names ${target}, which is not in resources`);
        }
      }
    }
  }
  problems.throwIfAny(file);
  return data as unknown as ProviderKnowledge;
}

function validateStringMap(problems: Problems, where: string, value: unknown): void {
  if (!isObject(value)) return problems.add(where, 'must be an object');
  for (const [key, file] of Object.entries(value)) {
    if (typeof file !== 'string' || !/^[\w.-]+\.json$/.test(file)) problems.add(`${where}.${key}`, 'must name a .json file in the same directory');
  }
}

export function loadIndexFile(file: string): KnowledgeIndex {
  const data = readJson(file, 'index');
  if (!isObject(data)) throw new Error(`Replacement knowledge base: ${file} is invalid: the top level must be an object`);
  checkFormatVersion(data, file);
  const problems = new Problems();
  if (data.resources === undefined) problems.add('', 'resources is missing');
  else validateStringMap(problems, 'resources', data.resources);
  if (data.prefixes !== undefined) validateStringMap(problems, 'prefixes', data.prefixes);
  problems.throwIfAny(file);
  return data as unknown as KnowledgeIndex;
}

export function loadStatefulFile(file: string): StatefulList {
  const data = readJson(file, 'stateful-resource list');
  if (!isObject(data)) throw new Error(`Replacement knowledge base: ${file} is invalid: the top level must be an object`);
  checkFormatVersion(data, file);
  const problems = new Problems();
  if (!Array.isArray(data.entries)) problems.add('', 'entries is missing');
  else {
    data.entries.forEach((entry: unknown, i: number) => {
      const at = `entries[${i}]`;
      if (!isObject(entry)) return problems.add(at, 'must be an object');
      const hasType = typeof entry.type === 'string' && entry.type !== '';
      const hasPattern = typeof entry.pattern === 'string' && entry.pattern !== '';
      if (hasType === hasPattern) problems.add(at, 'needs exactly one of type and pattern');
      if (typeof entry.reason !== 'string' || entry.reason === '') problems.add(at, 'reason is missing');
      for (const key of ['provider', 'category']) optionalString(problems, at, entry, key);
    });
  }
  problems.throwIfAny(file);
  return data as unknown as StatefulList;
}
