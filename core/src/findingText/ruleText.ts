/**
 * Every finding's text, keyed by its code: the rules hand over what they found and get the
 * message (and the hover's detail) back; SARIF takes each rule's one-line description from here,
 * the language server its hovers (findingHover.ts). So a message reads the same in the editor, in
 * `check`'s text and JSON, and in code scanning, and its wording lives in one place per code.
 */
import type { FindingCode } from '../../../common/src/findings';
import { KUBERNETES_RULE_TEXT, type KubernetesFacts } from './kubernetesText';
import { TERRAFORM_RULE_TEXT, type TerraformFacts } from './terraformText';

/** What a finding says: `message` for the diagnostic line, `detail` (markdown) for the hover. */
export interface FindingText {
  message: string;
  detail?: string;
}

export interface RuleText<Facts> {
  /** One sentence about the rule itself: SARIF's `shortDescription`. */
  description: string;
  render: (facts: Facts) => FindingText;
  /** False for findings that get no hover: their message is all there is to say. Default true. */
  hover?: false;
}

/** What each rule hands over to be put in words. */
export type FindingFacts = TerraformFacts & KubernetesFacts;

export const RULE_TEXT: { [C in FindingCode]: RuleText<FindingFacts[C]> } = { ...TERRAFORM_RULE_TEXT, ...KUBERNETES_RULE_TEXT };

/** The message (and detail) of a finding with `code`, from what its rule found. */
export function renderFinding<C extends FindingCode>(code: C, facts: FindingFacts[C]): FindingText {
  const text: RuleText<FindingFacts[C]> = RULE_TEXT[code];
  return text.render(facts);
}
