/**
 * The syntax tree of every expression value (`HclValue` of kind `expression`), built from real HCL
 * through HclParser: each construct, HCL's precedence and associativity where tree-sitter's tree
 * differs, templates with directives and strip markers (differential against HashiCorp HCL through
 * `hcl2-parser` where the template holds only literals), and `unsupported` for what HCL rejects
 * or a syntax error breaks.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Parser as TsParser } from 'web-tree-sitter';
import type { Expression, TemplatePart } from '../../core/src/terraform/hcl/expression';
import { LineIndex } from '../../core/src/terraform/hcl/lineIndex';
import type { HclValue, SourceRange } from '../../core/src/terraform/hcl/model';
import { BAIL, buildModel } from '../../core/src/terraform/hcl/modelBuilder';
import type { NodeTypeIds } from '../../core/src/terraform/hcl/nodeTypes';
import { findAttribute, findBlock, positionOf, textAt, useHclParser } from './hclTestSupport';

// hcl2-parser's typings declare an untyped ambient module; its functions return Go's (value, error).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hcl2 = require('hcl2-parser') as { parseToString(input: string): [string, unknown] };

const hcl = useHclParser();

/** The syntax tree of `v = <source>`, which must parse without errors. */
function treeOf(source: string): Expression {
  const text = `v = ${source}\n`;
  const file = hcl.parse(text);
  assert.deepEqual(file.errors, [], source);
  const value = file.attributes[0].value;
  assert.equal(value.value.kind, 'expression', `${source} should be an expression`);
  const expression = expressionOf(value.value);
  assert.deepEqual(expression.range, value.range, 'the tree spans the value');
  assertRangesInside(text, expression);
  return expression;
}

function expressionOf(value: HclValue): Expression {
  if (value.kind !== 'expression') throw new Error(`not an expression: ${JSON.stringify(value)}`);
  return value.expression;
}

/** Every range in the tree covers text of the document, nested ones inside their parent's. */
function assertRangesInside(text: string, node: unknown, parent?: SourceRange): void {
  if (Array.isArray(node)) {
    for (const item of node) assertRangesInside(text, item, parent);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const range = (node as { range?: SourceRange }).range;
  if (range) {
    const text_ = textAt(text, range);
    assert.ok(text_.length > 0 || (node as Expression).type === 'unsupported', `empty range for ${JSON.stringify(node)}`);
    if (parent) assert.ok(textAt(text, { start: parent.start, end: range.end }).includes(text_), `${text_} outside its parent`);
  }
  for (const [key, value] of Object.entries(node)) if (key !== 'range') assertRangesInside(text, value, range ?? parent);
}

/** The tree without its ranges, for comparing shapes. */
function shape(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(shape);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key]) => key !== 'range')
      .map(([key, value]) => [key, shape(value)]),
  );
}

const shapeOf = (source: string) => shape(treeOf(source));

// Shapes, written short.
const lit = (value: string | number | boolean | null) => ({ type: 'literal', value });
const attr = (name: string) => ({ kind: 'attr', name });
const index = (key: unknown) => ({ kind: 'index', key });
const ref = (root: string, ...steps: unknown[]) => ({ type: 'traversal', root, steps });
const bin = (left: unknown, operator: string, right: unknown) => ({ type: 'binary', operator, left, right });
const cond = (condition: unknown, then: unknown, otherwise: unknown) => ({ type: 'conditional', condition, then, else: otherwise });
const call = (name: string, args: unknown[], expandFinal = false) => ({ type: 'call', name, args, expandFinal });
const unsupported = (text: string) => ({ type: 'unsupported', text });
const template = (...parts: unknown[]) => ({ type: 'template', parts });
const text = (value: string) => ({ kind: 'literal', value });
const interpolation = (expression: unknown) => ({ kind: 'interpolation', expression });

describe('HCL expression trees: terms', () => {
  test('literals inside expressions decode as the model decodes them', () => {
    assert.deepEqual(
      shapeOf('f(1, 1.5e3, 12345678901234567890, "a\\n\\u00e9", true, false, null)'),
      call('f', [lit(1), lit(1500), lit(12345678901234567890), lit('a\né'), lit(true), lit(false), lit(null)]),
    );
    assert.deepEqual(shapeOf('f(<<EOT\n  x\nEOT\n, <<-EOT\n    y\n      z\n    EOT\n)'), call('f', [lit('  x\n'), lit('y\n  z\n')]));
    assert.deepEqual(shapeOf('f("$${x}", "%%{y}")'), call('f', [lit('${x}'), lit('%{y}')]));
  });

  test('traversals: attributes, [index] with any key, legacy .0 index', () => {
    assert.deepEqual(shapeOf('var.a'), ref('var', attr('a')));
    assert.deepEqual(shapeOf('aws_instance.web[0].id'), ref('aws_instance', attr('web'), index(lit(0)), attr('id')));
    assert.deepEqual(shapeOf('local.m[var.k]["x"]'), ref('local', attr('m'), index(ref('var', attr('k'))), index(lit('x'))));
    assert.deepEqual(shapeOf('a.0.b'), ref('a', index(lit(0)), attr('b')));
    const tree = treeOf('a.12.b');
    assert.equal(tree.type, 'traversal');
    if (tree.type === 'traversal' && tree.steps[0].kind === 'index') assert.equal(textAt('v = a.12.b\n', tree.steps[0].key.range), '12');
    assert.deepEqual(shapeOf('each.value'), ref('each', attr('value')));
  });

  test('relative traversals after a call, a parenthesis, a collection', () => {
    assert.deepEqual(shapeOf('f(x)[0].y'), { type: 'relative', target: call('f', [ref('x')]), steps: [index(lit(0)), attr('y')] });
    assert.deepEqual(shapeOf('(a).b'), { type: 'relative', target: { type: 'parenthesis', inner: ref('a') }, steps: [attr('b')] });
    assert.deepEqual(shapeOf('[1, 2][0]'), { type: 'relative', target: { type: 'tuple', items: [lit(1), lit(2)] }, steps: [index(lit(0))] });
    const tree = treeOf('(a).b');
    assert.equal(textAt('v = (a).b\n', tree.type === 'relative' ? tree.target.range : tree.range), '(a)');
  });

  test('function calls: arguments, a final `...`, provider functions', () => {
    assert.deepEqual(shapeOf('f()'), call('f', []));
    assert.deepEqual(shapeOf('concat(a, b...)'), call('concat', [ref('a'), ref('b')], true));
    assert.deepEqual(shapeOf('provider::aws::arn_parse(var.arn)'), call('provider::aws::arn_parse', [ref('var', attr('arn'))]));
    assert.deepEqual(shapeOf('max(1, 2,)'), call('max', [lit(1), lit(2)]));
  });

  test('splats: full with the steps after it, attribute-only up to the first [index]', () => {
    assert.deepEqual(shapeOf('aws_instance.web[*].id'), { type: 'splat', target: ref('aws_instance', attr('web')), each: [attr('id')], full: true });
    assert.deepEqual(shapeOf('a[*].b[0].c'), { type: 'splat', target: ref('a'), each: [attr('b'), index(lit(0)), attr('c')], full: true });
    assert.deepEqual(shapeOf('a.*.b.0'), { type: 'splat', target: ref('a'), each: [attr('b'), index(lit(0))], full: false });
    // HCL's attribute-only splat ends at `[`: the index applies to its result.
    assert.deepEqual(shapeOf('a.*.b[0].c'), {
      type: 'relative',
      target: { type: 'splat', target: ref('a'), each: [attr('b')], full: false },
      steps: [index(lit(0)), attr('c')],
    });
    assert.deepEqual(shapeOf('a.*.b[*].c'), {
      type: 'splat',
      target: { type: 'splat', target: ref('a'), each: [attr('b')], full: false },
      each: [attr('c')],
      full: true,
    });
    assert.deepEqual(shapeOf('f(x)[*]'), { type: 'splat', target: call('f', [ref('x')]), each: [], full: true });
    const source = 'a.*.b[0].c';
    const tree = treeOf(source);
    if (tree.type === 'relative') assert.equal(textAt(`v = ${source}\n`, tree.target.range), 'a.*.b');
  });

  test('splats inside splats and for expressions inside for expressions', () => {
    assert.deepEqual(shapeOf('[for s in var.subnets : [for r in s.routes : r.cidr]]'), {
      type: 'for',
      result: 'tuple',
      valueVar: 's',
      collection: ref('var', attr('subnets')),
      value: { type: 'for', result: 'tuple', valueVar: 'r', collection: ref('s', attr('routes')), value: ref('r', attr('cidr')), grouping: false },
      grouping: false,
    });
    assert.deepEqual(shapeOf('[for s in var.subnets : s.ids[*].id]'), {
      type: 'for',
      result: 'tuple',
      valueVar: 's',
      collection: ref('var', attr('subnets')),
      value: { type: 'splat', target: ref('s', attr('ids')), each: [attr('id')], full: true },
      grouping: false,
    });
    // A splat after a full splat would be nested in its steps (HCL reads `a[*].b[*].c` so), which the tree cannot hold.
    assert.deepEqual(shapeOf('a[*].b[*].c'), unsupported('a[*].b[*].c'));
    assert.deepEqual(shapeOf('f(a[*].b[*].c, 1)'), call('f', [unsupported('a[*].b[*].c'), lit(1)]));
  });
});

describe('HCL expression trees: operators', () => {
  test('precedence: * / % over + - over comparisons over == != over && over ||', () => {
    assert.deepEqual(shapeOf('1 + 2 * 3'), bin(lit(1), '+', bin(lit(2), '*', lit(3))));
    assert.deepEqual(shapeOf('1 * 2 + 3'), bin(bin(lit(1), '*', lit(2)), '+', lit(3)));
    assert.deepEqual(shapeOf('a || b && c'), bin(ref('a'), '||', bin(ref('b'), '&&', ref('c'))));
    assert.deepEqual(shapeOf('a && b || c'), bin(bin(ref('a'), '&&', ref('b')), '||', ref('c')));
    assert.deepEqual(shapeOf('a == b < c'), bin(ref('a'), '==', bin(ref('b'), '<', ref('c'))));
    assert.deepEqual(shapeOf('x % 2 == 0 && y >= 1'), bin(bin(bin(ref('x'), '%', lit(2)), '==', lit(0)), '&&', bin(ref('y'), '>=', lit(1))));
  });

  test('binary operators are left-associative', () => {
    assert.deepEqual(shapeOf('1 - 2 - 3'), bin(bin(lit(1), '-', lit(2)), '-', lit(3)));
    assert.deepEqual(shapeOf('8 / 4 / 2'), bin(bin(lit(8), '/', lit(4)), '/', lit(2)));
    assert.deepEqual(shapeOf('a != b != c'), bin(bin(ref('a'), '!=', ref('b')), '!=', ref('c')));
  });

  test('unary operators bind tighter than binary ones, looser than traversals', () => {
    assert.deepEqual(shapeOf('!a == b'), bin({ type: 'unary', operator: '!', operand: ref('a') }, '==', ref('b')));
    assert.deepEqual(shapeOf('-a * b'), bin({ type: 'unary', operator: '-', operand: ref('a') }, '*', ref('b')));
    assert.deepEqual(shapeOf('-var.n.m'), { type: 'unary', operator: '-', operand: ref('var', attr('n'), attr('m')) });
    assert.deepEqual(shapeOf('a - -b'), bin(ref('a'), '-', { type: 'unary', operator: '-', operand: ref('b') }));
    assert.deepEqual(shapeOf('!!true'), { type: 'unary', operator: '!', operand: { type: 'unary', operator: '!', operand: lit(true) } });
  });

  test('parentheses override precedence and stay in the tree', () => {
    assert.deepEqual(shapeOf('(1 + 2) * 3'), bin({ type: 'parenthesis', inner: bin(lit(1), '+', lit(2)) }, '*', lit(3)));
  });

  test('conditionals: the operators bind tighter, and a chain nests to the right as in HCL', () => {
    assert.deepEqual(shapeOf('var.big ? 24 : 12'), cond(ref('var', attr('big')), lit(24), lit(12)));
    assert.deepEqual(shapeOf('a + b > c ? x : y'), cond(bin(bin(ref('a'), '+', ref('b')), '>', ref('c')), ref('x'), ref('y')));
    assert.deepEqual(shapeOf('a ? b : c ? d : e'), cond(ref('a'), ref('b'), cond(ref('c'), ref('d'), ref('e'))));
    assert.deepEqual(shapeOf('a ? b : c ? d : e ? f : g'), cond(ref('a'), ref('b'), cond(ref('c'), ref('d'), cond(ref('e'), ref('f'), ref('g')))));
    assert.deepEqual(shapeOf('a ? b ? c : d : e'), cond(ref('a'), cond(ref('b'), ref('c'), ref('d')), ref('e')));
    assert.deepEqual(shapeOf('(a ? b : c) ? d : e'), cond({ type: 'parenthesis', inner: cond(ref('a'), ref('b'), ref('c')) }, ref('d'), ref('e')));
    const source = 'a ? b : c ? d : e';
    const tree = treeOf(source);
    if (tree.type === 'conditional') assert.equal(textAt(`v = ${source}\n`, tree.else.range), 'c ? d : e');
  });
});

describe('HCL expression trees: collections and for expressions', () => {
  test('tuples and objects: bare identifier keys are literal strings, parenthesised keys expressions', () => {
    assert.deepEqual(
      shapeOf('merge({ a = 1, "b" : 2, (local.k) = 3, "${p}-x" = 4, true = 5 }, [var.x, [1]])'),
      call('merge', [
        {
          type: 'object',
          entries: [
            { key: lit('a'), value: lit(1) },
            { key: lit('b'), value: lit(2) },
            { key: { type: 'parenthesis', inner: ref('local', attr('k')) }, value: lit(3) },
            { key: template(interpolation(ref('p')), text('-x')), value: lit(4) },
            { key: lit(true), value: lit(5) },
          ],
        },
        { type: 'tuple', items: [ref('var', attr('x')), { type: 'tuple', items: [lit(1)] }] },
      ]),
    );
    assert.deepEqual(shapeOf('f({})'), call('f', [{ type: 'object', entries: [] }]));
  });

  test('for expressions: tuple and object, key variable, condition, grouping', () => {
    assert.deepEqual(shapeOf('[for v in var.list : upper(v)]'), {
      type: 'for',
      result: 'tuple',
      valueVar: 'v',
      collection: ref('var', attr('list')),
      value: call('upper', [ref('v')]),
      grouping: false,
    });
    assert.deepEqual(shapeOf('[for i, v in var.list : v if i > 0]'), {
      type: 'for',
      result: 'tuple',
      keyVar: 'i',
      valueVar: 'v',
      collection: ref('var', attr('list')),
      value: ref('v'),
      condition: bin(ref('i'), '>', lit(0)),
      grouping: false,
    });
    assert.deepEqual(shapeOf('{for k, v in var.map : v.group => k... if v.on}'), {
      type: 'for',
      result: 'object',
      keyVar: 'k',
      valueVar: 'v',
      collection: ref('var', attr('map')),
      key: ref('v', attr('group')),
      value: ref('k'),
      condition: ref('v', attr('on')),
      grouping: true,
    });
  });
});

describe('HCL expression trees: templates', () => {
  test('a quoted template: literal parts decoded, interpolations as trees', () => {
    assert.deepEqual(
      shapeOf('"${path.module}/out/${var.name}.txt"'),
      template(interpolation(ref('path', attr('module'))), text('/out/'), interpolation(ref('var', attr('name'))), text('.txt')),
    );
    assert.deepEqual(shapeOf('"a\\t${upper(x)}\\n$${y}"'), template(text('a\t'), interpolation(call('upper', [ref('x')])), text('\n${y}')));
    // One interpolation and nothing else: HCL passes its value through unconverted.
    assert.deepEqual(shapeOf('"${var.list}"'), template(interpolation(ref('var', attr('list')))));
  });

  test('directives: %{if}/%{else}/%{endif} and %{for}/%{endfor}, nested', () => {
    assert.deepEqual(
      shapeOf('"%{ if var.on }yes%{ else }no%{ endif }"'),
      template({ kind: 'if', condition: ref('var', attr('on')), then: [text('yes')], else: [text('no')] }),
    );
    assert.deepEqual(shapeOf('"<%{ if a }x%{ endif }>"'), template(text('<'), { kind: 'if', condition: ref('a'), then: [text('x')], else: [] }, text('>')));
    assert.deepEqual(
      shapeOf('"%{ for k, v in var.m }${k}=${v};%{ endfor }"'),
      template({
        kind: 'for',
        keyVar: 'k',
        valueVar: 'v',
        collection: ref('var', attr('m')),
        body: [interpolation(ref('k')), text('='), interpolation(ref('v')), text(';')],
      }),
    );
    assert.deepEqual(
      shapeOf('"%{ for x in xs }%{ if x != "" }[${x}]%{ endif }%{ endfor }"'),
      template({
        kind: 'for',
        valueVar: 'x',
        collection: ref('xs'),
        body: [{ kind: 'if', condition: bin(ref('x'), '!=', lit('')), then: [text('['), interpolation(ref('x')), text(']')], else: [] }],
      }),
    );
  });

  test('strip markers trim the adjacent literal, across directive boundaries', () => {
    assert.deepEqual(shapeOf('"a ${~ b ~} c"'), template(text('a'), interpolation(ref('b')), text('c')));
    assert.deepEqual(shapeOf('"%{ if x ~}  y  %{~ else ~}  z  %{~ endif }"'), template({ kind: 'if', condition: ref('x'), then: [text('y')], else: [text('z')] }));
    // A literal trimmed to nothing stays: `" ${~x}"` is a string, not `x` passed through.
    assert.deepEqual(shapeOf('" ${~x}"'), template(text(''), interpolation(ref('x'))));
  });

  test('heredoc templates: `<<-` strips the indentation of the literal lines, strip markers one line only', () => {
    assert.deepEqual(
      shapeOf('<<-EOT\n    name = ${var.name}\n      port = ${var.port}\n    EOT\n'),
      template(text('name = '), interpolation(ref('var', attr('name'))), text('\n  port = '), interpolation(ref('var', attr('port'))), text('\n')),
    );
    assert.deepEqual(shapeOf('<<EOT\n  a ${b}\nEOT\n'), template(text('  a '), interpolation(ref('b')), text('\n')));
    // A line that starts with an interpolation counts as not indented.
    assert.deepEqual(shapeOf('<<-EOT\n    a\n${b}\nEOT\n'), template(text('    a\n'), interpolation(ref('b')), text('\n')));
    assert.deepEqual(shapeOf('<<EOT\nfoo\n\n${~ x ~}\n\nbar\nEOT\n'), template(text('foo\n'), interpolation(ref('x')), text('\nbar\n')));
    // `~}` trims the line break after the directive: the next line no longer starts a line, and keeps its indentation.
    assert.deepEqual(
      shapeOf('<<-EOT\n  %{ for s in xs ~}\n  - ${s}\n  %{ endfor ~}\n  EOT\n'),
      template(text(''), { kind: 'for', valueVar: 's', collection: ref('xs'), body: [text('  - '), interpolation(ref('s')), text('\n')] }, text('')),
    );
  });

  test('templates read as HashiCorp HCL reads them: trimming, heredoc indentation, directives', () => {
    const cases = [
      '"a ${~ "x" ~} b"',
      '"a\\n ${~ "x" ~} \\tb"',
      '"%{ if true ~} a %{~ else } b %{ endif ~} c"',
      '"%{ if false ~} a %{~ else ~} b %{~ endif ~} c"',
      '"<${"x"}>${~ "y"}  "',
      '<<EOT\nfoo\n\n${~ "x" ~}\n\nbar\nEOT\n',
      '<<EOT\n  a\n  ${~ "x"}\n  b\nEOT\n',
      '<<-EOT\n    a\n  ${"x"}\n    b\nEOT\n',
      '<<-EOT\n    a\n    ${"x"}\n      b\n\n    c\n    EOT\n',
      '<<-EOT\n\t\ta ${"x"}\n\t\t\tb\n\t\tEOT\n',
      '<<-EOT\n    a\n    %{~ if true ~}\n      b\n    %{~ endif ~}\n    c\n    EOT\n',
      '<<-EOT\n  é ${"x"}\n   ñ\n  EOT\n',
      '"%{ if false ~} a %{~ else ~} b %{~ endif ~} c"',
      '"x%{ for k, v in {a=1} }${k}%{ endfor }"',
      '"%{ for x in ["a"] ~}  [${x}]  %{~ endfor }!"',
      '<<-EOT\n  %{ for s in ["a"] ~}\n  - ${s}\n  %{ endfor ~}\n  EOT\n',
      '<<-EOT\n    a\n    %{~ if true ~}\n      b\n    %{~ endif ~}\n    c\n    EOT\n',
      '<<-EOT\n    %{ if true }\n      b\n    %{ else }\n      c\n    %{ endif }\n    EOT\n',
      '<<EOT\n%{ for k, v in {a = 1} ~}\n${k}=${v}\n%{ endfor ~}\nEOT\n',
    ];
    for (const source of cases) {
      const [json] = hcl2.parseToString(`v = ${source}\n`);
      assert.ok(json, `hcl2-parser rejects ${source}`);
      const expected = (JSON.parse(json) as { v: unknown }).v;
      assert.equal(typeof expected, 'string', `HCL renders ${source} to a string`);
      assert.equal(renderLikeHcl2json(source, treeOf(source)), expected, source);
    }
  });

  test('the text fast path builds the templates and traversals the tree walk builds', () => {
    for (const source of ['var.a.b', '"${path.module}/out/file_${count.index}.txt"', '"a ${~ b ~} c"', '"${a}${b}"', '"x\\n${y}\\t"', '["${a}", b.c, "${ d }"]']) {
      const models = bothWays(`v = ${source}\n`);
      assert.deepStrictEqual(models.shortcut, models.walked, source);
    }
  });
});

describe('HCL expression trees: unsupported', () => {
  test('what HCL reads differently or rejects is unsupported, with its text', () => {
    assert.deepEqual(shapeOf('a.0.1'), unsupported('a.0.1')); // HCL's scanner reads `0.1` as one number
    assert.deepEqual(shapeOf('a.*.b.*.c'), unsupported('a.*.b.*.c')); // nested splat in an attribute-only splat
    assert.deepEqual(shapeOf('a::b'), unsupported('a::b'));
    assert.deepEqual(shapeOf('"${ ~x}"'), unsupported('"${ ~x}"')); // the `~` must touch the brace
    assert.deepEqual(shapeOf('"${x~ }"'), unsupported('"${x~ }"'));
    assert.deepEqual(shapeOf('"$$${a} ${b}"'), unsupported('"$$${a} ${b}"')); // HCL: `$` and the escape `$${`
    assert.deepEqual(shapeOf('f(0x1F)'), call('f', [unsupported('0x1F')]));
  });

  test('a subtree with a syntax error is unsupported; a missing value is an empty unsupported', () => {
    const source = [
      'resource "a" "b" {\n  x = f(var.a, ]\n}',
      'resource "a" "c" {\n  y = [for v in var.l : f(v w)]\n}',
      'resource "a" "d" {\n  z =\n  w = var.ok\n}',
      '',
    ].join('\n');
    const file = hcl.parse(source);
    assert.ok(file.errors.length >= 3, JSON.stringify(file.errors));
    const x = findAttribute(findBlock(file.blocks, 'resource', 'a', 'b'), 'x').value;
    assert.deepEqual(shape(expressionOf(x.value)), unsupported('f(var.a, ]'));
    const y = findAttribute(findBlock(file.blocks, 'resource', 'a', 'c'), 'y').value;
    assert.deepEqual(shape(expressionOf(y.value)), unsupported('[for v in var.l : f(v w)]'));
    const d = findBlock(file.blocks, 'resource', 'a', 'd');
    const z = findAttribute(d, 'z').value;
    assert.deepEqual(expressionOf(z.value), { type: 'unsupported', text: '', range: z.range });
    assert.deepEqual(shape(expressionOf(findAttribute(d, 'w').value.value)), ref('var', attr('ok')));
    // Here tree-sitter reads `f` as the value and the rest as an error: `f` is not what was written.
    const swallowed = hcl.parse('resource "a" "b" {\n  x = f(var.a, ]\n  y = 1\n}\n');
    const value = findAttribute(findBlock(swallowed.blocks, 'resource', 'a', 'b'), 'x').value;
    assert.deepEqual(expressionOf(value.value), { type: 'unsupported', text: 'f', range: value.range });
  });

  test('text the recovering parse repaired is unsupported: it reads well but is not what was written', () => {
    const source = 'resource "a" "b" {\n  a = "${var.x"\n  c = lower(var.y)\n}\n';
    const file = hcl.parse(source);
    assert.ok(file.errors.length > 0);
    const block = findBlock(file.blocks, 'resource', 'a', 'b');
    assert.deepEqual(shape(expressionOf(findAttribute(block, 'a').value.value)), unsupported('"${var.x"'));
    assert.deepEqual(shape(expressionOf(findAttribute(block, 'c').value.value)), call('lower', [ref('var', attr('y'))]));
  });
});

describe('HCL expression trees: incremental reparse', () => {
  test('a block moved down by an edit above it gets a shifted copy of its trees, as a fresh parse reads them', () => {
    const text = 'locals {\n  a = 1\n}\n\nresource "x" "y" {\n  v = var.a ? [for s in var.l : "${s}-${~ local.p}"] : f(x)[0]\n}\n';
    const doc = hcl.parser.parse(text);
    const at = text.indexOf('}');
    const inserted = '  b = 2\n\n';
    const newText = text.slice(0, at) + inserted + text.slice(at);
    const next = hcl.parser.reparse(doc, newText, [{ range: { start: positionOf(text, at), end: positionOf(text, at) }, text: inserted }]);
    const fresh = hcl.parser.parse(newText);
    try {
      assert.deepStrictEqual(next.file, fresh.file);
      const before = findBlock(doc.file.blocks, 'resource', 'x', 'y');
      const after = findBlock(next.file.blocks, 'resource', 'x', 'y');
      assert.notEqual(after, before, 'a shifted copy');
      const tree = expressionOf(findAttribute(after, 'v').value.value);
      assert.equal(textAt(newText, tree.range), 'var.a ? [for s in var.l : "${s}-${~ local.p}"] : f(x)[0]');
      assert.equal(tree.type, 'conditional');
      if (tree.type === 'conditional') assert.equal(textAt(newText, tree.else.range), 'f(x)[0]');
      // The previous document's tree is left as it was.
      assert.equal(expressionOf(findAttribute(before, 'v').value.value).range.start.line, 5);
    } finally {
      doc.dispose();
      next.dispose();
      fresh.dispose();
    }
  });
});

/**
 * A template as hcl2json renders it: the string, for one of literals only (interpolations of
 * string literals); with directives, its source rebuilt from the parts HCL read, literal parts as
 * HCL trimmed them (`%{if c}…%{else}…%{endif}`, `%{for k, v in c}…%{endfor}`, `${expr}`).
 */
function renderLikeHcl2json(source: string, expression: Expression): string {
  const text = `v = ${source}\n`;
  const hasDirective = (list: TemplatePart[]): boolean => list.some((part) => part.kind === 'if' || part.kind === 'for');
  if (expression.type !== 'template') throw new Error(`not a template: ${JSON.stringify(shape(expression))}`);
  const rebuild = hasDirective(expression.parts);
  const parts = (list: TemplatePart[]): string =>
    list
      .map((part) => {
        switch (part.kind) {
          case 'literal':
            return part.value;
          case 'interpolation':
            if (rebuild) return `\${${textAt(text, part.expression.range)}}`;
            if (part.expression.type === 'literal' && typeof part.expression.value === 'string') return part.expression.value;
            throw new Error(`not a literal: ${JSON.stringify(shape(part))}`);
          case 'if':
            return `%{if ${textAt(text, part.condition.range)}}${parts(part.then)}${part.else.length ? `%{else}${parts(part.else)}` : ''}%{endif}`;
          case 'for':
            return `%{for ${part.keyVar ? `${part.keyVar}, ` : ''}${part.valueVar} in ${textAt(text, part.collection.range)}}${parts(part.body)}%{endfor}`;
        }
      })
      .join('');
  return parts(expression.parts);
}

/** The strict model of `text` built with the text fast path and by walking every node. */
function bothWays(text: string): { shortcut: unknown; walked: unknown } {
  const internals = hcl.parser as unknown as { parser: TsParser; types: NodeTypeIds };
  const tree = internals.parser.parse(text);
  assert.ok(tree && !tree.rootNode.hasError, text);
  try {
    const lines = new LineIndex(text);
    const build = (exhaustive: boolean) => {
      try {
        const out = buildModel(tree, { types: internals.types, view: text, viewBase: 0, original: text, lines, tolerant: false, exhaustive });
        return { blocks: out.blocks, attributes: out.attributes, errors: out.errors };
      } catch (error) {
        if (error === BAIL) return 'bail';
        throw error;
      }
    };
    return { shortcut: build(false), walked: build(true) };
  } finally {
    tree.delete();
  }
}
