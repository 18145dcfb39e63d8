/**
 * Comparing a configured value with a baseline value as the analysis does, after converting both
 * to the attribute's type, and rendering values for messages.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { compareValues, renderValue } from '../../core/src/terraform/evaluation/compare';
import { Unknown } from '../../core/src/terraform/evaluation/value';
import { afterApply } from './evaluationTestSupport';

const planned = (symbol: string) => new Unknown(symbol, [`\`${symbol}\` has no value before plan`]);

describe('compareValues', () => {
  test('known values, converted to the attribute type first', () => {
    assert.equal(compareValues('0777', '0777', 'string'), 'same');
    assert.equal(compareValues('0777', '0700', 'string'), 'different');
    assert.equal(compareValues(777, '777', 'string'), 'same');
    assert.equal(compareValues('4', 4, 'number'), 'same');
    assert.equal(compareValues('4.0', 4, 'number'), 'same');
    assert.equal(compareValues('true', true, 'bool'), 'same');
    assert.equal(compareValues(1, '1'), 'different');
    assert.equal(compareValues([1, 2], ['1', '2'], 'list(string)'), 'same');
    assert.equal(compareValues(['b', 'a', 'b'], ['a', 'b'], 'set(string)'), 'same');
    assert.equal(compareValues(['b', 'a'], ['a', 'c'], 'set(string)'), 'different');
    assert.equal(compareValues({ a: 1 }, { a: '1' }, 'map(string)'), 'same');
    assert.equal(compareValues({ a: 1, b: null }, { a: 1 }, 'object({a=number,b=string})'), 'same');
    assert.equal(compareValues([{ port: '80' }], [{ port: 80 }], 'list(object({port=number}))'), 'same');
    assert.equal(compareValues(['a'], ['a', 'b'], 'list(string)'), 'different');
  });

  test('undefined and null are the same; an unparsed type compares unconverted', () => {
    assert.equal(compareValues(undefined, null), 'same');
    assert.equal(compareValues(undefined, null, 'string'), 'same');
    assert.equal(compareValues(null, ''), 'different');
    assert.equal(compareValues('a', 'a', 'weird(type'), 'same');
    assert.equal(compareValues(3, 3, 'dynamic'), 'same');
  });

  test('an unknown is the same only as the same computation that waits for no apply', () => {
    assert.equal(compareValues(planned('upper(var.x)'), planned('upper(var.x)')), 'same');
    assert.equal(compareValues(planned('upper(var.x)'), planned('lower(var.x)')), 'unknown');
    assert.equal(compareValues(afterApply('random_id.r', 'hex'), afterApply('random_id.r', 'hex')), 'unknown');
    assert.equal(compareValues(planned('var.x'), 'a', 'string'), 'unknown');
  });

  test('a known difference decides, even beside unknown parts', () => {
    assert.equal(compareValues({ name: 'a', id: planned('x') }, { name: 'b', id: planned('x') }), 'different');
    assert.equal(compareValues({ name: 'a', id: planned('x') }, { name: 'a', id: planned('x') }), 'same');
    assert.equal(compareValues({ name: 'a', id: afterApply('r.x', 'id') }, { name: 'a', id: 'i-1' }), 'unknown');
    assert.equal(compareValues([planned('x'), 'a'], [planned('x'), 'a', 'b'], 'list(string)'), 'different');
  });

  test('sets with unknown elements have no order to pair them by', () => {
    assert.equal(compareValues(['a', planned('x')], [planned('x'), 'a'], 'set(string)'), 'unknown');
    assert.equal(compareValues(['a', planned('x')], ['a', planned('x')], 'set(string)'), 'same');
    assert.equal(compareValues(['a', afterApply('r.x', 'id')], ['a', afterApply('r.x', 'id')], 'set(string)'), 'unknown');
  });
});

describe('renderValue', () => {
  test('as a plan shows values', () => {
    assert.equal(renderValue('0777'), '"0777"');
    assert.equal(renderValue(3), '3');
    assert.equal(renderValue(4.0), '4');
    assert.equal(renderValue(1e21), '1000000000000000000000');
    assert.equal(renderValue(true), 'true');
    assert.equal(renderValue(null), 'null');
    assert.equal(renderValue(undefined), 'null');
    assert.equal(renderValue(['a', 'b']), '["a", "b"]');
    assert.equal(renderValue({ b: 'x', a: 'b', 'my key': 1 }), '{ a = "b", b = "x", "my key" = 1 }');
    assert.equal(renderValue({}), '{}');
  });

  test('unknowns: their symbol, or (known after apply) when they wait for an apply', () => {
    assert.equal(renderValue(planned('upper(var.x)')), 'upper(var.x)');
    assert.equal(renderValue(afterApply('random_id.r', 'hex')), '(known after apply)');
    assert.equal(renderValue({ id: afterApply('aws_instance.web', 'id'), name: 'web' }), '{ id = (known after apply), name = "web" }');
  });

  test('long values are cut at the limit', () => {
    const text = renderValue('x'.repeat(200));
    assert.equal(text.length, 80);
    assert.ok(text.endsWith('…'));
    assert.equal(renderValue(['abcdef'], 6), '["abc…');
  });
});
