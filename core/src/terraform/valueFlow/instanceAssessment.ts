/**
 * What becomes of one resource instance: its configuration, evaluated through the value flow,
 * compared with its deployed counterpart (the state's instance, or the same instance of the
 * baseline's configuration tree) by the provider's replacement rules. A replaced instance makes
 * the attributes a replacement renews unknown to whoever reads them, which is how the replacement
 * cascade follows from the assessments themselves.
 */
import type { SourceRange } from '../../../../common/src/findings';
import type { StateInstance } from '../baseline/stateBaseline';
import type { TerraformBaseline } from '../baseline/terraformBaseline';
import type { ChangedAttribute } from '../../findingText/terraformText';
import type { HclBlock } from '../hcl/model';
import type { ResourceKnowledge } from '../knowledgeBase/format';
import type { KnowledgeLookup } from '../knowledgeLookup';
import { compareResource, stateSide, type AttributeChange, type ComparisonOptions, type ResourceSide } from '../resourceComparison';
import { isWhollyKnown, unknownsIn, type Value } from '../evaluation/value';
import { normalizeExpressionText, type Evaluated, type KnownValue } from '../values';
import type { MemoRecipe } from './incrementalMemo';
import { ConfigurationValues, type InstanceFate, type ResourceInstance } from './configurationValues';
import type { DeployedStateIndex } from './deployedState';
import { moduleAddressOf } from './moduleTree';
import { applyVerdict } from './providerVerdicts';
import type { ProviderQuestion, ProviderVerdicts } from '../../providerPlugin/providerQuestions';

export interface InstanceAssessment {
  address: string;
  changes: AttributeChange[];
  replacement?: 'certain' | 'possible';
  /** Not deployed: the plan creates it. */
  created?: boolean;
  /** `replace_triggered_by` entries whose target changes. */
  triggeredBy?: TriggeredReplacement[];
}

export interface TriggeredReplacement {
  /** The reference as written. */
  reference: string;
  range: SourceRange;
  /** The target instances that change. */
  targets: string[];
  /** A target is replaced (else it only changes in place). */
  replaced: boolean;
  /** The reference names the whole resource (not one attribute): any change triggers. */
  wholeResource: boolean;
  /** The target changes for sure (not only possibly). */
  certain: boolean;
  changed: ChangedAttribute[];
}

export interface AssessmentContext {
  values: ConfigurationValues;
  baseline: TerraformBaseline;
  /** The baseline's configuration tree, for a git or folder baseline. */
  baselineValues?: ConfigurationValues;
  /** For a state baseline. */
  deployed?: DeployedStateIndex;
  knowledge: KnowledgeLookup;
  /** Static addresses (`module.a.local_file.f`, keys left out) of resources not assessed (see replacementCoverage.ts). */
  notChecked?: ReadonlySet<string>;
  /** Static addresses of resources some `replace_triggered_by` names: their in-place updates matter too. */
  triggerTargets: ReadonlySet<string>;
  /** The providers' own answers, by instance address: applied where the instance's question is the one answered. */
  verdicts?: ProviderVerdicts;
  /** The question an instance's verdict must answer; absent when no provider is asked. */
  questionFor?: (instance: ResourceInstance) => ProviderQuestion | undefined;
}

export function fateOf(assessment: unknown): InstanceFate | undefined {
  const a = assessment as InstanceAssessment | null | undefined;
  if (!a) return undefined;
  if (a.created) return 'created';
  if (a.replacement === 'certain') return 'replaced';
  if (a.replacement === 'possible') return 'maybe-replaced';
  return undefined;
}

/** The static address of an instance's resource: its module path without instance keys. */
export function staticResourceAddress(instance: ResourceInstance): string {
  const modulePath = moduleAddressOf(instance.module.node.callPath);
  return modulePath ? `${modulePath}.${instance.resource.address}` : instance.resource.address;
}

export function assessmentRecipe(context: AssessmentContext, instance: ResourceInstance): MemoRecipe<InstanceAssessment | null> {
  const knowledge = context.knowledge.resource(instance.resource.type)?.knowledge;
  const staticAddress = staticResourceAddress(instance);
  const allUpdates = context.triggerTargets.has(staticAddress);
  const deployed = context.deployed?.instance(instance.address);
  const previous = context.baselineValues?.instanceAt(instance.address);
  const verdict = context.verdicts?.get(instance.address);
  return {
    token: () => [instance.resource.block, knowledge, deployed, previous?.resource.block, allUpdates, context.baseline, verdict],
    compute: () => {
      if (instance.resource.mode !== 'managed' || context.baseline.kind === 'none') return null;
      // A provider's own answer checks a resource the knowledge base does not describe, too.
      const answered = verdict !== undefined && context.questionFor?.(instance)?.key === verdict.key;
      const unchecked = context.notChecked?.has(staticAddress) === true;
      if (unchecked && !answered) return null;
      const base = baselineSide(context, instance, deployed, previous);
      if (!base) return { address: instance.address, changes: [], created: true };
      let changes = knowledge && !unchecked ? compareInstance(context, instance, knowledge, base, allUpdates) : [];
      if (answered) changes = applyVerdict(changes, verdict, instance.resource.block);
      const triggeredBy = triggeredReplacements(context, instance);
      const assessment: InstanceAssessment = { address: instance.address, changes };
      if (triggeredBy.length > 0) assessment.triggeredBy = triggeredBy;
      if (changes.some((c) => c.outcome === 'certain') || triggeredBy.some((t) => t.certain)) assessment.replacement = 'certain';
      else if (changes.some((c) => c.outcome === 'possible') || triggeredBy.length > 0) assessment.replacement = 'possible';
      return assessment;
    },
  };
}

/** Whether the instance changes in place: any updatable attribute whose value differs from the deployed one. */
export function inPlaceUpdateRecipe(context: AssessmentContext, instance: ResourceInstance): MemoRecipe<'certain' | 'possible' | undefined> {
  const knowledge = context.knowledge.resource(instance.resource.type)?.knowledge;
  const deployed = context.deployed?.instance(instance.address);
  const previous = context.baselineValues?.instanceAt(instance.address);
  return {
    token: () => [instance.resource.block, knowledge, deployed, previous?.resource.block, context.baseline],
    compute: () => {
      if (!knowledge || instance.resource.mode !== 'managed' || context.baseline.kind === 'none') return undefined;
      const base = baselineSide(context, instance, deployed, previous);
      if (!base) return undefined;
      const options: ComparisonOptions = {
        updates: 'all',
        ignoreChanges: ignoredAttributes(instance.resource.lifecycle.ignoreChanges?.value.value),
        fallbackRange: instance.resource.block.typeRange,
      };
      const updates = compareResource(knowledge, instanceSide(context.values, instance, instance.resource.block), base, options).filter((c) => c.outcome === 'update');
      if (updates.length === 0) return undefined;
      // An update whose new value is itself unknown may turn out to change nothing.
      return updates.some((c) => (c.before !== c.after && !c.references) || c.cascadeFrom?.some((ref) => !ref.possible)) ? 'certain' : 'possible';
    },
  };
}

function baselineSide(
  context: AssessmentContext,
  instance: ResourceInstance,
  deployed: StateInstance | undefined,
  previous: ResourceInstance | undefined,
): ResourceSide | undefined {
  if (context.baseline.kind === 'state') return deployed && stateSide(deployed.attributes, deployed.sensitivePaths);
  if (!previous || !context.baselineValues) return undefined;
  // count ↔ for_each is a re-creation under new addresses, which the rename analysis reports.
  if (previous.resource.repetition.kind !== instance.resource.repetition.kind && previous.resource.repetition.kind !== 'single') return undefined;
  return instanceSide(context.baselineValues, previous, previous.resource.block);
}

function compareInstance(
  context: AssessmentContext,
  instance: ResourceInstance,
  knowledge: ResourceKnowledge,
  base: ResourceSide,
  allUpdates: boolean,
): AttributeChange[] {
  const watched = new Set((knowledge.conditionalReplacements ?? []).flatMap((c) => c.attributes.map((a) => a.split('.')[0])));
  const options: ComparisonOptions = {
    updates: allUpdates ? 'all' : watched,
    ignoreChanges: ignoredAttributes(instance.resource.lifecycle.ignoreChanges?.value.value),
    fallbackRange: instance.resource.block.typeRange,
  };
  const current = instanceSide(context.values, instance, instance.resource.block);
  const changes = compareResource(knowledge, current, base, options).filter((change) => !isUneditedUnknown(context, instance, change));
  addConditionalReplacements(changes, knowledge);
  return changes;
}

/**
 * With a state baseline, an attribute whose value stays unknown before plan (and is no cascade) is
 * only worth a word when its text differs from the last commit's.
 */
function isUneditedUnknown(context: AssessmentContext, instance: ResourceInstance, change: AttributeChange): boolean {
  if (context.baseline.kind !== 'state' || change.outcome === 'certain' || change.cascadeFrom || !change.references || change.path.length !== 1) return false;
  const previousConfig = context.baseline.previousConfig;
  if (!previousConfig || instance.module.address !== '') return false;
  const previous = previousConfig.byAddress.get(instance.resource.address);
  const before = previous?.block.attributes.find((a) => a.name === change.path[0])?.value.value;
  const now = instance.resource.block.attributes.find((a) => a.name === change.path[0])?.value.value;
  return before?.kind === 'expression' && now?.kind === 'expression' && normalizeExpressionText(before.text) === normalizeExpressionText(now.text);
}

/** A configuration block of an instance as one side of a comparison, its values from the value flow. */
export function instanceSide(values: ConfigurationValues, instance: ResourceInstance, block: HclBlock, topLevel = true): ResourceSide {
  return {
    isState: false,
    attribute(name) {
      const attribute = block.attributes.find((a) => a.name === name);
      if (!attribute) return undefined;
      const value = topLevel ? values.configuredAttribute(instance, name) : values.evaluateInInstance(instance, attribute.value);
      if (value === undefined) return undefined;
      const node = attribute.value.value;
      return toEvaluated(value, node.kind === 'expression' ? node.text : undefined, node.kind === 'expression' ? node.references : []);
    },
    blocks(name) {
      return block.blocks.filter((b) => b.type === name).map((b) => instanceSide(values, instance, b, false));
    },
    attributeRange(name) {
      return block.attributes.find((a) => a.name === name)?.range;
    },
    blockRange() {
      return block.typeRange;
    },
  };
}

/** A value-flow value as the comparison takes it: known, or unknown with what is known of it and why. */
export function toEvaluated(value: Value, text: string | undefined, references: string[]): Evaluated {
  if (isWhollyKnown(value)) return { known: true, value: value as KnownValue };
  const unknowns = unknownsIn(value);
  const afterApply = unknowns.flatMap((u) => u.afterApply);
  const reasons = [...new Set(unknowns.flatMap((u) => u.reasons))];
  return {
    known: false,
    text: text ?? unknowns[0]?.symbol ?? '(known after apply)',
    references,
    value,
    ...(afterApply.length > 0 ? { afterApply } : {}),
    ...(reasons.length > 0 ? { reasons } : {}),
  };
}

function ignoredAttributes(value: HclBlock['attributes'][number]['value']['value'] | undefined): Set<string> | 'all' {
  if (!value) return new Set();
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

function addConditionalReplacements(changes: AttributeChange[], knowledge: ResourceKnowledge): void {
  for (const conditional of knowledge.conditionalReplacements ?? []) {
    if (conditional.attributes.length === 0) continue;
    const trigger = changes.find((c) => conditional.attributes.includes(c.path.join('.')));
    if (!trigger || trigger.outcome !== 'update') continue;
    changes.push({
      ...trigger,
      outcome: 'possible',
      uncertainty: `it replaces only when ${conditional.condition.replace(/\.$/, '')}`,
      ruleSource: conditional.source,
    });
  }
}

/** `replace_triggered_by` entries whose targets (in the same module instance) change. */
function triggeredReplacements(context: AssessmentContext, instance: ResourceInstance): TriggeredReplacement[] {
  const value = instance.resource.lifecycle.replaceTriggeredBy?.value.value;
  if (value?.kind !== 'tuple') return [];
  const found: TriggeredReplacement[] = [];
  for (const item of value.items) {
    if (item.value.kind !== 'expression') continue;
    const reference = referencedResource(item.value.text);
    if (!reference) continue;
    const target = instance.module.node.config.byAddress.get(reference.resource);
    if (!target) continue;
    const targets: string[] = [];
    let replaced = false;
    let certain = false;
    const changed: ChangedAttribute[] = [];
    for (const targetInstance of context.values.instancesOf(instance.module, target).instances) {
      const assessment = context.values.assessmentOf<InstanceAssessment | null>(targetInstance);
      if (!assessment) continue;
      // A named attribute triggers only when its planned value differs from the deployed one, or is
      // known only after apply: a configured name that a replacement keeps does not.
      const relevant = assessment.changes.filter((c) => !reference.attribute || c.path[0] === reference.attribute);
      const renewed =
        reference.attribute !== undefined &&
        assessment.replacement !== undefined &&
        unknownsIn(context.values.attributeValue(targetInstance, reference.attribute)).some((u) => u.afterApply.length > 0);
      if (relevant.length === 0 && !renewed && !assessment.created) continue;
      targets.push(targetInstance.address);
      if (assessment.replacement === 'certain' && (!reference.attribute || renewed || relevant.some((c) => c.outcome !== 'update'))) replaced = true;
      if (renewed && reference.attribute && relevant.length === 0) changed.push({ path: reference.attribute });
      if (renewed || assessment.created || relevant.some((c) => c.outcome !== 'possible')) certain = true;
      for (const change of relevant) changed.push({ path: change.path.join('.'), ...(change.isBlock ? { isBlock: true } : {}) });
    }
    if (targets.length === 0) continue;
    found.push({ reference: item.value.text, range: item.range, targets, replaced, wholeResource: !reference.attribute, certain, changed });
  }
  return found;
}

/** `aws_instance.web.id` → resource `aws_instance.web`, attribute `id`; index steps dropped. */
export function referencedResource(text: string): { resource: string; attribute?: string } | undefined {
  const parts = text
    .trim()
    .replace(/\[[^\]]*\]/g, '')
    .split('.');
  if (parts[0] === 'data' || parts.length < 2) return undefined;
  if (['var', 'local', 'module', 'path', 'each', 'count', 'self', 'terraform'].includes(parts[0])) return undefined;
  return { resource: `${parts[0]}.${parts[1]}`, attribute: parts[2] };
}
