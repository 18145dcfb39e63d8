/**
 * Terraform's `format` verbs (cty's FormatFunc, which follows Go's fmt): `%v %t %s %q %d %b %o %x %X
 * %e %E %f %g %G`, the flags `- + # 0` and space, width, precision, `%[n]` argument indexes and `%%`.
 * Numbers are formatted from doubles; cty formats its arbitrary-precision numbers, which differ only
 * beyond a double's 17 significant digits.
 */
import { toBoolValue, toNumberValue, toStringValue } from './conversion';
import { decimalOf, fixedText, roundDigits } from './decimalRounding';
import { jsonEncode, jsonString } from './jsonEncoding';
import type { Value } from './value';

/** What Terraform would say about a format it cannot apply. */
export class FormatError extends Error {}

/** A width or precision too large to build here (Terraform would): the result is unknown. */
export class FormatTooLarge extends Error {}

const MAX_FORMAT_WIDTH = 100_000;

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  zero: boolean;
  space: boolean;
  width?: number;
  precision?: number;
}

/** Formats wholly known arguments; throws FormatError where Terraform's `format` fails. */
export function formatValues(format: string, args: readonly Value[]): string {
  let out = '';
  let next = 0;
  // As in Go, explicit argument indexes turn off the check for unused arguments.
  let reordered = false;
  let i = 0;
  const chars = Array.from(format);
  while (i < chars.length) {
    const c = chars[i];
    if (c !== '%') {
      out += c;
      i++;
      continue;
    }
    i++;
    if (chars[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    const spec: Spec = { minus: false, plus: false, sharp: false, zero: false, space: false };
    for (; i < chars.length; i++) {
      const f = chars[i];
      if (f === '-') spec.minus = true;
      else if (f === '+') spec.plus = true;
      else if (f === '#') spec.sharp = true;
      else if (f === '0') spec.zero = true;
      else if (f === ' ') spec.space = true;
      else break;
    }
    const readNumber = () => {
      let digits = '';
      while (i < chars.length && chars[i] >= '0' && chars[i] <= '9') digits += chars[i++];
      return digits === '' ? undefined : Number(digits);
    };
    const readIndex = () => {
      if (chars[i] !== '[') return;
      i++;
      const n = readNumber();
      if (n === undefined || chars[i] !== ']') throw new FormatError('unrecognized format: invalid argument index');
      i++;
      next = n - 1;
      reordered = true;
    };
    readIndex();
    spec.width = readNumber();
    if ((spec.width ?? 0) > MAX_FORMAT_WIDTH) throw new FormatTooLarge();
    if (chars[i] === '.') {
      i++;
      readIndex();
      spec.precision = readNumber() ?? 0;
      if (spec.precision > MAX_FORMAT_WIDTH) throw new FormatTooLarge();
    }
    readIndex();
    const verb = chars[i++];
    if (verb === undefined) throw new FormatError('unrecognized format: missing verb at end of format string');
    if (next >= args.length) throw new FormatError(`not enough arguments for "%${verb}" at ${next}: need index ${next} but have ${args.length} total`);
    out += formatOne(verb, spec, args[next], next);
    next++;
  }
  if (!reordered && next < args.length) throw new FormatError(`too many arguments; only ${next} used by format string`);
  return out;
}

function formatOne(verb: string, spec: Spec, arg: Value, at: number): string {
  const fail = (message: string): never => {
    throw new FormatError(`unsupported value for "%${verb}" at ${at}: ${message}`);
  };
  if (arg === null) fail('null value cannot be formatted');
  switch (verb) {
    case 'v': {
      // A number's default format is %g's shortest form (`1e-06`), unlike its conversion to a string.
      if (typeof arg === 'number') return formatNumber('g', spec, arg, fail);
      if (typeof arg === 'string' || typeof arg === 'boolean') return pad(spec, String(arg));
      return pad(spec, jsonEncode(arg));
    }
    case 't': {
      const b = toBoolValue(arg);
      if ('error' in b) fail('bool required');
      return pad(spec, String((b as { value: boolean }).value));
    }
    case 's':
    case 'q': {
      const s = toStringValue(arg);
      if ('error' in s) fail('string required');
      let text = (s as { value: string }).value;
      if (spec.precision !== undefined) text = Array.from(text).slice(0, spec.precision).join('');
      return pad(spec, verb === 'q' ? jsonString(text) : text);
    }
    case 'd':
    case 'b':
    case 'o':
    case 'x':
    case 'X':
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      const n = toNumberValue(arg);
      if ('error' in n) fail('number required');
      return formatNumber(verb, spec, (n as { value: number }).value, fail);
    }
  }
  throw new FormatError(`unsupported format verb %${verb}`);
}

function formatNumber(verb: string, spec: Spec, value: number, fail: (message: string) => never): string {
  const negative = value < 0 || Object.is(value, -0);
  const magnitude = Math.abs(value);
  let body: string;
  if ('dboxX'.includes(verb)) {
    if (!Number.isInteger(value)) fail('an integer is required');
    const radix = { d: 10, b: 2, o: 8, x: 16, X: 16 }[verb]!;
    body = BigInt(magnitude).toString(radix);
    if (verb === 'X') body = body.toUpperCase();
    if (spec.precision !== undefined && body.length < spec.precision) body = '0'.repeat(spec.precision - body.length) + body;
    if (spec.sharp) body = ({ b: '0b', o: '0', x: '0x', X: '0X', d: '' }[verb] ?? '') + body;
  } else if (verb === 'e' || verb === 'E') {
    body = exponential(magnitude, spec.precision ?? 6);
    if (verb === 'E') body = body.toUpperCase();
  } else if (verb === 'f' || verb === 'F') {
    body = fixed(magnitude, spec.precision ?? 6);
  } else {
    body = general(magnitude, spec.precision);
    if (verb === 'G') body = body.toUpperCase();
  }
  const sign = negative && value !== 0 ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  return pad(spec, body, sign);
}

/** Go's %e: `precision` digits after the point, at least two exponent digits. */
function exponential(value: number, precision: number): string {
  const rounded = roundDigits(decimalOf(value), precision + 1);
  return exponentText(rounded.digits.padEnd(precision + 1, '0'), rounded.digits === '' ? 0 : rounded.point - 1, precision);
}

function exponentText(digits: string, exponent: number, decimals: number): string {
  const mantissa = decimals > 0 ? `${digits[0]}.${digits.slice(1, decimals + 1)}` : digits[0];
  return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
}

function fixed(value: number, precision: number): string {
  return fixedText(decimalOf(value), precision);
}

/** Go's %g: the shortest digits (or `precision` significant ones), in %e form when the exponent is < -4 or ≥ the precision (6 when shortest). */
function general(value: number, precision: number | undefined): string {
  if (value === 0) return '0';
  const decimal = precision === undefined ? decimalOf(value) : roundDigits(decimalOf(value), Math.max(precision, 1));
  const digits = decimal.digits;
  const exponent = decimal.point - 1;
  const limit = precision === undefined ? 6 : Math.max(precision, 1);
  if (exponent < -4 || exponent >= limit) return exponentText(digits, exponent, digits.length - 1);
  if (exponent < 0) return `0.${'0'.repeat(-exponent - 1)}${digits}`;
  if (digits.length <= exponent + 1) return digits + '0'.repeat(exponent + 1 - digits.length);
  return `${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
}

/** Pads to the width: spaces left (or right with `-`), zeros after the sign for numbers with `0`. */
function pad(spec: Spec, body: string, sign = ''): string {
  const length = Array.from(sign + body).length;
  if (spec.width === undefined || length >= spec.width) return sign + body;
  const fill = spec.width - length;
  if (spec.minus) return sign + body + ' '.repeat(fill);
  if (spec.zero) return sign + '0'.repeat(fill) + body;
  return ' '.repeat(fill) + sign + body;
}
