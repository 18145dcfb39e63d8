/**
 * The provider configuration sent with `ConfigureProvider`: every attribute null, except the
 * switches that keep the large cloud providers from calling out while they configure themselves
 * (no credential check, no account or region lookup, no resource-provider registration). With no
 * credentials in their environment either, a provider that can't plan without them says so in its
 * diagnostics, which the client reports once per provider.
 */
import type { Value } from '../terraform/evaluation/value';
import type { SchemaBlock } from './providerSchema';

/** By provider type (`aws`): the attributes set, where the schema has them. */
const OFFLINE_SWITCHES: Record<string, Record<string, Value>> = {
  aws: {
    region: 'us-east-1',
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: 'true',
    skip_region_validation: true,
    access_key: 'offline',
    secret_key: 'offline',
  },
  google: {
    project: 'offline',
    region: 'us-central1',
    access_token: 'offline',
    user_project_override: false,
  },
  azurerm: {
    subscription_id: '00000000-0000-0000-0000-000000000000',
    tenant_id: '00000000-0000-0000-0000-000000000000',
    client_id: '00000000-0000-0000-0000-000000000000',
    client_secret: 'offline',
    resource_provider_registrations: 'none',
    skip_provider_registration: true,
    use_cli: false,
    use_msi: false,
    use_oidc: false,
  },
};

/** Blocks the azurerm provider requires even when empty. */
const REQUIRED_EMPTY_BLOCKS: Record<string, string[]> = { azurerm: ['features'] };

/** The configuration object for a provider of `type` with `schema`, before conversion to the schema's type. */
export function offlineProviderConfig(type: string, schema: SchemaBlock): Record<string, Value> {
  const switches = OFFLINE_SWITCHES[type] ?? {};
  const config: Record<string, Value> = {};
  for (const attribute of schema.attributes) config[attribute.name] = switches[attribute.name] ?? null;
  const emptyBlocks = new Set(REQUIRED_EMPTY_BLOCKS[type] ?? []);
  for (const block of schema.blocks) {
    const empty = emptyBlocks.has(block.typeName) ? emptyObject(block.block) : null;
    config[block.typeName] = block.nesting === 'list' || block.nesting === 'set' ? (empty ? [empty] : []) : empty;
  }
  return config;
}

function emptyObject(block: SchemaBlock): Record<string, Value> {
  const object: Record<string, Value> = {};
  for (const attribute of block.attributes) object[attribute.name] = null;
  for (const nested of block.blocks) object[nested.typeName] = nested.nesting === 'list' || nested.nesting === 'set' ? [] : null;
  return object;
}
