/**
 * Builds the syntax tree of an expression (`expression.ts`) from tree-sitter's `expression` node,
 * with the model builder's cursor, reading HCL's meaning where tree-sitter's tree differs from it:
 *
 * - tree-sitter flattens a term and its steps into siblings (`a`, `.b`, `[0]`): they are read
 *   back into a traversal (from a name), or a relative traversal (from anything else);
 * - it reads `a ? b : c ? d : e` as `(a ? b : c) ? d : e`; HCL's condition is never an
 *   unparenthesised conditional, so such a tree is turned back into `a ? b : (c ? d : e)`;
 * - an attribute-only splat `.*` takes only `.name` and `.0` steps in HCL (tree-sitter gives it
 *   `[…]` steps too): from the first `[…]` on, the steps apply to the splat's result;
 * - template literals are read from the text between interpolations and directives (tree-sitter
 *   leaves their whitespace out of its literal nodes) and put together as HCL does
 *   (`templateAssembly.ts`).
 *
 * Whatever HCL would read differently or reject, and anything not modelled, is `unsupported`:
 * the smallest enclosing expression becomes that, never a guess. The caller gives a subtree with
 * no ERROR or MISSING node (the tree walk checks); an ERROR node met anyway is unsupported too, and
 * so is text the recovering parse repaired (even its repairs of valid HCL that tree-sitter cannot
 * read, such as `1e3`, which are rare inside expressions).
 */
import type { TreeCursor } from 'web-tree-sitter';
import { decodeHeredoc, decodeNumber, decodeQuoted, nfc } from './decodeLiteral';
import type { BinaryOperator, Expression, TraversalStep } from './expression';
import type { SourceRange } from './model';
import type { NodeTypeIds } from './nodeTypes';
import type { SourceView } from './sourceView';
import { TemplateAssembly, type TemplateMarker } from './templateAssembly';

/** Thrown inside the build of one expression node: that node becomes `unsupported`. */
const UNSUPPORTED = Symbol('unsupported');

const BINARY_OPERATORS: ReadonlySet<string> = new Set<BinaryOperator>(['||', '&&', '==', '!=', '<', '<=', '>', '>=', '+', '-', '*', '/', '%']);

/** The range of a term still taking steps: set when the term is complete. */
const PENDING: SourceRange = Object.freeze({ start: Object.freeze({ line: -1, character: -1 }), end: Object.freeze({ line: -1, character: -1 }) });

/** A primary expression and the steps after it, while the siblings are being read. */
interface Term {
  expression: Expression;
  start: number;
  end: number;
  /** The steps array of a traversal or relative traversal that can take more steps. */
  steps?: TraversalStep[];
  /** The last thing read was a splat, not yet wrapped by a later step. */
  splat?: 'full' | 'attr';
  /** Where the last legacy `.0` index step ended. */
  legacyEnd: number;
}

/** Where the literal text of the template being read has got to. */
interface TemplateRead {
  assembly: TemplateAssembly;
  heredoc: boolean;
  position: number;
}

export interface ExpressionSource {
  readonly types: NodeTypeIds;
  readonly view: SourceView;
}

export class ExpressionBuilder {
  private readonly t: NodeTypeIds;
  private readonly view: SourceView;

  constructor(
    private readonly c: TreeCursor,
    source: ExpressionSource,
  ) {
    this.t = source.types;
    this.view = source.view;
  }

  /** The cursor is on an `expression` node, and is left there; `range` is the node's, when known. */
  expression(range?: SourceRange): Expression {
    const c = this.c;
    const start = c.startIndex;
    const end = c.endIndex;
    // Text the recovering parse changed (a quote, a brace or a placeholder it inserted, junk it
    // blanked) reads well but is not what the user wrote.
    if (this.view.repaired && this.view.slice(start, end) !== this.view.source(start, end)) return this.unsupported(start, end, range);
    const depth = c.currentDepth;
    try {
      return this.sequence(start, end, range);
    } catch (error) {
      if (error !== UNSUPPORTED) throw error;
      while (c.currentDepth > depth) c.gotoParent();
      return this.unsupported(start, end, range);
    }
  }

  /** An expression that is not read (broken, or a placeholder): `unsupported`, with its text. */
  unsupported(start: number, end: number, range?: SourceRange): Expression {
    return { type: 'unsupported', text: this.view.source(start, end).trim(), range: range ?? this.view.range(start, end) };
  }

  private range(start: number, end: number): SourceRange {
    return this.view.range(start, end);
  }

  /**
   * The cursor is on an `expression`, a `binary_operation` or a `unary_operation` node [start,
   * end): its children are terms (a primary and its steps), parentheses, and an operator. `range`
   * is the node's when known.
   */
  private sequence(start: number, end: number, range?: SourceRange): Expression {
    const c = this.c;
    const t = this.t;
    let term: Term | undefined;
    let left: Expression | undefined;
    let operator: string | undefined;
    let conditional: Expression | undefined;
    let parenStart = -1;
    let inner: Expression | undefined;
    if (!c.gotoFirstChild()) throw UNSUPPORTED;
    do {
      const type = c.nodeTypeId;
      if (type === t.comment) continue;
      if (type === t.get_attr || type === t.index) {
        if (!term) throw UNSUPPORTED;
        this.step(term, type);
      } else if (type === t.splat) {
        if (!term) throw UNSUPPORTED;
        this.splat(term);
      } else if (parenStart >= 0) {
        if (type === t.expression && !inner) inner = this.expression();
        else if (inner && c.nodeType === ')') {
          const parenEnd = c.endIndex;
          term = { expression: { type: 'parenthesis', inner, range: this.range(parenStart, parenEnd) }, start: parenStart, end: parenEnd, legacyEnd: -1 };
          parenStart = -1;
        } else throw UNSUPPORTED;
      } else if (type === t.conditional) {
        if (term || operator || conditional) throw UNSUPPORTED;
        conditional = this.conditional(range);
      } else if (c.nodeIsNamed) {
        if (term || conditional) throw UNSUPPORTED;
        term = this.primary(type);
      } else {
        const token = c.nodeType;
        if (token === '(' && !term && !conditional) parenStart = c.startIndex;
        else if (operator === undefined && (term ? BINARY_OPERATORS.has(token) : token === '!' || token === '-')) {
          if (term) left = this.finish(term);
          term = undefined;
          operator = token;
        } else throw UNSUPPORTED;
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (conditional) return conditional;
    if (!term || parenStart >= 0) throw UNSUPPORTED;
    if (operator === undefined) return this.finish(term, range);
    const operand = this.finish(term);
    const own = range ?? this.range(start, end);
    if (left) return { type: 'binary', operator: operator as BinaryOperator, left, right: operand, range: own };
    return { type: 'unary', operator: operator as '!' | '-', operand, range: own };
  }

  /** The term's expression, its range set if it was still taking steps. */
  private finish(term: Term, range?: SourceRange): Expression {
    if (term.expression.range === PENDING) term.expression.range = range ?? this.range(term.start, term.end);
    return term.expression;
  }

  /** The cursor is on a named node that starts a term. */
  private primary(type: number): Term {
    const c = this.c;
    const t = this.t;
    const start = c.startIndex;
    const end = c.endIndex;
    if (type === t.variable_expr) {
      const root = this.view.slice(start, end);
      // tree-sitter's identifiers may hold `::`, which HCL allows in function names only.
      if (root.includes('::')) throw UNSUPPORTED;
      const steps: TraversalStep[] = [];
      return { expression: { type: 'traversal', root, steps, range: PENDING }, start, end, steps, legacyEnd: -1 };
    }
    let expression: Expression;
    if (type === t.literal_value) expression = this.literal(start, end);
    else if (type === t.template_expr) expression = this.onlyChild((child) => this.template(child));
    else if (type === t.collection_value) expression = this.onlyChild((child) => this.collection(child));
    else if (type === t.function_call) expression = this.call(start, end);
    else if (type === t.for_expr) expression = this.onlyChild((child) => this.forExpression(child));
    else if (type === t.operation) expression = this.onlyChild(() => this.sequence(c.startIndex, c.endIndex));
    else throw UNSUPPORTED;
    return { expression, start, end, legacyEnd: -1 };
  }

  /** Enters the node's first child that is not a comment, reads it, and returns to the node. */
  private onlyChild(read: (type: number) => Expression): Expression {
    const c = this.c;
    if (!c.gotoFirstChild()) throw UNSUPPORTED;
    while (c.nodeTypeId === this.t.comment) if (!c.gotoNextSibling()) throw UNSUPPORTED;
    const expression = read(c.nodeTypeId);
    c.gotoParent();
    return expression;
  }

  // ---- steps -----------------------------------------------------------------------------------

  /** The cursor is on a `get_attr` or `index` after the term. */
  private step(term: Term, type: number): void {
    const end = this.c.endIndex;
    // HCL reads `1.e3` as one number where tree-sitter reads `1` and `.e3`; a name after a number is an error anyway.
    if (type === this.t.get_attr && term.expression.type === 'literal' && !term.steps) throw UNSUPPORTED;
    const step = this.readStep(type, term.legacyEnd);
    term.legacyEnd = step.legacy ? end : -1;
    if (term.splat === 'full') throw UNSUPPORTED; // tree-sitter's full splat takes every step after it
    if (!term.steps) {
      const target = this.finish(term);
      const steps: TraversalStep[] = [];
      term.expression = { type: 'relative', target, steps, range: PENDING };
      term.steps = steps;
      term.splat = undefined;
    }
    term.steps.push(step.step);
    term.end = end;
  }

  /**
   * The cursor is on a `get_attr` or `index`. `legacyEnd`: where a legacy index step just before
   * ended (HCL's scanner reads `.0.1` as a fractional number, which is an error).
   */
  private readStep(type: number, legacyEnd: number): { step: TraversalStep; legacy: boolean } {
    const c = this.c;
    const t = this.t;
    if (type === t.get_attr) {
      let name: string | undefined;
      if (c.gotoFirstChild()) {
        do if (c.nodeTypeId === t.identifier) name = this.view.slice(c.startIndex, c.endIndex);
        while (name === undefined && c.gotoNextSibling());
        c.gotoParent();
      }
      if (name === undefined || name.includes('::')) throw UNSUPPORTED;
      return { step: { kind: 'attr', name }, legacy: false };
    }
    if (type !== t.index || !c.gotoFirstChild()) throw UNSUPPORTED;
    let result: { step: TraversalStep; legacy: boolean };
    if (c.nodeTypeId === t.new_index) {
      let key: Expression | undefined;
      if (c.gotoFirstChild()) {
        do if (c.nodeTypeId === t.expression) key = this.expression();
        while (key === undefined && c.gotoNextSibling());
        c.gotoParent();
      }
      if (!key) throw UNSUPPORTED;
      result = { step: { kind: 'index', key }, legacy: false };
    } else if (c.nodeTypeId === t.legacy_index) {
      const start = c.startIndex;
      const end = c.endIndex;
      if (start === legacyEnd) throw UNSUPPORTED;
      const digits = /[0-9]+$/.exec(this.view.slice(start, end))?.[0];
      const value = digits === undefined ? undefined : decodeNumber(digits);
      if (value === undefined) throw UNSUPPORTED;
      result = { step: { kind: 'index', key: { type: 'literal', value, range: this.range(end - digits!.length, end) } }, legacy: true };
    } else throw UNSUPPORTED;
    c.gotoParent();
    return result;
  }

  /** The cursor is on a `splat` after the term: `[*]` or `.*` and the steps tree-sitter gave it. */
  private splat(term: Term): void {
    const c = this.c;
    const t = this.t;
    if (!c.gotoFirstChild()) throw UNSUPPORTED;
    const full = c.nodeTypeId === t.full_splat;
    if (!full && c.nodeTypeId !== t.attr_splat) throw UNSUPPORTED;
    // A splat right after a full splat would be nested in its steps, which this tree cannot hold;
    // HCL rejects a splat inside an attribute-only splat.
    if (term.splat === 'full' || (term.splat === 'attr' && !full)) throw UNSUPPORTED;
    const splatEnd = c.endIndex;
    const target = this.finish(term);
    const each: TraversalStep[] = [];
    let rest: TraversalStep[] | undefined;
    let eachEnd = -1;
    let legacyEnd = -1;
    if (!c.gotoFirstChild()) throw UNSUPPORTED;
    do {
      const type = c.nodeTypeId;
      if (type === t.comment) continue;
      if (type === t.get_attr || type === t.index) {
        if (!full && !rest && type === t.index && this.isNewIndex()) rest = [];
        const end = c.endIndex;
        const step = this.readStep(type, legacyEnd);
        legacyEnd = step.legacy ? end : -1;
        if (rest) rest.push(step.step);
        else {
          each.push(step.step);
          eachEnd = end;
        }
      } else if (eachEnd < 0 && !c.nodeIsNamed && (c.nodeType === '[*]' || c.nodeType === '.*')) eachEnd = c.endIndex;
      else throw UNSUPPORTED;
    } while (c.gotoNextSibling());
    c.gotoParent();
    c.gotoParent();
    term.expression = { type: 'splat', target, each, full, range: PENDING };
    term.end = eachEnd;
    term.steps = undefined;
    term.splat = full ? 'full' : 'attr';
    term.legacyEnd = legacyEnd;
    if (rest) {
      const splat = this.finish(term);
      term.expression = { type: 'relative', target: splat, steps: rest, range: PENDING };
      term.steps = rest;
      term.splat = undefined;
      term.end = splatEnd;
    }
  }

  /** The cursor is on an `index`: whether it is `[…]` (not a legacy `.0`). */
  private isNewIndex(): boolean {
    const c = this.c;
    if (!c.gotoFirstChild()) return false;
    const result = c.nodeTypeId === this.t.new_index;
    c.gotoParent();
    return result;
  }

  // ---- terms -----------------------------------------------------------------------------------

  /** The cursor is on a `literal_value` [start, end). */
  private literal(start: number, end: number): Expression {
    const c = this.c;
    const t = this.t;
    if (!c.gotoFirstChild()) throw UNSUPPORTED;
    const type = c.nodeTypeId;
    let value: string | number | boolean | null;
    if (type === t.numeric_lit) {
      // Decoded from what tree-sitter read, as the model's own numbers are.
      const number = decodeNumber(this.view.slice(start, end));
      if (number === undefined) throw UNSUPPORTED;
      value = number;
    } else if (type === t.bool_lit) value = this.view.slice(start, end) === 'true';
    else if (type === t.null_lit) value = null;
    else if (type === t.string_lit) {
      const raw = this.view.literalText(start, end);
      if (raw.length < 2 || raw[0] !== '"' || raw[raw.length - 1] !== '"') throw UNSUPPORTED;
      const decoded = decodeQuoted(raw.slice(1, -1));
      if (decoded.kind !== 'literal') throw UNSUPPORTED;
      value = decoded.value;
    } else throw UNSUPPORTED;
    c.gotoParent();
    return { type: 'literal', value, range: this.range(start, end) };
  }

  /** The cursor is on a `function_call`: name, `(`, arguments, `)`. */
  private call(start: number, end: number): Expression {
    const c = this.c;
    const t = this.t;
    let name: string | undefined;
    const args: Expression[] = [];
    let expandFinal = false;
    c.gotoFirstChild();
    do {
      const type = c.nodeTypeId;
      if (type === t.identifier && name === undefined) name = this.view.slice(c.startIndex, c.endIndex);
      else if (type === t.function_arguments && c.gotoFirstChild()) {
        do {
          const kind = c.nodeTypeId;
          if (kind === t.expression) args.push(this.expression());
          else if (kind === t.ellipsis) expandFinal = true;
          else if (kind === t.ERROR) throw UNSUPPORTED;
        } while (c.gotoNextSibling());
        c.gotoParent();
      } else if (type === t.ERROR) throw UNSUPPORTED;
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (name === undefined) throw UNSUPPORTED;
    return { type: 'call', name, args, expandFinal, range: this.range(start, end) };
  }

  /** The cursor is on the `conditional` child of an expression node; `range` is that node's. */
  private conditional(range: SourceRange | undefined): Expression {
    const c = this.c;
    const own = range ?? this.range(c.startIndex, c.endIndex);
    const operands: Expression[] = [];
    c.gotoFirstChild();
    do {
      const type = c.nodeTypeId;
      if (type === this.t.expression) operands.push(this.expression());
      else if (type === this.t.ERROR) throw UNSUPPORTED;
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (operands.length !== 3) throw UNSUPPORTED;
    return conditional(operands[0], operands[1], operands[2], own);
  }

  /** The cursor is on a `tuple` or an `object`. */
  private collection(type: number): Expression {
    const c = this.c;
    const t = this.t;
    const range = this.range(c.startIndex, c.endIndex);
    if (type === t.tuple) {
      const items: Expression[] = [];
      c.gotoFirstChild();
      do {
        const kind = c.nodeTypeId;
        if (kind === t.expression) items.push(this.expression());
        else if (kind === t.ERROR) throw UNSUPPORTED;
      } while (c.gotoNextSibling());
      c.gotoParent();
      return { type: 'tuple', items, range };
    }
    if (type !== t.object) throw UNSUPPORTED;
    const entries: Array<{ key: Expression; value: Expression }> = [];
    c.gotoFirstChild();
    do {
      const kind = c.nodeTypeId;
      if (kind === t.object_elem) entries.push(this.objectEntry());
      else if (kind === t.ERROR) throw UNSUPPORTED;
    } while (c.gotoNextSibling());
    c.gotoParent();
    return { type: 'object', entries, range };
  }

  /** The cursor is on an `object_elem`: key, `=` or `:`, value. */
  private objectEntry(): { key: Expression; value: Expression } {
    const c = this.c;
    const t = this.t;
    let key: Expression | undefined;
    let value: Expression | undefined;
    c.gotoFirstChild();
    do {
      const type = c.nodeTypeId;
      if (type === t.expression) {
        if (!key) key = this.bareName() ?? this.expression();
        else if (!value) value = this.expression();
        else throw UNSUPPORTED;
      } else if (type === t.ERROR) throw UNSUPPORTED;
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (!key || !value) throw UNSUPPORTED;
    return { key, value };
  }

  /** The cursor is on an object key: a lone identifier is the literal key of that name (HCL's rule). */
  private bareName(): Expression | undefined {
    const c = this.c;
    const t = this.t;
    const start = c.startIndex;
    const end = c.endIndex;
    if (!c.gotoFirstChild()) return undefined;
    let name: string | undefined;
    let alone = true;
    do {
      const type = c.nodeTypeId;
      if (type === t.comment) continue;
      if (type === t.variable_expr && name === undefined) name = this.view.slice(c.startIndex, c.endIndex);
      else alone = false;
    } while (alone && c.gotoNextSibling());
    c.gotoParent();
    if (!alone || name === undefined) return undefined;
    return { type: 'literal', value: nfc(name), range: this.range(start, end) };
  }

  /** The cursor is on a `for_tuple_expr` or a `for_object_expr`. */
  private forExpression(type: number): Expression {
    const c = this.c;
    const t = this.t;
    const result = type === t.for_tuple_expr ? 'tuple' : type === t.for_object_expr ? 'object' : undefined;
    if (!result) throw UNSUPPORTED;
    const range = this.range(c.startIndex, c.endIndex);
    let names: string[] = [];
    let collection: Expression | undefined;
    const operands: Expression[] = [];
    let condition: Expression | undefined;
    let grouping = false;
    c.gotoFirstChild();
    do {
      const kind = c.nodeTypeId;
      if (kind === t.for_intro) {
        const intro = this.forIntro();
        names = intro.names;
        collection = intro.collection;
      } else if (kind === t.expression) operands.push(this.expression());
      else if (kind === t.ellipsis) grouping = true;
      else if (kind === t.for_cond) {
        c.gotoFirstChild();
        do if (c.nodeTypeId === t.expression) condition = this.expression();
        while (c.gotoNextSibling());
        c.gotoParent();
        if (!condition) throw UNSUPPORTED;
      } else if (kind === t.ERROR) throw UNSUPPORTED;
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (!collection || names.length < 1 || names.length > 2 || operands.length !== (result === 'tuple' ? 1 : 2)) throw UNSUPPORTED;
    if (grouping && result === 'tuple') throw UNSUPPORTED;
    const valueVar = names[names.length - 1];
    const keyVar = names.length === 2 ? { keyVar: names[0] } : {};
    const key = result === 'object' ? { key: operands[0] } : {};
    const value = operands[operands.length - 1];
    return { type: 'for', result, ...keyVar, valueVar, collection, ...key, value, ...(condition ? { condition } : {}), grouping, range };
  }

  /** The cursor is on a `for_intro` (`for k, v in coll :`) or a `template_for_start`. */
  private forIntro(): { names: string[]; collection: Expression | undefined } {
    const c = this.c;
    const t = this.t;
    const names: string[] = [];
    let collection: Expression | undefined;
    c.gotoFirstChild();
    do {
      const type = c.nodeTypeId;
      if (type === t.identifier) names.push(this.view.slice(c.startIndex, c.endIndex));
      else if (type === t.expression) collection = this.expression();
    } while (c.gotoNextSibling());
    c.gotoParent();
    return { names, collection };
  }

  // ---- templates -------------------------------------------------------------------------------

  /** The cursor is on a `quoted_template` or a `heredoc_template`. */
  private template(type: number): Expression {
    const c = this.c;
    const t = this.t;
    const start = c.startIndex;
    const end = c.endIndex;
    const range = this.range(start, end);
    if (type === t.quoted_template) {
      const raw = this.view.literalText(start, end);
      if (raw.length < 2 || raw[0] !== '"' || raw[raw.length - 1] !== '"') throw UNSUPPORTED;
      // The text decides, not tree-sitter's tree: it reads `$$${` differently from HCL.
      const decoded = decodeQuoted(raw.slice(1, -1));
      if (decoded.kind === 'literal') return { type: 'literal', value: decoded.value, range };
      if (decoded.kind === 'invalid') throw UNSUPPORTED;
      return this.templateParts(start + 1, end - 1, false, false, range);
    }
    if (type !== t.heredoc_template) throw UNSUPPORTED;
    let flush = false;
    let introEnd = -1;
    let closeStart = -1;
    let sequences = false;
    c.gotoFirstChild();
    do {
      const kind = c.nodeTypeId;
      if (kind === t.heredoc_start) flush = this.view.slice(c.startIndex, c.endIndex) === '<<-';
      else if (kind === t.heredoc_identifier) {
        if (introEnd < 0) introEnd = c.endIndex;
        else closeStart = c.startIndex;
      } else if (kind === t.template_interpolation || kind === t.template_directive) sequences = true;
    } while (c.gotoNextSibling());
    c.gotoParent();
    if (introEnd < 0 || closeStart < 0) throw UNSUPPORTED;
    const text = this.view.text;
    // HCL wants the line break right after the marker.
    let contentStart: number;
    if (text[introEnd] === '\n') contentStart = introEnd + 1;
    else if (text[introEnd] === '\r' && text[introEnd + 1] === '\n') contentStart = introEnd + 2;
    else throw UNSUPPORTED;
    const contentEnd = Math.max(contentStart, text.lastIndexOf('\n', closeStart - 1) + 1);
    if (!sequences) {
      const decoded = decodeHeredoc(this.view.literalText(contentStart, contentEnd), flush);
      if (decoded.kind !== 'literal') throw UNSUPPORTED;
      return { type: 'literal', value: decoded.value, range };
    }
    return this.templateParts(contentStart, contentEnd, true, flush, range);
  }

  /** The cursor is on a template node whose content is [contentStart, contentEnd). */
  private templateParts(contentStart: number, contentEnd: number, heredoc: boolean, flush: boolean, range: SourceRange): Expression {
    const read: TemplateRead = { assembly: new TemplateAssembly(), heredoc, position: contentStart };
    this.templateChildren(read);
    this.literalUpTo(read, contentEnd);
    const parts = read.assembly.parts(flush);
    if (!parts) throw UNSUPPORTED;
    return { type: 'template', parts, range };
  }

  /** Reads the interpolations and directives among the children of the node under the cursor. */
  private templateChildren(read: TemplateRead): void {
    const c = this.c;
    const t = this.t;
    if (!c.gotoFirstChild()) return;
    do {
      const type = c.nodeTypeId;
      if (type === t.template_interpolation) {
        const marker = this.marker(read);
        if (!marker.expression) throw UNSUPPORTED;
        read.assembly.marker({ kind: 'interpolation', expression: marker.expression }, marker.trimBefore, marker.trimAfter);
      } else if (type === t.template_directive || type === t.template_if || type === t.template_for) this.templateChildren(read);
      else if (type === t.template_if_intro) {
        const marker = this.marker(read);
        if (!marker.expression) throw UNSUPPORTED;
        read.assembly.marker({ kind: 'if', condition: marker.expression }, marker.trimBefore, marker.trimAfter);
      } else if (type === t.template_else_intro) this.simpleMarker(read, { kind: 'else' });
      else if (type === t.template_if_end) this.simpleMarker(read, { kind: 'endif' });
      else if (type === t.template_for_start) {
        const marker = this.marker(read);
        const names = marker.names;
        if (!marker.expression || names.length < 1 || names.length > 2) throw UNSUPPORTED;
        const keyVar = names.length === 2 ? { keyVar: names[0] } : {};
        read.assembly.marker({ kind: 'for', ...keyVar, valueVar: names[names.length - 1], collection: marker.expression }, marker.trimBefore, marker.trimAfter);
      } else if (type === t.template_for_end) this.simpleMarker(read, { kind: 'endfor' });
      else if (type === t.ERROR) throw UNSUPPORTED;
      // template_literal: read from the text between the sequences; quotes and heredoc markers.
    } while (c.gotoNextSibling());
    c.gotoParent();
  }

  private simpleMarker(read: TemplateRead, token: TemplateMarker): void {
    const marker = this.marker(read);
    if (marker.expression || marker.names.length) throw UNSUPPORTED;
    read.assembly.marker(token, marker.trimBefore, marker.trimAfter);
  }

  /**
   * The cursor is on `${ … }` or one `%{ … }` marker: its literal text before it goes to the
   * assembly, then its strip markers, names and expression are read.
   */
  private marker(read: TemplateRead): { trimBefore: boolean; trimAfter: boolean; names: string[]; expression?: Expression } {
    const c = this.c;
    const t = this.t;
    const start = c.startIndex;
    const end = c.endIndex;
    const text = this.view.text;
    // HCL reads `$${` as an escape wherever tree-sitter sees `$` and an interpolation (`$$${`).
    if (start > 0 && text[start - 1] === text[start]) throw UNSUPPORTED;
    this.literalUpTo(read, start);
    read.position = end;
    let openEnd = -1;
    let content = false;
    let trimBefore = false;
    let trimAfter = false;
    let stripEnd = -1;
    const names: string[] = [];
    let expression: Expression | undefined;
    c.gotoFirstChild();
    do {
      const type = c.nodeTypeId;
      if (type === t.template_interpolation_start || type === t.template_directive_start) openEnd = c.endIndex;
      else if (type === t.strip_marker) {
        // HCL's markers are the tokens `${~`, `%{~` and `~}`: the `~` touches the brace.
        if (!content && !trimBefore && c.startIndex === openEnd) trimBefore = true;
        else if (content && !trimAfter) {
          trimAfter = true;
          stripEnd = c.endIndex;
        } else throw UNSUPPORTED;
      } else if (type === t.template_interpolation_end || type === t.template_directive_end) {
        if (trimAfter && c.startIndex !== stripEnd) throw UNSUPPORTED;
      } else if (type === t.comment) continue;
      else if (type === t.ERROR || trimAfter) throw UNSUPPORTED;
      else {
        content = true;
        if (type === t.identifier) names.push(this.view.slice(c.startIndex, c.endIndex));
        else if (type === t.expression) {
          if (expression) throw UNSUPPORTED;
          expression = this.expression();
        }
      }
    } while (c.gotoNextSibling());
    c.gotoParent();
    return { trimBefore, trimAfter, names, ...(expression ? { expression } : {}) };
  }

  /** The literal text from where the template has got to up to `to`, into the assembly. */
  private literalUpTo(read: TemplateRead, to: number): void {
    const from = read.position;
    if (to < from) throw UNSUPPORTED;
    if (to === from) return;
    const raw = this.view.literalText(from, to);
    const decoded = read.heredoc ? decodeHeredoc(raw, false) : decodeQuoted(raw);
    if (decoded.kind !== 'literal') throw UNSUPPORTED;
    if (read.heredoc) read.assembly.heredocLines(decoded.value);
    else read.assembly.literal(decoded.value);
    read.position = to;
  }
}

/**
 * A conditional as HCL reads it. tree-sitter reads `a ? b : c ? d : e` as `(a ? b : c) ? d : e`;
 * HCL's condition cannot be an unparenthesised conditional, and reads the rest as the false
 * result of the first: `a ? b : (c ? d : e)`, all the way down a chain.
 */
function conditional(condition: Expression, then: Expression, otherwise: Expression, range: SourceRange): Expression {
  if (condition.type !== 'conditional') return { type: 'conditional', condition, then, else: otherwise, range };
  const rest = conditional(condition.else, then, otherwise, { start: condition.else.range.start, end: range.end });
  return { type: 'conditional', condition: condition.condition, then: condition.then, else: rest, range };
}
