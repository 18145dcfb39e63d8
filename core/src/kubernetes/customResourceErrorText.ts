/**
 * The words the API server answers when a custom resource breaks a CRD validation rule, rebuilt
 * offline. Seen from kube-apiserver 1.37.2 (`kubectl apply --dry-run=server`, kubectl 1.32):
 *
 *   The Certificate "c1" is invalid: spec.secretName: Invalid value: "s2": secretName is immutable
 *   The Certificate "c5" is invalid: spec.issuerRef: Invalid value: issuerRef is immutable
 *   The Widget "w6" is invalid: spec: Invalid value: "object": no such key: duration evaluating rule: …
 *
 * A failed rule's error carries the field's value when the field is a scalar (strings quoted as
 * Go's `%q` does, numbers and booleans as Go's `%v`), and none for objects and arrays; a rule that
 * cannot be evaluated (a missing key) reports the schema type's name as its value instead. Several
 * errors make kubectl print each on its own line, after `is invalid: `, starting with `* `.
 */
import { isPlainObject } from './valueDiff';

export type CustomResourceErrorType = 'Invalid value' | 'Forbidden' | 'Required value' | 'Duplicate value';

export interface CustomResourceFieldError {
  /** As the server reports it: `spec.ports[1].port`, `spec.labels[a]`. */
  path: string;
  type: CustomResourceErrorType;
  /** The rendered value; undefined where the server prints none. */
  value?: string;
  /** Empty for Duplicate, which carries no detail. */
  detail: string;
}

export function customResourceErrorText(error: CustomResourceFieldError): string {
  const value = error.value === undefined ? '' : `: ${error.value}`;
  const detail = error.detail === '' ? '' : `: ${error.detail}`;
  return `${error.path}: ${error.type}${value}${detail}`;
}

/** The line kubectl prints for a refused update of a custom resource. */
export function customResourceKubectlText(kind: string, name: string, errors: CustomResourceFieldError[]): string {
  if (errors.length === 1) return `The ${kind} "${name}" is invalid: ${customResourceErrorText(errors[0]!)}`;
  return `The ${kind} "${name}" is invalid: \n${errors.map((e) => `* ${customResourceErrorText(e)}`).join('\n')}`;
}

/** A JSON value as the server's error prints it: Go's `%q` for strings, `%v` for numbers and booleans, JSON (sorted keys) otherwise. */
export function goErrorValue(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number') return goNumber(value);
  if (typeof value === 'boolean') return String(value);
  return goJson(value);
}

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };

/** Go's `%q`: printable characters as they are, the rest escaped. */
export function goQuote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    const escape = ESCAPES[ch];
    if (escape) out += escape;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if ((code >= 0x80 && code < 0xa0) || code === 0xad || code === 0x2028 || code === 0x2029 || code === 0xfeff) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's `%v` of an int64 or float64: the shortest digits, in exponent form below 1e-4 and from 1e21. */
export function goNumber(value: number): string {
  if (!Number.isFinite(value)) return value > 0 ? '+Inf' : value < 0 ? '-Inf' : 'NaN';
  if (value === 0) return '0';
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 21) return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return String(value);
}

/** Go's json.Marshal: object keys sorted, `<`, `>` and `&` escaped. */
function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown =>
    isPlainObject(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sorted(v[k])]),
        )
      : Array.isArray(v)
        ? v.map(sorted)
        : v;
  return (JSON.stringify(sorted(value)) ?? 'null').replace(/[<>&]/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}
