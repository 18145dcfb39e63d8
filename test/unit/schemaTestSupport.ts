/**
 * Schema builders for the provider plugin client's tests: an optional string attribute unless
 * told otherwise, and a nested block type with no item limits unless told otherwise.
 */
import type { NestedBlockSchema, NestingMode, SchemaAttribute, SchemaBlock } from '../../core/src/providerPlugin/providerSchema';

export const attribute = (name: string, fields: Partial<SchemaAttribute> = {}): SchemaAttribute => ({
  name,
  type: 'string',
  required: false,
  optional: true,
  computed: false,
  sensitive: false,
  writeOnly: false,
  ...fields,
});

export const blockType = (typeName: string, nesting: NestingMode, block: SchemaBlock, items: Partial<NestedBlockSchema> = {}): NestedBlockSchema => ({
  typeName,
  nesting,
  block,
  minItems: 0,
  maxItems: 0,
  ...items,
});
