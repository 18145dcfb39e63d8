/**
 * The live objects of the cluster, as the Kubernetes baseline when the user opts in
 * (`immutableInfra.kubernetes.baseline: cluster`): runs `kubectl get <kind>.<group> NAME… -n NS
 * -o json --ignore-not-found` — one process per kind and namespace, never one per object, through
 * the process runner (never a shell). The runner behind liveBaseline.ts (pure); the analyzer
 * decides when it may run (never in an untrusted workspace).
 *
 * An object the cluster doesn't have is new: it is simply absent from the result, as from a git
 * baseline. Anything else that keeps kubectl from answering — no binary, no cluster, no
 * permission, no answer in time — makes the whole baseline unavailable, with kubectl's own words
 * for the cause, rather than a partial comparison that would call existing objects new.
 */
import { ProcessSpawnError, type ProcessResult, type ProcessRunner } from '../exec/processRunner';
import { systemProcessRunner } from '../exec/systemProcessRunner';
import { isRecord } from './manifestParser';
import { identityKey, objectIdentity, type ObjectIdentity } from './objectIdentity';
import { lastErrorLine } from './kubectlOutput';

export interface KubectlOptions {
  /** The machine-scoped `immutableInfra.kubectl.path`; empty: `kubectl` on PATH. */
  path: string;
  /**
   * Per kubectl process, which is killed then. kubectl's own `--request-timeout` is a second
   * shorter, but it bounds each HTTP request, and discovery makes several before the get.
   */
  timeoutMs?: number;
  /** The environment kubectl runs in (KUBECONFIG, HOME); default: the server's. */
  env?: NodeJS.ProcessEnv;
}

export type LiveObjects = { objects: Map<string, Record<string, unknown>> } | { unavailable: string };

const DEFAULT_TIMEOUT_MS = 10_000;
/** kubectl processes at once: a manifest of many kinds must not fork dozens together. */
const CONCURRENCY = 4;
/** Names and namespaces as the API server accepts them (DNS subdomain); anything else can't exist there. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;
const GROUP = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The `kubectl get` argument lists for these objects: one per kind and namespace. */
export function kubectlGetArguments(identities: ObjectIdentity[], requestTimeoutSeconds: number): string[][] {
  const batches = new Map<string, { resource: string; namespace?: string; names: Set<string> }>();
  for (const identity of identities) {
    // A name kubectl would read as a flag, or that the API server would refuse, is never sent.
    if (!OBJECT_NAME.test(identity.name) || !KIND.test(identity.kind) || (identity.group !== '' && !GROUP.test(identity.group))) continue;
    if (identity.namespace !== undefined && !OBJECT_NAME.test(identity.namespace)) continue;
    // `kind.group` picks the group explicitly (`deployment.apps`, not a CRD of another group
    // named like it); the core group has no suffix (`service`).
    const resource = identity.group ? `${identity.kind.toLowerCase()}.${identity.group}` : identity.kind.toLowerCase();
    const key = `${resource}\0${identity.namespace ?? ''}`;
    let batch = batches.get(key);
    if (!batch) batches.set(key, (batch = { resource, namespace: identity.namespace, names: new Set() }));
    batch.names.add(identity.name);
  }
  return [...batches.values()].map(({ resource, namespace, names }) => [
    'get',
    resource,
    ...[...names].sort(),
    ...(namespace !== undefined ? ['--namespace', namespace] : []),
    '--output',
    'json',
    '--ignore-not-found',
    `--request-timeout=${requestTimeoutSeconds}s`,
  ]);
}

export async function getLiveObjects(identities: ObjectIdentity[], options: KubectlOptions, runner: ProcessRunner = systemProcessRunner): Promise<LiveObjects> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const batches = kubectlGetArguments(identities, Math.max(1, Math.floor(timeoutMs / 1000) - 1));
  const objects = new Map<string, Record<string, unknown>>();
  let unavailable: string | undefined;
  const queue = [...batches];
  const worker = async () => {
    for (let args = queue.shift(); args && unavailable === undefined; args = queue.shift()) {
      const result = await runKubectl(args, options, timeoutMs, runner);
      if ('unavailable' in result) {
        unavailable ??= result.unavailable;
        return;
      }
      for (const item of result.items) {
        const identity =
          isRecord(item) && typeof item.apiVersion === 'string' && typeof item.kind === 'string' ? objectIdentity(item.apiVersion, item.kind, item.metadata) : undefined;
        if (identity) objects.set(identityKey(identity), item as Record<string, unknown>);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batches.length) }, worker));
  return unavailable !== undefined ? { unavailable } : { objects };
}

/** A `kubectl get` answer larger than this is no manifest's objects. */
const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

async function runKubectl(args: string[], options: KubectlOptions, timeoutMs: number, runner: ProcessRunner): Promise<{ items: unknown[] } | { unavailable: string }> {
  const executable = options.path || 'kubectl';
  const command = `\`kubectl ${args.slice(0, 2).join(' ')}\``;
  let result: ProcessResult;
  try {
    result = await runner.run({
      executable,
      args,
      env: options.env ?? process.env,
      timeoutMs,
      // A read: nothing to save, so the deadline kills kubectl (and any credential helper it started) at once.
      atTimeout: 'terminate',
      maxOutputBytes: MAX_OUTPUT_BYTES,
    });
  } catch (error) {
    if (!(error instanceof ProcessSpawnError)) throw error;
    if (error.code === 'ENOENT' || error.code === 'EACCES') {
      return {
        unavailable: `kubectl could not be started (${executable}: ${error.code === 'ENOENT' ? 'not found' : 'not executable'}). Set \`immutableInfra.kubectl.path\`, or use the git baseline.`,
      };
    }
    return { unavailable: `${command} failed: exit code ${String(error.code)}` };
  }
  // Worded as kubectl's errors have always been for an answer past the limit (Node's code for it).
  if (result.outputLimitExceeded) return { unavailable: `${command} failed: ${lastErrorLine(result.stderr) ?? 'exit code ERR_CHILD_PROCESS_STDIO_MAXBUFFER'}` };
  if (result.exitCode !== 0) {
    if (result.timedOut) return { unavailable: `${command} did not answer within ${Number((timeoutMs / 1000).toFixed(1))} s.` };
    return { unavailable: `${command} failed: ${lastErrorLine(result.stderr) ?? `exit code ${String(result.exitCode)}`}` };
  }
  const stdout = result.stdout;
  if (stdout.trim() === '') return { items: [] }; // every object not found
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    return { unavailable: `${command} printed something other than JSON: ${(lastErrorLine(stdout) ?? '').slice(0, 200)}` };
  }
  // One name: the object itself; several: a List of those found.
  if (isRecord(parsed) && parsed.kind === 'List' && Array.isArray(parsed.items)) return { items: parsed.items };
  return { items: [parsed] };
}
