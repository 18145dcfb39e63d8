/**
 * What a dependency lock file (`.terraform.lock.hcl`, written by `init`) says: the provider
 * version each provider address is locked to. Pure: the parsed file in, versions out.
 */
import type { HclFile } from './hcl/model';
import { parseProviderSource, providerKey } from './providerAddress';

/** The locked versions by `providerKey` (`hashicorp/aws` → `5.31.0`). */
export function lockedProviderVersions(file: HclFile): Map<string, string> {
  const versions = new Map<string, string>();
  for (const block of file.blocks) {
    if (block.type !== 'provider' || block.labels.length !== 1) continue;
    const address = parseProviderSource(block.labels[0]);
    const version = block.attributes.find((a) => a.name === 'version')?.value.value;
    if (address && version?.kind === 'string' && version.value !== '') versions.set(providerKey(address), version.value);
  }
  return versions;
}
