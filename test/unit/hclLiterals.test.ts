/**
 * Differential tests of literal decoding: this parser against `hcl2-parser`, which is HashiCorp's
 * HCL (v2.10, through tmccombs/hcl2json) compiled to JavaScript with GopherJS.
 *
 * hcl2json renders a literal as its JSON value and anything else as the string "${source}"; a
 * unary minus or `!` applied to a literal it folds (`-1` → -1), and so does this parser. Numbers
 * are compared by value (JSON.parse of a big integer gives the same double as ours).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeHeredoc, decodeQuoted } from '../../core/src/terraform/hcl/decodeLiteral';
import type { HclFile, HclValue } from '../../core/src/terraform/hcl/model';
import { fixture, random, useHclParser } from './hclTestSupport';

// hcl2-parser's typings declare an untyped ambient module; its functions return Go's (value, error).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hcl2 = require('hcl2-parser') as { parseToString(input: string): [string, unknown] };

/** What HashiCorp HCL makes of a document (hcl2json's JSON), or undefined when it rejects it. */
function reference(text: string): Record<string, unknown> | undefined {
  const [json] = hcl2.parseToString(text);
  return json ? (JSON.parse(json) as Record<string, unknown>) : undefined;
}

/** Our value in hcl2json's terms. */
function asJson(value: HclValue): unknown {
  switch (value.kind) {
    case 'string':
    case 'bool':
    case 'number':
      return value.value;
    case 'null':
      return null;
    case 'tuple':
      return value.items.map((i) => asJson(i.value));
    case 'object': {
      const object: Record<string, unknown> = {};
      for (const entry of value.entries) object[entry.keyIsLiteral ? entry.key : `\${${entry.key}}`] = asJson(entry.value.value);
      return object;
    }
    case 'expression':
      return `\${${value.text}}`;
  }
}

const hcl = useHclParser();
const parse = (text: string): HclFile => hcl.parse(text);

/** A string as a readable test label. */
const show = (s: string) => JSON.stringify(s);

describe('literal decoding, differential against HashiCorp HCL (hcl2-parser)', () => {
  test('the literal corpus test/fixtures/hcl/literals.tf', () => {
    const text = fixture('literals.tf');
    const expected = reference(text);
    assert.ok(expected, 'hcl2-parser rejects the corpus');
    const file = parse(text);
    assert.deepEqual(file.errors, []);
    assert.ok(file.attributes.length >= 60, `only ${file.attributes.length} attributes`);
    assert.deepEqual(
      file.attributes.map((a) => a.name).sort(),
      Object.keys(expected)
        .filter((k) => k !== 'thing')
        .sort(),
    );
    for (const attribute of file.attributes) {
      assert.deepStrictEqual(asJson(attribute.value.value), expected[attribute.name], attribute.name);
    }
    // Every kind of literal is in the corpus, and expressions only where meant.
    const kinds = new Set(file.attributes.map((a) => a.value.value.kind));
    assert.deepEqual([...kinds].sort(), ['bool', 'expression', 'null', 'number', 'object', 'string', 'tuple']);
    assert.deepEqual(
      file.attributes.filter((a) => a.value.value.kind === 'expression').map((a) => a.name),
      ['x_paren', 'x_traversal'],
    );
  });

  test('block labels are decoded like strings but not NFC-normalised', () => {
    const text = fixture('literals.tf');
    const thing = parse(text).blocks.find((b) => b.type === 'thing')!;
    const expected = reference(text)!.thing as Record<string, Record<string, Record<string, unknown>>>;
    const [first] = Object.keys(expected);
    const [second] = Object.keys(expected[first]);
    const [third] = Object.keys(expected[first][second]);
    assert.deepEqual(thing.labels, [first, second, third]);
    assert.equal(thing.labels[1], 'e\u0301');
  });

  test('generated quoted strings: escapes, template escapes, unicode', () => {
    const next = random(1234);
    const pieces = [
      'a',
      'Z',
      ' ',
      '\t',
      '$',
      '%',
      '$$',
      '%%',
      '$${',
      '%%{',
      '}',
      '{',
      '\\n',
      '\\r',
      '\\t',
      '\\"',
      '\\\\',
      '\\u00e9',
      '\\u0301',
      '\\U0001F600',
      'é',
      'e\u0301',
      '😀',
      '日',
      '#',
      '//',
      '~',
      '\u2003',
      '\\u00',
      '\\q',
    ];
    let compared = 0;
    let rejected = 0;
    for (let i = 0; i < 150; i++) {
      let raw = '';
      const n = 1 + Math.floor(next() * 7);
      for (let k = 0; k < n; k++) raw += pieces[Math.floor(next() * pieces.length)];
      const text = `v = "${raw}"\n`;
      const expected = reference(text);
      const file = parse(text);
      const value = file.attributes[0]?.value.value;
      if (!expected) {
        // HCL rejects it (bad escape, unclosed `${`…): so must we, or at least not decode it.
        rejected++;
        assert.ok(file.errors.length > 0 || value?.kind !== 'string', `${show(raw)}: HCL rejects it, we decode ${JSON.stringify(value)}`);
        continue;
      }
      assert.ok(value, show(raw));
      if (value.kind === 'expression') continue; // a template: hcl2json re-renders it, nothing to compare
      compared++;
      assert.deepEqual(file.errors, [], show(raw));
      assert.deepStrictEqual(asJson(value), expected.v, show(raw));
    }
    assert.ok(compared > 80 && rejected > 5, `${compared} compared, ${rejected} rejected`);
  });

  test('generated heredocs, plain and indented (<<-), with tabs, blank and whitespace-only lines, unicode', () => {
    const next = random(4321);
    const indents = ['', ' ', '  ', '    ', '\t', '\t\t', ' \t', '\t ', '\u2003', '\u00a0'];
    const contents = ['x', 'hello world', '$${a}', '%%{b}', '$x', '% y', '"q"', '\\n', 'é😀', 'e\u0301', '  ', '', 'EOTX', '#c'];
    let compared = 0;
    for (let i = 0; i < 120; i++) {
      const lines: string[] = [];
      const n = Math.floor(next() * 5);
      for (let k = 0; k < n; k++) lines.push(indents[Math.floor(next() * indents.length)] + contents[Math.floor(next() * contents.length)]);
      const flush = next() < 0.6;
      const closing = indents[Math.floor(next() * 4)];
      const crlf = next() < 0.15;
      let text = `v = <<${flush ? '-' : ''}EOT\n${lines.map((l) => `${l}\n`).join('')}${closing}EOT\n`;
      if (crlf) text = text.replace(/\n/g, '\r\n');
      const expected = reference(text);
      assert.ok(expected, `hcl2-parser rejects ${show(text)}`);
      const file = parse(text);
      assert.deepEqual(file.errors, [], show(text));
      assert.deepStrictEqual(asJson(file.attributes[0].value.value), expected.v, show(text));
      compared++;
    }
    assert.equal(compared, 120);
  });

  test('generated numbers, plain, signed, with fractions and exponents', () => {
    const next = random(99);
    const digits = () => String(Math.floor(next() * 10 ** (1 + Math.floor(next() * 6))));
    const lines: string[] = [];
    for (let i = 0; i < 80; i++) {
      let n = digits();
      if (next() < 0.5) n += `.${digits()}`;
      if (next() < 0.4) n += `${next() < 0.5 ? 'e' : 'E'}${['', '+', '-'][Math.floor(next() * 3)]}${Math.floor(next() * 30)}`;
      if (next() < 0.3) n = `-${next() < 0.3 ? ' ' : ''}${n}`;
      lines.push(`n${i} = ${n}`);
    }
    const text = `${lines.join('\n')}\n`;
    const expected = reference(text)!;
    const file = parse(text);
    assert.deepEqual(file.errors, []);
    for (const attribute of file.attributes) {
      const value = attribute.value.value;
      assert.equal(value.kind, 'number', attribute.name);
      assert.equal(asJson(value), expected[attribute.name], `${attribute.name}: ${value.kind === 'number' ? value.text : ''}`);
    }
  });
});

describe('decodeLiteral', () => {
  test('invalid escapes are reported, not guessed', () => {
    assert.deepEqual(decodeQuoted('a\\qb'), { kind: 'invalid', message: 'Invalid escape sequence "\\q"', start: 1, end: 3 });
    assert.equal(decodeQuoted('\\u12').kind, 'invalid');
    assert.equal(decodeQuoted('\\uD800').kind, 'invalid');
    assert.equal(decodeQuoted('\\U00110000').kind, 'invalid');
    assert.equal(decodeQuoted('a\nb').kind, 'invalid');
    assert.deepEqual(decodeQuoted('\\u00e9\\U0001F600'), { kind: 'literal', value: 'é😀' });
  });

  test('templates are recognised the way HCL scans them', () => {
    assert.deepEqual(decodeQuoted('${x}'), { kind: 'template' });
    assert.deepEqual(decodeQuoted('%{ if x }y%{ endif }'), { kind: 'template' });
    assert.deepEqual(decodeQuoted('$$${x}'), { kind: 'literal', value: '$${x}' });
    assert.deepEqual(decodeQuoted('$$$${x}'), { kind: 'literal', value: '$$${x}' });
    assert.deepEqual(decodeQuoted('\\${x}').kind, 'invalid');
  });

  test('heredoc indentation: blank lines neither count nor lose their spaces; clusters, not code units', () => {
    assert.deepEqual(decodeHeredoc('    a\n        \n    b\n', true), { kind: 'literal', value: 'a\n        \nb\n' });
    assert.deepEqual(decodeHeredoc('  a\n\n  b\n', true), { kind: 'literal', value: 'a\n\nb\n' });
    assert.deepEqual(decodeHeredoc('\u2003\u2003Foo\n\u2003Bar\n', true), { kind: 'literal', value: '\u2003Foo\nBar\n' });
    assert.deepEqual(decodeHeredoc('  x\n', false), { kind: 'literal', value: '  x\n' });
    assert.deepEqual(decodeHeredoc('', true), { kind: 'literal', value: '' });
    assert.deepEqual(decodeHeredoc('  ${x}\n', true), { kind: 'template' });
  });
});
