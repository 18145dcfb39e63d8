/**
 * Comparing two values the way a plan would: the configured value and the value in the baseline,
 * both converted to the attribute's type first (`777` for a string attribute is `"777"`). Known
 * parts that differ make them different; where nothing known differs, unknown parts leave the
 * answer open, except an unknown that is the same computation over the same unchanged inputs.
 */
import { convertValue, parseTypeConstraint, type TypeConstraint } from './conversion';
import { canonicalText } from './renderValue';
import { Unknown, unknownsIn, type Value } from './value';

export { renderValue } from './renderValue';

export type Comparison = 'same' | 'different' | 'unknown';

export function compareValues(a: Value | undefined, b: Value | undefined, type?: string): Comparison {
  const constraint = type ? parseTypeConstraint(type) : undefined;
  const left = converted(a ?? null, constraint);
  const right = converted(b ?? null, constraint);
  const pairs: Array<[Value, Value]> = [];
  if (differs(left, right, constraint, pairs)) return 'different';
  return pairs.every(([x, y]) => sameUnknown(x, y)) ? 'same' : 'unknown';
}

function converted(value: Value, type: TypeConstraint | undefined): Value {
  if (!type) return value;
  const result = convertValue(value, type);
  return 'error' in result ? value : result.value;
}

/** Two unknowns are the same value when they are the same computation and neither waits for an apply. */
function sameUnknown(a: Value, b: Value): boolean {
  return a instanceof Unknown && b instanceof Unknown && a.symbol === b.symbol && a.afterApply.length === 0 && b.afterApply.length === 0;
}

/** True where known parts differ; collects the pairs an unknown decides into `open`. */
function differs(a: Value, b: Value, type: TypeConstraint | undefined, open: Array<[Value, Value]>): boolean {
  if (a instanceof Unknown || b instanceof Unknown) {
    open.push([a, b]);
    return false;
  }
  if (a === null || b === null) return a !== b;
  if (typeof a !== 'object' || typeof b !== 'object') return a !== b;
  if (Array.isArray(a) !== Array.isArray(b)) return true;
  if (Array.isArray(a)) {
    const bl = b as readonly Value[];
    if (a.length !== bl.length) return true;
    // A set with unknown elements has no order to pair them by: equal text, or open.
    if (type?.kind === 'set' && (unknownsIn(a).length > 0 || unknownsIn(bl).length > 0)) {
      const ta = canonicalText(a);
      const tb = canonicalText(bl);
      const unknowns = [...unknownsIn(a), ...unknownsIn(bl)];
      if (ta !== tb || unknowns.some((u) => u.afterApply.length > 0)) open.push([a, bl]);
      return false;
    }
    const element = elementType(type, undefined);
    return a.some((item, i) => differs(item, bl[i], type?.kind === 'tuple' ? type.elements[i] : element, open));
  }
  const ao = a as { readonly [key: string]: Value };
  const bo = b as { readonly [key: string]: Value };
  // An absent attribute and a null one are the same: state often omits what configuration sets to null.
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const key of keys) {
    const x = Object.prototype.hasOwnProperty.call(ao, key) ? ao[key] : null;
    const y = Object.prototype.hasOwnProperty.call(bo, key) ? bo[key] : null;
    if (differs(x, y, elementType(type, key), open)) return true;
  }
  return false;
}

function elementType(type: TypeConstraint | undefined, key: string | undefined): TypeConstraint | undefined {
  if (!type) return undefined;
  if (type.kind === 'list' || type.kind === 'set' || type.kind === 'map') return type.element;
  if (type.kind === 'object' && key !== undefined) return type.attributes.get(key);
  return undefined;
}
