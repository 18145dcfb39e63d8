/**
 * A variable's value converted to its declared `type`, as Terraform does on input: primitives
 * converted (`"5"` for a `number` is 5), object attributes the type does not declare dropped, and
 * `optional()` attributes the value leaves out filled in with their default (or null), in nested
 * objects, lists, sets and maps of them too. Where the type or the value is not understood, the
 * value is kept as given: never a guess.
 */
import type { Expression } from '../hcl/expression';
import { evaluateExpression } from '../evaluation/evaluate';
import type { EvaluationScope } from '../evaluation/scope';
import { Unknown, type Value } from '../evaluation/value';
import { convertToType, type KnownValue } from '../values';

export function convertToDeclaredType(value: Value, type: Expression | undefined, constants: EvaluationScope): Value {
  if (!type) return value;
  return convert(value, type, constants);
}

function convert(value: Value, type: Expression, constants: EvaluationScope): Value {
  if (value === null || value instanceof Unknown) return value;
  if (type.type === 'traversal' && type.steps.length === 0) {
    const name = type.root;
    if ((name === 'string' || name === 'number' || name === 'bool') && isPrimitive(value)) return convertToType(value as KnownValue, name) as Value;
    return value;
  }
  if (type.type !== 'call' || type.args.length === 0) return value;
  const [inner] = type.args;
  switch (type.name) {
    case 'list':
    case 'set':
      return Array.isArray(value) ? value.map((item) => convert(item, inner, constants)) : value;
    case 'map':
      if (typeof value !== 'object' || Array.isArray(value)) return value;
      return Object.fromEntries(Object.entries(value as Record<string, Value>).map(([k, v]) => [k, convert(v, inner, constants)]));
    case 'object':
      return inner.type === 'object' ? convertObject(value, inner, constants) : value;
    default:
      return value;
  }
}

function convertObject(value: Value, type: Extract<Expression, { type: 'object' }>, constants: EvaluationScope): Value {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Unknown) return value;
  const given = value as Record<string, Value>;
  const result: Record<string, Value> = {};
  for (const entry of type.entries) {
    if (entry.key.type !== 'literal' || typeof entry.key.value !== 'string') return value;
    const name = entry.key.value;
    const optional = entry.value.type === 'call' && entry.value.name === 'optional' ? entry.value : undefined;
    const attributeType = optional ? optional.args[0] : entry.value;
    if (!attributeType) return value;
    if (name in given && given[name] !== null) result[name] = convert(given[name], attributeType, constants);
    else if (optional) result[name] = optional.args[1] ? convert(evaluateExpression(optional.args[1], constants), attributeType, constants) : null;
    else if (name in given) result[name] = null;
    // A required attribute the value lacks is an error Terraform reports; the value stays as it is.
    else return value;
  }
  return result;
}

function isPrimitive(value: Value): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
