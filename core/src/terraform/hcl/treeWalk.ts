/**
 * The tree walk of the model builder: builds the HCL model (`model.ts`) from a tree-sitter tree
 * with one TreeCursor, reading node text by index (indices are UTF-16 offsets into the parsed
 * text, positions come from `LineIndex` through `SourceView`). Where `modelBuilder.ts` allows it,
 * it first offers an attribute, a block or a value to the text fast path (`textFastPath.ts`) and
 * walks only what that path leaves.
 *
 * Two modes:
 * - strict (the tree has no ERROR/MISSING node): anything tree-sitter accepts but HCL would not
 *   read the same way (a value on the line after its `=`, a line break inside quotes, `1.e3`) makes
 *   the walk give up with `BAIL`, and the caller falls back to the recovering parse;
 * - tolerant (used by the recovering parse, on repaired text): broken parts are skipped or kept
 *   as undecoded expressions; tree-sitter's own errors are reported separately (`syntaxErrors.ts`).
 */
import type { TreeCursor } from 'web-tree-sitter';
import { BAIL, type BuildInput, type BuildOutput } from './buildInput';
import { decodeHeredoc, decodeNumber, decodeQuoted, nfc, type TemplateDecode } from './decodeLiteral';
import { ExpressionBuilder, type ExpressionSource } from './expressionBuilder';
import type { LayoutEntry } from './layout';
import { newlineError } from './missingNewline';
import type { HclAttribute, HclBlock, HclItem, HclObjectEntry, HclSyntaxError, HclValue, HclValueNode, SourceRange } from './model';
import type { NodeTypeIds } from './nodeTypes';
import { collectReferences, type ReferenceWalkContext } from './references';
import type { SourceView } from './sourceView';
import type { TextFastPath } from './textFastPath';

/** Which nodes the walk offers to the text fast path: none where a field is absent. */
export interface TextPathUse {
  /** Attributes, and blocks (header and body). */
  readonly items?: TextFastPath;
  /** Attribute values and collection elements. */
  readonly values?: TextFastPath;
}

export class TreeWalk implements ReferenceWalkContext, ExpressionSource {
  readonly types: NodeTypeIds;
  private expressions?: ExpressionBuilder;
  private readonly items?: TextFastPath;
  private readonly values?: TextFastPath;

  constructor(
    private readonly c: TreeCursor,
    private readonly input: BuildInput,
    readonly view: SourceView,
    textPath: TextPathUse,
    private errors: HclSyntaxError[] = [],
  ) {
    this.types = input.types;
    this.items = textPath.items;
    this.values = textPath.values;
  }

  slice(start: number, end: number): string {
    return this.input.view.slice(start, end);
  }

  private error(start: number, end: number, message: string): void {
    this.errors.push({ range: this.view.range(start, end), message });
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
    const items = this.items;
    if (type === this.types.attribute) return items?.attribute(this.c.startIndex, this.c.endIndex) ?? this.attribute();
    return (items ? this.blockFromText(items) : undefined) ?? this.block();
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
        if (type === t.ERROR) {
          if (!this.input.tolerant) this.bail();
          if (previous?.kind === 'attribute' && previous === attributes[attributes.length - 1]) {
            previous = this.truncateLastAttribute(attributes, c.startIndex, entries) ?? previous;
          }
        }
        if (entries) entries.push({ start: c.startIndex, end: c.endIndex, clean: true });
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  /**
   * Cursor on a `block`: its header read off the text (`TextFastPath.blockHeader`), then its body,
   * off the text too when it is simple, else walked from the body node, jumped to directly.
   */
  private blockFromText(fast: TextFastPath): HclBlock | undefined {
    const c = this.c;
    const start = c.startIndex;
    const end = c.endIndex;
    const header = fast.blockHeader(start, end);
    if (!header) return undefined;
    const simple = fast.body(header.openBrace, end - 1);
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
    return fast.block(header, start, end, attributes, blocks);
  }

  private attribute(): HclAttribute | undefined {
    const c = this.c;
    const t = this.types;
    let name: string | undefined;
    let nameRange: SourceRange | undefined;
    let equalsEnd = -1;
    let value: HclValueNode | undefined;
    let broken = false;
    c.gotoFirstChild();
    do {
      const type = c.nodeTypeId;
      if (type === t.identifier && name === undefined) {
        name = this.slice(c.startIndex, c.endIndex);
        nameRange = this.view.range(c.startIndex, c.endIndex);
      } else if (type === t.expression && name !== undefined && value === undefined) {
        if (equalsEnd >= 0) this.checkSameLine(equalsEnd, c.startIndex, `"${name}"`);
        value = this.value();
      } else if (type === t.ERROR) {
        if (!this.input.tolerant) this.bail();
        broken = true;
      } else if (c.nodeType === '=' && !c.nodeIsMissing) equalsEnd = c.endIndex;
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (name === undefined || nameRange === undefined) return undefined;
    if (!value) {
      const at = equalsEnd >= 0 ? equalsEnd : c.endIndex;
      const range = this.view.range(at, at);
      value = { range, value: emptyExpression(range) };
    } else if (broken) value = withoutTree(value);
    return { kind: 'attribute', name, nameRange, range: { start: nameRange.start, end: value.range.end }, value };
  }

  /**
   * Tolerant mode, an ERROR node at `errorStart` after the last of `attributes`: on the line where
   * that attribute ends, tree-sitter may have read only the start of its value (`f` of
   * `f(var.a, ]`), which then has no syntax tree. Returns the attribute put in its place.
   */
  private truncateLastAttribute(attributes: HclAttribute[], errorStart: number, entries?: LayoutEntry[]): HclAttribute | undefined {
    const last = attributes[attributes.length - 1];
    if (!last || this.view.range(errorStart, errorStart).start.line !== last.value.range.end.line) return undefined;
    const truncated: HclAttribute = { ...last, value: withoutTree(last.value) };
    attributes[attributes.length - 1] = truncated;
    const entry = entries?.[entries.length - 1];
    if (entries && entry?.item === last) entries[entries.length - 1] = { ...entry, item: truncated };
    return truncated;
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
            typeRange = this.view.range(s, e);
          } else {
            labels.push(this.slice(s, e));
            labelRanges.push(this.view.range(s, e));
          }
        } else if (kind === t.string_lit && type !== undefined) {
          labels.push(this.label(s, e));
          labelRanges.push(this.view.range(s, e));
        } else if (kind === t.block_start) {
          opened = true;
          if (e > s) openBraceRange = this.view.range(s, e);
        } else {
          if (!this.input.tolerant) this.bail();
          headerBroken = true;
        }
      } else if (kind === t.body) {
        this.body(blocks, attributes);
      } else if (kind === t.block_end) {
        if (e > s) closeBraceRange = this.view.range(s, e);
      } else if (kind === t.ERROR) {
        if (!this.input.tolerant) this.bail();
        this.truncateLastAttribute(attributes, s);
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
    // A block whose header tree-sitter could not read is not identifiable: its ERROR is reported,
    // the block itself left out ("type and labels intact").
    if (type === undefined || typeRange === undefined || headerBroken) return undefined;
    const end = closeBraceRange ? closeBraceRange.end : this.view.range(contentEnd, contentEnd).end;
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
    const raw = this.view.literalText(start, end);
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
    const range = this.view.range(start, end);
    if (this.input.tolerant) {
      if (this.isPlaceholder(start)) return { range, value: emptyExpression(range) };
      if (c.currentNode.hasError) return { range, value: this.expression(start, end, range, true) };
    }
    return { range, value: this.values?.value(start, end) ?? this.decodeExpression(start, end, range) };
  }

  /** The recovering parse inserted a placeholder for a missing value at this view offset. */
  private isPlaceholder(viewOffset: number): boolean {
    return this.input.placeholders?.has(viewOffset + this.input.viewBase) ?? false;
  }

  /** The cursor is on the `expression` node [start, end); `broken`: it holds an ERROR or MISSING node. */
  private expression(start: number, end: number, range: SourceRange, broken = false): HclValue {
    const text = this.view.source(start, end).trim();
    const references = /[\p{ID_Start}_]/u.test(text) ? collectReferences(this.c, this) : [];
    this.expressions ??= new ExpressionBuilder(this.c, this);
    const expression = broken ? this.expressions.unsupported(start, end, range) : this.expressions.expression(range);
    return { kind: 'expression', text, references, expression };
  }

  /** The cursor is on an `expression` node; decodes it when it is a literal. */
  private decodeExpression(start: number, end: number, range: SourceRange): HclValue {
    const c = this.c;
    const t = this.types;
    if (!this.enterOnlyChild()) {
      this.checkNumberWithExponent();
      return this.expression(start, end, range);
    }
    let result: HclValue | undefined;
    const type = c.nodeTypeId;
    if (type === t.literal_value) result = this.literal();
    else if (type === t.template_expr) result = this.template();
    else if (type === t.collection_value) result = this.collection();
    else if (type === t.operation) result = this.signedLiteral();
    c.gotoParent();
    return result ?? this.expression(start, end, range);
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
      const text = this.view.source(s, e);
      if (value === undefined) this.error(s, e, `Invalid number literal "${text}"`);
      else result = { kind: 'number', value, text };
    } else if (type === t.bool_lit) result = { kind: 'bool', value: this.slice(s, e) === 'true' };
    else if (type === t.null_lit) result = { kind: 'null' };
    c.gotoParent();
    return result;
  }

  /** A quoted string or template node spanning [start, end), quotes included. */
  private quoted(start: number, end: number): HclValue | undefined {
    const raw = this.view.literalText(start, end);
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
    return this.fromDecode(decodeHeredoc(this.view.literalText(contentStart, contentEnd), flush), contentStart);
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
    let broken = false;
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
        broken = true;
      } else if (key && !value && (c.nodeType === '=' || c.nodeType === ':') && !c.nodeIsMissing) separatorEnd = c.endIndex;
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (!key) return undefined;
    if (!value) {
      const at = separatorEnd >= 0 ? separatorEnd : c.endIndex;
      const range = this.view.range(at, at);
      value = { range, value: emptyExpression(range) };
    } else if (broken) value = withoutTree(value);
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
    const keyRange = this.view.range(start, end);
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
    return { key: this.view.source(start, end).trim(), keyIsLiteral: false, keyRange };
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
            result = { kind: 'number', value: -operand.value || 0, text: '-' + this.view.source(operandStart, operandEnd) };
          } else if (operator === '!' && operand?.kind === 'bool') result = { kind: 'bool', value: !operand.value };
        }
      }
      c.gotoParent();
    }
    c.gotoParent();
    return result;
  }
}

/** A missing value: an expression without text, which evaluates to unknown. */
function emptyExpression(range: SourceRange): HclValue {
  return { kind: 'expression', text: '', references: [], expression: { type: 'unsupported', text: '', range } };
}

/**
 * The value of an attribute or object entry that tree-sitter read up to an ERROR node: it may be
 * only the start of what was written (`f` of `f(var.a, ]`), so an expression has no tree.
 */
function withoutTree(node: HclValueNode): HclValueNode {
  const value = node.value;
  if (value.kind !== 'expression' || value.expression.type === 'unsupported') return node;
  return { range: node.range, value: { ...value, expression: { type: 'unsupported', text: value.text, range: node.range } } };
}

/** `cty` number-to-string conversion, where a double renders it the same way. */
function numberKey(value: number): string | undefined {
  if (Number.isSafeInteger(value)) return String(value);
  const text = String(value);
  return /e/i.test(text) ? undefined : text;
}
