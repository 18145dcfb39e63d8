/**
 * Values as the evaluator computes them before plan: what HCL and Terraform would compute, where
 * everything it depends on is known, and an `Unknown` where it is not. Collections may be partly
 * known (`{ name = "a", id = <unknown> }`), as cty values are. Numbers are JavaScript numbers;
 * lists, tuples and sets are arrays (a set's elements in Terraform's order), maps and objects
 * plain objects.
 */

/** An instance's attribute, named as the plan writes it: `module.m["x"].random_id.r[0]` and `hex`. */
export interface ResourceAttributeRef {
  address: string;
  attribute: string;
  /** The instance is only possibly replaced, so what depends on this value is only possibly replaced too. */
  possible?: boolean;
}

/**
 * A value known only at plan or apply time. Two unknowns are the same value when their symbols are
 * equal and neither depends on a resource's new value after a replacement (`afterApply` empty):
 * `local_file.a.id` read from the same deployed object, then and now.
 */
export class Unknown {
  constructor(
    /**
     * What the value is, with everything known substituted, canonical enough to compare:
     * `local_file.a.id`, `"web-${aws_instance.x.id}"`, `upper(random_id.r.hex)`.
     */
    readonly symbol: string,
    /** Why it is unknown, as short phrases for the user: "`random_id.x.hex`, known after apply". */
    readonly reasons: readonly string[],
    /** Resource attributes whose new value after a replacement it depends on: what makes a cascade. */
    readonly afterApply: readonly ResourceAttributeRef[] = [],
  ) {}
}

export type Value = null | string | number | boolean | readonly Value[] | { readonly [key: string]: Value } | Unknown;

export function isUnknown(value: unknown): value is Unknown {
  return value instanceof Unknown;
}

/** True when no part of the value is unknown. */
export function isWhollyKnown(value: Value): boolean {
  if (value instanceof Unknown) return false;
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  return Object.values(value).every(isWhollyKnown);
}

/** Every unknown inside the value, outermost first. */
export function unknownsIn(value: Value, into: Unknown[] = []): Unknown[] {
  if (value instanceof Unknown) into.push(value);
  else if (value !== null && typeof value === 'object') {
    for (const item of Array.isArray(value) ? value : Object.values(value)) unknownsIn(item as Value, into);
  }
  return into;
}
