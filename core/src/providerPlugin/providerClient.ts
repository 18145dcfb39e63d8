/**
 * The questions a running provider answers, typed: its schema, configuring it, upgrading a stored
 * state to its current schema, and planning a change. Values cross as cty msgpack, decoded by the
 * schema's types; a provider's error diagnostics become a ProviderAnswerError whose message is
 * theirs.
 */
import type { Value } from '../terraform/evaluation/value';
import { decodeCtyMsgpack, encodeCtyMsgpack } from './ctyMsgpack';
import { impliedType, parseCtyType } from './ctyType';
import type { DecodedMessage, ProviderProcess } from './providerProcess';
import type { NestedAttributes, NestedBlockSchema, NestingMode, ProviderSchema, ResourceSchema, SchemaAttribute, SchemaBlock } from './providerSchema';

/** The provider answered, with error diagnostics: their summaries and details, as it wrote them. */
export class ProviderAnswerError extends Error {}

/** One step of an attribute path, as `requires_replace` names them. */
export type PathStep = { attribute: string } | { key: string | number };

export interface PlannedChange {
  plannedState: Value;
  /** The paths whose change requires replacement; empty when the provider updates in place. */
  requiresReplace: PathStep[][];
}

export interface CallTimeouts {
  /** GetProviderSchema: large providers take seconds to describe themselves. */
  schemaMs: number;
  callMs: number;
}

export class ProviderClient {
  private schemaAnswer: Promise<ProviderSchema> | undefined;

  constructor(
    readonly process: ProviderProcess,
    private readonly timeouts: CallTimeouts,
  ) {}

  schema(): Promise<ProviderSchema> {
    this.schemaAnswer ??= this.process.call('getProviderSchema', {}, this.timeouts.schemaMs).then((response) => {
      throwOnErrors(response);
      return providerSchemaOf(response);
    });
    return this.schemaAnswer;
  }

  async configure(config: Value, terraformVersion: string): Promise<void> {
    const schema = await this.schema();
    const response = await this.process.call(
      'configureProvider',
      { terraform_version: terraformVersion, config: { msgpack: encodeCtyMsgpack(config, impliedType(schema.provider.block)) }, client_capabilities: {} },
      this.timeouts.callMs,
    );
    throwOnErrors(response);
  }

  /** The stored state (`attributes` of the state file, as JSON text) in the current schema of `typeName`. */
  async upgradeResourceState(typeName: string, version: number, stateJson: string): Promise<Value> {
    const resource = await this.resourceSchema(typeName);
    const response = await this.process.call(
      'upgradeResourceState',
      { type_name: typeName, version, raw_state: { json: Buffer.from(stateJson, 'utf8') } },
      this.timeouts.callMs,
    );
    throwOnErrors(response);
    return dynamicValue(response.upgraded_state, resource);
  }

  async planResourceChange(typeName: string, prior: Value, proposed: Value, config: Value, priorPrivate?: Uint8Array): Promise<PlannedChange> {
    const resource = await this.resourceSchema(typeName);
    const type = impliedType(resource.block);
    const response = await this.process.call(
      'planResourceChange',
      {
        type_name: typeName,
        prior_state: { msgpack: encodeCtyMsgpack(prior, type) },
        proposed_new_state: { msgpack: encodeCtyMsgpack(proposed, type) },
        config: { msgpack: encodeCtyMsgpack(config, type) },
        prior_private: priorPrivate ?? Buffer.alloc(0),
        client_capabilities: { write_only_attributes_allowed: true },
      },
      this.timeouts.callMs,
    );
    throwOnErrors(response);
    const paths = Array.isArray(response.requires_replace) ? (response.requires_replace as DecodedMessage[]) : [];
    return { plannedState: dynamicValue(response.planned_state, resource), requiresReplace: paths.map(pathSteps) };
  }

  async resourceSchema(typeName: string): Promise<ResourceSchema> {
    const schema = await this.schema();
    const resource = schema.resources.get(typeName);
    if (!resource) throw new ProviderAnswerError(`the provider has no resource type ${typeName}`);
    return resource;
  }
}

function dynamicValue(message: unknown, resource: ResourceSchema): Value {
  const value = message as { msgpack?: Uint8Array; json?: Uint8Array } | undefined;
  if (value?.msgpack && value.msgpack.length > 0) return decodeCtyMsgpack(value.msgpack, impliedType(resource.block));
  if (value?.json && value.json.length > 0) return JSON.parse(Buffer.from(value.json).toString('utf8')) as Value;
  return null;
}

function throwOnErrors(response: DecodedMessage): void {
  const diagnostics = Array.isArray(response.diagnostics) ? (response.diagnostics as DecodedMessage[]) : [];
  const errors = diagnostics.filter((d) => d.severity === 'ERROR');
  if (errors.length === 0) return;
  throw new ProviderAnswerError(errors.map((d) => [d.summary, d.detail].filter((s) => typeof s === 'string' && s !== '').join(': ')).join('; '));
}

function pathSteps(path: DecodedMessage): PathStep[] {
  const steps = Array.isArray(path.steps) ? (path.steps as DecodedMessage[]) : [];
  return steps.map((step): PathStep => {
    if (step.selector === 'attribute_name') return { attribute: String(step.attribute_name) };
    if (step.selector === 'element_key_int') return { key: Number(step.element_key_int) };
    return { key: String(step.element_key_string) };
  });
}

/** The schema response in the project's shape (providerSchema.ts). */
export function providerSchemaOf(response: DecodedMessage): ProviderSchema {
  const resources = new Map<string, ResourceSchema>();
  const schemas = (response.resource_schemas ?? {}) as Record<string, DecodedMessage>;
  for (const [name, schema] of Object.entries(schemas)) resources.set(name, resourceSchemaOf(schema));
  return { provider: resourceSchemaOf((response.provider ?? {}) as DecodedMessage), resources };
}

function resourceSchemaOf(schema: DecodedMessage): ResourceSchema {
  return { version: Number(schema.version ?? 0), block: blockOf((schema.block ?? {}) as DecodedMessage) };
}

function blockOf(block: DecodedMessage): SchemaBlock {
  const attributes = Array.isArray(block.attributes) ? (block.attributes as DecodedMessage[]) : [];
  const blocks = Array.isArray(block.block_types) ? (block.block_types as DecodedMessage[]) : [];
  return { attributes: attributes.map(attributeOf), blocks: blocks.map(nestedBlockOf) };
}

function attributeOf(attribute: DecodedMessage): SchemaAttribute {
  const nested = attribute.nested_type as DecodedMessage | undefined | null;
  const typeBytes = attribute.type as Uint8Array | undefined;
  const hasType = typeBytes !== undefined && typeBytes.length > 0;
  return {
    name: String(attribute.name),
    ...(hasType ? { type: parseCtyType(typeBytes) } : {}),
    ...(!hasType && nested ? { nested: nestedAttributesOf(nested) } : {}),
    required: attribute.required === true,
    optional: attribute.optional === true,
    computed: attribute.computed === true,
    sensitive: attribute.sensitive === true,
    writeOnly: attribute.write_only === true,
  };
}

function nestedAttributesOf(object: DecodedMessage): NestedAttributes {
  const attributes = Array.isArray(object.attributes) ? (object.attributes as DecodedMessage[]) : [];
  return { nesting: nestingOf(object.nesting) as NestedAttributes['nesting'], attributes: attributes.map(attributeOf) };
}

function nestedBlockOf(nested: DecodedMessage): NestedBlockSchema {
  return {
    typeName: String(nested.type_name),
    nesting: nestingOf(nested.nesting),
    block: blockOf((nested.block ?? {}) as DecodedMessage),
    minItems: Number(nested.min_items ?? 0),
    maxItems: Number(nested.max_items ?? 0),
  };
}

function nestingOf(mode: unknown): NestingMode {
  switch (mode) {
    case 'SINGLE':
      return 'single';
    case 'GROUP':
      return 'group';
    case 'SET':
      return 'set';
    case 'MAP':
      return 'map';
    default:
      return 'list';
  }
}
