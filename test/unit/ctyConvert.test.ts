/**
 * Values converted to a provider schema's types (core/src/providerPlugin/ctyConvert.ts) as
 * Terraform converts a configuration: each conversion cty's configuration decoding allows, and the
 * errors, with the path, where one is impossible.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CtyConversionError, convertToCtyType, ctyPathText } from '../../core/src/providerPlugin/ctyConvert';
import type { CtyType } from '../../core/src/providerPlugin/providerSchema';
import { Unknown, type Value } from '../../core/src/terraform/evaluation/value';

describe('convertToCtyType', () => {
  test('strings and numbers both ways, bools to strings and from "true"/"false" (and "1"/"0", as cty reads them)', () => {
    assert.equal(convertToCtyType(12, 'string'), '12');
    assert.equal(convertToCtyType(0.0000001, 'string'), '0.0000001');
    assert.equal(convertToCtyType(1e21, 'string'), '1000000000000000000000');
    assert.equal(convertToCtyType(true, 'string'), 'true');
    assert.equal(convertToCtyType('12.5', 'number'), 12.5);
    assert.equal(convertToCtyType('1e3', 'number'), 1000);
    assert.equal(convertToCtyType('true', 'bool'), true);
    assert.equal(convertToCtyType('false', 'bool'), false);
    assert.equal(convertToCtyType('1', 'bool'), true);
    assert.equal(convertToCtyType('0', 'bool'), false);
  });

  test('null and unknown convert to any type; anything goes into dynamic as it is', () => {
    const unknown = new Unknown('var.x', ['x']);
    for (const type of ['string', ['list', 'number'], ['object', { a: 'bool' }]] as CtyType[]) {
      assert.equal(convertToCtyType(null, type), null);
      assert.equal(convertToCtyType(unknown, type), unknown);
    }
    assert.deepEqual(convertToCtyType({ a: [1, 'x'] }, 'dynamic'), { a: [1, 'x'] });
  });

  test('tuples to lists and sets, element by element; a set holds each value once, in cty order', () => {
    assert.deepEqual(convertToCtyType([1, '2'], ['list', 'string']), ['1', '2']);
    assert.deepEqual(convertToCtyType(['b', 'a', 'b'], ['set', 'string']), ['a', 'b']);
    assert.deepEqual(convertToCtyType([10, '2', -1], ['set', 'number']), [-1, 2, 10]);
    assert.deepEqual(convertToCtyType(['a', 1], ['tuple', ['string', 'string']]), ['a', '1']);
  });

  test('objects to maps and to object types: absent attributes are null', () => {
    assert.deepEqual(convertToCtyType({ Name: 'web', Count: 2 }, ['map', 'string']), { Name: 'web', Count: '2' });
    assert.deepEqual(convertToCtyType({ a: 'true' }, ['object', { a: 'bool', b: ['list', 'string'] }]), { a: true, b: null });
    assert.deepEqual(convertToCtyType([{ port: '443' }], ['list', ['object', { port: 'number', cidr: ['list', 'string'] }]]), [{ port: 443, cidr: null }]);
  });

  test('what cannot convert is an error with its path', () => {
    const rules: CtyType = ['object', { rule: ['list', ['object', { port: 'number' }]] }];
    assert.throws(() => convertToCtyType({ rule: [{ port: 'abc' }] }, rules), { message: 'rule[0].port: a number is required, got "abc"' });
    assert.throws(() => convertToCtyType({ a: 'x', extra: 1 }, ['object', { a: 'string' }]), { message: 'unsupported attribute "extra"' });
    assert.throws(() => convertToCtyType({ tags: { Name: [1] } }, ['object', { tags: ['map', 'string'] }]), {
      message: 'tags["Name"]: a string is required, got a tuple',
    });
    assert.throws(() => convertToCtyType('yes', 'bool'), { message: 'a bool is required, got "yes"' });
    assert.throws(() => convertToCtyType('True', 'bool'), { message: 'a bool is required; to convert from string, use lowercase "true", got "True"' });
    assert.throws(() => convertToCtyType({ a: 1 }, ['list', 'string']), { message: 'a list of string is required, got an object' });
    assert.throws(() => convertToCtyType(['a'], ['map', 'string']), { message: 'a map of string is required, got a tuple' });
    assert.throws(() => convertToCtyType(['a'], ['tuple', ['string', 'string']]), { message: 'a tuple of 2 elements is required, got 1' });
    assert.throws(() => convertToCtyType('a', ['object', {}]), { message: 'an object is required, got "a"' });
    assert.throws(() => convertToCtyType({ a: 1 }, 'string'), { message: 'a string is required, got an object' });
  });

  test('the error carries its path and reason apart from the message', () => {
    try {
      convertToCtyType({ rule: [{ port: false }] }, ['object', { rule: ['list', ['object', { port: 'number' }]] }]);
      assert.fail('expected an error');
    } catch (error) {
      assert.ok(error instanceof CtyConversionError);
      assert.deepEqual(error.path, [{ attribute: 'rule' }, { index: 0 }, { attribute: 'port' }]);
      assert.equal(error.reason, 'a number is required, got false');
    }
  });

  test('an attribute named like an Object property is not taken for one', () => {
    assert.throws(() => convertToCtyType(JSON.parse('{"constructor":"x"}') as Value, ['object', { a: 'string' }]), { message: 'unsupported attribute "constructor"' });
    const withConstructor = JSON.parse('["object",{"constructor":"string"}]') as CtyType;
    assert.deepEqual(convertToCtyType({}, withConstructor), JSON.parse('{"constructor":null}'));
  });
});

test('ctyPathText writes attributes, indexes and keys as Terraform does', () => {
  assert.equal(ctyPathText([{ attribute: 'tags' }, { key: 'a"b' }, { index: 2 }, { attribute: 'x' }]), 'tags["a\\"b"][2].x');
  assert.equal(ctyPathText([]), '');
});
