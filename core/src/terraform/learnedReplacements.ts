/**
 * Replacement rules learned from real plans. A plan's `replace_paths` (in `show -json` output) are
 * the provider's own answer to "which changed attributes force this replacement": where the
 * knowledge base lacks a resource type or an attribute, or says an attribute updates in place,
 * a plan that replaced on it is better evidence. The extension remembers what its plans showed
 * and hands it to the analysis; the knowledge base's data is never edited. Pure: plan JSON in,
 * learned paths out; learned paths and the knowledge base in, the knowledge the analysis uses out.
 */
import { MAX_LEARNED_REPLACEMENTS, type LearnedPlanOrigin, type LearnedReplacement } from '../../../common/src/learnedReplacement';
import type { AttributeKnowledge, BlockKnowledge, ProviderKnowledge, ResourceKnowledge } from './knowledgeBase/format';
import type { KnowledgeLookup } from './knowledgeLookup';
import { parseProviderSource, providerKey, sourceKey } from './providerAddress';

export type { LearnedPlanOrigin, LearnedReplacement };

/**
 * The replace paths of a plan's resource changes that replace because the provider cannot update
 * (not `-replace`, not `replace_triggered_by`). `providerVersions`: the lock file's versions by
 * `providerKey`, at the time of the plan.
 */
export function replacementsFromPlan(
  planDocument: unknown,
  origin: Omit<LearnedPlanOrigin, 'providerVersion'>,
  providerVersions?: ReadonlyMap<string, string>,
): LearnedReplacement[] {
  const changes = isObject(planDocument) && Array.isArray(planDocument.resource_changes) ? planDocument.resource_changes : [];
  const learned: LearnedReplacement[] = [];
  const seen = new Set<string>();
  for (const raw of changes) {
    if (!isObject(raw) || !isObject(raw.change) || raw.mode !== 'managed') continue;
    const change = raw.change;
    const actions = Array.isArray(change.actions) ? change.actions.join(',') : '';
    if (actions !== 'delete,create' && actions !== 'create,delete') continue;
    if (raw.action_reason !== undefined && raw.action_reason !== 'replace_because_cannot_update') continue;
    const { type, provider_name: provider } = raw;
    if (typeof type !== 'string' || typeof provider !== 'string' || !Array.isArray(change.replace_paths)) continue;
    const address = parseProviderSource(provider);
    const version = address && providerVersions?.get(providerKey(address));
    for (const steps of change.replace_paths) {
      const path = namePath(steps);
      if (!path) continue;
      const key = `${type}|${path.join('.')}`;
      if (seen.has(key)) continue;
      seen.add(key);
      learned.push({ resourceType: type, provider, path, origin: { ...origin, ...(version ? { providerVersion: version } : {}) } });
    }
  }
  return learned;
}

/** `added` (a newer plan's) over `known`: one entry per type and path, the newest first, at most `MAX_LEARNED_REPLACEMENTS`. */
export function mergeLearnedReplacements(known: readonly LearnedReplacement[], added: readonly LearnedReplacement[]): LearnedReplacement[] {
  const merged = new Map<string, LearnedReplacement>();
  for (const entry of [...added, ...known]) {
    const key = `${entry.resourceType}|${entry.path.join('.')}`;
    if (!merged.has(key)) merged.set(key, entry);
  }
  return [...merged.values()].slice(0, MAX_LEARNED_REPLACEMENTS);
}

/** A replace path's steps as names: list indexes dropped; undefined when it names no attribute. */
function namePath(steps: unknown): string[] | undefined {
  if (!Array.isArray(steps)) return undefined;
  const names = steps.filter((s): s is string => typeof s === 'string' && s !== '');
  return typeof steps[0] === 'string' && names.length > 0 ? names : undefined;
}

/** What a learned path did to the knowledge of one attribute. */
export interface LearnedRule {
  origin: LearnedPlanOrigin;
  /** The knowledge base's rule the plan contradicted (`never`), when it had one. */
  contradicted?: 'never';
}

export interface LearnedResource {
  type: string;
  knowledge: ResourceKnowledge;
  provider: ProviderKnowledge['provider'];
  /** The knowledge base's own provider version, when it describes the type at all. */
  knowledgeVersion?: string;
  /** By dotted path (`root_block_device.volume_size`): the attributes whose rule a plan taught. */
  learned: Map<string, LearnedRule>;
}

/**
 * The knowledge base with learned replacements laid over it: a type it lacks gets the attributes a
 * plan replaced on; an attribute it lacks, or says updates in place, replaces. What it already says
 * replaces (always, if configured, or under a condition) stays as it says. Built once per set of
 * learned replacements; each type's overlay once, when first asked.
 */
export class LearnedKnowledge implements KnowledgeLookup {
  private readonly byType = new Map<string, LearnedReplacement[]>();
  private readonly overlays = new Map<string, LearnedResource | undefined>();

  constructor(
    private readonly base: KnowledgeLookup,
    learned: readonly LearnedReplacement[],
  ) {
    for (const entry of learned) {
      const list = this.byType.get(entry.resourceType) ?? [];
      list.push(entry);
      this.byType.set(entry.resourceType, list);
    }
  }

  resource(resourceType: string): ReturnType<KnowledgeLookup['resource']> {
    return this.learnedResource(resourceType) ?? this.base.resource(resourceType);
  }

  statefulReason(resourceType: string): string | undefined {
    return this.base.statefulReason(resourceType);
  }

  providerFor(resourceType: string): ProviderKnowledge['provider'] | undefined {
    return this.base.providerFor(resourceType);
  }

  /** The type's knowledge with what plans taught, and which attributes they taught; undefined when no plan taught anything new about it. */
  learnedResource(resourceType: string): LearnedResource | undefined {
    if (!this.overlays.has(resourceType)) this.overlays.set(resourceType, this.overlay(resourceType));
    return this.overlays.get(resourceType);
  }

  private overlay(resourceType: string): LearnedResource | undefined {
    const entries = this.byType.get(resourceType);
    if (!entries) return undefined;
    const known = this.base.resource(resourceType);
    // A type of this name from another provider (a fork) is another resource: its rules are not this one's.
    const knownKey = known && sourceKey(known.provider.source);
    const usable = known ? entries.filter((e) => sourceKey(e.provider) === knownKey) : entries;
    if (usable.length === 0) return undefined;
    const knowledge: ResourceKnowledge = known ? { ...known.knowledge, attributes: { ...known.knowledge.attributes } } : { attributes: {} };
    const learned = new Map<string, LearnedRule>();
    for (const entry of usable) applyLearned(knowledge, entry, learned);
    if (learned.size === 0) return undefined;
    // A type only plans describe: the provider as the plan named it, at the version its lock file selected then
    // (the SDK is not known, and nothing reads it for a learned rule).
    const provider = known?.provider ?? { source: entries[0].provider, version: entries[0].origin.providerVersion ?? 'unknown', sdk: 'sdkv2' as const };
    return { type: known?.type ?? resourceType, knowledge, provider, ...(known ? { knowledgeVersion: known.provider.version } : {}), learned };
  }
}

/** Lays one learned path over `knowledge` (whose top level is already a copy), copying each level it changes. */
function applyLearned(knowledge: ResourceKnowledge, entry: LearnedReplacement, learned: Map<string, LearnedRule>): void {
  let level: { attributes: Record<string, AttributeKnowledge>; blocks?: Record<string, BlockKnowledge> } = knowledge;
  const names: string[] = [];
  for (let i = 0; i < entry.path.length; i++) {
    const step = entry.path[i];
    names.push(step);
    const attribute = level.attributes[step];
    const block = level.blocks?.[step];
    if (block && !attribute && i < entry.path.length - 1) {
      const copy: BlockKnowledge = { ...block, attributes: { ...block.attributes } };
      level.blocks = { ...level.blocks, [step]: copy };
      level = copy;
      continue;
    }
    if (block && !attribute) {
      if (block.replace !== 'never') return;
      level.blocks = { ...level.blocks, [step]: { ...block, replace: 'always', source: learnedSource(entry) } };
      learned.set(names.join('.'), { origin: entry.origin, contradicted: 'never' });
      return;
    }
    if (!block && !attribute && i < entry.path.length - 1) {
      // Unknown to the data, with more steps: an object attribute (the rest is inside its value) or a nested block.
      level.attributes[step] = { replace: 'always', source: learnedSource(entry) };
      learned.set(names.join('.'), { origin: entry.origin });
      const created: BlockKnowledge = { nesting: 'list', replace: 'never', attributes: {} };
      level.blocks = { ...level.blocks, [step]: created };
      level = created;
      continue;
    }
    // An attribute (the rest of the path is inside its value: a map key, an object's field), or one the data lacks.
    if (attribute && attribute.replace !== 'never') return;
    level.attributes[step] = { ...(attribute ?? {}), replace: 'always', source: learnedSource(entry) };
    learned.set(names.join('.'), { origin: entry.origin, ...(attribute ? { contradicted: 'never' as const } : {}) });
    return;
  }
}

function learnedSource(entry: LearnedReplacement): string {
  return `replace_paths of the plan of ${entry.origin.time}/${entry.origin.plan}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
