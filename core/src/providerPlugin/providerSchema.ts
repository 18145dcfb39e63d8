/**
 * A provider's schema as the plugin protocol's `GetProviderSchema` answers it, in the project's own
 * shape: what the value codec, the proposed-new-state merge and the questions asked of a provider
 * need, and nothing of descriptions or deprecations. Types are cty's, written as cty writes them in
 * JSON (`"string"`, `["list","string"]`, `["object",{"a":"number"},["a"]]`), so that a schema
 * attribute's `type` bytes parse straight into one.
 */

/** A cty type in cty's own JSON form. */
export type CtyType =
  | 'string'
  | 'number'
  | 'bool'
  | 'dynamic'
  | readonly ['list', CtyType]
  | readonly ['set', CtyType]
  | readonly ['map', CtyType]
  | readonly ['object', { readonly [name: string]: CtyType }]
  | readonly ['object', { readonly [name: string]: CtyType }, readonly string[]]
  | readonly ['tuple', readonly CtyType[]];

/** How a nested block (or, in protocol 6, a nested attribute's object) repeats. */
export type NestingMode = 'single' | 'group' | 'list' | 'set' | 'map';

export interface SchemaAttribute {
  name: string;
  /** The attribute's type; absent when it is a protocol-6 nested attribute (`nested`). */
  type?: CtyType;
  /** Protocol 6: attributes of an object type with their own flags (`nested_type`). */
  nested?: NestedAttributes;
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
  writeOnly: boolean;
}

export interface NestedAttributes {
  nesting: Exclude<NestingMode, 'group'>;
  attributes: readonly SchemaAttribute[];
}

export interface SchemaBlock {
  attributes: readonly SchemaAttribute[];
  blocks: readonly NestedBlockSchema[];
}

export interface NestedBlockSchema {
  typeName: string;
  nesting: NestingMode;
  block: SchemaBlock;
  minItems: number;
  maxItems: number;
}

/** A resource type's (or the provider's own configuration's) schema. */
export interface ResourceSchema {
  /** The schema version states record as `schema_version`. */
  version: number;
  block: SchemaBlock;
}

export interface ProviderSchema {
  /** The provider block's own schema. */
  provider: ResourceSchema;
  /** Managed resource types by name (`tls_private_key`). */
  resources: ReadonlyMap<string, ResourceSchema>;
}
