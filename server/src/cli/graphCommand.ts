/**
 * `immutable-infra graph PLAN [-o FILE] [--format html|json]`: the plan graph model
 * (common/src/planGraph.ts) as JSON, or one self-contained HTML page that draws it (DESIGN.md,
 * "Contracts"). HTML is the default; its page comes with the webview bundle, and `renderGraphHtml`
 * is the one place it plugs in.
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PlanGraph } from '../../../common/src/planGraph';
import { parsePlanGraph } from '../plan/planGraph';
import { PlanFormatError } from '../plan/planModel';
import { readPlanText } from './planInput';
import { UsageError, type CommandResult } from './usage';

export type GraphOutputFormat = 'html' | 'json';

const FORMATS: readonly GraphOutputFormat[] = ['html', 'json'];

export interface GraphOptions {
  plan: string;
  /** Write here instead of stdout (relative to cwd). */
  output?: string;
  format: GraphOutputFormat;
  cwd: string;
}

export function parseGraphArguments(args: string[], cwd: string): GraphOptions {
  let plan: string | undefined;
  let output: string | undefined;
  let format: GraphOutputFormat = 'html';
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--format' || arg === '-o' || arg === '--output') {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value.`);
      if (arg === '--format') {
        if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be html or json (got "${v}").`);
        format = v as GraphOutputFormat;
      } else output = v;
    } else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
    else if (plan !== undefined) throw new UsageError('graph takes one PLAN file.');
    else plan = arg;
  }
  if (plan === undefined) throw new UsageError('graph needs a PLAN file (JSON from `terraform show -json PLANFILE`).');
  return { plan, format, cwd, ...(output !== undefined ? { output } : {}) };
}

export function runGraph(options: GraphOptions): CommandResult {
  const text = readPlanText(options.plan, options.cwd, 'graph');
  let graph: PlanGraph;
  try {
    graph = parsePlanGraph(text);
  } catch (error) {
    if (error instanceof PlanFormatError) throw new UsageError(`${options.plan}: ${error.message}`);
    throw error;
  }
  const rendered = renderGraph(graph, options.format);
  if (options.output === undefined) return { exitCode: 0, stdout: rendered };
  try {
    writeFileSync(path.resolve(options.cwd, options.output), rendered);
  } catch (error) {
    throw new UsageError(`Cannot write ${options.output}: ${(error as Error).message}`);
  }
  return { exitCode: 0, stdout: '' };
}

export function renderGraph(graph: PlanGraph, format: GraphOutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(graph)}\n`;
    case 'html':
      return renderGraphHtml(graph);
  }
}

/** One offline HTML file with the webview bundle inlined: built together with the webview. */
export function renderGraphHtml(_graph: PlanGraph): string {
  throw new UsageError('The HTML graph is not built yet: use --format json for the graph model.');
}
