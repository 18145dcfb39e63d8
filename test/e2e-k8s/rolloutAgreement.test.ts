/**
 * The rollout timeline (core/src/rollout) against the real controllers of Kubernetes 1.37.2:
 * kube-controller-manager and kube-scheduler on the loopback control plane, kwok playing the
 * kubelet with pods Ready a fixed delay after they are bound and deleted pods gone at once
 * (kwokCluster.ts). Each scenario applies the old object, waits until it is complete and quiet,
 * applies the edit and records the rollout through the API server's watch (rolloutRecorder.ts);
 * the simulator runs the same edit with the same delays (pods start in the kwok delay, no
 * readiness probe, no grace period). Compared step by step: the sequence of states, the first
 * step, the peak of pods, the fewest available, the end state, and the duration.
 *
 * A difference passes only with a named cause that the test verifies:
 * - `readiness-grouping` (Deployments): the real controller saw the new pods' readiness in other
 *   groups than the simulator (pods bound a few milliseconds apart become Ready a few
 *   milliseconds apart; the ReplicaSet controller folds what arrived during one sync into one
 *   status update). Verified by replaying every real step through the simulator's own sync
 *   (deploymentSync.ts) from the states the ReplicaSets reported since the controller's previous
 *   write: one of them must give exactly the next real state; and the real rollout takes no more
 *   steps than the simulator, which sees every pod on its own (the finest grouping).
 * - `same-moment-order` (StatefulSets, DaemonSets): the real pods went through events the
 *   simulator makes at one moment in another order (a new pod turning Ready before, not after,
 *   the next one is created). Verified: the same changes at the same positions within each moment.
 * - `kwok-delete-by-name` (StatefulSets): kwok, finishing the deletion of an old pod, removed the
 *   re-created pod that has the same name, and the controller created it once more. Verified: the
 *   StatefulSet controller's SuccessfulDelete events count only the pods it replaced, and without
 *   each such gone-and-back excursion the real steps are the simulated ones.
 * Anything else fails the test.
 *
 * The result is the agreement table, compared with the committed
 * `test/e2e-k8s/rollout-agreement-table.md` (regenerate: `UPDATE_ROLLOUT_AGREEMENT_TABLE=1`).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments, stringify } from 'yaml';
import type { RolloutTimeline, RolloutWorkload } from '../../common/src/rollout';
import type { PodEvent } from '../../core/src/rollout/deploymentRollout';
import { syncDeployment } from '../../core/src/rollout/deploymentSync';
import { maxSurge } from '../../core/src/rollout/fenceposts';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';
import { workloadsFromManifest } from '../../core/src/rollout/workloadFromManifest';
import { assertControlPlaneProvisioned } from '../support/controlPlane';
import { POD_READY_DELAY_ANNOTATION, startKwokCluster, type KwokCluster } from '../support/kwokCluster';
import { recordRollout, type PodStep, type RecordedRollout, type ReplicaSetStep } from '../support/rolloutRecorder';
import { disposeServers } from '../support/serverProcesses';
import { repoRoot } from '../support/tofu';

const TABLE_FILE = path.join(repoRoot, 'test', 'e2e-k8s', 'rollout-agreement-table.md');
const UPDATE = process.env.UPDATE_ROLLOUT_AGREEMENT_TABLE === '1';
const NODES = 4;

interface Scenario {
  name: string;
  /** The old manifest (one workload); `edit` makes the new one from it. */
  manifest: string;
  /** Seconds from a pod's binding to Ready (kwok's stage; the simulator's pod start). */
  readySeconds: number;
}

// ---- the scenarios ------------------------------------------------------------------------

const template = (labels: string, image: string, extra = '') => `
  template:
    metadata:
      labels: {${labels}}
    spec:
      terminationGracePeriodSeconds: 0
      containers: [{name: app, image: ${image}}]${extra}`;

const deployment = (name: string, replicas: number, strategy: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  strategy: ${strategy}${extra}${template(`app: ${name}`, 'nginx:1.21.6')}
`;

const statefulSet = (name: string, replicas: number, policy: string, strategy: string) => `apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  serviceName: ${name}
  podManagementPolicy: ${policy}
  selector: {matchLabels: {app: ${name}}}
  updateStrategy: ${strategy}${template(`app: ${name}`, 'nginx:1.21.6')}
`;

const daemonSet = (name: string, strategy: string) => `apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ${name}}
spec:
  selector: {matchLabels: {app: ${name}}}
  updateStrategy: ${strategy}${template(`app: ${name}`, 'nginx:1.21.6')}
`;

const SCENARIOS: Scenario[] = [
  {
    name: 'seed Deployment (examples/kubernetes, 3 replicas, 25%/25%)',
    manifest: readFileSync(path.join(repoRoot, 'examples', 'kubernetes', 'deployment-v1.yaml'), 'utf8'),
    readySeconds: 1,
  },
  {
    name: 'Deployment 10 replicas, 25%/25%',
    manifest: deployment('pct', 10, '{type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}'),
    readySeconds: 2,
  },
  {
    name: 'Deployment 6 replicas, maxSurge 2, maxUnavailable 1',
    manifest: deployment('counts', 6, '{type: RollingUpdate, rollingUpdate: {maxSurge: 2, maxUnavailable: 1}}'),
    readySeconds: 1,
  },
  {
    name: 'Deployment 8 replicas, 50%/10%',
    manifest: deployment('pct2', 8, '{type: RollingUpdate, rollingUpdate: {maxSurge: 50%, maxUnavailable: 10%}}'),
    readySeconds: 1,
  },
  {
    name: 'Deployment 5 replicas, maxSurge 0, maxUnavailable 2',
    manifest: deployment('nosurge', 5, '{type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: 2}}'),
    readySeconds: 1,
  },
  {
    name: 'Deployment 4 replicas, maxSurge 1, maxUnavailable 0',
    manifest: deployment('nounavail', 4, '{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}'),
    readySeconds: 1,
  },
  {
    name: 'Deployment 4 replicas, maxSurge 1, maxUnavailable 0, minReadySeconds 2',
    manifest: deployment('minready', 4, '{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}', '\n  minReadySeconds: 2'),
    readySeconds: 1,
  },
  { name: 'Deployment 4 replicas, Recreate', manifest: deployment('recreate', 4, '{type: Recreate}'), readySeconds: 1 },
  { name: 'StatefulSet 3 replicas, OrderedReady', manifest: statefulSet('ordered', 3, 'OrderedReady', '{type: RollingUpdate}'), readySeconds: 1 },
  { name: 'StatefulSet 3 replicas, Parallel', manifest: statefulSet('parallel', 3, 'Parallel', '{type: RollingUpdate}'), readySeconds: 1 },
  {
    name: 'StatefulSet 4 replicas, partition 2',
    manifest: statefulSet('partition', 4, 'OrderedReady', '{type: RollingUpdate, rollingUpdate: {partition: 2}}'),
    readySeconds: 1,
  },
  {
    name: `DaemonSet on ${NODES} nodes, maxUnavailable 2`,
    manifest: daemonSet('dsunavail', '{type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}'),
    readySeconds: 1,
  },
  {
    name: `DaemonSet on ${NODES} nodes, maxSurge 1, maxUnavailable 0`,
    manifest: daemonSet('dssurge', '{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 0}}'),
    readySeconds: 1,
  },
];

/** The manifest with kwok's readiness delay on the pod template and, for the edit, the next image. */
function prepared(manifest: string, readySeconds: number, image?: string): string {
  const doc = parseAllDocuments(manifest)[0].toJS() as {
    spec: { template: { metadata?: { annotations?: Record<string, string> }; spec: { containers: { image: string }[] } } };
  };
  const tpl = doc.spec.template;
  tpl.metadata = { ...tpl.metadata, annotations: { ...tpl.metadata?.annotations, [POD_READY_DELAY_ANNOTATION]: `${readySeconds * 1000}ms` } };
  if (image) tpl.spec.containers[0].image = image;
  return stringify(doc);
}

const NEXT_IMAGE = 'nginx:1.23.3';

function editOf(scenario: Scenario): string {
  if (scenario.name.startsWith('seed')) return prepared(readFileSync(path.join(repoRoot, 'examples', 'kubernetes', 'deployment-v2.yaml'), 'utf8'), scenario.readySeconds);
  return prepared(scenario.manifest, scenario.readySeconds, NEXT_IMAGE);
}

// ---- the simulator's steps ----------------------------------------------------------------

/** The workload as the simulator reads it, with kwok's pod life: no probe, no grace period. */
function simulatedWorkload(manifest: string): RolloutWorkload {
  const [workload] = workloadsFromManifest(manifest);
  return { ...workload, pod: { ...workload.pod, readinessProbe: undefined, terminationGracePeriodSeconds: 0 } } as RolloutWorkload;
}

type Tuple = number[];
const key = (t: Tuple) => t.join(',');
const fmt = (t: Tuple) => `(${t.join(',')})`;

function distinct(tuples: Tuple[]): Tuple[] {
  const out: Tuple[] = [];
  for (const t of tuples) if (!out.length || key(out[out.length - 1]) !== key(t)) out.push(t);
  return out;
}

/**
 * Deployment: (new RS replicas, old RS replicas) after each scale, from (0, R). One sync may write
 * two ReplicaSets (creating the new one sized, then scaling the old one down); the watch sees each
 * write, so each scale is a state.
 */
function simulatedReplicaSetSteps(timeline: RolloutTimeline, replicas: number): Tuple[] {
  const revisionOf = new Map(timeline.groups.map((g) => [g.name, g.revision]));
  const size = { new: 0, old: replicas };
  const states: Tuple[] = [[size.new, size.old]];
  for (const event of timeline.events) {
    size[revisionOf.get(event.replicaSet) ?? 'old'] = event.to;
    states.push([size.new, size.old]);
  }
  return distinct(states);
}

/**
 * StatefulSet / DaemonSet: (old pods, new pods, ready pods) after each pod event the simulator
 * makes, in its order (deleted pods stop counting at once, as the recorder does).
 */
function simulatedPodSteps(initialPods: number, events: readonly PodEvent[]): Tuple[] {
  const ready = new Set<string>();
  const count = { old: initialPods, new: 0 };
  let initialReady = initialPods;
  const states: Tuple[] = [[count.old, count.new, initialPods]];
  for (const e of events) {
    if (e.change === 'created') count[e.revision]++;
    else if (e.change === 'ready') ready.add(e.pod);
    else {
      count[e.revision]--;
      // The old revision's pods were all Ready before the edit.
      if (!ready.delete(e.pod) && e.revision === 'old') initialReady--;
    }
    states.push([count.old, count.new, initialReady + ready.size]);
  }
  return distinct(states);
}

/** The time of each simulated pod step (the event that made it), when every event changes the state. */
function podTimes(events: readonly PodEvent[]): number[] {
  return events.map((e) => e.t);
}

// ---- comparing ----------------------------------------------------------------------------

interface Figures {
  steps: Tuple[];
  first: string;
  peak: number;
  minAvailable: number;
  end: string;
  durationSeconds: number;
}

function figuresOf(steps: Tuple[], available: number[], durationSeconds: number, kind: string): Figures {
  const peak = Math.max(...steps.map((s) => (kind === 'Deployment' ? s[0] + s[1] : s[0] + s[1])));
  return { steps, first: fmt(steps[1] ?? steps[0]), peak, minAvailable: Math.min(...available), end: fmt(steps[steps.length - 1]), durationSeconds };
}

function realFigures(recorded: RecordedRollout): Figures {
  if (recorded.kind === 'Deployment') {
    const rs = recorded.steps;
    const steps = distinct(rs.map((s) => [s.newReplicas, s.oldReplicas]));
    return figuresOf(
      steps,
      rs.map((s) => s.newAvailable + s.oldAvailable),
      recorded.durationMs / 1000,
      'Deployment',
    );
  }
  const steps = distinct(recorded.steps.map((s: PodStep) => [s.oldPods, s.newPods, s.ready]));
  return figuresOf(
    steps,
    steps.map((s) => s[2]),
    recorded.durationMs / 1000,
    recorded.kind,
  );
}

function simulatedFigures(workload: RolloutWorkload, timeline: RolloutTimeline, events: readonly PodEvent[]): Figures {
  if (workload.kind === 'Deployment') {
    const steps = simulatedReplicaSetSteps(timeline, workload.replicas);
    return { ...figuresOf(steps, [timeline.summary.minAvailable], timeline.summary.durationSeconds, 'Deployment') };
  }
  const initialPods = timeline.lanes.filter((l) => l.revision === 'old' && l.phases[0].start === 0).length;
  const steps = simulatedPodSteps(initialPods, events);
  return figuresOf(
    steps,
    steps.map((s) => s[2]),
    timeline.summary.durationSeconds,
    workload.kind,
  );
}

/**
 * The real Deployment steps replayed through the simulator's sync: from the ReplicaSets' state
 * just before each real scale (spec and reported availability), one sync must give the next
 * real (new, old). Returns the steps it does not reproduce.
 */
function unexplainedDeploymentSteps(workload: RolloutWorkload & { kind: 'Deployment' }, recorded: ReplicaSetStep[]): string[] {
  const d = { replicas: workload.replicas, strategy: workload.strategy };
  const annotations = { desiredReplicas: workload.replicas, maxReplicas: workload.replicas + maxSurge(d) };
  const unexplained: string[] = [];
  // The controller decides from its informers' view, which may be any state reported since its
  // previous write (a status update can reach the watch before the write it did not cause).
  let sinceWrite = 0;
  for (let i = 1; i < recorded.length; i++) {
    const next = recorded[i];
    const previous = recorded[i - 1];
    if (previous.newReplicas === next.newReplicas && previous.oldReplicas === next.oldReplicas) continue;
    const candidates = recorded.slice(sinceWrite, i);
    sinceWrite = i;
    const reproduced = candidates.some((before) => {
      const created = before.newReplicas === 0 && workload.strategy.type === 'RollingUpdate';
      const result = syncDeployment({
        deployment: { ...d, statusReplicas: before.newReplicas + before.oldReplicas },
        newReplicaSet: created ? null : { name: 'new', replicas: before.newReplicas, availableReplicas: before.newAvailable, ...annotations },
        oldReplicaSets: [{ name: 'old', replicas: before.oldReplicas, availableReplicas: before.oldAvailable, ...annotations }],
        newReplicaSetName: 'new',
        oldPodsRunning: before.oldAvailable > 0 || before.oldReplicas > 0,
      });
      // The states after each write of the sync (a sync that creates the new ReplicaSet may also scale the old one down).
      const size = { new: before.newReplicas, old: before.oldReplicas };
      return result.scales.some((scale) => {
        size[scale.replicaSet === 'new' ? 'new' : 'old'] = scale.to;
        return size.new === next.newReplicas && size.old === next.oldReplicas;
      });
    });
    if (!reproduced)
      unexplained.push(
        `(${previous.newReplicas},${previous.oldReplicas}) → real (${next.newReplicas},${next.oldReplicas}), which our sync gives from none of the states ${candidates.map((c) => `${c.newAvailable}+${c.oldAvailable}`).join(', ')} available`,
      );
  }
  return unexplained;
}

interface Row {
  scenario: string;
  real: Figures;
  simulated: Figures;
  agree: boolean;
  differences: string[];
  cause: string;
  unnamed: string[];
}

/** The duration may differ by what binding and kwok's own reaction add per wave of pods, not by a whole delay more. */
function durationAgrees(real: number, simulated: number, readySeconds: number): boolean {
  return Math.abs(real - simulated) <= readySeconds;
}

/**
 * Whether the real pod steps are the simulator's pod events in another order within each moment:
 * the same number of steps, and for every run of simulated events at one time, the same changes
 * (as counts of +1/−1 per column) at the same positions of the real sequence.
 */
function sameMomentReordering(real: Tuple[], simulated: Tuple[], simulatedTimes: readonly number[]): boolean {
  if (real.length !== simulated.length || simulatedTimes.length !== simulated.length - 1) return false;
  const deltas = (steps: Tuple[]) => steps.slice(1).map((s, i) => s.map((v, j) => v - steps[i][j]).join(','));
  const r = deltas(real);
  const m = deltas(simulated);
  for (let start = 0; start < m.length;) {
    let end = start;
    while (end + 1 < m.length && simulatedTimes[end + 1] === simulatedTimes[start]) end++;
    const block = (list: string[]) =>
      list
        .slice(start, end + 1)
        .sort()
        .join(' ');
    if (block(r) !== block(m)) return false;
    start = end + 1;
  }
  return true;
}

/**
 * The real steps without each excursion A → A minus one new pod → A: a re-created pod (same name)
 * gone and created again at once. Returns the steps left and how many excursions it removed.
 */
function withoutRecreatedPods(steps: Tuple[]): { steps: Tuple[]; removed: number } {
  const out: Tuple[] = [];
  let removed = 0;
  for (let i = 0; i < steps.length; i++) {
    const a = steps[i];
    const b = steps[i + 1];
    const c = steps[i + 2];
    out.push(a);
    if (b && c && key(a) === key(c) && b[0] === a[0] && b[1] === a[1] - 1 && b[2] === a[2]) {
      removed++;
      i += 2;
    }
  }
  return { steps: out, removed };
}

function compare(
  scenario: Scenario,
  workload: RolloutWorkload,
  real: Figures,
  simulated: Figures,
  recorded: RecordedRollout,
  simulatedTimes: readonly number[],
  controllerDeletes?: number,
): Row {
  const differences: string[] = [];
  if (real.steps.map(key).join(' ') !== simulated.steps.map(key).join(' ')) differences.push('steps');
  if (real.first !== simulated.first) differences.push('first step');
  if (real.peak !== simulated.peak) differences.push('peak');
  if (real.minAvailable !== simulated.minAvailable) differences.push('min available');
  if (real.end !== simulated.end) differences.push('end');
  if (!durationAgrees(real.durationSeconds, simulated.durationSeconds, scenario.readySeconds)) differences.push('duration');
  let cause = '';
  const unnamed: string[] = [];
  if (differences.length) {
    const stepsOnly = differences.every((d) => d === 'steps' || d === 'duration');
    if (workload.kind === 'Deployment' && recorded.kind === 'Deployment' && stepsOnly) {
      const unexplained = unexplainedDeploymentSteps(workload, recorded.steps);
      // The simulator sees each pod turn Ready on its own, the finest grouping there is: the real
      // controller may group readiness more, never less, so it cannot take more steps.
      if (real.steps.length > simulated.steps.length)
        unexplained.push(
          `the real rollout took ${real.steps.length} steps, more than the simulator's ${simulated.steps.length}: the simulator groups readiness more than the controller`,
        );
      if (unexplained.length === 0)
        cause = 'readiness-grouping: the controller saw pods turn Ready in other groups; every real step is our sync from a state the ReplicaSets reported';
      else unnamed.push(...unexplained);
    } else if (
      workload.kind === 'StatefulSet' &&
      stepsOnly &&
      controllerDeletes !== undefined &&
      withoutRecreatedPods(real.steps).removed > 0 &&
      key(withoutRecreatedPods(real.steps).steps.flat()) === key(simulated.steps.flat()) &&
      controllerDeletes === workload.replicas - Math.min(workload.updateStrategy.partition, workload.replicas)
    ) {
      cause =
        "kwok-delete-by-name: kwok deleted the re-created pod that has the old pod's name (the StatefulSet controller recorded no deletion of it) and the controller created it again; without that the steps agree";
    } else if (workload.kind !== 'Deployment' && stepsOnly && sameMomentReordering(real.steps, simulated.steps, simulatedTimes)) {
      cause = "same-moment-order: the real pods went through the simulator's simultaneous events in another order";
    } else unnamed.push(...differences);
  }
  return { scenario: scenario.name, real, simulated, agree: differences.length === 0, differences, cause, unnamed };
}

function tableOf(rows: Row[], version: string): string {
  const lines = [
    `# Rollout timeline against the real controllers (Kubernetes ${version}, kwok)`,
    '',
    'Generated by `test/e2e-k8s/rolloutAgreement.test.ts` (regenerate: `UPDATE_ROLLOUT_AGREEMENT_TABLE=1 node --test out/test/e2e-k8s/rolloutAgreement.test.js`).',
    'Deployments: (new ReplicaSet replicas, old ReplicaSet replicas). StatefulSets and DaemonSets: (old pods, new pods, ready pods).',
    '',
    '| scenario | real steps | simulated steps | agree? | cause of each difference |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const row of rows)
    lines.push(
      `| ${row.scenario} | ${row.real.steps.map(fmt).join(' ')} | ${row.simulated.steps.map(fmt).join(' ')} | ${row.agree ? 'yes' : `no: ${row.differences.join(', ')}`} | ${row.agree ? '' : row.cause || `UNNAMED: ${row.unnamed.join('; ')}`} |`,
    );
  const agreeing = rows.filter((r) => r.agree).length;
  lines.push('', `${agreeing} of ${rows.length} scenarios agree step by step; ${rows.filter((r) => !r.agree && r.cause).length} differ with a named cause.`, '');
  return lines.join('\n');
}

/**
 * What must not change between runs: every row's scenario and simulated steps (the simulator is
 * deterministic), and that the row agrees or differs only by a verified cause. The real steps are
 * in the table but not compared: how pods that become Ready within milliseconds of each other are
 * grouped (readiness-grouping) or ordered (same-moment-order) changes from run to run.
 */
function stableView(table: string): string[] {
  return table
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| scenario') && !line.startsWith('| ---'))
    .map((line) => {
      const [scenario, , simulated, agree, cause] = line.slice(2, -2).split(' | ');
      const verdict =
        agree === 'yes' || /^(readiness-grouping|same-moment-order|kwok-delete-by-name):/.test(cause) ? 'agrees or differs by a verified cause' : `${agree}: ${cause}`;
      return `${scenario} | ${simulated} | ${verdict}`;
    });
}

describe('rollout timeline against the real controllers', { timeout: 15 * 60_000 }, () => {
  let cluster: KwokCluster;
  const rows: Row[] = [];
  before(async () => {
    assertControlPlaneProvisioned();
    cluster = await startKwokCluster({ nodes: NODES });
    console.log(
      `kwok cluster up in ${cluster.startMs} ms (etcd + API server ${cluster.controlPlaneStartMs} ms; then controller-manager, scheduler, kwok and ${NODES} Ready nodes)`,
    );
  });
  after(() => disposeServers());

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      const before = prepared(scenario.manifest, scenario.readySeconds);
      const edit = editOf(scenario);
      const workload = simulatedWorkload(edit);
      const replicas = workload.kind === 'DaemonSet' ? NODES : workload.replicas;
      const partition = workload.kind === 'StatefulSet' ? Math.min(workload.updateStrategy.partition, replicas) : 0;
      const namespace = await cluster.plane.namespace('rollout');
      const started = Date.now();
      const recorded = await recordRollout(cluster, {
        namespace,
        kind: workload.kind,
        name: workload.name,
        before,
        after: edit,
        expectedEnd: { oldCount: partition, newCount: replicas - partition },
      });
      const podEvents: PodEvent[] = [];
      const timeline = simulateRollout(workload, { podStartSeconds: scenario.readySeconds, nodes: NODES, onPodEvent: (e) => podEvents.push(e) });
      // The StatefulSet controller's own deletions (its SuccessfulDelete events), to tell them from kwok's.
      const events = (await cluster.plane.api('GET', `/api/v1/namespaces/${namespace}/events`)).body as {
        items: { reason: string; message: string; count?: number; series?: { count: number } }[];
      };
      const controllerDeletes = events.items
        .filter((e) => e.reason === 'SuccessfulDelete' && / in StatefulSet /.test(e.message))
        .reduce((n, e) => n + (e.series?.count ?? e.count ?? 1), 0);
      const row = compare(scenario, workload, realFigures(recorded), simulatedFigures(workload, timeline, podEvents), recorded, podTimes(podEvents), controllerDeletes);
      rows.push(row);
      console.log(
        `${scenario.name} (${((Date.now() - started) / 1000).toFixed(1)} s): real ${row.real.steps.map(fmt).join(' ')} in ${row.real.durationSeconds} s (peak ${row.real.peak}, min available ${row.real.minAvailable}); simulated ${row.simulated.steps.map(fmt).join(' ')} in ${row.simulated.durationSeconds} s (peak ${row.simulated.peak}, min available ${row.simulated.minAvailable})${row.agree ? '' : ` — ${row.differences.join(', ')}: ${row.cause || row.unnamed.join('; ')}`}`,
      );
      if (recorded.kind === 'Deployment')
        console.log(
          `  real ReplicaSet states: ${recorded.steps.map((s) => `${s.t}ms(${s.newReplicas},${s.oldReplicas} | ${s.newAvailable}+${s.oldAvailable})`).join(' ')}`,
        );
      if (row.unnamed.length) {
        // What the controllers said they did, for finding the cause.
        const events = (await cluster.plane.api('GET', `/api/v1/namespaces/${namespace}/events`)).body as {
          items: { lastTimestamp?: string; eventTime?: string; reason: string; message: string }[];
        };
        console.log(`  events in ${namespace}:\n${events.items.map((e) => `    ${e.eventTime ?? e.lastTimestamp} ${e.reason}: ${e.message}`).join('\n')}`);
      }
      assert.deepEqual(row.unnamed, [], `${scenario.name}: differences without a named cause`);
    });
  }

  it('the agreement table', () => {
    assert.equal(rows.length, SCENARIOS.length, 'every scenario ran');
    const table = tableOf(rows, cluster.plane.version);
    console.log(table);
    if (UPDATE && rows.every((r) => r.unnamed.length === 0)) writeFileSync(TABLE_FILE, table);
    else if (!UPDATE) {
      assert.ok(existsSync(TABLE_FILE), `${TABLE_FILE} is missing: run with UPDATE_ROLLOUT_AGREEMENT_TABLE=1`);
      assert.deepEqual(
        stableView(table),
        stableView(readFileSync(TABLE_FILE, 'utf8')),
        'the agreement table changed: check the differences, then regenerate with UPDATE_ROLLOUT_AGREEMENT_TABLE=1',
      );
    }
  });
});
