/**
 * Terraform's type conversions (cty's `convert`): primitive conversions, as operators, templates
 * and `tostring`/`tonumber`/`tobool` make them, and conversion to a type constraint written as
 * Terraform writes it (`list(string)`, `set(number)`, `map(bool)`, `object({a=string})`), as an
 * attribute's value is converted to the attribute's type before plan compares it.
 */
import { numberToString, parseNumber } from './numbers';
import { setElements, sortedKeys } from './ordering';
import { Unknown, type Value } from './value';

export type TypeConstraint =
  | { kind: 'string' | 'number' | 'bool' | 'dynamic' }
  | { kind: 'list' | 'set' | 'map'; element: TypeConstraint }
  | { kind: 'tuple'; elements: TypeConstraint[] }
  | { kind: 'object'; attributes: Map<string, TypeConstraint> };

/** A conversion result: the value, or what Terraform would say it cannot convert. */
export type Converted = { value: Value } | { error: string };

export function typeName(value: Value): string {
  if (value === null) return 'null';
  if (value instanceof Unknown) return 'unknown';
  if (Array.isArray(value)) return 'tuple';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

export function toStringValue(value: Value): Converted {
  if (value === null || typeof value === 'string' || value instanceof Unknown) return { value };
  if (typeof value === 'number') return { value: numberToString(value) };
  if (typeof value === 'boolean') return { value: String(value) };
  return { error: 'string required' };
}

export function toNumberValue(value: Value): Converted {
  if (value === null || typeof value === 'number' || value instanceof Unknown) return { value };
  if (typeof value === 'string') {
    const parsed = parseNumber(value);
    return parsed === undefined ? { error: 'a number is required' } : { value: parsed };
  }
  return { error: 'a number is required' };
}

export function toBoolValue(value: Value): Converted {
  if (value === null || typeof value === 'boolean' || value instanceof Unknown) return { value };
  if (value === 'true' || value === 'false') return { value: value === 'true' };
  return { error: 'a bool is required' };
}

/** Parses a type constraint; undefined where it is not one this reads (then values pass unconverted). */
export function parseTypeConstraint(text: string): TypeConstraint | undefined {
  const source = text.replace(/\s+/g, '');
  let at = 0;
  const expect = (token: string) => {
    if (!source.startsWith(token, at)) throw new Error(`expected ${token}`);
    at += token.length;
  };
  const name = () => {
    const match = /^[A-Za-z_][\w-]*/.exec(source.slice(at));
    if (!match) throw new Error('expected a name');
    at += match[0].length;
    return match[0];
  };
  const read = (): TypeConstraint => {
    const word = name();
    if (word === 'string' || word === 'number' || word === 'bool') return { kind: word };
    if (word === 'any' || word === 'dynamic') return { kind: 'dynamic' };
    if (word === 'optional') {
      expect('(');
      const inner = read();
      // A default after the type does not change what is compared.
      if (source[at] === ',') throw new Error('optional with a default');
      expect(')');
      return inner;
    }
    expect('(');
    let result: TypeConstraint;
    if (word === 'list' || word === 'set' || word === 'map') result = { kind: word, element: read() };
    else if (word === 'tuple') {
      expect('[');
      const elements: TypeConstraint[] = [];
      while (source[at] !== ']') {
        elements.push(read());
        if (source[at] === ',') at++;
      }
      expect(']');
      result = { kind: 'tuple', elements };
    } else if (word === 'object') {
      expect('{');
      const attributes = new Map<string, TypeConstraint>();
      while (source[at] !== '}') {
        const key = source[at] === '"' ? JSON.parse(source.slice(at, source.indexOf('"', at + 1) + 1)) : name();
        if (source[at] === '"') at = source.indexOf('"', at + 1) + 1;
        if (source[at] === '=' || source[at] === ':') at++;
        else throw new Error('expected =');
        attributes.set(key, read());
        if (source[at] === ',') at++;
      }
      expect('}');
      result = { kind: 'object', attributes };
    } else throw new Error(`unknown type ${word}`);
    expect(')');
    return result;
  };
  try {
    const type = read();
    return at === source.length ? type : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Converts a value to a type constraint as cty does: primitives by the conversions above, a
 * list/set/map by converting every element (a set is then deduplicated and ordered), an object
 * by its attributes (a missing one is null). Unknown leaves stay unknown.
 */
export function convertValue(value: Value, type: TypeConstraint): Converted {
  if (value === null || value instanceof Unknown || type.kind === 'dynamic') return { value };
  switch (type.kind) {
    case 'string':
      return toStringValue(value);
    case 'number':
      return toNumberValue(value);
    case 'bool':
      return toBoolValue(value);
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) return { error: `${type.kind} of ${describe(type.element)} required` };
      const items: Value[] = [];
      for (const item of value) {
        const converted = convertValue(item, type.element);
        if ('error' in converted) return converted;
        items.push(converted.value);
      }
      if (type.kind === 'set') {
        // A set of unknowns cannot be ordered or deduplicated: the whole set is unknown then.
        if (items.some((i) => i instanceof Unknown)) return { value: items };
        return { value: setElements(items) };
      }
      return { value: items };
    }
    case 'map': {
      if (Array.isArray(value) || typeof value !== 'object') return { error: `map of ${describe(type.element)} required` };
      const out: { [key: string]: Value } = {};
      const object = value as { readonly [key: string]: Value };
      for (const key of sortedKeys(object)) {
        const converted = convertValue(object[key], type.element);
        if ('error' in converted) return converted;
        out[key] = converted.value;
      }
      return { value: out };
    }
    case 'tuple': {
      if (!Array.isArray(value) || value.length !== type.elements.length) return { error: `tuple required` };
      const items: Value[] = [];
      for (let i = 0; i < value.length; i++) {
        const converted = convertValue(value[i], type.elements[i]);
        if ('error' in converted) return converted;
        items.push(converted.value);
      }
      return { value: items };
    }
    case 'object': {
      if (Array.isArray(value) || typeof value !== 'object') return { error: 'object required' };
      const object = value as { readonly [key: string]: Value };
      const out: { [key: string]: Value } = {};
      for (const [key, attributeType] of type.attributes) {
        const converted = convertValue(Object.prototype.hasOwnProperty.call(object, key) ? object[key] : null, attributeType);
        if ('error' in converted) return { error: `attribute "${key}": ${converted.error}` };
        out[key] = converted.value;
      }
      return { value: out };
    }
  }
}

function describe(type: TypeConstraint): string {
  return type.kind;
}
