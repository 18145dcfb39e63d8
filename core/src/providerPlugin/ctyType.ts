/**
 * cty types as providers describe them: parsed from a schema attribute's `type` bytes (cty's JSON
 * form), implied by a block schema as Terraform implies it, inferred from a value as HCL types its
 * literals, and written back to JSON byte for byte as go-cty writes it (the type half of a
 * dynamically-typed value on the wire).
 */
import { compareStrings } from '../terraform/evaluation/ordering';
import { Unknown, type Value } from '../terraform/evaluation/value';
import { getOwn, hasOwn, setOwn } from './ownProperties';
import type { CtyType, NestedAttributes, SchemaAttribute, SchemaBlock } from './providerSchema';

type AttributeTypes = { readonly [name: string]: CtyType };

const PRIMITIVES: ReadonlySet<string> = new Set(['string', 'number', 'bool', 'dynamic']);

/** A schema attribute's `type` (cty's JSON: `"string"`, `["list","string"]`, `["object",{…},["opt"]]`). */
export function parseCtyType(json: string | Uint8Array): CtyType {
  let text: string;
  if (typeof json === 'string') text = json;
  else {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(json);
    } catch {
      throw new Error('cty type JSON is not valid UTF-8');
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`cty type is not valid JSON (${(error as Error).message}): ${abbreviated(text)}`);
  }
  return typeFromJson(parsed, 'type');
}

function typeFromJson(json: unknown, where: string): CtyType {
  if (typeof json === 'string') {
    if (!PRIMITIVES.has(json)) throw new Error(`${where}: invalid primitive type name ${JSON.stringify(json)}`);
    return json as CtyType;
  }
  if (!Array.isArray(json)) throw new Error(`${where}: a cty type is a type name or an array, got ${abbreviated(JSON.stringify(json))}`);
  const [kind, ...rest] = json as unknown[];
  if (typeof kind !== 'string') throw new Error(`${where}: a complex type's first element names its kind, got ${abbreviated(JSON.stringify(kind))}`);
  switch (kind) {
    case 'list':
    case 'set':
    case 'map':
      if (rest.length !== 1) throw new Error(`${where}: a ${kind} type has exactly one element type, got ${rest.length}`);
      return [kind, typeFromJson(rest[0], `${where}[1]`)];
    case 'tuple': {
      if (rest.length !== 1 || !Array.isArray(rest[0])) throw new Error(`${where}: a tuple type is ["tuple", [element types]]`);
      return ['tuple', (rest[0] as unknown[]).map((element, i) => typeFromJson(element, `${where}[1][${i}]`))];
    }
    case 'object': {
      const [attributes, optional] = rest;
      if (rest.length < 1 || rest.length > 2 || attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
        throw new Error(`${where}: an object type is ["object", {attribute types}] with an optional list of optional attributes`);
      }
      const types: Record<string, CtyType> = {};
      for (const [name, type] of Object.entries(attributes as Record<string, unknown>)) setOwn(types, name, typeFromJson(type, `${where}[1].${name}`));
      if (rest.length === 1) return ['object', types];
      if (!Array.isArray(optional) || !optional.every((name) => typeof name === 'string')) {
        throw new Error(`${where}: an object type's optional attributes are a list of names`);
      }
      for (const name of optional as string[]) {
        if (!hasOwn(types, name)) throw new Error(`${where}: optional attribute ${JSON.stringify(name)} is not an attribute of the object type`);
      }
      return ['object', types, optional as string[]];
    }
    default:
      throw new Error(`${where}: invalid complex type kind name ${JSON.stringify(kind)}`);
  }
}

/**
 * The type of a block's value, as Terraform implies it from the schema: an object of its attributes
 * and nested block types. A list or map of blocks holding dynamically-typed attributes has no type
 * known before decoding (Terraform decodes those as a tuple or an object), so it is `dynamic`.
 */
export function impliedType(block: SchemaBlock): CtyType {
  const attributes: Record<string, CtyType> = {};
  for (const attribute of block.attributes) setOwn(attributes, attribute.name, typeOfAttribute(attribute));
  for (const nested of block.blocks) {
    const element = impliedType(nested.block);
    switch (nested.nesting) {
      case 'single':
      case 'group':
        setOwn(attributes, nested.typeName, element);
        break;
      case 'list':
        setOwn(attributes, nested.typeName, hasDynamicTypes(element) ? 'dynamic' : ['list', element]);
        break;
      case 'map':
        setOwn(attributes, nested.typeName, hasDynamicTypes(element) ? 'dynamic' : ['map', element]);
        break;
      case 'set':
        setOwn(attributes, nested.typeName, ['set', element]);
        break;
    }
  }
  return ['object', attributes];
}

/** An attribute's type: its `type`, or for a protocol-6 nested attribute the object type repeated by its nesting. */
export function typeOfAttribute(attribute: SchemaAttribute): CtyType {
  if (attribute.nested) return typeOfNestedAttributes(attribute.nested);
  if (attribute.type === undefined) throw new Error(`attribute ${JSON.stringify(attribute.name)} has neither a type nor nested attributes`);
  return attribute.type;
}

function typeOfNestedAttributes(nested: NestedAttributes): CtyType {
  const attributes: Record<string, CtyType> = {};
  for (const attribute of nested.attributes) setOwn(attributes, attribute.name, typeOfAttribute(attribute));
  const object: CtyType = ['object', attributes];
  return nested.nesting === 'single' ? object : [nested.nesting, object];
}

/** True when `dynamic` appears anywhere in the type. */
export function hasDynamicTypes(type: CtyType): boolean {
  if (type === 'dynamic') return true;
  if (typeof type === 'string') return false;
  switch (type[0]) {
    case 'list':
    case 'set':
    case 'map':
      return hasDynamicTypes(type[1]);
    case 'tuple':
      return type[1].some(hasDynamicTypes);
    case 'object':
      return Object.values(type[1]).some(hasDynamicTypes);
  }
}

/** An object type's attribute types, read as own properties only (an attribute named `constructor` is not inherited). */
export function attributeTypeOf(attributes: AttributeTypes, name: string): CtyType | undefined {
  return getOwn(attributes, name);
}

/**
 * The type HCL gives a value: brackets make a tuple, braces an object; a null or an unknown has no
 * type of its own (`dynamic`). That is the type a dynamically-typed attribute's value is sent with.
 */
export function typeOfValue(value: Value): CtyType {
  if (value === null || value === undefined || value instanceof Unknown) return 'dynamic';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return ['tuple', value.map(typeOfValue)];
  const attributes: Record<string, CtyType> = {};
  for (const [name, item] of Object.entries(value)) setOwn(attributes, name, typeOfValue(item as Value));
  return ['object', attributes];
}

/**
 * The type as go-cty writes it in JSON: no spaces, object attributes in byte order of their names,
 * and strings escaped as Go's encoding/json escapes them (`<`, `>`, `&`, U+2028 and U+2029 too).
 */
export function ctyTypeJson(type: CtyType): string {
  if (typeof type === 'string') return `"${type}"`;
  switch (type[0]) {
    case 'list':
    case 'set':
    case 'map':
      return `["${type[0]}",${ctyTypeJson(type[1])}]`;
    case 'tuple':
      return `["tuple",[${type[1].map(ctyTypeJson).join(',')}]]`;
    case 'object': {
      const names = Object.keys(type[1]).sort(compareStrings);
      const attributes = `{${names.map((name) => `${goJsonString(name)}:${ctyTypeJson(type[1][name])}`).join(',')}}`;
      const optional = type.length === 3 && type[2].length > 0 ? `,[${[...type[2]].sort(compareStrings).map(goJsonString).join(',')}]` : '';
      return `["object",${attributes}${optional}]`;
    }
  }
}

function goJsonString(text: string): string {
  return JSON.stringify(text).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A type as a short phrase for messages: `list of string`, `object`. */
export function ctyTypeName(type: CtyType): string {
  if (typeof type === 'string') return type;
  switch (type[0]) {
    case 'list':
    case 'set':
    case 'map':
      return `${type[0]} of ${ctyTypeName(type[1])}`;
    case 'tuple':
      return 'tuple';
    case 'object':
      return 'object';
  }
}

function abbreviated(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
