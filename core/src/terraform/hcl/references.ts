/**
 * The traversals an expression reads: a root variable plus the `.attr` steps that follow it
 * (`var.x`, `aws_instance.web.id`, `data.t.n.attr`, `each.value`), dotted, without index or splat
 * steps (`aws_instance.web[0].id` → `aws_instance.web`), in document order, without duplicates.
 * Iterator variables of `for` expressions and `%{ for }` directives are not references inside
 * their body; a bare identifier used as an object key is a key, not a reference.
 */
import type { TreeCursor } from 'web-tree-sitter';
import type { NodeTypeIds } from './nodeTypes';

export interface ReferenceWalkContext {
  readonly types: NodeTypeIds;
  /** Source text as tree-sitter saw it, for cursor indices. */
  slice(start: number, end: number): string;
}

/** Collects the references of the subtree under the cursor; the cursor is left where it was. */
export function collectReferences(cursor: TreeCursor, context: ReferenceWalkContext): string[] {
  const found = new Set<string>();
  walk(cursor, context, [], found);
  return [...found];
}

function walk(cursor: TreeCursor, context: ReferenceWalkContext, scope: string[], found: Set<string>): void {
  const t = context.types;
  const type = cursor.nodeTypeId;
  if (type === t.variable_expr) {
    const name = context.slice(cursor.startIndex, cursor.endIndex);
    if (!scope.includes(name)) found.add(traversalFrom(cursor, context, name));
    return;
  }
  // Leaves and nodes that cannot hold a reference.
  if (
    type === t.identifier ||
    type === t.string_lit ||
    type === t.numeric_lit ||
    type === t.bool_lit ||
    type === t.null_lit ||
    type === t.template_literal ||
    type === t.comment ||
    type === t.get_attr ||
    type === t.heredoc_identifier ||
    type === t.heredoc_start
  ) {
    return;
  }
  if (!cursor.gotoFirstChild()) return;
  if (type === t.for_tuple_expr || type === t.for_object_expr) {
    let inner = scope;
    do {
      if (cursor.nodeTypeId === t.for_intro) inner = walkIntro(cursor, context, scope, found);
      else walk(cursor, context, inner, found);
    } while (cursor.gotoNextSibling());
  } else if (type === t.template_for) {
    let inner = scope;
    do {
      if (cursor.nodeTypeId === t.template_for_start) inner = walkIntro(cursor, context, scope, found);
      else walk(cursor, context, inner, found);
    } while (cursor.gotoNextSibling());
  } else if (type === t.object_elem) {
    let first = true;
    do {
      if (first && cursor.nodeTypeId === t.expression) {
        first = false;
        if (isBareIdentifier(cursor, t)) continue; // `{ name = … }`: a literal key
      }
      walk(cursor, context, scope, found);
    } while (cursor.gotoNextSibling());
  } else {
    do walk(cursor, context, scope, found);
    while (cursor.gotoNextSibling());
  }
  cursor.gotoParent();
}

/**
 * `for k, v in coll :` or `%{ for k, v in coll }`: walks the collection in the outer scope and
 * returns the scope of the body, with the iterator names added.
 */
function walkIntro(cursor: TreeCursor, context: ReferenceWalkContext, scope: string[], found: Set<string>): string[] {
  const names: string[] = [];
  if (cursor.gotoFirstChild()) {
    do {
      const type = cursor.nodeTypeId;
      if (type === context.types.identifier) names.push(context.slice(cursor.startIndex, cursor.endIndex));
      else if (type === context.types.expression) walk(cursor, context, scope, found);
    } while (cursor.gotoNextSibling());
    cursor.gotoParent();
  }
  return names.length ? scope.concat(names) : scope;
}

/** The cursor is on a `variable_expr`; appends the `.attr` steps that follow it. */
function traversalFrom(cursor: TreeCursor, context: ReferenceWalkContext, root: string): string {
  let path = root;
  let steps = 0;
  while (cursor.gotoNextSibling()) {
    steps++;
    const type = cursor.nodeTypeId;
    if (type === context.types.comment) continue;
    if (type !== context.types.get_attr) break;
    // `.name`, possibly with comments or spaces after the dot.
    const text = context.slice(cursor.startIndex, cursor.endIndex);
    const name = /[^\s.][^\s]*$/.exec(text);
    if (!name) break;
    path += '.' + name[0];
  }
  while (steps-- > 0) cursor.gotoPreviousSibling();
  return path;
}

/** The cursor is on an `expression` that is nothing but one identifier. */
function isBareIdentifier(cursor: TreeCursor, t: NodeTypeIds): boolean {
  if (!cursor.gotoFirstChild()) return false;
  let result = cursor.nodeTypeId === t.variable_expr;
  if (result && cursor.gotoNextSibling()) {
    // Anything after the identifier (other than comments) makes it a traversal or an expression.
    do if (cursor.nodeTypeId !== t.comment) result = false;
    while (result && cursor.gotoNextSibling());
  }
  cursor.gotoParent();
  return result;
}
