/**
 * Which program runs plans: the path the user configured (`immutableInfra.terraform.path`,
 * machine-scoped so a cloned repository cannot choose it), else `terraform` on PATH, else `tofu`.
 * PATH is searched here rather than by the OS at spawn time, so that the fallback to `tofu` is
 * possible, the error can say what was searched, and the resolved path can be shown to the user.
 */
import { constants as fsConstants, accessSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { commandFailedText } from '../../exec/commandFailedText';
import { ProcessSpawnError, type ProcessResult } from '../../exec/processRunner';
import { runProcess } from '../../exec/systemProcessRunner';

export const TERRAFORM_PATH_SETTING = 'immutableInfra.terraform.path';

export type TerraformTool = 'terraform' | 'opentofu';

/** The names tried on PATH, in order, when nothing is configured. */
export const DEFAULT_EXECUTABLE_NAMES = ['terraform', 'tofu'] as const;

export interface ResolvedExecutable {
  /** Absolute path of the program. */
  path: string;
  /** Where it came from: the setting, or a PATH search. */
  source: 'setting' | 'path';
  /**
   * Why this program, as a clause for the log and the apply modal (`chosen because
   * .terraform.lock.hcl selects providers from registry.opentofu.org`); see `executableChoice.ts`.
   */
  reason?: string;
}

export interface TerraformExecutable extends ResolvedExecutable {
  tool: TerraformTool;
  /** `1.12.6`, as the tool reports it. */
  version: string;
}

/** `OpenTofu` / `Terraform`, as the tools call themselves. */
export function toolDisplayName(tool: TerraformTool): string {
  return tool === 'opentofu' ? 'OpenTofu' : 'Terraform';
}

/** The command a user types: `tofu` / `terraform`. */
export function toolCommand(tool: TerraformTool): string {
  return tool === 'opentofu' ? 'tofu' : 'terraform';
}

/** `OpenTofu 1.12.6, /path/tofu`: which program, precisely enough to find it again. */
export function executableLabel(executable: Pick<TerraformExecutable, 'tool' | 'version' | 'path'>): string {
  return `${toolDisplayName(executable.tool)} ${executable.version || '(version unknown)'}, ${executable.path}`;
}

/** No usable terraform/tofu: the message says what was looked for and names the setting to fix it. */
export class TerraformExecutableNotFoundError extends Error {
  readonly setting = TERRAFORM_PATH_SETTING;
  constructor(
    message: string,
    /** The configured path, when there was one. */
    readonly configuredPath?: string,
  ) {
    super(message);
    this.name = 'TerraformExecutableNotFoundError';
  }
}

export interface PathSearchEnvironment {
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /**
   * Whether a candidate path is a runnable file. Default: a regular file, with the execute bit on
   * POSIX. Replaceable so that the Windows rules (PATHEXT, `;`) can be exercised on any OS.
   */
  isExecutable?: (candidate: string) => boolean;
}

/**
 * The first `name` in PATH that is an executable file. On Windows each PATHEXT extension is tried
 * (a bare name there is not runnable without one), the PATH variable may be spelled `Path`, and
 * entries may be quoted.
 */
export function findOnPath(name: string, options: PathSearchEnvironment = {}): string | undefined {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const windows = platform === 'win32';
  const pathApi = windows ? path.win32 : path.posix;
  const pathValue = windows ? envValue(env, 'PATH') : env.PATH;
  if (!pathValue) return undefined;
  const extensions = windows ? windowsExtensions(name, envValue(env, 'PATHEXT')) : [''];
  const isExecutable = options.isExecutable ?? ((candidate: string) => isExecutableFile(candidate, windows));
  for (const rawDir of pathValue.split(windows ? ';' : ':')) {
    const dir = windows ? rawDir.replace(/^"(.*)"$/, '$1') : rawDir;
    // An empty POSIX entry means the current directory; never search that for a program to run.
    if (dir === '') continue;
    for (const extension of extensions) {
      const candidate = pathApi.join(dir, name + extension);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name);
  return key === undefined ? undefined : env[key];
}

function windowsExtensions(name: string, pathext: string | undefined): string[] {
  const list = (pathext ?? '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e !== '');
  // A name that already ends in one of them (`terraform.exe`) is tried as given first.
  const hasOne = list.some((e) => name.toLowerCase().endsWith(e.toLowerCase()));
  return hasOne ? ['', ...list] : list;
}

function isExecutableFile(file: string, windows: boolean): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    // Windows has no execute bit: the extension (PATHEXT) is what makes a file runnable there.
    if (!windows) accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The program to run, without running it. `configuredPath` is the setting's value: empty means
 * search PATH for `terraform`, then `tofu`; a bare name is searched on PATH; a path (`~/` allowed)
 * must be an executable file.
 */
export function resolveTerraformExecutable(configuredPath: string | undefined, options: PathSearchEnvironment = {}): ResolvedExecutable {
  const platform = options.platform ?? process.platform;
  const pathApi = platform === 'win32' ? path.win32 : path.posix;
  const configured = configuredPath?.trim() ?? '';
  if (configured !== '') {
    const bareName = !configured.includes('/') && !(platform === 'win32' && configured.includes('\\'));
    if (bareName) {
      const found = findOnPath(configured, options);
      if (found) return { path: found, source: 'setting' };
      throw new TerraformExecutableNotFoundError(
        `"${configured}" (the ${TERRAFORM_PATH_SETTING} setting) was not found on PATH. Set ${TERRAFORM_PATH_SETTING} to the full path of terraform or tofu.`,
        configured,
      );
    }
    const expanded = configured === '~' || configured.startsWith('~/') ? pathApi.join(homedir(), configured.slice(1)) : configured;
    // A relative path would depend on whatever directory the extension host happens to run in.
    if (!pathApi.isAbsolute(expanded)) {
      throw new TerraformExecutableNotFoundError(`${TERRAFORM_PATH_SETTING} must be an absolute path or a program name on PATH, not "${configured}".`, configured);
    }
    const isExecutable = options.isExecutable ?? ((candidate: string) => isExecutableFile(candidate, platform === 'win32'));
    if (!isExecutable(expanded)) {
      throw new TerraformExecutableNotFoundError(
        `${TERRAFORM_PATH_SETTING} is set to "${configured}", which is not an executable file. Fix the setting, or clear it to use terraform or tofu from PATH.`,
        configured,
      );
    }
    return { path: expanded, source: 'setting' };
  }
  for (const name of DEFAULT_EXECUTABLE_NAMES) {
    const found = findOnPath(name, options);
    if (found) return { path: found, source: 'path' };
  }
  throw new TerraformExecutableNotFoundError(
    `Neither terraform nor tofu was found on PATH. Install one of them, or set ${TERRAFORM_PATH_SETTING} to the full path of the executable.`,
  );
}

/**
 * The tool and version from `version -json`. Both tools write `terraform_version` there, so the
 * key alone says nothing; Terraform (since 0.13) also writes `terraform_outdated`, OpenTofu never
 * does. `textVersion` — the first line of plain `version`, `OpenTofu v1.12.6` / `Terraform v1.9.0`
 * — settles it when given.
 */
export function parseVersionOutput(jsonText: string, textVersion?: string): { tool: TerraformTool; version: string } {
  let json: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(jsonText);
    if (typeof parsed === 'object' && parsed !== null) json = parsed as Record<string, unknown>;
  } catch {
    // fall through to the text form
  }
  const textMatch = textVersion ? /^\s*(OpenTofu|Terraform) v(\S+)/m.exec(textVersion) : null;
  const version = typeof json.terraform_version === 'string' ? json.terraform_version : (textMatch?.[2] ?? '');
  if (textMatch) return { tool: textMatch[1] === 'OpenTofu' ? 'opentofu' : 'terraform', version };
  return { tool: 'terraform_outdated' in json ? 'terraform' : 'opentofu', version };
}

export interface DescribeOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Runs `<path> version -json` (and plain `version` when the JSON does not say which tool it is). */
export async function describeTerraformExecutable(resolved: ResolvedExecutable, options: DescribeOptions = {}): Promise<TerraformExecutable> {
  const jsonText = await runQuick(resolved.path, ['version', '-json'], options);
  let textVersion: string | undefined;
  try {
    const parsed = JSON.parse(jsonText) as Record<string, unknown>;
    if (!('terraform_outdated' in parsed)) textVersion = await runQuick(resolved.path, ['version'], options);
  } catch {
    textVersion = await runQuick(resolved.path, ['version'], options);
  }
  return { ...resolved, ...parseVersionOutput(jsonText, textVersion) };
}

/** resolve + describe: the executable the runner should use, or TerraformExecutableNotFoundError. */
export async function findTerraformExecutable(configuredPath: string | undefined, options: PathSearchEnvironment & DescribeOptions = {}): Promise<TerraformExecutable> {
  return describeTerraformExecutable(resolveTerraformExecutable(configuredPath, options), options);
}

async function runQuick(file: string, args: string[], options: DescribeOptions): Promise<string> {
  let result: ProcessResult;
  try {
    result = await runProcess({
      executable: file,
      args,
      env: { ...(options.env ?? process.env), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
      timeoutMs: options.timeoutMs ?? 15_000,
      // `version` has nothing to save: the deadline stops it at once.
      atTimeout: 'terminate',
      signal: options.signal,
      maxOutputBytes: 1024 * 1024,
    });
  } catch (error) {
    if (!(error instanceof ProcessSpawnError)) throw error;
    if (error.code === 'ENOENT' || error.code === 'EACCES') {
      throw new TerraformExecutableNotFoundError(`Could not run ${file} (${error.code}). Check ${TERRAFORM_PATH_SETTING}.`);
    }
    throw new Error(`${file} ${args.join(' ')} failed: ${error.reason}`);
  }
  const stderr = result.stderr ? `\n${result.stderr.trim()}` : '';
  if (result.cancelled) throw new Error(`${file} ${args.join(' ')} failed: The operation was aborted${stderr}`);
  if (result.exitCode === 0 && !result.outputLimitExceeded) return result.stdout;
  throw new Error(`${file} ${args.join(' ')} failed: ${commandFailedText(result)}${stderr}`);
}
