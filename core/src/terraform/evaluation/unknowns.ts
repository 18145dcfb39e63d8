/**
 * Building unknown results: what an operation on unknown inputs gives, and what an operation that
 * Terraform would reject gives. Both are `Unknown`s, so that nothing downstream ever sees a throw;
 * a rejected one is an `EvaluationFailure`, which `try` and `can` tell apart and which spreads to
 * the whole of any value built from it, as an error does in Terraform.
 */
import { Unknown, type ResourceAttributeRef, type Value } from './value';

/** Enough reasons to say why, few enough to read in a hover. */
export const MAX_REASONS = 4;

/** An expression Terraform would stop at with an error: unknown here, with Terraform's reason. */
export class EvaluationFailure extends Unknown {
  constructor(
    symbol: string,
    /** What Terraform would say, shortly: "Invalid index: the list has 2 elements". */
    readonly message: string,
  ) {
    super(symbol, [`Terraform would fail here: ${message}`]);
  }
}

export function isFailure(value: unknown): value is EvaluationFailure {
  return value instanceof EvaluationFailure;
}

export function failure(symbol: string, message: string): EvaluationFailure {
  return new EvaluationFailure(symbol, message);
}

/** The first failure anywhere inside the values, outermost first. */
export function firstFailure(values: readonly Value[]): EvaluationFailure | undefined {
  for (const value of values) {
    if (value instanceof EvaluationFailure) return value;
    if (value !== null && typeof value === 'object' && !(value instanceof Unknown)) {
      const inner = firstFailure(Array.isArray(value) ? value : Object.values(value));
      if (inner) return inner;
    }
  }
  return undefined;
}

/**
 * The unknown result of an operation over the inputs: its reasons and after-apply dependencies are
 * the union of the inputs' (every unknown inside them), or the inputs' failure where there is one.
 */
export function unknownFrom(symbol: string, inputs: readonly Value[], extraReasons: readonly string[] = []): Unknown {
  const failed = firstFailure(inputs);
  if (failed) return failed;
  const reasons: string[] = [];
  const afterApply: ResourceAttributeRef[] = [];
  const addReason = (reason: string) => {
    if (reasons.length < MAX_REASONS && !reasons.includes(reason)) reasons.push(reason);
  };
  const visit = (value: Value) => {
    if (value instanceof Unknown) {
      value.reasons.forEach(addReason);
      for (const ref of value.afterApply) {
        if (!afterApply.some((r) => r.address === ref.address && r.attribute === ref.attribute)) afterApply.push(ref);
      }
    } else if (value !== null && typeof value === 'object') {
      (Array.isArray(value) ? value : Object.values(value)).forEach(visit);
    }
  };
  inputs.forEach(visit);
  extraReasons.forEach(addReason);
  return new Unknown(symbol, reasons, afterApply);
}
