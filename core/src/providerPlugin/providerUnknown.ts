/**
 * The unknown a provider's answer holds: a value it will know only after apply. Every unknown read
 * from the plugin protocol is this one, so that what reads an answer can tell the provider's
 * unknowns from the evaluator's (which say what they are unknown from).
 */
import { Unknown, type Value } from '../terraform/evaluation/value';

const PROVIDER_UNKNOWN_SYMBOL = '(known after apply)';

const PROVIDER_UNKNOWN = new Unknown(PROVIDER_UNKNOWN_SYMBOL, ['known after apply']);

/** The unknown of a provider's answer (`Unknown` is immutable, so one instance serves every place). */
export function providerUnknown(): Unknown {
  return PROVIDER_UNKNOWN;
}

export function isProviderUnknown(value: Value): value is Unknown {
  return value instanceof Unknown && value.symbol === PROVIDER_UNKNOWN_SYMBOL && value.afterApply.length === 0;
}
