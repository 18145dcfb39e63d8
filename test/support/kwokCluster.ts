/**
 * A cluster that runs workloads, on top of the loopback control plane (controlPlane.ts):
 * kube-controller-manager (the Deployment, ReplicaSet, StatefulSet and DaemonSet controllers),
 * kube-scheduler, and kwok playing the kubelet of N fake Nodes. Every process is registered with
 * serverProcesses.ts, so a failing test leaves none behind.
 *
 * kwok's own stages give pods random delays; these are deterministic instead:
 * - a scheduled pod turns Running and Ready (Initialized, Ready and ContainersReady true, a
 *   startTime and running container statuses: what the controllers read) exactly
 *   `POD_READY_DELAY_ANNOTATION` after kwok sees it bound (default DEFAULT_POD_READY_DELAY);
 * - a deleted pod loses its finalizers and goes at once (no kubelet runs out a grace period);
 * - a Node becomes Ready at once with the allocatable it was created with.
 * No node-lifecycle controller runs, so the `node.kubernetes.io/not-ready:NoSchedule` taint the API
 * server puts on a new Node is removed here.
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'yaml';
import { KUBE_CONTROLLER_MANAGER, KUBE_SCHEDULER, KWOK, pause, startControlPlane, type ControlPlane } from './controlPlane';
import { register, serverEnv, signalGroup, startAndWaitFor, stopGroup, unregister, type Disposable } from './serverProcesses';

/** The pod annotation the kwok stage reads: a Go duration (`1500ms`, `2s`) from binding to Ready. */
export const POD_READY_DELAY_ANNOTATION = 'rollout.immutable-infra.test/ready-after';
export const DEFAULT_POD_READY_DELAY = '1s';

export interface KwokClusterOptions {
  /** Fake nodes to create (default 1), named `kwok-node-1` … */
  nodes?: number;
}

export interface KwokCluster {
  readonly plane: ControlPlane;
  readonly nodeNames: readonly string[];
  /** Milliseconds from the call until etcd, the API server, both controllers' processes and kwok ran and every Node was Ready and untainted. */
  readonly startMs: number;
  /** The same split: the control plane (etcd + API server) alone. */
  readonly controlPlaneStartMs: number;
  /** The end of each process's output, for a failing test's report. */
  output(): string;
  dispose(): Promise<void>;
}

/** kwok's Stage objects (kwok.x-k8s.io/v1alpha1), deterministic. */
export function deterministicStages(): object[] {
  const stage = (name: string, kind: string, spec: object) => ({
    apiVersion: 'kwok.x-k8s.io/v1alpha1',
    kind: 'Stage',
    metadata: { name },
    spec: { resourceRef: { apiGroup: 'v1', kind }, ...spec },
  });
  return [
    stage('node-ready', 'Node', {
      selector: { matchExpressions: [{ key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'NotIn', values: ['True'] }] },
      next: {
        statusTemplate: [
          '{{ $now := Now }}',
          'conditions:',
          '- type: Ready',
          '  status: "True"',
          '  reason: KubeletReady',
          '  message: kwok plays the kubelet',
          '  lastHeartbeatTime: {{ $now | Quote }}',
          '  lastTransitionTime: {{ $now | Quote }}',
          'addresses:',
          '{{ with NodeIP }}',
          '- address: {{ . | Quote }}',
          '  type: InternalIP',
          '{{ end }}',
          'allocatable:',
          '{{ YAML .status.allocatable 1 }}',
          'capacity:',
          '{{ YAML .status.capacity 1 }}',
          'nodeInfo:',
          '  architecture: amd64',
          '  operatingSystem: linux',
          '  kubeletVersion: fake',
          'phase: Running',
        ].join('\n'),
      },
    }),
    stage('pod-ready', 'Pod', {
      selector: {
        matchExpressions: [
          { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
          { key: '.spec.nodeName', operator: 'Exists' },
          { key: '.status.conditions.[] | select( .type == "Ready" ) | .status', operator: 'NotIn', values: ['True'] },
        ],
      },
      delay: {
        durationMilliseconds: 1000,
        durationFrom: { expressionFrom: `.metadata.annotations["${POD_READY_DELAY_ANNOTATION}"]` },
      },
      next: {
        statusTemplate: [
          '{{ $now := Now }}',
          'conditions:',
          '- {type: PodScheduled, status: "True", lastTransitionTime: {{ $now | Quote }}}',
          '- {type: Initialized, status: "True", lastTransitionTime: {{ $now | Quote }}}',
          '- {type: ContainersReady, status: "True", lastTransitionTime: {{ $now | Quote }}}',
          '- {type: Ready, status: "True", lastTransitionTime: {{ $now | Quote }}}',
          'containerStatuses:',
          '{{ range .spec.containers }}',
          '- name: {{ .name | Quote }}',
          '  image: {{ .image | Quote }}',
          '  imageID: {{ printf "kwok://%s" .image | Quote }}',
          '  ready: true',
          '  started: true',
          '  restartCount: 0',
          '  state:',
          '    running:',
          '      startedAt: {{ $now | Quote }}',
          '{{ end }}',
          '{{ with NodeIPWith .spec.nodeName }}',
          'hostIP: {{ . | Quote }}',
          '{{ end }}',
          '{{ with PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) ( or .metadata.uid "" ) ( or .metadata.name "" ) ( or .metadata.namespace "" ) }}',
          'podIP: {{ . | Quote }}',
          '{{ end }}',
          'phase: Running',
          'startTime: {{ $now | Quote }}',
        ].join('\n'),
      },
    }),
    stage('pod-delete', 'Pod', {
      selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }] },
      next: { finalizers: { empty: true }, delete: true },
    }),
  ];
}

interface Started {
  name: string;
  child: ChildProcess;
  output: () => string;
}

export async function startKwokCluster(options: KwokClusterOptions = {}): Promise<KwokCluster> {
  const t0 = Date.now();
  const plane = await startControlPlane();
  const controlPlaneStartMs = Date.now() - t0;
  const started: Started[] = [];
  const stopAll = async () => {
    for (const s of [...started].reverse()) await stopGroup(s.child, 'SIGTERM');
  };
  const cluster: KwokCluster & Disposable = {
    plane,
    nodeNames: [],
    startMs: 0,
    controlPlaneStartMs,
    output: () => started.map((s) => `--- ${s.name}\n${s.output().slice(-8000)}`).join('\n'),
    async dispose() {
      unregister(cluster);
      await stopAll();
      await plane.dispose();
    },
    killNow() {
      for (const s of started) signalGroup(s.child.pid, 'SIGKILL');
      planeHandle.killNow();
    },
  };
  // The cluster owns the control plane from here: its processes stop first, then the API server and etcd.
  const planeHandle = plane as ControlPlane & Disposable;
  unregister(planeHandle);
  register(cluster);
  try {
    const env = serverEnv({ HOME: path.join(plane.dir, 'home') });
    const launch = async (name: string, command: string, args: string[], ready: RegExp) => {
      const s = await startAndWaitFor(command, args, { cwd: plane.dir, env }, ready, name);
      started.push({ name, child: s.child, output: s.output });
    };
    const stagesFile = path.join(plane.dir, 'kwok-stages.yaml');
    writeFileSync(
      stagesFile,
      deterministicStages()
        .map((s) => stringify(s))
        .join('---\n'),
    );
    // The three start side by side: none needs another to come up.
    await Promise.all([
      launch(
        'kube-controller-manager',
        KUBE_CONTROLLER_MANAGER,
        [
          `--kubeconfig=${plane.kubeconfig}`,
          '--controllers=deployment-controller,replicaset-controller,statefulset-controller,daemonset-controller',
          '--leader-elect=false',
          '--secure-port=0',
          '--v=0',
        ],
        // One informer sync per controller started: the four are watching.
        /(Caches are synced[\s\S]*){4}/,
      ),
      launch('kube-scheduler', KUBE_SCHEDULER, [`--kubeconfig=${plane.kubeconfig}`, '--leader-elect=false', '--secure-port=0', '--v=0'], /Starting Kubernetes Scheduler/),
      launch('kwok', KWOK, [`--kubeconfig=${plane.kubeconfig}`, '--manage-all-nodes=true', `--config=${stagesFile}`], /Watch all nodes/),
    ]);
    const nodeNames = Array.from({ length: options.nodes ?? 1 }, (_, i) => `kwok-node-${i + 1}`);
    for (const name of nodeNames) {
      const resources = { cpu: '32', memory: '256Gi', pods: '110' };
      const created = await plane.api('POST', '/api/v1/nodes', {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', type: 'kwok' }, annotations: { 'kwok.x-k8s.io/node': 'fake' } },
        status: { allocatable: resources, capacity: resources },
      });
      if (created.status !== 201) throw new Error(`could not create Node ${name}: HTTP ${created.status} ${created.text}`);
    }
    await untilNodesSchedulable(plane, nodeNames);
    Object.assign(cluster, { nodeNames, startMs: Date.now() - t0 });
    return cluster;
  } catch (error) {
    const output = cluster.output();
    await cluster.dispose().catch(() => undefined);
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${output}`);
  }
}

interface NodeObject {
  metadata: { name: string };
  spec?: { taints?: { key: string; effect: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

const NOT_READY_TAINT = 'node.kubernetes.io/not-ready';
const NODES_READY_TIMEOUT_MS = 30_000;

/** Waits until every Node is Ready (kwok's stage) and has no not-ready taint (removed here: no node-lifecycle controller does it). */
async function untilNodesSchedulable(plane: ControlPlane, names: readonly string[]): Promise<void> {
  const deadline = Date.now() + NODES_READY_TIMEOUT_MS;
  for (;;) {
    const pending: string[] = [];
    for (const name of names) {
      const { body } = await plane.api('GET', `/api/v1/nodes/${name}`);
      const node = body as NodeObject;
      const taints = node.spec?.taints ?? [];
      if (taints.some((t) => t.key === NOT_READY_TAINT)) {
        const patched = await plane.api('PATCH', `/api/v1/nodes/${name}`, { spec: { taints: taints.filter((t) => t.key !== NOT_READY_TAINT) } });
        if (patched.status !== 200) throw new Error(`could not remove the ${NOT_READY_TAINT} taint of ${name}: HTTP ${patched.status} ${patched.text}`);
      }
      const ready = node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
      if (!ready || taints.some((t) => t.key === NOT_READY_TAINT)) pending.push(name);
    }
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`Nodes not Ready and untainted within ${NODES_READY_TIMEOUT_MS} ms: ${pending.join(', ')}`);
    await pause(100);
  }
}
