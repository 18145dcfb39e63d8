/**
 * Plan a root module the way the graph needs it: `<tool> plan -out=<file> -json`, with progress
 * from the machine-readable UI while it runs, then `<tool> show -json <file>` parsed into the
 * shared plan model. The saved plan file is what a later apply uses — never a fresh plan — so its
 * path is part of the result. A run that fails as "not initialised" in a module the other tool
 * initialised is reported as that (`other-tool-initialised`, see moduleInitialisation.ts). No
 * vscode import: the extension wraps this with its notification, cancel button and Problems panel.
 */
import { existsSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { parsePlanText, PlanFormatError, planFromJson, type PlanModel } from '../../../core/src/plan/planModel';
import { moduleInitialisation } from '../../../core/src/terraform/tool/moduleInitialisation';
import { classifyRun, classifySpawnError, explainOtherToolInitialised, planErroredFailure, type TerraformFailure } from './terraformErrors';
import type { TerraformDiagnostic, TerraformUiEvent, UiChangeSummary } from './terraformEvents';
import type { TerraformExecutable, TerraformTool } from '../../../core/src/terraform/tool/terraformExecutable';
import { runTerraform, TerraformCancellation, type TerraformProcessResult } from './terraformProcess';

export interface PlanProgress {
  phase: 'planning' | 'reading-plan';
  /** Resources whose state was refreshed so far (`refresh_complete`). */
  refreshed: number;
  /** Resource changes planned so far (`planned_change`, one per instance with a change). */
  planned: number;
  /** Resources found changed outside Terraform (`resource_drift`). */
  drifted: number;
  /** The `change_summary` once it arrived: `Plan: 1 to add, 0 to change, 1 to destroy.` */
  summary?: UiChangeSummary;
  /** One short line for a progress notification. */
  message: string;
}

interface CommonOptions {
  /** The program, resolved by `terraformExecutable.ts` (a bare path is accepted too). */
  executable: TerraformExecutable | string;
  env?: NodeJS.ProcessEnv;
  /** Every output line, for the log channel. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Each command started (plan, then show): its pid and process group. */
  onSpawn?: (process: { pid: number; processGroupId?: number; command: 'plan' | 'show' }) => void;
  /** Abort = cancel (graceful interrupt); use `cancellation` for a second, terminating cancel. */
  signal?: AbortSignal;
  cancellation?: TerraformCancellation;
  /** Deadline of each command, in milliseconds (none by default: a plan may legitimately take long). */
  timeoutMs?: number;
  interruptGraceMs?: number;
}

export interface RunPlanOptions extends CommonOptions {
  /** The root module folder (the plan runs there). */
  moduleDir: string;
  /** Where to save the binary plan; relative paths are taken from `moduleDir`. Replaced if it exists. */
  planFile: string;
  /**
   * The user's extra plan arguments (`-var-file=…`, `-target=…`, `-refresh=false` …). They come
   * before the runner's own flags so that `-out`, `-json` and `-input=false` cannot be overridden
   * (Terraform's flag parsing keeps the last value).
   */
  extraArgs?: readonly string[];
  onEvent?: (event: TerraformUiEvent) => void;
  onProgress?: (progress: PlanProgress) => void;
}

export interface PlanSuccess {
  ok: true;
  /** Absolute path of the saved binary plan. */
  planFile: string;
  /** `show -json` output as printed. */
  planJson: string;
  /** The same output parsed (once), for what is built from it besides the model (the graph). */
  planDocument: unknown;
  plan: PlanModel;
  tool?: TerraformTool;
  summary?: UiChangeSummary;
  /** Warnings (and any other diagnostics) of the plan run, with file and range where they have one. */
  diagnostics: TerraformDiagnostic[];
  events: TerraformUiEvent[];
  planRun?: TerraformProcessResult;
  showRun: TerraformProcessResult;
}

export interface PlanFailure {
  ok: false;
  failure: TerraformFailure;
  tool?: TerraformTool;
  diagnostics: TerraformDiagnostic[];
  events: TerraformUiEvent[];
  /** The run that failed (undefined when nothing could be started). */
  run?: TerraformProcessResult;
}

export type PlanRunResult = PlanSuccess | PlanFailure;

export async function runPlan(options: RunPlanOptions): Promise<PlanRunResult> {
  const executable = executablePath(options.executable);
  const planFile = path.resolve(options.moduleDir, options.planFile);
  const cancellation = TerraformCancellation.from(options.signal, options.cancellation);
  let tool = toolOf(options.executable);

  // A plan file left by an earlier run must never pass for the result of this one.
  rmSync(planFile, { force: true });

  const progress: PlanProgress = { phase: 'planning', refreshed: 0, planned: 0, drifted: 0, message: 'Planning…' };
  const report = (message: string): void => {
    progress.message = message;
    options.onProgress?.({ ...progress });
  };
  const onEvent = (event: TerraformUiEvent): void => {
    switch (event.type) {
      case 'version':
        tool = event.tool;
        break;
      case 'refresh_start':
        report(`Refreshing ${event.hook.resource.addr}`);
        break;
      case 'refresh_complete':
        progress.refreshed++;
        report(`Refreshed ${progress.refreshed} resource${plural(progress.refreshed)}`);
        break;
      case 'resource_drift':
        progress.drifted++;
        report(`${event.change.resource.addr} changed outside ${toolName(tool)}`);
        break;
      case 'planned_change':
        progress.planned++;
        report(`Planned ${progress.planned} change${plural(progress.planned)}`);
        break;
      case 'change_summary':
        progress.summary = event.changes;
        report(event.message || `Plan: ${event.changes.add} to add, ${event.changes.change} to change, ${event.changes.remove} to destroy.`);
        break;
    }
    options.onEvent?.(event);
  };

  report('Planning…');
  let planRun: TerraformProcessResult;
  try {
    planRun = await runTerraform({
      executable,
      args: ['plan', ...(options.extraArgs ?? []), '-input=false', `-out=${planFile}`, '-json'],
      cwd: options.moduleDir,
      env: options.env,
      jsonStream: true,
      onEvent,
      onOutput: options.onOutput,
      onSpawn: (p) => options.onSpawn?.({ ...p, command: 'plan' }),
      cancellation,
      timeoutMs: options.timeoutMs,
      interruptGraceMs: options.interruptGraceMs,
    });
  } catch (error) {
    return { ok: false, failure: classifySpawnError(error), tool, diagnostics: [], events: [] };
  }
  const classified = classifyRun(planRun, { tool, operation: 'plan' });
  // "Not initialised" may really mean "initialised by the other tool": the module's files say which.
  const failure =
    classified && explainOtherToolInitialised(classified, { ...describedAs(options.executable), tool }, moduleInitialisation(options.moduleDir, { env: options.env }));
  if (failure) {
    // An interrupted or failed plan may still have been written (marked errored): it is not a
    // reviewed plan, and must not be found later as "the last saved plan".
    rmSync(planFile, { force: true });
    return { ok: false, failure, tool, diagnostics: planRun.diagnostics, events: planRun.events, run: planRun };
  }
  if (!existsSync(planFile)) {
    const message = `${toolName(tool)} plan succeeded but wrote no plan file at ${planFile}.`;
    return {
      ok: false,
      failure: { kind: 'failed', message, exitCode: planRun.exitCode, diagnostics: planRun.diagnostics },
      tool,
      diagnostics: planRun.diagnostics,
      events: planRun.events,
      run: planRun,
    };
  }

  progress.phase = 'reading-plan';
  report('Reading the plan…');
  // The signal is already linked to `cancellation`; passing it again would count one abort twice.
  const shown = await showPlanFile({ ...options, signal: undefined, planFile, moduleDir: options.moduleDir, cancellation });
  if (!shown.ok) return { ...shown, tool: shown.tool ?? tool, diagnostics: [...planRun.diagnostics, ...shown.diagnostics], events: planRun.events };
  return {
    ...shown,
    tool: tool ?? shown.tool,
    summary: progress.summary,
    diagnostics: planRun.diagnostics,
    events: planRun.events,
    planRun,
  };
}

export interface ShowPlanOptions extends CommonOptions {
  /** A binary plan file (made by this runner, CI, or a remote backend's `-out`). */
  planFile: string;
  /**
   * The folder to run `show` in: the root module the plan was made for, whose `.terraform` holds
   * the providers whose schemas decode the plan. Default: the plan file's folder.
   */
  moduleDir?: string;
}

export type ShowPlanResult = Omit<PlanSuccess, 'planRun' | 'summary' | 'events'> | Omit<PlanFailure, 'events'>;

/** `<tool> show -json <planFile>` → the plan model. Also refuses a plan that records an error. */
export async function showPlanFile(options: ShowPlanOptions): Promise<ShowPlanResult> {
  const moduleDir = options.moduleDir ?? path.dirname(path.resolve(options.planFile));
  const planFile = path.resolve(moduleDir, options.planFile);
  const tool = toolOf(options.executable);
  let showRun: TerraformProcessResult;
  try {
    showRun = await runTerraform({
      executable: executablePath(options.executable),
      args: ['show', '-json', '-no-color', planFile],
      cwd: moduleDir,
      env: options.env,
      // One JSON document, not the UI stream; its lines are not handed to the log either (it can
      // be tens of megabytes).
      jsonStream: false,
      onOutput: options.onOutput ? (line, stream) => stream === 'stderr' && options.onOutput?.(line, stream) : undefined,
      onSpawn: (p) => options.onSpawn?.({ ...p, command: 'show' }),
      cancellation: TerraformCancellation.from(options.signal, options.cancellation),
      timeoutMs: options.timeoutMs,
      interruptGraceMs: options.interruptGraceMs,
    });
  } catch (error) {
    return { ok: false, failure: classifySpawnError(error), tool, diagnostics: [] };
  }
  const failure = classifyRun(showRun, { tool, operation: 'show' });
  if (failure) return { ok: false, failure, tool, diagnostics: failure.kind === 'cancelled' ? [] : diagnosticsOf(failure), run: showRun };
  let plan: PlanModel;
  let planDocument: unknown;
  try {
    planDocument = parsePlanText(showRun.stdout);
    plan = planFromJson(planDocument);
  } catch (error) {
    const reason = error instanceof PlanFormatError ? error.message : String(error);
    return {
      ok: false,
      failure: { kind: 'failed', message: `Could not read the plan ${planFile}: ${reason}`, exitCode: showRun.exitCode, diagnostics: [] },
      tool,
      diagnostics: [],
      run: showRun,
    };
  }
  if (plan.errored) return { ok: false, failure: planErroredFailure(planFile), tool: tool ?? plan.tool, diagnostics: [], run: showRun };
  return { ok: true, planFile, planJson: showRun.stdout, planDocument, plan, tool: tool ?? plan.tool, diagnostics: [], showRun };
}

function diagnosticsOf(failure: TerraformFailure): TerraformDiagnostic[] {
  return 'diagnostics' in failure ? failure.diagnostics : [];
}

function executablePath(executable: TerraformExecutable | string): string {
  return typeof executable === 'string' ? executable : executable.path;
}

function describedAs(executable: TerraformExecutable | string): { version?: string; path: string } {
  return typeof executable === 'string' ? { path: executable } : { version: executable.version, path: executable.path };
}

function toolOf(executable: TerraformExecutable | string): TerraformTool | undefined {
  return typeof executable === 'string' ? undefined : executable.tool;
}

function toolName(tool: TerraformTool | undefined): string {
  return tool === 'opentofu' ? 'OpenTofu' : 'Terraform';
}

function plural(count: number): string {
  return count === 1 ? '' : 's';
}
