/**
 * Numeric ids of the tree-sitter-hcl (terraform dialect) node types the model builder looks at,
 * resolved once per loaded grammar: comparing `cursor.nodeTypeId` to a number avoids a string
 * lookup per node. Internal to the HCL layer.
 */
import type { Language } from 'web-tree-sitter';

const NAMED = [
  'config_file',
  'body',
  'block',
  'block_start',
  'block_end',
  'attribute',
  'identifier',
  'expression',
  'literal_value',
  'numeric_lit',
  'bool_lit',
  'null_lit',
  'string_lit',
  'template_expr',
  'quoted_template',
  'heredoc_template',
  'heredoc_start',
  'heredoc_identifier',
  'template_literal',
  'template_interpolation',
  'template_directive',
  'template_for',
  'template_for_start',
  'collection_value',
  'tuple',
  'object',
  'object_elem',
  'variable_expr',
  'get_attr',
  'index',
  'splat',
  'function_call',
  'operation',
  'unary_operation',
  'for_tuple_expr',
  'for_object_expr',
  'for_intro',
  'comment',
  // Expressions (`expressionBuilder.ts`).
  'conditional',
  'binary_operation',
  'new_index',
  'legacy_index',
  'full_splat',
  'attr_splat',
  'function_arguments',
  'ellipsis',
  'for_expr',
  'for_cond',
  'strip_marker',
  'template_if',
  'template_if_intro',
  'template_else_intro',
  'template_if_end',
  'template_for_end',
  'template_interpolation_start',
  'template_interpolation_end',
  'template_directive_start',
  'template_directive_end',
] as const;

export type NodeTypeName = (typeof NAMED)[number];
export type NodeTypeIds = Record<NodeTypeName, number> & { ERROR: number };

/** tree-sitter's `ts_builtin_sym_error`, as a 16-bit symbol. */
const ERROR_SYMBOL = 0xffff;

export function nodeTypeIds(language: Language): NodeTypeIds {
  const ids = { ERROR: ERROR_SYMBOL } as NodeTypeIds;
  for (const name of NAMED) {
    const id = language.idForNodeType(name, true);
    if (id === null || id === undefined) throw new Error(`The HCL grammar has no node type "${name}"`);
    ids[name] = id;
  }
  return ids;
}
