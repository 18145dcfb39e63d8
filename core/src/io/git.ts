/**
 * Reads files as they were at a git revision (default `HEAD`): the baseline of a Terraform module
 * without local state, or of a Kubernetes manifest. Runs `git` through the process runner (argument
 * arrays, never a shell), with the repository's hooks and fsmonitor disabled so a cloned repository
 * cannot run code through us.
 */
import * as path from 'node:path';
import { realpathSync } from 'node:fs';
import { commandFailedText } from '../exec/commandFailedText';
import { ProcessSpawnError, type ProcessResult, type ProcessRunner } from '../exec/processRunner';
import { systemProcessRunner } from '../exec/systemProcessRunner';
import { BaselineError } from './baselineError';

export interface GitFile {
  /** Absolute path the file has in the work tree. */
  path: string;
  text: string;
}

export interface GitSnapshot {
  kind: 'git';
  ref: string;
  /** The commit the ref resolved to. */
  commit: string;
  moduleDir: string;
  files: GitFile[];
}

const SAFE_GIT_CONFIG = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null', '-c', 'protocol.allow=never'];

/** Per git process; git reads objects locally, so only a broken repository or filesystem takes this long. */
const GIT_TIMEOUT_MS = 15_000;
/** A blob larger than this is not a configuration file anyone types in. */
const GIT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

async function git(cwd: string, args: string[], runner: ProcessRunner, gitPath = 'git'): Promise<string> {
  let result: ProcessResult;
  try {
    result = await runner.run({
      executable: gitPath,
      args: [...SAFE_GIT_CONFIG, ...args],
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' },
      timeoutMs: GIT_TIMEOUT_MS,
      // Reads only: nothing to save, so the deadline stops git at once.
      atTimeout: 'terminate',
      maxOutputBytes: GIT_MAX_OUTPUT_BYTES,
    });
  } catch (error) {
    if (!(error instanceof ProcessSpawnError)) throw error;
    if (error.code === 'ENOENT') throw new BaselineError(`Cannot read the git baseline: the \`${gitPath}\` program was not found.`);
    throw Object.assign(new Error(error.reason), { stderr: '' });
  }
  if (result.exitCode === 0 && !result.outputLimitExceeded) return result.stdout;
  throw Object.assign(new Error(result.stderr.trim() || commandFailedText(result)), { stderr: result.stderr });
}

/** Resolves the commit of `ref` for the repository containing `dir`; throws BaselineError with a clear message. */
export async function resolveGitCommit(dir: string, ref: string, runner: ProcessRunner = systemProcessRunner): Promise<{ topLevel: string; commit: string }> {
  let topLevel: string;
  try {
    topLevel = (await git(dir, ['rev-parse', '--show-toplevel'], runner)).trim();
  } catch (error) {
    if (error instanceof BaselineError) throw error;
    throw new BaselineError(`No git baseline for ${dir}: the folder is not inside a git repository.`);
  }
  if (ref.startsWith('-')) throw new BaselineError(`The git ref "${ref}" is not valid.`);
  let commit: string;
  try {
    commit = (await git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], runner)).trim();
  } catch {
    commit = '';
  }
  if (!commit) {
    throw new BaselineError(
      ref === 'HEAD'
        ? `No git baseline for ${dir}: the repository has no commits yet.`
        : `No git baseline for ${dir}: the git ref "${ref}" does not exist in this repository.`,
    );
  }
  return { topLevel, commit };
}

/** How long a resolved ref is trusted: typing must not spawn a `git rev-parse` per keystroke. */
const COMMIT_TTL_MS = 1500;

/**
 * `resolveGitCommit`, at most every 1.5 s per folder and ref (a commit or a checkout is picked up
 * after that). Each git baseline source (Terraform's and Kubernetes') keeps one; a rejected resolution is cached as long, so a folder
 * outside git is not asked again on every edit.
 */
export class ThrottledCommitResolver {
  private readonly cache = new Map<string, { at: number; promise: Promise<{ topLevel: string; commit: string }> }>();

  constructor(private readonly runner: ProcessRunner = systemProcessRunner) {}

  resolve(dir: string, ref: string): Promise<{ topLevel: string; commit: string }> {
    const key = `${dir}\0${ref}`;
    const cached = this.cache.get(key);
    if (cached && Date.now() - cached.at < COMMIT_TTL_MS) return cached.promise;
    const promise = resolveGitCommit(dir, ref, this.runner);
    this.cache.set(key, { at: Date.now(), promise });
    return promise;
  }
}

/**
 * Reads the files directly inside `moduleDir` at `ref` whose names match `names`: a module's
 * `.tf` files, or e.g. the `.yaml` manifests beside a Kubernetes file.
 */
export async function readGitSnapshot(moduleDir: string, ref: string, names: RegExp, runner: ProcessRunner = systemProcessRunner): Promise<GitSnapshot> {
  const { topLevel, commit } = await resolveGitCommit(moduleDir, ref, runner);
  const realModuleDir = safeRealpath(path.resolve(moduleDir));
  const prefix = path.relative(topLevel, realModuleDir).split(path.sep).join('/');
  const treePath = prefix ? `${prefix}/` : '';
  const listing = await git(topLevel, ['ls-tree', '-z', '--name-only', commit, '--', treePath || '.'], runner);
  const matching = listing.split('\0').filter((name) => name && names.test(path.posix.basename(name)) && path.posix.dirname(name) === (prefix || '.'));
  const files: GitFile[] = [];
  for (const name of matching) {
    const text = await git(topLevel, ['cat-file', 'blob', `${commit}:${name}`], runner);
    files.push({ path: path.join(topLevel, ...name.split('/')), text });
  }
  return { kind: 'git', ref, commit, moduleDir: realModuleDir, files };
}

/**
 * One file as it was at `ref` (a ref or commit); undefined when the file did not exist there.
 * Throws BaselineError when there is no repository or no such ref.
 */
export async function readGitFile(file: string, ref = 'HEAD', runner: ProcessRunner = systemProcessRunner): Promise<{ commit: string; text: string | undefined }> {
  const dir = path.dirname(path.resolve(file));
  const { topLevel, commit } = await resolveGitCommit(dir, ref, runner);
  const realFile = path.join(safeRealpath(dir), path.basename(file));
  const name = path.relative(topLevel, realFile).split(path.sep).join('/');
  if (name.startsWith('../')) return { commit, text: undefined };
  try {
    return { commit, text: await git(topLevel, ['cat-file', 'blob', `${commit}:${name}`], runner) };
  } catch {
    return { commit, text: undefined }; // not in that commit: a new (or renamed) file
  }
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/**
 * The small files under a folder at `ref` that `accept` takes (by their path relative to the
 * folder, with `/`), recursively, at most `maxFiles` of at most `maxBytes` each: what `file()` and
 * `templatefile()` of a committed module read. By their path relative to the folder.
 */
export async function readGitFilesUnder(
  dir: string,
  ref: string,
  accept: (relativePath: string) => boolean,
  limits: { maxFiles: number; maxBytes: number },
  runner: ProcessRunner = systemProcessRunner,
): Promise<Map<string, string>> {
  const { topLevel, commit } = await resolveGitCommit(dir, ref, runner);
  const prefix = path
    .relative(topLevel, safeRealpath(path.resolve(dir)))
    .split(path.sep)
    .join('/');
  if (prefix.startsWith('..')) return new Map();
  // `-l` gives each blob's size, so that big files are not read at all.
  const listing = await git(topLevel, ['ls-tree', '-r', '-l', '-z', commit, '--', prefix ? `${prefix}/` : '.'], runner);
  const files = new Map<string, string>();
  for (const line of listing.split('\0')) {
    const match = /^\d+ blob [0-9a-f]+\s+(\d+)\t(.*)$/.exec(line);
    if (!match || Number(match[1]) > limits.maxBytes) continue;
    const relative = prefix ? path.posix.relative(prefix, match[2]) : match[2];
    if (!accept(relative)) continue;
    if (files.size >= limits.maxFiles) break;
    files.set(relative, await git(topLevel, ['cat-file', 'blob', `${commit}:${match[2]}`], runner));
  }
  return files;
}
