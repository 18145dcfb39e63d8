/**
 * How the evaluator carries what it cannot know: symbols that write the computation with the known
 * parts substituted (equal for equal computations), reasons and after-apply dependencies gathered
 * from the inputs, partly known collections, failures where Terraform would stop, and names that
 * the evaluator binds itself.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Expression } from '../../core/src/terraform/hcl/expression';
import { evaluateExpression } from '../../core/src/terraform/evaluation/evaluate';
import { isFailure, MAX_REASONS } from '../../core/src/terraform/evaluation/unknowns';
import { isUnknown, Unknown, type Value } from '../../core/src/terraform/evaluation/value';
import { afterApply, fakeScope, parseExpression, parseTemplateText } from './evaluationTestSupport';

const hex = afterApply('random_id.r', 'hex');
const id = afterApply('aws_instance.web', 'id');
const planned = new Unknown('var.region', ['`var.region` has no value before plan']);
const scope = fakeScope(
  {
    'random_id.r': { hex, byte_length: 4 },
    'aws_instance.web': { id, ami: 'ami-1' },
    'var.region': planned,
    'var.names': ['a', 'b'],
    'local.n': 2,
  },
  { 'greeting.tpl': 'Hi ${name}', 'self.tpl': '${templatefile("self.tpl", {})}' },
);
const evaluate = (text: string, options = {}) => evaluateExpression(parseExpression(text), scope, options);
const unknown = (text: string): Unknown => {
  const value = evaluate(text);
  assert.ok(value instanceof Unknown, `${text} gave ${JSON.stringify(value)}`);
  return value;
};

describe('unknown results', () => {
  test('symbols substitute the known parts, so the same computation gets the same symbol', () => {
    assert.equal(unknown('upper(random_id.r.hex)').symbol, 'upper(random_id.r.hex)');
    assert.equal(unknown('"web-${random_id.r.hex}-${local.n * 2}"').symbol, '"web-${random_id.r.hex}-4"');
    assert.equal(unknown('format("%s-%d", random_id.r.hex, local.n + 1)').symbol, 'format("%s-%d", random_id.r.hex, 3)');
    assert.equal(unknown('random_id.r.hex == "a" ? 1 : local.n').symbol, '(random_id.r.hex == "a") ? 1 : 2');
    assert.equal(unknown('var.region')?.symbol, 'var.region');
    // Written differently, computed the same: the same symbol.
    assert.equal(unknown('upper( random_id.r.hex )').symbol, unknown('upper((random_id.r.hex))').symbol);
    assert.equal(unknown('join("-", [var.region, local.n])').symbol, 'join("-", [var.region, 2])');
    assert.equal(unknown('(random_id.r.hex == "a" ? var.region : "b").name').symbol, '((random_id.r.hex == "a") ? var.region : "b").name');
    assert.equal(unknown('"a%{if var.region == "x"}b${local.n}%{endif}c"').symbol, '"a%{if var.region == "x"}b${local.n}%{endif}c"');
    assert.equal(unknown('"%{for k, v in var.region}${k}%{endfor}!"').symbol, '"%{for k, v in var.region}${k}%{endfor}!"');
  });

  test('reasons and after-apply dependencies are the union of the inputs', () => {
    const value = unknown('"${random_id.r.hex}/${aws_instance.web.id}/${var.region}/${random_id.r.hex}"');
    assert.deepEqual(value.reasons, ['`random_id.r.hex`, known after apply', '`aws_instance.web.id`, known after apply', '`var.region` has no value before plan']);
    assert.deepEqual(value.afterApply, [
      { address: 'random_id.r', attribute: 'hex' },
      { address: 'aws_instance.web', attribute: 'id' },
    ]);
    assert.deepEqual(unknown('upper(var.region)').afterApply, []);
  });

  test(`at most ${MAX_REASONS} reasons are kept`, () => {
    const many = fakeScope(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`var.v${i}`, new Unknown(`var.v${i}`, [`reason ${i}`])])));
    const value = evaluateExpression(parseExpression('join(",", [var.v0, var.v1, var.v2, var.v3, var.v4, var.v5])'), many);
    assert.ok(value instanceof Unknown);
    assert.deepEqual(value.reasons, ['reason 0', 'reason 1', 'reason 2', 'reason 3']);
  });

  test('collections keep their unknown leaves, and what only needs the known parts is known', () => {
    const value = evaluate('{ name = "web", id = aws_instance.web.id, tags = [random_id.r.hex, "x"] }') as { [k: string]: Value };
    assert.equal(value.name, 'web');
    assert.equal(value.id, id);
    assert.deepEqual((value.tags as Value[])[1], 'x');
    assert.equal(evaluate('length([random_id.r.hex, 1, 2])'), 3);
    assert.deepEqual(evaluate('keys({ b = random_id.r.hex, a = 1 })'), ['a', 'b']);
    assert.equal(evaluate('merge({ a = random_id.r.hex }, { b = 2 }).b'), 2);
    assert.equal(evaluate('[for s in [random_id.r.hex, "b"] : upper(s)][1]'), 'B');
    assert.equal(evaluate('lookup({ a = random_id.r.hex, b = "x" }, "b")'), 'x');
    assert.equal(evaluate('random_id.r.byte_length * 2'), 8);
  });

  test('a conditional on an unknown is known when both branches are the same known value', () => {
    assert.equal(evaluate('random_id.r.hex == "" ? "same" : "same"'), 'same');
    assert.ok(isUnknown(evaluate('random_id.r.hex == "" ? "a" : "b"')));
    assert.equal(evaluate('local.n > 1 ? "big" : random_id.r.hex'), 'big');
  });

  test('a for expression over an unknown collection is unknown, written with its body', () => {
    assert.equal(unknown('[for s in var.region : upper(s) if s != ""]').symbol, '[for s in var.region : upper(s) if s != ""]');
    assert.equal(unknown('{ for k, v in var.region : k => v... }').symbol, '{for k, v in var.region : k => v...}');
    // Keys that depend on an unknown make the whole object unknown.
    assert.ok(isUnknown(evaluate('{ for s in var.names : "${s}-${random_id.r.hex}" => s }')));
    // Values that depend on one leave unknown leaves.
    const partly = evaluate('{ for s in var.names : s => "${s}-${random_id.r.hex}" }') as { [k: string]: Value };
    assert.deepEqual(Object.keys(partly), ['a', 'b']);
    assert.ok(isUnknown(partly.a));
  });

  test('iterator variables are bound by the evaluator and never reach the scope', () => {
    const reading = fakeScope({ 'var.names': ['x', 'y'], 'local.n': 1 });
    const value = evaluateExpression(parseExpression('[for n in var.names : "${n}${local.n}"]'), reading);
    assert.deepEqual(value, ['x1', 'y1']);
    assert.deepEqual(reading.reads, ['var.names', 'local.n', 'local.n']);
    // An inner iterator shadows an outer one of the same name.
    assert.deepEqual(evaluateExpression(parseExpression('[for n in [1, 2] : [for n in ["a"] : n]]'), reading), [['a'], ['a']]);
    assert.equal(evaluateExpression(parseExpression('"%{for n in var.names}${n}.%{endfor}"'), reading), 'x.y.');
  });

  test('unsupported syntax, unknown functions and provider functions are unknown, saying why', () => {
    const unsupported: Expression = { type: 'unsupported', text: 'foo bar\n  baz', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
    const value = evaluateExpression(unsupported, scope);
    assert.ok(value instanceof Unknown && !isFailure(value));
    assert.deepEqual(value.reasons, ['`foo bar baz` is an expression this analysis does not evaluate']);
    assert.deepEqual(unknown('frobnicate(1)').reasons, ['`frobnicate` is a function this analysis does not evaluate']);
    assert.deepEqual(unknown('provider::aws::arn_parse("x")').reasons, ['`provider::aws::arn_parse` is a provider function, which this analysis does not evaluate']);
    assert.equal(evaluate('core::upper("a")'), 'A');
  });

  test('impure functions are known only at apply, and never the same twice', () => {
    for (const call of ['uuid()', 'timestamp()', 'bcrypt("x")']) {
      const value = unknown(call);
      assert.ok(value.afterApply.length > 0, call);
      assert.match(value.reasons[0], /known only at apply/);
    }
  });

  test('errors Terraform would raise are failures with its reason, never a throw', () => {
    const cases: Array<[string, RegExp]> = [
      ['[1, 2][2]', /^Invalid index/],
      ['upper()', /^Not enough function arguments/],
      ['upper("a", "b")', /^Too many function arguments/],
      ['tonumber("x")', /^Invalid value for "v" parameter/],
      ['{ for s in ["a", "a"] : s => 1 }', /^Duplicate object key/],
      ['[for s in null : s]', /^Iteration over null value/],
      ['true ? true : 1', /^Inconsistent conditional result types/],
      ['"a${null}"', /^Invalid template interpolation value/],
      ['cidrsubnet("10.0.0.0/30", 4, 0)', /insufficient address space/],
    ];
    for (const [text, message] of cases) {
      const value = evaluate(text);
      assert.ok(isFailure(value), `${text} gave ${JSON.stringify(value)}`);
      assert.match(value.message, message, text);
      assert.match(value.reasons[0], /^Terraform would fail here: /);
    }
    // A failure spreads to the whole of what is built from it, as an error does in Terraform.
    assert.ok(isFailure(evaluate('{ a = [1, [1][3]] }')));
    assert.ok(isFailure(evaluate('upper([1][3])')));
    // try and can see failures for what they are; unknowns stay unknown.
    assert.equal(evaluate('try([1][3], "d")'), 'd');
    assert.equal(evaluate('can([1][3])'), false);
    assert.ok(isUnknown(evaluate('try(random_id.r.hex, "d")')) && !isFailure(evaluate('try(random_id.r.hex, "d")')));
  });

  test('templatefile evaluates the file with only its variables, through the parse hook', () => {
    assert.equal(evaluate('templatefile("greeting.tpl", { name = "Ann" })', { parseTemplate: parseTemplateText }), 'Hi Ann');
    const withoutHook = evaluate('templatefile("greeting.tpl", { name = "Ann" })');
    assert.ok(withoutHook instanceof Unknown && !isFailure(withoutHook));
    assert.ok(isFailure(evaluate('templatefile("greeting.tpl", {})', { parseTemplate: parseTemplateText })));
    assert.ok(isUnknown(evaluate('templatefile("greeting.tpl", { name = random_id.r.hex })', { parseTemplate: parseTemplateText })));
  });

  test('a template file cannot call templatefile again, as in Terraform', () => {
    const value = evaluate('templatefile("self.tpl", {})', { parseTemplate: parseTemplateText });
    assert.ok(isFailure(value));
    assert.match(value.message, /cannot recursively call templatefile/);
  });

  test('results too large to build here are unknown, not built', () => {
    for (const text of ['setproduct(range(1000), range(1000))', 'format("%1000000s", "x")', 'indent(1000000, "a\\nb")']) {
      const value = evaluate(text);
      assert.ok(value instanceof Unknown && !isFailure(value), text);
      assert.match(value.reasons[0], /too large to evaluate here/, text);
    }
  });

  test('regular expressions RE2 and JavaScript read differently are left unknown', () => {
    for (const pattern of ['(?=a)a', '(a)\\\\1', 'a\\\\z', '[[:alpha:]]+', 'a(?i)b']) {
      const value = evaluate(`regex("${pattern}", "aa")`);
      assert.ok(value instanceof Unknown && !isFailure(value), pattern);
      assert.match(value.reasons[0], /RE2 syntax this analysis does not run/);
    }
    // RE2's \s is ASCII whitespace only.
    assert.deepEqual(evaluate('regexall("\\\\s", "a b\\u00a0c")'), [' ']);
    assert.equal(evaluate('regex("(?i)ABC", "xabcx")'), 'abc');
  });

  test('computed keys stay ordinary keys', () => {
    const value = evaluate('{ for k in ["__proto__", "a"] : k => 1 }') as { [k: string]: Value };
    assert.deepEqual(Object.keys(value), ['__proto__', 'a']);
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(evaluate('keys(merge({ "__proto__" = 1 }, { b = 2 }))'), ['__proto__', 'b']);
  });
});
