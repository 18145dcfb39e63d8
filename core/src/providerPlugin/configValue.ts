/**
 * A resource block's evaluated configuration shaped as its schema's object, as Terraform decodes a
 * configuration body before it asks the provider: every attribute present (null where not set),
 * every nested block type present (a single block null when absent, a group an object of nulls,
 * list and set blocks an empty list, map blocks an empty map), protocol-6 nested attributes' objects
 * completed with nulls. What the schema does not have is an error as Terraform reports it.
 *
 * The evaluator hands a block over as its attributes by name and its nested blocks as arrays of
 * objects under their type name. Map-nested blocks need their labels, so they are taken as an object
 * keyed by label.
 */
import { Unknown, type Value } from '../terraform/evaluation/value';
import { ctyPathText, type CtyPathStep } from './ctyConvert';
import { getOwn, setOwn } from './ownProperties';
import type { NestedAttributes, NestedBlockSchema, SchemaAttribute, SchemaBlock } from './providerSchema';

type ValueObject = { readonly [key: string]: Value };

/** Names Terraform reads itself in a resource block, never passed to the provider. */
const META_ARGUMENTS: ReadonlySet<string> = new Set(['count', 'for_each', 'provider', 'depends_on', 'lifecycle', 'provisioner', 'connection']);

/** A configuration the schema does not accept; the message is Terraform's summary and detail. */
export class ConfigShapeError extends Error {
  constructor(
    readonly path: readonly CtyPathStep[],
    readonly summary: string,
    readonly detail: string,
  ) {
    super(`${path.length > 0 ? `${ctyPathText(path)}: ` : ''}${summary}: ${detail}`);
    this.name = 'ConfigShapeError';
  }
}

/** The configuration object of a resource of the schema, from its evaluated block (or an unknown one). */
export function configValue(block: SchemaBlock, configured: ValueObject | Unknown): Value {
  if (configured instanceof Unknown) return configured;
  return blockObject(block, configured, [], true);
}

function blockObject(block: SchemaBlock, configured: ValueObject, path: readonly CtyPathStep[], topLevel: boolean): ValueObject {
  for (const name of Object.keys(configured)) {
    if (topLevel && META_ARGUMENTS.has(name)) continue;
    if (block.attributes.some((a) => a.name === name) || block.blocks.some((b) => b.typeName === name)) continue;
    const given = configured[name];
    // Blocks arrive as arrays of objects; anything else was written as an argument.
    if (Array.isArray(given) && given.length > 0 && given.every(isObject)) {
      throw new ConfigShapeError(path, 'Unsupported block type', `Blocks of type ${JSON.stringify(name)} are not expected here.`);
    }
    throw new ConfigShapeError(path, 'Unsupported argument', `An argument named ${JSON.stringify(name)} is not expected here.`);
  }
  const value: Record<string, Value> = {};
  for (const attribute of block.attributes) {
    setOwn(value, attribute.name, attributeValue(attribute, getOwn(configured, attribute.name) ?? null, [...path, { attribute: attribute.name }]));
  }
  for (const nested of block.blocks) {
    setOwn(value, nested.typeName, nestedBlocksValue(nested, getOwn(configured, nested.typeName), [...path, { attribute: nested.typeName }]));
  }
  return value;
}

function attributeValue(attribute: SchemaAttribute, given: Value, path: readonly CtyPathStep[]): Value {
  return attribute.nested ? nestedAttributeValue(attribute.nested, given, path) : given;
}

function nestedAttributeValue(nested: NestedAttributes, given: Value, path: readonly CtyPathStep[]): Value {
  if (given === null || given instanceof Unknown) return given;
  switch (nested.nesting) {
    case 'single':
      return nestedObject(nested.attributes, given, path);
    case 'list':
    case 'set':
      if (!Array.isArray(given)) throw incorrectType(path, `a ${nested.nesting} of objects is required`);
      return given.map((element: Value, index) => nestedObject(nested.attributes, element, [...path, { index }]));
    case 'map': {
      if (!isObject(given)) throw incorrectType(path, 'a map of objects is required');
      const value: Record<string, Value> = {};
      for (const [key, element] of Object.entries(given)) setOwn(value, key, nestedObject(nested.attributes, element, [...path, { key }]));
      return value;
    }
  }
}

function nestedObject(attributes: readonly SchemaAttribute[], given: Value, path: readonly CtyPathStep[]): Value {
  if (given === null || given instanceof Unknown) return given;
  if (!isObject(given)) throw incorrectType(path, 'an object is required');
  for (const name of Object.keys(given)) {
    if (!attributes.some((a) => a.name === name)) throw incorrectType(path, `attribute ${JSON.stringify(name)} is not expected here`);
  }
  const value: Record<string, Value> = {};
  for (const attribute of attributes)
    setOwn(value, attribute.name, attributeValue(attribute, getOwn(given, attribute.name) ?? null, [...path, { attribute: attribute.name }]));
  return value;
}

function nestedBlocksValue(nested: NestedBlockSchema, given: Value | undefined, path: readonly CtyPathStep[]): Value {
  // A `dynamic` block over a collection not known yet.
  if (given instanceof Unknown) return given;
  const name = JSON.stringify(nested.typeName);
  if (nested.nesting === 'map') {
    if (given === undefined || given === null) return {};
    if (!isObject(given)) {
      throw new ConfigShapeError(path, 'Missing block labels', `Blocks of type ${name} are a map by their label, and their labels were not given.`);
    }
    const value: Record<string, Value> = {};
    for (const [key, body] of Object.entries(given)) setOwn(value, key, blockBody(nested, body, [...path, { key }]));
    return value;
  }
  const blocks: readonly Value[] = given === undefined || given === null ? [] : Array.isArray(given) ? given : [given];
  switch (nested.nesting) {
    case 'single':
    case 'group':
      if (blocks.length > 1) {
        throw new ConfigShapeError(path, `Duplicate ${nested.typeName} block`, `Only one block of type ${name} is allowed.`);
      }
      if (blocks.length === 0) {
        if (nested.minItems >= 1) throw new ConfigShapeError(path, `Missing ${nested.typeName} block`, `A block of type ${name} is required here.`);
        return nested.nesting === 'group' ? blockObject(nested.block, {}, path, false) : null;
      }
      return blockBody(nested, blocks[0], path);
    case 'list':
    case 'set': {
      const known = blocks.every((b) => !(b instanceof Unknown));
      if (nested.maxItems > 0 && blocks.length > nested.maxItems) {
        throw new ConfigShapeError(path, `Too many ${nested.typeName} blocks`, `No more than ${nested.maxItems} ${name} blocks are allowed.`);
      }
      if (known && blocks.length < nested.minItems) {
        throw new ConfigShapeError(path, `Insufficient ${nested.typeName} blocks`, `At least ${nested.minItems} ${name} blocks are required.`);
      }
      return blocks.map((body, index) => blockBody(nested, body, [...path, { index }]));
    }
  }
}

function blockBody(nested: NestedBlockSchema, body: Value, path: readonly CtyPathStep[]): Value {
  if (body instanceof Unknown) return body;
  if (!isObject(body))
    throw new ConfigShapeError(path, 'Invalid block', `A block of type ${JSON.stringify(nested.typeName)} must be an object of its arguments and blocks.`);
  return blockObject(nested.block, body, path, false);
}

function incorrectType(path: readonly CtyPathStep[], detail: string): ConfigShapeError {
  return new ConfigShapeError(path, 'Incorrect attribute value type', detail);
}

function isObject(value: Value): value is ValueObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Unknown);
}
