/**
 * Terraform's built-in functions, each as Terraform computes it for known arguments, and with
 * Terraform's handling of unknown ones: most functions are unknown when any argument is not wholly
 * known; a few (`length`, `concat`, `merge`, `keys`, `element`, `lookup`, `coalesce`, `try`, `can`, …)
 * look only at the parts they need. A call Terraform would reject is an `EvaluationFailure` with
 * Terraform's reason; a function not in the table is unknown, saying so.
 */
import { createHash } from 'node:crypto';
import { cidrHost, cidrNetmask, cidrSubnet, cidrSubnets, CidrError } from './cidr';
import { toBoolValue, toNumberValue, toStringValue, typeName } from './conversion';
import { formatValues, FormatError, FormatTooLarge } from './format';
import { jsonDecode, jsonEncode } from './jsonEncoding';
import { arithmeticResult } from './numbers';
import { hasKey, setKey } from './objects';
import { compareStrings, sameValue, setElements, sortedKeys } from './ordering';
import { expandReplacement, regExpFromRE2 } from './regexes';
import { canonicalText } from './renderValue';
import { failure, firstFailure, isFailure, unknownFrom } from './unknowns';
import { isWhollyKnown, Unknown, type Value } from './value';

/** What functions need from the evaluator: files, and templates evaluated with their variables. */
export interface FunctionHost {
  readFile(path: string): string | undefined;
  renderTemplate(text: string, variables: { readonly [name: string]: Value }, symbol: string): Value;
}

type ValueObject = { readonly [key: string]: Value };

interface Call {
  name: string;
  symbol: string;
  host: FunctionHost;
}

interface TerraformFunction {
  /** Fewest and most arguments (Infinity for variadic ones). */
  arity: [number, number];
  /**
   * `strict` (the default): unknown when any argument is not wholly known. `partial`: the function
   * looks at unknowns itself. `failures`: it also sees failed arguments (`try`, `can`).
   */
  unknowns?: 'strict' | 'partial' | 'failures';
  apply(args: readonly Value[], call: Call): Value;
}

/**
 * Thrown inside a function where Terraform's call fails; becomes the call's failure. With a
 * parameter, Terraform blames that argument ("Invalid value for "v" parameter: …").
 */
class CallError extends Error {
  constructor(
    message: string,
    readonly parameter?: string,
  ) {
    super(message);
  }
}

const fail = (message: string): never => {
  throw new CallError(message);
};

const failArgument = (parameter: string, message: string): never => {
  throw new CallError(message, parameter);
};

/** Thrown where a result would be too large to build here (Terraform would build it): the call is unknown. */
class TooLarge extends Error {}

/** The most elements or characters a function builds here. */
export const MAX_RESULT_SIZE = 100_000;

export function callFunction(name: string, args: readonly Value[], host: FunctionHost): Value {
  const symbol = `${name}(${args.map(canonicalText).join(', ')})`;
  const bare = name.startsWith('core::') ? name.slice('core::'.length) : name;
  if (IMPURE.has(bare)) {
    return firstFailure(args) ?? new Unknown(symbol, [`\`${bare}()\` is known only at apply`], [{ address: `${bare}()`, attribute: 'result' }]);
  }
  const fn = Object.prototype.hasOwnProperty.call(FUNCTIONS, bare) ? FUNCTIONS[bare] : undefined;
  if (!fn) {
    if (name.startsWith('provider::')) return unknownFrom(symbol, args, [`\`${name}\` is a provider function, which this analysis does not evaluate`]);
    return unknownFrom(symbol, args, [`\`${name}\` is a function this analysis does not evaluate`]);
  }
  const [min, max] = fn.arity;
  if (args.length < min)
    return failure(symbol, `Not enough function arguments: "${bare}" expects ${min === max ? min : `at least ${min}`} argument(s), got ${args.length}`);
  if (args.length > max)
    return failure(symbol, `Too many function arguments: "${bare}" expects ${min === max ? 'only ' : 'at most '}${max} argument(s), got ${args.length}`);
  const mode = fn.unknowns ?? 'strict';
  if (mode !== 'failures') {
    const failed = firstFailure(args);
    if (failed) return failed;
  }
  if (mode === 'strict' && !args.every(isWhollyKnown)) return unknownFrom(symbol, args);
  try {
    return fn.apply(args, { name: bare, symbol, host });
  } catch (error) {
    if (error instanceof TooLarge || error instanceof FormatTooLarge) return unknownFrom(symbol, args, [`\`${bare}\`'s result is too large to evaluate here`]);
    if (error instanceof CallError && error.parameter) return failure(symbol, `Invalid value for "${error.parameter}" parameter: ${error.message}`);
    if (error instanceof CallError || error instanceof FormatError || error instanceof CidrError) {
      return failure(symbol, `Call to function "${bare}" failed: ${error.message}`);
    }
    throw error;
  }
}

/** Functions whose result is new on every run: unknown until apply, and never the same twice. */
const IMPURE = new Set(['uuid', 'timestamp', 'bcrypt', 'plantimestamp']);

// Argument readers: Terraform converts each argument to its parameter's type.

function str(value: Value, what = 'str'): string {
  if (value === null) failArgument(what, 'argument must not be null');
  const converted = toStringValue(value);
  if ('error' in converted) failArgument(what, `string required, got ${typeName(value)}`);
  return (converted as { value: string }).value;
}

function num(value: Value, what = 'num'): number {
  if (value === null) failArgument(what, 'argument must not be null');
  const converted = toNumberValue(value);
  if ('error' in converted) failArgument(what, 'a number is required');
  return (converted as { value: number }).value;
}

function int(value: Value, what = 'num'): number {
  const n = num(value, what);
  if (!Number.isInteger(n)) failArgument(what, 'a whole number is required');
  return n;
}

function bool(value: Value, what = 'v'): boolean {
  if (value === null) failArgument(what, 'argument must not be null');
  const converted = toBoolValue(value);
  if ('error' in converted) failArgument(what, 'a bool is required');
  return (converted as { value: boolean }).value;
}

function list(value: Value, what = 'list'): readonly Value[] {
  if (value === null) failArgument(what, 'argument must not be null');
  if (!Array.isArray(value)) failArgument(what, `a list, set or tuple is required, got ${typeName(value)}`);
  return value as readonly Value[];
}

function object(value: Value, what = 'map'): ValueObject {
  if (value === null) failArgument(what, 'argument must not be null');
  if (typeof value !== 'object' || Array.isArray(value) || value instanceof Unknown) failArgument(what, `a map or object is required, got ${typeName(value)}`);
  return value as ValueObject;
}

function strings(value: Value, what = 'list'): string[] {
  return list(value, what).map((v) => str(v, what));
}

/**
 * Elements of one type, as a list, set or map needs them: a mix of strings with numbers or bools
 * becomes all strings, as cty unifies them.
 */
function unified(items: readonly Value[], parameter = 'v'): Value[] {
  const kinds = new Set(items.filter((i) => i !== null && !(i instanceof Unknown)).map((i) => (Array.isArray(i) ? 'list' : typeof i)));
  if (kinds.size <= 1) return [...items];
  if ([...kinds].every((k) => k === 'string' || k === 'number' || k === 'boolean')) {
    if (!kinds.has('string')) failArgument(parameter, 'cannot convert tuple to list of any single type');
    return items.map((i) => (i === null || i instanceof Unknown ? i : (toStringValue(i) as { value: Value }).value));
  }
  if (kinds.has('object') && kinds.has('list')) failArgument(parameter, 'cannot convert tuple to list of any single type');
  return [...items];
}

/** A string's characters as Terraform counts them: grapheme clusters. */
function graphemes(text: string): string[] {
  return Array.from(GRAPHEMES.segment(text), (s) => s.segment);
}

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Go's strings.TrimSpace set: Unicode White_Space, without the byte order mark JavaScript's trim adds. */
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const TRIM_SPACE = new RegExp(`^[${GO_SPACE}]+|[${GO_SPACE}]+$`, 'gu');

/** One code point mapped only where it maps to one code point, as Go's rune-wise case mapping does. */
function mapRunes(text: string, map: (c: string) => string): string {
  let out = '';
  for (const c of text) {
    const mapped = map(c);
    out += Array.from(mapped).length === 1 ? mapped : c;
  }
  return out;
}

function hash(algorithm: string, encoding: 'hex' | 'base64') {
  return (args: readonly Value[]) => createHash(algorithm).update(str(args[0]), 'utf8').digest(encoding);
}

function regexFor(pattern: string, call: Call, global: boolean): RegExp | Unknown {
  return regExpFromRE2(pattern, global) ?? new Unknown(call.symbol, [`the pattern of \`${call.name}\` uses RE2 syntax this analysis does not run`]);
}

/** `regex`'s result for one match: the match, its groups as a list, or its named groups as an object. */
function matchResult(match: RegExpExecArray): Value {
  const groupCount = match.length - 1;
  if (groupCount === 0) return match[0];
  const names = match.groups ? Object.keys(match.groups) : [];
  if (names.length === 0) return match.slice(1).map((g) => g ?? '');
  if (names.length !== groupCount) fail('invalid regular expression: cannot mix both named and unnamed capture groups');
  const out: { [key: string]: Value } = {};
  for (const n of names) setKey(out, n, match.groups![n] ?? '');
  return out;
}

function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  const matches: RegExpExecArray[] = [];
  re.lastIndex = 0;
  let previousEnd = -1;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // As Go's FindAll: an empty match right where the previous match ended does not count.
    if (!(m[0] === '' && m.index === previousEnd)) matches.push(m);
    previousEnd = m.index + m[0].length;
    if (m[0] === '') re.lastIndex += (text.codePointAt(re.lastIndex) ?? 0) > 0xffff ? 2 : 1;
  }
  return matches;
}

function rangeValues(args: readonly Value[]): number[] {
  const n = args.map((a) => num(a));
  const [start, limit] = n.length === 1 ? [0, n[0]] : n;
  const step = n.length === 3 ? n[2] : start <= limit ? 1 : -1;
  if (step === 0) fail('step must not be zero');
  if ((step > 0 && limit < start) || (step < 0 && limit > start))
    fail(step > 0 ? 'for an increasing step, the limit must not be less than the start' : 'for a decreasing step, the limit must not be greater than the start');
  const out: number[] = [];
  for (let v = start; step > 0 ? v < limit : v > limit; v = arithmeticResult(v + step)) {
    if (out.length >= 1024) fail('more than 1024 values were generated; either decrease the difference between start and end or use a smaller step');
    out.push(v);
  }
  return out;
}

function coalesced(args: readonly Value[], call: Call): Value {
  const hasString = args.some((a) => typeof a === 'string');
  for (const arg of args) {
    if (arg instanceof Unknown) return unknownFrom(call.symbol, args);
    if (arg === null || arg === '') continue;
    if (hasString && (typeof arg === 'number' || typeof arg === 'boolean')) return (toStringValue(arg) as { value: Value }).value;
    return arg;
  }
  return fail('no non-null, non-empty-string arguments');
}

function mergeObjects(args: readonly Value[], call: Call): Value {
  const out: { [key: string]: Value } = {};
  for (const arg of args) {
    if (arg === null) continue;
    if (arg instanceof Unknown) return unknownFrom(call.symbol, args);
    if (typeof arg !== 'object' || Array.isArray(arg)) return fail(`arguments must be maps or objects, got "${typeName(arg)}"`);
    const o = arg as ValueObject;
    for (const k of sortedKeys(o)) setKey(out, k, o[k]);
  }
  return out;
}

const FUNCTIONS: Record<string, TerraformFunction> = {
  // Strings
  format: {
    arity: [1, Infinity],
    unknowns: 'partial',
    apply: (args, call) => {
      // Terraform leaves a format of a null argument unknown, as it does an unknown one.
      if (!args.every(isWhollyKnown) || args.slice(1).includes(null)) return unknownFrom(call.symbol, args);
      try {
        return formatValues(str(args[0], 'format'), args.slice(1));
      } catch (error) {
        if (error instanceof FormatError && error.message.startsWith('too many arguments')) return failArgument('args', error.message);
        throw error;
      }
    },
  },
  formatlist: {
    arity: [1, Infinity],
    unknowns: 'partial',
    apply: (args, call) => {
      const [formatArg, ...rest] = args;
      if (!isWhollyKnown(formatArg) || rest.some((a) => a instanceof Unknown)) return unknownFrom(call.symbol, args);
      const format = str(formatArg, 'format');
      const lengths = rest.filter(Array.isArray).map((l) => (l as Value[]).length);
      if (lengths.some((l) => l !== lengths[0])) fail('all arguments must be lists of the same length');
      // One string per element; an element with unknown arguments is an unknown element.
      const one = (row: Value[]) =>
        row.every(isWhollyKnown) ? formatValues(format, row) : unknownFrom(`format(${[formatArg, ...row].map(canonicalText).join(', ')})`, row);
      if (lengths.length === 0) return [one(rest)];
      return Array.from({ length: lengths[0] }, (_, i) => one(rest.map((a) => (Array.isArray(a) ? a[i] : a))));
    },
  },
  join: {
    arity: [2, Infinity],
    apply: (args) => {
      const separator = str(args[0], 'separator');
      return args
        .slice(1)
        .flatMap((l) => strings(l, 'lists'))
        .join(separator);
    },
  },
  split: {
    arity: [2, 2],
    apply: (args) => {
      const separator = str(args[0], 'separator');
      const text = str(args[1], 'str');
      return separator === '' ? Array.from(text) : text.split(separator);
    },
  },
  lower: { arity: [1, 1], apply: (args) => mapRunes(str(args[0]), (c) => c.toLowerCase()) },
  upper: { arity: [1, 1], apply: (args) => mapRunes(str(args[0]), (c) => c.toUpperCase()) },
  title: {
    arity: [1, 1],
    apply: (args) => {
      // Go's strings.Title: a letter after a separator (not a letter, digit, underscore or mark) is upper-cased.
      let previous = ' ';
      let out = '';
      for (const c of str(args[0])) {
        const separator = !/[\p{L}\p{N}\p{M}_]/u.test(previous);
        out += separator ? mapRunes(c, (x) => x.toUpperCase()) : c;
        previous = c;
      }
      return out;
    },
  },
  replace: {
    arity: [3, 3],
    apply: (args, call) => {
      const text = str(args[0], 'str');
      const search = str(args[1], 'substr');
      const replacement = str(args[2], 'replace');
      if (search.length > 1 && search.startsWith('/') && search.endsWith('/')) {
        const re = regexFor(search.slice(1, -1), call, true);
        if (re instanceof Unknown) return re;
        let out = '';
        let last = 0;
        for (const m of allMatches(re, text)) {
          const expanded = expandReplacement(replacement, m);
          if (expanded === undefined) return new Unknown(call.symbol, ['the replacement of `replace` uses syntax this analysis does not expand']);
          out += text.slice(last, m.index) + expanded;
          last = m.index + m[0].length;
        }
        return out + text.slice(last);
      }
      if (search === '') return text === '' ? replacement : replacement + Array.from(text).join(replacement) + replacement;
      return text.split(search).join(replacement);
    },
  },
  trimspace: { arity: [1, 1], apply: (args) => str(args[0]).replace(TRIM_SPACE, '') },
  trim: {
    arity: [2, 2],
    apply: (args) => {
      const cut = new Set(Array.from(str(args[1], 'cutset')));
      const chars = Array.from(str(args[0], 'str'));
      let start = 0;
      let end = chars.length;
      while (start < end && cut.has(chars[start])) start++;
      while (end > start && cut.has(chars[end - 1])) end--;
      return chars.slice(start, end).join('');
    },
  },
  trimprefix: {
    arity: [2, 2],
    apply: (args) => {
      const text = str(args[0]);
      const prefix = str(args[1]);
      return text.startsWith(prefix) ? text.slice(prefix.length) : text;
    },
  },
  trimsuffix: {
    arity: [2, 2],
    apply: (args) => {
      const text = str(args[0]);
      const suffix = str(args[1]);
      return suffix !== '' && text.endsWith(suffix) ? text.slice(0, text.length - suffix.length) : text;
    },
  },
  substr: {
    arity: [3, 3],
    apply: (args) => {
      const chars = graphemes(str(args[0], 'str'));
      let offset = int(args[1], 'offset');
      let length = int(args[2], 'length');
      if (offset < 0) offset += chars.length;
      if (offset < 0) offset = 0;
      if (offset > chars.length) fail('offset cannot be larger than the length of the string');
      if (length < 0 || offset + length > chars.length) length = chars.length - offset;
      return chars.slice(offset, offset + length).join('');
    },
  },
  startswith: { arity: [2, 2], apply: (args) => str(args[0]).startsWith(str(args[1])) },
  endswith: { arity: [2, 2], apply: (args) => str(args[0]).endsWith(str(args[1])) },
  strcontains: { arity: [2, 2], apply: (args) => str(args[0]).includes(str(args[1])) },
  strrev: { arity: [1, 1], apply: (args) => graphemes(str(args[0])).reverse().join('') },
  chomp: { arity: [1, 1], apply: (args) => str(args[0]).replace(/(?:\r\n|\r|\n)+$/, '') },
  indent: {
    arity: [2, 2],
    apply: (args) => {
      const spaces = int(args[0], 'spaces');
      if (spaces > MAX_RESULT_SIZE) throw new TooLarge();
      const pad = ' '.repeat(Math.max(0, spaces));
      return str(args[1], 'str').split('\n').join(`\n${pad}`);
    },
  },
  regex: {
    arity: [2, 2],
    apply: (args, call) => {
      const re = regexFor(str(args[0], 'pattern'), call, false);
      if (re instanceof Unknown) return re;
      const match = re.exec(str(args[1], 'string'));
      if (!match) return fail('pattern did not match any part of the given string');
      return matchResult(match);
    },
  },
  regexall: {
    arity: [2, 2],
    apply: (args, call) => {
      const re = regexFor(str(args[0], 'pattern'), call, true);
      if (re instanceof Unknown) return re;
      return allMatches(re, str(args[1], 'string')).map(matchResult);
    },
  },

  // Collections
  length: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => {
      const v = args[0];
      if (v instanceof Unknown) return unknownFrom(call.symbol, args);
      if (v === null) return fail('argument must not be null');
      if (typeof v === 'string') return graphemes(v).length;
      if (Array.isArray(v)) return v.length;
      if (typeof v === 'object') return Object.keys(v).length;
      return fail('argument must be a string, a collection type, or a structural type');
    },
  },
  concat: {
    arity: [1, Infinity],
    unknowns: 'partial',
    apply: (args, call) => {
      if (args.some((a) => a instanceof Unknown)) return unknownFrom(call.symbol, args);
      return args.flatMap((a) => list(a, 'seqs'));
    },
  },
  merge: { arity: [0, Infinity], unknowns: 'partial', apply: mergeObjects },
  lookup: {
    arity: [2, 3],
    unknowns: 'partial',
    apply: (args, call) => {
      const [map, key] = args;
      if (map instanceof Unknown || key instanceof Unknown) return unknownFrom(call.symbol, args);
      const o = object(map, 'inputMap');
      const k = str(key, 'key');
      if (hasKey(o, k)) return o[k];
      if (args.length === 3) return args[2];
      return failArgument('inputMap', `the given object has no attribute ${JSON.stringify(k)}`);
    },
  },
  coalesce: { arity: [1, Infinity], unknowns: 'partial', apply: coalesced },
  coalescelist: {
    arity: [1, Infinity],
    unknowns: 'partial',
    apply: (args, call) => {
      for (const arg of args) {
        if (arg instanceof Unknown) return unknownFrom(call.symbol, args);
        if (list(arg, 'vals').length > 0) return arg;
      }
      return fail('no non-null arguments');
    },
  },
  try: {
    arity: [1, Infinity],
    unknowns: 'failures',
    apply: (args, call) => {
      for (const arg of args) {
        if (isFailure(arg)) continue;
        // Whether an argument that is not wholly known would fail is known only later.
        if (!isWhollyKnown(arg)) return unknownFrom(call.symbol, [arg]);
        return arg;
      }
      return fail('no expression succeeded');
    },
  },
  can: {
    arity: [1, 1],
    unknowns: 'failures',
    apply: (args, call) => {
      if (isFailure(args[0])) return false;
      return isWhollyKnown(args[0]) ? true : unknownFrom(call.symbol, args);
    },
  },
  element: {
    arity: [2, 2],
    unknowns: 'partial',
    apply: (args, call) => {
      const [l, i] = args;
      if (l instanceof Unknown || i instanceof Unknown) return unknownFrom(call.symbol, args);
      const items = list(l, 'list');
      const index = int(i, 'index');
      if (items.length === 0) return fail('cannot use element function with an empty list');
      if (index < 0) return fail('cannot use element function with a negative index');
      return items[index % items.length];
    },
  },
  index: {
    arity: [2, 2],
    apply: (args) => {
      const at = list(args[0], 'list').findIndex((v) => sameValue(v, args[1]));
      return at < 0 ? fail('item not found') : at;
    },
  },
  keys: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => (args[0] instanceof Unknown ? unknownFrom(call.symbol, args) : sortedKeys(object(args[0], 'inputMap'))),
  },
  values: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => {
      if (args[0] instanceof Unknown) return unknownFrom(call.symbol, args);
      const o = object(args[0], 'mapping');
      return sortedKeys(o).map((k) => o[k]);
    },
  },
  contains: { arity: [2, 2], apply: (args) => list(args[0], 'list').some((v) => sameValue(v, args[1])) },
  distinct: {
    arity: [1, 1],
    apply: (args) => {
      const out: Value[] = [];
      for (const v of unified(list(args[0], 'list'), 'list')) if (!out.some((o) => sameValue(o, v))) out.push(v);
      return out;
    },
  },
  flatten: {
    arity: [1, 1],
    apply: (args) => {
      const flat = (items: readonly Value[]): Value[] => items.flatMap((v) => (Array.isArray(v) ? flat(v) : [v]));
      return flat(list(args[0], 'list'));
    },
  },
  range: { arity: [1, 3], apply: rangeValues },
  slice: {
    arity: [3, 3],
    unknowns: 'partial',
    apply: (args, call) => {
      if (args.some((a) => a instanceof Unknown)) return unknownFrom(call.symbol, args);
      const items = list(args[0], 'list');
      const start = int(args[1], 'start_index');
      const end = int(args[2], 'end_index');
      if (start < 0) failArgument('start_index', 'the starting index must not be negative');
      if (end > items.length) failArgument('end_index', 'end index must not be greater than the length of the list');
      if (start > end) failArgument('start_index', 'the start index must not be greater than the end index');
      return items.slice(start, end);
    },
  },
  reverse: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => (args[0] instanceof Unknown ? unknownFrom(call.symbol, args) : [...list(args[0], 'list')].reverse()),
  },
  sort: { arity: [1, 1], apply: (args) => strings(args[0], 'list').sort(compareStrings) },
  compact: {
    arity: [1, 1],
    apply: (args) => list(args[0], 'list').flatMap((v) => (v === null ? [] : [str(v, 'list element')]).filter((s) => s !== '')),
  },
  zipmap: {
    arity: [2, 2],
    unknowns: 'partial',
    apply: (args, call) => {
      if (!(Array.isArray(args[0]) && args[0].every((k) => !(k instanceof Unknown))) || args[1] instanceof Unknown) return unknownFrom(call.symbol, args);
      const keys = strings(args[0], 'keys');
      const values = list(args[1], 'values');
      if (keys.length !== values.length) fail(`number of keys (${keys.length}) does not match number of values (${values.length})`);
      const out: { [key: string]: Value } = {};
      keys.forEach((k, i) => setKey(out, k, values[i]));
      return out;
    },
  },
  alltrue: { arity: [1, 1], apply: (args) => list(args[0], 'list').every((v) => bool(v, 'list element')) },
  anytrue: { arity: [1, 1], apply: (args) => list(args[0], 'list').some((v) => bool(v, 'list element')) },
  one: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => {
      if (args[0] instanceof Unknown) return unknownFrom(call.symbol, args);
      const items = list(args[0], 'list');
      if (items.length > 1) failArgument('list', 'must be a list, set, or tuple value with either zero or one elements');
      return items.length === 0 ? null : items[0];
    },
  },
  sum: {
    arity: [1, 1],
    apply: (args) => {
      const items = list(args[0], 'list');
      if (items.length === 0) failArgument('list', 'cannot sum an empty list');
      return items.reduce<number>((total, v) => arithmeticResult(total + num(v, 'list element')), 0);
    },
  },
  setproduct: {
    arity: [1, Infinity],
    apply: (args) => {
      const sets = args.map((a) => list(a, 'sets'));
      if (sets.reduce((size, set) => size * set.length, 1) > MAX_RESULT_SIZE) throw new TooLarge();
      return sets.reduce<Value[][]>((acc, set) => acc.flatMap((prefix) => set.map((v) => [...prefix, v])), [[]]);
    },
  },
  setunion: { arity: [1, Infinity], apply: (args) => setElements(unified(args.flatMap((a) => list(a, 'sets')))) },
  setintersection: {
    arity: [1, Infinity],
    apply: (args) => {
      const [first, ...rest] = args.map((a) => setElements(unified(list(a, 'sets'))));
      return first.filter((v) => rest.every((s) => s.some((o) => sameValue(o, v))));
    },
  },
  setsubtract: {
    arity: [2, 2],
    apply: (args) => {
      const other = list(args[1], 'b');
      return setElements(unified(list(args[0], 'a'))).filter((v) => !other.some((o) => sameValue(o, v)));
    },
  },
  sensitive: { arity: [1, 1], unknowns: 'partial', apply: (args) => args[0] },
  nonsensitive: { arity: [1, 1], unknowns: 'partial', apply: (args) => args[0] },

  // Type conversions
  tostring: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => {
      if (args[0] instanceof Unknown) return unknownFrom(call.symbol, args);
      const converted = toStringValue(args[0]);
      return 'error' in converted ? failArgument('v', `cannot convert ${typeName(args[0])} to string`) : converted.value;
    },
  },
  tonumber: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => {
      if (args[0] instanceof Unknown) return unknownFrom(call.symbol, args);
      const converted = toNumberValue(args[0]);
      return 'error' in converted ? failArgument('v', `cannot convert ${canonicalText(args[0])} to number`) : converted.value;
    },
  },
  tobool: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => {
      if (args[0] instanceof Unknown) return unknownFrom(call.symbol, args);
      const converted = toBoolValue(args[0]);
      return 'error' in converted ? failArgument('v', `cannot convert ${canonicalText(args[0])} to bool`) : converted.value;
    },
  },
  tolist: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => (args[0] === null ? null : args[0] instanceof Unknown ? unknownFrom(call.symbol, args) : unified(list(args[0], 'v'))),
  },
  toset: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => {
      if (args[0] === null) return null;
      if (args[0] instanceof Unknown) return unknownFrom(call.symbol, args);
      // cty orders a set's unknown elements after its known ones.
      const items = unified(list(args[0], 'v'));
      const unknown = items.filter((i) => !isWhollyKnown(i));
      return [...setElements(items.filter(isWhollyKnown)), ...setElements(unknown)];
    },
  },
  tomap: {
    arity: [1, 1],
    unknowns: 'partial',
    apply: (args, call) => {
      if (args[0] === null) return null;
      if (args[0] instanceof Unknown) return unknownFrom(call.symbol, args);
      const o = object(args[0], 'v');
      const keys = sortedKeys(o);
      const values = unified(keys.map((k) => o[k]));
      const out: { [key: string]: Value } = {};
      keys.forEach((k, i) => setKey(out, k, values[i]));
      return out;
    },
  },

  // Encodings and hashes
  jsonencode: { arity: [1, 1], apply: (args) => jsonEncode(args[0]) },
  jsondecode: {
    arity: [1, 1],
    apply: (args) => {
      const decoded = jsonDecode(str(args[0]));
      return decoded ? decoded.value : fail('the given value is not valid JSON');
    },
  },
  base64encode: { arity: [1, 1], apply: (args) => Buffer.from(str(args[0]), 'utf8').toString('base64') },
  base64decode: {
    arity: [1, 1],
    apply: (args) => {
      const text = str(args[0]);
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text)) fail('failed to decode base64 data');
      const bytes = Buffer.from(text, 'base64');
      const decoded = bytes.toString('utf8');
      if (!Buffer.from(decoded, 'utf8').equals(bytes)) fail('the result of decoding the provided string is not valid UTF-8');
      return decoded;
    },
  },
  md5: { arity: [1, 1], apply: hash('md5', 'hex') },
  sha1: { arity: [1, 1], apply: hash('sha1', 'hex') },
  sha256: { arity: [1, 1], apply: hash('sha256', 'hex') },
  sha512: { arity: [1, 1], apply: hash('sha512', 'hex') },
  base64sha256: { arity: [1, 1], apply: hash('sha256', 'base64') },
  base64sha512: { arity: [1, 1], apply: hash('sha512', 'base64') },

  // Numbers
  abs: { arity: [1, 1], apply: (args) => Math.abs(num(args[0])) },
  ceil: { arity: [1, 1], apply: (args) => Math.ceil(num(args[0])) },
  floor: { arity: [1, 1], apply: (args) => Math.floor(num(args[0])) },
  max: { arity: [0, Infinity], apply: (args) => (args.length ? Math.max(...args.map((a) => num(a, 'numbers'))) : fail('must pass at least one number')) },
  min: { arity: [0, Infinity], apply: (args) => (args.length ? Math.min(...args.map((a) => num(a, 'numbers'))) : fail('must pass at least one number')) },
  pow: { arity: [2, 2], apply: (args) => Math.pow(num(args[0]), num(args[1])) },
  signum: { arity: [1, 1], apply: (args) => Math.sign(num(args[0])) || 0 },
  log: { arity: [2, 2], apply: (args) => Math.log(num(args[0])) / Math.log(num(args[1])) },
  parseint: {
    arity: [2, 2],
    apply: (args) => {
      const text = str(args[0], 'number');
      const base = int(args[1], 'base');
      if (base < 2 || base > 62) fail('base must be a whole number between 2 and 62 inclusive');
      const digits = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
      const match = /^([-+]?)(.+)$/.exec(text);
      let value = 0n;
      for (const c of match ? match[2] : '') {
        const d = base <= 36 ? digits.indexOf(c.toLowerCase()) : digits.indexOf(c);
        if (d < 0 || d >= base) return fail(`cannot parse ${JSON.stringify(text)} as a base ${base} integer`);
        value = value * BigInt(base) + BigInt(d);
      }
      if (!match) fail(`cannot parse ${JSON.stringify(text)} as a base ${base} integer`);
      return Number(match![1] === '-' ? -value : value);
    },
  },

  // Networks
  cidrsubnet: { arity: [3, 3], apply: (args) => cidrSubnet(str(args[0], 'prefix'), int(args[1], 'newbits'), int(args[2], 'netnum')) },
  cidrhost: { arity: [2, 2], apply: (args) => cidrHost(str(args[0], 'prefix'), int(args[1], 'hostnum')) },
  cidrnetmask: { arity: [1, 1], apply: (args) => cidrNetmask(str(args[0], 'prefix')) },
  cidrsubnets: {
    arity: [1, Infinity],
    apply: (args) =>
      cidrSubnets(
        str(args[0], 'prefix'),
        args.slice(1).map((a) => int(a, 'newbits')),
      ),
  },

  // Files, relative to the module's folder
  file: {
    arity: [1, 1],
    apply: (args, call) => {
      const path = str(args[0], 'path');
      return call.host.readFile(path) ?? failArgument('path', `no file exists at ${JSON.stringify(path)}`);
    },
  },
  fileexists: { arity: [1, 1], apply: (args, call) => call.host.readFile(str(args[0], 'path')) !== undefined },
  templatefile: {
    arity: [2, 2],
    apply: (args, call) => {
      const path = str(args[0], 'path');
      const text = call.host.readFile(path);
      if (text === undefined) return failArgument('path', `no file exists at ${JSON.stringify(path)}`);
      return call.host.renderTemplate(text, object(args[1], 'vars'), call.symbol);
    },
  },
};

/** The names of the functions this evaluates, for the documentation and the tests. */
export const EVALUATED_FUNCTIONS: readonly string[] = Object.keys(FUNCTIONS)
  .concat([...IMPURE])
  .sort();
