import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Expression } from '../../core/src/terraform/hcl/expression';
import type { HclBlock, HclFile, HclValue } from '../../core/src/terraform/hcl/model';
import { describeBlocks, findAttribute, findBlock, fixture, lspLines, random, textAt, useHclParser, surface } from './hclTestSupport';

const hcl = useHclParser();
const parse = (text: string): HclFile => hcl.parse(text);

const B = 'resource "local_file" "b" {\n  content = "y"\n}\n';

/** Block b of the snippets, as a clean parse reads it (positions shifted to `line`). */
function assertIntactB(file: HclFile, line: number): void {
  const b = findBlock(file.blocks, 'resource', 'local_file', 'b');
  assert.equal(b.hasErrors, false);
  assert.deepEqual(b.range, { start: { line, character: 0 }, end: { line: line + 2, character: 1 } });
  assert.deepEqual(b.closeBraceRange, { start: { line: line + 2, character: 0 }, end: { line: line + 2, character: 1 } });
  assert.deepEqual(findAttribute(b, 'content').value.value, { kind: 'string', value: 'y' });
}

function messages(file: HclFile): string[] {
  return file.errors.map((e) => e.message);
}

describe('HclParser: error tolerance', () => {
  test('a block missing its closing brace does not swallow the next block', () => {
    const text = `resource "local_file" "a" {\n  content = "x"\n\n${B}`;
    const file = parse(text);
    assert.deepEqual(describeBlocks(file), ['resource local_file a', 'resource local_file b']);
    const a = file.blocks[0];
    assert.equal(a.hasErrors, true);
    assert.equal(a.closeBraceRange, undefined);
    assert.equal(textAt(text, a.openBraceRange!), '{');
    assert.equal(textAt(text, a.range), 'resource "local_file" "a" {\n  content = "x"');
    assert.deepEqual(findAttribute(a, 'content').value.value, { kind: 'string', value: 'x' });
    assertIntactB(file, 3);
    assert.deepEqual(file.errors, [{ range: a.openBraceRange, message: 'Missing "}" to close block resource "local_file" "a"' }]);
  });

  test('an argument without a value', () => {
    const text = `resource "local_file" "a" {\n  content = "x"\n  file_permission = \n}\n\n${B}`;
    const file = parse(text);
    const a = findBlock(file.blocks, 'resource', 'local_file', 'a');
    assert.equal(a.hasErrors, true);
    assert.equal(textAt(text, a.closeBraceRange!), '}');
    assert.deepEqual(findAttribute(a, 'content').value.value, { kind: 'string', value: 'x' });
    const permission = findAttribute(a, 'file_permission');
    assert.deepEqual(surface(permission.value.value), { kind: 'expression', text: '', references: [] });
    assert.deepEqual(permission.value.range, { start: { line: 2, character: 19 }, end: { line: 2, character: 19 } });
    assert.deepEqual(syntaxTree(permission.value.value), { type: 'unsupported', text: '', range: permission.value.range });
    assertIntactB(file, 5);
    assert.deepEqual(messages(file), ['Missing value for argument "file_permission"']);
    assert.equal(textAt(text, file.errors[0].range), 'file_permission =');
  });

  test('junk between blocks', () => {
    const text = `resource "local_file" "a" {\n  content = "x"\n}\njunk junk ]\n${B}`;
    const file = parse(text);
    assert.deepEqual(describeBlocks(file), ['resource local_file a', 'resource local_file b']);
    assert.equal(file.blocks[0].hasErrors, false);
    assertIntactB(file, 4);
    assert.deepEqual(file.errors, [{ range: { start: { line: 3, character: 0 }, end: { line: 3, character: 11 } }, message: 'Syntax error: unexpected "junk junk ]"' }]);
  });

  test('junk inside a block: consecutive lines make one error, the block keeps its arguments', () => {
    const text = `resource "local_file" "a" {\n  content = "x"\n  file_perm\n  ]]\n  filename = "f"\n}\n${B}`;
    const file = parse(text);
    const a = findBlock(file.blocks, 'resource', 'local_file', 'a');
    assert.equal(a.hasErrors, true);
    assert.deepEqual(
      a.attributes.map((x) => x.name),
      ['content', 'filename'],
    );
    assert.equal(file.errors.length, 1);
    assert.match(file.errors[0].message, /^Syntax error: unexpected "file_perm"/);
    assert.deepEqual(file.errors[0].range, { start: { line: 2, character: 2 }, end: { line: 3, character: 4 } });
    assertIntactB(file, 6);
  });

  test('an unterminated string ends at its line', () => {
    const text = `resource "local_file" "a" {\n  content = "abc\n  filename = "f"\n}\n\n${B}`;
    const file = parse(text);
    const a = findBlock(file.blocks, 'resource', 'local_file', 'a');
    assert.equal(a.hasErrors, true);
    assert.deepEqual(findAttribute(a, 'content').value, {
      range: { start: { line: 1, character: 12 }, end: { line: 1, character: 16 } },
      value: { kind: 'string', value: 'abc' },
    });
    assert.deepEqual(findAttribute(a, 'filename').value.value, { kind: 'string', value: 'f' });
    assertIntactB(file, 5);
    assert.deepEqual(messages(file), ['Missing closing quote: a quoted string must end on the line where it starts']);
  });

  test('an interpolation missing its "}" and a call missing its ")"', () => {
    const text = `resource "local_file" "a" {\n  content = "\${var.x"\n  filename = format("%s", \n}\n${B}`;
    const file = parse(text);
    const a = findBlock(file.blocks, 'resource', 'local_file', 'a');
    assert.equal(a.hasErrors, true);
    assert.deepEqual(surface(findAttribute(a, 'content').value.value), { kind: 'expression', text: '"${var.x"', references: ['var.x'] });
    assert.deepEqual(surface(findAttribute(a, 'filename').value.value), { kind: 'expression', text: 'format("%s",', references: [] });
    // A broken expression has no tree to evaluate, however much of it reads well.
    assert.equal(syntaxTree(findAttribute(a, 'content').value.value)?.type, 'unsupported');
    assert.equal(syntaxTree(findAttribute(a, 'filename').value.value)?.type, 'unsupported');
    assert.equal(textAt(text, a.closeBraceRange!), '}');
    assertIntactB(file, 4);
    assert.deepEqual(messages(file), ['Missing "}" to close the interpolation "${"', 'Missing ")" to close "("']);
  });

  test('an unterminated heredoc, an unterminated comment', () => {
    const heredoc = parse(`resource "local_file" "a" {\n  content = <<EOT\n  hello\n}\n\n${B}`);
    assert.deepEqual(surface(findAttribute(heredoc.blocks[0], 'content').value.value), { kind: 'expression', text: '', references: [] });
    assert.equal(heredoc.blocks[0].hasErrors, true);
    assert.ok(heredoc.blocks[0].closeBraceRange);
    assertIntactB(heredoc, 5);
    assert.equal(messages(heredoc)[0], 'Unterminated heredoc: no line closes "<<EOT" with "EOT"');

    const comment = parse(`resource "local_file" "a" {\n  content = "x" /* oops\n  filename = "f"\n}\n\n${B}`);
    assert.deepEqual(
      comment.blocks[0].attributes.map((x) => x.name),
      ['content', 'filename'],
    );
    assertIntactB(comment, 5);
    assert.deepEqual(messages(comment), ['Unterminated comment: "/*" has no closing "*/"']);
  });

  test('a block header without "{", a value on the next line, a stray "}"', () => {
    const header = parse(`${B}\nresource "local_file" "c"\n`);
    assertIntactB(header, 0);
    assert.deepEqual(messages(header), ['Missing "{" after block header resource "local_file" "c": a block body opens on the header\'s line']);

    const nextLine = parse(`resource "local_file" "a" {\n  content =\n    "x"\n  filename = "f"\n}\n`);
    const a = nextLine.blocks[0];
    assert.deepEqual(surface(findAttribute(a, 'content').value.value), { kind: 'expression', text: '', references: [] });
    assert.deepEqual(findAttribute(a, 'filename').value.value, { kind: 'string', value: 'f' });
    assert.deepEqual(messages(nextLine), ['Missing value for argument "content"', 'Syntax error: unexpected ""x""']);

    const stray = parse(`${B}}\n${B}`);
    assert.equal(stray.blocks.length, 2);
    assert.deepEqual(messages(stray), ['Syntax error: unexpected "}"']);
  });

  test('an object entry without a value; two arguments on one line', () => {
    const object = parse(`locals {\n  tags = {\n    a =\n    b = 2\n  }\n  c = 1\n}\n`);
    const tags = findAttribute(object.blocks[0], 'tags').value.value;
    assert.equal(tags.kind, 'object');
    if (tags.kind === 'object') {
      assert.deepEqual(
        tags.entries.map((e) => [e.key, surface(e.value.value)]),
        [
          ['a', { kind: 'expression', text: '', references: [] }],
          ['b', { kind: 'number', value: 2, text: '2' }],
        ],
      );
    }
    assert.deepEqual(findAttribute(object.blocks[0], 'c').value.value, { kind: 'number', value: 1, text: '1' });
    assert.deepEqual(messages(object), ['Missing value for "a"']);

    const sameLine = parse('locals {\n  a = "x" b = "y"\n}\n');
    assert.deepEqual(
      sameLine.blocks[0].attributes.map((x) => x.name),
      ['a', 'b'],
    );
    assert.equal(sameLine.blocks[0].hasErrors, true);
    assert.match(messages(sameLine)[0], /^Syntax error: missing newline after argument "a"/);
  });

  test('hasErrors marks the blocks holding an error, not their siblings', () => {
    const text = 'resource "a" "b" {\n  lifecycle {\n    x = \n  }\n  other {\n    y = 1\n  }\n}\n';
    const file = parse(text);
    const resource = file.blocks[0];
    assert.equal(resource.hasErrors, true);
    assert.equal(findBlock(resource.blocks, 'lifecycle').hasErrors, true);
    assert.equal(findBlock(resource.blocks, 'other').hasErrors, false);
  });

  test('a comment tree-sitter sees where the line lexer sees code does not hide the blocks under it', () => {
    // The unclosed quote pairs, for tree-sitter, with the one before `images`, so `/*` opens a
    // comment that runs to the `*/` in the last block; the lexer closes the string at its line end.
    const text =
      'locals {\n  a = "x,  b = "y"\n  c = ["images/*"]\n}\n\nresource "aws_instance" "web" {\n  count = 1\n}\n\nresource "local_file" "f" {\n  ignore = [tags*/Updated"]\n}\n';
    const file = parse(text);
    assert.deepEqual(describeBlocks(file), ['locals', 'resource aws_instance web', 'resource local_file f']);
    const web = findBlock(file.blocks, 'resource', 'aws_instance', 'web');
    assert.equal(web.hasErrors, false);
    assert.deepEqual(findAttribute(web, 'count').value.value, { kind: 'number', value: 1, text: '1' });
  });

  test('known limit: a nested block missing "}" takes the rest of its top-level block, not the next one', () => {
    const text = `resource "local_file" "a" {\n  lifecycle {\n    prevent_destroy = true\n  content = "x"\n}\n\n${B}`;
    const file = parse(text);
    const a = findBlock(file.blocks, 'resource', 'local_file', 'a');
    assert.equal(a.hasErrors, true);
    // `content` lands in lifecycle, whose `}` is taken as lifecycle's: `a` itself is unterminated.
    assert.deepEqual(
      findBlock(a.blocks, 'lifecycle').attributes.map((x) => x.name),
      ['prevent_destroy', 'content'],
    );
    assert.equal(a.closeBraceRange, undefined);
    assertIntactB(file, 6);
  });

  test('known limit: a top-level block that does not start in column 0 is not a resynchronisation point', () => {
    const file = parse(`resource "local_file" "a" {\n  content = "x"\n\n  ${B}`);
    assert.deepEqual(describeBlocks(file), ['resource local_file a']);
    assert.deepEqual(
      file.blocks[0].blocks.map((b) => b.type),
      ['resource'],
    );
  });

  test('every complete block before the point where a file is cut off is read as in the whole file', () => {
    const text = fixture('realistic.tf');
    const whole = parse(text);
    const lines = lspLines(text);
    const next = random(7);
    const cuts: number[] = [];
    for (let line = 0, offset = 0; line < lines.length; offset += lines[line].length + 1, line++) cuts.push(offset + Math.floor(next() * (lines[line].length + 1)));
    for (const cut of cuts) {
      const truncated = text.slice(0, cut);
      const doc = hcl.parser.parse(truncated);
      const cutLine = lspLines(truncated).length - 1;
      const complete = whole.blocks.filter((b: HclBlock) => b.range.end.line < cutLine);
      assert.deepEqual(doc.file.blocks.slice(0, complete.length), complete, `cut at ${cut}: ${JSON.stringify(truncated.slice(-30))}`);
      for (const error of doc.file.errors) {
        assert.ok(error.range.start.line >= (complete.at(-1)?.range.end.line ?? -1), `cut at ${cut}: error before the cut point: ${error.message}`);
        assert.doesNotMatch(error.message, /ERROR|undefined|\[object/);
      }
      doc.dispose();
    }
  });

  test('random damage never throws, and keeps ranges inside the text', () => {
    const text = fixture('realistic.tf');
    const next = random(99);
    const junk = ['{', '}', '"', '=', '\n', '[', '(', '<<EOT\n', '/*', '${', '%{', '\\', '#', 'é😀'];
    for (let i = 0; i < 150; i++) {
      let damaged = text;
      for (let k = 0; k < 3; k++) {
        const at = Math.floor(next() * damaged.length);
        damaged = damaged.slice(0, at) + junk[Math.floor(next() * junk.length)] + damaged.slice(at + Math.floor(next() * 3));
      }
      const doc = hcl.parser.parse(damaged);
      const file = doc.file;
      const lines = lspLines(damaged);
      for (const error of file.errors) {
        for (const p of [error.range.start, error.range.end]) assert.ok(p.line < lines.length && p.character <= lines[p.line].length, JSON.stringify(error));
        assert.ok(error.message.length > 0);
      }
      doc.dispose();
    }
  });
});

function syntaxTree(value: HclValue): Expression | undefined {
  return value.kind === 'expression' ? value.expression : undefined;
}
