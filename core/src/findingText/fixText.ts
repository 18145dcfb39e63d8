/**
 * The titles of the quick fixes that findings carry, by kind: what the editor's light bulb lists
 * (and what a client picks the preferred fix by, next to the stable `kind`).
 */
import type { FindingFix } from '../../../common/src/findings';

export type FixFacts = { kind: 'create-before-destroy' } | { kind: 'prevent-destroy' } | { kind: 'moved-block'; from: string; to: string };

const FIX_TITLES: { [K in FindingFix['kind']]: (facts: Extract<FixFacts, { kind: K }>) => string } = {
  'create-before-destroy': () => 'Add lifecycle { create_before_destroy = true }: create the replacement before destroying the old one',
  'prevent-destroy': () => 'Add lifecycle { prevent_destroy = true }: make Terraform refuse to destroy this resource',
  'moved-block': ({ from, to }) => `Add a moved block from ${from} to ${to}`,
};

export function fixTitle(facts: FixFacts): string {
  const title = FIX_TITLES[facts.kind] as (facts: FixFacts) => string;
  return title(facts);
}
