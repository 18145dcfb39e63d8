/**
 * The text fast path of the model builder. Most of a Terraform file is `name = "literal"` lines
 * and block headers, whose tree shape their text alone makes certain: in a tree without errors,
 * such a node's [start, end) is read off the text instead of being visited node by node, which is
 * most of what makes building the model cheap next to the parse itself.
 *
 * Each reader is given the range of one node with no ERROR or MISSING node inside (`treeWalk.ts`
 * asks, `modelBuilder.ts` decides for which nodes) and returns undefined as soon as anything is
 * not simple (a comment, a line break where HCL cares, a template directive, a function call…);
 * the walk then builds that node. What a reader returns is what the walk would build, to the
 * object: a test builds models both ways (`BuildInput.exhaustive`) and compares them.
 */
import type { HclAttribute, HclBlock, HclObjectEntry, HclValue, HclValueNode, SourceRange } from './model';
import { decodeQuoted } from './decodeLiteral';
import type { Expression } from './expression';
import { TemplateAssembly } from './templateAssembly';
import type { SourceView } from './sourceView';

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

/** A block header read off the text; `openBrace` is the offset of its `{`. */
export interface BlockHeader {
  type: string;
  labels: string[];
  labelRanges: SourceRange[];
  openBrace: number;
}

export class TextFastPath {
  constructor(private readonly view: SourceView) {}

  /**
   * The `attribute` node [start, end): `name = value` when the value is a simple literal or
   * traversal (most Terraform arguments). In a tree without errors the attribute starts with its
   * name and ends with its value. Undefined when the walk is needed (comments, line breaks,
   * anything not simple).
   */
  attribute(start: number, end: number): HclAttribute | undefined {
    const view = this.view.text;
    const name = identifierAt(view, start);
    if (!name) return undefined;
    const nameEnd = start + name.length;
    let i = nameEnd;
    while (view.charCodeAt(i) === 32 || view.charCodeAt(i) === 9) i++;
    if (view.charCodeAt(i) !== 61 /* = */) return undefined;
    i++;
    while (view.charCodeAt(i) === 32 || view.charCodeAt(i) === 9) i++;
    const value = this.value(i, end);
    if (!value) return undefined;
    const nameRange = this.view.range(start, nameEnd);
    const valueRange = this.view.range(i, end);
    return { kind: 'attribute', name, nameRange, range: { start: nameRange.start, end: valueRange.end }, value: { range: valueRange, value } };
  }

  /**
   * Decodes [start, end) from its text when it is one simple token sequence whose tree shape is
   * certain: a quoted string without template sequences, a number, `-` number, `true`, `false`,
   * `!true`, `null`, or a plain traversal `a.b.c` (its own only reference).
   */
  value(start: number, end: number): HclValue | undefined {
    const text = this.view.text.slice(start, end);
    const first = text.charCodeAt(0);
    if (first === 34 /* " */) {
      if (this.view.repaired) return undefined; // the walk decodes it from what the user wrote
      if (!SIMPLE_STRING.test(text)) return undefined;
      const inner = text.slice(1, -1);
      const decoded = decodeQuoted(inner);
      if (decoded.kind === 'literal') return { kind: 'string', value: decoded.value };
      if (decoded.kind !== 'template') return undefined;
      return this.simpleTemplate(start, end);
    }
    if (first >= 48 && first <= 57) {
      if (!TREE_SITTER_NUMBER.test(text)) return undefined;
      return { kind: 'number', value: Number(text), text: this.view.source(start, end) };
    }
    if (first === 45 /* - */) {
      const number = /^-[ \t]*([0-9]+(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?)?)$/.exec(text);
      if (!number) return undefined;
      return { kind: 'number', value: -Number(number[1]) || 0, text: '-' + this.view.source(start, end).replace(/^-[ \t]*/, '') };
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
      const expression = traversal(text, this.view.range(start, end));
      return expression && { kind: 'expression', text: this.view.source(start, end), references: [text], expression };
    }
    if (this.view.repaired) return undefined; // the walk reads collections of repaired text
    if (first === 91 /* [ */) return this.tuple(start, end);
    if (first === 123 /* { */) return this.object(start, end);
    return undefined;
  }

  /**
   * The quoted template [start, end) when its interpolations are all plain traversals,
   * `"${path.module}/${var.name}.txt"`; undefined when anything else appears (a directive, a
   * function call, an index, `$$` or `%%`…) and the tree must be walked.
   */
  private simpleTemplate(start: number, end: number): HclValue | undefined {
    const view = this.view.text;
    const inner = start + 1;
    const close = end - 1;
    const references: string[] = [];
    const assembly = new TemplateAssembly();
    let literalStart = inner;
    let i = inner;
    while (i < close) {
      const ch = view.charCodeAt(i);
      if (ch === 92 /* \ */) i += 2;
      else if (ch === 36 /* $ */ || ch === 37 /* % */) {
        const next = view.charCodeAt(i + 1);
        // An escape `$${` (and tree-sitter's reading of `$$${`) is left to the walk.
        if (next === ch) return undefined;
        if (next !== 123 /* { */) {
          i++;
          continue;
        }
        if (ch === 37) return undefined;
        const sequenceEnd = view.indexOf('}', i + 2);
        if (sequenceEnd === -1 || sequenceEnd >= close) return undefined;
        let s = i + 2;
        let e = sequenceEnd;
        const trimBefore = view.charCodeAt(s) === 126; /* ~ */
        if (trimBefore) s++;
        const trimAfter = e > s && view.charCodeAt(e - 1) === 126;
        if (trimAfter) e--;
        while (s < e && (view.charCodeAt(s) === 32 || view.charCodeAt(s) === 9)) s++;
        while (e > s && (view.charCodeAt(e - 1) === 32 || view.charCodeAt(e - 1) === 9)) e--;
        const name = view.slice(s, e);
        if (!TRAVERSAL.test(name)) return undefined;
        const expression = traversal(name, this.view.range(s, e));
        if (!expression) return undefined;
        if (i > literalStart) {
          const literal = decodeQuoted(view.slice(literalStart, i));
          if (literal.kind !== 'literal') return undefined;
          assembly.literal(literal.value);
        }
        assembly.marker({ kind: 'interpolation', expression }, trimBefore, trimAfter);
        if (!references.includes(name)) references.push(name);
        i = sequenceEnd + 1;
        literalStart = i;
      } else i++;
    }
    if (close > literalStart) {
      const literal = decodeQuoted(view.slice(literalStart, close));
      if (literal.kind !== 'literal') return undefined;
      assembly.literal(literal.value);
    }
    const parts = assembly.parts(false);
    if (!parts) return undefined;
    return { kind: 'expression', text: this.view.source(start, end), references, expression: { type: 'template', parts, range: this.view.range(start, end) } };
  }

  /**
   * `["a", 1, true]` on one line, each element simple (`value`), commas between and an
   * optional trailing one: read off the text, as tags and trigger lists mostly are. In a tree
   * without errors such text can only be that tuple; anything else (a line break, a comment, a
   * `for` expression, a nested collection…) returns undefined and the tuple is walked.
   */
  private tuple(start: number, end: number): HclValue | undefined {
    const view = this.view.text;
    if (view.charCodeAt(end - 1) !== 93 /* ] */) return undefined;
    const items: HclValueNode[] = [];
    let i = skipBlanks(view, start + 1, end);
    while (i < end - 1) {
      const elementEnd = simpleTokenEnd(view, i, end - 1);
      if (elementEnd === undefined) return undefined;
      const value = this.value(i, elementEnd);
      if (!value || value.kind === 'tuple' || value.kind === 'object') return undefined;
      items.push({ range: this.view.range(i, elementEnd), value });
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
  private object(start: number, end: number): HclValue | undefined {
    const view = this.view.text;
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
      const value = this.value(v, e);
      if (!value || value.kind === 'object') return undefined;
      entries.push({ key, keyIsLiteral: true, keyRange: this.view.range(keyStart, keyEnd), value: { range: this.view.range(v, e), value } });
      BLANK_LINE_AT.lastIndex = e;
      if (!BLANK_LINE_AT.test(view)) return undefined;
      at = BLANK_LINE_AT.lastIndex;
    }
    return { kind: 'object', entries };
  }

  /**
   * The header of the `block` node [start, end), `type "label" label {`, when it holds nothing
   * else (no comment, no line break). In a tree without errors the block ends with its `}`.
   */
  blockHeader(start: number, end: number): BlockHeader | undefined {
    const view = this.view.text;
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
        const decoded = decodeQuoted(this.view.literalText(i, i + label.length).slice(1, -1), false);
        if (decoded.kind !== 'literal') return undefined;
        labels.push(decoded.value);
      } else {
        label = identifierAt(view, i);
        if (!label) return undefined;
        labels.push(label);
      }
      labelRanges.push(this.view.range(i, i + label.length));
      i += label.length;
    }
    return { type, labels, labelRanges, openBrace: i };
  }

  /** The block [start, end) whose header was read off the text, with its body's items. */
  block(header: BlockHeader, start: number, end: number, attributes: HclAttribute[], blocks: HclBlock[]): HclBlock {
    const { type, labels, labelRanges, openBrace } = header;
    const typeRange = this.view.range(start, start + type.length);
    const closeBraceRange = this.view.range(end - 1, end);
    return {
      kind: 'block',
      type,
      typeRange,
      labels,
      labelRanges,
      range: { start: typeRange.start, end: closeBraceRange.end },
      openBraceRange: this.view.range(openBrace, openBrace + 1),
      closeBraceRange,
      attributes,
      blocks,
      hasErrors: false,
    };
  }

  /**
   * The body between a block's `{` (at `open`) and its closing `}` (at `close`) when it
   * holds nothing but lines `name = value`, the value simple (`value`), and blank lines, with
   * `{` ending its line and `}` alone on its own: its attributes, read off the text without
   * visiting the body's nodes (in a tree without errors such lines can only be those attributes,
   * one per line). Undefined otherwise, and the body is walked.
   */
  body(open: number, close: number): HclAttribute[] | undefined {
    const view = this.view.text;
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
        const value = this.value(v, e);
        if (!value) return undefined;
        const nameRange = this.view.range(s, s + line[1].length);
        const valueRange = this.view.range(v, e);
        attributes.push({ kind: 'attribute', name: line[1], nameRange, range: { start: nameRange.start, end: valueRange.end }, value: { range: valueRange, value } });
      }
      at = next;
    }
    return at === last ? attributes : undefined;
  }
}

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

/** The plain traversal `text` (`root.attr.attr`), undefined for `true`, `false` and `null`. */
function traversal(text: string, range: SourceRange): Expression | undefined {
  const [root, ...names] = text.split('.');
  if (root === 'true' || root === 'false' || root === 'null') return undefined;
  return { type: 'traversal', root, steps: names.map((name) => ({ kind: 'attr', name })), range };
}
