/**
 * The words of the Terraform findings: for each code, what the rule found (its facts) in, the
 * message and the hover's markdown out. The rules decide; this module only says it, so that the
 * editor, the CLI and SARIF read the same sentence, and a change of wording is one edit here.
 */
import * as path from 'node:path';
import type { TerraformFindingCode } from '../../../common/src/findings';
import { DEPENDENCY_LOCK_FILE as LOCK_FILE } from '../terraform/terraformFiles';
import type { FindingText, RuleText } from './ruleText';
import { analysisFailedRuleText, type AnalysisFailedFacts } from './analysisFailureText';
import type { ModuleProviderVersion } from '../terraform/moduleProviderVersions';

/** An attribute (or a nested block) of a resource, by its dotted path. */
export interface ChangedAttribute {
  path: string;
  isBlock?: boolean;
}

/** One change that forces (or may force) replacement, merged over the instances it applies to. */
export interface AttributeReplacementFacts {
  attribute: ChangedAttribute;
  before: string;
  after: string;
  /** Instance addresses, the first one being the finding's. */
  instances: string[];
  /** Where the baseline value comes from, as a phrase: `terraform.tfstate`. */
  baseline: string;
  ruleSource?: string;
  /**
   * Whose rule it is, for the hover: the knowledge base's provider and version, and the version
   * the module uses where its files say; or the plan that taught it.
   */
  rule?: RuleOrigin;
  /** `lifecycle.create_before_destroy = true` on the resource. */
  createBeforeDestroy: boolean;
  /**
   * The identity attributes the old and the new object share (none of them changed), and what
   * that means when both exist at once; absent when some of them change or the type has none.
   */
  sharedIdentity?: { attributes: string[]; hazard: string };
  /** Why the replacement is only possible. */
  uncertainty?: string;
  /** The edited lines the new value comes from, when they are elsewhere (a variable definitions file, a module argument). */
  editedAt?: Array<{ name: string; file: string }>;
  /** The finding is on the edited line itself: what it replaces. */
  editSite?: EditSiteFacts;
}

/** An edited line (a variable's value, a module argument, a default, a local) and what its new value replaces. */
export interface EditSiteFacts {
  /** `perm`, `local.name`. */
  name: string;
  before: string;
  after: string;
  targets: Array<{ address: string; attribute: string }>;
  certain: boolean;
}

export interface CascadeFacts {
  /** The dependent instances, the first one being the finding's. */
  instances: string[];
  attribute: ChangedAttribute;
  /** The replaced resources' attributes the argument reads. */
  upstream: Array<{ address: string; attribute: string }>;
  /** The upstream replacement is certain. */
  certain: boolean;
  ruleSource?: string;
}

export interface InstancesUnknownFacts {
  /** `module "m"` or `` `local_file.f` ``. */
  what: string;
  unknownKeys?: string;
  followed: number;
  truncated?: number;
}

export type RuleOrigin =
  | { kind: 'knowledge'; provider: string; version: string; used?: ModuleProviderVersion }
  /** `contradicted`: what the knowledge base says instead (`updates in place`), when it says anything. */
  | { kind: 'learned'; plan: string; time: string; contradicted?: { provider: string; version: string; says: string } }
  /** The provider binary itself answered, asked over the plugin protocol. */
  | { kind: 'provider'; provider: string; version: string };

export interface KnowledgeVersionFacts {
  /** `hashicorp/aws`. */
  provider: string;
  knowledgeVersion: string;
  used: ModuleProviderVersion;
}

export interface PreventDestroyFacts {
  address: string;
  /** The first change that forces the replacement. */
  attribute: ChangedAttribute;
}

export type StatefulReplacementFacts =
  /** Replaced for a changed attribute. */
  | { cause: 'replacement'; address: string; certain: boolean; reason: string }
  /** Renamed without `moved`: destroyed under its old address, created empty under the new one. */
  | { cause: 'rename'; from: string; to: string; reason: string };

export interface ReplaceTriggeredByFacts {
  /** The resource whose `replace_triggered_by` names the target. */
  address: string;
  /** The reference as written. */
  reference: string;
  /** The target itself is replaced (else only `changed` change). */
  replaced: boolean;
  changed: ChangedAttribute[];
}

export type RenameFacts =
  | { move: 'label'; from: string; to: string }
  | { move: 'into-module'; from: string; to: string; module: string }
  /** `count` ↔ `for_each` ↔ a single instance. */
  | { move: 'repetition'; address: string; from: string; to: string; instances: number };

export interface NotCheckedFacts {
  /** `hashicorp/aws`, or the source as written when it is no valid address. */
  provider: string;
  resources: number;
  types: string[];
  /** The provider version the knowledge base describes, when it describes other types of this provider. */
  knowledgeVersion?: string;
  /** The version the lock file selects. */
  locked?: string;
  lockFile: 'absent' | 'unreadable' | 'read';
  /** The `required_providers` version constraints of this provider. */
  constraints: string[];
}

export type TerraformFileProblem = { problem: 'too-large'; file: string; bytes: number; limitBytes: number } | { problem: 'not-utf8'; file: string };

export interface TerraformFacts {
  'terraform/forces-replacement': AttributeReplacementFacts;
  'terraform/may-force-replacement': AttributeReplacementFacts;
  'terraform/renamed-without-moved': RenameFacts;
  'terraform/replace-blocked-by-prevent-destroy': PreventDestroyFacts;
  'terraform/stateful-replacement': StatefulReplacementFacts;
  'terraform/replace-triggered-by': ReplaceTriggeredByFacts;
  /** The parser's own words. */
  'terraform/syntax-error': { error: string };
  /** The baseline reader's own words; `comparedInstead`: what the edits are compared with in its place (a remote state that could not be read). */
  'terraform/baseline-unavailable': { reason: string; comparedInstead?: string };
  'terraform/file-unreadable': TerraformFileProblem;
  'terraform/not-checked': NotCheckedFacts;
  'terraform/analysis-failed': AnalysisFailedFacts;
  'terraform/knowledge-version-differs': KnowledgeVersionFacts;
  'terraform/cascade-replacement': CascadeFacts;
  'terraform/instances-unknown': InstancesUnknownFacts;
  'terraform/module-not-found': { call: string; reason: string };
}

export const TERRAFORM_RULE_TEXT: { [C in TerraformFindingCode]: RuleText<TerraformFacts[C]> } = {
  'terraform/forces-replacement': {
    description: 'A changed attribute forces Terraform to destroy and re-create the resource.',
    render: (facts) => attributeReplacementText(facts, true),
  },
  'terraform/may-force-replacement': {
    description: 'A changed attribute may force replacement, depending on values known only at plan time.',
    render: (facts) => attributeReplacementText(facts, false),
  },
  'terraform/renamed-without-moved': {
    description: 'A resource address changed without a moved block: Terraform destroys and re-creates it.',
    render: renameText,
  },
  'terraform/replace-blocked-by-prevent-destroy': {
    description: 'A replacement is blocked by lifecycle.prevent_destroy: the plan will fail.',
    render: ({ address, attribute }) => ({
      message:
        `\`${address}\` must be replaced (${subjectOf(attribute)} changed), but \`lifecycle.prevent_destroy = true\`: ` +
        '`terraform plan` will fail with "Instance cannot be destroyed". Revert the change, or remove prevent_destroy deliberately.',
    }),
  },
  'terraform/stateful-replacement': {
    description: 'Replacing a resource that holds data destroys the data.',
    render: statefulReplacementText,
  },
  'terraform/replace-triggered-by': {
    description: 'A replace_triggered_by target changes, so the resource is replaced.',
    render: ({ address, reference, replaced, changed }) => {
      const what = replaced ? 'is replaced' : `changes (${changed.slice(0, 3).map(subjectOf).join(', ')})`;
      return { message: `\`${address}\` will be replaced: its \`replace_triggered_by\` names \`${reference.trim()}\`, which ${what}.` };
    },
  },
  'terraform/syntax-error': {
    description: 'The file has a syntax error.',
    render: ({ error }) => ({ message: error }),
  },
  'terraform/baseline-unavailable': {
    description: 'No baseline (state or git) to compare edits with.',
    render: ({ reason, comparedInstead }) => ({ message: comparedInstead === undefined ? reason : `${reason} Edits are compared with ${comparedInstead} instead.` }),
    // The message says it all, on every file of the module: a hover would only repeat it.
    hover: false,
  },
  'terraform/file-unreadable': {
    description: 'The file could not be analysed.',
    render: fileProblemText,
  },
  'terraform/not-checked': {
    description: 'Resources of a provider, or of resource types, that the replacement knowledge base does not describe: their edits were not checked for replacement.',
    render: (facts) => ({ message: notCheckedMessage(facts) }),
  },
  'terraform/analysis-failed': analysisFailedRuleText('the Terraform module in this folder'),
  'terraform/cascade-replacement': {
    description: 'A replaced resource renews an attribute that a force-new argument of another resource reads: that resource is replaced too.',
    render: cascadeText,
  },
  'terraform/instances-unknown': {
    description: 'The instances of a resource or module call could not all be followed before plan.',
    render: ({ what, unknownKeys, followed, truncated }) => ({
      message: unknownKeys
        ? `The instances of ${what} are known only at plan time: ${unknownKeys}. ${followed > 0 ? `The ${followed} deployed instance${followed === 1 ? ' was' : 's were'} checked instead.` : 'None were checked.'}`
        : `${what} has ${followed + (truncated ?? 0)} instances: the first ${followed} were checked for replacement, the other ${truncated ?? 0} were not.`,
    }),
  },
  'terraform/module-not-found': {
    description: 'A module call whose module could not be read: the values it passes and the resources it holds were not checked.',
    render: ({ call, reason }) => ({ message: `Module "${call}" was not checked: ${reason.replace(/\.$/, '')}.` }),
  },
  'terraform/knowledge-version-differs': {
    description: "The module uses another major version of a provider than the one the replacement knowledge describes: the provider's rules may differ.",
    render: ({ provider, knowledgeVersion, used }) => ({
      message:
        `This module uses ${provider} ${usedVersion(used)}, but the replacement knowledge describes ${provider} ${knowledgeVersion}: ` +
        'which attributes force replacement may differ between major versions, so a warning may be missing or wrong.',
    }),
  },
};

/** The words of related information: the other places a finding points at. */
export const RELATED_TEXT = {
  editedHere: (name: string) => `The new value comes from this edit of \`${name}\`.`,
  alsoReplaces: (address: string, total: number) =>
    `Also replaces \`${address}\`${total > 1 ? ` (one of ${total} dependents)` : ''}: it reads what this replacement renews.`,
  takesThisValue: (address: string, attribute: string) => `\`${address}\`: \`${attribute}\` takes this value, which forces its replacement.`,
};

/** `a`, `a` and `b`, `a`, `b` and 3 more. */
function addressList(addresses: readonly string[], shown = 3): string {
  const quoted = addresses.slice(0, shown).map((a) => `\`${a}\``);
  if (addresses.length > shown) return `${quoted.join(', ')} and ${addresses.length - shown} more`;
  return quoted.length <= 1 ? quoted.join('') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

function editSiteText(site: EditSiteFacts): FindingText {
  const attributes = [...new Set(site.targets.map((t) => t.attribute))];
  const what = `${addressList(site.targets.map((t) => t.address))} (${attributes.map((a) => `\`${a}\``).join(', ')})`;
  const message = `Changing \`${site.name}\` (${site.before} → ${site.after}) ${site.certain ? 'forces' : 'may force'} replacement of ${what}.`;
  const lines = [
    `**${site.certain ? 'Forces' : 'May force'} replacement** of ${site.targets.length} instance${site.targets.length === 1 ? '' : 's'}:`,
    '',
    ...site.targets.slice(0, 20).map((t) => `- \`${t.address}\` (\`${t.attribute}\`)`),
    ...(site.targets.length > 20 ? [`- and ${site.targets.length - 20} more`] : []),
  ];
  return { message, detail: lines.join('\n') };
}

function cascadeText(facts: CascadeFacts): FindingText {
  const subject = subjectOf(facts.attribute);
  const upstream = [...new Set(facts.upstream.map((u) => u.address))];
  const reads = [...new Set(facts.upstream.map((u) => `\`${u.address}.${u.attribute}\``))].slice(0, 3).join(', ');
  const message = facts.certain
    ? `${addressList(facts.instances)} ${facts.instances.length === 1 ? 'is' : 'are'} replaced too: ${subject} reads ${reads}, which ${addressList(upstream)} ${upstream.length === 1 ? 'gets' : 'get'} anew (known only after apply).`
    : `${addressList(facts.instances)} may be replaced too: ${subject} reads ${reads}, which changes if ${addressList(upstream)} is replaced.`;
  const lines = [
    `**${facts.certain ? 'Replaced' : 'May be replaced'} by a cascade** from ${addressList(upstream, 5)}`,
    '',
    `- ${subject} reads ${reads}: a new object gets a new value, known only after apply, and a new value of this argument forces replacement.`,
  ];
  if (facts.ruleSource) lines.push(`- Rule: ${facts.ruleSource}`);
  return { message, detail: lines.join('\n') };
}

/** `5.31.0 (from .terraform.lock.hcl)`, `"~> 5.1" (from required_providers)`. */
function usedVersion(used: ModuleProviderVersion): string {
  return used.from === 'lock-file' ? `${used.version} (from ${LOCK_FILE})` : `"${used.constraint}" (from required_providers)`;
}

/** The hover's note on whose rule it is: `(hashicorp/aws 6.58.0 knowledge; the module uses 5.31.0 …)`. */
function ruleOriginNote(rule: RuleOrigin): string {
  if (rule.kind === 'provider') return `(the provider says so: ${rule.provider} ${rule.version})`;
  if (rule.kind === 'learned') {
    return rule.contradicted
      ? `(the ${rule.contradicted.provider} ${rule.contradicted.version} knowledge says it ${rule.contradicted.says}; the real plan replaced on it)`
      : '';
  }
  const used = rule.used && !(rule.used.from === 'lock-file' && rule.used.version === rule.version) ? `; the module uses ${usedVersion(rule.used)}` : '';
  return `(${rule.provider} ${rule.version} knowledge${used})`;
}

function attributeReplacementText(facts: AttributeReplacementFacts, certain: boolean): FindingText {
  if (facts.editSite) return editSiteText(facts.editSite);
  const { instances, sharedIdentity } = facts;
  const subject = subjectOf(facts.attribute);
  const targets = instanceList(instances);
  const identity = sharedIdentity && identityNames(sharedIdentity.attributes);
  const consequence = facts.createBeforeDestroy
    ? `Terraform will create the replacement first, then destroy the old ${plural(instances, 'one', 'ones')} (create_before_destroy)` +
      (sharedIdentity ? `, but both have ${identity}: ${sharedIdentity.hazard}` : '')
    : `Terraform will destroy and re-create ${plural(instances, 'it', 'them')}`;
  const learned = facts.rule?.kind === 'learned' ? ` Learned from the plan of ${facts.rule.time}/${facts.rule.plan}.` : '';
  const message =
    (certain
      ? `Changing ${subject} (${facts.before} → ${facts.after}) forces replacement of ${targets}: ${consequence}.`
      : `Changing ${subject} (${facts.before} → ${facts.after}) may force replacement of ${targets}: ${facts.uncertainty}.`) +
    learned +
    (facts.editedAt && facts.editedAt.length > 0
      ? ` The new value comes from ${facts.editedAt.map((e) => `\`${e.name}\` in ${path.basename(e.file)}`).join(', ')}.`
      : '');
  const lines = [
    certain ? `**Forces replacement** of ${targets}` : '**May force replacement**',
    '',
    `- Baseline (${facts.baseline}): \`${facts.before}\``,
    `- New value: \`${facts.after}\``,
    certain ? `- ${consequence}.` : `- Uncertain because ${facts.uncertainty}.`,
  ];
  if (facts.ruleSource || facts.rule) lines.push(`- Rule: ${[facts.ruleSource, facts.rule && ruleOriginNote(facts.rule)].filter(Boolean).join(' ')}`);
  lines.push('', "Replacement is the immutable way: plan for it (create_before_destroy), or make the change where it doesn't replace.");
  // With create_before_destroy the consequence already says it.
  if (sharedIdentity && !facts.createBeforeDestroy) {
    lines.push('', `Careful with create_before_destroy here: the old and the new object have ${identity}, and ${sharedIdentity.hazard}.`);
  }
  return { message, detail: lines.join('\n') };
}

function renameText(facts: RenameFacts): FindingText {
  if (facts.move === 'label') {
    const { from, to } = facts;
    return {
      message:
        `\`${to}\` looks like a rename of \`${from}\`, which is gone from the configuration. ` +
        `Without a \`moved\` block Terraform will destroy \`${from}\` and create \`${to}\`. ` +
        `Add \`moved { from = ${from}  to = ${to} }\` to keep the existing object.`,
    };
  }
  if (facts.move === 'into-module') {
    const { from, to } = facts;
    return {
      message:
        `\`${from}\` is gone from this module and module "${facts.module}" declares the same resource: ` +
        `without a \`moved\` block Terraform will destroy \`${from}\` and create \`${to}\`. ` +
        `Add \`moved { from = ${from}  to = ${to} }\`.`,
    };
  }
  const { address, from, to, instances } = facts;
  const describe = (kind: string) => (kind === 'single' ? 'a single instance' : kind);
  const example = (kind: string) => (kind === 'count' ? `${address}[0]` : kind === 'for_each' ? `${address}["key"]` : address);
  return {
    message:
      `\`${address}\` changed from ${describe(from)} to ${describe(to)}: its instance addresses change ` +
      `(${example(from)} → ${example(to)}), so without \`moved\` blocks Terraform destroys and re-creates ` +
      `${instances > 1 ? `all ${instances} instances` : 'it'}. Add one \`moved\` block per instance.`,
  };
}

function statefulReplacementText(facts: StatefulReplacementFacts): FindingText {
  const reason = facts.reason.replace(/\.$/, '');
  if (facts.cause === 'rename') {
    return {
      message:
        `Without a \`moved\` block, \`${facts.from}\` is destroyed and \`${facts.to}\` created empty: ${reason}. ` +
        'Add the `moved` block, and guard the resource with `lifecycle { prevent_destroy = true }`.',
    };
  }
  return {
    message:
      `${facts.certain ? 'Replacing' : 'Possibly replacing'} \`${facts.address}\` destroys the data it holds: ${reason}. ` +
      'Keep data outside what gets replaced (a snapshot, a separate volume or managed service), and guard it with `lifecycle { prevent_destroy = true }`.',
  };
}

function fileProblemText(facts: TerraformFileProblem): FindingText {
  const name = path.basename(facts.file);
  if (facts.problem === 'not-utf8') return { message: `${name} is not valid UTF-8 text, which Terraform requires: it was not analysed. Re-save it as UTF-8.` };
  return {
    message:
      `${name} is ${(facts.bytes / 1024 / 1024).toFixed(1)} MB, over the ${facts.limitBytes / 1024 / 1024} MB limit for analysis: ` +
      'it was not analysed. Configuration this large is usually generated; check its generator instead.',
  };
}

function notCheckedMessage(facts: NotCheckedFacts): string {
  const { resources: count, provider, locked } = facts;
  const lead = `${count} resource${count === 1 ? '' : 's'} of ${provider} ${count === 1 ? 'was' : 'were'} not checked for replacement`;
  if (facts.knowledgeVersion !== undefined) {
    const lockedOther = locked !== undefined && locked !== facts.knowledgeVersion ? `; ${LOCK_FILE} selects ${locked}` : '';
    return `${lead}: no replacement knowledge for ${listOf(facts.types)} in ${provider} ${facts.knowledgeVersion}${lockedOther}.`;
  }
  return `${lead}: no replacement knowledge for this provider (${moduleVersion(facts)}).`;
}

/** The version the module uses, saying where that comes from, or that nothing pins one. */
function moduleVersion({ locked, lockFile, constraints }: NotCheckedFacts): string {
  if (locked !== undefined) return `version ${locked}, from ${LOCK_FILE}`;
  const lock = lockFile === 'absent' ? `this folder has no ${LOCK_FILE}` : lockFile === 'unreadable' ? `${LOCK_FILE} could not be read` : `${LOCK_FILE} does not list it`;
  if (constraints.length > 0) return `version constraint "${constraints.join(', ')}", from required_providers; ${lock}`;
  return `any version: no version constraint, and ${lock}`;
}

function subjectOf(attribute: ChangedAttribute): string {
  const name = `\`${attribute.path}\``;
  return attribute.isBlock ? `the ${name} block` : name;
}

function instanceList(instances: string[]): string {
  const shown = instances.slice(0, 3).map((i) => `\`${i}\``);
  if (instances.length > 3) return `${shown.join(', ')} and ${instances.length - 3} more`;
  if (shown.length <= 1) return shown.join('');
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function plural(instances: string[], one: string, many: string): string {
  return instances.length > 1 ? many : one;
}

function identityNames(attributes: string[]): string {
  return `the same ${attributes.map((a) => `\`${a}\``).join(' and ')}`;
}

function listOf(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
