/**
 * How long a pod takes from creation to Ready, from its template: an assumed image-pull-and-start
 * time (no manifest says it), then the kubelet's readiness probing. Pure.
 */
import type { PodTemplateTiming, ReadinessProbeTiming } from '../../../common/src/rollout';

/** The API server's probe defaults (core/v1 SetDefaults_Probe). */
export const PROBE_DEFAULTS: ReadinessProbeTiming = { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1 };

export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;

/**
 * Seconds from container start until the Ready condition turns true, for an application that
 * answers its probe as soon as it runs: the first probe runs after initialDelaySeconds and every
 * periodSeconds after that; Ready needs successThreshold consecutive successes. Without a
 * readiness probe the kubelet reports Ready once the containers run.
 */
export function readinessDelaySeconds(probe: ReadinessProbeTiming | undefined): number {
  if (!probe) return 0;
  return probe.initialDelaySeconds + (Math.max(1, probe.successThreshold) - 1) * probe.periodSeconds;
}

/** The durations of one pod's life, in whole milliseconds (the simulator's clock). */
export interface PodDurations {
  startMs: number;
  readinessMs: number;
  minReadyMs: number;
  terminationMs: number;
}

export const toMs = (seconds: number) => Math.round(seconds * 1000);
export const toSeconds = (ms: number) => ms / 1000;

export function podDurations(pod: PodTemplateTiming, minReadySeconds: number, podStartSeconds: number): PodDurations {
  return {
    startMs: toMs(podStartSeconds),
    readinessMs: toMs(readinessDelaySeconds(pod.readinessProbe)),
    minReadyMs: toMs(minReadySeconds),
    terminationMs: toMs(pod.terminationGracePeriodSeconds),
  };
}
