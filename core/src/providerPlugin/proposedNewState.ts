/**
 * The proposed new state Terraform core sends a provider in PlanResourceChange (`ProposedNew`):
 * the configuration, with what the provider computes kept from the prior state where the
 * configuration leaves it null, nested blocks and nested attributes merged element by element.
 *
 * As in Terraform:
 * - a computed attribute the configuration leaves null keeps its prior value (optional+computed
 *   too), except an optional nested attribute whose prior value holds something only a
 *   configuration sets: that was configured before and is now removed, so it stays null;
 * - list elements pair by index, map elements by key, and set elements with the first unused prior
 *   element that could have come from that configured element (equal but for computed attributes
 *   the configuration leaves null); a configured element with no partner is taken as configured;
 * - for a create (prior null) the prior is the empty object, so computed attributes are null: it is
 *   the provider that plans them as unknown;
 * - write-only and sensitive attributes are not special here: sensitivity is a mark Terraform
 *   removes before, and a write-only value is proposed as configured (the provider nulls it in its
 *   planned state).
 */
import { Unknown, type Value } from '../terraform/evaluation/value';
import { getOwn, setOwn } from './ownProperties';
import type { NestedAttributes, NestedBlockSchema, SchemaAttribute, SchemaBlock } from './providerSchema';

type ValueObject = { readonly [key: string]: Value };

/** What a list, map or set element is: a nested block's body, or a nested attribute's object. */
type ElementSchema = { readonly block: SchemaBlock } | { readonly attributes: readonly SchemaAttribute[] };

/** The proposed new state of an object of the block's schema, from its prior state and its configuration. */
export function proposedNewState(block: SchemaBlock, prior: Value, config: Value): Value {
  if (isNull(config) && isNull(prior)) return null;
  return proposedNewBlock(block, isNull(prior) ? emptyBlockValue(block) : prior, config);
}

/** A block with nothing configured in it: attributes null, nested blocks absent. */
export function emptyBlockValue(block: SchemaBlock): ValueObject {
  const value: Record<string, Value> = {};
  for (const attribute of block.attributes) setOwn(value, attribute.name, null);
  for (const nested of block.blocks) setOwn(value, nested.typeName, emptyNestedBlocks(nested));
  return value;
}

function emptyNestedBlocks(nested: NestedBlockSchema): Value {
  switch (nested.nesting) {
    case 'single':
      return null;
    case 'group':
      return emptyBlockValue(nested.block);
    case 'list':
    case 'set':
      return [];
    case 'map':
      return {};
  }
}

function proposedNewBlock(block: SchemaBlock, prior: Value, config: Value): Value {
  if (isNull(config) || config instanceof Unknown) return prior;
  const value = proposedNewAttributes(block.attributes, prior, config);
  for (const nested of block.blocks) {
    setOwn(value, nested.typeName, proposedNewNestedBlocks(nested, attributeOf(prior, nested.typeName), attributeOf(config, nested.typeName)));
  }
  return value;
}

function proposedNewNestedBlocks(nested: NestedBlockSchema, prior: Value, config: Value): Value {
  // Only a `dynamic` block over an unknown collection leaves the whole block value unknown.
  if (config instanceof Unknown) return config;
  switch (nested.nesting) {
    case 'single':
      // A single block that is not configured is null: there is nothing of it to compute.
      if (isNull(config)) return null;
      return proposedNewState(nested.block, prior, config);
    case 'group':
      return proposedNewState(nested.block, prior, config);
    case 'list':
      return proposedNewList({ block: nested.block }, prior, config);
    case 'map':
      return proposedNewMap({ block: nested.block }, prior, config);
    case 'set':
      return proposedNewSet({ block: nested.block }, prior, config);
  }
}

function proposedNewNestedAttribute(nested: NestedAttributes, prior: Value, config: Value): Value {
  if (config instanceof Unknown) return config;
  switch (nested.nesting) {
    case 'single':
      return proposedNewObject(nested.attributes, prior, config);
    case 'list':
      return proposedNewList({ attributes: nested.attributes }, prior, config);
    case 'map':
      return proposedNewMap({ attributes: nested.attributes }, prior, config);
    case 'set':
      return proposedNewSet({ attributes: nested.attributes }, prior, config);
  }
}

function proposedNewElement(schema: ElementSchema, prior: Value, config: Value): Value {
  return 'block' in schema ? proposedNewState(schema.block, prior, config) : proposedNewObject(schema.attributes, prior, config);
}

function proposedNewObject(attributes: readonly SchemaAttribute[], prior: Value, config: Value): Value {
  if (isNull(config)) return null;
  return proposedNewAttributes(attributes, prior, config);
}

function proposedNewList(schema: ElementSchema, prior: Value, config: Value): Value {
  if (!Array.isArray(config) || config.length === 0) return config;
  return config.map((element: Value, index) => {
    if (prior instanceof Unknown) return proposedNewElement(schema, prior, element);
    // An element the prior state does not have is new: it is proposed as configured.
    if (!Array.isArray(prior) || index >= prior.length) return element;
    return proposedNewElement(schema, (prior as readonly Value[])[index], element);
  });
}

function proposedNewMap(schema: ElementSchema, prior: Value, config: Value): Value {
  if (!isObject(config) || Object.keys(config).length === 0) return config;
  const value: Record<string, Value> = {};
  for (const [key, element] of Object.entries(config)) {
    const priorElement = prior instanceof Unknown ? prior : isObject(prior) ? (getOwn(prior, key) ?? null) : null;
    setOwn(value, key, proposedNewElement(schema, priorElement, element));
  }
  return value;
}

function proposedNewSet(schema: ElementSchema, prior: Value, config: Value): Value {
  if (!Array.isArray(config) || config.length === 0) return config;
  const priorElements: readonly Value[] = Array.isArray(prior) ? prior : [];
  const used = priorElements.map(() => false);
  return config.map((element: Value) => {
    // The first prior element that could have come from this configured one; Terraform takes the
    // first too, and configured set elements are distinct, so another match would differ only in
    // computed values.
    const index = priorElements.findIndex((candidate, i) => !used[i] && couldComeFromConfig(schema, candidate, element));
    if (index >= 0) used[index] = true;
    return proposedNewElement(schema, index >= 0 ? priorElements[index] : null, element);
  });
}

function proposedNewAttributes(attributes: readonly SchemaAttribute[], prior: Value, config: Value): Record<string, Value> {
  const value: Record<string, Value> = {};
  for (const attribute of attributes) {
    const priorValue = isNull(prior) ? null : attributeOf(prior, attribute.name);
    const configValue = attributeOf(config, attribute.name);
    let proposed: Value;
    // Whether an attribute is required plays no part: an optional+computed one is computed when the
    // configuration leaves it null.
    if (attribute.computed && isNull(configValue)) {
      proposed = optionalValueNotComputable(attribute, priorValue) ? null : priorValue;
    } else if (attribute.nested) {
      proposed = proposedNewNestedAttribute(attribute.nested, priorValue, configValue);
    } else {
      proposed = configValue;
    }
    setOwn(value, attribute.name, proposed);
  }
  return value;
}

/**
 * True when an optional nested attribute's prior value holds a non-null value of an attribute that is
 * not computed: only a configuration could have set that, so the attribute was configured before.
 */
function optionalValueNotComputable(attribute: SchemaAttribute, prior: Value): boolean {
  if (!attribute.optional || !attribute.nested) return false;
  return holdsConfiguredValue(attribute.nested, prior);
}

function holdsConfiguredValue(nested: NestedAttributes, value: Value): boolean {
  if (isNull(value) || value instanceof Unknown) return false;
  const objects: Value[] = nested.nesting === 'single' ? [value] : Array.isArray(value) ? [...value] : isObject(value) ? Object.values(value) : [];
  for (const object of objects) {
    if (!isObject(object)) continue;
    for (const attribute of nested.attributes) {
      const item = getOwn(object, attribute.name) ?? null;
      if (item === null) continue;
      if (!attribute.computed) return true;
      if (attribute.nested && holdsConfiguredValue(attribute.nested, item)) return true;
    }
  }
  return false;
}

/**
 * True when the prior set element could have come from the configured one: equal, or different only
 * in computed leaf attributes the configuration leaves null (nested attributes and blocks compared
 * inside, nested sets only as a whole).
 */
function couldComeFromConfig(schema: ElementSchema, prior: Value, config: Value): boolean {
  if (rawEquals(prior, config)) return true;
  return 'block' in schema ? blockCouldComeFromConfig(schema.block, prior, config) : objectCouldComeFromConfig(schema.attributes, [], prior, config);
}

function blockCouldComeFromConfig(block: SchemaBlock, prior: Value, config: Value): boolean {
  return objectCouldComeFromConfig(block.attributes, block.blocks, prior, config);
}

function objectCouldComeFromConfig(attributes: readonly SchemaAttribute[], blocks: readonly NestedBlockSchema[], prior: Value, config: Value): boolean {
  if (isNull(prior) || prior instanceof Unknown || attributes.length + blocks.length === 0) return true;
  // Below a non-null prior object, the configuration must have an object to compare with.
  if (isNull(config)) return false;
  for (const attribute of attributes) {
    if (!attributeCouldComeFromConfig(attribute, attributeOf(prior, attribute.name), attributeOf(config, attribute.name))) return false;
  }
  for (const nested of blocks) {
    if (!nestedBlocksCouldComeFromConfig(nested, attributeOf(prior, nested.typeName), attributeOf(config, nested.typeName))) return false;
  }
  return true;
}

function attributeCouldComeFromConfig(attribute: SchemaAttribute, prior: Value, config: Value): boolean {
  if (rawEquals(prior, config)) return true;
  const nested = attribute.nested;
  // A set cannot be looked into to pair its elements: it must be equal as a whole.
  if (!nested) return !(Array.isArray(attribute.type) && attribute.type[0] === 'set') && attribute.computed && isNull(config);
  if (nested.nesting === 'set') return false;
  if (nested.nesting === 'single') return objectCouldComeFromConfig(nested.attributes, [], prior, config);
  const element = (p: Value, c: Value) => rawEquals(p, c) || objectCouldComeFromConfig(nested.attributes, [], p, c);
  return elementsCouldComeFromConfig(nested.nesting, prior, config, element);
}

function nestedBlocksCouldComeFromConfig(nested: NestedBlockSchema, prior: Value, config: Value): boolean {
  if (rawEquals(prior, config)) return true;
  if (nested.nesting === 'set') return false;
  if (nested.nesting === 'single' || nested.nesting === 'group') return blockCouldComeFromConfig(nested.block, prior, config);
  const element = (p: Value, c: Value) => rawEquals(p, c) || blockCouldComeFromConfig(nested.block, p, c);
  return elementsCouldComeFromConfig(nested.nesting, prior, config, element);
}

/**
 * Each prior list element (by index) or map element (by key) against the configuration's: the
 * configuration must have an element there (an unknown configuration stands for all of them).
 */
function elementsCouldComeFromConfig(nesting: 'list' | 'map', prior: Value, config: Value, element: (prior: Value, config: Value) => boolean): boolean {
  const entries: [string | number, Value][] = Array.isArray(prior)
    ? prior.map((p: Value, i) => [i, p])
    : isObject(prior) && nesting === 'map'
      ? Object.entries(prior)
      : [];
  return entries.every(([at, p]) => {
    if (config instanceof Unknown) return element(p, config);
    let c: Value | undefined;
    if (typeof at === 'number') c = Array.isArray(config) && at < config.length ? (config as readonly Value[])[at] : undefined;
    else c = isObject(config) ? getOwn(config, at) : undefined;
    return c !== undefined && element(p, c);
  });
}

// ---- values ----------------------------------------------------------------------------------

function isNull(value: Value | undefined): value is null | undefined {
  return value === null || value === undefined;
}

function isObject(value: Value): value is ValueObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Unknown);
}

/** An object's attribute; an unknown object's attributes are unknown, and an absent one is null. */
function attributeOf(object: Value, name: string): Value {
  if (object instanceof Unknown) return object;
  if (!isObject(object)) return null;
  return getOwn(object, name) ?? null;
}

/** Equality of values as cty's RawEquals has it here: unknowns equal each other, absent equals null. */
function rawEquals(a: Value | undefined, b: Value | undefined): boolean {
  if (isNull(a) || isNull(b)) return isNull(a) && isNull(b);
  if (a instanceof Unknown || b instanceof Unknown) return a instanceof Unknown && b instanceof Unknown;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item: Value, i) => rawEquals(item, (b as readonly Value[])[i]));
  }
  const ao = a as ValueObject;
  const bo = b as ValueObject;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const key of keys) if (!rawEquals(getOwn(ao, key), getOwn(bo, key))) return false;
  return true;
}
