/** The one entry point: a workload from a manifest in, its rollout timeline out. Pure. */
import type { RolloutTimeline, RolloutWorkload } from '../../../common/src/rollout';
import { simulateDaemonSetRollout } from './daemonSetRollout';
import { simulateDeploymentRollout, type RolloutSimulationOptions } from './deploymentRollout';
import { simulateStatefulSetRollout } from './statefulSetRollout';

export type { RolloutSimulationOptions } from './deploymentRollout';

export function simulateRollout(workload: RolloutWorkload, options: RolloutSimulationOptions = {}): RolloutTimeline {
  switch (workload.kind) {
    case 'Deployment':
      return simulateDeploymentRollout(workload, options);
    case 'StatefulSet':
      return simulateStatefulSetRollout(workload, options);
    case 'DaemonSet':
      return simulateDaemonSetRollout(workload, options);
  }
}
