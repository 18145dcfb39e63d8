/**
 * The plugin protocol's msgpack values (core/src/providerPlugin/ctyMsgpack.ts), byte for byte. The
 * vectors are worked out from the msgpack specification and go-cty's encoder (vmihailenco/msgpack
 * with compact integers, unknowns as extension 0, dynamic values as [type JSON, value]); each one
 * was also checked against what go-cty v1.18's msgpack.Marshal writes for the same cty value.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeCtyMsgpack, encodeCtyMsgpack } from '../../core/src/providerPlugin/ctyMsgpack';
import type { CtyType } from '../../core/src/providerPlugin/providerSchema';
import { isProviderUnknown, providerUnknown } from '../../core/src/providerPlugin/providerUnknown';
import { Unknown, type Value } from '../../core/src/terraform/evaluation/value';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const bytes = (text: string) => new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
const ascii = (text: string) => Buffer.from(text, 'utf8').toString('hex');

const RULE: CtyType = ['object', { port: 'number', cidr: ['list', 'string'] }];

describe('encodeCtyMsgpack: bytes as go-cty writes them', () => {
  test('unknown, null, bool, strings', () => {
    assert.equal(hex(encodeCtyMsgpack(new Unknown('aws_instance.a.id', ['known after apply']), 'string')), 'd40000');
    assert.equal(hex(encodeCtyMsgpack(providerUnknown(), ['list', 'string'])), 'd40000');
    assert.equal(hex(encodeCtyMsgpack(null, 'string')), 'c0');
    assert.equal(hex(encodeCtyMsgpack(true, 'bool')), 'c3');
    assert.equal(hex(encodeCtyMsgpack('a', 'string')), 'a161');
    // 40 bytes: past fixstr's 31, so str8.
    const forty = '0123456789012345678901234567890123456789';
    assert.equal(hex(encodeCtyMsgpack(forty, 'string')), 'd928' + ascii(forty));
    assert.equal(hex(encodeCtyMsgpack('é', 'string')), 'a2c3a9');
  });

  test('integers in the smallest form that holds them', () => {
    const cases: [number, string][] = [
      [0, '00'],
      [127, '7f'],
      [128, 'cc80'],
      [255, 'ccff'],
      [256, 'cd0100'],
      [65535, 'cdffff'],
      [65536, 'ce00010000'],
      [4294967295, 'ceffffffff'],
      [4294967296, 'cf0000000100000000'],
      [-1, 'ff'],
      [-32, 'e0'],
      [-33, 'd0df'],
      [-128, 'd080'],
      [-129, 'd1ff7f'],
      [-32768, 'd18000'],
      [-32769, 'd2ffff7fff'],
      [-2147483648, 'd280000000'],
      [-2147483649, 'd3ffffffff7fffffff'],
      [1e18, 'cf0de0b6b3a7640000'],
      // Past 2^53 a double stands for the decimal it is written as: 2^60 is 1152921504606847000.
      [2 ** 60, 'cf1000000000000018'],
      [-1e18, 'd3f21f494c589c0000'],
    ];
    for (const [value, expected] of cases) assert.equal(hex(encodeCtyMsgpack(value, 'number')), expected, String(value));
  });

  test('a float64 where the decimal is exactly one, else the decimal text (big and precise numbers)', () => {
    assert.equal(hex(encodeCtyMsgpack(0.5, 'number')), 'cb3fe0000000000000');
    assert.equal(hex(encodeCtyMsgpack(1.5, 'number')), 'cb3ff8000000000000');
    assert.equal(hex(encodeCtyMsgpack(-2.25, 'number')), 'cbc002000000000000');
    assert.equal(hex(encodeCtyMsgpack(Infinity, 'number')), 'cb7ff0000000000000');
    // 0.1 and 3.14159 are no float64: cty sends their text.
    assert.equal(hex(encodeCtyMsgpack(0.1, 'number')), 'a3' + ascii('0.1'));
    assert.equal(hex(encodeCtyMsgpack(3.14159, 'number')), 'a7' + ascii('3.14159'));
    assert.equal(hex(encodeCtyMsgpack(0.0000001, 'number')), 'a9' + ascii('0.0000001'));
    // Past int64: text.
    assert.equal(hex(encodeCtyMsgpack(1e19, 'number')), 'b4' + ascii('10000000000000000000'));
    assert.equal(hex(encodeCtyMsgpack(1e20, 'number')), 'b5' + ascii('100000000000000000000'));
    assert.equal(hex(encodeCtyMsgpack(2 ** 64, 'number')), 'b4' + ascii('18446744073709552000'));
  });

  test('a dynamic value is [type JSON as bin, value]; its null and its unknown are bare', () => {
    assert.equal(hex(encodeCtyMsgpack('a', 'dynamic')), '92' + 'c408' + ascii('"string"') + 'a161');
    const tupleType = '["tuple",["number","string"]]';
    assert.equal(hex(encodeCtyMsgpack([1, 'x'], 'dynamic')), '92' + 'c41d' + ascii(tupleType) + '92' + '01' + 'a178');
    // Inside, a null attribute has type dynamic; names are escaped as Go escapes them, and in byte order.
    const objectType = '["object",{"a":"dynamic","b\\u003c":"bool"}]';
    assert.equal(hex(encodeCtyMsgpack({ 'b<': true, a: null }, 'dynamic')), '92' + 'c42b' + ascii(objectType) + '82' + 'a161c0' + 'a2623c' + 'c3');
    assert.equal(hex(encodeCtyMsgpack(null, 'dynamic')), 'c0');
    assert.equal(hex(encodeCtyMsgpack(new Unknown('var.x', []), 'dynamic')), 'd40000');
  });

  test('a list of objects: attributes in name order, unknown and null inside', () => {
    const value = [
      { port: 443, cidr: ['10.0.0.0/8'] },
      { port: new Unknown('var.port', ['var.port is unknown']), cidr: null },
    ];
    const expected = [
      '92',
      '82',
      'a4' + ascii('cidr') + '91' + 'aa' + ascii('10.0.0.0/8'),
      'a4' + ascii('port') + 'cd01bb',
      '82',
      'a4' + ascii('cidr') + 'c0',
      'a4' + ascii('port') + 'd40000',
    ].join('');
    assert.equal(hex(encodeCtyMsgpack(value, ['list', RULE])), expected);
  });

  test('sets in cty order, maps by key bytes, tuples, the empty object', () => {
    assert.equal(hex(encodeCtyMsgpack(['b', 'a', 'c'], ['set', 'string'])), '93a161a162a163');
    assert.equal(hex(encodeCtyMsgpack([10, 2, -1], ['set', 'number'])), '93ff020a');
    // A tuple converted to a set loses its duplicate.
    assert.equal(hex(encodeCtyMsgpack(['b', 'a', 'b'], ['set', 'string'])), '92a161a162');
    // "10" before "9" before "a": byte order, whatever order a JavaScript object keeps them in.
    assert.equal(hex(encodeCtyMsgpack({ a: 3, 9: 2, 10: 1 }, ['map', 'number'])), '83' + 'a2313001' + 'a13902' + 'a16103');
    assert.equal(hex(encodeCtyMsgpack(['a', false], ['tuple', ['string', 'bool']])), '92a161c2');
    assert.equal(hex(encodeCtyMsgpack({}, ['object', {}])), '80');
  });

  test('converting as it encodes: numbers to strings, strings to numbers and bools, absent attributes null', () => {
    assert.equal(hex(encodeCtyMsgpack(12, 'string')), 'a23132');
    assert.equal(hex(encodeCtyMsgpack('12.5', 'number')), 'cb4029000000000000');
    assert.equal(hex(encodeCtyMsgpack('1', 'bool')), 'c3');
    assert.equal(hex(encodeCtyMsgpack({}, ['object', { a: 'bool' }])), '81a161c0');
  });

  test('long arrays and maps take the 16-bit headers', () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => i);
    assert.equal(hex(encodeCtyMsgpack(sixteen, ['list', 'number'])), 'dc0010' + sixteen.map((i) => i.toString(16).padStart(2, '0')).join(''));
    const map = Object.fromEntries(sixteen.map((i) => [String.fromCharCode(97 + i), true]));
    assert.equal(hex(encodeCtyMsgpack(map, ['map', 'bool'])), 'de0010' + sixteen.map((i) => 'a1' + (97 + i).toString(16) + 'c3').join(''));
  });

  test('a value that cannot convert is an error with its path', () => {
    const type: CtyType = ['object', { rule: ['list', RULE] }];
    assert.throws(() => encodeCtyMsgpack({ rule: [{ port: 'abc' }] }, type), { message: 'rule[0].port: a number is required, got "abc"' });
    assert.throws(() => encodeCtyMsgpack({ rule: [], nme: 'x' }, type), { message: 'unsupported attribute "nme"' });
  });
});

describe('decodeCtyMsgpack', () => {
  test('the vectors read back', () => {
    assert.equal(decodeCtyMsgpack(bytes('a161'), 'string'), 'a');
    assert.equal(decodeCtyMsgpack(bytes('c0'), ['list', 'string']), null);
    assert.equal(decodeCtyMsgpack(bytes('d0df'), 'number'), -33);
    assert.equal(decodeCtyMsgpack(bytes('cf1000000000000000'), 'number'), 2 ** 60);
    assert.equal(decodeCtyMsgpack(bytes('d3ffffffff7fffffff'), 'number'), -2147483649);
    assert.equal(decodeCtyMsgpack(bytes('cb3fb999999999999a'), 'number'), 0.1);
    assert.equal(decodeCtyMsgpack(bytes('ca3fc00000'), 'number'), 1.5);
    assert.equal(decodeCtyMsgpack(bytes('a3' + ascii('0.1')), 'number'), 0.1);
    assert.equal(decodeCtyMsgpack(bytes('b5' + ascii('100000000000000000000')), 'number'), 1e20);
    assert.deepEqual(decodeCtyMsgpack(bytes('92c41d' + ascii('["tuple",["number","string"]]') + '9201a178'), 'dynamic'), [1, 'x']);
    assert.equal(decodeCtyMsgpack(bytes('c0'), 'dynamic'), null);
  });

  test('unknowns, plain and refined as go-cty writes them, are the provider unknown', () => {
    const unknowns = [
      'd40000', // extension 0, one zero byte
      'c7030c8101c2', // refined: not null
      'd60c8102a161', // refined: not null, prefix "a"
      'c7050c8201c20501', // refined collection: not null, at least one element
      'c7070c8201c2039200c3', // refined number: not null, at least 0
      'c70000', // a zero-length extension
    ];
    for (const vector of unknowns) {
      const value = decodeCtyMsgpack(bytes(vector), 'string');
      assert.ok(isProviderUnknown(value), vector);
      assert.deepEqual(value, new Unknown('(known after apply)', ['known after apply']));
    }
    assert.ok(isProviderUnknown(decodeCtyMsgpack(bytes('d40000'), 'dynamic')));
    assert.equal(isProviderUnknown(new Unknown('aws_instance.a.id', ['known after apply'])), false);
  });

  test('a list of objects with an unknown inside', () => {
    const vector = '9282a46369647291aa31302e302e302e302f38a4706f7274cd01bb82a463696472c0a4706f7274d40000';
    assert.deepEqual(decodeCtyMsgpack(bytes(vector), ['list', RULE]), [
      { cidr: ['10.0.0.0/8'], port: 443 },
      { cidr: null, port: providerUnknown() },
    ]);
  });

  test('object attributes the bytes leave out are null', () => {
    assert.deepEqual(decodeCtyMsgpack(bytes('81a4' + ascii('port') + '01'), RULE), { port: 1, cidr: null });
  });

  test('what does not fit the type is an error with its path', () => {
    assert.throws(() => decodeCtyMsgpack(bytes('91' + '81a4' + ascii('port') + 'a3616263'), ['list', RULE]), { message: '[0].port: a number is required, got "abc"' });
    assert.throws(() => decodeCtyMsgpack(bytes('81a4' + ascii('prot') + '01'), RULE), { message: 'prot: unsupported attribute' });
    assert.throws(() => decodeCtyMsgpack(bytes('01'), 'string'), { message: 'a string is required, got 1' });
    assert.throws(() => decodeCtyMsgpack(bytes('a161'), ['list', 'string']), { message: 'a list of string is required, got "a"' });
    assert.throws(() => decodeCtyMsgpack(bytes('d5050102'), 'string'), { message: 'unsupported msgpack extension type 5 with 2 bytes' });
    assert.throws(() => decodeCtyMsgpack(bytes('91a161'), 'dynamic'), { message: 'a dynamic value must be a two-element array of its type and its value' });
    assert.throws(() => decodeCtyMsgpack(bytes('92c405' + ascii('"str"') + 'a161'), 'dynamic'), {
      message: 'a dynamic value\'s type is not one: type: invalid primitive type name "str"',
    });
    assert.throws(() => decodeCtyMsgpack(bytes('81'), ['map', 'string']), /^Error: the value is not valid msgpack: /);
    assert.throws(() => decodeCtyMsgpack(bytes('8101a161'), ['map', 'string']), /^Error: the value is not valid msgpack: .*a map key must be a string/);
  });
});

describe('round trips', () => {
  const cases: [string, Value, CtyType][] = [
    ['string', 'hello, wörld', 'string'],
    ['numbers', [0, -1, 1.5, 0.1, 123456789, -(2 ** 40), 1e20, 3.14159], ['list', 'number']],
    ['set of strings', ['a', 'b'], ['set', 'string']],
    ['map', { Name: 'web', Env: 'prod' }, ['map', 'string']],
    [
      'nested list of objects',
      [
        { port: 443, cidr: ['10.0.0.0/8', '192.168.0.0/16'] },
        { port: 80, cidr: [] },
      ],
      ['list', RULE],
    ],
    ['dynamic object', { a: [1, 'x', true], b: { c: null } }, 'dynamic'],
    ['tuple', ['a', 2, false], ['tuple', ['string', 'number', 'bool']]],
    ['object with null and unknown', { port: providerUnknown(), cidr: null }, RULE],
  ];
  for (const [name, value, type] of cases) {
    test(name, () => assert.deepEqual(decodeCtyMsgpack(encodeCtyMsgpack(value, type), type), value));
  }

  test("any unknown comes back as the provider's", () => {
    const back = decodeCtyMsgpack(encodeCtyMsgpack({ port: new Unknown('var.port', ['x']), cidr: ['a'] }, RULE), RULE);
    assert.deepEqual(back, { port: providerUnknown(), cidr: ['a'] });
  });
});
