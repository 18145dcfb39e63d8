/**
 * The cluster's own verdict on edited objects: `kubectl apply --dry-run=server --filename -
 * --output name`, one process per namespace with that namespace's objects as one `List` on stdin
 * (kubectl answers per item), through the process runner — never a shell, never a write. The
 * API server runs everything a real apply meets — validation of the version it runs, admission
 * policies, webhooks, quota — and persists nothing (`dryRun=All`).
 *
 * Every argument list goes through `assertDryRun`: a list without `--dry-run=server` (or with any
 * other `--dry-run` value) is refused before a process starts.
 */
import { ProcessSpawnError, type ProcessResult, type ProcessRunner } from '../exec/processRunner';
import { systemProcessRunner } from '../exec/systemProcessRunner';
import { dryRunVerdicts, type DryRunSubject, type DryRunVerdict } from './dryRunAnswer';
import type { KubectlOptions } from './kubectlBaseline';

/** One object to dry-run: its identity key (objectIdentity.ts), what kubectl prints for it, and the edited object. */
export interface DryRunObject extends DryRunSubject {
  /** undefined: cluster-scoped. */
  namespace?: string;
  value: Record<string, unknown>;
}

export const DEFAULT_DRY_RUN_TIMEOUT_MS = 10_000;
/** kubectl processes at once, as for the live lookup. */
const CONCURRENCY = 4;
/** kubectl's answer is one name per object and its errors: far less than this. */
const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;
const DRY_RUN_FLAG = '--dry-run=server';

/** The argument list for one namespace's objects (undefined: cluster-scoped ones). */
export function serverDryRunArguments(namespace: string | undefined, requestTimeoutSeconds: number): string[] {
  return assertDryRun([
    'apply',
    DRY_RUN_FLAG,
    '--filename',
    '-',
    '--output',
    'name',
    ...(namespace !== undefined ? ['--namespace', namespace] : []),
    `--request-timeout=${requestTimeoutSeconds}s`,
  ]);
}

/** Refuses any kubectl argument list that could write to a cluster. */
export function assertDryRun(args: readonly string[]): string[] {
  const dryRun = args.filter((a) => a === '--dry-run' || a.startsWith('--dry-run='));
  if (args[0] !== 'apply' || dryRun.length !== 1 || dryRun[0] !== DRY_RUN_FLAG) {
    throw new Error(`Refusing to run kubectl ${args.join(' ')}: only \`kubectl apply ${DRY_RUN_FLAG}\` may run`);
  }
  return [...args];
}

/** What kubectl reads on stdin: the objects as one v1 List, which kubectl applies item by item. */
export function dryRunInput(objects: readonly DryRunObject[]): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.map((o) => o.value) });
}

/** Dry-runs the objects, one kubectl per namespace; a verdict for each, by key. */
export async function serverDryRun(
  objects: readonly DryRunObject[],
  options: KubectlOptions,
  runner: ProcessRunner = systemProcessRunner,
): Promise<Map<string, DryRunVerdict>> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DRY_RUN_TIMEOUT_MS;
  const byNamespace = new Map<string | undefined, DryRunObject[]>();
  for (const object of objects) {
    const batch = byNamespace.get(object.namespace);
    if (batch) batch.push(object);
    else byNamespace.set(object.namespace, [object]);
  }
  const verdicts = new Map<string, DryRunVerdict>();
  const queue = [...byNamespace];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [namespace, batch] = next;
      for (const [key, verdict] of await dryRunBatch(namespace, batch, options, timeoutMs, runner)) verdicts.set(key, verdict);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, byNamespace.size) }, worker));
  return verdicts;
}

async function dryRunBatch(
  namespace: string | undefined,
  batch: DryRunObject[],
  options: KubectlOptions,
  timeoutMs: number,
  runner: ProcessRunner,
): Promise<Map<string, DryRunVerdict>> {
  const executable = options.path || 'kubectl';
  // kubectl's own bound per request, a second inside the process's deadline.
  const args = serverDryRunArguments(namespace, Math.max(1, Math.floor(timeoutMs / 1000) - 1));
  const everyObject = (reason: string) => new Map(batch.map((o): [string, DryRunVerdict] => [o.key, { outcome: 'unavailable', reason }]));
  let result: ProcessResult;
  try {
    result = await runner.run({
      executable,
      args: assertDryRun(args),
      env: options.env ?? process.env,
      stdin: dryRunInput(batch),
      timeoutMs,
      // Nothing is written, so nothing to save: the deadline kills kubectl at once.
      atTimeout: 'terminate',
      maxOutputBytes: MAX_OUTPUT_BYTES,
    });
  } catch (error) {
    if (!(error instanceof ProcessSpawnError)) throw error;
    return everyObject(
      `kubectl could not be started (${executable}: ${error.code === 'ENOENT' ? 'not found' : error.code === 'EACCES' ? 'not executable' : String(error.code)})`,
    );
  }
  if (result.timedOut) return everyObject(`\`kubectl apply --dry-run=server\` did not answer within ${Number((timeoutMs / 1000).toFixed(1))} s`);
  if (result.outputLimitExceeded) return everyObject(`\`kubectl apply --dry-run=server\` printed more than ${MAX_OUTPUT_BYTES / 1024 / 1024} MB`);
  return dryRunVerdicts(batch, result);
}
