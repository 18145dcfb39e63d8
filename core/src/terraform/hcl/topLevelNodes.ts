/**
 * The nodes at the top of a whole-file tree, for the recovering parse (`hclParser.ts`): a recovery
 * segment can be built from that tree only when every node in it is an intact item.
 */
import type { Tree } from 'web-tree-sitter';
import type { NodeTypeIds } from './nodeTypes';

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
