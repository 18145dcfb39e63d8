/**
 * cty types for the provider plugin client (core/src/providerPlugin/ctyType.ts): a schema
 * attribute's `type` bytes parsed, the type Terraform implies for a block schema, and types written
 * back as go-cty writes their JSON (compared with what go-cty v1.18 prints for the same types).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ctyTypeJson, hasDynamicTypes, impliedType, parseCtyType, typeOfAttribute, typeOfValue } from '../../core/src/providerPlugin/ctyType';
import type { SchemaBlock } from '../../core/src/providerPlugin/providerSchema';
import { Unknown } from '../../core/src/terraform/evaluation/value';
import { attribute } from './schemaTestSupport';

describe('parseCtyType', () => {
  test('primitives and collections, from a string or from bytes', () => {
    assert.equal(parseCtyType('"string"'), 'string');
    assert.equal(parseCtyType(new TextEncoder().encode('"dynamic"')), 'dynamic');
    assert.deepEqual(parseCtyType('["list","number"]'), ['list', 'number']);
    assert.deepEqual(parseCtyType('["set",["map","bool"]]'), ['set', ['map', 'bool']]);
    assert.deepEqual(parseCtyType('["tuple",["string","number"]]'), ['tuple', ['string', 'number']]);
    assert.deepEqual(parseCtyType('["tuple",[]]'), ['tuple', []]);
  });

  test('objects, with and without optional attributes', () => {
    assert.deepEqual(parseCtyType('["object",{"a":"string","b":["list","number"]}]'), ['object', { a: 'string', b: ['list', 'number'] }]);
    assert.deepEqual(parseCtyType('["object",{"x":"string","y":"bool"},["y"]]'), ['object', { x: 'string', y: 'bool' }, ['y']]);
    assert.deepEqual(parseCtyType('["object",{}]'), ['object', {}]);
  });

  test('an attribute named like an Object property is an attribute of its own', () => {
    const type = parseCtyType('["object",{"__proto__":"string","constructor":"number"}]');
    assert.ok(Array.isArray(type) && type[0] === 'object');
    const attributes = type[1] as Record<string, unknown>;
    assert.deepEqual(Object.keys(attributes).sort(), ['__proto__', 'constructor']);
    assert.equal(Object.getPrototypeOf(attributes), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(attributes, '__proto__')?.value, 'string');
  });

  test('what is wrong is named, with where', () => {
    assert.throws(() => parseCtyType('"strin"'), { message: 'type: invalid primitive type name "strin"' });
    assert.throws(() => parseCtyType('["list","strng"]'), { message: 'type[1]: invalid primitive type name "strng"' });
    assert.throws(() => parseCtyType('["object",{"a":["lst","string"]}]'), { message: 'type[1].a: invalid complex type kind name "lst"' });
    assert.throws(() => parseCtyType('["list"]'), { message: 'type: a list type has exactly one element type, got 0' });
    assert.throws(() => parseCtyType('["object",{"a":"string"},["b"]]'), { message: 'type: optional attribute "b" is not an attribute of the object type' });
    assert.throws(() => parseCtyType('["tuple","string"]'), { message: 'type: a tuple type is ["tuple", [element types]]' });
    assert.throws(() => parseCtyType('7'), { message: 'type: a cty type is a type name or an array, got 7' });
    assert.throws(() => parseCtyType('[1]'), { message: "type: a complex type's first element names its kind, got 1" });
    assert.throws(() => parseCtyType('"string'), /^Error: cty type is not valid JSON \(.*\): "string$/);
    assert.throws(() => parseCtyType(new Uint8Array([0x22, 0xff, 0x22])), { message: 'cty type JSON is not valid UTF-8' });
  });
});

describe('ctyTypeJson', () => {
  test('written as go-cty writes it: attributes in byte order, HTML characters escaped, optional names sorted', () => {
    assert.equal(ctyTypeJson(['object', { b: 'string', 'a&': ['list', 'number'] }]), '["object",{"a\\u0026":["list","number"],"b":"string"}]');
    assert.equal(ctyTypeJson(['object', { y: 'bool', x: 'string' }, ['y', 'x']]), '["object",{"x":"string","y":"bool"},["x","y"]]');
    assert.equal(ctyTypeJson(['tuple', ['string', 'dynamic']]), '["tuple",["string","dynamic"]]');
    assert.equal(ctyTypeJson(['map', ['set', 'bool']]), '["map",["set","bool"]]');
    // Byte order, not UTF-16 order: U+FF5E sorts before U+1F600 in UTF-8, after it in UTF-16.
    assert.equal(ctyTypeJson(['object', { '\u{1F600}': 'string', '\uFF5E': 'string' }]), '["object",{"\uFF5E":"string","\u{1F600}":"string"}]');
  });

  test('parses back to the same type', () => {
    for (const text of ['"number"', '["list",["object",{"a":"string","b":["set","bool"]}]]', '["object",{"x":"string"},["x"]]', '["tuple",[]]']) {
      assert.equal(ctyTypeJson(parseCtyType(text)), text);
    }
  });
});

describe('impliedType', () => {
  test('attributes and nested blocks by nesting mode', () => {
    const inner: SchemaBlock = { attributes: [attribute('port', { type: 'number' })], blocks: [] };
    const block: SchemaBlock = {
      attributes: [attribute('name'), attribute('tags', { type: ['map', 'string'] })],
      blocks: [
        { typeName: 'single', nesting: 'single', block: inner, minItems: 0, maxItems: 1 },
        { typeName: 'group', nesting: 'group', block: inner, minItems: 0, maxItems: 0 },
        { typeName: 'rule', nesting: 'list', block: inner, minItems: 0, maxItems: 0 },
        { typeName: 'member', nesting: 'set', block: inner, minItems: 0, maxItems: 0 },
        { typeName: 'named', nesting: 'map', block: inner, minItems: 0, maxItems: 0 },
      ],
    };
    const object = ['object', { port: 'number' }];
    assert.deepEqual(impliedType(block), [
      'object',
      { name: 'string', tags: ['map', 'string'], single: object, group: object, rule: ['list', object], member: ['set', object], named: ['map', object] },
    ]);
  });

  test('list and map blocks holding a dynamic attribute have no type before decoding', () => {
    const inner: SchemaBlock = { attributes: [attribute('value', { type: 'dynamic' })], blocks: [] };
    const block: SchemaBlock = {
      attributes: [],
      blocks: [
        { typeName: 'l', nesting: 'list', block: inner, minItems: 0, maxItems: 0 },
        { typeName: 'm', nesting: 'map', block: inner, minItems: 0, maxItems: 0 },
        { typeName: 's', nesting: 'single', block: inner, minItems: 0, maxItems: 1 },
      ],
    };
    assert.deepEqual(impliedType(block), ['object', { l: 'dynamic', m: 'dynamic', s: ['object', { value: 'dynamic' }] }]);
  });

  test('protocol-6 nested attributes: an object repeated by their nesting, nested inside each other', () => {
    const leaf = [attribute('id', { computed: true }), attribute('size', { type: 'number' })];
    const typeOf = (nesting: 'single' | 'list' | 'set' | 'map') => typeOfAttribute(attribute('n', { type: undefined, nested: { nesting, attributes: leaf } }));
    const object = ['object', { id: 'string', size: 'number' }];
    assert.deepEqual(typeOf('single'), object);
    assert.deepEqual(typeOf('list'), ['list', object]);
    assert.deepEqual(typeOf('set'), ['set', object]);
    assert.deepEqual(typeOf('map'), ['map', object]);
    const deep = attribute('outer', {
      type: undefined,
      nested: { nesting: 'list', attributes: [attribute('inner', { type: undefined, nested: { nesting: 'map', attributes: leaf } })] },
    });
    assert.deepEqual(impliedType({ attributes: [deep], blocks: [] }), ['object', { outer: ['list', ['object', { inner: ['map', object] }]] }]);
  });

  test('an attribute with neither a type nor nested attributes is an error naming it', () => {
    assert.throws(() => typeOfAttribute(attribute('broken', { type: undefined })), { message: 'attribute "broken" has neither a type nor nested attributes' });
  });
});

describe('typeOfValue and hasDynamicTypes', () => {
  test('brackets are tuples, braces objects, null and unknown dynamic', () => {
    assert.deepEqual(typeOfValue(['a', 1, true]), ['tuple', ['string', 'number', 'bool']]);
    assert.deepEqual(typeOfValue({ a: null, b: [] }), ['object', { a: 'dynamic', b: ['tuple', []] }]);
    assert.equal(typeOfValue(new Unknown('x', [])), 'dynamic');
  });

  test('dynamic anywhere inside', () => {
    assert.equal(hasDynamicTypes(['list', ['object', { a: ['tuple', ['string', 'dynamic']] }]]), true);
    assert.equal(hasDynamicTypes(['map', ['set', 'bool']]), false);
  });
});
