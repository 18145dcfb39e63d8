/**
 * Provider source addresses as Terraform and OpenTofu read them: `hashicorp/aws` in
 * `required_providers`, `registry.terraform.io/hashicorp/aws` in a lock file or the knowledge base,
 * and the address a resource implies when nothing declares one (its type's first word). Pure.
 */

/** The two public registries serve the same providers under the same names: Terraform asks one, OpenTofu the other. */
const PUBLIC_REGISTRIES = new Set(['registry.terraform.io', 'registry.opentofu.org']);
const BUILTIN_HOST = 'terraform.io';

export interface ProviderAddress {
  /** Lowercase; the public registry Terraform names when the source leaves the host out. */
  host: string;
  namespace: string;
  type: string;
}

/**
 * A `source` as written in `required_providers` or a lock file: `[host/]namespace/type`, or a
 * bare type (an old form meaning `hashicorp/<type>`). Undefined when it is none of these.
 */
export function parseProviderSource(source: string): ProviderAddress | undefined {
  const parts = source.trim().toLowerCase().split('/');
  if (parts.some((p) => p === '')) return undefined;
  if (parts.length === 1) return { host: 'registry.terraform.io', namespace: 'hashicorp', type: parts[0] };
  if (parts.length === 2) return { host: 'registry.terraform.io', namespace: parts[0], type: parts[1] };
  if (parts.length === 3) return { host: parts[0], namespace: parts[1], type: parts[2] };
  return undefined;
}

/** The provider a local name means when `required_providers` does not declare it. */
export function impliedProvider(localName: string): ProviderAddress {
  const type = localName.toLowerCase();
  // Both tools special-case this one name: the built-in provider of `terraform_data`.
  if (type === 'terraform') return { host: BUILTIN_HOST, namespace: 'builtin', type };
  return { host: 'registry.terraform.io', namespace: 'hashicorp', type };
}

/** The local name a resource type implies: its first word (`aws` for `aws_instance`). */
export function impliedLocalName(resourceType: string): string {
  const underscore = resourceType.indexOf('_');
  return underscore < 0 ? resourceType : resourceType.slice(0, underscore);
}

/**
 * One key per provider, whichever public registry an address names: `hashicorp/aws`. Any other
 * host is a different provider, so it stays in the key.
 */
export function providerKey(address: ProviderAddress): string {
  return PUBLIC_REGISTRIES.has(address.host) ? `${address.namespace}/${address.type}` : `${address.host}/${address.namespace}/${address.type}`;
}

/** The `providerKey` of a source as written, or the text itself when it is no valid address (so that it still names one provider). */
export function sourceKey(source: string): string {
  const address = parseProviderSource(source);
  return address ? providerKey(address) : source;
}
