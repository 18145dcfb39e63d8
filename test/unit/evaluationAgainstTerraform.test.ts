/**
 * The evaluator against real Terraform: each expression of the tables is evaluated by
 * `terraform console` (HashiCorp Terraform 1.11, offline, in a folder with the same locals the
 * fake scope holds) and by the evaluator, and the two must agree: values exactly (through
 * `jsonencode`, so that a string is never mistaken for a number), unknowns as unknowns, and errors
 * as failures that name Terraform's error.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { evaluateExpression } from '../../core/src/terraform/evaluation/evaluate';
import { jsonEncode } from '../../core/src/terraform/evaluation/jsonEncoding';
import { numberToString } from '../../core/src/terraform/evaluation/numbers';
import { isFailure } from '../../core/src/terraform/evaluation/unknowns';
import { Unknown, type Value } from '../../core/src/terraform/evaluation/value';
import { TOFU_BIN, TOFURC } from '../support/tofu';
import { afterApply, fakeScope, parseExpression, parseTemplateText } from './evaluationTestSupport';

const TERRAFORM = '/usr/local/bin/terraform';
type Tool = 'terraform' | 'tofu';

/** The locals both sides see: written into the folder's main.tf, and evaluated into the fake scope. */
const LOCALS: Record<string, string> = {
  s: '"hello"',
  n: '3',
  f: '2.5',
  b: 'true',
  l: '["b", "a", "b"]',
  m: '{ b = 2, a = 1, "10" = 3, "9" = 4 }',
  o: '{ name = "web", tags = { env = "prod" }, ports = [80, 443] }',
  e: '""',
  z: 'null',
  objs: '[{ name = "a", size = 1 }, { name = "b", size = 2 }]',
  words: '["web", "db", "cache"]',
  tpl: '"tpl/greeting.tpl"',
};
const FILES: Record<string, string> = {
  'tpl/greeting.tpl': 'Hello, ${name}!%{ for i in items } [${i}]%{ endfor }\n',
  'data.txt': 'line one\nline two\n',
};

const folder = mkdtempSync(join(tmpdir(), 'evaluation-oracle-'));
after(() => rmSync(folder, { recursive: true, force: true }));
writeFileSync(
  join(folder, 'main.tf'),
  `resource "terraform_data" "x" {\n  input = "a"\n}\n\nlocals {\n${Object.entries(LOCALS)
    .map(([k, v]) => `  ${k} = ${v}\n`)
    .join('')}}\n`,
);
for (const [path, text] of Object.entries(FILES)) {
  const full = join(folder, path);
  spawnSync('mkdir', ['-p', join(full, '..')]);
  writeFileSync(full, text);
}

const empty = fakeScope({});
const scopeValues: Record<string, Value> = { 'terraform_data.x': { id: afterApply('terraform_data.x', 'id'), input: 'a' } };
for (const [k, v] of Object.entries(LOCALS)) scopeValues[`local.${k}`] = evaluateExpression(parseExpression(v), empty);
// Terraform plans even `input` as unknown before the resource exists.
(scopeValues['terraform_data.x'] as { input: Value }).input = afterApply('terraform_data.x', 'input');
const scope = fakeScope(scopeValues, FILES);
const evaluate = (text: string) => evaluateExpression(parseExpression(text), scope, { parseTemplate: parseTemplateText });

function consoleOf(expression: string, tool: Tool = 'terraform'): { ok: boolean; output: string } {
  const env = { ...process.env };
  if (tool === 'tofu') env.TF_CLI_CONFIG_FILE = TOFURC;
  else delete env.TF_CLI_CONFIG_FILE;
  const result = spawnSync(tool === 'tofu' ? TOFU_BIN : TERRAFORM, ['console'], { cwd: folder, input: `${expression}\n`, encoding: 'utf8', env, timeout: 60_000 });
  // eslint-disable-next-line no-control-regex
  const strip = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '');
  return { ok: result.status === 0, output: strip(result.stdout + result.stderr).trim() };
}

/** Expressions with known results: Terraform's `jsonencode` of each must be the evaluator's. */
const KNOWN = [
  // Arithmetic, comparisons, logic, number conversions
  '1 + 2 * 3',
  '(1 + 2) * 3',
  '7 / 2',
  '-7 % 3',
  '7 % -3',
  '5.5 % 2',
  '0.1 + 0.2',
  '1.5 * 4',
  '"12" + 1',
  '"1e3" + 1',
  '"2.5" * 2',
  '-local.n',
  '2 * 2 == 4',
  '1 == "1"',
  '"a" == "a"',
  '[1, 2] == [1, 2]',
  '{ a = 1 } == { a = 1 }',
  'null == null',
  'local.z == null',
  '1 != 2',
  '3 >= 3',
  '"10" > 9',
  'true && false',
  'true || false',
  '!true',
  '"true" && true',
  // Conditionals
  'local.b ? 24 : 12',
  'local.n > 5 ? "big" : "small"',
  'true ? 1 : "a"',
  'false ? "a" : 2',
  'local.z == null ? "none" : local.z',
  // Templates and number → string
  '"n=${local.n}, f=${local.f}, b=${local.b}"',
  '"${1.0}"',
  '"${2 * 2}"',
  '"x${4 / 2}"',
  '"${0.1 + 0.2}"',
  '"${1e21}"',
  '"${1.5e-7}"',
  '"${local.s}"',
  '"%{if local.b}yes%{else}no%{endif}"',
  '"%{for w in local.words}<${w}>%{endfor}"',
  '"%{for i, w in local.words}${i}=${w};%{endfor}"',
  '"$${literal} %%{literal}"',
  // Traversals and indexes
  'local.o.name',
  'local.o.tags.env',
  'local.o.ports[1]',
  'local.o.ports.0',
  'local.o["name"]',
  'local.m["10"]',
  'local.m[10]',
  'local.l["1"]',
  'local.objs[1].name',
  'local.objs[*].name',
  'local.objs.*.size',
  'local.o[*].name',
  'local.z[*]',
  'local.s[*]',
  '[for o in local.objs : o.name]',
  '{ for o in local.objs : o.name => o.size }',
  '[for k, v in local.m : "${k}=${v}"]',
  '[for i, w in local.words : i if w != "db"]',
  '{ for w in local.l : w => w... }',
  '{ for k, v in local.m : v => k }',
  '[for w in local.words : upper(w) if length(w) > 2]',
  '{ for k, v in { b = 1, a = 2 } : k => v * 10 }',
  // Strings
  'format("%5.2f", 3.14159)',
  'format("%d items", 3)',
  'format("%s-%s", "a", 1)',
  'format("%v %v %v", 3.5, true, "x")',
  'format("%v", [1, "a"])',
  'format("%v", { b = 1, a = "x" })',
  'format("%g %g %g %e %G", 1e6, 123456, 1234567, 1234.5678, 1e-7)',
  'format("%.3g|%.10g|%g|%g", 3.14159, 2.5, 0.0001, 0.00001)',
  'format("%.2f|%8.3f|%-8d|%+d|%08.2f|%x|%X|%o|%#x|%b", 2.675, 3.14159, 42, 5, -3.5, 255, 255, 8, 255, 5)',
  'format("%q", "a\\"b\\n\\u00e9\\u0001<&>")',
  'format("%5s|%-5s|%.2s|%t|%05d|% d", "ab", "ab", "abcdef", false, -42, 7)',
  'format("%[2]s %[1]s %%", "a", "b")',
  'format("%e|%.0f|%.1e", 0, 2.5, 12345)',
  'formatlist("%s=%d", ["a", "b"], [1, 2])',
  'formatlist("x-%s", local.words)',
  'join(", ", local.words)',
  'join("-", [1, 2], ["c"])',
  'split(",", "a,b,,c")',
  'split("", "abc")',
  'split(",", "")',
  'lower("HeLLo")',
  'upper("straße éa")',
  'title("hello world-foo_bar 3rd")',
  'replace("hello world", "o", "0")',
  'replace("abc", "", "-")',
  'replace("a1b22c333", "/[0-9]+/", "#")',
  'replace("john smith", "/(\\\\w+) (\\\\w+)/", "$2, $1")',
  'replace("x-y", "/(?P<first>\\\\w)-(?P<second>\\\\w)/", "$${second}$${first}")',
  'trimspace("  \\t hi there \\n")',
  'trim("?!hello?!", "!?")',
  'trimprefix("helloworld", "hello")',
  'trimsuffix("helloworld", "world")',
  'trimsuffix("hello", "")',
  'substr("hello world", 1, 4)',
  'substr("hello", -3, -1)',
  'substr("hello", 2, 100)',
  'substr("héllo", 1, 2)',
  'startswith("hello", "he")',
  'endswith("hello", "xo")',
  'strrev("abc")',
  'chomp("hello\\n\\r\\n")',
  'indent(2, "a\\nb\\n")',
  'regex("[a-z]+", "123abc456")',
  'regex("(\\\\d+)-(\\\\d+)", "10-20")',
  'regex("(?P<y>\\\\d{4})-(?P<m>\\\\d{2})", "2024-05")',
  'regexall("[a-z]+", "a1bc2def")',
  'regexall("(\\\\w)(\\\\d)", "a1 b2")',
  'strcontains("hello", "ell")',
  // Collections
  'concat(["a"], ["b", "c"], [])',
  'merge({ a = 1, b = 2 }, { b = 3, c = 4 })',
  'merge({ a = 1 }, null, { d = "x" })',
  'lookup({ a = "x" }, "a", "d")',
  'lookup({ a = "x" }, "b", "d")',
  'coalesce("", "b", "c")',
  'coalesce(null, 2)',
  'coalesce(1, "a")',
  'coalescelist([], ["a"])',
  'try(local.o.missing, "fallback")',
  'try(local.o.name, "fallback")',
  'try(local.l[10], local.l[0])',
  'can(local.o.missing)',
  'can(local.o.name)',
  'can(tonumber("x"))',
  'length("héllo")',
  'length(local.l)',
  'length(local.m)',
  'length([])',
  'element(local.words, 1)',
  'element(local.words, 5)',
  'index(local.words, "db")',
  'keys(local.m)',
  'values(local.m)',
  'contains(local.words, "db")',
  'contains([1, 2], "1")',
  'distinct(local.l)',
  'flatten([["a", ["b"]], [], "c"])',
  'range(3)',
  'range(1, 4)',
  'range(5, 1)',
  'range(0, 1, 0.25)',
  'range(10, 0, -3)',
  'slice(local.words, 1, 3)',
  'reverse(local.words)',
  'sort(["b", "a", "10", "9", "B"])',
  'sort([3, 10, 2])',
  'compact(["a", "", null, "b"])',
  'zipmap(["a", "b"], [1, 2])',
  'alltrue([true, "true"])',
  'alltrue([])',
  'anytrue([false, true])',
  'anytrue([])',
  'one([])',
  'one(["x"])',
  'sum([1, 2.5, 3])',
  'setproduct(["a", "b"], [1, 2])',
  'setunion(["b", "a"], ["c", "a"])',
  'setintersection(["a", "b", "c"], ["c", "b"])',
  'setsubtract(["a", "b", "c"], ["b"])',
  'nonsensitive(sensitive("x"))',
  'tostring(1.5)',
  'tostring(true)',
  'tostring(null)',
  'tonumber("42")',
  'tonumber("-1.5e2")',
  'tonumber(".5")',
  'tonumber("5.")',
  'tonumber("+3")',
  'tobool("true")',
  'tolist(["a", 1, true])',
  'tolist([2, 1])',
  'toset(["b", "a", "b", "c"])',
  'toset([3, 10, 2, 3])',
  'toset(["b", 1, "a", "10", "9"])',
  'toset(["é", "z", "Z", "a"])',
  'tomap({ a = 1, b = "x" })',
  'jsonencode({ b = "<a>&", a = [1, 2.5, true, null], "10" = {}, "9" = [] })',
  'jsonencode("quote\\" backslash\\\\ tab\\t nl\\n \\u2028 \\u0001")',
  'jsonencode(1e21)',
  'jsonencode(0.1 + 0.2)',
  'jsondecode("{\\"b\\": [1, 2.5, \\"x\\"], \\"a\\": null}")',
  'jsondecode("12")',
  'base64encode("hello, world é")',
  'base64decode("aGVsbG8=")',
  'sha1("hello")',
  'sha256("hello")',
  'md5("hello")',
  'sha512("hello")',
  'base64sha256("hello")',
  'abs(-3.5)',
  'ceil(1.2)',
  'floor(-1.2)',
  'max(1, 5, 3)',
  'min(4, 2.5)',
  'pow(2, 10)',
  'pow(2, 0.5)',
  'signum(-4)',
  'signum(0)',
  'parseint("ff", 16)',
  'parseint("-1010", 2)',
  'parseint("zZ", 62)',
  'log(8, 2)',
  // Networks
  'cidrsubnet("10.0.0.0/16", 8, 2)',
  'cidrsubnet("10.1.2.3/16", 4, 15)',
  'cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)',
  'cidrsubnet("2001:db8::/32", 8, 0)',
  'cidrhost("10.12.112.0/20", 16)',
  'cidrhost("10.12.112.0/20", 268)',
  'cidrhost("10.0.0.0/24", -1)',
  'cidrhost("fd00:fd12:3456:7890:00a2::/72", 34)',
  'cidrnetmask("172.16.0.0/12")',
  'cidrnetmask("10.0.0.0/0")',
  'cidrsubnets("10.1.0.0/16", 4, 4, 8, 4)',
  'cidrsubnets("fd00:fd12:3456:7890::/56", 16, 16, 16, 32)',
  'cidrsubnets("10.0.0.0/24", 2, 1)',
  // Files
  'file("data.txt")',
  'fileexists("data.txt")',
  'fileexists("nope.txt")',
  'templatefile(local.tpl, { name = "Ann", items = [1, 2] })',
  // Calls with expansion, and nulls in odd places
  // Subtler corners: rounding ties, exponents, Unicode, Go's regexp and replacement rules
  'format("%.2f|%.2f|%.1f|%.0f|%.0f|%.3e|%.1f", 2.675, 0.125, 0.25, 3.5, 0.5, 1.0005, 0.05)',
  'format("%5.1f|%-7.2f|%x|%+.2e|%g|%g|%g|%.2g|%G", 3.14159, 2.5, -255, 12345.678, 100000, 1e-5, 0.0001234, 1234, 1e21)',
  'format("%d|%d|%5d|%-5d|%05.1f|%x", 1e15, -7, 42, 42, 2.25, 1e15)',
  'format("%s|%v|%d", 1e21, 0.000001, "42")',
  'format("%t|%v", "true", false)',
  'format("%v|%v|%v|%5v|%v", 1234567, 100, -0.5, 2, 1e21)',
  'formatlist("%s!", "x")',
  'tostring(0.000001)',
  'tostring(-0.5)',
  'tostring(123456789.123)',
  'tostring(1e-10)',
  'toset([1.5, -2, 10, 1.5])',
  'sort(["é", "z", "Z", "a", "ä", "👍", "\\uffff"])',
  'substr("e\\u0301tude", 0, 2)',
  'length("👍🏽 ok")',
  'strrev("añ👍🏽")',
  'title("élan vital")',
  'split("", "é👍")',
  'jsonencode("\\u00e9 \\u0008 \\u000c \\u007f \\u2029")',
  'replace("aaa", "a", "$1")',
  'replace("abc", "/b/", "$$")',
  'replace("a.b.c", ".", "-")',
  'regexall("a*", "baaac")',
  'regexall("x*", "")',
  'replace("baaac", "/a*/", "-")',
  'cidrhost("2001:db8::/32", -1)',
  'cidrsubnet("2001:db8:0:0:0:0:0:0/64", 64, 1)',
  'cidrsubnets("10.0.0.0/8", 8, 16, 8)',
  'coalesce(1, 2)',
  'distinct([1, "1", 2])',
  'concat([1], ["a"])',
  'keys({})',
  'values({})',
  'tolist(toset(["b", "a"]))',
  '"${true}"',
  '"a${true}"',
  '"${local.f}x"',
  'true ? null : "a"',
  'local.m.a',
  'ceil(-0.5)',
  'abs(-0)',
  'floor(1e20)',
  'pow(10, 21)',
  'max(1e300, 5)',
  '2 - 3 * -1',
  '-(1 - 3)',
  '!(1 > 2) && "a" != "b"',
  '[1, "a"] == [1, "a"]',
  '{ a = [1] } == { a = [1, 2] }',
  'merge({ a = { x = 1 } }, { a = { y = 2 } })',
  'flatten([[], [[]], [[[1]]]])',
  'zipmap([], [])',
  'lookup({ a = "b" }, "a")',
  'index([1, 2, 3], 2)',
  'contains(["a"], "b")',
  'range(-3)',
  'range(1, 2, 0.3)',
  'indent(4, "x")',
  'trim("  x  ", " ")',
  'chomp("a\\r")',
  'trimspace("\\u00a0x\\u2003")',
  'upper("ǆ")',
  'lower("ΣΑΣ")',
  'startswith("", "")',
  'one(toset([]))',
  'setproduct([], ["a"])',
  'setunion([1, 2], [3])',
  'setintersection([1, 2], [2, 3])',
  'max([3, 9, 1]...)',
  'concat([[1], [2, 3]]...)',
  'length([for x in range(5) : x if x % 2 == 0])',
  '"${local.z}"',
  '"${local.l}"',
  '5 % 0',
];

/** Expressions Terraform leaves unknown before apply (in part, where they are collections). */
const UNKNOWN = [
  'terraform_data.x.id',
  '"web-${terraform_data.x.id}"',
  'upper(terraform_data.x.id)',
  'terraform_data.x.id == terraform_data.x.id',
  'coalesce("", terraform_data.x.id)',
  'try(terraform_data.x.id, 1)',
  'can(terraform_data.x.id)',
  'terraform_data.x.id == null',
  'length(terraform_data.x.id)',
  'terraform_data.x.id == "a" ? 1 : 2',
  'length([terraform_data.x.id, 1])',
  'length({ a = terraform_data.x.id })',
  'keys({ b = terraform_data.x.id, a = 1 })',
  'element([terraform_data.x.id, "b"], 1)',
  'lookup({ a = terraform_data.x.id, b = "x" }, "b")',
  '[for s in [terraform_data.x.id, "b"] : upper(s)][1]',
  'merge({ a = terraform_data.x.id }, { b = 2 }).b',
  'concat([terraform_data.x.id], ["z"])[1]',
  '[for s in toset([terraform_data.x.id, "a"]) : s]',
  'jsonencode({ a = terraform_data.x.id })',
  'format("%s", terraform_data.x.id)',
  'local.n > 2 ? terraform_data.x.id : "x"',
  'local.n > 5 ? terraform_data.x.id : "x"',
  'can(local.o.missing) ? terraform_data.x.id : "fallback"',
  '[for k, v in { a = terraform_data.x.id } : k]',
  '{ for s in ["a", terraform_data.x.id] : s => 1 }',
  '[for s in ["a", "b"] : s if s == terraform_data.x.id]',
  'one([terraform_data.x.id])',
  'terraform_data.x.id == "a" ? local.o.missing : 1',
  'terraform_data.x.id == "a" ? null : null',
  'coalesce("a", terraform_data.x.id)',
  'try("a", terraform_data.x.id)',
  'coalescelist(["a"], [terraform_data.x.id])',
  'length(concat([terraform_data.x.id], ["z"]))',
  'contains([terraform_data.x.id], "a")',
  'compact(["a", terraform_data.x.id])',
  'tostring(terraform_data.x.id)',
  'lookup({ a = 1 }, terraform_data.x.id, 2)',
  '{ a = 1 }[terraform_data.x.id]',
  '[1, 2][terraform_data.x.id == "" ? 0 : 1]',
  'slice([terraform_data.x.id, "b", "c"], 1, 3)',
  'reverse([terraform_data.x.id, "b"])[0]',
  'zipmap(["a", "b"], [terraform_data.x.id, 2])',
  'element([terraform_data.x.id, "b"], 3)',
  'alltrue([terraform_data.x.id == "a", false])',
  'sum([1, length(terraform_data.x.id)])',
  '[for s in formatlist("%s", [terraform_data.x.id, "b"]) : s]',
  'split(",", terraform_data.x.id)',
  '"${terraform_data.x.id}" == "${terraform_data.x.id}"',
];

/**
 * `&&` and `||` where one side is unknown or fails: HashiCorp HCL v2.24 short-circuits them, as
 * OpenTofu's HCL does; Terraform 1.11 is on HCL v2.23, which does not. The oracle is OpenTofu.
 */
const LOGICAL = [
  'true || terraform_data.x.id == "a"',
  'terraform_data.x.id == "a" || true',
  'false && terraform_data.x.id == "a"',
  'terraform_data.x.id == "a" && false',
  'false || terraform_data.x.id == "a"',
  'true && terraform_data.x.id == "a"',
  'true || local.o.missing',
  'local.o.missing || true',
  'terraform_data.x.id == "a" || local.o.missing',
  'null || true',
];

/** Expressions Terraform rejects with an error: the evaluator's failure must name the same error. */
const ERRORS = [
  '[1, 2][5]',
  'local.o.missing',
  'local.z.name',
  'local.m["nope"]',
  'local.s[0]',
  '" 12" + 1',
  '"0x10" + 1',
  'null + 1',
  '"x${local.z}"',
  '"x${local.l}"',
  '{ for w in local.l : w => w }',
  '[for x in local.z : x]',
  '[for x in local.s : x]',
  'upper("a", "b")',
  'format("%d", 1.5)',
  'format("%s", [1])',
  'format("%s %s", "a")',
  'format("%s", "a", "b")',
  'tonumber("x")',
  'tobool("yes")',
  'element([], 0)',
  'index(["a"], "b")',
  'lookup({ a = 1 }, "b")',
  'coalesce("", null)',
  'jsondecode("{")',
  'base64decode("!!")',
  'cidrsubnet("10.0.0.0/30", 4, 0)',
  'cidrsubnet("10.0.0.0/16", 2, 4)',
  'cidrhost("10.0.0.0/30", 4)',
  'cidrnetmask("fd00::/64")',
  'cidrsubnet("10.0.0.300/16", 2, 1)',
  'regex("[0-9]+", "abc")',
  'one([1, 2])',
  'sum([])',
  'range(1, 2, 0)',
  'slice(["a"], 0, 2)',
  'zipmap(["a"], [1, 2])',
  'file("missing.txt")',
  'try(local.o.missing, local.z.x)',
  'local.b ? local.o.missing : 1',
  '!"x"',
  'local.l[1.5]',
  'local.l["x"]',
  'local.l[-1]',
  'local.o.tags.env.x',
  'local.words[*].x',
  'tolist(local.o)',
  'join(",", [[1]])',
  'merge(1)',
  'keys([1])',
  'terraform_data.x.id == "a" ? true : 1',
  '-"x"',
  'max()',
];

describe('the evaluator agrees with terraform console and tofu console', { concurrency: false }, () => {
  test('Terraform is installed where the tests expect it', () => {
    assert.ok(existsSync(TERRAFORM), `${TERRAFORM} is the HashiCorp Terraform these tests compare with`);
  });

  test(`${KNOWN.length} known expressions give Terraform's values`, () => {
    const batch = consoleOf(`jsonencode([${KNOWN.join(', ')}])`);
    if (!batch.ok) assert.fail(`terraform console failed on the table, at:\n${rowsFailingAlone(KNOWN).join('\n')}`);
    const terraformValues = JSON.parse(consoleString(batch.output)) as unknown[];
    assert.equal(terraformValues.length, KNOWN.length);
    const mismatches: string[] = [];
    KNOWN.forEach((expression, i) => {
      const ours = evaluate(expression);
      const oursText = ours instanceof Unknown || !isWhollyKnownValue(ours) ? `unknown: ${(ours as Unknown).reasons?.join('; ') ?? 'partly'}` : jsonEncode(ours);
      const theirs = JSON.stringify(terraformValues[i]);
      const theirsCanonical = jsonEncode(terraformValues[i] as Value);
      if (oursText !== theirsCanonical) mismatches.push(`${expression}\n    terraform: ${theirs}\n    evaluator: ${oursText}`);
    });
    assert.deepEqual(mismatches, []);
  });

  test(`${UNKNOWN.length} expressions Terraform leaves unknown`, () => {
    const batch = consoleOf(`[${UNKNOWN.join(', ')}]`);
    assert.ok(batch.ok, `terraform console failed on the table:\n${batch.output}`);
    const mismatches: string[] = [];
    const ourLines = UNKNOWN.map((e) => consoleText(evaluate(e), 1)).join('');
    const theirs = batch.output;
    const ours = `[\n${ourLines}]`;
    if (theirs !== ours) mismatches.push(`terraform:\n${theirs}\nevaluator:\n${ours}`);
    assert.deepEqual(mismatches, []);
  });

  test(`${LOGICAL.length} logical operations short-circuit as in OpenTofu and HCL v2.24`, () => {
    const batch = consoleOf(`[${LOGICAL.join(', ')}]`, 'tofu');
    assert.ok(batch.ok, `tofu console failed on the table:\n${batch.output}`);
    assert.equal(`[\n${LOGICAL.map((e) => consoleText(evaluate(e), 1)).join('')}]`, batch.output);
  });

  test(`the known expressions give OpenTofu's values too`, () => {
    const batch = consoleOf(`jsonencode([${KNOWN.join(', ')}])`, 'tofu');
    assert.ok(batch.ok, `tofu console failed on the table:\n${batch.output}`);
    const tofuValues = JSON.parse(consoleString(batch.output)) as Value[];
    const mismatches = KNOWN.filter(
      (expression, i) => jsonEncode(tofuValues[i]) !== (isWhollyKnownValue(evaluate(expression)) ? jsonEncode(evaluate(expression)) : 'unknown'),
    );
    assert.deepEqual(mismatches, []);
  });

  for (const expression of ERRORS) {
    test(`an error, as in Terraform: ${expression}`, () => {
      const theirs = consoleOf(expression);
      assert.equal(theirs.ok, false, `terraform console accepted ${expression}: ${theirs.output}`);
      const summary = /Error: (.+)/.exec(theirs.output)?.[1].trim() ?? '';
      const ours = evaluate(expression);
      assert.ok(isFailure(ours), `the evaluator gave ${JSON.stringify(ours)} for ${expression}`);
      const expected = summary === 'Error in function call' ? 'Call to function "' : summary === 'Invalid function argument' ? 'Invalid value for "' : summary;
      assert.ok(ours.message.toLowerCase().startsWith(expected.toLowerCase()), `Terraform: ${summary}\n${theirs.output}\nevaluator: ${ours.message}`);
    });
  }
});

/** The text of a string as the console prints it: JSON's escapes, and Go's `\xHH` and `\UHHHHHHHH`. */
function consoleString(printed: string): string {
  const asJson = printed.replace(/\\(x[0-9a-fA-F]{2}|U[0-9a-fA-F]{8}|[^])/g, (escape, what: string) => {
    if (what[0] === 'x') return `\\u00${what.slice(1)}`;
    if (what[0] === 'U') return JSON.stringify(String.fromCodePoint(parseInt(what.slice(1), 16))).slice(1, -1);
    return escape;
  });
  return JSON.parse(asJson) as string;
}

/** The rows Terraform rejects one by one: what to fix when the whole table fails. */
function rowsFailingAlone(rows: readonly string[]): string[] {
  return rows.filter((row) => !consoleOf(row).ok).map((row) => `${row}: ${consoleOf(row).output}`);
}

function isWhollyKnownValue(value: Value): boolean {
  if (value instanceof Unknown) return false;
  if (value === null || typeof value !== 'object') return true;
  return (Array.isArray(value) ? value : Object.values(value)).every(isWhollyKnownValue);
}

/** A value as terraform console prints it, for the shapes of the unknown table. */
function consoleText(value: Value, depth: number): string {
  const indent = '  '.repeat(depth);
  const line = (text: string) => `${indent}${text},\n`;
  if (value instanceof Unknown) return line('(known after apply)');
  if (value === null) return line('null');
  if (typeof value === 'string') return line(JSON.stringify(value));
  if (typeof value === 'number') return line(numberToString(value));
  if (typeof value === 'boolean') return line(String(value));
  if (Array.isArray(value)) return `${indent}[\n${value.map((v) => consoleText(v, depth + 1)).join('')}${indent}],\n`;
  const keys = Object.keys(value).sort();
  const object = value as { [key: string]: Value };
  // The console ends an object's entries without commas.
  const entry = (k: string) =>
    consoleText(object[k], depth + 1)
      .replace(/^\s*/, `${'  '.repeat(depth + 1)}${JSON.stringify(k)} = `)
      .replace(/,\n$/, '\n');
  return `${indent}{\n${keys.map(entry).join('')}${indent}},\n`;
}
