/**
 * A document's layout: its top-level nodes (attributes, blocks and comments) with their offsets and
 * model objects, kept beside the model so that the next incremental reparse (`incremental.ts`) can
 * take over the objects of the items an edit left alone. The builders fill in the entries
 * (`treeWalk.ts`, `incremental.ts`); `finishLayout` marks each item `clean` once the document's
 * errors are known: no error in its range, so its model object reads the same in any file (no
 * error attributed to it, `hasErrors` false).
 */
import type { HclItem, HclSyntaxError } from './model';

/** An attribute or block at the top of a file. */
export type TopLevelItem = HclItem;

/** A node of the top-level body: an attribute or block with its model object, or a comment. */
export interface LayoutEntry {
  /** [start, end) offsets in the document's text. */
  readonly start: number;
  readonly end: number;
  /** Undefined for a comment (or any node that is not an item). */
  readonly item?: TopLevelItem;
  /** No error lies in the item's range (set by `finishLayout`). */
  readonly clean: boolean;
}

export interface Layout {
  /** In document order. */
  readonly entries: LayoutEntry[];
  /**
   * The entries are every child of the file's only body node and the model's items are exactly
   * theirs (the direct parse): `spliceLayout` may work from it.
   */
  readonly complete: boolean;
  /** Entries with an item that is not clean. */
  readonly dirty: number;
  /**
   * Complete layout: the comments outside the body (before the first item, after the last one),
   * [start, end), in order: with the entries, every node at the top of the file.
   * Otherwise (recovering parse): the recovery segments whose items are exactly the entries
   * starting in them (built from the whole-file tree, or reused), [start, end), in order.
   */
  readonly spans: ReadonlyArray<readonly [number, number]>;
}

/**
 * Marks the entries clean or not given the document's final errors (sorted by start), and
 * points them at the objects `finish` replaced. The entries must be in document order.
 */
export function finishLayout(
  entries: LayoutEntry[],
  errors: HclSyntaxError[],
  replaced: Map<TopLevelItem, TopLevelItem>,
  complete: boolean,
  spans: ReadonlyArray<readonly [number, number]>,
): Layout {
  let dirty = 0;
  let e = 0;
  const out: LayoutEntry[] = replaced.size
    ? entries.map((entry) => (entry.item && replaced.has(entry.item) ? { ...entry, item: replaced.get(entry.item) } : entry))
    : entries;
  for (let i = 0; i < out.length; i++) {
    const item = out[i].item;
    if (!item) continue;
    const { start, end } = item.range;
    // The items are disjoint and in order: an error starting before this one is in no later one.
    while (e < errors.length && before(errors[e].range.start, start)) e++;
    // As `hasErrors`: an error starting inside the item's range, its ends included.
    const clean = !(e < errors.length && !before(end, errors[e].range.start));
    if (clean !== out[i].clean) out[i] = { ...out[i], clean };
    if (!clean) dirty++;
  }
  return { entries: out, complete, dirty, spans };
}

function before(a: { line: number; character: number }, b: { line: number; character: number }): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}
