/**
 * Values written as text: for the user, as a plan shows them (`"0777"`, `3`, `["a", "b"]`,
 * `{ a = "b" }`), and canonically, inside the symbols of unknowns, so that the same computation
 * over the same inputs always gets the same symbol.
 */
import { numberToString } from './numbers';
import { sortedKeys } from './ordering';
import { Unknown, type Value } from './value';

const MAX_RENDERED = 80;
const BARE_KEY = /^[A-Za-z_][\w-]*$/;

/** The value as the user reads it; an unknown that waits for an apply is `(known after apply)`. */
export function renderValue(value: Value | undefined, limit = MAX_RENDERED): string {
  const text = render(value === undefined ? null : value, (u) => (u.afterApply.length > 0 ? '(known after apply)' : u.symbol));
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** The value as a symbol writes it: unknown parts by their own symbols, keys in cty's order. */
export function canonicalText(value: Value): string {
  return render(value, (u) => u.symbol);
}

function render(value: Value, unknown: (u: Unknown) => string): string {
  if (value === null) return 'null';
  if (value instanceof Unknown) return unknown(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return numberToString(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => render(v, unknown)).join(', ')}]`;
  const object = value as { readonly [key: string]: Value };
  const keys = sortedKeys(object);
  if (keys.length === 0) return '{}';
  return `{ ${keys.map((k) => `${BARE_KEY.test(k) ? k : JSON.stringify(k)} = ${render(object[k], unknown)}`).join(', ')} }`;
}
