/**
 * Loads the replacement knowledge base (`data/terraform-providers/`, documented in its FORMAT.md):
 * `index.json` maps resource types to provider files. A provider file is read when the analysis
 * first meets one of its types, and one resource's entry is parsed and validated only when its type
 * is met, so a module using three aws resources costs three entries of aws, not 1,700.
 * Pure Node (fs + path): no editor or LSP dependencies.
 */
import * as fs from 'fs';
import * as path from 'path';
import { KNOWLEDGE_BASE_FORMAT_VERSION, type AttributeKnowledge, type BlockKnowledge, type ProviderKnowledge, type ResourceKnowledge } from './format';
import { PACK_SUFFIX, readProviderPack } from './knowledgePack';
import { envelopeText, ProviderFileSyntaxError, splitProviderFile } from './providerFileParts';

export const INDEX_FILE = 'index.json';
export const STATEFUL_FILE = 'stateful-resources.json';
/**
 * Names another knowledge directory for the language server and the CLI: for benchmarks, and for
 * trying data that is not shipped yet.
 */
export const KNOWLEDGE_DIR_ENV = 'IMMUTABLE_INFRA_KNOWLEDGE_DIR';

/**
 * The directory holding `index.json` and the provider files: next to the bundle
 * (`dist/data/terraform-providers`) when it exists, else the repository's `data/terraform-providers`
 * found by walking up from this module (compiled tests, development). Falls back to the bundle path,
 * where loading then fails with a message naming it.
 */
export function defaultKnowledgeBaseDir(): string {
  const chosen = process.env[KNOWLEDGE_DIR_ENV];
  if (chosen) return path.resolve(chosen);
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

export interface KnowledgeBaseOptions {
  /**
   * Where a refused file or entry is reported. With it, a corrupt provider file, one of an unknown
   * format version, or a broken resource entry is reported once and left out (its types count as
   * unknown), and every other provider still answers. Without it, the lookup that meets the problem
   * throws the same message.
   */
  report?: (message: string) => void;
}

/** How much of the knowledge base has been read: a lookup served from memory adds nothing. */
export interface KnowledgeLoadCounts {
  /** Provider files read from disk (each at most once). */
  providerFilesRead: number;
  /** Resource entries parsed and validated (each at most once). */
  entriesParsed: number;
}

/** A provider file whose envelope is read and checked; its entries are parsed on first use. */
interface OpenProvider {
  /** The path read: the `.pack` beside the bundles, or the JSON file itself. */
  path: string;
  provider: ProviderKnowledge['provider'];
  aliases: Record<string, string>;
  /** Resource type → its position among the file's entries. */
  positions: Map<string, number>;
  entryText(position: number): string;
  /** Parsed entries; `null` for one refused. */
  parsed: Map<string, ResourceKnowledge | null>;
}

export class ReplacementKnowledgeBase {
  readonly dataDir: string;
  private readonly statefulFile: string;
  private index: KnowledgeIndex | undefined;
  /** Provider file name → the open file, or `null` when it was refused. */
  private readonly providers = new Map<string, OpenProvider | null>();
  private readonly report: ((message: string) => void) | undefined;
  private readonly counts: KnowledgeLoadCounts = { providerFilesRead: 0, entriesParsed: 0 };
  private stateful: { exact: Map<string, string>; patterns: Array<{ regex: RegExp; reason: string }> } | undefined;

  /**
   * @param dataDir the provider directory (default: `defaultKnowledgeBaseDir()`).
   * @param statefulFile the stateful-resource list (default: `stateful-resources.json` in the parent
   *   of `dataDir`); a missing file means an empty list.
   * @param options where refused files and entries are reported (see KnowledgeBaseOptions).
   */
  constructor(dataDir?: string, statefulFile?: string, options: KnowledgeBaseOptions = {}) {
    this.dataDir = dataDir ?? defaultKnowledgeBaseDir();
    this.statefulFile = statefulFile ?? path.join(this.dataDir, '..', STATEFUL_FILE);
    this.report = options.report;
  }

  /**
   * Opens the provider file on first use and parses this type's entry on first use; undefined for
   * unknown types and for refused files or entries (reported, or thrown without a `report`).
   */
  resource(resourceType: string): ResolvedResource | undefined {
    const file = this.fileFor(resourceType);
    if (file === undefined) return undefined;
    const provider = this.provider(file);
    if (!provider) return undefined;
    let type = resourceType;
    if (!provider.positions.has(type)) {
      const canonical = ownEntry(provider.aliases, type);
      if (canonical === undefined) return undefined;
      type = canonical;
    }
    const knowledge = this.entry(provider, type);
    return knowledge ? { type, requestedType: resourceType, knowledge, provider: provider.provider } : undefined;
  }

  /** The provider whose file the index names for this type (exactly or by prefix); opens that file. */
  providerFor(resourceType: string): ProviderKnowledge['provider'] | undefined {
    const file = this.fileFor(resourceType);
    return file === undefined ? undefined : this.provider(file)?.provider;
  }

  /** What has been read so far (for tests that lookups stay in memory). */
  loadCounts(): KnowledgeLoadCounts {
    return { ...this.counts };
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
    return [...this.providers.values()].flatMap((p) => (p ? [p.provider.source] : []));
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

  private provider(file: string): OpenProvider | null {
    const cached = this.providers.get(file);
    if (cached !== undefined) return cached;
    this.counts.providerFilesRead++;
    try {
      const opened = openProviderFile(path.join(this.dataDir, file));
      this.providers.set(file, opened);
      return opened;
    } catch (error) {
      // Remembered before reporting: a refused file is reported (or thrown) once, not at every lookup.
      this.providers.set(file, null);
      this.refuse(error as Error, 'The file is refused: the resources of its provider are not checked; the other providers are.');
      return null;
    }
  }

  private entry(provider: OpenProvider, type: string): ResourceKnowledge | undefined {
    const cached = provider.parsed.get(type);
    if (cached !== undefined) return cached ?? undefined;
    this.counts.entriesParsed++;
    const problems = new Problems();
    const knowledge = parseEntry(provider, type, problems);
    const accepted = problems.list.length === 0 ? knowledge : undefined;
    provider.parsed.set(type, accepted ?? null);
    if (accepted) return accepted;
    this.refuse(
      new Error(`Replacement knowledge base: ${provider.path}: the entry of ${type} is invalid:\n  - ${problems.list.join('\n  - ')}`),
      `The entry is refused: ${type} is not checked; the other resources are.`,
    );
    return undefined;
  }

  private refuse(error: Error, consequence: string): void {
    if (!this.report) throw error;
    this.report(`${error.message}\n  ${consequence}`);
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

/**
 * Opens a provider file: its pack (`<file>.pack`, what the build ships) when there is one, else the
 * JSON. Reads and checks everything but the resource entries; throws an Error naming the file.
 */
function openProviderFile(file: string): OpenProvider {
  const packPath = `${file}${PACK_SUFFIX}`;
  let source: { path: string; types: string[]; skeleton: string[]; entryText: (position: number) => string };
  if (fs.existsSync(packPath)) {
    let pack: Buffer;
    try {
      pack = fs.readFileSync(packPath);
    } catch (error) {
      throw new Error(`Replacement knowledge base: cannot read provider file ${packPath}: ${(error as Error).message}`);
    }
    try {
      const packed = readProviderPack(pack);
      source = { path: packPath, types: packed.types, skeleton: packed.skeleton, entryText: packed.entry };
    } catch (error) {
      throw new Error(`Replacement knowledge base: ${packPath} is damaged: ${(error as Error).message}`);
    }
  } else {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`Replacement knowledge base: cannot read provider file ${file}: ${(error as Error).message}`);
    }
    try {
      const parts = splitProviderFile(text);
      source = { path: file, types: parts.types, skeleton: parts.skeleton, entryText: (position) => parts.entries[position] };
    } catch (error) {
      if (error instanceof ProviderFileSyntaxError) throw new Error(`Replacement knowledge base: ${file} is not valid JSON: ${error.message}`);
      throw error;
    }
  }
  let envelope: unknown;
  try {
    envelope = JSON.parse(envelopeText(source));
  } catch (error) {
    throw new Error(`Replacement knowledge base: ${source.path} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isObject(envelope)) throw new Error(`Replacement knowledge base: ${source.path} is invalid: the top level must be an object`);
  checkFormatVersion(envelope, source.path);
  const problems = new Problems();
  validateEnvelope(problems, envelope, new Set(source.types));
  const positions = new Map<string, number>();
  source.types.forEach((type, position) => positions.set(type, position));
  const opened: OpenProvider = {
    path: source.path,
    provider: envelope.provider as ProviderKnowledge['provider'],
    aliases: isObject(envelope.aliases) ? (envelope.aliases as Record<string, string>) : {},
    positions,
    entryText: source.entryText,
    parsed: new Map(),
  };
  if (problems.list.length > 0) {
    // A file refused whole is reported with all its problems, its entries' included.
    for (const type of positions.keys()) parseEntry(opened, type, problems);
    problems.throwIfAny(source.path);
  }
  return opened;
}

/** Parses and validates one entry; its problems go to `problems` (and then the result is not to be used). */
function parseEntry(provider: OpenProvider, type: string, problems: Problems): ResourceKnowledge | undefined {
  const where = `resources.${type}`;
  let value: unknown;
  try {
    value = JSON.parse(provider.entryText(provider.positions.get(type)!));
  } catch (error) {
    problems.add(where, `is not valid JSON: ${(error as Error).message}`);
    return undefined;
  }
  validateResource(problems, where, value);
  return value as ResourceKnowledge;
}

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
  if (isObject(data.resources)) for (const [type, resource] of Object.entries(data.resources)) validateResource(problems, `resources.${type}`, resource);
  validateEnvelope(problems, data, isObject(data.resources) ? new Set(Object.keys(data.resources)) : undefined);
  problems.throwIfAny(file);
  return data as unknown as ProviderKnowledge;
}

/** Everything of a provider file but the resource entries' contents; `types` are the entries' names (undefined: none). */
function validateEnvelope(problems: Problems, data: Record<string, unknown>, types: Set<string> | undefined): void {
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
  if (data.aliases !== undefined) {
    if (!isObject(data.aliases)) problems.add('', 'aliases must be an object');
    else {
      for (const [alias, target] of Object.entries(data.aliases)) {
        if (typeof target !== 'string') problems.add(`aliases.${alias}`, 'must name a resource type');
        else if (!types?.has(target)) problems.add(`aliases.${alias}`, `names ${target}, which is not in resources`);
      }
    }
  }
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
