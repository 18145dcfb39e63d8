/**
 * A replacement rule learned from a real plan, as the extension stores it per workspace and sends
 * it to the language server: a resource type, the attribute path a plan's `replace_paths` named,
 * and the plan it came from. Declared here because both sides of the connection hold it; what
 * reads plans and uses the rules is in core/src/terraform/learnedReplacements.ts.
 */

/** The plan a rule was learned from. */
export interface LearnedPlanOrigin {
  /** The plan's file name (`tfplan`, `plan.json`), without its folder. */
  plan: string;
  /** When the plan was made or read, ISO 8601. */
  time: string;
  /** The provider version the module's lock file selected then, when known. */
  providerVersion?: string;
}

/** One attribute path a real plan replaced a resource of this type on. */
export interface LearnedReplacement {
  resourceType: string;
  /** The plan's `provider_name`: `registry.opentofu.org/hashicorp/local`. */
  provider: string;
  /** Attribute and block names from the resource down, the plan's list indexes and keys dropped where they are numbers. */
  path: string[];
  origin: LearnedPlanOrigin;
}

/** At most this many are kept per workspace, the newest first: a plan of a huge module must not grow storage without bound. */
export const MAX_LEARNED_REPLACEMENTS = 2000;

/** Learned replacements from storage or a notification: whatever does not have the shape is dropped. */
export function parseLearnedReplacements(raw: unknown): LearnedReplacement[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isLearnedReplacement).slice(0, MAX_LEARNED_REPLACEMENTS);
}

function isLearnedReplacement(value: unknown): value is LearnedReplacement {
  if (!isObject(value) || typeof value.resourceType !== 'string' || typeof value.provider !== 'string') return false;
  if (!Array.isArray(value.path) || value.path.length === 0 || !value.path.every((s) => typeof s === 'string' && s !== '')) return false;
  const origin = value.origin;
  return (
    isObject(origin) &&
    typeof origin.plan === 'string' &&
    typeof origin.time === 'string' &&
    (origin.providerVersion === undefined || typeof origin.providerVersion === 'string')
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
