/**
 * Plan values as text, and the attribute diff of one change (`before` → `after`), the way the
 * human plan renderer of Terraform/OpenTofu reports them: HCL-like literals, "(known after apply)"
 * for `after_unknown`, "(sensitive value)" for `before_sensitive`/`after_sensitive`, nested paths
 * such as `tags["Name"]` or `ingress[0].cidr_blocks`.
 *
 * Pure and schema-free: the plan JSON carries no provider schema, so maps and objects look the
 * same here (see `renderPath` for how that shapes the path syntax).
 *
 * Every string is data from the plan and may be hostile. Escaping here is for HCL syntax only
 * (quotes, backslashes, control characters, template sequences), so that a value reads as one
 * literal; the HTML side escapes for HTML when it draws the text.
 */
import type { AttributeChange, PlanValue } from '../../../common/src/planGraph';

/** One step of a path into a value: an attribute or map key, or a list index. */
export type PathStep = string | number;

/** Longest rendered value text before it is cut (and marked `truncated`): enough for a details pane, bounded for a 50 MB plan. */
export const MAX_VALUE_TEXT = 1000;

/**
 * A list whose elements differ in more places than this is reported as one attribute, not one row
 * per element: a reviewer reads "the list changed" faster than 500 rows.
 */
export const MAX_LIST_ELEMENT_ROWS = 20;

/** Most rows one change yields; the rest is counted in `omitted` (a node must stay small for the webview). */
export const MAX_CHANGE_ROWS = 200;

/** The sensitivity / unknown-ness mask of a value: `true` for the whole value, or a structure mirroring it. */
export type ValueMask = unknown;

const TRUNCATED = Symbol('truncated');

/** Collects text up to a budget, so a huge value is never fully rendered only to be cut. */
class BoundedText {
  text = '';
  constructor(readonly limit: number) {}
  write(s: string): void {
    if (this.text.length + s.length > this.limit) {
      this.text += s.slice(0, Math.max(0, this.limit - this.text.length));
      throw TRUNCATED;
    }
    this.text += s;
  }
}

/**
 * A string as an HCL quoted literal. `${` and `%{` are doubled because HCL would read them as
 * template interpolation/directives; control characters and the Unicode line/paragraph separators
 * become `\n`, `\uXXXX` … so the value stays on one line.
 */
export function quoteString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    const code = value.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if ((ch === '$' || ch === '%') && value[i + 1] === '{') out += ch + ch;
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/**
 * Lower-case snake case: the only shape a provider schema allows for attribute names (the SDKs
 * validate it). A key of any other shape cannot be an attribute, so it must be a map key.
 */
const ATTRIBUTE_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * A path as Terraform users write it. The first step is the attribute name as is; later string
 * steps are `.name` when they could be attribute names (lower-case snake case) and `["key"]`
 * otherwise; numbers are `[0]`. Without the schema a map key that happens to look like an attribute
 * name (`triggers.foo`) prints with a dot: in HCL `m.foo` and `m["foo"]` address the same element,
 * so the path still reads right.
 */
export function renderPath(path: readonly PathStep[]): string {
  let out = '';
  path.forEach((step, i) => {
    if (typeof step === 'number') out += `[${step}]`;
    else if (i === 0) out += step;
    else if (ATTRIBUTE_NAME.test(step)) out += `.${step}`;
    else out += `[${quoteString(step)}]`;
  });
  return out;
}

/** A `replace_paths` entry as a path; steps that are neither strings nor numbers (not seen in real plans) print as JSON text. */
export function renderReplacePath(path: unknown): string {
  if (!Array.isArray(path)) return quoteString(String(path));
  return renderPath(path.map((s) => (typeof s === 'number' || typeof s === 'string' ? s : (JSON.stringify(s) ?? 'null'))));
}

/**
 * A known value (with its masks: nested unknown/sensitive parts print as placeholders inside the
 * text) as a PlanValue. A mask of `true` for the whole value wins: sensitive first, so a secret that
 * is also unknown never hints at more than "(sensitive value)".
 */
export function renderValue(value: unknown, unknown: ValueMask = false, sensitive: ValueMask = false, limit = MAX_VALUE_TEXT): PlanValue {
  if (sensitive === true) return { kind: 'sensitive' };
  if (unknown === true) return { kind: 'unknown' };
  const out = new BoundedText(limit);
  try {
    writeValue(out, value, unknown, sensitive);
  } catch (error) {
    if (error !== TRUNCATED) throw error;
    return { kind: 'known', text: `${out.text}…`, truncated: true };
  }
  return { kind: 'known', text: out.text };
}

/** The text a PlanValue shows: the literal, or the placeholders Terraform prints. */
export function planValueText(value: PlanValue): string {
  switch (value.kind) {
    case 'known':
      return value.text;
    case 'unknown':
      return '(known after apply)';
    case 'sensitive':
      return '(sensitive value)';
    case 'absent':
      return '(not set)';
  }
}

function writeValue(out: BoundedText, value: unknown, unknown: ValueMask, sensitive: ValueMask): void {
  if (sensitive === true) return out.write('(sensitive value)');
  if (unknown === true) return out.write('(known after apply)');
  if (value === null || value === undefined) return out.write('null');
  // Quote no more of a huge string than can show (escaping only lengthens it, so the cut still happens).
  if (typeof value === 'string') return out.write(quoteString(value.length > out.limit ? value.slice(0, out.limit) : value));
  if (typeof value === 'number' || typeof value === 'boolean') return out.write(String(value));
  if (Array.isArray(value)) {
    out.write('[');
    value.forEach((element, i) => {
      if (i > 0) out.write(', ');
      writeValue(out, element, child(unknown, i), child(sensitive, i));
    });
    return out.write(']');
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    if (keys.length === 0) return out.write('{}');
    out.write('{ ');
    keys.forEach((key, i) => {
      if (i > 0) out.write(', ');
      out.write(ATTRIBUTE_NAME.test(key) ? key : quoteString(key));
      out.write(' = ');
      writeValue(out, (value as Record<string, unknown>)[key], child(unknown, key), child(sensitive, key));
    });
    return out.write(' }');
  }
  out.write(quoteString(String(value)));
}

/** The part of a mask for one element/attribute: `true` covers everything under it. */
function child(mask: ValueMask, step: PathStep): ValueMask {
  if (mask === true) return true;
  if (typeof step === 'number') return Array.isArray(mask) ? mask[step] : undefined;
  if (isPlainObject(mask)) return mask[step];
  return undefined;
}

/** Whether a mask marks anything (a `true` anywhere inside). */
function anyTrue(mask: ValueMask): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(anyTrue);
  if (isPlainObject(mask)) return Object.values(mask).some(anyTrue);
  return false;
}

/** The `change` object of a resource change, an output change or a drift entry (fields as `show -json` writes them). */
export interface ChangeValues {
  before?: unknown;
  after?: unknown;
  after_unknown?: unknown;
  before_sensitive?: unknown;
  after_sensitive?: unknown;
}

export interface AttributeDiff {
  changes: AttributeChange[];
  /** Rows left out past MAX_CHANGE_ROWS. */
  omitted: number;
}

interface Side {
  /** False when this side does not exist (the before of a create, the after of a delete) or a map key is missing. */
  present: boolean;
  value: unknown;
  sensitive: ValueMask;
}

interface DiffContext {
  rows: { path: PathStep[]; before: PlanValue; after: PlanValue }[];
  omitted: number;
}

/**
 * The changed attributes of a change. Objects and maps are compared key by key, lists element by
 * element when both sides have the same length (otherwise, or when too many elements differ, the
 * whole list is one row), so the rows name the nested paths Terraform marks. Unchanged attributes are
 * left out, and so are attributes that are null on the only side there is (a create does not list
 * the attributes it leaves unset).
 *
 * `forcesReplacement` is true when the row's path is a `replace_paths` entry or under one (the
 * entry names a parent), and also when a `replace_paths` entry lies under the row's path: a row
 * that reports a whole list contains the element that forced the replacement.
 */
export function diffChange(change: ChangeValues, replacePaths: readonly unknown[] = []): AttributeDiff {
  const ctx: DiffContext = { rows: [], omitted: 0 };
  const before: Side = { present: change.before !== null && change.before !== undefined, value: change.before, sensitive: change.before_sensitive };
  const after: Side = { present: change.after !== null && change.after !== undefined, value: change.after, sensitive: change.after_sensitive };
  // An unknown `after` with no value at all (e.g. a whole object known after apply) is still a side.
  if (!after.present && change.after_unknown === true) after.present = true;
  const beforeObject = before.present && isPlainObject(before.value) && before.sensitive !== true;
  const afterObject = after.present && isPlainObject(after.value) && after.sensitive !== true && change.after_unknown !== true;
  if ((beforeObject || !before.present) && (afterObject || !after.present) && (before.present || after.present)) {
    // The usual case: a resource's attributes, one row per changed attribute.
    compareObject(ctx, [], before, after, change.after_unknown);
  } else {
    compare(ctx, [], before, after, change.after_unknown);
  }
  const replace = replacePaths.filter(Array.isArray) as unknown[][];
  return {
    changes: ctx.rows.map((row) => ({ path: renderPath(row.path), before: row.before, after: row.after, forcesReplacement: replace.some((p) => overlaps(row.path, p)) })),
    omitted: ctx.omitted,
  };
}

function overlaps(path: readonly PathStep[], replacePath: readonly unknown[]): boolean {
  const n = Math.min(path.length, replacePath.length);
  for (let i = 0; i < n; i++) if (path[i] !== replacePath[i]) return false;
  return true;
}

function emit(ctx: DiffContext, path: PathStep[], before: Side, after: Side, unknown: ValueMask): void {
  if (ctx.rows.length >= MAX_CHANGE_ROWS) {
    ctx.omitted++;
    return;
  }
  ctx.rows.push({ path, before: sideValue(before, false), after: sideValue(after, unknown) });
}

function sideValue(side: Side, unknown: ValueMask): PlanValue {
  if (!side.present) return { kind: 'absent' };
  return renderValue(side.value, unknown, side.sensitive);
}

function compare(ctx: DiffContext, path: PathStep[], before: Side, after: Side, unknown: ValueMask): void {
  if (!before.present && !after.present) return;
  // Nothing to say about an attribute that is null on the only side there is.
  if (!before.present && (after.value === null || after.value === undefined) && !anyTrue(unknown)) return;
  if (!after.present && (before.value === null || before.value === undefined)) return;
  if (before.present && after.present && unknown !== true && before.sensitive !== true && after.sensitive !== true) {
    if (isPlainObject(before.value) && isPlainObject(after.value)) return compareObject(ctx, path, before, after, unknown);
    if (Array.isArray(before.value) && Array.isArray(after.value) && before.value.length === after.value.length) {
      if (compareList(ctx, path, before, after, unknown)) return;
    }
  }
  if (sameSide(before, after, unknown)) return;
  emit(ctx, path, before, after, unknown);
}

function compareObject(ctx: DiffContext, path: PathStep[], before: Side, after: Side, unknown: ValueMask): void {
  const b = before.present && isPlainObject(before.value) ? before.value : {};
  const a = after.present && isPlainObject(after.value) ? after.value : {};
  const keys = new Set([...Object.keys(b), ...Object.keys(a), ...(isPlainObject(unknown) ? Object.keys(unknown) : [])]);
  for (const key of [...keys].sort()) {
    compare(
      ctx,
      [...path, key],
      { present: before.present && key in b, value: b[key], sensitive: child(before.sensitive, key) },
      // An attribute only in after_unknown (no value yet) is present: it will be set.
      { present: after.present && (key in a || child(unknown, key) !== undefined), value: a[key], sensitive: child(after.sensitive, key) },
      child(unknown, key),
    );
  }
}

/** Element-wise comparison of two lists of one length; false (nothing emitted) when too many elements differ. */
function compareList(ctx: DiffContext, path: PathStep[], before: Side, after: Side, unknown: ValueMask): boolean {
  const b = before.value as unknown[];
  const a = after.value as unknown[];
  const differing: number[] = [];
  for (let i = 0; i < b.length; i++) {
    const be: Side = { present: true, value: b[i], sensitive: child(before.sensitive, i) };
    const ae: Side = { present: true, value: a[i], sensitive: child(after.sensitive, i) };
    if (!sameSide(be, ae, child(unknown, i))) {
      differing.push(i);
      if (differing.length > MAX_LIST_ELEMENT_ROWS) return false;
    }
  }
  for (const i of differing) {
    compare(
      ctx,
      [...path, i],
      { present: true, value: b[i], sensitive: child(before.sensitive, i) },
      { present: true, value: a[i], sensitive: child(after.sensitive, i) },
      child(unknown, i),
    );
  }
  return true;
}

/** Same value on both sides: equal data, nothing unknown after, and the same sensitivity. */
function sameSide(before: Side, after: Side, unknown: ValueMask): boolean {
  if (before.present !== after.present) return false;
  if (anyTrue(unknown)) return false;
  if (anyTrue(before.sensitive) !== anyTrue(after.sensitive)) return false;
  return deepEqual(before.value, after.value);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if ((a === null || a === undefined) && (b === null || b === undefined)) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
