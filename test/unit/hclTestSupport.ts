/**
 * Helpers shared by the hcl*.test.ts files: fixtures, LSP-range slicing, small lookups.
 * (Not a test file itself: it does not end in `.test.ts`.)
 */
import * as fs from 'node:fs';
import { after, before } from 'node:test';
import { HclParser, type ParsedHclDocument } from '../../core/src/terraform/hcl/hclParser';
import * as path from 'node:path';
import type { HclAttribute, HclBlock, HclFile, HclValue, SourceRange } from '../../core/src/terraform/hcl/model';

export const HCL_FIXTURES = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'hcl');

export function fixture(name: string): string {
  return fs.readFileSync(path.join(HCL_FIXTURES, name), 'utf8');
}

/** Splits like LSP: `\r\n`, `\r` and `\n` end a line. */
export function lspLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** The LSP offset of a position (line, UTF-16 character). */
export function offsetOf(text: string, position: { line: number; character: number }): number {
  let offset = 0;
  let line = 0;
  const re = /\r\n|\r|\n/g;
  while (line < position.line) {
    const m = re.exec(text);
    if (!m) throw new Error(`line ${position.line} is past the end`);
    offset = m.index + m[0].length;
    line++;
  }
  return offset + position.character;
}

/** The text a range covers. */
export function textAt(text: string, range: SourceRange): string {
  return text.slice(offsetOf(text, range.start), offsetOf(text, range.end));
}

/** The LSP position of an offset. */
export function positionOf(text: string, offset: number): { line: number; character: number } {
  const lines = lspLines(text.slice(0, offset));
  return { line: lines.length - 1, character: lines[lines.length - 1].length };
}

export function findBlock(blocks: HclBlock[], type: string, ...labels: string[]): HclBlock {
  const block = blocks.find((b) => b.type === type && labels.every((l, i) => b.labels[i] === l));
  if (!block) throw new Error(`no block ${type} ${labels.join(' ')} among ${blocks.map((b) => [b.type, ...b.labels].join(' ')).join(', ')}`);
  return block;
}

export function findAttribute(owner: { attributes: HclAttribute[] }, name: string): HclAttribute {
  const attribute = owner.attributes.find((a) => a.name === name);
  if (!attribute) throw new Error(`no attribute ${name} among ${owner.attributes.map((a) => a.name).join(', ')}`);
  return attribute;
}

export function describeBlocks(file: HclFile): string[] {
  return file.blocks.map((b) => [b.type, ...b.labels].join(' '));
}

/** A small deterministic pseudo-random generator (tests must be reproducible). */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
}

/** Applies an LSP-style change (its range in `text`) to `text`. */
export function applyChange(text: string, change: { range: SourceRange; text: string }): string {
  return text.slice(0, offsetOf(text, change.range.start)) + change.text + text.slice(offsetOf(text, change.range.end));
}

/** The change replacing [start, end) of `text` (offsets) by `insert`. */
export function changeAt(text: string, start: number, end: number, insert: string): { range: SourceRange; text: string } {
  return { range: { start: positionOf(text, start), end: positionOf(text, end) }, text: insert };
}

/**
 * `count` resource blocks, alternately simple ones and ones with a map, a tuple, nested blocks,
 * a heredoc and comments; lines end with `eol`.
 */
export function generatedResources(count: number, eol = '\n'): string {
  const blocks: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      blocks.push(
        [
          `resource "local_file" "file_${i}" {`,
          `  content         = "c ${i}"`,
          `  filename        = "\${path.module}/f_${i}.txt"`,
          `  file_permission = "0644"`,
          `}`,
        ].join(eol),
      );
    } else {
      blocks.push(
        [
          `# instance ${i}`,
          `resource "aws_instance" "web_${i}" {`,
          `  ami   = "ami-${i}" // inline comment`,
          `  count = var.n`,
          `  tags = {`,
          `    Name = "web-${i}"`,
          `    Env  = local.env`,
          `  }`,
          `  user_data = <<-EOT`,
          `    echo ${i}`,
          `  EOT`,
          `  root_block_device {`,
          `    volume_size = ${i * 10}`,
          `  }`,
          `  lifecycle {`,
          `    ignore_changes = [tags["Updated"], ami]`,
          `  }`,
          `}`,
        ].join(eol),
      );
    }
  }
  return blocks.join(eol + eol) + eol;
}

/**
 * One parser for a test file, created before its tests; every document handed to `keep` (and
 * every one `parse` makes) is disposed after them, so tests don't leak wasm memory.
 */
export function useHclParser(): { readonly parser: HclParser; parse(text: string): HclFile; keep(...docs: ParsedHclDocument[]): void } {
  let parser: HclParser | undefined;
  const kept: ParsedHclDocument[] = [];
  before(async () => {
    parser = await HclParser.create();
  });
  after(() => kept.forEach((d) => d.dispose()));
  return {
    get parser() {
      if (!parser) throw new Error('useHclParser: the parser is created in a before() hook; use it inside tests');
      return parser;
    },
    parse(text) {
      const doc = this.parser.parse(text);
      kept.push(doc);
      return doc.file;
    },
    keep(...docs) {
      kept.push(...docs);
    },
  };
}

/**
 * A value without the syntax tree of an expression (`hclExpression.test.ts` tests the trees), for
 * tests about what the model says of an expression's text and references.
 */
export function surface(value: HclValue): unknown {
  if (value.kind !== 'expression') return value;
  const { kind, text, references } = value;
  return { kind, text, references };
}
