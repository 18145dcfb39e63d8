/**
 * Replacement findings for one Terraform module: which edits force (or may force) replacement,
 * where `prevent_destroy` makes the plan fail, where data would be lost, and which
 * `replace_triggered_by` targets change. Pure: configuration + baseline + knowledge in, findings out.
 */
import type { Finding, FindingFix, FindingRule } from '../../../common/src/findings';
import { renderFinding } from '../findingText/ruleText';
import type { ChangedAttribute, RuleOrigin } from '../findingText/terraformText';
import { baselineConfiguration, describeBaseline, type TerraformBaseline } from './baseline/terraformBaseline';
import type { StateBaseline, StateInstance, StateResource } from './baseline/stateBaseline';
import type { HclBlock } from './hcl/model';
import { blockHeaderRange, literalBool, type ConfiguredResource, type ModuleConfiguration } from './configuration';
import { lifecycleFlagFix, lineCache } from './fixes';
import type { ResourceKnowledge } from './knowledgeBase/format';
import type { KnowledgeLookup } from './knowledgeLookup';
import type { LearnedKnowledge, LearnedPlanOrigin, LearnedResource, LearnedRule } from './learnedReplacements';
import type { ModuleProviderVersion } from './moduleProviderVersions';
import { sourceKey } from './providerAddress';
import { compareResource, configSide, stateSide, type AttributeChange, type ComparisonOptions } from './resourceComparison';
import { evaluate, normalizeExpressionText, type EvaluationContext, type InstanceContext, type KnownValue } from './values';

export interface ReplacementAnalysisInput {
  config: ModuleConfiguration;
  /** File texts by path, for code action edits. */
  texts: Map<string, string>;
  evaluation: EvaluationContext;
  baseline: TerraformBaseline;
  knowledge: KnowledgeLookup;
  /**
   * Managed resources the knowledge base does not describe, though it may know a type of the same
   * name from another provider: not assessed (see replacementCoverage.ts).
   */
  notChecked?: ReadonlySet<string>;
  /** The version the module uses of each provider, by `providerKey`, where its files say: named with each rule. */
  moduleVersions?: ReadonlyMap<string, ModuleProviderVersion>;
  /** `knowledge` itself when it holds rules learned from plans: the findings they make say so. */
  learned?: LearnedKnowledge;
}

/** What the analysis concluded about one resource of the configuration. */
export interface ResourceAssessment {
  resource: ConfiguredResource;
  /** Changes merged over instances; `instances` names the instance addresses each applies to. */
  changes: Array<AttributeChange & { instances: string[] }>;
  replacement?: 'certain' | 'possible';
}

/**
 * Remembers assessments per resource block between analyses. Valid only while the baseline and
 * the evaluation context are the same: the caller passes a new cache when either changes. A block
 * object that the parser reused (unchanged by an edit) then costs nothing to re-assess.
 */
export type AssessmentCache = WeakMap<HclBlock, (ResourceAssessment & { allUpdates: boolean }) | null>;

export function assessResources(input: ReplacementAnalysisInput, cache?: AssessmentCache): Map<string, ResourceAssessment> {
  const assessments = new Map<string, ResourceAssessment>();
  if (input.baseline.kind === 'none') return assessments;
  const triggerTargets = replaceTriggeredByTargets(input.config);
  for (const resource of input.config.resources) {
    if (resource.mode !== 'managed' || input.notChecked?.has(resource.address)) continue;
    const allUpdates = triggerTargets.has(resource.address);
    let cached = cache?.get(resource.block);
    if (cached === undefined || (cached !== null && cached.allUpdates !== allUpdates)) {
      cached = assessResource(resource, input, allUpdates);
      cache?.set(resource.block, cached);
    }
    if (cached) assessments.set(resource.address, { ...cached, resource });
  }
  return assessments;
}

/** Resources named by some `replace_triggered_by`: their in-place updates matter too. */
function replaceTriggeredByTargets(config: ModuleConfiguration): Set<string> {
  const targets = new Set<string>();
  for (const resource of config.resources) {
    const value = resource.lifecycle.replaceTriggeredBy?.value.value;
    if (value?.kind !== 'tuple') continue;
    for (const item of value.items) {
      const target = item.value.kind === 'expression' ? resourceAddressOfReference(item.value.text) : undefined;
      if (target) targets.add(target.resource);
    }
  }
  return targets;
}

function assessResource(resource: ConfiguredResource, input: ReplacementAnalysisInput, allUpdates: boolean): (ResourceAssessment & { allUpdates: boolean }) | null {
  const found = input.knowledge.resource(resource.type);
  if (!found) return null;
  const watched = new Set((found.knowledge.conditionalReplacements ?? []).flatMap((c) => c.attributes.map((a) => a.split('.')[0])));
  const changes = compareWithBaseline(resource, found.knowledge, input, allUpdates ? 'all' : watched);
  if (!changes) return null;
  const assessment: ResourceAssessment & { allUpdates: boolean } = { resource, changes, allUpdates };
  addConditionalReplacements(assessment, found.knowledge);
  if (changes.some((c) => c.outcome === 'certain')) assessment.replacement = 'certain';
  else if (changes.some((c) => c.outcome === 'possible')) assessment.replacement = 'possible';
  return assessment;
}

function compareWithBaseline(
  resource: ConfiguredResource,
  knowledge: ResourceKnowledge,
  input: ReplacementAnalysisInput,
  updates: ComparisonOptions['updates'],
): ResourceAssessment['changes'] | undefined {
  const options: ComparisonOptions = {
    updates,
    ignoreChanges: ignoredAttributes(resource),
    fallbackRange: resource.block.typeRange,
  };
  const merged = new Map<string, AttributeChange & { instances: string[] }>();
  const add = (change: AttributeChange, instance: string) => {
    const key = `${change.path.join('.')}|${change.outcome}|${change.before}|${change.after}`;
    const existing = merged.get(key);
    if (existing) existing.instances.push(instance);
    else merged.set(key, { ...change, instances: [instance] });
  };

  const baseline = input.baseline;
  if (baseline.kind === 'state') {
    const stateResource = rootModuleResource(baseline.state, resource.type, resource.name);
    if (!stateResource) return undefined;
    const instances = instancesToCompare(resource, stateResource, input.evaluation);
    if (!instances) return undefined;
    for (const { instance, context } of instances) {
      const current = configSide(resource.block, { ...input.evaluation, instance: context });
      const base = stateSide(instance.attributes, instance.sensitivePaths);
      for (const change of compareResource(knowledge, current, base, options)) {
        if (isUneditedUnknown(change, resource, baseline.previousConfig)) continue;
        add(change, resource.address + instanceKeySuffix(instance.indexKey));
      }
    }
  } else {
    const deployed = baselineConfiguration(baseline);
    const previous = deployed?.config.byAddress.get(resource.address);
    if (!deployed || !previous) return undefined;
    if (previous.repetition.kind !== resource.repetition.kind && previous.repetition.kind !== 'single') return undefined;
    const current = configSide(resource.block, input.evaluation);
    const base = configSide(previous.block, deployed.evaluation);
    for (const change of compareResource(knowledge, current, base, options)) add(change, resource.address);
  }
  return [...merged.values()];
}

const stateIndexes = new WeakMap<StateBaseline, Map<string, StateResource>>();

/** The root module's managed resource `type.name` in the state, through an index built once per state. */
function rootModuleResource(state: StateBaseline, type: string, name: string): StateResource | undefined {
  let index = stateIndexes.get(state);
  if (!index) {
    index = new Map();
    for (const r of state.resources) if (r.module === '' && r.mode === 'managed') index.set(`${r.type}.${r.name}`, r);
    stateIndexes.set(state, index);
  }
  return index.get(`${type}.${name}`);
}

/**
 * With a state baseline, an attribute whose value is an expression is "unknown before plan" on
 * every analysis; it is only worth a word when its text differs from the last commit.
 */
function isUneditedUnknown(change: AttributeChange, resource: ConfiguredResource, previousConfig: ModuleConfiguration | undefined): boolean {
  if (change.outcome === 'certain' || !change.references || !previousConfig || change.path.length !== 1) return false;
  const previous = previousConfig.byAddress.get(resource.address);
  const before = previous?.block.attributes.find((a) => a.name === change.path[0])?.value.value;
  const now = resource.block.attributes.find((a) => a.name === change.path[0])?.value.value;
  return before?.kind === 'expression' && now?.kind === 'expression' && normalizeExpressionText(before.text) === normalizeExpressionText(now.text);
}

/**
 * State instances that stay in the plan, with the `count.index` / `each.*` values to evaluate the
 * configuration with. Undefined when the repetition kind changed (count ↔ for_each): those
 * instances are re-created anyway, which the rename analysis reports.
 */
function instancesToCompare(
  resource: ConfiguredResource,
  stateResource: StateResource,
  evaluation: EvaluationContext,
): Array<{ instance: StateInstance; context: InstanceContext }> | undefined {
  const keyKinds = new Set(stateResource.instances.map((i) => typeof i.indexKey));
  const repetition = resource.repetition;
  const wanted = repetition.kind === 'count' ? 'number' : repetition.kind === 'for_each' ? 'string' : 'undefined';
  // single → count is moved implicitly by Terraform (x → x[0]); any other switch is a re-creation.
  const implicitMove = repetition.kind === 'count' && keyKinds.size === 1 && keyKinds.has('undefined');
  if (!implicitMove && [...keyKinds].some((k) => k !== wanted)) return undefined;

  if (repetition.kind === 'count') {
    const count = evaluate(repetition.value, evaluation);
    const limit = count.known && typeof count.value === 'number' ? count.value : Infinity;
    return stateResource.instances
      .map((instance) => ({ instance, index: typeof instance.indexKey === 'number' ? instance.indexKey : 0 }))
      .filter(({ index }) => index < limit)
      .map(({ instance, index }) => ({ instance, context: { countIndex: index } }));
  }
  if (repetition.kind === 'for_each') {
    const forEach = evaluate(repetition.value, evaluation);
    const values = forEachValues(forEach.known ? forEach.value : undefined);
    return stateResource.instances
      .filter((instance) => !values || values.has(String(instance.indexKey)))
      .map((instance) => {
        const key = String(instance.indexKey);
        return { instance, context: { eachKey: key, eachValue: values ? values.get(key) : undefined } };
      });
  }
  return stateResource.instances.map((instance) => ({ instance, context: {} }));
}

function forEachValues(value: KnownValue | undefined): Map<string, KnownValue> | undefined {
  if (value === undefined || value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) return new Map(value.filter((v) => typeof v === 'string').map((v) => [v as string, v]));
  return new Map(Object.entries(value));
}

export function instanceKeySuffix(key: number | string | undefined): string {
  if (key === undefined) return '';
  return typeof key === 'number' ? `[${key}]` : `[${JSON.stringify(key)}]`;
}

function ignoredAttributes(resource: ConfiguredResource): Set<string> | 'all' {
  const attribute = resource.lifecycle.ignoreChanges;
  if (!attribute) return new Set();
  const value = attribute.value.value;
  if (value.kind === 'expression' && value.text.trim() === 'all') return 'all';
  if (value.kind === 'string' && value.value === 'all') return 'all';
  const names = new Set<string>();
  if (value.kind === 'tuple') {
    for (const item of value.items) {
      const text = item.value.kind === 'expression' ? item.value.text : item.value.kind === 'string' ? item.value.value : '';
      const name = /^\s*([A-Za-z_][\w-]*)/.exec(text)?.[1];
      if (name) names.add(name);
    }
  }
  return names;
}

function addConditionalReplacements(assessment: ResourceAssessment, knowledge: ResourceKnowledge): void {
  for (const conditional of knowledge.conditionalReplacements ?? []) {
    if (conditional.attributes.length === 0) continue;
    const trigger = assessment.changes.find((c) => conditional.attributes.includes(c.path.join('.')));
    if (!trigger || trigger.outcome !== 'update') continue;
    assessment.changes.push({
      ...trigger,
      outcome: 'possible',
      uncertainty: `it replaces only when ${conditional.condition.replace(/\.$/, '')}`,
      ruleSource: conditional.source,
    });
  }
}

/** The findings for every assessed resource, plus the lifecycle consequences. */
export function replacementFindings(input: ReplacementAnalysisInput, assessments = assessResources(input)): Finding[] {
  const findings: Finding[] = [];
  const baselineText = describeBaseline(input.baseline);
  const linesOf = lineCache(input.texts);
  for (const assessment of assessments.values()) {
    const { resource } = assessment;
    const replacing = assessment.changes.filter((c) => c.outcome !== 'update');
    if (replacing.length === 0) continue;
    const provider = input.knowledge.resource(resource.type)?.provider;
    const learnedResource = input.learned?.learnedResource(resource.type);
    const createFirst = literalBool(resource.lifecycle.createBeforeDestroy) === true;
    const preventDestroy = literalBool(resource.lifecycle.preventDestroy) === true;
    const cbdFix = createFirst ? undefined : lifecycleFlagFix(resource.block, linesOf(resource.file), 'create_before_destroy');
    const sharedIdentity = sameIdentity(input.knowledge.resource(resource.type)?.knowledge.identity, replacing);

    for (const change of replacing) {
      const certain = change.outcome === 'certain';
      const learnedRule = learnedResource?.learned.get(change.path.join('.'));
      const ruleSource = learnedRule
        ? change.ruleSource
        : provider
          ? `${provider.source} v${provider.version}${change.ruleSource ? `: ${change.ruleSource}` : ''}`
          : change.ruleSource;
      const rule = provider && ruleOrigin(provider, learnedRule, learnedResource, input.moduleVersions);
      const origin = learnedRule?.origin;
      const code = certain ? 'terraform/forces-replacement' : 'terraform/may-force-replacement';
      const text = renderFinding(code, {
        attribute: changedAttribute(change),
        before: change.before,
        after: change.after,
        instances: change.instances,
        baseline: baselineText,
        ruleSource,
        rule,
        createBeforeDestroy: createFirst,
        sharedIdentity,
        uncertainty: change.uncertainty,
      });
      findings.push({
        file: resource.file,
        range: change.range,
        blockRange: blockHeaderRange(resource.block),
        severity: certain ? 'warning' : 'information',
        code,
        message: text.message,
        address: change.instances[0],
        attribute: change.path.join('.'),
        before: change.before,
        after: change.after,
        replacement: certain ? 'certain' : 'possible',
        ruleSource,
        rule: provider && findingRule(provider, change.ruleSource, origin),
        detail: text.detail,
        fixes: cbdFix ? [cbdFix] : undefined,
      });
    }
    if (!assessment.replacement) continue;
    const first = replacing[0];
    if (preventDestroy && assessment.replacement === 'certain' && resource.lifecycle.preventDestroy) {
      findings.push({
        file: resource.file,
        range: resource.lifecycle.preventDestroy.range,
        blockRange: blockHeaderRange(resource.block),
        severity: 'error',
        code: 'terraform/replace-blocked-by-prevent-destroy',
        message: renderFinding('terraform/replace-blocked-by-prevent-destroy', { address: resource.address, attribute: changedAttribute(first) }).message,
        address: first.instances[0],
        attribute: first.path.join('.'),
        before: first.before,
        after: first.after,
        replacement: 'certain',
      });
    }
    const statefulReason = input.knowledge.statefulReason(resource.type);
    if (statefulReason) {
      const certain = assessment.replacement === 'certain';
      const fixes: FindingFix[] = [];
      const guard = preventDestroy ? undefined : lifecycleFlagFix(resource.block, linesOf(resource.file), 'prevent_destroy');
      if (guard) fixes.push(guard);
      findings.push({
        file: resource.file,
        range: first.range,
        blockRange: blockHeaderRange(resource.block),
        severity: certain ? 'error' : 'warning',
        code: 'terraform/stateful-replacement',
        message: renderFinding('terraform/stateful-replacement', { cause: 'replacement', address: resource.address, certain, reason: statefulReason }).message,
        address: first.instances[0],
        attribute: first.path.join('.'),
        replacement: assessment.replacement,
        fixes,
      });
    }
  }
  findings.push(...replaceTriggeredByFindings(input, assessments));
  return findings;
}

function replaceTriggeredByFindings(input: ReplacementAnalysisInput, assessments: Map<string, ResourceAssessment>): Finding[] {
  const findings: Finding[] = [];
  for (const resource of input.config.resources) {
    const attribute = resource.lifecycle.replaceTriggeredBy;
    const value = attribute?.value.value;
    if (!attribute || value?.kind !== 'tuple') continue;
    for (const item of value.items) {
      if (item.value.kind !== 'expression') continue;
      const target = resourceAddressOfReference(item.value.text);
      if (!target) continue;
      const targetAssessment = assessments.get(target.resource);
      const relevant = targetAssessment?.changes.filter((c) => !target.attribute || c.path[0] === target.attribute || c.outcome !== 'update');
      if (!targetAssessment || !relevant || relevant.length === 0) continue;
      const replaced = targetAssessment.replacement === 'certain';
      findings.push({
        file: resource.file,
        range: item.range,
        severity: 'information',
        code: 'terraform/replace-triggered-by',
        message: renderFinding('terraform/replace-triggered-by', {
          address: resource.address,
          reference: item.value.text,
          replaced,
          changed: relevant.map(changedAttribute),
        }).message,
        address: resource.address,
        replacement: replaced || !target.attribute ? 'certain' : 'possible',
      });
    }
  }
  return findings;
}

/** `aws_instance.web.id` → resource `aws_instance.web`, attribute `id`; `data.x.y` stays as is. */
function resourceAddressOfReference(text: string): { resource: string; attribute?: string } | undefined {
  const parts = text
    .trim()
    .replace(/\[[^\]]*\]/g, '')
    .split('.');
  if (parts[0] === 'data' || parts.length < 2) return undefined;
  if (['var', 'local', 'module', 'path', 'each', 'count', 'self', 'terraform'].includes(parts[0])) return undefined;
  return { resource: `${parts[0]}.${parts[1]}`, attribute: parts[2] };
}

/** Whose rule a replacing change follows: a plan's, or the knowledge base's at its version beside the module's. */
function ruleOrigin(
  provider: { source: string; version: string },
  learnedRule: LearnedRule | undefined,
  learnedResource: LearnedResource | undefined,
  moduleVersions: ReadonlyMap<string, ModuleProviderVersion> | undefined,
): RuleOrigin {
  const key = sourceKey(provider.source);
  if (learnedRule) {
    const knowledgeVersion = learnedResource?.knowledgeVersion;
    return {
      kind: 'learned',
      plan: learnedRule.origin.plan,
      time: learnedRule.origin.time,
      ...(learnedRule.contradicted && knowledgeVersion !== undefined ? { contradicted: { provider: key, version: knowledgeVersion, says: 'updates in place' } } : {}),
    };
  }
  const used = moduleVersions?.get(key);
  return { kind: 'knowledge', provider: key, version: provider.version, ...(used ? { used } : {}) };
}

function findingRule(provider: { source: string; version: string }, source: string | undefined, learned: LearnedPlanOrigin | undefined): FindingRule {
  const key = sourceKey(provider.source);
  if (learned) return { provider: key, ...(source ? { source } : {}), learned };
  return { provider: key, version: provider.version, ...(source ? { source } : {}) };
}

function changedAttribute(change: AttributeChange): ChangedAttribute {
  return { path: change.path.join('.'), ...(change.isBlock ? { isBlock: true } : {}) };
}

/**
 * When the resource's identity attributes (a file's path) are not among the changes, the old and
 * the new object are the same thing out there: what `create_before_destroy` does to them.
 */
function sameIdentity(
  identity: { attributes: string[]; hazard: string } | undefined,
  changes: readonly AttributeChange[],
): { attributes: string[]; hazard: string } | undefined {
  if (!identity) return undefined;
  if (changes.some((c) => identity.attributes.includes(String(c.path[0])))) return undefined;
  return identity;
}
