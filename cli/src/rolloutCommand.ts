/**
 * `immutable-infra rollout MANIFEST [--name NAME] [--ready-after SECONDS] [--nodes N] [-o FILE] [--format text|json|html]`
 * and `immutable-infra rollout --reconcile STATE.json` (the contract is docs/cli.md): the rollout
 * simulator and one Deployment controller sync, over files. `html` is one self-contained page of
 * one workload's timeline: the timeline bundle (dist/timeline.js) inlined by `renderTimelineHtml`
 * (rollout/timelineHtml.ts), so it draws offline as the editor's panel does.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RolloutTimeline } from '../../common/src/rollout';
import type { WebviewBundle } from '../../core/src/plan/graphHtml';
import { RolloutSpecError } from '../../core/src/rollout/fenceposts';
import { parseReconcileState, reconcileOnce, ReconcileStateError } from '../../core/src/rollout/reconcileState';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';
import { renderTimelineHtml } from '../../core/src/rollout/timelineHtml';
import { ManifestError, workloadsFromManifest } from '../../core/src/rollout/workloadFromManifest';
import { writeRendered } from './outputFile';
import { UsageError, type CommandResult } from './usage';

export type RolloutOutputFormat = 'text' | 'json' | 'html';

const FORMATS: readonly RolloutOutputFormat[] = ['text', 'json', 'html'];

export type RolloutOptions =
  | {
      mode: 'simulate';
      manifest: string;
      name?: string;
      readyAfterSeconds?: number;
      nodes?: number;
      format: RolloutOutputFormat;
      /** Write here instead of stdout (relative to cwd). */
      output?: string;
      cwd: string;
    }
  | { mode: 'reconcile'; state: string; cwd: string };

function numberArgument(flag: string, value: string | undefined, integer: boolean): number {
  if (value === undefined) throw new UsageError(`${flag} needs a value.`);
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n)))
    throw new UsageError(`${flag} must be a non-negative ${integer ? 'integer' : 'number of seconds'} (got "${value}").`);
  return n;
}

export function parseRolloutArguments(args: string[], cwd: string): RolloutOptions {
  let manifest: string | undefined;
  let state: string | undefined;
  let name: string | undefined;
  let readyAfterSeconds: number | undefined;
  let nodes: number | undefined;
  let format: RolloutOutputFormat | undefined;
  let output: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--reconcile') {
      state = args[++i];
      if (state === undefined) throw new UsageError('--reconcile needs a STATE.json file.');
    } else if (arg === '--name') {
      name = args[++i];
      if (name === undefined) throw new UsageError('--name needs a value.');
    } else if (arg === '--ready-after') readyAfterSeconds = numberArgument(arg, args[++i], false);
    else if (arg === '--nodes') nodes = numberArgument(arg, args[++i], true);
    else if (arg === '--format') {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value.`);
      if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be text, json or html (got "${v}").`);
      format = v as RolloutOutputFormat;
    } else if (arg === '-o' || arg === '--output') {
      output = args[++i];
      if (output === undefined) throw new UsageError(`${arg} needs a value.`);
    } else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}.`);
    else if (manifest !== undefined) throw new UsageError('rollout takes one MANIFEST file.');
    else manifest = arg;
  }
  if (state !== undefined) {
    if (manifest !== undefined || name !== undefined || readyAfterSeconds !== undefined || nodes !== undefined || output !== undefined || format === 'html')
      throw new UsageError('--reconcile takes only a STATE.json file (no MANIFEST, --name, --ready-after, --nodes, -o or --format html).');
    return { mode: 'reconcile', state, cwd };
  }
  if (manifest === undefined) throw new UsageError('rollout needs a MANIFEST file (Deployment, StatefulSet or DaemonSet YAML), or --reconcile STATE.json.');
  // A file asked for without a format is the page: the graph command's `-o plan.html` habit.
  format ??= output !== undefined ? 'html' : 'text';
  return { mode: 'simulate', manifest, name, readyAfterSeconds, nodes, format, cwd, ...(output !== undefined ? { output } : {}) };
}

function readInput(cwd: string, file: string): string {
  try {
    return readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read ${file}: ${(error as Error).message}`);
  }
}

export function runRollout(options: RolloutOptions): CommandResult {
  return options.mode === 'reconcile' ? runReconcile(options.state, options.cwd) : runSimulation(options);
}

function runReconcile(file: string, cwd: string): CommandResult {
  const text = readInput(cwd, file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file} is not JSON: ${(error as Error).message}`);
  }
  try {
    return { exitCode: 0, stdout: `${JSON.stringify(reconcileOnce(parseReconcileState(json)))}\n` };
  } catch (error) {
    if (error instanceof ReconcileStateError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

function runSimulation(options: Extract<RolloutOptions, { mode: 'simulate' }>): CommandResult {
  const text = readInput(options.cwd, options.manifest);
  let timelines: RolloutTimeline[];
  try {
    let workloads = workloadsFromManifest(text);
    if (options.name !== undefined) workloads = workloads.filter((w) => w.name === options.name);
    if (!workloads.length) {
      throw new UsageError(
        options.name !== undefined
          ? `${options.manifest} has no Deployment, StatefulSet or DaemonSet named "${options.name}".`
          : `${options.manifest} has no Deployment, StatefulSet or DaemonSet to simulate.`,
      );
    }
    timelines = workloads.map((w) => simulateRollout(w, { podStartSeconds: options.readyAfterSeconds, nodes: options.nodes }));
  } catch (error) {
    if (error instanceof ManifestError) throw new UsageError(`${options.manifest}${error.line !== undefined ? `:${error.line + 1}` : ''}: ${error.message}`);
    if (error instanceof RolloutSpecError) throw new UsageError(`${options.manifest}: ${error.message}`);
    throw error;
  }
  const rendered = renderRollout(timelines, options);
  return writeRendered(rendered, options.output, options.cwd);
}

function renderRollout(timelines: RolloutTimeline[], options: Extract<RolloutOptions, { mode: 'simulate' }>): string {
  switch (options.format) {
    case 'json':
      return `${JSON.stringify({ workloads: timelines.map(rolloutJson) })}\n`;
    case 'text':
      return timelines.map(rolloutText).join('\n');
    case 'html': {
      // One page draws one timeline (as the editor's panel does): several need --name to pick one.
      if (timelines.length > 1) {
        const listed = timelines.map((t) => `${t.kind} ${t.name}`).join(', ');
        throw new UsageError(
          options.name !== undefined
            ? `${options.manifest} has ${timelines.length} workloads named "${options.name}" (${listed}); an HTML timeline shows one, and --name cannot tell them apart.`
            : `${options.manifest} has ${timelines.length} workloads (${listed}); an HTML timeline shows one: pick it with --name NAME.`,
        );
      }
      return renderTimelineHtml(timelines[0], loadTimelineBundle());
    }
  }
}

/**
 * The timeline page's bundle, read from beside the running CLI: `dist/timeline.js` next to
 * `dist/cli.js` once bundled, or the repository's dist/ when this module runs compiled by tsc (tests).
 */
export function loadTimelineBundle(): WebviewBundle {
  const candidates = [path.join(__dirname, 'timeline.js'), path.resolve(__dirname, '..', '..', '..', 'dist', 'timeline.js')];
  const file = candidates.find((candidate) => existsSync(candidate));
  if (file === undefined) {
    throw new UsageError(`The timeline bundle is missing (looked for ${candidates.join(', ')}): run \`npm run build\`, or use --format text or json.`);
  }
  return { js: readFileSync(file, 'utf8'), css: '' };
}

/** The documented JSON of one workload (docs/cli.md), and `timedOut`, which older consumers may ignore. */
function rolloutJson(timeline: RolloutTimeline) {
  return {
    kind: timeline.kind,
    name: timeline.name,
    durationSeconds: timeline.summary.durationSeconds,
    maxPods: timeline.summary.maxPods,
    minAvailable: timeline.summary.minAvailable,
    events: timeline.events.map(({ t, action, replicaSet, from, to }) => ({ t, action, replicaSet, from, to })),
    timedOut: timeline.summary.timedOut,
  };
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function rolloutText(timeline: RolloutTimeline): string {
  const { summary, limits, assumptions } = timeline;
  const lines: string[] = [];
  const unit = timeline.kind === 'DaemonSet' ? 'node' : 'replica';
  lines.push(
    `${timeline.kind} ${timeline.name}: ${timeline.strategy}, ${plural(limits.replicas, unit)}, maxSurge ${limits.maxSurge}, maxUnavailable ${limits.maxUnavailable}`,
  );
  const outcome =
    summary.outcome === 'complete'
      ? `complete after ${summary.durationSeconds} s`
      : summary.outcome === 'timed-out'
        ? `TIMED OUT after ${summary.durationSeconds} s (progressDeadlineSeconds ${assumptions.progressDeadlineSeconds})`
        : summary.outcome === 'stalled'
          ? `stalls at ${summary.durationSeconds} s`
          : 'nothing rolls out by itself (OnDelete)';
  lines.push(
    `  ${outcome}; ${plural(summary.podsReplaced, 'new pod')}; at most ${plural(summary.maxPods, 'pod')} (limit ${limits.maxPods}), at least ${summary.minAvailable} available (floor ${limits.minAvailable}); old pods gone at ${summary.lastPodGoneSeconds} s`,
  );
  for (const gap of summary.downtime) lines.push(`  downtime: no pod available from ${gap.start} s to ${gap.end} s`);
  for (const event of timeline.events) lines.push(`  ${`${event.t}s`.padStart(7)}  ${event.replicaSet} ${event.from} → ${event.to}`);
  const probe = assumptions.readinessDelaySeconds
    ? `, Ready ${assumptions.readinessDelaySeconds} s later (readiness probe)`
    : ', Ready once started (no readiness probe)';
  lines.push(
    `  assumes: pods start ${assumptions.podStartSeconds} s after creation (--ready-after)${probe}, available after minReadySeconds ${assumptions.minReadySeconds}, old pods terminate in ${assumptions.terminationGracePeriodSeconds} s`,
  );
  for (const note of timeline.notes) lines.push(`  note: ${note}`);
  return `${lines.join('\n')}\n`;
}
