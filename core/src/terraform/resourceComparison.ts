/**
 * Compares one resource's configuration with its baseline (a state instance, or the same block at a
 * git revision), attribute by attribute and block by block, following the provider's replacement
 * rules from the knowledge base. Pure: no I/O.
 */
import type { SourceRange } from './hcl/model';
import type { AttributeKnowledge, BlockKnowledge, ResourceKnowledge } from './knowledgeBase/format';
import { compareValues } from './evaluation/compare';
import type { ResourceAttributeRef, Value } from './evaluation/value';
import { convertToType, normalizeExpressionText, renderEvaluated, valuesEqual, type Evaluated, type KnownValue } from './values';

/** One side of a comparison, as a tree of attributes and nested blocks. */
export interface ResourceSide {
  /** undefined: the attribute is not set (not configured, or absent from state). */
  attribute(name: string): Evaluated | undefined;
  blocks(name: string): ResourceSide[];
  /** Source locations, present on the configuration side only. */
  attributeRange?(name: string): SourceRange | undefined;
  blockRange?(): SourceRange;
  /** True when the side is the deployed state (values there include provider-computed ones). */
  readonly isState: boolean;
  /** State sides only: false when the state has no such key at all (an older schema, a partial state). */
  recorded?(name: string): boolean;
  sensitive?(name: string): boolean;
}

export type ChangeOutcome = 'certain' | 'possible' | 'update';

export interface AttributeChange {
  path: string[];
  range: SourceRange;
  before: string;
  after: string;
  outcome: ChangeOutcome;
  /** For `possible`: why it is not certain. */
  uncertainty?: string;
  /** For a replacing change: the rule and its source in the provider. */
  ruleSource?: string;
  /** The change is to a whole nested block rather than one attribute. */
  isBlock?: boolean;
  /** Names the value depends on when it is unknown before plan. */
  references?: string[];
  /**
   * The new value depends on attributes of replaced resources, known only after apply: the change
   * replaces this resource in turn (a cascade). `possible` on a reference when that resource is
   * only possibly replaced.
   */
  cascadeFrom?: readonly ResourceAttributeRef[];
  /** The provider itself decided the outcome, asked over the plugin protocol: `hashicorp/tls 4.2.1`. */
  askedProvider?: string;
}

export interface ComparisonOptions {
  /** Attributes (top-level names) under `lifecycle.ignore_changes`; `all` ignores every attribute. */
  ignoreChanges: Set<string> | 'all';
  /** Where to point when something removed has no range of its own. */
  fallbackRange: SourceRange;
  /**
   * In-place updates worth computing: `all` for a resource that a `replace_triggered_by` names,
   * else the attributes a conditional replacement watches. Comparing every updatable attribute of
   * every resource would cost a first analysis of a large module most of its time for nothing.
   */
  updates: Set<string> | 'all';
}

/** Wraps a state instance's attribute object. Nested blocks are lists of objects (or one object). */
export function stateSide(attributes: Record<string, unknown>, sensitivePaths: string[][] = []): ResourceSide {
  const sensitiveTop = new Set(sensitivePaths.filter((p) => p.length >= 1).map((p) => p[0]));
  return {
    isState: true,
    attribute(name) {
      if (!(name in attributes)) return undefined;
      const value = attributes[name] as KnownValue;
      return value === null ? undefined : { known: true, value };
    },
    blocks(name) {
      const value = attributes[name];
      if (Array.isArray(value)) return value.filter(isRecord).map((v) => stateSide(v));
      if (isRecord(value)) return [stateSide(value)];
      return [];
    },
    recorded(name) {
      return name in attributes;
    },
    sensitive(name) {
      return sensitiveTop.has(name);
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Every change between `baseline` and `current` that the knowledge base can judge, including
 * in-place updates (`outcome: 'update'`), which tell `replace_triggered_by` that a resource changes.
 */
export function compareResource(knowledge: ResourceKnowledge, current: ResourceSide, baseline: ResourceSide, options: ComparisonOptions): AttributeChange[] {
  const changes: AttributeChange[] = [];
  compareBody(knowledge.attributes, knowledge.blocks ?? {}, current, baseline, [], options, changes, true);
  return changes;
}

function compareBody(
  attributes: Record<string, AttributeKnowledge>,
  blocks: Record<string, BlockKnowledge>,
  current: ResourceSide,
  baseline: ResourceSide,
  prefix: string[],
  options: ComparisonOptions,
  changes: AttributeChange[],
  topLevel: boolean,
): void {
  for (const [name, rule] of Object.entries(attributes)) {
    if (topLevel && isIgnored(name, options)) continue;
    if (rule.replace === 'never' && options.updates !== 'all' && !(topLevel && options.updates.has(name))) continue;
    const change = compareAttribute(name, rule, current, baseline, prefix, options);
    if (change) changes.push(change);
  }
  for (const [name, rule] of Object.entries(blocks)) {
    if (topLevel && isIgnored(name, options)) continue;
    compareBlocks(name, rule, current, baseline, prefix, options, changes);
  }
}

function isIgnored(name: string, options: ComparisonOptions): boolean {
  return options.ignoreChanges === 'all' || options.ignoreChanges.has(name);
}

/** The effective value of a side's attribute, with provider defaults applied to unset attributes. */
function effectiveValue(side: ResourceSide, name: string, rule: AttributeKnowledge): { value: Evaluated | undefined; configured: boolean; computedUnknown: boolean } {
  const value = side.attribute(name);
  // An argument set to null is an argument left out: the plan gives it the provider's default.
  const setToNull = !side.isState && value !== undefined && value.known && value.value === null;
  if (value !== undefined && !setToNull) {
    return { value: side.isState && rule.type === 'dynamic' ? unwrapDynamic(value) : value, configured: true, computedUnknown: false };
  }
  if (side.isState) return { value: undefined, configured: false, computedUnknown: false };
  if (rule.default !== undefined) return { value: { known: true, value: rule.default as KnownValue }, configured: false, computedUnknown: false };
  return { value: undefined, configured: false, computedUnknown: rule.computed === true };
}

/**
 * State stores a dynamically typed attribute (`terraform_data.input`, `triggers_replace`) as
 * `{"value": …, "type": …}`; the configuration holds the bare value.
 */
function unwrapDynamic(value: Evaluated): Evaluated {
  if (!value.known) return value;
  const v = value.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'value' in v && 'type' in v && Object.keys(v).length === 2) {
    return { known: true, value: v.value };
  }
  return value;
}

function compareAttribute(
  name: string,
  rule: AttributeKnowledge,
  current: ResourceSide,
  baseline: ResourceSide,
  prefix: string[],
  options: ComparisonOptions,
): AttributeChange | undefined {
  // Nothing recorded to compare with: say nothing rather than guess.
  if (baseline.recorded?.(name) === false) return undefined;
  const cur = effectiveValue(current, name, rule);
  const base = effectiveValue(baseline, name, rule);
  const path = [...prefix, name];
  const range = current.attributeRange?.(name) ?? current.blockRange?.() ?? options.fallbackRange;

  // Not configured now: a computed attribute keeps (SDKv2, UseStateForUnknown) or recomputes its
  // value; neither is an edit of ours to judge. A removed optional attribute becomes null.
  if (!cur.configured && cur.value === undefined && rule.computed) {
    // Removed from the configuration (seen against git): the provider plans its own value, which
    // replaces the resource if it differs from the deployed one — say so, but only as a possibility.
    const removed = !baseline.isState && base.configured && (rule.replace === 'always' || rule.replace === 'conditional');
    if (!removed) return undefined;
    return {
      path,
      range: current.blockRange?.() ?? options.fallbackRange,
      before: renderEvaluated(base.value),
      after: '(computed by the provider)',
      outcome: 'possible',
      uncertainty:
        'it was removed from the configuration, so the provider computes a value at plan time; if that differs from the deployed value the resource is replaced',
      ruleSource: rule.source,
    };
  }
  if (base.computedUnknown && cur.value === undefined) return undefined;

  const sensitive = rule.sensitive === true || baseline.sensitive?.(name) === true;
  const render = (v: Evaluated | undefined, computed = false) =>
    sensitive && v !== undefined ? '(sensitive value)' : computed ? '(computed by the provider)' : renderEvaluated(v);

  // When the baseline left the value to the provider, a newly set value may or may not equal it.
  const differs = base.computedUnknown ? 'unknown' : valuesDiffer(cur.value, base.value, rule.type);
  if (differs === 'same') return undefined;
  const before = render(base.value, base.computedUnknown);
  const after = render(cur.value);
  const references = cur.value && !cur.value.known ? cur.value.references : undefined;

  if (rule.replace === 'never') {
    // An update to a value a replacement renews is certain: the in-place update renews what reads it in turn.
    const renewedFrom = cur.value && !cur.value.known ? cur.value.afterApply?.filter((ref) => !ref.address.endsWith('()')) : undefined;
    return { path, range, before, after, outcome: 'update', references, ...(renewedFrom && renewedFrom.length > 0 ? { cascadeFrom: renewedFrom } : {}) };
  }
  if (rule.replace === 'if-configured' && (cur.value === undefined || (cur.value.known && cur.value.value === null))) {
    return { path, range, before, after, outcome: 'update', references };
  }
  const ruleSource = rule.source;
  if (rule.replace === 'conditional') {
    return { path, range, before, after, outcome: 'possible', uncertainty: conditionText(rule.condition), ruleSource, references };
  }
  const afterApply = cur.value && !cur.value.known ? cur.value.afterApply : undefined;
  // `uuid()`, `timestamp()`: a new value at every apply, so the plan always replaces; no resource caused it.
  const impure = afterApply?.filter((ref) => ref.address.endsWith('()')) ?? [];
  const cascadeFrom = afterApply?.filter((ref) => !ref.address.endsWith('()'));
  if (differs === 'unknown' && impure.length > 0 && (!cascadeFrom || cascadeFrom.length === 0)) {
    return { path, range, before, after, outcome: 'certain', ruleSource };
  }
  if (differs === 'unknown' && cascadeFrom && cascadeFrom.length > 0) {
    const upstreamCertain = cascadeFrom.some((ref) => !ref.possible);
    const certain = upstreamCertain;
    return {
      path,
      range,
      before,
      after,
      outcome: certain ? 'certain' : 'possible',
      uncertainty: certain
        ? undefined
        : `it reads ${cascadeFrom
            .map((r) => `\`${r.address}.${r.attribute}\``)
            .slice(0, 3)
            .join(', ')}, which changes only if that resource is replaced`,
      ruleSource,
      references,
      cascadeFrom,
    };
  }
  if (differs === 'unknown') {
    return {
      path,
      range,
      before,
      after,
      outcome: 'possible',
      uncertainty: unknownReason(cur.value, base),
      ruleSource,
      references,
    };
  }
  return { path, range, before, after, outcome: 'certain', ruleSource };
}

function conditionText(condition: string | undefined): string {
  return condition ? `it replaces only when ${condition.replace(/\.$/, '')}` : 'the provider decides at plan time whether it replaces';
}

function unknownReason(current: Evaluated | undefined, base: { computedUnknown: boolean }): string {
  if (base.computedUnknown) return 'before, the provider computed this value, so whether the new value differs is known only at plan time';
  if (current && !current.known && current.reasons && current.reasons.length > 0) {
    return `the new value is known only at plan time: ${current.reasons.slice(0, 2).join('; ')}`;
  }
  if (current && !current.known) {
    const refs = current.references.length ? ` (it depends on ${current.references.slice(0, 4).join(', ')})` : '';
    return `the new value is an expression known only at plan time${refs}`;
  }
  return 'the value before is an expression known only at plan time';
}

/** 'same', 'different' (both known), or 'unknown' (an expression whose value we can't know). */
export function valuesDiffer(a: Evaluated | undefined, b: Evaluated | undefined, type: string | undefined): 'same' | 'different' | 'unknown' {
  if (a === undefined && b === undefined) return 'same';
  if ((a && !a.known && a.value !== undefined) || (b && !b.known && b.value !== undefined)) return compareValues(valueOf(a), valueOf(b), type);
  if (a && !a.known && b && !b.known) {
    return normalizeExpressionText(a.text) === normalizeExpressionText(b.text) ? 'same' : 'unknown';
  }
  if ((a && !a.known) || (b && !b.known)) return 'unknown';
  const av = a === undefined ? null : convertToType((a as { value: KnownValue }).value, type);
  const bv = b === undefined ? null : convertToType((b as { value: KnownValue }).value, type);
  return valuesEqual(av, bv) ? 'same' : 'different';
}

function compareBlocks(
  name: string,
  rule: BlockKnowledge,
  current: ResourceSide,
  baseline: ResourceSide,
  prefix: string[],
  options: ComparisonOptions,
  changes: AttributeChange[],
): void {
  const path = [...prefix, name];
  const curBlocks = current.blocks(name);
  const baseBlocks = baseline.blocks(name);
  const range = curBlocks[0]?.blockRange?.() ?? current.blockRange?.() ?? options.fallbackRange;

  // Pair the instances: by position for lists and single blocks; for sets, equal elements first.
  const pairs: Array<[ResourceSide | undefined, ResourceSide | undefined]> = [];
  if (rule.nesting === 'set') {
    const unmatchedBase = [...baseBlocks];
    const unmatchedCur: ResourceSide[] = [];
    for (const cur of curBlocks) {
      const i = unmatchedBase.findIndex((base) => blockDifference(rule, cur, base) === 'same');
      if (i >= 0) unmatchedBase.splice(i, 1);
      else unmatchedCur.push(cur);
    }
    const n = Math.max(unmatchedCur.length, unmatchedBase.length);
    for (let i = 0; i < n; i++) pairs.push([unmatchedCur[i], unmatchedBase[i]]);
  } else {
    const n = Math.max(curBlocks.length, baseBlocks.length);
    for (let i = 0; i < n; i++) pairs.push([curBlocks[i], baseBlocks[i]]);
  }

  const countChanged = curBlocks.length !== baseBlocks.length;
  let anyDifference: 'same' | 'different' | 'unknown' = countChanged ? 'different' : 'same';
  for (const [cur, base] of pairs) {
    const d = cur && base ? blockDifference(rule, cur, base) : 'different';
    if (d === 'different') anyDifference = 'different';
    else if (d === 'unknown' && anyDifference === 'same') anyDifference = 'unknown';
  }
  if (anyDifference === 'same') return;

  const before = baseBlocks.length === 0 ? 'no block' : `${baseBlocks.length} block${baseBlocks.length === 1 ? '' : 's'}`;
  const after = curBlocks.length === 0 ? 'no block' : `${curBlocks.length} block${curBlocks.length === 1 ? '' : 's'}`;
  const blockWide =
    rule.replace === 'always' ||
    (rule.replace === 'if-configured' && curBlocks.length > 0) ||
    (rule.replace === 'on-add-remove' && countChanged) ||
    rule.replace === 'conditional';
  if (blockWide) {
    const certain = rule.replace !== 'conditional' && anyDifference === 'different';
    changes.push({
      path,
      range,
      before: countChanged ? before : 'block contents',
      after: countChanged ? after : 'changed contents',
      outcome: certain ? 'certain' : 'possible',
      uncertainty: certain ? undefined : rule.replace === 'conditional' ? conditionText(rule.condition) : 'a value inside the block is known only at plan time',
      ruleSource: rule.source,
      isBlock: true,
    });
    return;
  }
  // The block itself doesn't replace (or only on add/remove, which didn't happen): look inside.
  for (const [cur, base] of pairs) {
    if (!cur || !base) {
      if (rule.replace === 'never' || rule.replace === 'on-add-remove') {
        changes.push({ path, range, before, after, outcome: 'update', isBlock: true });
      }
      continue;
    }
    compareBody(rule.attributes, rule.blocks ?? {}, cur, base, path, options, changes, false);
  }
}

function blockDifference(rule: BlockKnowledge, cur: ResourceSide, base: ResourceSide): 'same' | 'different' | 'unknown' {
  let result: 'same' | 'different' | 'unknown' = 'same';
  for (const [name, attr] of Object.entries(rule.attributes)) {
    if (base.recorded?.(name) === false) continue;
    const c = effectiveValue(cur, name, attr);
    const b = effectiveValue(base, name, attr);
    if (!c.configured && c.value === undefined && attr.computed) continue;
    const d = valuesDiffer(c.value, b.value, attr.type);
    if (d === 'different') return 'different';
    if (d === 'unknown') result = 'unknown';
  }
  for (const [name, sub] of Object.entries(rule.blocks ?? {})) {
    const cs = cur.blocks(name);
    const bs = base.blocks(name);
    if (cs.length !== bs.length) return 'different';
    for (let i = 0; i < cs.length; i++) {
      const d = blockDifference(sub, cs[i], bs[i]);
      if (d === 'different') return 'different';
      if (d === 'unknown') result = 'unknown';
    }
  }
  return result;
}

/** The value an evaluated side holds, partly unknown or not. */
function valueOf(evaluated: Evaluated | undefined): Value | undefined {
  if (!evaluated) return undefined;
  return evaluated.known ? (evaluated.value as Value) : evaluated.value;
}
