/**
 * Which version of a provider a module runs, as far as its files say: the version its lock file
 * selects, else the major version its `required_providers` constraints pin. The knowledge base
 * describes one version of each provider; comparing the two tells when its rules may not be the
 * user's. Pure: configuration and lock file in.
 */
import type { ModuleConfiguration } from './configuration';
import type { LockFileVersions } from './replacementCoverage';

export type ModuleProviderVersion =
  /** The version `.terraform.lock.hcl` selects. */
  | { from: 'lock-file'; version: string; major: number }
  /** No lock file entry: the constraints of `required_providers`, which allow only versions of `major`. */
  | { from: 'constraint'; constraint: string; major: number };

/**
 * The version the module uses of the provider `key` (`hashicorp/aws`); `constraints` are its
 * `required_providers` constraints. Undefined when neither the lock file nor the constraints
 * settle a major version.
 */
export function moduleProviderVersion(key: string, constraints: readonly string[], lockFile: LockFileVersions): ModuleProviderVersion | undefined {
  const locked = lockFile.kind === 'read' ? lockFile.versions.get(key) : undefined;
  const lockedMajor = locked === undefined ? undefined : majorOf(locked);
  if (locked !== undefined && lockedMajor !== undefined) return { from: 'lock-file', version: locked, major: lockedMajor };
  const majors = new Set(constraints.flatMap((c) => c.split(',')).map(pinnedMajor));
  majors.delete(undefined);
  if (majors.size !== 1) return undefined;
  return { from: 'constraint', constraint: constraints.join(', '), major: [...majors][0] as number };
}

/** The constraints of `required_providers` for one provider, by the key `keyOf` gives each local name. */
export function providerConstraints(config: ModuleConfiguration, key: string, keyOf: (localName: string) => string): string[] {
  return [...config.requiredProviders.values()].filter((r) => keyOf(r.localName) === key).flatMap((r) => r.versionConstraints);
}

/** `6.58.0` → 6; undefined for what is not a version. */
export function majorOf(version: string): number | undefined {
  const match = /^v?(\d+)(?:\.|$)/.exec(version.trim());
  return match ? Number(match[1]) : undefined;
}

/**
 * The one major version a single constraint allows, when it allows only one: `= 5.1.0`, `5.1.0`,
 * `~> 5.1`, `~> 5.1.0`. A pessimistic constraint on a major alone (`~> 5`) allows every later
 * major too, and a lower or upper bound alone pins none.
 */
function pinnedMajor(constraint: string): number | undefined {
  const match = /^\s*(=|~>)?\s*v?(\d+)((?:\.\d+)*)\S*\s*$/.exec(constraint);
  if (!match) return undefined;
  if (match[1] === '~>' && match[3] === '') return undefined;
  return Number(match[2]);
}
