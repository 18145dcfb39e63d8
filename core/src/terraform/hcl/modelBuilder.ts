/**
 * Builds the HCL model (`model.ts`) from a tree-sitter tree: the entry of the model builders, which
 * picks the path each node takes. The tree walk (`treeWalk.ts`) visits the tree with one cursor;
 * the text fast path (`textFastPath.ts`) reads simple items and values off the text instead, and
 * is given what its reading cannot get wrong:
 * - values (attribute values, collection elements) always, but only from subtrees without errors
 *   (the walk checks), and never in the tests' exhaustive mode, which walks every node so that a
 *   test can compare both;
 * - whole attributes and blocks only in the strict build, where the whole tree has no ERROR or
 *   MISSING node: the tolerant build reads repaired text, where an item may be broken or hold a
 *   placeholder value that only the walk knows.
 */
import type { Node, Tree, TreeCursor } from 'web-tree-sitter';
import type { BuildInput, BuildOutput } from './buildInput';
import type { HclItem, HclSyntaxError } from './model';
import { SourceView } from './sourceView';
import { TextFastPath } from './textFastPath';
import { TreeWalk, type TextPathUse } from './treeWalk';

export { BAIL, type BuildInput, type BuildOutput } from './buildInput';

export function buildModel(tree: Tree, input: BuildInput): BuildOutput {
  const cursor = tree.walk();
  try {
    return walkFor(cursor, input).file();
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
    return walkFor(cursor, input, errors).topLevelItem();
  } finally {
    cursor.delete();
  }
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
    return walkFor(cursor, input).segments(segmentOf);
  } finally {
    cursor.delete();
  }
}

function walkFor(cursor: TreeCursor, input: BuildInput, errors?: HclSyntaxError[]): TreeWalk {
  const view = new SourceView(input);
  return new TreeWalk(cursor, input, view, textPathUse(input, view), errors);
}

function textPathUse(input: BuildInput, view: SourceView): TextPathUse {
  if (input.exhaustive) return {};
  const fast = new TextFastPath(view);
  return input.tolerant ? { values: fast } : { items: fast, values: fast };
}
