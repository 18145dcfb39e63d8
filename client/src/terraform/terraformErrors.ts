/**
 * Why a terraform/tofu run failed, as a typed result the extension can act on (offer the setting,
 * offer `init`, name who holds the lock, fill the Problems panel) instead of a wall of text.
 * The recognised diagnostics are matched on their summaries, which both tools share word for word
 * (only the command name inside some of them differs: "terraform init" / "tofu init"):
 * OpenTofu's `internal/command/meta_backend.go`, `internal/backend/local/backend_local.go`,
 * `internal/configs/configload/loader_load.go`, `internal/command/clistate/state.go`, and
 * Terraform's files of the same names.
 */
import {
  TERRAFORM_PATH_SETTING,
  TerraformExecutableNotFoundError,
  toolCommand,
  toolDisplayName,
  type TerraformTool,
} from '../../../core/src/terraform/tool/terraformExecutable';
import { lockOperationName, parseLockInfo, type StateLockInfo } from '../../../core/src/terraform/stateLock/lockInfo';
import type { StateLockStatus } from '../../../core/src/terraform/stateLock/stateLock';
import type { ResourceApplyState } from './applyProgress';
import type { TerraformDiagnostic } from './terraformEvents';

export { lockOperationName, parseLockInfo, type StateLockInfo };
import { TerraformSpawnError, type TerraformProcessResult } from './terraformProcess';

export type InitReason = 'lock-file' | 'providers' | 'modules' | 'backend';

export type TerraformFailure =
  | { kind: 'executable-missing'; message: string; setting: typeof TERRAFORM_PATH_SETTING }
  | { kind: 'init-required'; message: string; reason: InitReason; diagnostics: TerraformDiagnostic[] }
  /**
   * The module was initialised by the other tool (its lock file or provider folders belong to it):
   * the run's "init required" error is not a missing init, but the wrong program for this module.
   */
  | { kind: 'other-tool-initialised'; message: string; ran: TerraformTool; initialisedWith: TerraformTool; diagnostics: TerraformDiagnostic[] }
  /** The program that made a saved plan is gone or is now another tool or version: the plan is not applied. */
  | { kind: 'executable-changed'; message: string; change: 'gone' | 'not-executable' | 'changed' | 'unrecognised' }
  /**
   * `lock`: the Lock Info block of the tool's error (for pg the refused run's own request, not the
   * holder's); `inspected`: the lock as inspected after the refusal (remote backends), which is
   * what the message then names (stateLockCheck.ts).
   */
  | { kind: 'state-locked'; message: string; lock?: StateLockInfo; inspected?: StateLockStatus; diagnostics: TerraformDiagnostic[] }
  /**
   * Errors reported against the configuration: each has `range.filename` and 1-based start/end
   * (see `diagnosticRange` for Problems-panel positions). `diagnostics` also holds the warnings.
   */
  | { kind: 'configuration-error'; message: string; diagnostics: TerraformDiagnostic[] }
  | { kind: 'cancelled'; message: string; terminated: boolean }
  | { kind: 'timed-out'; message: string; terminated: boolean }
  /**
   * The saved plan no longer fits the state or the configuration: make a new plan. Terraform says
   * so itself when the state moved on; our own check (`planStaleness.ts`) also names the files
   * changed since the plan (`changedFiles`, relative to the root module) and recognises a plan
   * already applied (`alreadyApplied`).
   */
  | { kind: 'stale-plan'; message: string; diagnostics: TerraformDiagnostic[]; changedFiles?: string[]; alreadyApplied?: boolean }
  /** The plan file records that planning failed (`errored: true`): it cannot be applied. */
  | { kind: 'plan-errored'; message: string; diagnostics: TerraformDiagnostic[] }
  /**
   * An apply that failed part-way: some resources were applied (the state records them), some
   * failed (each with the diagnostic that names it, when Terraform gave one), the rest were not
   * started. `resources` holds every resource's final state for the graph.
   */
  | {
      kind: 'apply-failed';
      message: string;
      applied: string[];
      failed: Array<{ address: string; diagnostic?: TerraformDiagnostic }>;
      notApplied: string[];
      resources: ResourceApplyState[];
      diagnostics: TerraformDiagnostic[];
    }
  /** Anything else: the first error's summary and detail, or the end of stderr. */
  | { kind: 'failed'; message: string; exitCode: number | null; diagnostics: TerraformDiagnostic[] };

export type TerraformFailureKind = TerraformFailure['kind'];

const INIT_SUMMARIES: Array<[RegExp, InitReason]> = [
  [/^Inconsistent dependency lock file$/, 'lock-file'],
  [/^Required plugins are not installed$/, 'providers'],
  [/^Missing required provider$/, 'providers'],
  [/^Module not installed$/, 'modules'],
  [/^Module source has changed$/, 'modules'],
  [/^Module version requirements have changed$/, 'modules'],
  [/^(Cloud backend|Backend|HCP Terraform|Terraform Cloud) initialization required\b/, 'backend'],
  [/^Backend configuration changed$/, 'backend'],
];

const STALE_PLAN_SUMMARIES = [/^Saved plan is stale$/, /^Saved plan does not match the given state$/];
/** Apply refusing a plan file that records errors (OpenTofu's and Terraform's `backend_apply.go`). */
const INCOMPLETE_PLAN_SUMMARY = /^Cannot apply incomplete plan$/;
/** The lock-file inconsistency of a *saved plan* (its detail says so) is staleness, not a missing init. */
const SAVED_PLAN_DETAIL = /saved plan|given plan file/i;
const LOCK_SUMMARY = 'Error acquiring the state lock';

export interface ClassifyContext {
  /** For messages: `tofu init` or `terraform init`. Default: from the run's version event, else terraform. */
  tool?: TerraformTool;
  /** What was running, for messages: `plan`, `apply`, `show`. */
  operation?: string;
}

/** A spawn failure (the program could not be started) → executable-missing, or failed. */
export function classifySpawnError(error: unknown): TerraformFailure {
  if (error instanceof TerraformExecutableNotFoundError) return { kind: 'executable-missing', message: error.message, setting: TERRAFORM_PATH_SETTING };
  if (error instanceof TerraformSpawnError && (error.code === 'ENOENT' || error.code === 'EACCES' || error.code === 'ENOTDIR')) {
    return {
      kind: 'executable-missing',
      message: `${error.executable} could not be run (${error.code}). Install terraform or tofu, or set ${TERRAFORM_PATH_SETTING} to its full path.`,
      setting: TERRAFORM_PATH_SETTING,
    };
  }
  return { kind: 'failed', message: (error as Error)?.message ?? String(error), exitCode: null, diagnostics: [] };
}

/** The failure of a finished run, or undefined when it succeeded. */
export function classifyRun(result: TerraformProcessResult, context: ClassifyContext = {}): TerraformFailure | undefined {
  const tool = context.tool ?? toolOf(result);
  const cli = tool === 'opentofu' ? 'tofu' : 'terraform';
  const operation = context.operation ?? result.args[0] ?? 'run';
  if (result.timedOut) {
    return {
      kind: 'timed-out',
      message: `${cli} ${operation} did not finish in time and was ${result.terminated ? 'terminated' : 'interrupted'}.`,
      terminated: result.terminated,
    };
  }
  if (result.cancelled) {
    return { kind: 'cancelled', message: `${cli} ${operation} was cancelled${result.terminated ? ' (terminated)' : ''}.`, terminated: result.terminated };
  }
  if (result.exitCode === 0) return undefined;
  return classifyDiagnostics(errorDiagnostics(result), result, cli, operation);
}

function classifyDiagnostics(diagnostics: TerraformDiagnostic[], result: TerraformProcessResult, cli: string, operation: string): TerraformFailure {
  const errors = diagnostics.filter((d) => d.severity === 'error');

  const lockError = errors.find((d) => d.summary === LOCK_SUMMARY);
  if (lockError) {
    const lock = parseLockInfo(lockError.detail);
    return { kind: 'state-locked', message: stateLockedMessage(lock, lockError.detail, cli), lock, diagnostics };
  }

  const stale = errors.find(
    (d) => STALE_PLAN_SUMMARIES.some((s) => s.test(d.summary)) || (d.summary === 'Inconsistent dependency lock file' && SAVED_PLAN_DETAIL.test(d.detail)),
  );
  if (stale) {
    return {
      kind: 'stale-plan',
      message: `The saved plan can no longer be applied (${stale.summary}): ${firstParagraph(stale.detail)} Run the plan again.`,
      diagnostics,
    };
  }

  const incomplete = errors.find((d) => INCOMPLETE_PLAN_SUMMARY.test(d.summary));
  if (incomplete) {
    return {
      kind: 'plan-errored',
      message: `The saved plan records that planning failed, so it cannot be applied (${incomplete.summary}). Fix the errors and plan again.`,
      diagnostics,
    };
  }

  for (const d of errors) {
    const match = INIT_SUMMARIES.find(([summary]) => summary.test(d.summary));
    if (!match) continue;
    const reason = match[1];
    return { kind: 'init-required', reason, message: `${INIT_REASON_TEXT[reason]} Run \`${cli} init\` in the module first (${d.summary}).`, diagnostics };
  }

  if (errors.some((d) => d.range)) {
    const located = errors.filter((d) => d.range);
    const first = located[0];
    const where = first.range ? ` (${first.range.filename}:${first.range.start.line}:${first.range.start.column})` : '';
    const more = errors.length > 1 ? ` and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''}` : '';
    return { kind: 'configuration-error', message: `${cli} ${operation} failed: ${first.summary}${where}${more}.`, diagnostics };
  }

  if (errors.length > 0) {
    const first = errors[0];
    const detail = first.detail ? `: ${firstParagraph(first.detail)}` : '';
    return { kind: 'failed', message: `${cli} ${operation} failed: ${first.summary}${detail}`, exitCode: result.exitCode, diagnostics };
  }
  const tail = lastLines(result.stderr || result.stdout, 6);
  return {
    kind: 'failed',
    message: `${cli} ${operation} failed with ${result.exitCode === null ? `signal ${result.exitSignal}` : `exit code ${result.exitCode}`}${tail ? `:\n${tail}` : '.'}`,
    exitCode: result.exitCode,
    diagnostics,
  };
}

const INIT_REASON_TEXT: Record<InitReason, string> = {
  'lock-file': 'The module is not initialised: its dependency lock file does not select the providers it needs.',
  providers: 'The providers this module needs are not installed.',
  modules: 'The modules this configuration calls are not installed (or their source changed).',
  backend: 'The backend must be initialised (it is new or its configuration changed).',
};

/**
 * Diagnostics of the run: the `-json` stream's, or — for output without it (an older tool, a
 * failure before the JSON view was set up, `show`) — the errors recognisable in the plain text.
 */
function errorDiagnostics(result: TerraformProcessResult): TerraformDiagnostic[] {
  if (result.diagnostics.length > 0) return result.diagnostics;
  return diagnosticsFromText(`${result.stderr}\n${result.stdout}`);
}

/**
 * Plain-text diagnostics (`Error: <summary>` then an indented detail, as the human-readable view
 * prints them with -no-color, or with the `│ ` box of the coloured view).
 */
export function diagnosticsFromText(text: string): TerraformDiagnostic[] {
  const lines = text.split(/\r?\n/).map((l) => l.replace(/^[│╷╵]\s?/, ''));
  const result: TerraformDiagnostic[] = [];
  for (let i = 0; i < lines.length; i++) {
    const match = /^(Error|Warning): (.+)$/.exec(lines[i].trim());
    if (!match) continue;
    const detail: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^(Error|Warning): /.test(lines[j].trim()); j++) detail.push(lines[j]);
    i = j - 1;
    result.push({ severity: match[1] === 'Error' ? 'error' : 'warning', summary: match[2].trim(), detail: detail.join('\n').trim() });
  }
  return result;
}

function stateLockedMessage(lock: StateLockInfo | undefined, detail: string, cli: string): string {
  if (!lock) return `The state is locked by another run: ${firstParagraph(detail)}`;
  const operation = lockOperationName(lock.operation);
  const parts = [
    operation ? `operation: ${operation}` : undefined,
    lock.created ? `since ${lock.created}` : undefined,
    lock.version ? `version ${lock.version}` : undefined,
  ].filter(Boolean);
  const holder = lock.who ?? 'another run';
  const unlock = lock.id ? ` If that run is gone for good, \`${cli} force-unlock ${lock.id}\` releases it.` : '';
  return `The state${lock.path ? ` (${lock.path})` : ''} is locked by ${holder}${parts.length ? ` (${parts.join(', ')})` : ''}. Wait for that run to finish and try again.${unlock}`;
}

/** What the module's files say about the tool that initialised it (see `moduleInitialisation.ts`). */
export interface InitialisationEvidence {
  tool?: TerraformTool;
  reason?: string;
}

/**
 * An init-required failure of a run by one tool in a module the other tool initialised, retold as
 * that: both tools answer such a module with "Inconsistent dependency lock file" (the lock file
 * selects providers of the other registry) or "Required plugins are not installed" (the lock file
 * is the other's and nothing of it is installed), which on its own reads as "never initialised".
 * Returns the failure unchanged when it is not that case.
 */
export function explainOtherToolInitialised(
  failure: TerraformFailure,
  ran: { tool?: TerraformTool; version?: string; path?: string },
  evidence: InitialisationEvidence,
): TerraformFailure {
  if (failure.kind !== 'init-required' || (failure.reason !== 'lock-file' && failure.reason !== 'providers')) return failure;
  if (!ran.tool || !evidence.tool || evidence.tool === ran.tool || !evidence.reason) return failure;
  const other = evidence.tool;
  const program = [toolDisplayName(ran.tool), ran.version].filter(Boolean).join(' ') + (ran.path ? ` (${ran.path})` : '');
  const summary = failure.diagnostics.find((d) => d.severity === 'error' && INIT_SUMMARIES.some(([s]) => s.test(d.summary)))?.summary;
  const message =
    `This module was initialised with ${toolDisplayName(other)} (${evidence.reason}), but this run used ${program}: ` +
    `the two take \`hashicorp/*\` providers from different registries, so neither can use what the other installed. ` +
    `Set ${TERRAFORM_PATH_SETTING} to the path of ${toolCommand(other)}, or run \`${toolCommand(ran.tool)} init\` in the module to initialise it for ${toolDisplayName(ran.tool)}` +
    `${summary ? ` (${summary})` : ''}.`;
  return { kind: 'other-tool-initialised', message, ran: ran.tool, initialisedWith: other, diagnostics: failure.diagnostics };
}

/** A plan file marked errored cannot be applied (used by apply, which reads the plan first). */
export function planErroredFailure(planFile: string): TerraformFailure {
  return { kind: 'plan-errored', message: `The plan ${planFile} records that planning failed: it cannot be applied. Fix the errors and plan again.`, diagnostics: [] };
}

/** Terraform's text for a missing executable, as a failure. */
export function executableMissingFailure(error: TerraformExecutableNotFoundError): TerraformFailure {
  return { kind: 'executable-missing', message: error.message, setting: TERRAFORM_PATH_SETTING };
}

export interface LspLikeRange {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

/**
 * A diagnostic's range as 0-based line / UTF-16 character positions (LSP, VS Code). With the
 * file's text the byte offsets are used, which is exact (Terraform counts columns in Unicode
 * characters, VS Code in UTF-16 units); without it, line and column minus one.
 */
export function diagnosticRange(diagnostic: TerraformDiagnostic, fileText?: string): LspLikeRange | undefined {
  const range = diagnostic.range;
  if (!range) return undefined;
  if (fileText !== undefined) {
    const bytes = Buffer.from(fileText, 'utf8');
    if (range.start.byte <= bytes.length && range.end.byte <= bytes.length && range.start.byte <= range.end.byte) {
      return { start: positionAtByte(bytes, range.start.byte), end: positionAtByte(bytes, range.end.byte) };
    }
  }
  return {
    start: { line: range.start.line - 1, character: range.start.column - 1 },
    end: { line: range.end.line - 1, character: range.end.column - 1 },
  };
}

function positionAtByte(bytes: Buffer, byte: number): { line: number; character: number } {
  const before = bytes.subarray(0, byte).toString('utf8');
  const lineStart = before.lastIndexOf('\n') + 1;
  let line = 0;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
  return { line, character: before.length - lineStart };
}

function toolOf(result: TerraformProcessResult): TerraformTool | undefined {
  const version = result.events.find((e) => e.type === 'version');
  return version?.type === 'version' ? version.tool : undefined;
}

function firstParagraph(text: string): string {
  return (
    text
      .trim()
      .split(/\n\s*\n/)[0]
      ?.replace(/\s*\n\s*/g, ' ')
      .trim() ?? ''
  );
}

function lastLines(text: string, count: number): string {
  return text.trim().split(/\r?\n/).slice(-count).join('\n');
}
