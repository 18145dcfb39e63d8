/**
 * The replacement knowledge base: which attributes of a provider's resources force replacement.
 * One JSON file per provider at a pinned version (`data/terraform-providers/<namespace>-<name>.json`),
 * documented in `data/terraform-providers/FORMAT.md`. `formatVersion` is bumped on any
 * incompatible change; readers refuse versions they don't know.
 *
 * The data is extracted from the providers' Go source (SDKv2 `ForceNew`, framework
 * `RequiresReplace*` plan modifiers, CustomizeDiff / ModifyPlan), never from docs.
 */

export const KNOWLEDGE_BASE_FORMAT_VERSION = 1;

export type ProviderSdk = 'builtin' | 'framework' | 'sdkv2';

/**
 * - `never`: an in-place update.
 * - `always`: any change of the value replaces (SDKv2 `ForceNew`, framework `RequiresReplace()`).
 * - `if-configured`: replaces when the value is configured (non-null) and changes
 *   (framework `RequiresReplaceIfConfigured()`); removing it from configuration does not replace.
 * - `conditional`: replaces only under `condition` (framework `RequiresReplaceIf`, CustomizeDiff
 *   `ForceNewIf*`); reported as "may force replacement".
 *
 * Whatever the rule, Terraform/OpenTofu core only honours a provider's `requires_replace` path when
 * the planned value at that path differs from the prior state (or is unknown). See
 * `data/terraform-providers/FORMAT.md` for the SDKv2/framework details.
 */
export type ReplaceRule = 'never' | 'always' | 'if-configured' | 'conditional';

export interface AttributeKnowledge {
  replace: ReplaceRule;
  /**
   * For `conditional` rules: when the replacement happens, written to follow "it replaces only
   * when …" (e.g. `the rotation time stored in state has already passed`).
   */
  condition?: string;
  /**
   * Edge cases that do not change the rule for ordinary edits, e.g. "null-valued map keys are
   * ignored" or "removing an empty string does not replace". Shown as a detail, never as a condition.
   */
  note?: string;
  required?: boolean;
  optional?: boolean;
  computed?: boolean;
  sensitive?: boolean;
  deprecated?: boolean;
  /**
   * Framework `UseStateForUnknown()`: the planned value stays the prior value. Without it, a computed
   * attribute with `RequiresReplace` replaces whenever its planned value is unknown.
   */
  useStateForUnknown?: boolean;
  /** Attribute type in Terraform type syntax, e.g. `string`, `map(string)`, `list(string)`. */
  type?: string;
  /**
   * The value the provider uses when the attribute is not configured (framework `Default`, SDKv2
   * `Default`), as JSON. Lets a git baseline tell that adding `file_permission = "0777"` changes nothing.
   */
  default?: unknown;
  /** Where the rule comes from in the provider source, e.g. `RequiresReplace()`. */
  source?: string;
  /** Write-only attribute (Terraform 1.11+): never stored in state, so its changes cannot be compared. */
  writeOnly?: boolean;
  /**
   * Framework nested attributes (`SingleNestedAttribute`, `ListNestedAttribute`, …): their nesting
   * and the attributes inside, keyed by name. Absent for primitive and collection attributes.
   */
  nesting?: 'single' | 'list' | 'set' | 'map';
  attributes?: Record<string, AttributeKnowledge>;
}

export type BlockNesting = 'single' | 'list' | 'set' | 'map' | 'group';

export interface BlockKnowledge {
  nesting: BlockNesting;
  /**
   * Replacement caused by the block itself. SDKv2 `ForceNew` on a block replaces only when block
   * instances are added or removed (`on-add-remove`); framework `RequiresReplace` on a block
   * replaces on any change inside it (`always`).
   */
  replace: 'never' | 'always' | 'on-add-remove' | 'if-configured' | 'conditional';
  condition?: string;
  note?: string;
  deprecated?: boolean;
  minItems?: number;
  maxItems?: number;
  /** Attributes inside the block, keyed by name (not by path). */
  attributes: Record<string, AttributeKnowledge>;
  blocks?: Record<string, BlockKnowledge>;
  source?: string;
}

export interface ResourceKnowledge {
  /** Top-level attributes keyed by name. Every schema attribute is listed, `never` included. */
  attributes: Record<string, AttributeKnowledge>;
  /** Nested blocks keyed by block type name. */
  blocks?: Record<string, BlockKnowledge>;
  /**
   * Replacement decided in code (SDKv2 CustomizeDiff, framework ModifyPlan) or by time / reads.
   * Each entry is reported as "may force replacement" when its trigger attributes change.
   */
  conditionalReplacements?: ConditionalReplacement[];
  /** True when the resource holds data that a replacement destroys (databases, volumes, files …). */
  stateful?: boolean;
  /** Why it is stateful, shown in the message. */
  statefulReason?: string;
  /**
   * The attributes that name the real object. While they keep their values, the old and the new
   * object are the same thing out there, so `create_before_destroy` can't keep both: the create
   * fails (the name is taken) or, as with `local_file`, the old one's destroy removes what the new
   * one just made. `hazard` says which, for the message.
   */
  identity?: { attributes: string[]; hazard: string };
  deprecated?: boolean;
  /** Provider source file the resource was read from, relative to the module root. */
  sourceFile?: string;
}

/**
 * - `plan`: decided at plan time from configuration and state (CustomizeDiff, ModifyPlan, a custom
 *   plan modifier) when one of `attributes` changes.
 * - `time`: depends on the clock; can appear at any plan without an edit.
 * - `refresh`: the provider's Read drops the object from state (it vanished or drifted), so the
 *   plan shows a *create* rather than a replace.
 */
export type ConditionalReplacementKind = 'plan' | 'time' | 'refresh';

export interface ConditionalReplacement {
  /**
   * Attribute paths (dotted for nested ones: `subject.common_name`) whose change can trigger it;
   * empty means "outside configuration" (time, refresh).
   */
  attributes: string[];
  /** Written to follow "it replaces only when …". */
  condition: string;
  source?: string;
  /** Absent means `plan`. */
  kind?: ConditionalReplacementKind;
}

export interface ProviderKnowledge {
  formatVersion: number;
  provider: {
    /** e.g. `registry.terraform.io/hashicorp/local`, or `terraform.io/builtin/terraform`. */
    source: string;
    /** Pinned version the data was extracted at, e.g. `2.5.2`. */
    version: string;
    /** Go module and commit the data was read from. */
    module?: string;
    commit?: string;
    /** Go module checksum (`h1:…`, as in go.sum) when the source was read from a module zip. */
    moduleSum?: string;
    /** Release tag the commit carries, e.g. `v2.9.0`. */
    tag?: string;
    /** Where the source was read, e.g. `github.com/hashicorp/terraform-provider-local`. */
    repository?: string;
    sdk: ProviderSdk;
  };
  /** How the file was made: `generator <name> <version>` or `hand-extracted from source`. */
  generatedBy: string;
  /** Resource types keyed by full type name (`local_file`). */
  resources: Record<string, ResourceKnowledge>;
  /** Other names for the same schema: alias → canonical resource type (e.g. `aws_alb` → `aws_lb`). */
  aliases?: Record<string, string>;
}
