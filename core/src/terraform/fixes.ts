/**
 * Text edits for the code actions: add `lifecycle { create_before_destroy = true }` or
 * `prevent_destroy = true`, and add a `moved` block. Computed from the parsed block so they
 * respect the file's indentation and an existing `lifecycle` block.
 */
import type { FindingFix } from '../../../common/src/findings';
import type { SourcePosition } from '../../../common/src/findings';
import { fixTitle } from '../findingText/fixText';
import type { HclBlock } from './hcl/model';

/** Splits each file's text into lines once per analysis, only for files that get a fix. */
export function lineCache(texts: Map<string, string>): (file: string) => string[] {
  const cache = new Map<string, string[]>();
  return (file) => {
    let lines = cache.get(file);
    if (!lines) {
      lines = (texts.get(file) ?? '').split(/\r?\n/);
      cache.set(file, lines);
    }
    return lines;
  };
}

function indentOf(block: HclBlock, lines: string[]): string {
  const line = lines[block.typeRange.start.line] ?? '';
  return /^[ \t]*/.exec(line)![0];
}

function innerIndent(block: HclBlock, lines: string[]): string {
  const first = block.attributes[0]?.nameRange ?? block.blocks[0]?.typeRange;
  if (first) return (lines[first.start.line] ?? '').slice(0, first.start.character).replace(/[^ \t]/g, ' ');
  return `${indentOf(block, lines)}  `;
}

/** Insert `text` (complete lines, each ending in "\n") just before the block's closing brace. */
function insertBeforeClose(block: HclBlock, lines: string[], text: string): FindingFix['edits'][number] | undefined {
  const close = block.closeBraceRange?.start;
  if (!close) return undefined;
  const before = (lines[close.line] ?? '').slice(0, close.character);
  if (/^[ \t]*$/.test(before)) {
    const at: SourcePosition = { line: close.line, character: 0 };
    return { range: { start: at, end: at }, newText: text };
  }
  // `}` shares its line with content (a one-line block): break the line first.
  return { range: { start: close, end: close }, newText: `\n${text}${indentOf(block, lines)}` };
}

/** Sets `name = true` in the resource's lifecycle block, creating the block when needed. */
export function lifecycleFlagFix(resource: HclBlock, lines: string[], name: 'create_before_destroy' | 'prevent_destroy'): FindingFix | undefined {
  const kind = name === 'create_before_destroy' ? 'create-before-destroy' : 'prevent-destroy';
  const title = fixTitle({ kind });
  const lifecycle = resource.blocks.find((b) => b.type === 'lifecycle');
  if (lifecycle) {
    const existing = lifecycle.attributes.find((a) => a.name === name);
    if (existing) {
      if (existing.value.value.kind === 'bool' && existing.value.value.value) return undefined;
      return { title, kind, edits: [{ range: existing.value.range, newText: 'true' }] };
    }
    const edit = insertBeforeClose(lifecycle, lines, `${innerIndent(lifecycle, lines)}${name} = true\n`);
    return edit ? { title, kind, edits: [edit] } : undefined;
  }
  const indent = innerIndent(resource, lines);
  const unit = indent.slice(indentOf(resource, lines).length) || '  ';
  const edit = insertBeforeClose(resource, lines, `\n${indent}lifecycle {\n${indent}${unit}${name} = true\n${indent}}\n`);
  return edit ? { title, kind, edits: [edit] } : undefined;
}

/** Adds `moved { from = … to = … }` blocks right after the resource block. */
export function movedBlockFix(resource: HclBlock, lines: string[], pairs: Array<{ from: string; to: string }>, title?: string): FindingFix | undefined {
  const end = resource.closeBraceRange?.end;
  if (!end || pairs.length === 0) return undefined;
  const indent = indentOf(resource, lines);
  const blocks = pairs.map(({ from, to }) => `${indent}moved {\n${indent}  from = ${from}\n${indent}  to   = ${to}\n${indent}}`).join('\n\n');
  return {
    title: title ?? fixTitle({ kind: 'moved-block', from: pairs[0].from, to: pairs[0].to }),
    kind: 'moved-block',
    edits: [{ range: { start: end, end }, newText: `\n\n${blocks}` }],
  };
}
