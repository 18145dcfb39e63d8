import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Parser as TsParser } from 'web-tree-sitter';
import type { ParsedHclDocument } from '../../core/src/terraform/hcl/hclParser';
import { LineIndex } from '../../core/src/terraform/hcl/lineIndex';
import { BAIL, buildModel } from '../../core/src/terraform/hcl/modelBuilder';
import type { NodeTypeIds } from '../../core/src/terraform/hcl/nodeTypes';
import type { HclBlock, HclFile, HclValue, TextChange } from '../../core/src/terraform/hcl/model';
import {
  applyChange,
  changeAt,
  describeBlocks,
  findAttribute,
  findBlock,
  fixture,
  generatedResources,
  lspLines,
  positionOf,
  random,
  textAt,
  surface,
  useHclParser,
} from './hclTestSupport';

const hcl = useHclParser();
const parse = (text: string): HclFile => hcl.parse(text);

function valueOf(text: string): HclValue {
  const file = parse(`v = ${text}\n`);
  assert.deepEqual(file.errors, []);
  return file.attributes[0].value.value;
}

function referencesOf(expression: string): string[] {
  const value = valueOf(expression);
  assert.equal(value.kind, 'expression', `${expression} should be an expression`);
  return value.kind === 'expression' ? value.references : [];
}

/** The strict model of `text` built both ways (undefined when the tree has errors). */
function bothWays(text: string): { shortcut: unknown; walked: unknown } | undefined {
  const internals = hcl.parser as unknown as { parser: TsParser; types: NodeTypeIds };
  const tree = internals.parser.parse(text);
  assert.ok(tree);
  try {
    if (tree.rootNode.hasError) return undefined;
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

describe('HclParser: structure of a realistic configuration', () => {
  const text = fixture('realistic.tf');

  test('top-level blocks, types and labels', () => {
    const file = parse(text);
    assert.deepEqual(file.errors, []);
    assert.deepEqual(file.attributes, []);
    assert.deepEqual(describeBlocks(file), [
      'terraform',
      'provider aws',
      'variable region',
      'variable instance_count',
      'locals',
      'data aws_ami ubuntu',
      'resource aws_instance web',
      'resource aws_s3_bucket logs',
      'module network',
      'moved',
      'import',
      'removed',
      'output web_ids',
    ]);
    assert.ok(file.blocks.every((b) => !b.hasErrors));
  });

  test('ranges of a resource block, its labels, braces, attributes and nested blocks', () => {
    const file = parse(text);
    const web = findBlock(file.blocks, 'resource', 'aws_instance', 'web');
    assert.equal(textAt(text, web.typeRange), 'resource');
    assert.deepEqual(
      web.labelRanges.map((r) => textAt(text, r)),
      ['"aws_instance"', '"web"'],
    );
    assert.match(textAt(text, web.range), /^resource "aws_instance" "web" \{\n[\s\S]*\n\}$/);
    assert.equal(textAt(text, web.openBraceRange!), '{');
    assert.equal(textAt(text, web.closeBraceRange!), '}');
    assert.deepEqual(web.range.end, web.closeBraceRange!.end);
    assert.deepEqual(web.openBraceRange!.start, { line: web.typeRange.start.line, character: 'resource "aws_instance" "web" '.length });

    const count = findAttribute(web, 'count');
    assert.equal(textAt(text, count.nameRange), 'count');
    assert.equal(textAt(text, count.range), 'count         = var.instance_count');
    assert.equal(textAt(text, count.value.range), 'var.instance_count');
    assert.deepEqual(surface(count.value.value), { kind: 'expression', text: 'var.instance_count', references: ['var.instance_count'] });

    assert.deepEqual(
      web.blocks.map((b) => b.type),
      ['root_block_device', 'lifecycle'],
    );
    const lifecycle = findBlock(web.blocks, 'lifecycle');
    assert.match(textAt(text, lifecycle.range), /^lifecycle \{[\s\S]*\n {2}\}$/);
    assert.deepEqual(findAttribute(lifecycle, 'create_before_destroy').value.value, { kind: 'bool', value: true });
    const ignore = findAttribute(lifecycle, 'ignore_changes').value;
    assert.equal(ignore.value.kind, 'tuple');
    if (ignore.value.kind === 'tuple') {
      assert.equal(textAt(text, ignore.value.items[0].range), 'tags["Updated"]');
      assert.deepEqual(surface(ignore.value.items[0].value), { kind: 'expression', text: 'tags["Updated"]', references: ['tags'] });
    }
  });

  test('count, for_each, dynamic blocks and template references', () => {
    const file = parse(text);
    const web = findBlock(file.blocks, 'resource', 'aws_instance', 'web');
    assert.deepEqual(surface(findAttribute(web, 'subnet_id').value.value), {
      kind: 'expression',
      text: 'aws_subnet.main[count.index].id',
      references: ['aws_subnet.main', 'count.index'],
    });
    const tags = findAttribute(web, 'tags').value.value;
    assert.equal(tags.kind, 'expression');
    if (tags.kind === 'expression') assert.deepEqual(tags.references, ['local.common_tags', 'local.name_prefix', 'count.index']);

    const logs = findBlock(file.blocks, 'resource', 'aws_s3_bucket', 'logs');
    assert.deepEqual(surface(findAttribute(logs, 'for_each').value.value), { kind: 'expression', text: 'toset(["a", "b"])', references: [] });
    assert.deepEqual(surface(findAttribute(logs, 'bucket').value.value), { kind: 'expression', text: '"logs-${each.value}"', references: ['each.value'] });
    const dynamic = findBlock(logs.blocks, 'dynamic', 'cors_rule');
    const content = findBlock(dynamic.blocks, 'content');
    assert.deepEqual(surface(findAttribute(content, 'max_age_seconds').value.value), {
      kind: 'expression',
      text: 'cors_rule.value',
      references: ['cors_rule.value'],
    });
  });

  test('variable with validation, locals, module, moved, import, removed, output', () => {
    const file = parse(text);
    const count = findBlock(file.blocks, 'variable', 'instance_count');
    assert.deepEqual(findAttribute(count, 'default').value.value, { kind: 'number', value: 2, text: '2' });
    const validation = findBlock(count.blocks, 'validation');
    const condition = findAttribute(validation, 'condition').value.value;
    assert.deepEqual(surface(condition), {
      kind: 'expression',
      text: 'var.instance_count >= 0 && var.instance_count < 10',
      references: ['var.instance_count'],
    });

    const locals = findBlock(file.blocks, 'locals');
    const tags = findAttribute(locals, 'common_tags').value.value;
    assert.equal(tags.kind, 'object');
    if (tags.kind === 'object') {
      assert.deepEqual(
        tags.entries.map((e) => [e.key, e.keyIsLiteral, textAt(text, e.keyRange), e.value.value]),
        [
          ['Project', true, 'Project', { kind: 'string', value: 'immutable' }],
          ['Owner', true, '"Owner"', { kind: 'string', value: 'platform' }],
        ],
      );
    }
    const ports = findAttribute(locals, 'ports').value.value;
    assert.equal(ports.kind, 'tuple');
    if (ports.kind === 'tuple') {
      assert.deepEqual(
        ports.items.map((i) => [textAt(text, i.range), i.value]),
        [
          ['80', { kind: 'number', value: 80, text: '80' }],
          ['443', { kind: 'number', value: 443, text: '443' }],
          ['8080', { kind: 'number', value: 8080, text: '8080' }],
        ],
      );
    }

    const network = findBlock(file.blocks, 'module', 'network');
    assert.deepEqual(findAttribute(network, 'source').value.value, { kind: 'string', value: './modules/network' });
    assert.deepEqual(surface(findAttribute(network, 'subnets').value.value), {
      kind: 'expression',
      text: '[for i, p in local.ports : cidrsubnet("10.0.0.0/16", 8, i)]',
      references: ['local.ports'],
    });

    const moved = findBlock(file.blocks, 'moved');
    assert.deepEqual(
      moved.attributes.map((a) => [a.name, a.value.value.kind === 'expression' ? a.value.value.references : a.value.value]),
      [
        ['from', ['aws_instance.old']],
        ['to', ['aws_instance.web']],
      ],
    );
    const imported = findBlock(file.blocks, 'import');
    assert.deepEqual(surface(findAttribute(imported, 'to').value.value), { kind: 'expression', text: 'aws_s3_bucket.logs["a"]', references: ['aws_s3_bucket.logs'] });
    assert.deepEqual(findAttribute(imported, 'id').value.value, { kind: 'string', value: 'logs-a' });
    const removed = findBlock(file.blocks, 'removed');
    assert.deepEqual(findAttribute(findBlock(removed.blocks, 'lifecycle'), 'destroy').value.value, { kind: 'bool', value: false });
    const output = findBlock(file.blocks, 'output', 'web_ids');
    assert.deepEqual(surface(findAttribute(output, 'value').value.value), { kind: 'expression', text: 'aws_instance.web[*].id', references: ['aws_instance.web'] });
  });

  test('every range of the model lies inside the text and starts before it ends', () => {
    const file = parse(text);
    const lines = lspLines(text);
    const check = (r: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
      assert.ok(r.start.line < lines.length && r.start.character <= lines[r.start.line].length, JSON.stringify(r));
      assert.ok(r.end.line < lines.length && r.end.character <= lines[r.end.line].length, JSON.stringify(r));
      assert.ok(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), JSON.stringify(r));
    };
    const walk = (value: HclValue) => {
      if (value.kind === 'tuple') {
        for (const item of value.items) {
          check(item.range);
          walk(item.value);
        }
      }
      if (value.kind === 'object') {
        for (const entry of value.entries) {
          check(entry.keyRange);
          check(entry.value.range);
          walk(entry.value.value);
        }
      }
    };
    const visit = (b: HclFile['blocks'][number]) => {
      [b.typeRange, b.range, ...b.labelRanges].forEach(check);
      for (const a of b.attributes) {
        [a.nameRange, a.range, a.value.range].forEach(check);
        walk(a.value.value);
      }
      b.blocks.forEach(visit);
    };
    file.blocks.forEach(visit);
  });
});

describe('HclParser: references', () => {
  test('traversals, without index or splat steps, deduplicated, in order', () => {
    assert.deepEqual(referencesOf('aws_instance.web[0].id'), ['aws_instance.web']);
    assert.deepEqual(referencesOf('module.net.subnet_ids[*].id'), ['module.net.subnet_ids']);
    assert.deepEqual(referencesOf('aws_instance.web.*.id'), ['aws_instance.web']);
    assert.deepEqual(referencesOf('data.aws_ami.ubuntu.id'), ['data.aws_ami.ubuntu.id']);
    assert.deepEqual(referencesOf('var.x.y["z"].w'), ['var.x.y']);
    assert.deepEqual(referencesOf('var.a == var.a ? path.module : terraform.workspace'), ['var.a', 'path.module', 'terraform.workspace']);
    assert.deepEqual(referencesOf('lookup(var.map, each.key, count.index)'), ['var.map', 'each.key', 'count.index']);
    assert.deepEqual(referencesOf('-var.n'), ['var.n']);
    assert.deepEqual(referencesOf('local.list[var.i]'), ['local.list', 'var.i']);
    assert.deepEqual(referencesOf('provider::aws::arn_parse(var.arn)'), ['var.arn']);
    assert.deepEqual(referencesOf('self.private_ip'), ['self.private_ip']);
  });

  test('templates, simple and not', () => {
    assert.deepEqual(referencesOf('"${var.a}${var.a}-${local.b}"'), ['var.a', 'local.b']);
    assert.deepEqual(referencesOf('"${upper(var.a)}-${local.b}"'), ['var.a', 'local.b']);
    assert.deepEqual(referencesOf('"${ var.spaced }"'), ['var.spaced']);
    assert.deepEqual(referencesOf('"%{ if var.on }on%{ else }${local.off}%{ endif }"'), ['var.on', 'local.off']);
    assert.deepEqual(referencesOf('<<EOT\n${var.h}\nEOT'), ['var.h']);
  });

  test('for expressions and template for directives do not report their iterator variables', () => {
    assert.deepEqual(referencesOf('[for k, v in var.m : "${k}-${v.name}" if v.enabled]'), ['var.m']);
    assert.deepEqual(referencesOf('{ for k, v in local.x : k => v... }'), ['local.x']);
    assert.deepEqual(referencesOf('[for x in var.xs : [for y in x.children : y.id if y != x]]'), ['var.xs']);
    assert.deepEqual(referencesOf('[for x in var.xs : x + var.offset]'), ['var.xs', 'var.offset']);
    assert.deepEqual(referencesOf('"%{ for s in var.list }${s}-${local.sep}%{ endfor }"'), ['var.list', 'local.sep']);
    // The collection is read in the outer scope: `x` here is a real reference.
    assert.deepEqual(referencesOf('[for x in x.items : x]'), ['x.items']);
  });

  test('object keys: bare names are keys, parenthesised keys are expressions', () => {
    const value = valueOf('{ name = var.n, (local.k) = 1, "q" = true }');
    assert.equal(value.kind, 'object');
    if (value.kind !== 'object') return;
    assert.deepEqual(
      value.entries.map((e) => [e.key, e.keyIsLiteral]),
      [
        ['name', true],
        ['(local.k)', false],
        ['q', true],
      ],
    );
    assert.deepEqual(surface(value.entries[0].value.value), { kind: 'expression', text: 'var.n', references: ['var.n'] });
    assert.deepEqual(referencesOf('merge({ name = var.n }, { (local.k) = 1 })'), ['var.n', 'local.k']);
  });
});

describe('HclParser: values', () => {
  test('literals and the unary forms HCL folds', () => {
    assert.deepEqual(valueOf('-1'), { kind: 'number', value: -1, text: '-1' });
    assert.deepEqual(valueOf('- 7'), { kind: 'number', value: -7, text: '-7' });
    assert.deepEqual(valueOf('1e3'), { kind: 'number', value: 1000, text: '1e3' });
    assert.deepEqual(valueOf('1.e3'), { kind: 'number', value: 1000, text: '1.e3' });
    assert.deepEqual(valueOf('12345678901234567890'), { kind: 'number', value: 12345678901234567890, text: '12345678901234567890' });
    assert.deepEqual(valueOf('!true'), { kind: 'bool', value: false });
    assert.deepEqual(valueOf('null'), { kind: 'null' });
    assert.deepEqual(surface(valueOf('(1)')), { kind: 'expression', text: '(1)', references: [] });
    assert.deepEqual(surface(valueOf('--1')), { kind: 'expression', text: '--1', references: [] });
    assert.deepEqual(valueOf('"$$${x}"'), { kind: 'string', value: '$${x}' });
  });

  test('a tuple or object with an expression keeps its literal parts', () => {
    const value = valueOf('[1, var.x, { a = "s", b = local.y }]');
    assert.equal(value.kind, 'tuple');
    if (value.kind !== 'tuple') return;
    assert.deepEqual(value.items[0].value, { kind: 'number', value: 1, text: '1' });
    assert.deepEqual(surface(value.items[1].value), { kind: 'expression', text: 'var.x', references: ['var.x'] });
    const object = value.items[2].value;
    assert.equal(object.kind, 'object');
    if (object.kind === 'object') {
      assert.deepEqual(object.entries[0].value.value, { kind: 'string', value: 's' });
      assert.deepEqual(surface(object.entries[1].value.value), { kind: 'expression', text: 'local.y', references: ['local.y'] });
    }
  });

  test('a top-level attribute, a one-line block, bare labels', () => {
    const text = 'answer = 42\nlocals { x = 1 }\nthing bare "quoted" {}\n';
    const file = parse(text);
    assert.deepEqual(file.errors, []);
    assert.deepEqual(
      file.attributes.map((a) => a.name),
      ['answer'],
    );
    assert.deepEqual(findAttribute(findBlock(file.blocks, 'locals'), 'x').value.value, { kind: 'number', value: 1, text: '1' });
    const thing = findBlock(file.blocks, 'thing');
    assert.deepEqual(thing.labels, ['bare', 'quoted']);
    assert.deepEqual(
      thing.labelRanges.map((r) => textAt(text, r)),
      ['bare', '"quoted"'],
    );
  });
});

describe('HclParser: positions are LSP positions (UTF-16 columns)', () => {
  test('non-ASCII text before an attribute on the same line', () => {
    const text = 'resource "t" "é😀" { b = "é😀" }\nlocals {\n  tags = { a = "é😀", n = 1 }\n}\n';
    const file = parse(text);
    assert.deepEqual(file.errors, []);
    const resource = findBlock(file.blocks, 'resource', 't', 'é😀');
    const b = findAttribute(resource, 'b');
    const line0 = lspLines(text)[0];
    assert.deepEqual(b.nameRange.start, { line: 0, character: line0.indexOf('b =') });
    assert.equal(b.nameRange.start.character, 21); // "é" is one UTF-16 unit, "😀" two
    assert.equal(textAt(text, b.value.range), '"é😀"');
    assert.equal(textAt(text, resource.closeBraceRange!), '}');
    assert.equal(resource.closeBraceRange!.start.character, line0.length - 1);

    const tags = findAttribute(findBlock(file.blocks, 'locals'), 'tags').value.value;
    assert.equal(tags.kind, 'object');
    if (tags.kind === 'object') {
      const n = tags.entries[1];
      assert.deepEqual(n.keyRange.start, { line: 2, character: lspLines(text)[2].indexOf('n =') });
      assert.equal(textAt(text, n.value.range), '1');
    }
  });

  test('after a multi-line heredoc holding astral characters, and in the recovering parse', () => {
    const body = 'locals {\n  h = <<EOT\n😀😀\nEOT\n  x = "😀" # 😀\n  y = 1\n}\n';
    for (const text of [body, `${body}junk ]\n`]) {
      const file = parse(text);
      const locals = findBlock(file.blocks, 'locals');
      const y = findAttribute(locals, 'y');
      assert.deepEqual(y.nameRange.start, { line: 5, character: 2 });
      assert.deepEqual(findAttribute(locals, 'h').value.value, { kind: 'string', value: '😀😀\n' });
      const x = findAttribute(locals, 'x');
      assert.deepEqual(x.value.range, { start: { line: 4, character: 6 }, end: { line: 4, character: 10 } });
    }
  });

  test('a leading byte order mark is skipped, and counts as a character of line 0', () => {
    const file = parse('\ufeffresource "a" "b" {\n  x = 1\n}\n');
    assert.deepEqual(file.errors, []);
    assert.deepEqual(file.blocks[0].typeRange, { start: { line: 0, character: 1 }, end: { line: 0, character: 9 } });
  });

  test('CRLF line endings', () => {
    const text = 'resource "a" "b" {\r\n  x = "1"\r\n  h = <<EOT\r\n  two\r\nEOT\r\n}\r\n';
    const file = parse(text);
    assert.deepEqual(file.errors, []);
    const block = findBlock(file.blocks, 'resource', 'a', 'b');
    assert.deepEqual(findAttribute(block, 'x').nameRange.start, { line: 1, character: 2 });
    assert.deepEqual(findAttribute(block, 'h').value.value, { kind: 'string', value: '  two\r\n' });
    assert.deepEqual(block.closeBraceRange!.start, { line: 5, character: 0 });
  });
});

describe('HclParser: the model builder reads simple items off the text as the tree walk does', () => {
  test('fixtures, generated blocks, every literal of the corpus alone in a block', () => {
    const texts = [fixture('realistic.tf'), fixture('realistic.tf').replace(/\n/g, '\r\n'), generatedResources(6), generatedResources(6, '\r\n')];
    const literalLines = lspLines(fixture('literals.tf')).filter((l) => /^\w+ = /.test(l));
    assert.ok(literalLines.length > 50);
    for (const line of literalLines) texts.push(`locals {\n  ${line}\n  other = 1\n}\n`);
    texts.push(
      [
        'resource "a" "b" {\t\r\n',
        '\tname-with-dashes = "x"   \r\n',
        '  \t\r\n',
        '  n = - 7\r',
        '  t = !true\n',
        '  r = data.x.y.z\n',
        '  q = "$${not} %%{this} ${var.x}/${ path.module }"\n',
        '  é = 1\n',
        '  c = 2 # comment\n',
        '  e = null\n',
        '  \n',
        '  }',
        '\nthing {\n  a = true\n}\nthing {\n  a = tru\n  b = a\n}\nx {\n}\n',
      ].join(''),
    );
    // Collections read off the text (tags maps, trigger lists) and their near misses, which are walked.
    texts.push(
      [
        'resource "a" "b" {\n',
        '  tags = {\n    Name = "web"\n    "kubernetes.io/role" = "x"\n\n    n-1 = 2\n    t = true\n    q = "${var.x}-y"\n    r = var.z\n  }\n',
        '  empty = {}\n  empty2 = {  }\n  none = []\n',
        '  list = ["a", 1, -2, !false, null, var.x, "$${esc}", "t-${count.index}",]\n',
        '  list2 = [ "a" , "b" ]\n',
        '  nested = [["a"], "b"]\n',
        '  commented = {\n    a = 1 # why\n  }\n',
        '  commas = {\n    a = 1,\n    b = 2\n  }\n',
        '  colon = {\n    a : 1\n  }\n',
        '  inline = { a = 1 }\n',
        '  keys = {\n    null = 1\n    true = 2\n    "${k}" = 3\n    3 = 4\n  }\n',
        '  multi = [\n    "a",\n  ]\n',
        '  deep = {\n    a = {\n      b = 1\n    }\n    c = ["x"]\n  }\n',
        '  forx = [for s in var.l : s]\n',
        '  index = [a.b[0], "x"]\n',
        '}\n',
      ].join(''),
    );
    let compared = 0;
    for (const text of texts) {
      const both = bothWays(text);
      if (!both) continue;
      assert.deepStrictEqual(both.shortcut, both.walked, text);
      if (both.shortcut !== 'bail') compared++;
    }
    assert.ok(compared > 40, `${compared} texts compared`);
  });
});

describe('HclParser: incremental reparse', () => {
  // The realistic configuration, strings with escapes and the heredocs of the literal corpus.
  const literals = lspLines(fixture('literals.tf'));
  const corpus = [fixture('realistic.tf'), ...literals.slice(4, 40), ...literals.slice(literals.indexOf('# Heredocs'), literals.indexOf('f_tabs = <<-EOT')), ''].join(
    '\n',
  );

  function apply(text: string, change: TextChange): string {
    const lines = lspLines(text);
    const offset = (p: { line: number; character: number }) => {
      let o = 0;
      for (let l = 0; l < p.line; l++) o += lines[l].length + 1; // the corpus uses \n only
      return o + p.character;
    };
    return text.slice(0, offset(change.range.start)) + change.text + text.slice(offset(change.range.end));
  }

  test('random single-character insertions and deletions give the model of a full parse', () => {
    const next = random(20240611);
    const alphabet = ['{', '}', '"', '=', '\n', '[', ']', '$', '%', '#', 'a', '1', ' ', '<', '(', ')', '\\', 'e', '.', '-', '*', '/', ':', ','];
    let text = corpus;
    let doc = hcl.parser.parse(text);
    let withErrors = 0;
    const iterations = 300;
    for (let i = 0; i < iterations; i++) {
      if (i % 8 === 0) {
        doc.dispose();
        text = corpus;
        doc = hcl.parser.parse(text);
      }
      const at = Math.floor(next() * (text.length + 1));
      const remove = next() < 0.5 && at < text.length;
      const change: TextChange = remove
        ? { range: { start: positionOf(text, at), end: positionOf(text, at + 1) }, text: '' }
        : { range: { start: positionOf(text, at), end: positionOf(text, at) }, text: alphabet[Math.floor(next() * alphabet.length)] };
      const newText = apply(text, change);
      const before = JSON.stringify(doc.file);
      const incremental = hcl.parser.reparse(doc, newText, [change]);
      const full = hcl.parser.parse(newText);
      assert.deepStrictEqual(incremental.file, full.file, `edit ${i}: ${JSON.stringify(change)}`);
      assert.equal(JSON.stringify(doc.file), before, `edit ${i} changed the previous model`);
      assert.equal(incremental.text, newText);
      if (full.file.errors.length) withErrors++;
      full.dispose();
      doc.dispose();
      doc = incremental;
      text = newText;
    }
    doc.dispose();
    // Both parses (direct and recovering) must have been exercised.
    assert.ok(withErrors > 20 && withErrors < iterations, `${withErrors} of ${iterations} texts had errors`);
  });

  /** Where each top-level block lies in `text`, as offsets. */
  function blockSpans(text: string, file: HclFile): Array<{ block: HclBlock; start: number; end: number }> {
    const lines = new LineIndex(text);
    return file.blocks.map((block) => ({ block, start: lines.offsetAt(block.range.start), end: lines.offsetAt(block.range.end) }));
  }

  // Valid HCL the recovering parse reads (a number with an exponent) is rebuilt on every reparse.
  const RECOVERED_WITHOUT_ERROR = /[0-9]\.?[eE]/;

  for (const eol of ['\n', '\r\n']) {
    test(`random edits with line breaks (${JSON.stringify(eol)}): the model of a full parse, the unchanged blocks reused`, () => {
      const next = random(eol === '\n' ? 77 : 78);
      const pieces = [
        '{',
        '}',
        '"',
        '=',
        eol,
        eol + eol,
        '[',
        ']',
        '#',
        'a',
        '1',
        ' ',
        '(',
        ')',
        'e',
        '.',
        ',',
        'x = 1' + eol,
        '}' + eol,
        `resource "t" "n" {${eol}`,
        '/*',
        '*/',
        '<<EOT' + eol,
      ];
      const start = [fixture('realistic.tf').replace(/\n/g, eol), generatedResources(24, eol)].join(eol);
      let text = start;
      let doc = hcl.parser.parse(text);
      const counts = { withErrors: 0, inLine: 0, withLineBreaks: 0, reusedBlocks: 0, builtBlocks: 0 };
      const iterations = 200;
      /** Offsets where `pattern` matches in `text`, plus `shift`. */
      const places = (pattern: RegExp, shift: number) => [...text.matchAll(pattern)].map((m) => m.index + shift);
      const pick = <T>(list: T[]): T | undefined => list[Math.floor(next() * list.length)];
      for (let i = 0; i < iterations; i++) {
        if (i % 6 === 0) {
          doc.dispose();
          text = start;
          doc = hcl.parser.parse(text);
        }
        // Random damage, and edits that keep the file valid (typing inside a string, adding or
        // removing a blank line), which the reuse is mostly about.
        let at = Math.floor(next() * (text.length + 1));
        let end = at;
        let insert = '';
        const kind = next();
        if (kind < 0.15) {
          end = Math.min(text.length, at + 1 + Math.floor(next() * 6));
          if (next() < 0.5) insert = pick(pieces)!;
        } else if (kind < 0.25) {
          insert = pick(pieces)!;
        } else if (kind < 0.7) {
          at = end = pick(places(/= "/g, 3)) ?? at;
          insert = pick(['a', 'Z', '1', ' ', '-'])!;
        } else if (kind < 0.9) {
          at = end = pick(places(new RegExp(eol, 'g'), 0)) ?? at;
          insert = eol;
        } else {
          at = pick(places(new RegExp(eol + eol, 'g'), 0)) ?? at;
          end = Math.min(text.length, at + eol.length);
        }
        // Never split a \r\n pair: editors do not, and LSP positions cannot address its middle.
        if ((at > 0 && text[at - 1] === '\r' && text[at] === '\n') || (end > 0 && text[end - 1] === '\r' && text[end] === '\n')) continue;
        const change = changeAt(text, at, end, insert);
        const newText = applyChange(text, change);
        const before = JSON.stringify(doc.file);
        const incremental = hcl.parser.reparse(doc, newText, [change]);
        const full = hcl.parser.parse(newText);
        assert.deepStrictEqual(incremental.file, full.file, `edit ${i}: ${JSON.stringify(change)}`);
        // The previous document is not changed by the reparse (its objects are shared).
        assert.equal(JSON.stringify(doc.file), before, `edit ${i} changed the previous model`);
        if (full.file.errors.length) counts.withErrors++;
        // The text shortcuts of the builder agree with the tree walk on these texts too.
        const both = bothWays(newText);
        if (both) assert.deepStrictEqual(both.shortcut, both.walked, `edit ${i}: ${JSON.stringify(change)}`);

        // Identity: an edit strictly inside block k leaves every block before it as it was, and,
        // when it adds or removes no line, every block after it too.
        const previous = blockSpans(text, doc.file);
        const k = previous.findIndex((b) => b.start < at && end < b.end);
        if (k >= 0 && doc.file.errors.length === 0 && full.file.errors.length === 0 && incremental.file.blocks.length === previous.length) {
          const lineBreaks = /[\r\n]/.test(text.slice(at, end) + insert);
          if (lineBreaks) counts.withLineBreaks++;
          else counts.inLine++;
          previous.forEach(({ block, start: s, end: e }, j) => {
            if (j === k || (lineBreaks && j > k) || RECOVERED_WITHOUT_ERROR.test(text.slice(s, e))) return;
            assert.equal(incremental.file.blocks[j], block, `edit ${i}: ${JSON.stringify(change)}: block ${j} (${describeBlocks(doc.file)[j]}) was not reused`);
          });
        }
        const reused = new Set(doc.file.blocks);
        for (const block of incremental.file.blocks) {
          if (reused.has(block)) counts.reusedBlocks++;
          else counts.builtBlocks++;
        }
        full.dispose();
        doc.dispose();
        doc = incremental;
        text = newText;
      }
      doc.dispose();
      assert.ok(counts.withErrors > 20 && counts.withErrors < iterations - 40, JSON.stringify(counts));
      assert.ok(counts.inLine > 30 && counts.withLineBreaks > 15, JSON.stringify(counts));
      // Not reused: blocks edited, shifted by a line break before them, or in a damaged part.
      assert.ok(counts.reusedBlocks > 2 * counts.builtBlocks, JSON.stringify(counts));
    });
  }

  /** Reparses `doc` after replacing [start, end) by `insert`; checks the result against a full parse. */
  function edit(doc: ParsedHclDocument, start: number, end: number, insert: string): ParsedHclDocument {
    const change = changeAt(doc.text, start, end, insert);
    const newText = applyChange(doc.text, change);
    const before = JSON.stringify(doc.file);
    const next = hcl.parser.reparse(doc, newText, [change]);
    hcl.keep(next);
    assert.deepStrictEqual(next.file, parse(newText));
    assert.equal(JSON.stringify(doc.file), before);
    return next;
  }

  /** For each block of `after`: 'S' when it is the very object of `before`, '.' when not. */
  function sameObjects(before: ParsedHclDocument, after: ParsedHclDocument): string {
    const previous = new Set(before.file.blocks);
    return after.file.blocks.map((b) => (previous.has(b) ? 'S' : '.')).join('');
  }

  for (const eol of ['\n', '\r\n']) {
    const text = generatedResources(12, eol);
    const inBlock = (k: number, what: string) => text.indexOf(what, text.indexOf(`_${k}" {`));

    test(`an edit inside one block rebuilds that block only (${JSON.stringify(eol)})`, () => {
      const doc = hcl.parser.parse(text);
      hcl.keep(doc);
      // In a string, then in a nested block's number.
      const one = edit(doc, inBlock(4, '"c 4"') + 3, inBlock(4, '"c 4"') + 4, '44');
      assert.equal(sameObjects(doc, one), 'SSSS.SSSSSSS');
      assert.deepEqual(findAttribute(one.file.blocks[4], 'content').value.value, { kind: 'string', value: 'c 44' });
      const at = one.text.indexOf('volume_size = 70') + 'volume_size = '.length;
      const two = edit(one, at, at + 2, '8');
      assert.equal(sameObjects(one, two), 'SSSSSSS.SSSS');
      // Unchanged: not even a copy.
      assert.equal(two.file.blocks[11], doc.file.blocks[11]);
    });

    test(`a line break inserted or deleted inside a block: the blocks after it are shifted copies (${JSON.stringify(eol)})`, () => {
      const doc = hcl.parser.parse(text);
      hcl.keep(doc);
      const lineEnd = text.indexOf(eol, inBlock(5, 'count = var.n'));
      const more = edit(doc, lineEnd, lineEnd, eol);
      assert.equal(sameObjects(doc, more), 'SSSSS.......');
      for (let k = 6; k < 12; k++) {
        assert.equal(more.file.blocks[k].range.start.line, doc.file.blocks[k].range.start.line + 1);
        assert.equal(more.file.blocks[k].blocks.length, doc.file.blocks[k].blocks.length);
      }
      // And back: the blank line deleted.
      const less = edit(more, lineEnd, lineEnd + eol.length, '');
      assert.equal(sameObjects(more, less), 'SSSSS.......');
      assert.deepStrictEqual(less.file, doc.file);
      // A blank line between two blocks: no block edited at all.
      const between = text.indexOf(eol + eol, inBlock(8, '}' + eol)) + eol.length;
      const gap = edit(doc, between, between + eol.length, '');
      assert.equal(sameObjects(doc, gap), 'SSSSSSSSS...');
    });

    test(`edits at the edge of a block, splitting and merging blocks (${JSON.stringify(eol)})`, () => {
      const doc = hcl.parser.parse(text);
      hcl.keep(doc);
      // A space after a block's closing brace, on its line: that block's text did not change.
      const close = text.indexOf(eol + eol, inBlock(3, 'lifecycle'));
      assert.equal(text[close - 1], '}');
      assert.equal(sameObjects(doc, edit(doc, close, close, ' ')), 'SSSSSSSSSSSS');
      // Typing right before a block's type (same line): that block is rebuilt.
      const typeStart = text.indexOf('resource', close);
      assert.equal(sameObjects(doc, edit(doc, typeStart, typeStart, ' ')), 'SSSS.SSSSSSS');
      // Splitting block 6 in two.
      const split = text.indexOf(eol, inBlock(6, 'content')) + eol.length;
      const two = edit(doc, split, split, `}${eol}${eol}resource "local_file" "split" {${eol}`);
      assert.deepEqual(describeBlocks(two.file).slice(6, 8), ['resource local_file file_6', 'resource local_file split']);
      assert.equal(sameObjects(doc, two), 'SSSSSS.......');
      // Merging blocks 6 and 7: block 6's closing brace deleted (an error: 7 is swallowed, the
      // recovery splits it off again), then block 7's header deleted.
      const end6 = text.lastIndexOf('}', text.indexOf('# instance 7'));
      const open7 = inBlock(7, '{') + 1;
      const broken = edit(doc, end6, end6 + 1, '');
      assert.ok(broken.file.errors.length > 0);
      assert.equal(sameObjects(doc, broken).slice(0, 6), 'SSSSSS');
      const merged = edit(doc, end6, open7, '');
      assert.deepEqual(merged.file.errors, []);
      assert.equal(merged.file.blocks.length, 11);
      assert.equal(sameObjects(doc, merged), 'SSSSSS.....');
    });

    test(`an edit that breaks a block, then the edit that repairs it (${JSON.stringify(eol)})`, () => {
      const doc = hcl.parser.parse(text);
      hcl.keep(doc);
      // An unterminated string: tree-sitter pairs its quote with the next one in the file and
      // garbles every block after it; the recovery keeps the previous objects for them.
      const at = inBlock(4, '"c 4"') + 4;
      const broken = edit(doc, at, at + 1, '');
      assert.ok(broken.file.errors.some((e) => /Missing closing quote/.test(e.message)));
      assert.equal(sameObjects(doc, broken), 'SSSS.SSSSSSS');
      const repaired = edit(broken, at, at, '"');
      assert.deepEqual(repaired.file.errors, []);
      assert.equal(sameObjects(broken, repaired), 'SSSS.SSSSSSS');
      assert.equal(repaired.file.blocks[11], doc.file.blocks[11]);
    });
  }

  test('a reused block flagged by an error in the new text is copied, the previous document left alone', () => {
    const text = 'resource "a" "one" {\n}\nresource "a" "two" {\n}\n';
    const doc = hcl.parser.parse(text);
    hcl.keep(doc);
    // `}resource`: a missing line break, reported at the start of "two" (where "one" ends too).
    const joined = edit(doc, text.indexOf('\nresource "a" "two"'), text.indexOf('resource "a" "two"'), '');
    assert.deepEqual(
      joined.file.blocks.map((b) => b.hasErrors),
      [true, true],
    );
    assert.deepEqual(
      doc.file.blocks.map((b) => b.hasErrors),
      [false, false],
    );
    assert.equal(sameObjects(doc, joined), '..');
  });

  test('a byte order mark: kept, the blocks are reused; removed, the text is parsed again', () => {
    const text = `\ufeff${generatedResources(3)}`;
    const doc = hcl.parser.parse(text);
    hcl.keep(doc);
    const at = text.indexOf('"c 2"') + 1;
    assert.equal(sameObjects(doc, edit(doc, at, at, 'x')), 'SS.');
    assert.deepEqual(sameObjects(doc, edit(doc, 0, 1, '')), '...');
  });

  test('several changes in one call, each relative to the text before it', () => {
    const text = 'resource "a" "b" {\n  x = "old"\n  y = 1\n}\n';
    const doc = hcl.parser.parse(text);
    const changes: TextChange[] = [
      { range: { start: { line: 1, character: 7 }, end: { line: 1, character: 10 } }, text: 'new' },
      { range: { start: { line: 2, character: 6 }, end: { line: 2, character: 7 } }, text: '22' },
      { range: { start: { line: 4, character: 0 }, end: { line: 4, character: 0 } }, text: 'locals {\n  z = true\n}\n' },
    ];
    const newText = changes.reduce(apply, text);
    const next = hcl.parser.reparse(doc, newText, changes);
    hcl.keep(next, doc);
    assert.deepStrictEqual(next.file, parse(newText));
    assert.deepEqual(findAttribute(next.file.blocks[0], 'x').value.value, { kind: 'string', value: 'new' });
    assert.deepEqual(describeBlocks(next.file), ['resource a b', 'locals']);
  });

  test('the previous document stays usable, and can be reparsed again differently', () => {
    const text = 'locals {\n  a = 1\n}\n';
    const doc = hcl.parser.parse(text);
    const before = JSON.stringify(doc.file);
    const change = (to: string): TextChange => ({ range: { start: { line: 1, character: 6 }, end: { line: 1, character: 7 } }, text: to });
    const two = hcl.parser.reparse(doc, 'locals {\n  a = 2\n}\n', [change('2')]);
    const three = hcl.parser.reparse(doc, 'locals {\n  a = 3\n}\n', [change('3')]);
    hcl.keep(doc, two, three);
    assert.equal(JSON.stringify(doc.file), before);
    assert.deepEqual(findAttribute(two.file.blocks[0], 'a').value.value, { kind: 'number', value: 2, text: '2' });
    assert.deepEqual(findAttribute(three.file.blocks[0], 'a').value.value, { kind: 'number', value: 3, text: '3' });
  });

  test('dispose is idempotent; a disposed or inconsistent previous document means a full parse', () => {
    const doc = hcl.parser.parse('a = 1\n');
    doc.dispose();
    doc.dispose();
    assert.deepEqual(doc.file.attributes[0].value.value, { kind: 'number', value: 1, text: '1' });
    const change: TextChange = { range: { start: { line: 0, character: 4 }, end: { line: 0, character: 5 } }, text: '2' };
    const after = hcl.parser.reparse(doc, 'a = 2\n', [change]);
    hcl.keep(after);
    assert.deepEqual(after.file.attributes[0].value.value, { kind: 'number', value: 2, text: '2' });
    // Changes that do not produce the new text: the new text wins.
    const wrong = hcl.parser.reparse(after, 'b = 3\n', [change]);
    hcl.keep(wrong);
    assert.deepStrictEqual(wrong.file, parse('b = 3\n'));
  });
});
