/**
 * `jsonencode` and `jsondecode` as Terraform's: Go's encoding/json output, which has no spaces,
 * sorts object keys, and escapes `<`, `>`, `&`, U+2028 and U+2029 so that the text is safe inside
 * HTML; numbers written in full, never with an exponent.
 */
import { numberToString } from './numbers';
import { sortedKeys } from './ordering';
import { Unknown, type Value } from './value';

/** The JSON text of a wholly known value. */
export function jsonEncode(value: Value): string {
  if (value === null) return 'null';
  if (value instanceof Unknown) throw new Error('jsonEncode of an unknown value');
  if (typeof value === 'string') return jsonString(value);
  if (typeof value === 'number') return numberToString(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(jsonEncode).join(',')}]`;
  const object = value as { readonly [key: string]: Value };
  return `{${sortedKeys(object)
    .map((k) => `${jsonString(k)}:${jsonEncode(object[k])}`)
    .join(',')}}`;
}

const SHORT_ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** A string as Go's encoding/json writes it (also `format`'s `%q`). */
export function jsonString(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (SHORT_ESCAPES[c]) out += SHORT_ESCAPES[c];
    else if (code < 0x20 || c === '<' || c === '>' || c === '&' || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** The value of a JSON text, or undefined where it is not JSON. */
export function jsonDecode(text: string): { value: Value } | undefined {
  try {
    return { value: JSON.parse(text) as Value };
  } catch {
    return undefined;
  }
}
