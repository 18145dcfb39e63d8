/**
 * The orders Terraform's values come in: map and object keys, and set elements, are iterated in
 * cty's order (strings by their UTF-8 bytes, numbers numerically), whatever order they were written in.
 */
import { Unknown, type Value } from './value';

/** Compares strings by code point, which is the order of their UTF-8 bytes (UTF-16 units are not). */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const ca = ia.next();
    const cb = ib.next();
    if (ca.done || cb.done) return ca.done ? (cb.done ? 0 : -1) : 1;
    const da = ca.value.codePointAt(0)!;
    const db = cb.value.codePointAt(0)!;
    if (da !== db) return da < db ? -1 : 1;
  }
}

/** An object's keys in cty's order. */
export function sortedKeys(object: { readonly [key: string]: Value }): string[] {
  return Object.keys(object).sort(compareStrings);
}

/** Deep equality of values, unknowns equal when their symbols are: the identity sets deduplicate by. */
export function sameValue(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (a instanceof Unknown || b instanceof Unknown) return a instanceof Unknown && b instanceof Unknown && a.symbol === b.symbol;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bl = b as readonly Value[];
    return a.length === bl.length && a.every((item, i) => sameValue(item, bl[i]));
  }
  const ao = a as { readonly [key: string]: Value };
  const bo = b as { readonly [key: string]: Value };
  const ka = Object.keys(ao);
  return ka.length === Object.keys(bo).length && ka.every((k) => Object.prototype.hasOwnProperty.call(bo, k) && sameValue(ao[k], bo[k]));
}

/**
 * A set's elements as cty holds them: duplicates removed, strings in byte order, numbers in numeric
 * order, and, as Terraform has no order for them either, other elements after those as first seen.
 */
export function setElements(items: readonly Value[]): Value[] {
  const unique: Value[] = [];
  for (const item of items) if (!unique.some((u) => sameValue(u, item))) unique.push(item);
  const rank = (v: Value) => (typeof v === 'number' ? 0 : typeof v === 'string' ? 1 : 2);
  return unique
    .map((value, index) => ({ value, index }))
    .sort((x, y) => {
      const rx = rank(x.value);
      const ry = rank(y.value);
      if (rx !== ry) return rx - ry;
      if (rx === 0) return (x.value as number) - (y.value as number);
      if (rx === 1) return compareStrings(x.value as string, y.value as string);
      return x.index - y.index;
    })
    .map((e) => e.value);
}
