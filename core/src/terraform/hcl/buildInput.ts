/**
 * What the model builders read and give back, shared by the path that picks the build
 * (`modelBuilder.ts`), the tree walk (`treeWalk.ts`), the text fast path (`textFastPath.ts`) and
 * the incremental reparse (`incremental.ts`).
 */
import type { HclAttribute, HclBlock, HclItem, HclSyntaxError } from './model';
import type { LayoutEntry } from './layout';
import type { LineIndex } from './lineIndex';
import type { NodeTypeIds } from './nodeTypes';

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
