/**
 * A value converted to a cty type as Terraform converts a configuration to a provider's schema (cty's
 * "unsafe" conversions, the ones configuration decoding allows): strings to numbers and bools and
 * back, tuples to lists and sets, objects to maps and to object types. What cannot convert is an
 * error naming where (`rule[0].port: a number is required, got "abc"`).
 */
import { numberToString, parseNumber } from '../terraform/evaluation/numbers';
import { setElements } from '../terraform/evaluation/ordering';
import { Unknown, type Value } from '../terraform/evaluation/value';
import { attributeTypeOf, ctyTypeName } from './ctyType';
import { getOwn, setOwn } from './ownProperties';
import type { CtyType } from './providerSchema';

/** One step into a value: an object attribute, a list/tuple/set index, a map key. */
export type CtyPathStep = { readonly attribute: string } | { readonly index: number } | { readonly key: string };

/** A path as Terraform writes one in messages: `rule[0].port`, `tags["Name"]`. */
export function ctyPathText(path: readonly CtyPathStep[]): string {
  let text = '';
  for (const step of path) {
    if ('attribute' in step) text += text === '' ? step.attribute : `.${step.attribute}`;
    else if ('index' in step) text += `[${step.index}]`;
    else text += `[${JSON.stringify(step.key)}]`;
  }
  return text;
}

/** A value that does not conform to the type it must be sent as. */
export class CtyConversionError extends Error {
  constructor(
    readonly path: readonly CtyPathStep[],
    readonly reason: string,
  ) {
    super(path.length > 0 ? `${ctyPathText(path)}: ${reason}` : reason);
    this.name = 'CtyConversionError';
  }
}

/**
 * The value as the type holds it: every object attribute of the type present (null where the value
 * has none), set elements once each in cty's order, primitives converted. Unknowns and nulls convert to
 * any type. Throws a CtyConversionError where the value cannot be converted.
 */
export function convertToCtyType(value: Value, type: CtyType, path: readonly CtyPathStep[] = []): Value {
  if (value === null || value === undefined) return null;
  if (value instanceof Unknown || type === 'dynamic') return value;
  if (typeof type === 'string') return convertPrimitive(value, type, path);
  switch (type[0]) {
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) throw new CtyConversionError(path, `a ${ctyTypeName(type)} is required, got ${described(value)}`);
      const elements = value.map((element, index) => convertToCtyType(element, type[1], [...path, { index }]));
      // A set holds each value once, strings and numbers in cty's order (which is the order it writes them in).
      return type[0] === 'set' ? setElements(elements) : elements;
    }
    case 'tuple': {
      if (!Array.isArray(value)) throw new CtyConversionError(path, `a tuple is required, got ${described(value)}`);
      if (value.length !== type[1].length) throw new CtyConversionError(path, `a tuple of ${type[1].length} elements is required, got ${value.length}`);
      return value.map((element, index) => convertToCtyType(element, type[1][index], [...path, { index }]));
    }
    case 'map': {
      if (!isPlainObject(value)) throw new CtyConversionError(path, `a ${ctyTypeName(type)} is required, got ${described(value)}`);
      const converted: Record<string, Value> = {};
      for (const [key, element] of Object.entries(value)) setOwn(converted, key, convertToCtyType(element as Value, type[1], [...path, { key }]));
      return converted;
    }
    case 'object': {
      if (!isPlainObject(value)) throw new CtyConversionError(path, `an object is required, got ${described(value)}`);
      for (const name of Object.keys(value)) {
        if (attributeTypeOf(type[1], name) === undefined) throw new CtyConversionError(path, `unsupported attribute ${JSON.stringify(name)}`);
      }
      const converted: Record<string, Value> = {};
      for (const [name, attributeType] of Object.entries(type[1])) {
        setOwn(converted, name, convertToCtyType(getOwn(value, name) ?? null, attributeType, [...path, { attribute: name }]));
      }
      return converted;
    }
  }
}

function convertPrimitive(value: Value, type: 'string' | 'number' | 'bool', path: readonly CtyPathStep[]): Value {
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number') return numberToString(value);
      if (typeof value === 'boolean') return value ? 'true' : 'false';
      throw new CtyConversionError(path, `a string is required, got ${described(value)}`);
    case 'number':
      if (typeof value === 'number') {
        if (Number.isNaN(value)) throw new CtyConversionError(path, 'a number is required, got NaN');
        return value;
      }
      if (typeof value === 'string') {
        const parsed = parseNumber(value);
        if (parsed !== undefined) return parsed;
      }
      throw new CtyConversionError(path, `a number is required, got ${described(value)}`);
    case 'bool':
      if (typeof value === 'boolean') return value;
      // cty reads "1" and "0" as bools too, and points at the case of a "True".
      if (value === 'true' || value === '1') return true;
      if (value === 'false' || value === '0') return false;
      if (typeof value === 'string' && (value.toLowerCase() === 'true' || value.toLowerCase() === 'false')) {
        throw new CtyConversionError(path, `a bool is required; to convert from string, use lowercase "${value.toLowerCase()}", got ${described(value)}`);
      }
      throw new CtyConversionError(path, `a bool is required, got ${described(value)}`);
  }
}

function isPlainObject(value: Value): value is { readonly [key: string]: Value } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Unknown);
}

function described(value: Value): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a tuple';
  return 'an object';
}
