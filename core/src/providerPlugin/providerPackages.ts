/**
 * Where an initialised module's provider binaries are, and whether each is the one its lock file
 * names. `init` unpacks every provider into `.terraform/providers/<host>/<namespace>/<type>/<version>/<os>_<arch>/`
 * (a link into the plugin cache when one is used), or, with `-plugin-dir`, records the folders in
 * `.terraform/plugin_path`; the lock file keeps the `h1:` hash of each unpacked package, which is
 * the hash of the folder's files (go's dirhash "Hash1": the SHA-256 of the sorted lines
 * `<sha256 hex>  <relative path>`, base64). A binary is only started when that hash matches.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseProviderSource } from '../terraform/providerAddress';
import { readProviderLockFile } from '../terraform/providerLockFile';

export interface ProviderPackage {
  /** As the lock file writes it: `registry.opentofu.org/hashicorp/tls`. */
  source: string;
  version: string;
  /** The unpacked package folder (links resolved) and the binary in it. */
  dir: string;
  binary: string;
  /** `h1:…` of the folder. */
  hash: string;
}

/** Why a provider's binary is not used: a sentence for the log. */
export interface ProviderPackageProblem {
  source: string;
  problem: string;
}

export function platformFolder(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch === 'ia32' ? '386' : process.arch;
  return `${process.platform}_${arch}`;
}

/**
 * The verified package of the provider the lock file in `moduleDir` names with `source`
 * (`registry.opentofu.org/hashicorp/tls`), or why there is none to use.
 */
export function lockedProviderPackage(moduleDir: string, source: string): ProviderPackage | ProviderPackageProblem {
  const lockPath = join(moduleDir, '.terraform.lock.hcl');
  let lockText: string;
  try {
    lockText = readFileSync(lockPath, 'utf8');
  } catch {
    return { source, problem: `${lockPath} does not exist: run init` };
  }
  const locked = readProviderLockFile(lockText).providers.find((p) => p.source === source);
  if (!locked || locked.version === undefined) return { source, problem: `${lockPath} does not lock ${source}` };
  const h1 = (locked.hashes ?? []).filter((h) => h.startsWith('h1:'));
  if (h1.length === 0) return { source, problem: `${lockPath} records no h1: hash for ${source} ${locked.version}, so its binary can't be checked` };
  const dir = packageFolder(moduleDir, source, locked.version);
  if (!dir)
    return { source, problem: `${source} ${locked.version} is locked but not installed for ${platformFolder()} under ${join(moduleDir, '.terraform')}: run init` };
  const binary = providerBinary(dir, source);
  if (!binary) return { source, problem: `${dir} holds no terraform-provider-* executable` };
  const hash = packageHash(dir);
  if (!h1.includes(hash)) {
    return { source, problem: `${binary} is not the package ${lockPath} locks: its hash is ${hash}, the lock file's is ${h1.join(' or ')}` };
  }
  return { source, version: locked.version, dir, binary, hash };
}

/** go's dirhash Hash1 of a folder: what the lock file's `h1:` hashes are. */
export function packageHash(dir: string): string {
  const lines = filesUnder(dir)
    .sort()
    .map(
      (file) =>
        `${createHash('sha256')
          .update(readFileSync(join(dir, file)))
          .digest('hex')}  ${file}\n`,
    );
  return `h1:${createHash('sha256').update(lines.join('')).digest('base64')}`;
}

function packageFolder(moduleDir: string, source: string, version: string): string | undefined {
  const relativeDir = join(source, version, platformFolder());
  const candidates = [join(moduleDir, '.terraform', 'providers', relativeDir), ...pluginDirs(moduleDir).map((dir) => join(dir, relativeDir))];
  for (const candidate of candidates) {
    try {
      if (statSync(candidate).isDirectory()) return realpathSync(candidate);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** `init -plugin-dir` records its folders in `.terraform/plugin_path`, a JSON list. */
function pluginDirs(moduleDir: string): string[] {
  const file = join(moduleDir, '.terraform', 'plugin_path');
  if (!existsSync(file)) return [];
  try {
    const dirs = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return Array.isArray(dirs) ? dirs.filter((d): d is string => typeof d === 'string').map((d) => (d.startsWith('/') ? d : join(moduleDir, d))) : [];
  } catch {
    return [];
  }
}

function providerBinary(dir: string, source: string): string | undefined {
  const type = parseProviderSource(source)?.type;
  const names = readdirSync(dir).filter((name) => name.startsWith(`terraform-provider-${type ?? ''}`));
  const name = names.find((n) => statSync(join(dir, n)).isFile());
  return name && join(dir, name);
}

function filesUnder(dir: string, root = dir): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...filesUnder(full, root));
    else files.push(relative(root, full));
  }
  return files;
}
