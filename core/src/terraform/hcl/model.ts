/**
 * The parsed shape of a Terraform file: blocks and attributes with source ranges, and attribute
 * values decoded exactly where they are literals. Produced by the tree-sitter parser
 * (`hclParser.ts`), consumed by the analysis. No tree-sitter types leak out of this model.
 */
import type { SourceRange } from '../../../../common/src/findings';
import type { Expression } from './expression';

export type { SourceRange };

/**
 * A value as written in configuration. Literals are decoded exactly as HCL would (escapes,
 * heredocs with their indentation stripped, numbers); anything that needs evaluation is kept
 * as an `expression` with its source text and the references it makes.
 */
export type HclValue =
  | { kind: 'string'; value: string }
  /** `text` is the literal as written, so that big or precise numbers are not lost in a double. */
  | { kind: 'number'; value: number; text: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  | { kind: 'tuple'; items: HclValueNode[] }
  | { kind: 'object'; entries: HclObjectEntry[] }
  | {
      kind: 'expression';
      /** Source text of the expression, as written (trimmed). */
      text: string;
      /**
       * Traversals the expression reads, outermost first and without duplicates, as dotted strings
       * without index parts: `var.mode`, `local.name`, `path.module`, `aws_instance.web.id`,
       * `module.net.subnet_id`, `data.aws_ami.ubuntu.id`, `each.value`, `count.index`.
       */
      references: string[];
      /** Its syntax tree, for evaluation; `unsupported` where it is broken or missing. */
      expression: Expression;
    };

export interface HclValueNode {
  range: SourceRange;
  value: HclValue;
}

export interface HclObjectEntry {
  /** The key decoded as a string when it is a literal (identifier or quoted); else its source text. */
  key: string;
  keyIsLiteral: boolean;
  keyRange: SourceRange;
  value: HclValueNode;
}

export interface HclAttribute {
  kind: 'attribute';
  name: string;
  nameRange: SourceRange;
  /** The whole `name = value` line range. */
  range: SourceRange;
  value: HclValueNode;
}

export interface HclBlock {
  kind: 'block';
  /** `resource`, `data`, `module`, `variable`, `locals`, `moved`, `import`, `lifecycle`, any nested block type. */
  type: string;
  typeRange: SourceRange;
  /** Labels decoded (quoted or bare identifiers). */
  labels: string[];
  labelRanges: SourceRange[];
  /** From the block type to the closing brace. */
  range: SourceRange;
  /** Position just after `{` and just before `}`; absent when the block is unterminated. */
  openBraceRange?: SourceRange;
  closeBraceRange?: SourceRange;
  attributes: HclAttribute[];
  blocks: HclBlock[];
  /** True when tree-sitter reported an ERROR or MISSING node inside this block. */
  hasErrors: boolean;
}

/** What a body holds: `kind` tells an attribute from a block. */
export type HclItem = HclAttribute | HclBlock;

export interface HclSyntaxError {
  range: SourceRange;
  /** Readable, e.g. `Unexpected "}"` or `Missing closing "}" for block resource "local_file" "a"`. */
  message: string;
}

export interface HclFile {
  /** Top-level blocks that parsed well enough to be identified (type and labels intact). */
  blocks: HclBlock[];
  /** Top-level attributes (rare in Terraform, legal in HCL). */
  attributes: HclAttribute[];
  errors: HclSyntaxError[];
}

/** A change to a document, LSP-style: the range is in the text *before* the change. */
export interface TextChange {
  range: SourceRange;
  text: string;
}
