/**
 * The finding: what every analyzer (Terraform, Kubernetes) returns, what the CLI prints
 * (`check --format json`, docs/cli.md) and what the language server turns into diagnostics.
 * Positions are 0-based, LSP-style (line, UTF-16 code unit column).
 */

export interface SourcePosition {
  line: number;
  character: number;
}

export interface SourceRange {
  start: SourcePosition;
  end: SourcePosition;
}

export type FindingSeverity = 'error' | 'warning' | 'information' | 'hint';

/** Stable identifiers: users filter on them, SARIF rules are keyed by them. Extend, never rename. */
export const TERRAFORM_FINDING_CODES = [
  'terraform/forces-replacement',
  'terraform/may-force-replacement',
  'terraform/renamed-without-moved',
  'terraform/replace-blocked-by-prevent-destroy',
  'terraform/stateful-replacement',
  'terraform/replace-triggered-by',
  'terraform/syntax-error',
  'terraform/baseline-unavailable',
  'terraform/file-unreadable',
  'terraform/not-checked',
  'terraform/analysis-failed',
  'terraform/knowledge-version-differs',
  'terraform/cascade-replacement',
  'terraform/instances-unknown',
  'terraform/module-not-found',
] as const;

export type TerraformFindingCode = (typeof TERRAFORM_FINDING_CODES)[number];

/**
 * The first seven are the rules about the edit; the next five say why a file was not (fully)
 * checked, as their Terraform counterparts do; the last two are the cluster's own answer to a
 * server-side dry-run (opt-in cluster baseline): a rejection, and an acceptance that overrules an
 * offline immutable-field rule.
 */
export const KUBERNETES_FINDING_CODES = [
  'kubernetes/immutable-field',
  'kubernetes/rolling-update',
  'kubernetes/recreate-downtime',
  'kubernetes/mutable-image-tag',
  'kubernetes/no-readiness-probe',
  'kubernetes/immutable-config-changed',
  'kubernetes/local-state',
  'kubernetes/templated-file',
  'kubernetes/syntax-error',
  'kubernetes/baseline-unavailable',
  'kubernetes/file-unreadable',
  'kubernetes/analysis-failed',
  'kubernetes/server-rejected',
  'kubernetes/server-accepted',
] as const;

export type KubernetesFindingCode = (typeof KUBERNETES_FINDING_CODES)[number];
export type FindingCode = TerraformFindingCode | KubernetesFindingCode;

/** A machine-applicable fix, expressed as text edits on the finding's own file. */
export interface FindingFix {
  title: string;
  /** Stable kind so clients can pick the preferred fix. */
  kind: 'create-before-destroy' | 'prevent-destroy' | 'moved-block';
  edits: Array<{ range: SourceRange; newText: string }>;
}

/** Where a Terraform replacement rule comes from. */
export interface FindingRule {
  /** `hashicorp/aws`. */
  provider: string;
  /** The provider version the knowledge base describes (`6.58.0`); absent for a rule only a plan taught. */
  version?: string;
  /** Where the provider's source says it, e.g. `RequiresReplace()`. */
  source?: string;
  /**
   * The rule was learned from a real plan's `replace_paths`: the plan's file name, when it was
   * made (ISO 8601), and the provider version the module's lock file selected then, when known.
   */
  learned?: { plan: string; time: string; providerVersion?: string };
  /** The provider binary itself answered (`PlanResourceChange` over the plugin protocol), not the knowledge base: `version` is the one asked. */
  asked?: true;
}

/** Where the deployed value a finding compares with came from. */
export type FindingBaseline =
  | {
      kind: 'state';
      /** For a remote backend's state: its type and workspace, and when it was read (ISO 8601). */
      backend?: string;
      workspace?: string;
      serial?: number;
      lineage?: string;
      readAt?: string;
    }
  | { kind: 'git'; ref: string; commit: string }
  | { kind: 'files'; path: string };

export interface Finding {
  /** Absolute path inside the analyzers; the CLI prints it relative to the working directory. */
  file: string;
  range: SourceRange;
  severity: FindingSeverity;
  code: FindingCode;
  message: string;
  /** Resource address, e.g. `module.app.local_file.example["a"]`. */
  address?: string;
  /** Attribute path, dotted, e.g. `file_permission` or `subject.common_name`. */
  attribute?: string;
  kind?: string;
  name?: string;
  path?: string;
  /** Provider address, for a finding about a provider rather than one resource: `hashicorp/aws`. */
  provider?: string;
  /** Baseline and new values, rendered as HCL-ish text (`"0777"`, `var.mode`). */
  before?: string;
  after?: string;
  /** Longer explanation for hovers: the rule and where it comes from (markdown). */
  detail?: string;
  /** Where the rule comes from, e.g. `hashicorp/local v2.5.2: RequiresReplace()`. */
  ruleSource?: string;
  /** The same for a Terraform replacement finding, in parts: which provider version's knowledge, or which plan, says so. */
  rule?: FindingRule;
  /** The resource will be replaced (drives the code lens). */
  replacement?: 'certain' | 'possible';
  fixes?: FindingFix[];
  /** The header (type and labels) of the resource block the finding is about, for code lenses. */
  blockRange?: SourceRange;
  /**
   * The instances this replacement replaces in turn, transitively (their force-new arguments read
   * what the replacement renews, or their `replace_triggered_by` names it), as the plan addresses them.
   */
  cascade?: string[];
  /** On a cascade replacement: the replaced instances whose renewed attributes its argument reads. */
  cascadeFrom?: string[];
  /** Other places the finding is about: where the value was edited, which attributes take it. LSP related information. */
  related?: FindingRelated[];
  /** What the finding compared with, on a finding about a deployed instance. */
  baseline?: FindingBaseline;
}

export interface FindingRelated {
  file: string;
  range: SourceRange;
  message: string;
}
