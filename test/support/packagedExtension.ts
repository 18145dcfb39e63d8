/**
 * The .vsix the end-to-end tests install into code-server: II_E2E_VSIX when set (a package to test
 * as is), else dist/immutable-infra.vsix, rebuilt with `npm run package` unless it is newer than
 * everything that goes into it — so the e2e suites share one package instead of each building it.
 */
import { execFile } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './codeServer';

const DIST_VSIX = path.join(repoRoot, 'dist', 'immutable-infra.vsix');
const INPUTS = ['dist', 'package.json', 'client/src', 'server/src', 'cli/src', 'core/src', 'common/src', 'data'];

/** Newest modification time under `target` (a file or a folder, recursively), skipping `except`. */
function newestMtime(target: string, except: string): number {
  if (target === except) return 0;
  const stat = statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(target).map((entry) => newestMtime(path.join(target, entry), except)));
}

export interface PackagedExtensionOptions {
  log?: (message: string) => void;
  /** Deadline of `npm run package`. */
  timeoutMs?: number;
}

export async function packagedExtension(options: PackagedExtensionOptions = {}): Promise<string> {
  const log = options.log ?? (() => undefined);
  const given = process.env.II_E2E_VSIX;
  if (given) {
    log(`using II_E2E_VSIX=${given}`);
    return path.resolve(given);
  }
  const vsixTime = statSync(DIST_VSIX, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newestInput = Math.max(...INPUTS.map((input) => newestMtime(path.join(repoRoot, input), DIST_VSIX)));
  if (vsixTime > newestInput) {
    log('reusing dist/immutable-infra.vsix (newer than dist/, package.json and the sources)');
    return DIST_VSIX;
  }
  const started = Date.now();
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli && npmCli.endsWith('.js') ? [process.execPath, [npmCli, 'run', 'package']] : ['npm', ['run', 'package']];
  try {
    await promisify(execFile)(command, args, { cwd: repoRoot, timeout: options.timeoutMs ?? 120_000, maxBuffer: 16 * 1024 * 1024 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`npm run package failed: ${String(error)}\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
  log(`npm run package: ${Date.now() - started} ms`);
  return DIST_VSIX;
}
