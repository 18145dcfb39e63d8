/**
 * Apply a reviewed plan: `<tool> apply -input=false -json <planFile>`. Always a saved plan file —
 * never a fresh plan, and so never `-auto-approve` on a configuration: what runs is exactly what
 * the user reviewed. Before Terraform is started, our own staleness check (when the caller kept a
 * snapshot from plan time) refuses a plan whose files or state changed, and the program that made
 * the plan is asked again who it is (a plan is applied only by that program); Terraform then
 * refuses a plan whose state moved on ("Saved plan is stale") by itself.
 *
 * While it runs, the machine-readable UI is folded into a state per resource (`applyProgress.ts`)
 * for the graph and a one-line message for the notification. A run that fails part-way becomes an
 * `apply-failed` failure naming what was applied, what failed and why, and what was not started;
 * whatever the outcome, the state is Terraform's to write (we only ever read it). No vscode import.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ApplyProgress, type ResourceApplyState, type ResourceProgressUpdate } from './applyProgress';
import { checkPlanExecutable } from './planExecutableCheck';
import { changedSince, type ModuleSnapshot } from './planStaleness';
import { remoteStateChangedSince, type RemotePlanBaseline } from './remotePlanStaleness';
import { explainStateLocked, inspectRootModuleLock } from './stateLockCheck';
import type { ProcessRunner } from '../../../core/src/exec/processRunner';
import { systemProcessRunner } from '../../../core/src/exec/systemProcessRunner';
import { classifyRun, classifySpawnError, type TerraformFailure } from './terraformErrors';
import type { TerraformDiagnostic, TerraformUiEvent, UiChangeAction, UiChangeSummary, UiOutput } from './terraformEvents';
import type { TerraformExecutable, TerraformTool } from '../../../core/src/terraform/tool/terraformExecutable';
import { runTerraform, TerraformCancellation, type TerraformProcessResult } from './terraformProcess';

export interface RunApplyOptions {
  /**
   * The program that made the plan, as described when it did (`terraformExecutable.ts`): its path
   * is asked again before anything runs, and the apply is refused when it is gone or now another
   * tool or version. A bare path is run as it is.
   */
  executable: TerraformExecutable | string;
  /** The root module the plan was made for (apply runs there: its `.terraform` has the providers). */
  moduleDir: string;
  /** The saved binary plan; relative paths are taken from `moduleDir`. */
  planFile: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Options of apply itself (`-parallelism=N`, `-lock-timeout=30s`, `-no-color` …). They come
   * before the runner's own flags and the plan file, which always comes last. Terraform rejects
   * anything that would change a saved plan (`-var`, `-target`, `-replace`, `-destroy`).
   */
  extraArgs?: readonly string[];
  /** The snapshot `snapshotModule` took right after planning: checked before anything runs. */
  snapshot?: ModuleSnapshot;
  /**
   * For a remote backend: the state the plan was made against (`remoteBaselineOfPlan`). The
   * backend's state is read now (`state pull`, with the plan's program) and a different serial or
   * lineage refuses the apply before Terraform starts.
   */
  remoteBaseline?: RemotePlanBaseline;
  /**
   * What runs that read, and the lock inspection after an apply refused on the state lock (default:
   * the real one).
   */
  stateReadRunner?: ProcessRunner;
  /** How long that read, or that inspection, may take (default 30 s, `immutableInfra.state.timeoutSeconds`'s default). */
  stateReadTimeoutMs?: number;
  /**
   * The reviewed plan's resource changes, so that every node starts as pending even before
   * Terraform prints its planned changes (it does at the start of an apply; this covers a
   * Terraform that does not).
   */
  planned?: ReadonlyArray<{ address: string; action?: UiChangeAction }>;
  onEvent?: (event: TerraformUiEvent) => void;
  /** Each change of a resource's state, with the counts and the notification line. */
  onResourceProgress?: (update: ResourceProgressUpdate) => void;
  /** Every output line, for the log channel. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  onSpawn?: (process: { pid: number; processGroupId?: number }) => void;
  /** Abort = cancel (Terraform's graceful interrupt); use `cancellation` for a second, terminating cancel. */
  signal?: AbortSignal;
  cancellation?: TerraformCancellation;
  /** Deadline in milliseconds (none by default: an apply may legitimately take long). */
  timeoutMs?: number;
  interruptGraceMs?: number;
}

export interface ApplySuccess {
  ok: true;
  planFile: string;
  tool?: TerraformTool;
  /** The counts of the `change_summary` (`operation: 'apply'`). */
  summary?: UiChangeSummary;
  /** As Terraform prints it: `Apply complete! Resources: 1 added, 0 changed, 1 destroyed.` */
  summaryLine: string;
  /** Every resource of the plan, all `done`. */
  resources: ResourceApplyState[];
  outputs?: Record<string, UiOutput>;
  /** Warnings of the run. */
  diagnostics: TerraformDiagnostic[];
  events: TerraformUiEvent[];
  run: TerraformProcessResult;
}

export interface ApplyFailure {
  ok: false;
  failure: TerraformFailure;
  tool?: TerraformTool;
  /** Each resource's final state (also after a cancel): which were applied, failed, not started. */
  resources: ResourceApplyState[];
  diagnostics: TerraformDiagnostic[];
  events: TerraformUiEvent[];
  /** The run that failed (undefined when it was refused before starting, or could not start). */
  run?: TerraformProcessResult;
}

export type ApplyRunResult = ApplySuccess | ApplyFailure;

const DEFAULT_STATE_READ_TIMEOUT_MS = 30_000;

export async function runApply(options: RunApplyOptions): Promise<ApplyRunResult> {
  const planFile = path.resolve(options.moduleDir, options.planFile);
  let tool = typeof options.executable === 'string' ? undefined : options.executable.tool;
  const progress = new ApplyProgress(options.planned);
  const refuse = (failure: TerraformFailure): ApplyFailure => ({ ok: false, failure, tool, resources: progress.resources(), diagnostics: [], events: [] });

  if (!existsSync(planFile)) {
    return refuse({
      kind: 'failed',
      message: `The saved plan ${planFile} no longer exists. Run the plan again and review it before applying.`,
      exitCode: null,
      diagnostics: [],
    });
  }
  if (options.snapshot) {
    const changes = await changedSince(options.snapshot, { env: options.env });
    if (changes.stale) {
      return refuse({
        kind: 'stale-plan',
        message: changes.message ?? 'The saved plan is stale. Run the plan again.',
        diagnostics: [],
        changedFiles: changes.files.map((f) => f.relativePath),
        alreadyApplied: changes.state?.kind === 'applied' || changes.state?.kind === 'created',
      });
    }
  }

  if (options.remoteBaseline) {
    const executable = typeof options.executable === 'string' ? { path: options.executable } : options.executable;
    const remote = await remoteStateChangedSince(options.moduleDir, options.remoteBaseline, {
      executable: { path: executable.path, tool: 'tool' in executable ? executable.tool : undefined, version: 'version' in executable ? executable.version : undefined },
      runner: options.stateReadRunner ?? systemProcessRunner,
      env: options.env,
      timeoutMs: options.stateReadTimeoutMs ?? DEFAULT_STATE_READ_TIMEOUT_MS,
      signal: options.signal,
    });
    if (remote.stale) {
      return refuse({
        kind: 'stale-plan',
        message: remote.message ?? 'The saved plan is stale. Run the plan again.',
        diagnostics: [],
        alreadyApplied: remote.change === 'moved' || remote.change === 'created',
      });
    }
  }

  // The program that made the plan, asked again: an apply by anything else is refused (see planExecutableCheck.ts).
  if (typeof options.executable !== 'string') {
    const check = await checkPlanExecutable(options.executable, { env: options.env });
    if (!check.ok) return refuse({ kind: 'executable-changed', change: check.change, message: `${check.message} Run the plan again and review it before applying.` });
  }

  // One cancellation for the whole call: a cancel pressed during the checks above must not start an apply.
  const cancellation = TerraformCancellation.from(options.signal, options.cancellation);
  if (cancellation.isCancellationRequested) {
    return refuse({ kind: 'cancelled', message: 'The apply was cancelled before it started: nothing was applied.', terminated: false });
  }

  const onEvent = (event: TerraformUiEvent): void => {
    if (event.type === 'version') tool = event.tool;
    const update = progress.handle(event);
    options.onEvent?.(event);
    if (update) options.onResourceProgress?.(update);
  };

  let run: TerraformProcessResult;
  try {
    run = await runTerraform({
      executable: typeof options.executable === 'string' ? options.executable : options.executable.path,
      // The plan file last: it is the one positional argument, and nothing after it can be taken for one.
      args: ['apply', ...(options.extraArgs ?? []), '-input=false', '-json', planFile],
      cwd: options.moduleDir,
      env: options.env,
      jsonStream: true,
      onEvent,
      onOutput: options.onOutput,
      onSpawn: options.onSpawn,
      cancellation,
      timeoutMs: options.timeoutMs,
      interruptGraceMs: options.interruptGraceMs,
    });
  } catch (error) {
    return refuse(classifySpawnError(error));
  }

  const classified = classifyRun(run, { tool, operation: 'apply' });
  progress.finish(classified === undefined);
  const resources = progress.resources();
  if (!classified) {
    const summary = progress.summary;
    const outputs = [...run.events].reverse().find((e) => e.type === 'outputs');
    return {
      ok: true,
      planFile,
      tool,
      summary: summary?.changes,
      summaryLine: summary?.message ?? 'Apply complete!',
      resources,
      outputs: outputs?.type === 'outputs' ? outputs.outputs : undefined,
      diagnostics: run.diagnostics,
      events: run.events,
      run,
    };
  }
  let failure = explainApplyFailure(classified, resources, run, cliName(tool));
  if (failure.kind === 'state-locked') {
    // Who holds it, from the backend itself (for pg the error's Lock Info is our own request's).
    const executable = typeof options.executable === 'string' ? { path: options.executable } : options.executable;
    const inspected = await inspectRootModuleLock(options.moduleDir, {
      executable: { path: executable.path, tool: tool ?? ('tool' in executable ? executable.tool : undefined) },
      runner: options.stateReadRunner,
      env: options.env,
      timeoutMs: options.stateReadTimeoutMs ?? DEFAULT_STATE_READ_TIMEOUT_MS,
    });
    failure = explainStateLocked(failure, inspected?.status, 'apply', Date.now());
  }
  return { ok: false, failure, tool, resources, diagnostics: run.diagnostics, events: run.events, run };
}

/**
 * classifyRun knows runs, not resources. For an apply, a provider error against a resource is not
 * a "configuration error" (even though its diagnostic points at the resource block) but a partial
 * apply; and a cancelled or timed-out apply should say how far it got.
 */
function explainApplyFailure(failure: TerraformFailure, resources: ResourceApplyState[], run: TerraformProcessResult, cli: string): TerraformFailure {
  const applied = resources.filter((r) => r.status === 'done').map((r) => r.address);
  const failed = resources.filter((r) => r.status === 'errored');
  const notApplied = resources.filter((r) => r.status === 'pending').map((r) => r.address);
  const reachedResources = failed.length > 0 || applied.length > 0 || resources.some((r) => r.stepsDone > 0);

  if ((failure.kind === 'failed' || failure.kind === 'configuration-error') && reachedResources) {
    const causes = failed.map((r) => ({ address: r.address, diagnostic: r.diagnostic }));
    const unattributed = run.diagnostics.filter((d) => d.severity === 'error' && !d.address);
    return {
      kind: 'apply-failed',
      message: applyFailedMessage(cli, applied, failed, notApplied, unattributed),
      applied,
      failed: causes,
      notApplied,
      resources,
      diagnostics: run.diagnostics,
    };
  }
  if ((failure.kind === 'cancelled' || failure.kind === 'timed-out') && resources.length > 0) {
    return { ...failure, message: `${failure.message} ${howFar(applied, failed, notApplied, true)}` };
  }
  return failure;
}

function applyFailedMessage(cli: string, applied: string[], failed: ResourceApplyState[], notApplied: string[], unattributed: TerraformDiagnostic[]): string {
  const reasons = failed.map((r) => `${r.address}${r.diagnostic ? ` (${diagnosticText(r.diagnostic)})` : r.outcomeUnknown ? ' (stopped before it finished)' : ''}`);
  const head =
    failed.length > 0 ? `${cli} apply failed on ${reasons.join('; ')}.` : `${cli} apply failed${unattributed[0] ? `: ${diagnosticText(unattributed[0])}` : ''}.`;
  return `${head} ${howFar(applied, failed, notApplied, false)}`;
}

/** What the state now holds, in one or two sentences. */
function howFar(applied: string[], failed: ResourceApplyState[], notApplied: string[], stopped: boolean): string {
  const parts: string[] = [];
  const halfDone = failed.filter((r) => r.stepsDone > 0);
  if (applied.length > 0) parts.push(`${stopped ? 'Applied before it stopped' : 'Applied'}: ${list(applied)}.`);
  else if (halfDone.length === 0) parts.push('Nothing was applied.');
  // After a cancel the failed ones are those cut short (apply-failed names its failures in its own first sentence).
  const cut = stopped ? failed.filter((r) => r.stepsDone === 0).map((r) => r.address) : [];
  if (cut.length > 0) parts.push(`Interrupted: ${list(cut)}.`);
  if (notApplied.length > 0) parts.push(`Not applied: ${list(notApplied)}.`);
  if (halfDone.length > 0) {
    // A replacement whose delete ran but whose create failed: the object is gone now.
    parts.push(`Half done: ${halfDone.map((r) => `${r.address} (${r.step === 'create' ? 'destroyed, not re-created' : 'partly replaced'})`).join(', ')}.`);
  }
  parts.push('The state records what was applied; plan again to see what is left.');
  return parts.join(' ');
}

/** Summary, then the detail's text on one line (the detail's last paragraph often holds the provider's own words). */
function diagnosticText(diagnostic: TerraformDiagnostic): string {
  const detail = diagnostic.detail.replace(/\s+/g, ' ').trim();
  const short = detail.length > 300 ? `${detail.slice(0, 297)}…` : detail;
  return short ? `${diagnostic.summary}: ${short}` : diagnostic.summary;
}

function list(addresses: string[]): string {
  return addresses.length > 8 ? `${addresses.slice(0, 8).join(', ')} and ${addresses.length - 8} more` : addresses.join(', ');
}

function cliName(tool: TerraformTool | undefined): string {
  return tool === 'opentofu' ? 'tofu' : 'terraform';
}
