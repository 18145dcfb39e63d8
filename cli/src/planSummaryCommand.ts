/**
 * `immutable-infra plan-summary PLAN [--format text|json|markdown]`: the plan's summary line as
 * Terraform or OpenTofu prints it, its counts as JSON, or a pull-request comment (planMarkdown.ts)
 * (the contract is docs/cli.md).
 */
import { buildPlanGraph } from '../../core/src/plan/planGraph';
import { parsePlanText, planFromJson, PlanFormatError } from '../../core/src/plan/planModel';
import { summarizePlan } from '../../core/src/plan/planSummary';
import { planMarkdown } from './planMarkdown';
import { readPlanText } from './planInput';
import { UsageError, type CommandResult } from './usage';

export interface PlanSummaryOptions {
  plan: string;
  format: 'text' | 'json' | 'markdown';
  cwd: string;
}

export function parsePlanSummaryArguments(args: string[], cwd: string): PlanSummaryOptions {
  let plan: string | undefined;
  let format: PlanSummaryOptions['format'] = 'text';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--format') {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value.`);
      if (v !== 'text' && v !== 'json' && v !== 'markdown') throw new UsageError(`--format must be text, json or markdown (got "${v}").`);
      format = v;
    } else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
    else if (plan !== undefined) throw new UsageError('plan-summary takes one PLAN file.');
    else plan = arg;
  }
  if (plan === undefined) throw new UsageError('plan-summary needs a PLAN file (JSON from `terraform show -json PLANFILE`).');
  return { plan, format, cwd };
}

export function runPlanSummary(options: PlanSummaryOptions): CommandResult {
  const text = readPlanText(options.plan, options.cwd, 'plan-summary');
  try {
    const json = parsePlanText(text);
    if (options.format === 'markdown') return { exitCode: 0, stdout: planMarkdown(buildPlanGraph(json), { planFile: options.plan }) };
    const summary = summarizePlan(planFromJson(json));
    return { exitCode: 0, stdout: options.format === 'json' ? `${JSON.stringify(summary.counts)}\n` : `${summary.line}\n` };
  } catch (error) {
    if (error instanceof PlanFormatError) throw new UsageError(`${options.plan}: ${error.message}`);
    throw error;
  }
}
