// Placeholder until the evaluator lands; replaced by the real module on merge.
import type { Expression } from '../hcl/expression';
import type { EvaluationScope } from './scope';
import { Unknown, type Value } from './value';

export function evaluateExpression(expression: Expression | undefined, _scope: EvaluationScope): Value {
  return new Unknown(expression?.type ?? 'expression', ['not evaluated']);
}
