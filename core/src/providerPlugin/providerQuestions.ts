/**
 * What the analysis asks a provider, and what it does with the answer, as plain data: the bridge
 * between the synchronous analysis (which finds the instances whose configuration differs from
 * what is deployed, and applies answers it already has) and the asynchronous client that asks the
 * provider binaries. A question is keyed by everything its answer depends on, so that an answer
 * is only ever applied to the very configuration and deployed object it was given.
 */
import type { SourceRange } from '../../../common/src/findings';
import type { Value } from '../terraform/evaluation/value';

/** The deployed side of a question. */
export type QuestionPrior =
  /** The state's instance, as stored: upgraded by the provider before it plans. */
  | { kind: 'state'; attributesJson: string; schemaVersion: number; private?: string }
  /** Under a git or folder baseline: the old configuration's values (computed attributes unknown to it are null). */
  | { kind: 'configuration'; config: ConfiguredObject };

/**
 * A resource block as configured, evaluated: its arguments by name, and its nested blocks as
 * arrays of such objects under their type name. An `Unknown` in place of a block list is a
 * `dynamic` block whose content is not known before plan.
 */
export interface ConfiguredObject {
  readonly [name: string]: Value;
}

export interface ProviderQuestion {
  /** As the plan writes it: `module.m["x"].tls_self_signed_cert.c`. */
  address: string;
  /** `tls_self_signed_cert`. */
  type: string;
  /** The provider as the lock file names it: `registry.opentofu.org/hashicorp/tls`. */
  provider: string;
  config: ConfiguredObject;
  prior: QuestionPrior;
  /** Everything the answer depends on, as one string: the provider, the type, the configuration and the prior. */
  key: string;
}

/** One attribute the provider's plan replaces on. */
export interface ReplacedPath {
  /** The path's steps, dotted (`subject.0.common_name`); its first step is a top-level attribute or block. */
  path: string;
  /** Before and after as the plan has them, rendered for the user. */
  before: string;
  after: string;
  /** Only the provider sets it (a computed attribute no configuration writes, such as `ready_for_renewal`). */
  computedOnly: boolean;
}

/** The provider's answer to a question. */
export interface ProviderVerdict {
  /** The question's key: the verdict applies only to a question with the same key. */
  key: string;
  /** Who answered: `hashicorp/tls 4.2.1`. */
  provider: string;
  /** The paths `requires_replace` named; empty: the provider updates the instance in place (or changes nothing). */
  replace: ReplacedPath[];
}

/** Verdicts by instance address, for the analysis to apply where their keys match. */
export type ProviderVerdicts = ReadonlyMap<string, ProviderVerdict>;

/** The block header or attribute a new finding from a provider verdict is placed on. */
export interface VerdictPlacement {
  file: string;
  range: SourceRange;
}

/** A canonical, stable text of a value (object keys sorted, unknowns marked), for question keys. */
export function canonicalValueText(value: Value | undefined): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalValueText(item as Value)).join(',')}]`;
  if (!isPlainObject(value)) return '<unknown>';
  const object = value as { readonly [key: string]: Value };
  return `{${Object.keys(object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonicalValueText(object[key])}`)
    .join(',')}}`;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** The key of a question from its parts. */
export function questionKey(provider: string, type: string, config: ConfiguredObject, prior: QuestionPrior): string {
  const priorText =
    prior.kind === 'state' ? `state:${prior.schemaVersion}:${prior.private ?? ''}:${prior.attributesJson}` : `configuration:${canonicalValueText(prior.config)}`;
  return `${provider}\0${type}\0${canonicalValueText(config)}\0${priorText}`;
}
