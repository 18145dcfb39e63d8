/**
 * Values as the comparison of a resource with its baseline takes them: wholly known (from state,
 * or a configuration value the value flow could compute), or unknown before plan with what is
 * known of it and why; their type conversion, equality and rendering.
 */
import type { ResourceAttributeRef, Value } from './evaluation/value';

export type KnownValue = string | number | boolean | null | KnownValue[] | { [key: string]: KnownValue };

export type Evaluated =
  | { known: true; value: KnownValue }
  | {
      known: false;
      text: string;
      references: string[];
      /** The value as far as it is known, when the value-flow evaluator computed it (parts may be known). */
      value?: Value;
      /** Resource attributes whose new value after a replacement it depends on: a cascade. */
      afterApply?: readonly ResourceAttributeRef[];
      /** Why it is unknown, as phrases: "`random_id.x.hex`, known after apply". */
      reasons?: readonly string[];
    };

/**
 * Converts a known value to the attribute's Terraform type the way Terraform's type conversion
 * would before comparing with state (`777` configured for a string attribute is `"777"`).
 */
export function convertToType(value: KnownValue, type: string | undefined): KnownValue {
  if (value === null || !type) return value;
  const t = type.replace(/\s+/g, '');
  if (t === 'string') {
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return value;
  }
  if (t === 'number') {
    if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value);
    return value;
  }
  if (t === 'bool') {
    if (value === 'true' || value === 'false') return value === 'true';
    return value;
  }
  const inner = /^(list|set|map)\((.*)\)$/.exec(t);
  if (inner) {
    const elementType = inner[2];
    if (Array.isArray(value)) {
      const items = value.map((v) => convertToType(v, elementType));
      return inner[1] === 'set' ? [...items].sort(compareForSort) : items;
    }
    if (typeof value === 'object') {
      const out: { [key: string]: KnownValue } = {};
      for (const [k, v] of Object.entries(value)) out[k] = convertToType(v, elementType);
      return out;
    }
  }
  return value;
}

function compareForSort(a: KnownValue, b: KnownValue): number {
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export function valuesEqual(a: KnownValue | undefined, b: KnownValue | undefined): boolean {
  if (a === undefined) a = null;
  if (b === undefined) b = null;
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]));
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  const bo = b as { [key: string]: KnownValue };
  return ka.every((k) => k in bo && valuesEqual((a as { [key: string]: KnownValue })[k], bo[k]));
}

const MAX_RENDERED = 80;

/** Renders a known value the way a plan shows it: `"0777"`, `3`, `true`, `null`, `["a", "b"]`, `{ a = "b" }`. */
export function renderKnown(value: KnownValue | undefined, limit = MAX_RENDERED): string {
  const text = renderKnownFull(value === undefined ? null : value);
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function renderKnownFull(value: KnownValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(renderKnownFull).join(', ')}]`;
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${/^[A-Za-z_][\w-]*$/.test(k) ? k : JSON.stringify(k)} = ${renderKnownFull(v)}`).join(', ')} }`;
}

export function renderEvaluated(value: Evaluated | undefined, limit = MAX_RENDERED): string {
  if (!value) return 'null';
  if (value.known) return renderKnown(value.value, limit);
  const text = value.text.replace(/\s+/g, ' ');
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

/** Normalises expression text so that re-indentation alone is not a change. */
export function normalizeExpressionText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
