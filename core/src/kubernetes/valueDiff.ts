/**
 * Structural comparison of manifest values (plain JSON-like data from YAML). Kubernetes compares
 * objects semantically after decoding, so key order never matters and list order always does.
 */
import type { FieldPath } from './manifestParser';

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // `key:` (null), `key: {}`, `key: []` and no key are the same object to the API server (omitempty).
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!deepEqual(a[key], b[key])) return false;
    return true;
  }
  // Dates (YAML timestamps) and other leaves.
  return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
}

/**
 * The paths of the leaves that differ, in document order of `after` (then keys only in
 * `before`). Empty values count as absent (see deepEqual).
 */
export function changedPaths(before: unknown, after: unknown, base: FieldPath = [], limit = 50): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (a: unknown, b: unknown, path: FieldPath) => {
    if (out.length >= limit || deepEqual(a, b)) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      for (const key of Object.keys(b)) walk(a[key] ?? undefined, b[key] ?? undefined, [...path, key]);
      for (const key of Object.keys(a)) if (!(key in b)) walk(a[key] ?? undefined, undefined, [...path, key]);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      b.forEach((item, i) => walk(a[i], item, [...path, i]));
      return;
    }
    out.push(path);
  };
  walk(before, after, base);
  return out;
}

export function valueAt(root: unknown, path: FieldPath): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof segment === 'number' ? !Array.isArray(value) : !isPlainObject(value)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** `spec.template.spec.containers[0].image`, as the API server writes field paths. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${segment}]`;
  }
  return out;
}

/** A short, one-line rendering of a value for messages and the `before`/`after` fields. */
export function shortValue(value: unknown, max = 120): string {
  if (value === undefined || value === null) return '(unset)';
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).length === 0;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A copy without the given top-level keys, for "everything except …" rules. */
export function without(value: unknown, keys: readonly string[]): Record<string, unknown> {
  if (!isPlainObject(value)) return {};
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) if (!keys.includes(key)) copy[key] = item;
  return copy;
}
