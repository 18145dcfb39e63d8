/**
 * `immutable-infra graph PLAN [-o FILE] [--format html|json]`: the plan graph model
 * (common/src/planGraph.ts) as JSON, or one self-contained HTML page that draws it (the contract
 * is docs/cli.md). HTML is the default: the webview bundle (dist/webview.js) inlined by
 * `renderGraphHtml` (plan/graphHtml.ts), so the page draws offline exactly as the editor panel does.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { PlanGraph } from '../../common/src/planGraph';
import { renderGraphHtml, type WebviewBundle } from '../../core/src/plan/graphHtml';
import { parsePlanGraph } from '../../core/src/plan/planGraph';
import { PlanFormatError } from '../../core/src/plan/planModel';
import { readPlanText } from './planInput';
import { writeRendered } from './outputFile';
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
  return writeRendered(rendered, options.output, options.cwd);
}

export function renderGraph(graph: PlanGraph, format: GraphOutputFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(graph)}\n`;
    case 'html':
      return renderGraphHtml(graph, loadWebviewBundle());
  }
}

/**
 * The webview bundle, read from beside the running CLI: `dist/webview.js` next to `dist/cli.js`
 * once bundled, or the repository's dist/ when this module runs compiled by tsc (tests).
 */
export function loadWebviewBundle(): WebviewBundle {
  const candidates = [path.join(__dirname, 'webview.js'), path.resolve(__dirname, '..', '..', '..', 'dist', 'webview.js')];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined) {
    throw new UsageError(`The webview bundle is missing (looked for ${candidates.join(', ')}): run \`npm run build\`, or use --format json.`);
  }
  return { js: readFileSync(file, 'utf8'), css: '' };
}
