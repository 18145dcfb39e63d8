/**
 * Builds the HCL model (`model.ts`) from a tree-sitter tree, walking it with one TreeCursor and
 * reading node text by index (indices are UTF-16 offsets, positions come from `LineIndex`).
 *
 * Two modes:
 * - strict (the tree has no ERROR/MISSING node): anything tree-sitter accepts but HCL would not
 *   read the same way (a value on the line after its `=`, a line break inside quotes, `1.e3`) makes
 *   the builder give up with `BAIL`, and the caller falls back to the recovering parse;
 * - tolerant (used by the recovering parse, on repaired text): broken parts are skipped or kept
 *   as undecoded expressions; tree-sitter's own errors are reported separately (`syntaxErrors.ts`).
 */
import type { Node, Tree, TreeCursor } from 'web-tree-sitter';
import type { HclAttribute, HclBlock, HclItem, HclObjectEntry, HclSyntaxError, HclValue, HclValueNode, SourceRange } from './model';
import type { LineIndex } from './lineIndex';
import type { NodeTypeIds } from './nodeTypes';
import { decodeHeredoc, decodeNumber, decodeQuoted, nfc, type TemplateDecode } from './decodeLiteral';
import { collectReferences, type ReferenceWalkContext } from './references';
import type { LayoutEntry } from './layout';

/** Thrown (strict mode only) when the tree needs the recovering parse. */
export const BAIL = Symbol('bail');

export interface BuildInput {
  readonly types: NodeTypeIds;
  /** The text tree-sitter parsed (in the recovering parse: one repaired segment). */
  readonly view: string;
  /** Offset of `view` within the repaired text; 0 in the direct parse. */
  readonly viewBase: number;
  /** Maps a repaired-text offset to an offset in the original text; absent when they are equal. */
  readonly toOriginal?: (offset: number) => number;
  /** Repaired-text offsets where the recovery inserted a placeholder for a missing value. */
  readonly placeholders?: ReadonlySet<number>;
  readonly original: string;
  readonly lines: LineIndex;
  readonly tolerant: boolean;
  /**
   * Incremental reparse: offered each top-level attribute or block node of the tree ([start, end),
   * original offsets) before it is built; returns the model object to use for it instead (one
   * built before for the same text at the same place, or a shifted copy of one), or undefined.
   */
  readonly reuse?: (start: number, end: number, kind: HclItem['kind']) => HclItem | undefined;
  /**
   * Tests: visit every node instead of reading simple items and values off the text (the model
   * must come out the same).
   */
  readonly exhaustive?: boolean;
}

export interface BuildOutput {
  blocks: HclBlock[];
  attributes: HclAttribute[];
  /** Problems seen by the builder itself (not tree-sitter's ERROR/MISSING nodes). */
  errors: HclSyntaxError[];
  /** The top-level nodes the output was built from, in order (see `layout.ts`). */
  entries?: LayoutEntry[];
  /** `buildModel`: the entries are all the children of the file's only body, and beside it only comments. */
  complete?: boolean;
  /** `buildModel`: the comments beside the body, [start, end). */
  rootComments?: Array<[number, number]>;
}

export function buildModel(tree: Tree, input: BuildInput): BuildOutput {
  const cursor = tree.walk();
  try {
    return new ModelBuilder(cursor, input).file();
  } finally {
    cursor.delete();
  }
}

/**
 * Strict mode: builds the top-level attribute or block `node` of a tree without errors. Throws
 * `BAIL` as `buildModel` would. `errors` receives the builder's own problems inside the item.
 */
export function buildTopLevelItem(node: Node, input: BuildInput, errors: HclSyntaxError[]): HclItem | undefined {
  const cursor = node.walk();
  try {
    return new ModelBuilder(cursor, input, errors).topLevelItem();
  } finally {
    cursor.delete();
  }
}

/** A node at the top of a tree (child of the file or of its top-level body). */
export interface TopLevelNode {
  start: number;
  end: number;
  /** An attribute or block without ERROR/MISSING inside, or a comment. */
  intact: boolean;
}

/**
 * Lists the top-level nodes of a tree: the items of its body and whatever else tree-sitter put
 * there, comments included (intact: tree-sitter may read as a comment what the recovery's line
 * lexer reads as code, and such a comment must not go unnoticed across a segment boundary).
 */
export function topLevelNodes(tree: Tree, types: NodeTypeIds): TopLevelNode[] {
  const nodes: TopLevelNode[] = [];
  const c = tree.walk();
  try {
    if (!c.gotoFirstChild()) return nodes;
    do {
      const type = c.nodeTypeId;
      if (type !== types.body) {
        nodes.push({ start: c.startIndex, end: c.endIndex, intact: type === types.comment });
        continue;
      }
      if (!c.gotoFirstChild()) continue;
      do {
        const kind = c.nodeTypeId;
        if (kind === types.comment) {
          nodes.push({ start: c.startIndex, end: c.endIndex, intact: true });
          continue;
        }
        const item = kind === types.attribute || kind === types.block;
        nodes.push({ start: c.startIndex, end: c.endIndex, intact: item && !c.nodeIsMissing && !c.currentNode.hasError });
      } while (c.gotoNextSibling());
      c.gotoParent();
    } while (c.gotoNextSibling());
  } finally {
    c.delete();
  }
  return nodes;
}

/**
 * Recovering parse, reusing the whole-file tree: builds strictly the top-level items of the tree
 * that start in a chosen segment (`segmentOf` gives its index, or -1), one output per segment, as
 * parsing the segment on its own would. A segment with an item that needs more than the strict
 * build is left out and listed in `failed`.
 */
export function buildSegmentsFromTree(tree: Tree, input: BuildInput, segmentOf: (start: number) => number): { outputs: Map<number, BuildOutput>; failed: Set<number> } {
  const cursor = tree.walk();
  try {
    return new ModelBuilder(cursor, input).segments(segmentOf);
  } finally {
    cursor.delete();
  }
}

/** tree-sitter-hcl's identifier token. */
const IDENTIFIER_AT = /[\p{ID_Start}_](?:[\p{ID_Continue}-]|::)*/uy;
const ASCII_IDENTIFIER_AT = /[A-Za-z_][A-Za-z0-9_-]*/y;

/** The identifier token at `index`, or undefined. */
function identifierAt(text: string, index: number): string | undefined {
  ASCII_IDENTIFIER_AT.lastIndex = index;
  const ascii = ASCII_IDENTIFIER_AT.exec(text);
  if (ascii) {
    const next = text.charCodeAt(index + ascii[0].length);
    if (next < 0x80 && next !== 58 /* : */) return ascii[0];
  } else if (text.charCodeAt(index) < 0x80) return undefined;
  IDENTIFIER_AT.lastIndex = index;
  return IDENTIFIER_AT.exec(text)?.[0];
}

/** One quoted string token: no unescaped quote or line break inside. */
const SIMPLE_STRING = /^"(?:[^"\\\r\n]|\\[^\r\n])*"$/;
/** tree-sitter-hcl's number token (without hexadecimal, which HCL does not have). */
const TREE_SITTER_NUMBER = /^[0-9]+(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?)?$/;
/** A quoted block label: one string token on the header line. */
const QUOTED_LABEL_AT = /"(?:[^"\\\r\n]|\\[^\r\n])*"/y;
/** Blanks up to and including a line break. */
const BLANK_LINE_AT = /[ \t]*(?:\r\n|\r|\n)/y;
/**
 * A blank line, or `name = …` up to and including the line break, the name an ASCII identifier
 * (what `identifierAt` reads there: a blank or `=` follows it), `=` not part of `==` or `=>`.
 */
const SIMPLE_LINE_AT = /[ \t]*(?:\r\n|\r|\n)|[ \t]*([A-Za-z_][A-Za-z0-9_-]*)[ \t]*=(?![=>])[^\r\n]*(?:\r\n|\r|\n)/y;

function isLineEndOrBlank(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}

/** `root.attr.attr`, no spaces, comments, indexes or splats. */
const TRAVERSAL = /^[\p{ID_Start}_][\p{ID_Continue}-]*(?:\.[\p{ID_Start}_][\p{ID_Continue}-]*)*$/u;

class ModelBuilder implements ReferenceWalkContext {
  readonly types: NodeTypeIds;

  constructor(
    private readonly c: TreeCursor,
    private readonly input: BuildInput,
    private errors: HclSyntaxError[] = [],
  ) {
    this.types = input.types;
  }

  slice(start: number, end: number): string {
    return this.input.view.slice(start, end);
  }

  private offset(viewOffset: number): number {
    const { toOriginal, viewBase } = this.input;
    return toOriginal ? toOriginal(viewOffset + viewBase) : viewOffset;
  }

  private range(start: number, end: number): SourceRange {
    const lines = this.input.lines;
    return { start: lines.positionAt(this.offset(start)), end: lines.positionAt(this.offset(end)) };
  }

  /** Original source text of a view range (what the user wrote, not the repaired text). */
  private source(start: number, end: number): string {
    return this.input.original.slice(this.offset(start), this.offset(end));
  }

  /**
   * The text of a literal for decoding: the original text when the repairs left the range's
   * length alone (they may have blanked a character tree-sitter misreads), else what tree-sitter
   * read (a string the recovery closed with an inserted quote).
   */
  private literalText(start: number, end: number): string {
    if (!this.input.toOriginal) return this.input.view.slice(start, end);
    const from = this.offset(start);
    const to = this.offset(end);
    return to - from === end - start ? this.input.original.slice(from, to) : this.input.view.slice(start, end);
  }

  private error(start: number, end: number, message: string): void {
    this.errors.push({ range: this.range(start, end), message });
  }

  private bail(): never {
    throw BAIL;
  }

  file(): BuildOutput {
    const c = this.c;
    const t = this.types;
    const out: BuildOutput = { blocks: [], attributes: [], errors: this.errors, entries: [], complete: true, rootComments: [] };
    let bodies = 0;
    if (c.gotoFirstChild()) {
      do {
        const type = c.nodeTypeId;
        if (type === t.comment) out.rootComments!.push([c.startIndex, c.endIndex]);
        else if (type !== t.body) out.complete = false;
        if (type === t.body) {
          if (++bodies > 1) out.complete = false;
          this.body(out.blocks, out.attributes, out.entries);
        } else if (type === t.ERROR && !this.input.tolerant) this.bail();
        // comments; a JSON-style `{ … }` file (tfvars) has no blocks to offer.
      } while (c.gotoNextSibling());
      c.gotoParent();
    }
    return out;
  }

  segments(segmentOf: (start: number) => number): { outputs: Map<number, BuildOutput>; failed: Set<number> } {
    const c = this.c;
    const t = this.types;
    const outputs = new Map<number, BuildOutput>();
    const failed = new Set<number>();
    const previous = new Map<number, HclItem>();
    if (!c.gotoFirstChild()) return { outputs, failed };
    do {
      if (c.nodeTypeId !== t.body || !c.gotoFirstChild()) continue;
      do {
        const type = c.nodeTypeId;
        if (type !== t.attribute && type !== t.block) continue;
        const segment = segmentOf(c.startIndex);
        if (segment < 0 || failed.has(segment)) continue;
        let out = outputs.get(segment);
        if (!out) outputs.set(segment, (out = { blocks: [], attributes: [], errors: [], entries: [] }));
        this.errors = out.errors;
        const depth = c.currentDepth;
        try {
          const start = c.startIndex;
          const end = c.endIndex;
          const item = this.input.reuse?.(start, end, type === t.block ? 'block' : 'attribute') ?? this.item(type);
          if (item) {
            out.entries!.push({ start, end, item, clean: true });
            this.checkNewline(previous.get(segment), item);
            previous.set(segment, item);
            if (item.kind === 'attribute') out.attributes.push(item);
            else out.blocks.push(item);
          }
        } catch (error) {
          if (error !== BAIL) throw error;
          while (c.currentDepth > depth) c.gotoParent();
          failed.add(segment);
          outputs.delete(segment);
        }
      } while (c.gotoNextSibling());
      c.gotoParent();
    } while (c.gotoNextSibling());
    return { outputs, failed };
  }

  /** The cursor is on an attribute or a block. */
  private item(type: number): HclItem | undefined {
    const strict = !this.input.tolerant && !this.input.exhaustive;
    if (type === this.types.attribute) return (strict ? this.attributeFromText() : undefined) ?? this.attribute();
    return (strict ? this.blockFromText() : undefined) ?? this.block();
  }

  /** Strict mode, the cursor (rooted there) on a top-level attribute or block. */
  topLevelItem(): HclItem | undefined {
    const type = this.c.nodeTypeId;
    if (type !== this.types.attribute && type !== this.types.block) this.bail();
    return this.item(type);
  }

  /** tree-sitter's grammar ignores line breaks; HCL wants one item per line. */
  private checkNewline(previous: HclItem | undefined, item: HclItem): void {
    const error = newlineError(previous, item);
    if (error) this.errors.push(error);
  }

  /** `entries` (the top-level body only) receives every child, comments included, and allows reuse. */
  private body(blocks: HclBlock[], attributes: HclAttribute[], entries?: LayoutEntry[]): void {
    const c = this.c;
    const t = this.types;
    if (!c.gotoFirstChild()) return;
    let previous: HclItem | undefined;
    do {
      const type = c.nodeTypeId;
      if (type === t.attribute || type === t.block) {
        let item: HclItem | undefined;
        if (entries) {
          const start = c.startIndex;
          const end = c.endIndex;
          item = this.input.reuse?.(start, end, type === t.block ? 'block' : 'attribute') ?? this.item(type);
          entries.push({ start, end, item, clean: true });
        } else item = this.item(type);
        if (!item) continue;
        this.checkNewline(previous, item);
        previous = item;
        if (item.kind === 'attribute') attributes.push(item);
        else blocks.push(item);
      } else {
        if (type === t.ERROR && !this.input.tolerant) this.bail();
        if (entries) entries.push({ start: c.startIndex, end: c.endIndex, clean: true });
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  /**
   * Strict mode, cursor on an `attribute`: reads `name = value` off the text when the value is a
   * simple literal or traversal (most Terraform arguments), without visiting the subtree. In a
   * tree without errors the attribute starts with its name and ends with its value. Returns
   * undefined when the cursor walk is needed (comments, line breaks, anything not simple).
   */
  private attributeFromText(): HclAttribute | undefined {
    const c = this.c;
    const view = this.input.view;
    const start = c.startIndex;
    const end = c.endIndex;
    const name = identifierAt(view, start);
    if (!name) return undefined;
    const nameEnd = start + name.length;
    let i = nameEnd;
    while (view.charCodeAt(i) === 32 || view.charCodeAt(i) === 9) i++;
    if (view.charCodeAt(i) !== 61 /* = */) return undefined;
    i++;
    while (view.charCodeAt(i) === 32 || view.charCodeAt(i) === 9) i++;
    const value = this.simpleValue(i, end);
    if (!value) return undefined;
    const nameRange = this.range(start, nameEnd);
    const valueRange = this.range(i, end);
    return { kind: 'attribute', name, nameRange, range: { start: nameRange.start, end: valueRange.end }, value: { range: valueRange, value } };
  }

  /**
   * Decodes [start, end) from its text when it is one simple token sequence whose tree shape is
   * certain: a quoted string without template sequences, a number, `-` number, `true`, `false`,
   * `!true`, `null`, or a plain traversal `a.b.c` (its own only reference).
   */
  private simpleValue(start: number, end: number): HclValue | undefined {
    const text = this.input.view.slice(start, end);
    const first = text.charCodeAt(0);
    if (first === 34 /* " */) {
      if (this.input.toOriginal) return undefined; // the recovering parse decodes via `quoted`
      if (!SIMPLE_STRING.test(text)) return undefined;
      const inner = text.slice(1, -1);
      const decoded = decodeQuoted(inner);
      if (decoded.kind === 'literal') return { kind: 'string', value: decoded.value };
      if (decoded.kind !== 'template') return undefined;
      const references = simpleTemplateReferences(inner);
      return references ? { kind: 'expression', text: this.source(start, end), references } : undefined;
    }
    if (first >= 48 && first <= 57) {
      if (!TREE_SITTER_NUMBER.test(text)) return undefined;
      return { kind: 'number', value: Number(text), text: this.source(start, end) };
    }
    if (first === 45 /* - */) {
      const number = /^-[ \t]*([0-9]+(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?)?)$/.exec(text);
      if (!number) return undefined;
      return { kind: 'number', value: -Number(number[1]) || 0, text: '-' + this.source(start, end).replace(/^-[ \t]*/, '') };
    }
    switch (text) {
      case 'true':
        return { kind: 'bool', value: true };
      case 'false':
        return { kind: 'bool', value: false };
      case 'null':
        return { kind: 'null' };
      case '!true':
        return { kind: 'bool', value: false };
      case '!false':
        return { kind: 'bool', value: true };
    }
    if (TRAVERSAL.test(text)) {
      const root = /^[^.]*/.exec(text)![0];
      if (root === 'true' || root === 'false' || root === 'null') return undefined;
      return { kind: 'expression', text: this.source(start, end), references: [text] };
    }
    if (this.input.toOriginal) return undefined; // the recovering parse walks collections
    if (first === 91 /* [ */) return this.simpleTuple(start, end);
    if (first === 123 /* { */) return this.simpleObject(start, end);
    return undefined;
  }

  /**
   * `["a", 1, true]` on one line, each element simple (`simpleValue`), commas between and an
   * optional trailing one: read off the text, as tags and trigger lists mostly are. In a tree
   * without errors such text can only be that tuple; anything else (a line break, a comment, a
   * `for` expression, a nested collection…) returns undefined and the tuple is walked.
   */
  private simpleTuple(start: number, end: number): HclValue | undefined {
    const view = this.input.view;
    if (view.charCodeAt(end - 1) !== 93 /* ] */) return undefined;
    const items: HclValueNode[] = [];
    let i = skipBlanks(view, start + 1, end);
    while (i < end - 1) {
      const elementEnd = simpleTokenEnd(view, i, end - 1);
      if (elementEnd === undefined) return undefined;
      const value = this.simpleValue(i, elementEnd);
      if (!value || value.kind === 'tuple' || value.kind === 'object') return undefined;
      items.push({ range: this.range(i, elementEnd), value });
      i = skipBlanks(view, elementEnd, end);
      if (view.charCodeAt(i) === 44 /* , */) i = skipBlanks(view, i + 1, end);
      else if (i !== end - 1) return undefined;
    }
    return i === end - 1 ? { kind: 'tuple', items } : undefined;
  }

  /**
   * `{` at the end of its line, then lines `key = value` (the key an identifier or a quoted string
   * without template sequences, the value simple and alone on its line), then `}` alone on the
   * last line; or an empty `{}`: read off the text. Anything else is walked.
   */
  private simpleObject(start: number, end: number): HclValue | undefined {
    const view = this.input.view;
    if (view.charCodeAt(end - 1) !== 125 /* } */) return undefined;
    if (skipBlanks(view, start + 1, end) === end - 1) return { kind: 'object', entries: [] };
    BLANK_LINE_AT.lastIndex = start + 1;
    if (!BLANK_LINE_AT.test(view)) return undefined;
    let at = BLANK_LINE_AT.lastIndex;
    const entries: HclObjectEntry[] = [];
    for (;;) {
      const keyStart = skipBlanks(view, at, end);
      if (keyStart === end - 1) break; // `}` alone on its line
      const ch = view.charCodeAt(keyStart);
      if (ch === 10 || ch === 13) {
        BLANK_LINE_AT.lastIndex = at;
        if (!BLANK_LINE_AT.test(view)) return undefined;
        at = BLANK_LINE_AT.lastIndex;
        continue;
      }
      let key: string;
      let keyEnd: number;
      if (ch === 34 /* " */) {
        QUOTED_LABEL_AT.lastIndex = keyStart;
        const quoted = QUOTED_LABEL_AT.exec(view)?.[0];
        if (!quoted) return undefined;
        const decoded = decodeQuoted(quoted.slice(1, -1));
        if (decoded.kind !== 'literal') return undefined;
        key = decoded.value;
        keyEnd = keyStart + quoted.length;
      } else {
        ASCII_IDENTIFIER_AT.lastIndex = keyStart;
        const name = ASCII_IDENTIFIER_AT.exec(view)?.[0];
        // `null` as a key is not a literal key; digits and non-ASCII names are left to the walk.
        if (!name || name === 'null') return undefined;
        key = name;
        keyEnd = keyStart + name.length;
      }
      let v = skipBlanks(view, keyEnd, end);
      if (view.charCodeAt(v) !== 61 /* = */ || view.charCodeAt(v + 1) === 61 || view.charCodeAt(v + 1) === 62) return undefined;
      v = skipBlanks(view, v + 1, end);
      let lineEnd = v;
      while (lineEnd < end && view.charCodeAt(lineEnd) !== 10 && view.charCodeAt(lineEnd) !== 13) lineEnd++;
      if (lineEnd >= end) return undefined;
      let e = lineEnd;
      while (e > v && (view.charCodeAt(e - 1) === 32 || view.charCodeAt(e - 1) === 9)) e--;
      if (e <= v) return undefined;
      const value = this.simpleValue(v, e);
      if (!value || value.kind === 'object') return undefined;
      entries.push({ key, keyIsLiteral: true, keyRange: this.range(keyStart, keyEnd), value: { range: this.range(v, e), value } });
      BLANK_LINE_AT.lastIndex = e;
      if (!BLANK_LINE_AT.test(view)) return undefined;
      at = BLANK_LINE_AT.lastIndex;
    }
    return { kind: 'object', entries };
  }

  /**
   * Strict mode, cursor on a `block`: reads the header `type "label" label {` off the text when it
   * holds nothing else (no comment, no line break), then jumps straight to the body. In a tree
   * without errors the block ends with its `}`.
   */
  private blockFromText(): HclBlock | undefined {
    const c = this.c;
    const view = this.input.view;
    const start = c.startIndex;
    const end = c.endIndex;
    if (view.charCodeAt(end - 1) !== 125 /* } */) return undefined;
    const type = identifierAt(view, start);
    if (!type) return undefined;
    let i = start + type.length;
    const labels: string[] = [];
    const labelRanges: SourceRange[] = [];
    for (;;) {
      while (view.charCodeAt(i) === 32 || view.charCodeAt(i) === 9) i++;
      const ch = view.charCodeAt(i);
      if (ch === 123 /* { */) break;
      let label: string | undefined;
      if (ch === 34 /* " */) {
        QUOTED_LABEL_AT.lastIndex = i;
        label = QUOTED_LABEL_AT.exec(view)?.[0];
        if (!label) return undefined;
        const decoded = decodeQuoted(this.literalText(i, i + label.length).slice(1, -1), false);
        if (decoded.kind !== 'literal') return undefined;
        labels.push(decoded.value);
      } else {
        label = identifierAt(view, i);
        if (!label) return undefined;
        labels.push(label);
      }
      labelRanges.push(this.range(i, i + label.length));
      i += label.length;
    }
    const simple = this.simpleBody(i, end - 1);
    const attributes: HclAttribute[] = simple ?? [];
    const blocks: HclBlock[] = [];
    // The body is the last child but `}` and comments (web-tree-sitter 0.25's
    // gotoFirstChildForIndex ignores its argument, so it cannot be used to jump there).
    if (!simple && c.gotoLastChild()) {
      while (c.gotoPreviousSibling()) {
        const kind = c.nodeTypeId;
        if (kind === this.types.body) {
          this.body(blocks, attributes);
          break;
        }
        if (kind !== this.types.comment) break;
      }
      c.gotoParent();
    }
    const typeRange = this.range(start, start + type.length);
    const closeBraceRange = this.range(end - 1, end);
    return {
      kind: 'block',
      type,
      typeRange,
      labels,
      labelRanges,
      range: { start: typeRange.start, end: closeBraceRange.end },
      openBraceRange: this.range(i, i + 1),
      closeBraceRange,
      attributes,
      blocks,
      hasErrors: false,
    };
  }

  /**
   * Strict mode: the body between a block's `{` (at `open`) and its closing `}` (at `close`) when it
   * holds nothing but lines `name = value`, the value simple (`simpleValue`), and blank lines, with
   * `{` ending its line and `}` alone on its own: its attributes, read off the text without
   * visiting the body's nodes (in a tree without errors such lines can only be those attributes,
   * one per line). Undefined otherwise, and the body is walked.
   */
  private simpleBody(open: number, close: number): HclAttribute[] | undefined {
    const view = this.input.view;
    let last = close;
    while (view.charCodeAt(last - 1) === 32 || view.charCodeAt(last - 1) === 9) last--;
    const before = view.charCodeAt(last - 1);
    if (before !== 10 && before !== 13) return undefined;
    BLANK_LINE_AT.lastIndex = open + 1;
    if (!BLANK_LINE_AT.test(view)) return undefined;
    const attributes: HclAttribute[] = [];
    let at = BLANK_LINE_AT.lastIndex;
    while (at < last) {
      SIMPLE_LINE_AT.lastIndex = at;
      const line = SIMPLE_LINE_AT.exec(view);
      if (!line) return undefined;
      const next = SIMPLE_LINE_AT.lastIndex;
      if (line[1] !== undefined) {
        // `name = value`: the name is the line's first non-blank, the value ends before its blanks.
        const s = at + line[0].indexOf(line[1]);
        let v = s + line[1].length;
        while (view.charCodeAt(v) !== 61 /* = */) v++;
        v++;
        while (view.charCodeAt(v) === 32 || view.charCodeAt(v) === 9) v++;
        let e = next;
        while (e > v && isLineEndOrBlank(view.charCodeAt(e - 1))) e--;
        if (e <= v) return undefined;
        const value = this.simpleValue(v, e);
        if (!value) return undefined;
        const nameRange = this.range(s, s + line[1].length);
        const valueRange = this.range(v, e);
        attributes.push({ kind: 'attribute', name: line[1], nameRange, range: { start: nameRange.start, end: valueRange.end }, value: { range: valueRange, value } });
      }
      at = next;
    }
    return at === last ? attributes : undefined;
  }

  private attribute(): HclAttribute | undefined {
    const c = this.c;
    const t = this.types;
    let name: string | undefined;
    let nameRange: SourceRange | undefined;
    let equalsEnd = -1;
    let value: HclValueNode | undefined;
    c.gotoFirstChild();
    do {
      const type = c.nodeTypeId;
      if (type === t.identifier && name === undefined) {
        name = this.slice(c.startIndex, c.endIndex);
        nameRange = this.range(c.startIndex, c.endIndex);
      } else if (type === t.expression && name !== undefined && value === undefined) {
        if (equalsEnd >= 0) this.checkSameLine(equalsEnd, c.startIndex, `"${name}"`);
        value = this.value();
      } else if (type === t.ERROR) {
        if (!this.input.tolerant) this.bail();
      } else if (c.nodeType === '=' && !c.nodeIsMissing) equalsEnd = c.endIndex;
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (name === undefined || nameRange === undefined) return undefined;
    if (!value) {
      const at = equalsEnd >= 0 ? equalsEnd : c.endIndex;
      value = { range: this.range(at, at), value: { kind: 'expression', text: '', references: [] } };
    }
    return { kind: 'attribute', name, nameRange, range: { start: nameRange.start, end: value.range.end }, value };
  }

  /** HCL reads `name =` followed by a line break as a missing value, tree-sitter reads on. */
  private checkSameLine(equalsEnd: number, valueStart: number, what: string): void {
    const between = this.slice(equalsEnd, valueStart);
    if (!/[\n\r]/.test(between)) return;
    if (!this.input.tolerant) this.bail();
    this.error(equalsEnd, equalsEnd, `Missing value for ${what}: the value must start on the same line as "="`);
  }

  private block(): HclBlock | undefined {
    const c = this.c;
    const t = this.types;
    const start = c.startIndex;
    let type: string | undefined;
    let typeRange: SourceRange | undefined;
    const labels: string[] = [];
    const labelRanges: SourceRange[] = [];
    let openBraceRange: SourceRange | undefined;
    let closeBraceRange: SourceRange | undefined;
    let headerBroken = false;
    let opened = false;
    let contentEnd = start;
    const attributes: HclAttribute[] = [];
    const blocks: HclBlock[] = [];
    c.gotoFirstChild();
    do {
      const kind = c.nodeTypeId;
      const s = c.startIndex;
      const e = c.endIndex;
      if (kind === t.comment) continue;
      if (e > s) contentEnd = Math.max(contentEnd, e);
      if (!opened) {
        if (kind === t.identifier) {
          if (type === undefined) {
            type = this.slice(s, e);
            typeRange = this.range(s, e);
          } else {
            labels.push(this.slice(s, e));
            labelRanges.push(this.range(s, e));
          }
        } else if (kind === t.string_lit && type !== undefined) {
          labels.push(this.label(s, e));
          labelRanges.push(this.range(s, e));
        } else if (kind === t.block_start) {
          opened = true;
          if (e > s) openBraceRange = this.range(s, e);
        } else {
          if (!this.input.tolerant) this.bail();
          headerBroken = true;
        }
      } else if (kind === t.body) {
        this.body(blocks, attributes);
      } else if (kind === t.block_end) {
        if (e > s) closeBraceRange = this.range(s, e);
      } else if (kind === t.ERROR && !this.input.tolerant) this.bail();
    } while (c.gotoNextSibling());
    c.gotoParent();
    // A block whose header tree-sitter could not read is not identifiable: its ERROR is reported,
    // the block itself left out ("type and labels intact").
    if (type === undefined || typeRange === undefined || headerBroken) return undefined;
    const end = closeBraceRange ? closeBraceRange.end : this.range(contentEnd, contentEnd).end;
    return {
      kind: 'block',
      type,
      typeRange,
      labels,
      labelRanges,
      range: { start: typeRange.start, end },
      ...(openBraceRange ? { openBraceRange } : {}),
      ...(closeBraceRange ? { closeBraceRange } : {}),
      attributes,
      blocks,
      hasErrors: false,
    };
  }

  private label(start: number, end: number): string {
    const raw = this.literalText(start, end);
    const inner = raw.length >= 2 && raw.endsWith('"') ? raw.slice(1, -1) : raw.slice(1);
    const decoded = decodeQuoted(inner, false);
    if (decoded.kind === 'literal') return decoded.value;
    if (!this.input.tolerant && decoded.kind === 'invalid' && /line break|multi-line/.test(decoded.message)) this.bail();
    this.error(start, end, decoded.kind === 'template' ? 'Template sequences are not allowed in block labels' : decoded.message);
    return inner;
  }

  // ---- values ----------------------------------------------------------------------------------

  /** The cursor is on an `expression` node. */
  private value(): HclValueNode {
    const c = this.c;
    const start = c.startIndex;
    const end = c.endIndex;
    const range = this.range(start, end);
    if (this.input.tolerant) {
      if (this.input.placeholders?.has(start + this.input.viewBase)) {
        return { range, value: { kind: 'expression', text: '', references: [] } };
      }
      if (c.currentNode.hasError) return { range, value: this.expression(start, end) };
    }
    return { range, value: (this.input.exhaustive ? undefined : this.simpleValue(start, end)) ?? this.decodeExpression(start, end) };
  }

  private expression(start: number, end: number): HclValue {
    const text = this.source(start, end).trim();
    const references = /[\p{ID_Start}_]/u.test(text) ? collectReferences(this.c, this) : [];
    return { kind: 'expression', text, references };
  }

  /** The cursor is on an `expression` node; decodes it when it is a literal. */
  private decodeExpression(start: number, end: number): HclValue {
    const c = this.c;
    const t = this.types;
    if (!this.enterOnlyChild()) {
      this.checkNumberWithExponent();
      return this.expression(start, end);
    }
    let result: HclValue | undefined;
    const type = c.nodeTypeId;
    if (type === t.literal_value) result = this.literal();
    else if (type === t.template_expr) result = this.template();
    else if (type === t.collection_value) result = this.collection();
    else if (type === t.operation) result = this.signedLiteral();
    c.gotoParent();
    return result ?? this.expression(start, end);
  }

  /**
   * Moves to the node's only child (comments aside) and returns true; returns false, with the
   * cursor back on the node, when it has none or several.
   */
  private enterOnlyChild(): boolean {
    const c = this.c;
    const comment = this.types.comment;
    if (!c.gotoFirstChild()) return false;
    while (c.nodeTypeId === comment) {
      if (!c.gotoNextSibling()) {
        c.gotoParent();
        return false;
      }
    }
    let steps = 0;
    while (c.gotoNextSibling()) {
      steps++;
      if (c.nodeTypeId !== comment) {
        c.gotoParent();
        return false;
      }
    }
    while (steps-- > 0) c.gotoPreviousSibling();
    return true;
  }

  /**
   * tree-sitter's number token has no exponent without a fraction and reads `1.e3` as the number
   * `1` followed by `.e3`; HCL reads one number. Such trees go to the recovering parse, which
   * rewrites the number for tree-sitter. (The cursor is on the expression node.)
   */
  private checkNumberWithExponent(): void {
    if (this.input.tolerant) return;
    const c = this.c;
    const t = this.types;
    if (!c.gotoFirstChild()) return;
    const first = c.nodeTypeId;
    const firstEnd = c.endIndex;
    let suspicious = false;
    if (first === t.literal_value && c.gotoNextSibling() && (c.nodeTypeId === t.get_attr || c.nodeTypeId === t.index)) {
      suspicious = c.startIndex === firstEnd && /^\.[eE][0-9]/.test(this.slice(c.startIndex, c.endIndex)) && /^[0-9]/.test(this.slice(firstEnd - 1, firstEnd));
    }
    c.gotoParent();
    if (suspicious) this.bail();
  }

  /** The cursor is on a `literal_value`. */
  private literal(): HclValue | undefined {
    const c = this.c;
    const t = this.types;
    if (!this.enterOnlyChild()) return undefined;
    const type = c.nodeTypeId;
    const s = c.startIndex;
    const e = c.endIndex;
    let result: HclValue | undefined;
    if (type === t.string_lit) result = this.quoted(s, e);
    else if (type === t.numeric_lit) {
      // Decoded from what tree-sitter read (the recovery may have completed `1e3` to `1.0e3`),
      // `text` as the user wrote it.
      const value = decodeNumber(this.slice(s, e));
      const text = this.source(s, e);
      if (value === undefined) this.error(s, e, `Invalid number literal "${text}"`);
      else result = { kind: 'number', value, text };
    } else if (type === t.bool_lit) result = { kind: 'bool', value: this.slice(s, e) === 'true' };
    else if (type === t.null_lit) result = { kind: 'null' };
    c.gotoParent();
    return result;
  }

  /** A quoted string or template node spanning [start, end), quotes included. */
  private quoted(start: number, end: number): HclValue | undefined {
    const raw = this.literalText(start, end);
    if (raw.length < 2 || raw[0] !== '"' || raw[raw.length - 1] !== '"') return undefined;
    return this.fromDecode(decodeQuoted(raw.slice(1, -1)), start + 1);
  }

  private fromDecode(decoded: TemplateDecode, rawStart: number): HclValue | undefined {
    if (decoded.kind === 'literal') return { kind: 'string', value: decoded.value };
    if (decoded.kind === 'invalid') {
      // A line break inside quotes: tree-sitter read on to the next quote, HCL stops at the line end.
      if (!this.input.tolerant && /line break|multi-line|carriage/.test(decoded.message)) this.bail();
      this.error(rawStart + decoded.start, rawStart + decoded.end, decoded.message);
    }
    return undefined;
  }

  /** The cursor is on a `template_expr`. */
  private template(): HclValue | undefined {
    const c = this.c;
    const t = this.types;
    if (!this.enterOnlyChild()) return undefined;
    let result: HclValue | undefined;
    if (c.nodeTypeId === t.quoted_template) result = this.quoted(c.startIndex, c.endIndex);
    else if (c.nodeTypeId === t.heredoc_template) result = this.heredoc();
    c.gotoParent();
    return result;
  }

  /** The cursor is on a `heredoc_template`: `<<EOT` / `<<-EOT`, lines, closing marker. */
  private heredoc(): HclValue | undefined {
    const c = this.c;
    const t = this.types;
    let flush = false;
    let introEnd = -1;
    let closeStart = -1;
    c.gotoFirstChild();
    do {
      const type = c.nodeTypeId;
      if (type === t.heredoc_start) flush = this.slice(c.startIndex, c.endIndex) === '<<-';
      else if (type === t.heredoc_identifier) {
        if (introEnd < 0) introEnd = c.endIndex;
        else closeStart = c.startIndex;
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (introEnd < 0 || closeStart < 0) return undefined;
    const view = this.input.view;
    // HCL wants the line break right after the marker: `<<EOT` then a newline.
    let contentStart: number;
    if (view[introEnd] === '\n') contentStart = introEnd + 1;
    else if (view[introEnd] === '\r' && view[introEnd + 1] === '\n') contentStart = introEnd + 2;
    else {
      this.error(introEnd, introEnd, 'Invalid heredoc: the line break must follow the opening marker directly');
      return undefined;
    }
    const contentEnd = Math.max(contentStart, view.lastIndexOf('\n', closeStart - 1) + 1);
    return this.fromDecode(decodeHeredoc(this.literalText(contentStart, contentEnd), flush), contentStart);
  }

  /** The cursor is on a `collection_value`. */
  private collection(): HclValue | undefined {
    const c = this.c;
    const t = this.types;
    if (!this.enterOnlyChild()) return undefined;
    let result: HclValue | undefined;
    if (c.nodeTypeId === t.tuple) result = this.tuple();
    else if (c.nodeTypeId === t.object) result = this.object();
    c.gotoParent();
    return result;
  }

  private tuple(): HclValue {
    const c = this.c;
    const t = this.types;
    const items: HclValueNode[] = [];
    c.gotoFirstChild();
    do {
      if (c.nodeTypeId === t.expression) items.push(this.value());
      else if (c.nodeTypeId === t.ERROR && !this.input.tolerant) this.bail();
    } while (c.gotoNextSibling());
    c.gotoParent();
    return { kind: 'tuple', items };
  }

  private object(): HclValue {
    const c = this.c;
    const t = this.types;
    const entries: HclObjectEntry[] = [];
    c.gotoFirstChild();
    do {
      if (c.nodeTypeId === t.object_elem) {
        const entry = this.objectEntry();
        if (entry) entries.push(entry);
      } else if (c.nodeTypeId === t.ERROR && !this.input.tolerant) this.bail();
    } while (c.gotoNextSibling());
    c.gotoParent();
    return { kind: 'object', entries };
  }

  /** The cursor is on an `object_elem`: key expression, `=` or `:`, value expression. */
  private objectEntry(): HclObjectEntry | undefined {
    const c = this.c;
    const t = this.types;
    let key: { key: string; keyIsLiteral: boolean; keyRange: SourceRange } | undefined;
    let separatorEnd = -1;
    let value: HclValueNode | undefined;
    c.gotoFirstChild();
    do {
      const type = c.nodeTypeId;
      if (type === t.expression) {
        if (!key) key = this.objectKey();
        else if (!value) {
          if (separatorEnd >= 0) this.checkSameLine(separatorEnd, c.startIndex, `"${key.key}"`);
          value = this.value();
        }
      } else if (type === t.ERROR) {
        if (!this.input.tolerant) this.bail();
      } else if (key && !value && (c.nodeType === '=' || c.nodeType === ':') && !c.nodeIsMissing) separatorEnd = c.endIndex;
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (!key) return undefined;
    if (!value) {
      const at = separatorEnd >= 0 ? separatorEnd : c.endIndex;
      value = { range: this.range(at, at), value: { kind: 'expression', text: '', references: [] } };
    }
    return { ...key, value };
  }

  /**
   * The cursor is on the key expression. HCL takes a bare identifier as the literal key of that
   * name, a quoted string without template sequences as its value; a number or bool converts to
   * its string form (as `cty` converts it); anything else (`(var.k)`, `a.b`, templates) is an
   * expression evaluated at run time.
   */
  private objectKey(): { key: string; keyIsLiteral: boolean; keyRange: SourceRange } {
    const c = this.c;
    const t = this.types;
    const start = c.startIndex;
    const end = c.endIndex;
    const keyRange = this.range(start, end);
    let literal: string | undefined;
    if (!(this.input.tolerant && c.currentNode.hasError) && this.enterOnlyChild()) {
      const type = c.nodeTypeId;
      if (type === t.variable_expr) literal = nfc(this.slice(c.startIndex, c.endIndex));
      else if (type === t.literal_value || type === t.template_expr) {
        const value = type === t.literal_value ? this.literal() : this.template();
        if (value?.kind === 'string') literal = value.value;
        else if (value?.kind === 'bool') literal = String(value.value);
        else if (value?.kind === 'number') literal = numberKey(value.value);
      }
      c.gotoParent();
    }
    if (literal !== undefined) return { key: literal, keyIsLiteral: true, keyRange };
    return { key: this.source(start, end).trim(), keyIsLiteral: false, keyRange };
  }

  /** `-1` and `!true`: a unary operator applied directly to a literal, which HCL folds statically. */
  private signedLiteral(): HclValue | undefined {
    const c = this.c;
    const t = this.types;
    if (!this.enterOnlyChild()) return undefined;
    let result: HclValue | undefined;
    if (c.nodeTypeId === t.unary_operation && c.gotoFirstChild()) {
      const operator = c.nodeType;
      if ((operator === '-' || operator === '!') && c.gotoNextSibling() && c.nodeTypeId === t.literal_value) {
        const operandStart = c.startIndex;
        const operandEnd = c.endIndex;
        let alone = true;
        while (c.gotoNextSibling()) if (c.nodeTypeId !== t.comment) alone = false;
        if (alone) {
          while (c.nodeTypeId !== t.literal_value) c.gotoPreviousSibling();
          const operand = this.literal();
          if (operator === '-' && operand?.kind === 'number') {
            // `text` keeps the digits as written, the sign attached (`- 1` gives `-1`).
            result = { kind: 'number', value: -operand.value || 0, text: '-' + this.source(operandStart, operandEnd) };
          } else if (operator === '!' && operand?.kind === 'bool') result = { kind: 'bool', value: !operand.value };
        }
      }
      c.gotoParent();
    }
    c.gotoParent();
    return result;
  }
}

/**
 * The references of a quoted template (its text between the quotes) whose interpolations are all
 * plain traversals, `"${path.module}/${var.name}.txt"`; undefined when anything else appears
 * (a directive, a function call, an index…) and the tree must be walked.
 */
function skipBlanks(text: string, from: number, end: number): number {
  let i = from;
  while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i;
}

const SIMPLE_TOKEN_AT = /"(?:[^"\\\r\n]|\\[^\r\n])*"|[-!]?[A-Za-z0-9_.]+/y;

/** The end of a quoted string or a bare token (number, bool, traversal) starting at `from`, within `end`. */
function simpleTokenEnd(text: string, from: number, end: number): number | undefined {
  SIMPLE_TOKEN_AT.lastIndex = from;
  const token = SIMPLE_TOKEN_AT.exec(text)?.[0];
  if (!token || from + token.length > end) return undefined;
  return from + token.length;
}

function simpleTemplateReferences(inner: string): string[] | undefined {
  const references: string[] = [];
  let i = 0;
  while (i < inner.length) {
    const ch = inner.charCodeAt(i);
    if (ch === 92 /* \ */) i += 2;
    else if (ch === 36 /* $ */ || ch === 37 /* % */) {
      const next = inner.charCodeAt(i + 1);
      if (next === 123 /* { */) {
        if (ch === 37) return undefined;
        const close = inner.indexOf('}', i + 2);
        if (close === -1) return undefined;
        const expression = inner
          .slice(i + 2, close)
          .replace(/^~/, '')
          .replace(/~$/, '')
          .trim();
        if (!TRAVERSAL.test(expression)) return undefined;
        const root = /^[^.]*/.exec(expression)![0];
        if (root === 'true' || root === 'false' || root === 'null') return undefined;
        if (!references.includes(expression)) references.push(expression);
        i = close + 1;
      } else if (next === ch && inner.charCodeAt(i + 2) === 123) i += 3;
      else i++;
    } else i++;
  }
  return references;
}

/** `cty` number-to-string conversion, where a double renders it the same way. */
function numberKey(value: number): string | undefined {
  if (Number.isSafeInteger(value)) return String(value);
  const text = String(value);
  return /e/i.test(text) ? undefined : text;
}

/** HCL wants one item per line: the error when `item` starts on the line where `previous` ends. */
export function newlineError(previous: HclItem | undefined, item: HclItem): HclSyntaxError | undefined {
  if (!previous || item.range.start.line !== previous.range.end.line) return undefined;
  const start = item.range.start;
  const what = previous.kind === 'attribute' ? `argument "${previous.name}"` : `block ${describeBlock(previous)}`;
  return {
    range: { start, end: start },
    message: `Syntax error: missing newline after ${what}; each argument and block starts on its own line`,
  };
}

export function describeBlock(block: { type: string; labels: string[] }): string {
  return [block.type, ...block.labels.map((l) => JSON.stringify(l))].join(' ');
}
