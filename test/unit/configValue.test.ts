/**
 * A resource block's evaluated configuration shaped as its schema's object
 * (core/src/providerPlugin/configValue.ts), as Terraform decodes a configuration body: absent
 * attributes null, nested blocks by nesting mode, meta-arguments left out, and what the schema does
 * not have an error as Terraform words it.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConfigShapeError, configValue } from '../../core/src/providerPlugin/configValue';
import type { SchemaBlock } from '../../core/src/providerPlugin/providerSchema';
import { Unknown } from '../../core/src/terraform/evaluation/value';
import { attribute, blockType } from './schemaTestSupport';

const rule: SchemaBlock = { attributes: [attribute('port', { type: 'number' }), attribute('cidr', { type: ['list', 'string'] })], blocks: [] };
const schema: SchemaBlock = {
  attributes: [attribute('name'), attribute('id', { optional: false, computed: true }), attribute('tags', { type: ['map', 'string'] })],
  blocks: [
    blockType('rule', 'list', rule),
    blockType('member', 'set', rule),
    blockType('timeouts', 'single', { attributes: [attribute('create')], blocks: [] }, { maxItems: 1 }),
    blockType('settings', 'group', { attributes: [attribute('mode')], blocks: [blockType('inner', 'list', rule)] }),
    blockType('listener', 'map', rule),
  ],
};

describe('configValue', () => {
  test('absent attributes are null, absent blocks empty by their nesting', () => {
    assert.deepEqual(configValue(schema, { name: 'web' }), {
      name: 'web',
      id: null,
      tags: null,
      rule: [],
      member: [],
      timeouts: null,
      settings: { mode: null, inner: [] },
      listener: {},
    });
  });

  test('blocks arrive as arrays of objects and are shaped by their own schema', () => {
    const value = configValue(schema, {
      name: 'web',
      rule: [{ port: 80 }, { port: 443, cidr: ['10.0.0.0/8'] }],
      member: [{ port: 1 }],
      timeouts: [{ create: '5m' }],
      settings: [{ mode: 'fast', inner: [{ port: 9 }] }],
      listener: { http: { port: 80 } },
    });
    assert.deepEqual(value, {
      name: 'web',
      id: null,
      tags: null,
      rule: [
        { port: 80, cidr: null },
        { port: 443, cidr: ['10.0.0.0/8'] },
      ],
      member: [{ port: 1, cidr: null }],
      timeouts: { create: '5m' },
      settings: { mode: 'fast', inner: [{ port: 9, cidr: null }] },
      listener: { http: { port: 80, cidr: null } },
    });
  });

  test("meta-arguments are not the provider's", () => {
    const value = configValue(schema, {
      name: 'web',
      count: 2,
      for_each: null,
      provider: 'aws.west',
      depends_on: [],
      lifecycle: [{ create_before_destroy: true }],
      provisioner: [{}],
      connection: [{}],
    });
    assert.deepEqual(Object.keys(value as object).sort(), ['id', 'listener', 'member', 'name', 'rule', 'settings', 'tags', 'timeouts']);
  });

  test('unknowns pass through: the whole body, one block, one element', () => {
    const unknown = new Unknown('var.x', ['var.x is unknown']);
    assert.equal(configValue(schema, unknown), unknown);
    const value = configValue(schema, { rule: unknown, member: [unknown] }) as Record<string, unknown>;
    assert.equal(value.rule, unknown);
    assert.deepEqual(value.member, [unknown]);
  });

  test('protocol-6 nested attributes are completed with nulls', () => {
    const withNested: SchemaBlock = {
      attributes: [
        attribute('disk', { type: undefined, nested: { nesting: 'single', attributes: [attribute('size', { type: 'number' }), attribute('kind')] } }),
        attribute('ports', { type: undefined, nested: { nesting: 'list', attributes: [attribute('number', { type: 'number' }), attribute('name')] } }),
        attribute('labels', { type: undefined, nested: { nesting: 'map', attributes: [attribute('value')] } }),
      ],
      blocks: [],
    };
    assert.deepEqual(configValue(withNested, { disk: { size: 10 }, ports: [{ number: 80 }], labels: { a: {} } }), {
      disk: { size: 10, kind: null },
      ports: [{ number: 80, name: null }],
      labels: { a: { value: null } },
    });
    assert.throws(() => configValue(withNested, { disk: { size: 10, colour: 'red' } }), {
      message: 'disk: Incorrect attribute value type: attribute "colour" is not expected here',
    });
  });

  test('what the schema does not have is an error as Terraform reports it', () => {
    assert.throws(() => configValue(schema, { nme: 'web' }), { message: 'Unsupported argument: An argument named "nme" is not expected here.' });
    assert.throws(() => configValue(schema, { rules: [{ port: 1 }] }), { message: 'Unsupported block type: Blocks of type "rules" are not expected here.' });
    assert.throws(() => configValue(schema, { rule: [{ prot: 1 }] }), { message: 'rule[0]: Unsupported argument: An argument named "prot" is not expected here.' });
    // A meta-argument's name inside a nested block is an ordinary name there.
    assert.throws(() => configValue(schema, { rule: [{ count: 1 }] }), { message: 'rule[0]: Unsupported argument: An argument named "count" is not expected here.' });
    assert.throws(() => configValue(schema, { constructor: 'x' }), { message: 'Unsupported argument: An argument named "constructor" is not expected here.' });
  });

  test('block counts are held to the schema', () => {
    assert.throws(() => configValue(schema, { timeouts: [{}, {}] }), { message: 'timeouts: Duplicate timeouts block: Only one block of type "timeouts" is allowed.' });
    const limited: SchemaBlock = {
      attributes: [],
      blocks: [blockType('rule', 'list', rule, { minItems: 1, maxItems: 2 }), blockType('launch', 'single', rule, { minItems: 1, maxItems: 1 })],
    };
    assert.throws(() => configValue(limited, { rule: [{}, {}, {}], launch: [{}] }), { message: 'rule: Too many rule blocks: No more than 2 "rule" blocks are allowed.' });
    assert.throws(() => configValue(limited, { launch: [{}] }), { message: 'rule: Insufficient rule blocks: At least 1 "rule" blocks are required.' });
    assert.throws(() => configValue(limited, { rule: [{}] }), { message: 'launch: Missing launch block: A block of type "launch" is required here.' });
  });

  test('map blocks need their labels', () => {
    assert.throws(
      () => configValue(schema, { listener: [{ port: 80 }] }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigShapeError);
        assert.equal(error.summary, 'Missing block labels');
        assert.deepEqual(error.path, [{ attribute: 'listener' }]);
        return true;
      },
    );
  });
});
