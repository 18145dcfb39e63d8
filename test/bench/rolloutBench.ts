/**
 * Benchmark of the rollout simulator against its target, so that the timeline opens without a
 * wait: a 1,000-replica Deployment timeline ≤ 50 ms. Baseline, measured in the same run:
 * building the same number of plain pod objects as the timeline has lanes (2,000: 1,000 old,
 * 1,000 new), shaped like the `kubectl get pods -o json` items the timeline stands for — the
 * least any timeline of that size costs to hold in memory.
 */
import { performance } from 'node:perf_hooks';
import type { DeploymentWorkload } from '../../common/src/rollout';
import { simulateRollout } from '../../core/src/rollout/simulateRollout';
import type { BenchFigure } from './terraformBench';

const REPLICAS = 1000;
const RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function timeMedian(run: () => unknown): number {
  run(); // warm-up: JIT and first allocations
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return median(times);
}

export function deploymentOf(replicas: number, maxSurge: number | string, maxUnavailable: number | string): DeploymentWorkload {
  return {
    kind: 'Deployment',
    name: 'bench',
    replicas,
    minReadySeconds: 5,
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } },
    progressDeadlineSeconds: 600,
    pod: { terminationGracePeriodSeconds: 30, readinessProbe: { initialDelaySeconds: 5, periodSeconds: 10, successThreshold: 1 } },
  };
}

/** The baseline: plain pod objects, one per lane of the timeline. */
function buildPlainPods(count: number): unknown[] {
  const pods: unknown[] = [];
  for (let i = 0; i < count; i++) {
    const revision = i < count / 2 ? 'old' : 'new';
    pods.push({
      metadata: { name: `bench-${revision}-${i}`, labels: { app: 'bench', 'pod-template-hash': revision } },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: i }] },
    });
  }
  return pods;
}

export async function rolloutBench(progress: (figure: BenchFigure) => void = () => undefined): Promise<BenchFigure[]> {
  const figures: BenchFigure[] = [];
  const record = (figure: BenchFigure) => {
    figures.push(figure);
    progress(figure);
  };
  const lanes = simulateRollout(deploymentOf(REPLICAS, '25%', '25%')).lanes.length;
  const baseline = timeMedian(() => buildPlainPods(lanes));
  record({ name: `building ${lanes.toLocaleString('en')} plain pod objects (baseline, median of ${RUNS})`, value: baseline, unit: 'ms' });
  const defaults = timeMedian(() => simulateRollout(deploymentOf(REPLICAS, '25%', '25%')));
  record({ name: `1,000-replica Deployment timeline, 25%/25% (median of ${RUNS})`, value: defaults, unit: 'ms', target: 50, ratioToBaseline: defaults / baseline });
  // One pod at a time: 2,000 syncs instead of a handful — the slowest common configuration.
  const oneAtATime = timeMedian(() => simulateRollout(deploymentOf(REPLICAS, 1, 0)));
  record({
    name: `1,000-replica Deployment timeline, maxSurge 1 / maxUnavailable 0 (median of ${RUNS})`,
    value: oneAtATime,
    unit: 'ms',
    ratioToBaseline: oneAtATime / baseline,
  });
  return figures;
}
