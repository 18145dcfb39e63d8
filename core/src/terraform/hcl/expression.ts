/**
 * The syntax tree of an HCL expression that is not a plain literal, as the evaluator reads it:
 * built from the tree-sitter tree by the model builder, so that nothing downstream re-parses text.
 * It mirrors HashiCorp HCL's expression kinds (hclsyntax) closely enough that evaluating it gives
 * what Terraform would before plan. Anything the builder does not recognise is `unsupported`,
 * which evaluates to an unknown value: never a guess.
 */
import type { SourceRange } from '../../../../common/src/findings';

/** One step after the root of a traversal: `.name`, `[key]`, or a legacy `.0` index. */
export type TraversalStep = { kind: 'attr'; name: string } | { kind: 'index'; key: Expression };

export type BinaryOperator = '||' | '&&' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '%';

export type TemplatePart =
  | { kind: 'literal'; value: string }
  | { kind: 'interpolation'; expression: Expression }
  | { kind: 'if'; condition: Expression; then: TemplatePart[]; else: TemplatePart[] }
  | { kind: 'for'; keyVar?: string; valueVar: string; collection: Expression; body: TemplatePart[] };

export type Expression = (
  | { type: 'literal'; value: string | number | boolean | null }
  /** A quoted string or heredoc with interpolations or directives; strip markers (`~`) already applied to the literal parts. */
  | { type: 'template'; parts: TemplatePart[] }
  /** `var.x`, `local.a.b[0]`, `aws_instance.web[0].id`, `each.value.name`, `path.module`. */
  | { type: 'traversal'; root: string; steps: TraversalStep[] }
  /** An attribute or index step after something that is not a plain name: `f(x).a`, `(expr)[0]`. */
  | { type: 'relative'; target: Expression; steps: TraversalStep[] }
  /** `target[*].a.b` (full) or `target.*.a` (attribute-only); `each` is what follows the star. */
  | { type: 'splat'; target: Expression; each: TraversalStep[]; full: boolean }
  /** `name(args)`; `expandFinal` is the `...` after the last argument. Provider functions keep their `provider::ns::name` name. */
  | { type: 'call'; name: string; args: Expression[]; expandFinal: boolean }
  | { type: 'conditional'; condition: Expression; then: Expression; else: Expression }
  | { type: 'binary'; operator: BinaryOperator; left: Expression; right: Expression }
  | { type: 'unary'; operator: '!' | '-'; operand: Expression }
  | { type: 'tuple'; items: Expression[] }
  /** Keys as written: a bare identifier key is a `literal` string (HCL's rule), a parenthesised one an expression. */
  | { type: 'object'; entries: Array<{ key: Expression; value: Expression }> }
  | {
      type: 'for';
      /** `[for …]` makes a tuple, `{for …}` an object. */
      result: 'tuple' | 'object';
      keyVar?: string;
      valueVar: string;
      collection: Expression;
      /** The key expression of an object `for` (`k => v`). */
      key?: Expression;
      value: Expression;
      condition?: Expression;
      /** `...` after the value of an object `for`: values with the same key are grouped into tuples. */
      grouping: boolean;
    }
  | { type: 'parenthesis'; inner: Expression }
  /** Syntax the builder does not model, or a tree with errors: evaluates to unknown, with `text` as the reason. */
  | { type: 'unsupported'; text: string }
) & {
  /** Where the expression is in its file. */
  range: SourceRange;
};
