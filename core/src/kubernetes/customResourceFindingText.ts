/**
 * The words of a `kubernetes/immutable-field` finding on a custom resource: what its CRD's rule
 * forbids, the API server's answer quoted exactly (customResourceErrorText.ts), and the rule and
 * the CRD as its source. Kept apart from the built-in kinds' texts because a CRD rule's error has
 * shapes theirs never have (no value for objects and arrays, `Duplicate value`), and its rule is
 * the CRD author's, not the API server's code.
 */
import type { FindingText } from '../findingText/ruleText';
import { customResourceErrorText, customResourceKubectlText } from './customResourceErrorText';
import type { ImmutabilityForm } from './customResourceRules';
import type { KnownDefinition } from './customResourceRegistry';
import type { CustomResourceViolation } from './customResourceViolations';

export interface CustomResourceFindingFacts {
  kind: string;
  name: string;
  version: string;
  violation: CustomResourceViolation;
  definition: KnownDefinition;
  /** Where the deployed version comes from: `the manifest at git HEAD (abc1234)`. */
  baseline: string;
  before: string;
  after: string;
  /** Rules of this version that read `oldSelf` but were not evaluated. */
  skippedRules: number;
}

const WHAT_IS_FORBIDDEN: Record<ImmutabilityForm, string> = {
  unchanged: 'cannot change after creation',
  'presence-unchanged': 'cannot be added or removed after creation',
  'not-removed': 'cannot be removed once set',
  'not-added': 'cannot be added after creation',
  'unchanged-once-set': 'cannot change once set',
  'unchanged-and-set': 'cannot change, nor be added or removed, after creation',
};

const RULE_MEANING: Record<ImmutabilityForm, string> = {
  unchanged: 'its value may not change (checked when both versions have it)',
  'presence-unchanged': 'it may not appear or disappear',
  'not-removed': 'once set, it may not be removed',
  'not-added': 'it may not be added to an object created without it',
  'unchanged-once-set': 'once set, its value may not change (and removing it fails the rule’s evaluation)',
  'unchanged-and-set': 'its value may not change, and an object without it fails the rule’s evaluation',
};

export function customResourceRuleSource(definition: KnownDefinition, version: string): string {
  return `CustomResourceDefinition ${definition.rules.name} (${version}, x-kubernetes-validations), read from ${definition.source}`;
}

export function customResourceFindingText(facts: CustomResourceFindingFacts): FindingText {
  const { kind, name, violation, definition, version } = facts;
  const answer = customResourceKubectlText(kind, name, [violation.error]);
  const crd = definition.rules.name;
  const message =
    `\`${violation.field}\` of ${kind} \`${name}\` ${WHAT_IS_FORBIDDEN[violation.rule.form]} (CustomResourceDefinition \`${crd}\`): ` +
    `kubectl apply will fail with \`${answer}\`. Applying it means deleting and re-creating the ${kind}.`;
  const on = violation.rule.property === undefined ? `\`${violation.rule.schemaPath}\`` : `\`${violation.rule.schemaPath}\`, about \`${violation.rule.property}\``;
  const detail = [
    `**Rule:** \`${violation.rule.rule}\` on ${on}: ${RULE_MEANING[violation.rule.form]}.`,
    `**API server error:** \`${customResourceErrorText(violation.error)}\``,
    `**Baseline:** ${facts.baseline}: \`${facts.before}\` → \`${facts.after}\``,
    `**Source:** ${customResourceRuleSource(definition, version)}`,
    facts.skippedRules > 0
      ? `**Not checked:** ${facts.skippedRules} other rule${facts.skippedRules === 1 ? '' : 's'} of this CRD version that compare${facts.skippedRules === 1 ? 's' : ''} with \`oldSelf\` in a form not evaluated here.`
      : undefined,
  ]
    .filter(Boolean)
    .join('\n\n');
  return { message, detail };
}
