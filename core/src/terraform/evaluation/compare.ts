// Placeholder until the evaluator lands; replaced by the real module on merge.
import type { Value } from './value';

export function compareValues(_a: Value | undefined, _b: Value | undefined, _type?: string): 'same' | 'different' | 'unknown' {
  return 'unknown';
}

export function renderValue(value: Value, _limit = 80): string {
  return String(value);
}
