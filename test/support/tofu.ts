/**
 * A small runner for the real Terraform-compatible tools the tests drive: the OpenTofu that
 * `scripts/setup-tools.sh` provisions into `.tools/` (`.tools/bin/tofu`), and HashiCorp Terraform
 * where the machine has it (see toolsUnderTest.ts). Both take their providers from the same
 * filesystem mirror, named by `.tools/tofurc`, and run with the same scrubbed environment.
 * Arguments are passed as arrays — never through a shell — each run has a deadline, and a run that
 * outlives it is stopped with its whole process group (the tool and the provider plugins it started).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findTerraformExecutable, type TerraformExecutable } from '../../core/src/terraform/tool/terraformExecutable';
import { tempDir, writeFiles } from './tempModule';

export const repoRoot = path.resolve(__dirname, '..', '..', '..');
export const TOFU_BIN = path.join(repoRoot, '.tools', 'bin', 'tofu');
/** The CLI configuration of both tools: providers only from the filesystem mirror, for both registry hosts. */
export const TOFURC = path.join(repoRoot, '.tools', 'tofurc');
export const TOOL_VERSIONS = path.join(repoRoot, '.tools', 'versions.json');

export const TOFU_NOT_PROVISIONED = 'OpenTofu is not provisioned: run `bash scripts/setup-tools.sh` (npm test does)';

/** Default deadline of one tool command. The machine is shared: generous, but not unbounded. */
export const DEFAULT_TOFU_TIMEOUT_MS = 180_000;

/** One Terraform-compatible program the tests run. */
export interface IacTool {
  kind: 'opentofu' | 'terraform';
  /** As the tool names itself. */
  name: 'OpenTofu' | 'Terraform';
  /** The command its messages name (`tofu init`, `terraform force-unlock`). */
  cli: 'tofu' | 'terraform';
  bin: string;
  /** Undefined while OpenTofu is not provisioned, or when `terraform version -json` failed (see `unusable`). */
  version?: string;
  /** The registry host it asks for `hashicorp/*` providers, so the one its lock file records. */
  registryHost: 'registry.opentofu.org' | 'registry.terraform.io';
  /** Why it cannot be run, found when it was looked for; every test that runs it fails with this. */
  unusable?: string;
}

/** `[OpenTofu 1.12.6]`: the prefix of the name of every test that runs the tool, so a test log shows which ran. */
export function toolLabel(tool: IacTool): string {
  return `[${tool.name}${tool.version ? ` ${tool.version}` : ''}]`;
}

/** The provisioned OpenTofu; its version from `.tools/versions.json` when that is there. */
export const OPENTOFU: IacTool = {
  kind: 'opentofu',
  name: 'OpenTofu',
  cli: 'tofu',
  bin: TOFU_BIN,
  version: existsSync(TOOL_VERSIONS) ? (JSON.parse(readFileSync(TOOL_VERSIONS, 'utf8')) as ToolVersions).tofu.version : undefined,
  registryHost: 'registry.opentofu.org',
};

/** The one clear error when the tofu binary, its CLI config or the version pins are missing; undefined when all are there. */
export function tofuProvisioningError(): Error | undefined {
  const missing = [TOFU_BIN, TOFURC, TOOL_VERSIONS].filter((file) => !existsSync(file));
  if (missing.length === 0) return undefined;
  return new Error(`${TOFU_NOT_PROVISIONED} (missing: ${missing.map((f) => path.relative(repoRoot, f)).join(', ')})`);
}

/**
 * Throws that error. Call it inside each test (not only in a `before` hook, whose failure node:test
 * reports as "cancelled"), so that every test fails with the setup hint — never skips.
 */
export function assertTofuProvisioned(): void {
  const error = tofuProvisioningError();
  if (error) throw error;
}

/** Why `tool` cannot run now, or undefined. Both tools need the mirror's CLI configuration, which setup-tools.sh writes. */
export function toolReadinessError(tool: IacTool): Error | undefined {
  if (tool.unusable) return new Error(tool.unusable);
  if (tool.kind === 'opentofu' || !existsSync(TOFURC)) return tofuProvisioningError();
  return undefined;
}

/** Like assertTofuProvisioned, for either tool: call it inside each test. */
export function assertToolReady(tool: IacTool): void {
  const error = toolReadinessError(tool);
  if (error) throw error;
}

export interface ToolVersions {
  tofu: { version: string };
  providers: Record<string, { version: string; source: string; commit?: string }>;
}

/** `.tools/versions.json`: the versions setup-tools.sh built (tofu and each provider). */
export function toolVersions(): ToolVersions {
  assertTofuProvisioned();
  return JSON.parse(readFileSync(TOOL_VERSIONS, 'utf8')) as ToolVersions;
}

/**
 * Variables that would change what the tool does behind the test's back. TF_CLI_CONFIG_FILE is
 * among them: the machine may name a file that does not exist, and the tests set their own.
 */
const SCRUBBED_ENV =
  /^(TF_CLI_ARGS.*|TF_DATA_DIR|TF_PLUGIN_CACHE_DIR|TF_WORKSPACE|TF_LOG.*|TF_VAR_.*|TF_REATTACH_PROVIDERS|TF_CLI_CONFIG_FILE|TERRAFORM_CONFIG|TOFU_.*)$/;

/** The environment of every tool run (either tool): scrubbed, non-interactive, providers from the mirror. */
export function toolEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!SCRUBBED_ENV.test(key)) env[key] = value;
  return { ...env, TF_CLI_CONFIG_FILE: TOFURC, TF_IN_AUTOMATION: '1', CHECKPOINT_DISABLE: '1', TF_INPUT: '0' };
}

/** The same environment, under the name the OpenTofu-only tests know it by. */
export const tofuEnv = toolEnv;

export interface TofuResult {
  args: string[];
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export class TofuError extends Error {
  constructor(
    message: string,
    readonly result?: TofuResult,
  ) {
    super(message);
    this.name = 'TofuError';
  }
}

export interface TofuRunOptions {
  timeoutMs?: number;
  /** Resolve with the result instead of rejecting on a non-zero exit. */
  allowFailure?: boolean;
  /** The tool's whole environment, instead of toolEnv() (a remote backend's tests add its credentials). */
  env?: NodeJS.ProcessEnv;
}

/** Runs `.tools/bin/tofu ARGS…` in `cwd`; rejects with stdout/stderr on a non-zero exit or at the deadline. */
export function runTofu(cwd: string, args: string[], options: TofuRunOptions = {}): Promise<TofuResult> {
  return runTool(OPENTOFU, cwd, args, options);
}

/** Runs `TOOL ARGS…` in `cwd`; rejects with stdout/stderr on a non-zero exit or at the deadline. */
export function runTool(tool: IacTool, cwd: string, args: string[], options: TofuRunOptions = {}): Promise<TofuResult> {
  assertToolReady(tool);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TOFU_TIMEOUT_MS;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // detached: the tool leads a process group of its own, so a timeout stops its provider plugins too
    const child = spawn(tool.bin, args, { cwd, env: options.env ?? toolEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGTERM');
      setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5_000).unref();
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new TofuError(`${tool.cli} ${args.join(' ')} could not start: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: TofuResult = {
        args,
        code: code ?? -1,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        durationMs: Date.now() - started,
      };
      const where = `${tool.cli} ${args.join(' ')} (in ${cwd})`;
      if (timedOut) reject(new TofuError(`${where} timed out after ${timeoutMs} ms\n${tail(result)}`, result));
      else if (result.code !== 0 && !options.allowFailure) {
        reject(new TofuError(`${where} failed with exit code ${code ?? `signal ${signal}`}\n${tail(result)}`, result));
      } else resolve(result);
    });
  });
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function tail(result: TofuResult): string {
  const text = `${result.stderr}\n${result.stdout}`.trim().split('\n');
  return text.slice(-40).join('\n');
}

/** The parts of `show -json PLANFILE` the tests read (the same for both tools). */
export interface PlanJson {
  format_version: string;
  terraform_version: string;
  resource_changes?: Array<{
    address: string;
    mode: string;
    type: string;
    name: string;
    change: { actions: string[]; before?: unknown; after?: unknown; replace_paths?: Array<Array<string | number>> };
    action_reason?: string;
  }>;
}

/** One module folder driven through init → apply → plan -out → show -json, by one tool (OpenTofu unless told). */
export class Tofu {
  constructor(
    readonly dir: string,
    readonly timeoutMs = DEFAULT_TOFU_TIMEOUT_MS,
    readonly tool: IacTool = OPENTOFU,
  ) {}

  run(args: string[], options: TofuRunOptions = {}): Promise<TofuResult> {
    return runTool(this.tool, this.dir, args, { timeoutMs: this.timeoutMs, ...options });
  }

  init(): Promise<TofuResult> {
    return this.run(['init', '-input=false', '-no-color']);
  }

  apply(): Promise<TofuResult> {
    return this.run(['apply', '-auto-approve', '-input=false', '-no-color']);
  }

  /** `plan -out=FILE`; the file name is relative to the module folder. */
  plan(outFile = 'tfplan'): Promise<TofuResult> {
    return this.run(['plan', '-input=false', '-no-color', `-out=${outFile}`]);
  }

  async showJson(planFile = 'tfplan'): Promise<PlanJson> {
    const result = await this.run(['show', '-json', '-no-color', planFile]);
    try {
      return JSON.parse(result.stdout) as PlanJson;
    } catch (error) {
      throw new TofuError(`${this.tool.cli} show -json ${planFile} printed no JSON: ${(error as Error).message}\n${tail(result)}`, result);
    }
  }

  /** plan -out + show -json in one step. */
  async planJson(outFile = 'tfplan'): Promise<PlanJson> {
    await this.plan(outFile);
    return this.showJson(outFile);
  }
}

/** A module folder driven by `tool`. */
export function toolModule(dir: string, tool: IacTool, timeoutMs = DEFAULT_TOFU_TIMEOUT_MS): Tofu {
  return new Tofu(dir, timeoutMs, tool);
}

/** An `apply` holding a module's state lock, as a colleague's would. */
export interface StateLockHolder {
  /** Ends the apply at its prompt (it gives up and releases the lock) and waits until it has exited. */
  release(): Promise<void>;
}

const lockHolders: ChildProcess[] = [];

/**
 * Starts an interactive `apply` in `dir` and waits until it sits at its approval prompt, holding the
 * state lock (TF_INPUT unset, stdin a pipe). Rejects with its output if it exits before the prompt.
 */
export async function holdStateLock(tool: IacTool, dir: string): Promise<StateLockHolder> {
  const env = toolEnv();
  delete env.TF_INPUT;
  const holder = spawn(tool.bin, ['apply', '-no-color'], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  lockHolders.push(holder);
  const exited = new Promise<void>((resolve) => holder.on('close', () => resolve()));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    holder.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Enter a value')) resolve();
    });
    holder.on('close', (code) => reject(new Error(`the lock-holding apply exited (${code}) before its prompt:\n${output}`)));
  });
  return {
    release: async () => {
      holder.stdin!.end(); // EOF at the prompt
      await exited;
    },
  };
}

/** Kills, with their process groups, the lock holders a failed test left running (for an `after` hook). */
export function killStateLockHolders(): void {
  for (const holder of lockHolders.splice(0)) {
    if (holder.pid !== undefined && holder.exitCode === null && holder.signalCode === null) {
      try {
        process.kill(-holder.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** The extension's view of `tool`, found as the setting would name it. */
export async function toolExecutable(tool: IacTool): Promise<TerraformExecutable> {
  assertToolReady(tool);
  return findTerraformExecutable(tool.bin, { env: toolEnv() });
}

/** A module folder with `files`, `init` run in it by `tool`. */
export async function initialisedModule(prefix: string, files: Record<string, string>, tool: IacTool = OPENTOFU): Promise<{ dir: string; tofu: Tofu }> {
  const dir = tempDir(prefix);
  writeFiles(dir, files);
  const tofu = toolModule(dir, tool);
  await tofu.init();
  return { dir, tofu };
}
