/**
 * Which immutability rules of a CRD (customResourceRules.ts) an edited custom resource breaks
 * against its deployed version, with the error the API server answers. Pure.
 *
 * The walk follows the API server's CEL validator (apiextensions-apiserver 0.37.2,
 * `pkg/apiserver/schema/cel/validation.go`): a rule runs on a value that is present and not null;
 * a rule reading `oldSelf` runs only where the old object has a value to match — an object's
 * property by name, a map's entry by key, a list's item only in a `map` list (by its keys),
 * never in other lists. Equality is CEL's: lists of type `set` and `map` ignore order. A failed
 * rule is reported at its field (or at its `fieldPath`) with its reason; a rule that cannot be
 * evaluated (`self.x` of an object without `x`) fails with `no such key: x evaluating rule: …`.
 */
import type { FieldPath } from './manifestParser';
import { goErrorValue, type CustomResourceErrorType, type CustomResourceFieldError } from './customResourceErrorText';
import type { ImmutabilityRule, RuleReason, RuleSchema } from './customResourceRules';
import { deepEqual, isPlainObject } from './valueDiff';

/** How the server names the object's root in an error (a nil field path, printed by apimachinery). */
const ROOT = '<nil>';

export interface CustomResourceViolation {
  /** The edited field in the new manifest (its nearest existing ancestor is underlined). */
  at: FieldPath;
  error: CustomResourceFieldError;
  rule: ImmutabilityRule;
  /** Where the rule sits in this object: `spec.ports[1].port`. */
  field: string;
  before?: unknown;
  after?: unknown;
}

export function customResourceViolations(schema: RuleSchema, before: Record<string, unknown>, after: Record<string, unknown>): CustomResourceViolation[] {
  const violations: CustomResourceViolation[] = [];
  walk(schema, after, before, [], '', violations);
  return violations;
}

function walk(schema: RuleSchema, now: unknown, old: unknown, at: FieldPath, path: string, out: CustomResourceViolation[]): void {
  if (!schema.hasRules || now === undefined || now === null) return;
  const oldValue = old === null ? undefined : old;
  if (oldValue !== undefined) for (const rule of schema.rules) check(schema, rule, now, oldValue, at, path, out);
  if (isPlainObject(now)) {
    const oldObject = isPlainObject(oldValue) ? oldValue : {};
    for (const [key, value] of Object.entries(now)) {
      const property = schema.properties?.[key];
      if (property) walk(property, value, oldObject[key], [...at, key], path ? `${path}.${key}` : key, out);
      else if (schema.additionalProperties) walk(schema.additionalProperties, value, oldObject[key], [...at, key], `${path}[${key}]`, out);
    }
  } else if (Array.isArray(now) && schema.items) {
    const oldItems = Array.isArray(oldValue) ? oldValue : [];
    now.forEach((item, index) => walk(schema.items!, item, correlatedItem(schema, item, oldItems), [...at, index], `${path}[${index}]`, out));
  }
}

/** The old version of a list item: only a `map` list's items have one, the item with the same keys. */
function correlatedItem(schema: RuleSchema, item: unknown, oldItems: unknown[]): unknown {
  if (schema.listType !== 'map' || !schema.listMapKeys?.length || !isPlainObject(item)) return undefined;
  const keys = schema.listMapKeys;
  return oldItems.find((o) => isPlainObject(o) && keys.every((k) => deepEqual(o[k], item[k])));
}

function check(schema: RuleSchema, rule: ImmutabilityRule, now: unknown, old: unknown, at: FieldPath, path: string, out: CustomResourceViolation[]): void {
  const field = path || ROOT;
  if (rule.form === 'unchanged') {
    if (!celEqual(schema, now, old)) out.push({ at, error: failure(schema, rule, now, path), rule, field, before: old, after: now });
    return;
  }
  // The property forms read `self.x`: on anything but an object the rule could not have compiled.
  if (!isPlainObject(now) || !isPlainObject(old) || rule.property === undefined) return;
  const x = rule.property;
  const hasNow = x in now;
  const hasOld = x in old;
  const child = schema.properties?.[x] ?? schema.additionalProperties ?? { rules: [], hasRules: false };
  const childAt = [...at, x];
  const childField = path ? `${path}.${x}` : x;
  const report = (error: CustomResourceFieldError) => out.push({ at: childAt, error, rule, field: childField, before: old[x], after: now[x] });
  const noSuchKey = () => report(evaluationError(schema, rule, path, `no such key: ${x}`));
  switch (rule.form) {
    case 'presence-unchanged':
      if (hasNow !== hasOld) report(failure(schema, rule, now, path));
      return;
    case 'not-removed':
      if (hasOld && !hasNow) report(failure(schema, rule, now, path));
      return;
    case 'not-added':
      if (!hasOld && hasNow) report(failure(schema, rule, now, path));
      return;
    case 'unchanged-once-set':
      if (!hasOld) return;
      if (!hasNow) noSuchKey();
      else if (!celEqual(child, now[x], old[x])) report(failure(schema, rule, now, path));
      return;
    case 'unchanged-and-set':
      if (!hasNow || !hasOld) noSuchKey();
      else if (!celEqual(child, now[x], old[x])) report(failure(schema, rule, now, path));
      return;
  }
}

const REASON_TYPES: Record<RuleReason, CustomResourceErrorType> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueForbidden: 'Forbidden',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
};

/** A rule that evaluated to false: at its field or `fieldPath`, with its reason, the value only for scalars. */
function failure(schema: RuleSchema, rule: ImmutabilityRule, self: unknown, path: string): CustomResourceFieldError {
  const at = rule.fieldPath === undefined ? path : path ? `${path}.${rule.fieldPath}` : rule.fieldPath;
  const type = REASON_TYPES[rule.reason];
  const scalar = schema.type !== 'object' && schema.type !== 'array';
  const value = (type === 'Invalid value' || type === 'Duplicate value') && scalar ? goErrorValue(self) : undefined;
  return { path: at || ROOT, type, ...(value !== undefined ? { value } : {}), detail: type === 'Duplicate value' ? '' : rule.message };
}

/** A rule whose evaluation failed: at the rule's own field, Invalid with the schema type's name, whatever its reason. */
function evaluationError(schema: RuleSchema, rule: ImmutabilityRule, path: string, cause: string): CustomResourceFieldError {
  const ruleText = rule.ownMessage ? rule.message : rule.rule;
  return { path: path || ROOT, type: 'Invalid value', value: goErrorValue(schema.type ?? ''), detail: `${cause} evaluating rule: ${ruleText}` };
}

/** CEL's `==` on JSON values: lists of type `set` and `map` compare without order. */
export function celEqual(schema: RuleSchema | undefined, a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return false;
    const items = schema?.items;
    if (schema?.listType === 'set' || schema?.listType === 'map') {
      const rest = [...b];
      return a.every((x) => {
        const i = rest.findIndex((y) => celEqual(items, x, y));
        return i >= 0 && rest.splice(i, 1).length === 1;
      });
    }
    return a.every((x, i) => celEqual(items, x, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((k) => k in b && celEqual(schema?.properties?.[k] ?? schema?.additionalProperties, a[k], b[k]));
  }
  return deepEqual(a, b);
}
