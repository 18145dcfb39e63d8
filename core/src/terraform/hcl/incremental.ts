/**
 * Incremental model building: after an edit, the top-level items (blocks and attributes) the
 * edit left alone are taken from the previous model instead of being built again from the tree.
 *
 * Every document keeps a `Layout` (`layout.ts`): its top-level items with their offsets, each
 * marked `clean` when no error lies in its range. A node of the new tree is given the previous
 * object when
 * - it lies entirely outside the edited text ([start, newEnd) in new offsets), and, when the new
 *   tree has errors, outside the ranges whose syntactic structure tree-sitter reports changed,
 * - the previous layout has a clean item of the same kind over the same text (the same offsets,
 *   shifted by the edit's length change when it comes after the edit), and
 * - its positions are unchanged; when only its line moved (a line break inserted or deleted
 *   before it, its columns unchanged), it gets a copy with shifted ranges instead.
 * An item built by the strict builder depends on nothing but its text and position (its subtree,
 * without ERROR nodes, is what tree-sitter reads from that text at the top level of a file), so
 * the reused object is the one a full parse would build.
 *
 * Three ways to use it (`hclParser.ts`):
 * - `spliceLayout`: when both the previous and the new tree have no errors, the new item list is
 *   the previous one with the edited region's items rebuilt; the tree is only looked at in that
 *   region (checked against the previous layout at its edges and by the number of top-level nodes);
 * - otherwise the builder walks every top-level node and asks `reuse` (`BuildInput.reuse`);
 * - in the recovering parse, an unrepaired segment the whole-file tree cannot give (tree-sitter's
 *   error recovery garbled it) would be parsed on its own: `reuseSegment` takes its items from the
 *   previous layout instead when the edit left its text alone and that text was, in the previous
 *   document too, a run of whole top-level items, blanks and comments.
 * Reused objects are shared with the previous document and never modified: `finish` copies a
 * block before flagging it `hasErrors`.
 */
import type { Node, Tree } from 'web-tree-sitter';
import type { Expression } from './expression';
import type { HclAttribute, HclBlock, HclObjectEntry, HclSyntaxError, HclValue, HclValueNode, SourceRange } from './model';
import type { Layout, LayoutEntry, TopLevelItem } from './layout';
import type { LineIndex } from './lineIndex';
import { newlineError } from './missingNewline';
import { buildTopLevelItem, type BuildInput } from './modelBuilder';
import type { NodeTypeIds } from './nodeTypes';

/** The edit between two texts, as one replaced range, and what tree-sitter reports changed. */
export interface EditSpan {
  /** First offset that differs (both texts agree before it). */
  readonly start: number;
  /** End of the replaced text in the old text, and of its replacement in the new text. */
  readonly oldEnd: number;
  readonly newEnd: number;
  /** newEnd - oldEnd: how far the text after the edit moved. */
  readonly delta: number;
}

export interface IncrementalContext {
  readonly edit: EditSpan;
  /** `Tree.getChangedRanges`, in new offsets. */
  readonly changed: ReadonlyArray<{ startIndex: number; endIndex: number }>;
  readonly previous: Layout;
  readonly oldLines: LineIndex;
  readonly newLines: LineIndex;
}

/** Index of the entry starting at `start`, or -1. */
function entryAt(entries: LayoutEntry[], start: number): number {
  let lo = 0;
  let hi = entries.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = entries[mid].start;
    if (s === start) return mid;
    if (s < start) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

/**
 * The previous document's object for the top-level node [start, end) of the new tree (new
 * offsets), as is or shifted; undefined when it must be built. `treeHasErrors`: the node is an
 * intact item of a tree with errors elsewhere (the recovering parse), taken only where tree-sitter
 * reports no structural change.
 */
export function reusedItem(context: IncrementalContext, start: number, end: number, kind: TopLevelItem['kind'], treeHasErrors = false): TopLevelItem | undefined {
  const { edit } = context;
  let shift: number;
  // An insertion at an item's edge leaves its text alone.
  if (end <= edit.start) shift = 0;
  else if (start >= edit.newEnd) shift = edit.delta;
  else return undefined;
  if (treeHasErrors && context.changed.some((range) => range.startIndex < end && range.endIndex > start)) return undefined;
  const entries = context.previous.entries;
  const k = entryAt(entries, start - shift);
  if (k < 0) return undefined;
  const entry = entries[k];
  if (!entry.clean || !entry.item || entry.end !== end - shift || entry.item.kind !== kind) return undefined;
  return placed(context, entry.item, entry.start, entry.end, start, end);
}

/**
 * `item`, over [oldStart, oldEnd) of the old text, placed at [start, end) of the new one (the same
 * text): itself when its positions are the same, a copy with its lines shifted when only the line
 * moved; undefined when the columns changed (text before it on its first line was edited).
 */
function placed(context: IncrementalContext, item: TopLevelItem, oldStart: number, oldEnd: number, start: number, end: number): TopLevelItem | undefined {
  const { oldLines, newLines } = context;
  const from = oldLines.positionAt(oldStart);
  const to = newLines.positionAt(start);
  if (from.character !== to.character) return undefined;
  const lines = to.line - from.line;
  const fromEnd = oldLines.positionAt(oldEnd);
  const toEnd = newLines.positionAt(end);
  if (fromEnd.character !== toEnd.character || toEnd.line - fromEnd.line !== lines) return undefined;
  return lines === 0 ? item : shiftItem(item, lines);
}

/**
 * The fast path, when the previous document and the new tree are both without errors and the
 * previous layout is complete: the items before and after the edited region come from the
 * previous layout, only the region's nodes are built. Returns undefined when the new tree does
 * not line up with the previous layout around the region (the caller then walks the whole tree).
 * Throws `BAIL` when a rebuilt item needs the recovering parse.
 */
export function spliceLayout(
  context: IncrementalContext,
  tree: Tree,
  input: BuildInput,
  types: NodeTypeIds,
): { entries: LayoutEntry[]; errors: HclSyntaxError[]; comments: Array<[number, number]> } | undefined {
  const { edit, previous, oldLines, newLines } = context;
  const old = previous.entries;
  if (!previous.complete) return undefined;
  const top = topOfTree(tree, types);
  if (!top) return undefined;
  const body = top.body;

  // The region: the edit and the changed ranges, and the top-level nodes touching them.
  let regionStart = edit.start;
  let regionEnd = edit.newEnd;
  for (const range of context.changed) {
    regionStart = Math.min(regionStart, range.startIndex);
    regionEnd = Math.max(regionEnd, range.endIndex);
  }
  // Old entries [first, last] touch the region (in old offsets: the edit lies inside the region).
  let first = 0;
  for (let lo = 0, hi = old.length; lo < hi;) {
    const mid = (lo + hi) >> 1;
    if (old[mid].end < regionStart) lo = first = mid + 1;
    else hi = mid;
  }
  let last = first - 1;
  while (last + 1 < old.length && old[last + 1].start <= regionEnd - edit.delta) last++;
  // An item outside the region with an error in it would have to be built again: not here.
  if (previous.dirty > 0 && old.some((entry, k) => (k < first || k > last) && entry.item && !entry.clean)) return undefined;

  // The new nodes between the last entry before the region and the first one after it, which
  // must both be there, unchanged (the first moved by the edit).
  let node: Node | null;
  if (first > 0) {
    const entry = old[first - 1];
    const before = body.firstChildForIndex(entry.start);
    if (!before || before.startIndex !== entry.start || before.endIndex !== entry.end) return undefined;
    node = before.nextSibling;
  } else node = body.firstChild;
  const region: Node[] = [];
  while (node && node.startIndex <= regionEnd) {
    region.push(node);
    node = node.nextSibling;
  }
  if (node) {
    const entry = old[last + 1];
    if (!entry || entry.start + edit.delta !== node.startIndex || entry.end + edit.delta !== node.endIndex) return undefined;
  } else if (last + 1 !== old.length) return undefined;
  if (body.childCount - region.length !== old.length - (last - first + 1)) return undefined;

  const entries: LayoutEntry[] = old.slice(0, first);
  const errors: HclSyntaxError[] = [];
  for (const n of region) {
    const start = n.startIndex;
    const end = n.endIndex;
    const type = n.typeId;
    if (type !== types.attribute && type !== types.block) {
      if (type !== types.comment) return undefined;
      entries.push({ start, end, clean: true });
      continue;
    }
    const item = reusedItem(context, start, end, type === types.block ? 'block' : 'attribute') ?? buildTopLevelItem(n, input, errors);
    if (!item) return undefined;
    entries.push({ start, end, item, clean: true });
  }
  const firstAfter = entries.length;
  // After the edit: an item starting on a line that begins after the edit only moves by the
  // number of lines the edit added (its columns stay); one on the edit's last line is placed.
  const lineDelta = newLines.lineCount - oldLines.lineCount;
  const editLine = oldLines.lineOf(edit.oldEnd);
  for (let k = last + 1; k < old.length; k++) {
    const entry = old[k];
    const start = entry.start + edit.delta;
    const end = entry.end + edit.delta;
    let item = entry.item;
    if (item) {
      if (item.range.start.line > editLine) {
        if (lineDelta !== 0) item = shiftItem(item, lineDelta);
      } else item = placed(context, item, entry.start, entry.end, start, end);
      if (!item) return undefined;
    }
    entries.push(edit.delta === 0 && item === entry.item ? entry : { start, end, item, clean: true });
  }
  // Items must not share a line: checked where the region meets its neighbours and inside it
  // (elsewhere nothing changed, and clean items had no such error).
  let k = first - 1;
  while (k >= 0 && !entries[k].item) k--;
  let previousItem = k >= 0 ? entries[k].item : undefined;
  for (let j = first; j < entries.length; j++) {
    const item = entries[j].item;
    if (!item) continue;
    const error = newlineError(previousItem, item);
    if (error) errors.push(error);
    previousItem = item;
    if (j >= firstAfter) break;
  }
  return { entries, errors, comments: top.comments };
}

/**
 * The recovering parse, for an unrepaired segment [start, end) (new offsets): its items, taken from
 * the previous layout, when the edit left its text alone and the previous layout covers that text
 * with clean items lying entirely inside it (what parsing the segment on its own would give, as it
 * gave them before). Undefined when the segment must be parsed.
 */
export function reuseSegment(
  context: IncrementalContext,
  start: number,
  end: number,
): { blocks: HclBlock[]; attributes: HclAttribute[]; entries: LayoutEntry[] } | undefined {
  const { edit, previous } = context;
  let shift: number;
  if (end <= edit.start) shift = 0;
  else if (start >= edit.newEnd) shift = edit.delta;
  else return undefined;
  const oldStart = start - shift;
  const oldEnd = end - shift;
  const old = previous.entries;
  const spans = previous.spans;
  if (previous.complete) {
    // Both ends between top-level nodes (not inside a block, a comment…) of the previous tree.
    const inside = (at: number) => {
      const k = entryBefore(old, at);
      return (k >= 0 && old[k].end > at) || spans.some(([s, e]) => s < at && at < e);
    };
    if (inside(oldStart) || inside(oldEnd)) return undefined;
  } else {
    // Exactly a segment of the previous recovering parse.
    let lo = 0;
    let hi = spans.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (spans[mid][0] <= oldStart) lo = mid;
      else hi = mid - 1;
    }
    if (!spans.length || spans[lo][0] !== oldStart || spans[lo][1] !== oldEnd) return undefined;
  }
  // The first entry ending after the segment's start must not start before it.
  let k = 0;
  for (let lo = 0, hi = old.length; lo < hi;) {
    const mid = (lo + hi) >> 1;
    if (old[mid].end <= oldStart) lo = k = mid + 1;
    else hi = mid;
  }
  const blocks: HclBlock[] = [];
  const attributes: HclAttribute[] = [];
  const entries: LayoutEntry[] = [];
  for (; k < old.length && old[k].start < oldEnd; k++) {
    const entry = old[k];
    if (entry.start < oldStart || entry.end > oldEnd) return undefined;
    if (!entry.item) continue;
    if (!entry.clean) return undefined;
    const item = placed(context, entry.item, entry.start, entry.end, entry.start + shift, entry.end + shift);
    if (!item) return undefined;
    if (item.kind === 'attribute') attributes.push(item);
    else blocks.push(item);
    entries.push(shift === 0 && item === entry.item ? entry : { start: entry.start + shift, end: entry.end + shift, item, clean: true });
  }
  return { blocks, attributes, entries };
}

/** Index of the last entry starting before `at`, or -1. */
function entryBefore(entries: LayoutEntry[], at: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (entries[mid].start < at) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The root's only `body` child and the comments beside it, or undefined (anything else there). */
function topOfTree(tree: Tree, types: NodeTypeIds): { body: Node; comments: Array<[number, number]> } | undefined {
  const c = tree.walk();
  try {
    let body: Node | undefined;
    const comments: Array<[number, number]> = [];
    if (!c.gotoFirstChild()) return undefined;
    do {
      const type = c.nodeTypeId;
      if (type === types.comment) comments.push([c.startIndex, c.endIndex]);
      else if (type !== types.body || body) return undefined;
      else body = c.currentNode;
    } while (c.gotoNextSibling());
    return body && { body, comments };
  } finally {
    c.delete();
  }
}

// ---- shifted copies --------------------------------------------------------------------------
// Position objects the original shares between its ranges (a block's range starts with its
// type's range) are shared the same way in the copy: fewer objects to allocate.

type Position = SourceRange['start'];

function shiftPosition(p: Position, lines: number): Position {
  return { line: p.line + lines, character: p.character };
}

function shiftRange(r: SourceRange, lines: number): SourceRange {
  return { start: shiftPosition(r.start, lines), end: shiftPosition(r.end, lines) };
}

/** The copy of `range`, given a range already copied whose original may share its positions. */
function shiftRangeNear(range: SourceRange, lines: number, original: SourceRange | undefined, copy: SourceRange | undefined): SourceRange {
  const start = range.start === original?.start ? copy!.start : range.start === original?.end ? copy!.end : shiftPosition(range.start, lines);
  const end = range.end === original?.end ? copy!.end : range.end === original?.start ? copy!.start : shiftPosition(range.end, lines);
  return { start, end };
}

function shiftValueNode(node: HclValueNode, lines: number): HclValueNode {
  return { range: shiftRange(node.range, lines), value: shiftValue(node.value, lines) };
}

/** Values without positions inside are shared (the model is not modified once built). */
function shiftValue(value: HclValue, lines: number): HclValue {
  if (value.kind === 'tuple') return { kind: 'tuple', items: value.items.map((item) => shiftValueNode(item, lines)) };
  if (value.kind === 'object') {
    return {
      kind: 'object',
      entries: value.entries.map((entry): HclObjectEntry => ({
        key: entry.key,
        keyIsLiteral: entry.keyIsLiteral,
        keyRange: shiftRange(entry.keyRange, lines),
        value: shiftValueNode(entry.value, lines),
      })),
    };
  }
  if (value.kind === 'expression') return { ...value, expression: shiftExpression(value.expression, lines) };
  return value;
}

/** A copy of an expression tree with every range moved down by `lines`. */
function shiftExpression(expression: Expression, lines: number): Expression {
  return shiftRanges(expression, lines) as Expression;
}

/** Copies a syntax tree (plain objects, arrays and literals), shifting every `range` it holds. */
function shiftRanges(node: unknown, lines: number): unknown {
  if (Array.isArray(node)) return node.map((item) => shiftRanges(item, lines));
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) copy[key] = key === 'range' ? shiftRange(value as SourceRange, lines) : shiftRanges(value, lines);
  return copy;
}

function shiftAttribute(a: HclAttribute, lines: number): HclAttribute {
  const nameRange = shiftRange(a.nameRange, lines);
  const value = shiftValueNode(a.value, lines);
  const range = shiftRangeNear(a.range, lines, a.nameRange, nameRange);
  if (a.range.end === a.value.range.end) range.end = value.range.end;
  return { kind: 'attribute', name: a.name, nameRange, range, value };
}

function shiftBlock(b: HclBlock, lines: number): HclBlock {
  const typeRange = shiftRange(b.typeRange, lines);
  const closeBraceRange = b.closeBraceRange && shiftRange(b.closeBraceRange, lines);
  const range = shiftRangeNear(b.range, lines, b.typeRange, typeRange);
  if (closeBraceRange && b.range.end === b.closeBraceRange!.end) range.end = closeBraceRange.end;
  const copy: HclBlock = {
    kind: 'block',
    type: b.type,
    typeRange,
    labels: b.labels.slice(),
    labelRanges: b.labelRanges.map((r) => shiftRange(r, lines)),
    range,
    attributes: b.attributes.map((a) => shiftAttribute(a, lines)),
    blocks: b.blocks.map((n) => shiftBlock(n, lines)),
    hasErrors: b.hasErrors,
  };
  // Absent, not undefined, when the block has none (as the builder leaves them).
  if (b.openBraceRange) copy.openBraceRange = shiftRange(b.openBraceRange, lines);
  if (closeBraceRange) copy.closeBraceRange = closeBraceRange;
  return copy;
}

/** A deep copy of `item` (new objects wherever there are positions) moved down by `lines`. */
export function shiftItem<T extends TopLevelItem>(item: T, lines: number): T {
  return (item.kind === 'attribute' ? shiftAttribute(item, lines) : shiftBlock(item, lines)) as T;
}
