/**
 * Records a real rollout as the controllers make it, through the API server's watch (every
 * change of every object, in order; nothing between two polls can be missed):
 * - a Deployment by its ReplicaSets: the distinct (new RS spec.replicas, old RS spec.replicas)
 *   states, each with the availability the ReplicaSets report at that moment;
 * - a StatefulSet or DaemonSet by its pods: the distinct (old-revision pods, new-revision pods,
 *   ready pods) states, terminating pods not counted (the controllers do not count them either).
 * The old object is applied first and left to become complete and quiet; the watch starts at the
 * resourceVersion of that settled state, then the edited object is applied.
 */
import type { ClientRequest } from 'node:http';
import { request } from 'node:https';
import type { KwokCluster } from './kwokCluster';
import { pause } from './controlPlane';

export interface ReplicaSetStep {
  /** Milliseconds since the edit was applied. */
  t: number;
  newReplicas: number;
  oldReplicas: number;
  newAvailable: number;
  oldAvailable: number;
}

export interface PodStep {
  t: number;
  oldPods: number;
  newPods: number;
  ready: number;
}

export type RecordedRollout =
  { kind: 'Deployment'; steps: ReplicaSetStep[]; durationMs: number } | { kind: 'StatefulSet' | 'DaemonSet'; steps: PodStep[]; durationMs: number };

interface ObjectMeta {
  name: string;
  uid: string;
  resourceVersion: string;
  labels?: Record<string, string>;
  deletionTimestamp?: string;
  ownerReferences?: { kind: string; name: string }[];
}

interface ReplicaSetObject {
  metadata: ObjectMeta;
  spec: { replicas?: number };
  status?: { replicas?: number; availableReplicas?: number };
}

interface PodObject {
  metadata: ObjectMeta;
  status?: { conditions?: { type: string; status: string }[] };
}

interface ListObject<T> {
  metadata: { resourceVersion: string };
  items: T[];
}

interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/** A long-running watch: one callback per event, until stop(). */
function watch<T>(
  cluster: KwokCluster,
  collectionPath: string,
  resourceVersion: string,
  onEvent: (event: WatchEvent<T>) => void,
): { stop(): void; failed(): Error | undefined } {
  let failure: Error | undefined;
  let stopped = false;
  const url = new URL(`${collectionPath}?watch=1&allowWatchBookmarks=false&resourceVersion=${resourceVersion}`, cluster.plane.server);
  let buffered = '';
  const req: ClientRequest = request(
    url,
    { method: 'GET', rejectUnauthorized: false, headers: { Authorization: `Bearer ${cluster.plane.token}`, Accept: 'application/json' } },
    (res) => {
      if (res.statusCode !== 200) failure = new Error(`watch ${collectionPath}: HTTP ${res.statusCode}`);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          const event = JSON.parse(line) as WatchEvent<T>;
          if (event.type === 'ERROR') failure = new Error(`watch ${collectionPath}: ${JSON.stringify(event.object)}`);
          else onEvent(event);
        }
      });
      res.on('end', () => {
        if (!stopped) failure ??= new Error(`watch ${collectionPath} ended early`);
      });
    },
  );
  req.on('error', (error: Error) => {
    if (!stopped) failure ??= error;
  });
  req.end();
  return {
    stop: () => {
      stopped = true;
      req.destroy();
    },
    failed: () => failure,
  };
}

async function list<T>(cluster: KwokCluster, collectionPath: string): Promise<ListObject<T>> {
  const { status, body, text } = await cluster.plane.api('GET', collectionPath);
  if (status !== 200) throw new Error(`GET ${collectionPath}: HTTP ${status} ${text}`);
  return body as ListObject<T>;
}

const podReady = (pod: PodObject) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;

export interface RecordOptions {
  namespace: string;
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  name: string;
  /** The two manifests (YAML), applied with kubectl into the namespace. */
  before: string;
  after: string;
  /** The state the edit ends in (pods for StatefulSet/DaemonSet; ReplicaSet replicas for a Deployment). */
  expectedEnd: { oldCount: number; newCount: number };
  /** How long the end state must stay unchanged to count as settled (default 1500 ms). */
  quietMs?: number;
  /** Give up after this long (default 120 s). */
  timeoutMs?: number;
}

const DEFAULT_QUIET_MS = 1500;
const DEFAULT_TIMEOUT_MS = 120_000;

/** The label the StatefulSet and DaemonSet controllers put on each pod: the revision it was made from. */
const REVISION_LABEL = 'controller-revision-hash';

export async function recordRollout(cluster: KwokCluster, options: RecordOptions): Promise<RecordedRollout> {
  const { namespace, kind } = options;
  const quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  await cluster.plane.kubectlOk(['apply', '-n', namespace, '-f', '-'], options.before);
  const rsPath = `/apis/apps/v1/namespaces/${namespace}/replicasets`;
  const podPath = `/api/v1/namespaces/${namespace}/pods`;
  const collection = kind === 'Deployment' ? rsPath : podPath;

  // The old revision, complete and quiet: all its pods ready, nothing changing for quietMs.
  const settledBefore = async () => {
    const deadline = Date.now() + timeoutMs;
    let lastVersion = '';
    let since = Date.now();
    for (;;) {
      const pods = await list<PodObject>(cluster, podPath);
      const rs = kind === 'Deployment' ? (await list<ReplicaSetObject>(cluster, rsPath)).items : [];
      const live = pods.items.filter((p) => !p.metadata.deletionTimestamp);
      const done =
        live.length === options.expectedEnd.oldCount + options.expectedEnd.newCount &&
        live.every(podReady) &&
        rs.every((r) => (r.status?.availableReplicas ?? 0) === (r.spec.replicas ?? 0) && (r.status?.replicas ?? 0) === (r.spec.replicas ?? 0));
      const version = JSON.stringify([pods.items.map((p) => p.metadata.resourceVersion), rs.map((r) => r.metadata.resourceVersion)]);
      if (version !== lastVersion) {
        lastVersion = version;
        since = Date.now();
      }
      if (done && Date.now() - since >= quietMs) return;
      if (Date.now() > deadline) throw new Error(`${kind} ${options.name}: the old revision did not settle within ${timeoutMs} ms`);
      await pause(200);
    }
  };
  await settledBefore();

  const initial = await list<ReplicaSetObject & PodObject>(cluster, collection);
  // Everything that exists now is the old revision.
  const oldKeys = new Set<string>();
  for (const item of initial.items) oldKeys.add(kind === 'Deployment' ? item.metadata.uid : (item.metadata.labels?.[REVISION_LABEL] ?? ''));
  const objects = new Map<string, ReplicaSetObject & PodObject>(initial.items.map((item) => [item.metadata.uid, item]));

  const isOld = (item: ReplicaSetObject & PodObject) => oldKeys.has(kind === 'Deployment' ? item.metadata.uid : (item.metadata.labels?.[REVISION_LABEL] ?? ''));
  let editMs = Date.now();
  const rsSteps: ReplicaSetStep[] = [];
  const podSteps: PodStep[] = [];
  let lastKey = '';
  let lastChangeMs = Date.now();
  const snapshot = () => {
    const t = Date.now() - editMs;
    if (kind === 'Deployment') {
      const step: ReplicaSetStep = { t, newReplicas: 0, oldReplicas: 0, newAvailable: 0, oldAvailable: 0 };
      for (const rs of objects.values()) {
        if (isOld(rs)) {
          step.oldReplicas += rs.spec.replicas ?? 0;
          step.oldAvailable += rs.status?.availableReplicas ?? 0;
        } else {
          step.newReplicas += rs.spec.replicas ?? 0;
          step.newAvailable += rs.status?.availableReplicas ?? 0;
        }
      }
      const key = JSON.stringify([step.newReplicas, step.oldReplicas, step.newAvailable, step.oldAvailable]);
      if (key !== lastKey) {
        lastKey = key;
        lastChangeMs = Date.now();
        rsSteps.push(step);
      }
    } else {
      const step: PodStep = { t, oldPods: 0, newPods: 0, ready: 0 };
      for (const pod of objects.values()) {
        if (pod.metadata.deletionTimestamp) continue;
        if (isOld(pod)) step.oldPods++;
        else step.newPods++;
        if (podReady(pod)) step.ready++;
      }
      const key = JSON.stringify([step.oldPods, step.newPods, step.ready]);
      if (key !== lastKey) {
        lastKey = key;
        lastChangeMs = Date.now();
        podSteps.push(step);
      }
    }
  };
  snapshot();
  const watcher = watch<ReplicaSetObject & PodObject>(cluster, collection, initial.metadata.resourceVersion, (event) => {
    if (event.type === 'DELETED') objects.delete(event.object.metadata.uid);
    else objects.set(event.object.metadata.uid, event.object);
    snapshot();
  });
  try {
    editMs = Date.now();
    await cluster.plane.kubectlOk(['apply', '-n', namespace, '-f', '-'], options.after);
    const deadline = Date.now() + timeoutMs;
    const ended = () => {
      const last = kind === 'Deployment' ? rsSteps[rsSteps.length - 1] : podSteps[podSteps.length - 1];
      if (!last) return false;
      if ('newReplicas' in last)
        return (
          last.newReplicas === options.expectedEnd.newCount &&
          last.oldReplicas === options.expectedEnd.oldCount &&
          last.newAvailable === last.newReplicas &&
          last.oldAvailable === 0
        );
      const livePods = [...objects.values()];
      return (
        last.newPods === options.expectedEnd.newCount &&
        last.oldPods === options.expectedEnd.oldCount &&
        last.ready === last.newPods + last.oldPods &&
        livePods.every((p) => !p.metadata.deletionTimestamp) &&
        // The new revision really started: a StatefulSet/DaemonSet edit that ends with no new pod is not recorded here.
        podSteps.length > 1
      );
    };
    for (;;) {
      const failure = watcher.failed();
      if (failure) throw failure;
      if (ended() && Date.now() - lastChangeMs >= quietMs) break;
      if (Date.now() > deadline)
        throw new Error(
          `${kind} ${options.name}: the rollout did not end within ${timeoutMs} ms; last steps: ${JSON.stringify((kind === 'Deployment' ? rsSteps : podSteps).slice(-5))}`,
        );
      await pause(50);
    }
  } finally {
    watcher.stop();
  }
  const steps = kind === 'Deployment' ? rsSteps : podSteps;
  // The rollout ends at the last change (the quiet time after it is only the proof of it).
  const durationMs = steps[steps.length - 1].t;
  return kind === 'Deployment' ? { kind, steps: rsSteps, durationMs } : { kind, steps: podSteps, durationMs };
}
