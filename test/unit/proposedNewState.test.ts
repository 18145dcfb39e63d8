/**
 * The proposed new state (core/src/providerPlugin/proposedNewState.ts), case by case as Terraform
 * core's ProposedNew merges prior state and configuration: computed attributes kept, nested blocks
 * and protocol-6 nested attributes by nesting mode, set elements paired as Terraform pairs them, and
 * a create.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { NestedAttributes, NestedBlockSchema, NestingMode, SchemaAttribute, SchemaBlock } from '../../core/src/providerPlugin/providerSchema';
import { emptyBlockValue, proposedNewState } from '../../core/src/providerPlugin/proposedNewState';
import { Unknown } from '../../core/src/terraform/evaluation/value';

type Flags = Partial<Omit<SchemaAttribute, 'name'>>;
const attribute = (name: string, flags: Flags = {}): SchemaAttribute => ({
  name,
  type: 'string',
  required: false,
  optional: false,
  computed: false,
  sensitive: false,
  writeOnly: false,
  ...flags,
});
const optional = (name: string, flags: Flags = {}) => attribute(name, { optional: true, ...flags });
const required = (name: string, flags: Flags = {}) => attribute(name, { required: true, ...flags });
const computed = (name: string, flags: Flags = {}) => attribute(name, { computed: true, ...flags });
const optionalComputed = (name: string, flags: Flags = {}) => attribute(name, { optional: true, computed: true, ...flags });
const nested = (nesting: NestedAttributes['nesting'], attributes: SchemaAttribute[]): Flags => ({ type: undefined, nested: { nesting, attributes } });
const blockType = (typeName: string, nesting: NestingMode, block: SchemaBlock): NestedBlockSchema => ({ typeName, nesting, block, minItems: 0, maxItems: 0 });
const block = (attributes: SchemaAttribute[], blocks: NestedBlockSchema[] = []): SchemaBlock => ({ attributes, blocks });

const unknown = new Unknown('var.x', ['var.x is unknown']);

describe('proposedNewState: attributes', () => {
  const schema = block([required('name'), optional('description'), computed('id'), optionalComputed('zone'), optional('secret', { writeOnly: true, sensitive: true })]);

  test('computed attributes the configuration leaves null keep their prior values, optional+computed too', () => {
    const prior = { name: 'a', description: 'old', id: 'i-1', zone: 'eu-1a', secret: null };
    const config = { name: 'b', description: null, id: null, zone: null, secret: null };
    assert.deepEqual(proposedNewState(schema, prior, config), { name: 'b', description: null, id: 'i-1', zone: 'eu-1a', secret: null });
  });

  test('an optional+computed attribute that is configured takes the configuration', () => {
    const prior = { name: 'a', description: null, id: 'i-1', zone: 'eu-1a', secret: null };
    const config = { name: 'a', description: null, id: null, zone: 'eu-1b', secret: null };
    assert.deepEqual(proposedNewState(schema, prior, config), { name: 'a', description: null, id: 'i-1', zone: 'eu-1b', secret: null });
  });

  test('unknown configuration stays unknown, even where the attribute is computed', () => {
    const prior = { name: 'a', description: null, id: 'i-1', zone: 'eu-1a', secret: null };
    const config = { name: unknown, description: null, id: null, zone: unknown, secret: null };
    assert.deepEqual(proposedNewState(schema, prior, config), { name: unknown, description: null, id: 'i-1', zone: unknown, secret: null });
  });

  test('a write-only attribute is proposed as configured (Terraform leaves nulling it to the provider)', () => {
    const prior = { name: 'a', description: null, id: 'i-1', zone: 'eu-1a', secret: null };
    const config = { name: 'a', description: null, id: null, zone: null, secret: 'hunter2' };
    assert.deepEqual(proposedNewState(schema, prior, config), { name: 'a', description: null, id: 'i-1', zone: 'eu-1a', secret: 'hunter2' });
  });

  test('a create: the prior is the empty object, so computed attributes are null (the provider plans them unknown)', () => {
    const config = { name: 'a', description: null, id: null, zone: null, secret: null };
    assert.deepEqual(proposedNewState(schema, null, config), config);
  });

  test('nothing prior and nothing configured is null; a destroy keeps the prior', () => {
    assert.equal(proposedNewState(schema, null, null), null);
    const prior = { name: 'a', description: null, id: 'i-1', zone: 'eu-1a', secret: null };
    assert.deepEqual(proposedNewState(schema, prior, null), prior);
  });
});

describe('proposedNewState: nested blocks', () => {
  const rule = block([optional('port', { type: 'number' }), computed('rule_id'), optionalComputed('protocol')]);

  test('list blocks pair by index; a configured element with no prior is taken as configured', () => {
    const schema = block([], [blockType('rule', 'list', rule)]);
    const prior = {
      rule: [
        { port: 80, rule_id: 'r1', protocol: 'tcp' },
        { port: 443, rule_id: 'r2', protocol: 'udp' },
      ],
    };
    const config = {
      rule: [
        { port: 8080, rule_id: null, protocol: null },
        { port: 443, rule_id: null, protocol: 'tcp' },
        { port: 22, rule_id: null, protocol: null },
      ],
    };
    assert.deepEqual(proposedNewState(schema, prior, config), {
      rule: [
        { port: 8080, rule_id: 'r1', protocol: 'tcp' },
        { port: 443, rule_id: 'r2', protocol: 'tcp' },
        { port: 22, rule_id: null, protocol: null },
      ],
    });
  });

  test('fewer list blocks than before: the configuration decides how many', () => {
    const schema = block([], [blockType('rule', 'list', rule)]);
    const prior = {
      rule: [
        { port: 80, rule_id: 'r1', protocol: 'tcp' },
        { port: 443, rule_id: 'r2', protocol: 'tcp' },
      ],
    };
    assert.deepEqual(proposedNewState(schema, prior, { rule: [] }), { rule: [] });
    assert.deepEqual(proposedNewState(schema, prior, { rule: [{ port: 80, rule_id: null, protocol: null }] }), { rule: [{ port: 80, rule_id: 'r1', protocol: 'tcp' }] });
  });

  test('map blocks pair by key', () => {
    const schema = block([], [blockType('listener', 'map', rule)]);
    const prior = { listener: { http: { port: 80, rule_id: 'r1', protocol: 'tcp' } } };
    const config = { listener: { http: { port: 81, rule_id: null, protocol: null }, https: { port: 443, rule_id: null, protocol: null } } };
    assert.deepEqual(proposedNewState(schema, prior, config), {
      listener: { http: { port: 81, rule_id: 'r1', protocol: 'tcp' }, https: { port: 443, rule_id: null, protocol: null } },
    });
  });

  test('set blocks: each configured element takes the first prior element that differs only in computed attributes it leaves null', () => {
    const schema = block([], [blockType('ingress', 'set', rule)]);
    const prior = {
      ingress: [
        { port: 80, rule_id: 'r1', protocol: 'tcp' },
        { port: 443, rule_id: 'r2', protocol: 'tcp' },
      ],
    };
    const config = {
      ingress: [
        { port: 443, rule_id: null, protocol: null },
        // The protocol is configured and differs: no prior element could have come from this one.
        { port: 80, rule_id: null, protocol: 'udp' },
        { port: 22, rule_id: null, protocol: null },
      ],
    };
    assert.deepEqual(proposedNewState(schema, prior, config), {
      ingress: [
        { port: 443, rule_id: 'r2', protocol: 'tcp' },
        { port: 80, rule_id: null, protocol: 'udp' },
        { port: 22, rule_id: null, protocol: null },
      ],
    });
  });

  test('set blocks: a prior element is used once', () => {
    const schema = block([], [blockType('ingress', 'set', block([computed('id'), optional('note')]))]);
    const prior = { ingress: [{ id: 'a', note: null }] };
    const config = {
      ingress: [
        { id: null, note: null },
        { id: null, note: 'x' },
      ],
    };
    assert.deepEqual(proposedNewState(schema, prior, config), {
      ingress: [
        { id: 'a', note: null },
        { id: null, note: 'x' },
      ],
    });
  });

  test('set blocks: elements holding nested blocks pair when those are equal, a nested set only as a whole', () => {
    const inner = block([optional('value'), computed('hash')]);
    const outer = block([optional('name'), computed('id')], [blockType('item', 'list', inner), blockType('tag', 'set', block([optional('key')]))]);
    const schema = block([], [blockType('group', 'set', outer)]);
    const prior = {
      group: [
        { name: 'a', id: 'g1', item: [{ value: 'v', hash: 'h1' }], tag: [{ key: 'k' }] },
        { name: 'b', id: 'g2', item: [{ value: 'w', hash: 'h2' }], tag: [{ key: 'k' }] },
      ],
    };
    const config = {
      group: [
        { name: 'a', id: null, item: [{ value: 'v', hash: null }], tag: [{ key: 'k' }] },
        // The nested set differs: this is not the prior "b".
        { name: 'b', id: null, item: [{ value: 'w', hash: null }], tag: [{ key: 'other' }] },
      ],
    };
    assert.deepEqual(proposedNewState(schema, prior, config), {
      group: [
        { name: 'a', id: 'g1', item: [{ value: 'v', hash: 'h1' }], tag: [{ key: 'k' }] },
        { name: 'b', id: null, item: [{ value: 'w', hash: null }], tag: [{ key: 'other' }] },
      ],
    });
  });

  test('single blocks: absent is null, present merges with the prior; a group is always merged', () => {
    const schema = block([], [blockType('timeouts', 'single', rule), blockType('settings', 'group', rule)]);
    const prior = { timeouts: { port: 1, rule_id: 't', protocol: 'p' }, settings: { port: 2, rule_id: 's', protocol: 'q' } };
    assert.deepEqual(proposedNewState(schema, prior, { timeouts: null, settings: { port: null, rule_id: null, protocol: null } }), {
      timeouts: null,
      settings: { port: null, rule_id: 's', protocol: 'q' },
    });
    assert.deepEqual(proposedNewState(schema, prior, { timeouts: { port: 5, rule_id: null, protocol: null }, settings: { port: 2, rule_id: null, protocol: null } }), {
      timeouts: { port: 5, rule_id: 't', protocol: 'p' },
      settings: { port: 2, rule_id: 's', protocol: 'q' },
    });
  });

  test('a create with nested blocks: configured blocks as configured, absent ones empty', () => {
    const schema = block([computed('id')], [blockType('rule', 'list', rule), blockType('timeouts', 'single', rule), blockType('settings', 'group', rule)]);
    const config = { id: null, rule: [{ port: 80, rule_id: null, protocol: null }], timeouts: null, settings: { port: null, rule_id: null, protocol: null } };
    assert.deepEqual(proposedNewState(schema, null, config), config);
    assert.deepEqual(emptyBlockValue(schema), { id: null, rule: [], timeouts: null, settings: { port: null, rule_id: null, protocol: null } });
  });

  test('a block value left unknown by a dynamic block stays unknown', () => {
    const schema = block([], [blockType('rule', 'list', rule)]);
    assert.deepEqual(proposedNewState(schema, { rule: [{ port: 1, rule_id: 'r', protocol: 'p' }] }, { rule: unknown }), { rule: unknown });
  });
});

describe('proposedNewState: protocol-6 nested attributes', () => {
  const disk = [optional('size', { type: 'number' }), computed('device'), optionalComputed('kind')];

  test('a single nested attribute merges its computed attributes', () => {
    const schema = block([optional('disk', nested('single', disk))]);
    const prior = { disk: { size: 10, device: '/dev/sda', kind: 'ssd' } };
    assert.deepEqual(proposedNewState(schema, prior, { disk: { size: 20, device: null, kind: null } }), { disk: { size: 20, device: '/dev/sda', kind: 'ssd' } });
    assert.deepEqual(proposedNewState(schema, prior, { disk: null }), { disk: null });
  });

  test('list, map and set nested attributes merge like blocks of their nesting', () => {
    const schema = block([optional('list', nested('list', disk)), optional('map', nested('map', disk)), optional('set', nested('set', disk))]);
    const element = (size: number, device: string | null, kind: string | null) => ({ size, device, kind });
    const prior = { list: [element(1, 'a', 'ssd')], map: { x: element(2, 'b', 'hdd') }, set: [element(3, 'c', 'ssd'), element(4, 'd', 'ssd')] };
    const config = {
      list: [element(9, null, null), element(8, null, null)],
      map: { x: element(2, null, null), y: element(7, null, null) },
      set: [element(4, null, null)],
    };
    assert.deepEqual(proposedNewState(schema, prior, config), {
      list: [element(9, 'a', 'ssd'), element(8, null, null)],
      map: { x: element(2, 'b', 'hdd'), y: element(7, null, null) },
      set: [element(4, 'd', 'ssd')],
    });
  });

  test('an optional+computed nested attribute left null: kept while its prior holds only computed values, null once it held configured ones', () => {
    const schema = block([optionalComputed('disk', nested('single', disk))]);
    assert.deepEqual(proposedNewState(schema, { disk: { size: null, device: '/dev/sda', kind: 'ssd' } }, { disk: null }), {
      disk: { size: null, device: '/dev/sda', kind: 'ssd' },
    });
    assert.deepEqual(proposedNewState(schema, { disk: { size: 10, device: '/dev/sda', kind: 'ssd' } }, { disk: null }), { disk: null });
  });

  test('nested attributes inside nested attributes', () => {
    const schema = block([optional('outer', nested('list', [optional('name'), optional('inner', nested('single', disk))]))]);
    const prior = { outer: [{ name: 'a', inner: { size: 1, device: 'd', kind: 'k' } }] };
    const config = { outer: [{ name: 'b', inner: { size: 1, device: null, kind: null } }] };
    assert.deepEqual(proposedNewState(schema, prior, config), { outer: [{ name: 'b', inner: { size: 1, device: 'd', kind: 'k' } }] });
  });

  test('a set nested attribute pairs through nested list attributes', () => {
    const schema = block([optional('set', nested('set', [optional('name'), optional('parts', nested('list', disk))]))]);
    const prior = { set: [{ name: 'a', parts: [{ size: 1, device: 'd1', kind: 'k' }] }] };
    const config = { set: [{ name: 'a', parts: [{ size: 1, device: null, kind: null }] }] };
    assert.deepEqual(proposedNewState(schema, prior, config), prior);
    // A configured attribute differs inside: no pairing.
    const changed = { set: [{ name: 'a', parts: [{ size: 2, device: null, kind: null }] }] };
    assert.deepEqual(proposedNewState(schema, prior, changed), changed);
  });
});
