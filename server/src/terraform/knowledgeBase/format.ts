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
 */
export type ReplaceRule = 'never' | 'always' | 'if-configured' | 'conditional';

export interface AttributeKnowledge {
  replace: ReplaceRule;
  /** Human sentence for `conditional` rules: when the replacement happens. */
  condition?: string;
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
  /** Where the rule comes from in the provider source, e.g. `RequiresReplace()`. */
  source?: string;
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
  conditionalReplacements?: Array<{
    /** Attributes whose change can trigger it; empty means "any change / outside configuration". */
    attributes: string[];
    condition: string;
    source?: string;
  }>;
  /** True when the resource holds data that a replacement destroys (databases, volumes, files …). */
  stateful?: boolean;
  /** Why it is stateful, shown in the message. */
  statefulReason?: string;
  deprecated?: boolean;
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
    sdk: ProviderSdk;
  };
  /** How the file was made: `generator <name> <version>` or `hand-extracted from source`. */
  generatedBy: string;
  /** Resource types keyed by full type name (`local_file`). */
  resources: Record<string, ResourceKnowledge>;
  /** Other names for the same schema: alias → canonical resource type (e.g. `aws_alb` → `aws_lb`). */
  aliases?: Record<string, string>;
}
