/**
 * Values as the analysis compares them: configuration literals decoded by the parser, state
 * attribute values, and the few expressions that can be known without a plan (`path.module`,
 * literal locals and variable defaults, `each.key` of a literal `for_each`, simple templates).
 * Everything else is "unknown before plan" and carries the reason.
 */
import type { HclValue, HclValueNode } from './hcl/model';
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

export interface InstanceContext {
  countIndex?: number;
  eachKey?: string;
  eachValue?: KnownValue;
}

export interface EvaluationContext {
  /** `path.module` / `path.root` relative to the root module: `.` for the root module itself. */
  pathModule: string;
  locals: Map<string, HclValueNode>;
  variableDefaults: Map<string, HclValueNode>;
  /** Values from `terraform.tfvars` and `*.auto.tfvars`, which override defaults. */
  variableValues: Map<string, KnownValue>;
  instance?: InstanceContext;
}

const MAX_LOCAL_DEPTH = 16;

export function evaluate(node: HclValueNode, context: EvaluationContext, depth = 0): Evaluated {
  return evaluateValue(node.value, context, depth);
}

function evaluateValue(value: HclValue, context: EvaluationContext, depth: number): Evaluated {
  switch (value.kind) {
    case 'string':
    case 'bool':
      return { known: true, value: value.value };
    case 'number':
      return { known: true, value: value.value };
    case 'null':
      return { known: true, value: null };
    case 'tuple': {
      const items: KnownValue[] = [];
      for (const item of value.items) {
        const evaluated = evaluate(item, context, depth);
        if (!evaluated.known) return unknownOf(value);
        items.push(evaluated.value);
      }
      return { known: true, value: items };
    }
    case 'object': {
      const entries: { [key: string]: KnownValue } = {};
      for (const entry of value.entries) {
        if (!entry.keyIsLiteral) return unknownOf(value);
        const evaluated = evaluate(entry.value, context, depth);
        if (!evaluated.known) return unknownOf(value);
        entries[entry.key] = evaluated.value;
      }
      return { known: true, value: entries };
    }
    case 'expression':
      return evaluateExpressionText(value.text, value.references, context, depth);
  }
}

function unknownOf(value: HclValue): Evaluated {
  return { known: false, text: renderConfigValue(value), references: collectReferences(value) };
}

const TRAVERSAL = /^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+$/;

function evaluateExpressionText(text: string, references: string[], context: EvaluationContext, depth: number): Evaluated {
  const unknown: Evaluated = { known: false, text, references };
  const trimmed = text.trim();
  if (TRAVERSAL.test(trimmed)) {
    const resolved = resolveTraversal(trimmed, context, depth);
    return resolved ?? unknown;
  }
  if (trimmed.startsWith('"') && trimmed.endsWith('"') && trimmed.length >= 2) {
    const parts = splitSimpleTemplate(trimmed.slice(1, -1));
    if (!parts) return unknown;
    let result = '';
    for (const part of parts) {
      if (part.literal !== undefined) result += part.literal;
      else {
        const resolved = resolveTraversal(part.traversal!, context, depth);
        if (!resolved || !resolved.known) return unknown;
        const v = resolved.value;
        if (typeof v === 'string') result += v;
        else if (typeof v === 'number' || typeof v === 'boolean') result += String(v);
        else return unknown;
      }
    }
    return { known: true, value: result };
  }
  return unknown;
}

function resolveTraversal(traversal: string, context: EvaluationContext, depth: number): Evaluated | undefined {
  const [root, name, ...rest] = traversal.split('.');
  let base: Evaluated | undefined;
  if (root === 'path' && (name === 'module' || name === 'root') && rest.length === 0) {
    return { known: true, value: name === 'root' ? '.' : context.pathModule };
  }
  if (root === 'count' && name === 'index' && rest.length === 0) {
    return context.instance?.countIndex !== undefined ? { known: true, value: context.instance.countIndex } : undefined;
  }
  if (root === 'each' && name === 'key' && rest.length === 0) {
    return context.instance?.eachKey !== undefined ? { known: true, value: context.instance.eachKey } : undefined;
  }
  if (root === 'each' && name === 'value') {
    base = context.instance?.eachValue !== undefined ? { known: true, value: context.instance.eachValue } : undefined;
  } else if (root === 'var') {
    const given = context.variableValues.get(name);
    if (given !== undefined) base = { known: true, value: given };
    else {
      const defaultNode = context.variableDefaults.get(name);
      base = defaultNode && depth < MAX_LOCAL_DEPTH ? evaluate(defaultNode, context, depth + 1) : undefined;
    }
  } else if (root === 'local') {
    const node = context.locals.get(name);
    base = node && depth < MAX_LOCAL_DEPTH ? evaluate(node, context, depth + 1) : undefined;
  } else {
    return undefined;
  }
  if (!base || !base.known) return undefined;
  let value: KnownValue = base.value;
  for (const key of rest) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !(key in value)) return undefined;
    value = value[key];
  }
  return { known: true, value };
}

/**
 * Splits the inside of a quoted template into literal text and `${traversal}` parts. Returns
 * undefined for anything beyond that (directives, function calls, unusual escapes), which then
 * stays unknown: never guess.
 */
function splitSimpleTemplate(body: string): Array<{ literal?: string; traversal?: string }> | undefined {
  const parts: Array<{ literal?: string; traversal?: string }> = [];
  let literal = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      const next = body[++i];
      const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };
      if (next === undefined || !(next in simple)) return undefined;
      literal += simple[next];
    } else if ((c === '$' || c === '%') && body[i + 1] === c && body[i + 2] === '{') {
      literal += `${c}{`;
      i += 2;
    } else if (c === '%' && body[i + 1] === '{') {
      return undefined;
    } else if (c === '$' && body[i + 1] === '{') {
      const end = body.indexOf('}', i + 2);
      if (end < 0) return undefined;
      const inner = body.slice(i + 2, end).replace(/^~?\s*|\s*~?$/g, '');
      if (!TRAVERSAL.test(inner)) return undefined;
      if (literal) parts.push({ literal });
      literal = '';
      parts.push({ traversal: inner });
      i = end;
    } else {
      literal += c;
    }
  }
  if (literal || parts.length === 0) parts.push({ literal });
  return parts;
}

function collectReferences(value: HclValue): string[] {
  const seen = new Set<string>();
  const visit = (v: HclValue) => {
    if (v.kind === 'expression') v.references.forEach((r) => seen.add(r));
    else if (v.kind === 'tuple') v.items.forEach((i) => visit(i.value));
    else if (v.kind === 'object') v.entries.forEach((e) => visit(e.value.value));
  };
  visit(value);
  return [...seen];
}

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

function renderConfigValue(value: HclValue): string {
  switch (value.kind) {
    case 'expression':
      return value.text;
    case 'string':
      return JSON.stringify(value.value);
    case 'number':
      return value.text;
    case 'bool':
      return String(value.value);
    case 'null':
      return 'null';
    case 'tuple':
      return `[${value.items.map((i) => renderConfigValue(i.value)).join(', ')}]`;
    case 'object':
      return `{ ${value.entries.map((e) => `${e.key} = ${renderConfigValue(e.value.value)}`).join(', ')} }`;
  }
}

/** Normalises expression text so that re-indentation alone is not a change. */
export function normalizeExpressionText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
