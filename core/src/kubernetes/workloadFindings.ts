/**
 * Findings about the pods a workload runs: the rollout a template edit starts (or the downtime
 * of `Recreate`), floating image tags, missing readiness probes under a rolling update, and
 * state kept inside the pods that a rollout replaces. Pure: objects in, findings out.
 */
import type { Finding } from '../../../common/src/findings';
import { floatingImageMessage, floatingReason, isPlaceholderImage } from './imageReference';
import { rangeOfPath, type FieldPath, type ManifestObject, type ParsedManifest } from './manifestParser';
import { estimateRollingUpdate, formatDuration, readyAfterSeconds, resolveFenceposts, scaledValue, DEFAULT_ROLLING_VALUE, type IntOrPercent } from './rolloutEstimate';
import { changedPaths, formatPath, isPlainObject, shortValue, valueAt } from './valueDiff';

export interface WorkloadContext {
  file: string;
  manifest: ParsedManifest;
  object: ManifestObject;
  /** The deployed version, when there is one. */
  baseline?: ManifestObject;
  /** `Deployment.apps/default/web`. */
  address: string;
  name: string;
}

/** Where each kind keeps its pod template (a Pod is its own). */
const POD_TEMPLATE_PATH: Record<string, FieldPath> = {
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

const ROLLOUT_SOURCE = 'kubernetes/kubernetes pkg/controller/deployment/rolling.go, util/deployment_util.go (ResolveFenceposts, NewRSNewReplicas)';

export function workloadFindings(ctx: WorkloadContext): Finding[] {
  const { object } = ctx;
  const podSpecPath: FieldPath | undefined = object.kind === 'Pod' ? ['spec'] : POD_TEMPLATE_PATH[object.kind] && [...POD_TEMPLATE_PATH[object.kind], 'spec'];
  if (!podSpecPath) return [];
  const podSpec = valueAt(object.value, podSpecPath);
  const findings: Finding[] = [];
  if (isPlainObject(podSpec)) {
    findings.push(...imageFindings(ctx, podSpec, podSpecPath));
    findings.push(...readinessFindings(ctx, podSpec, podSpecPath));
    findings.push(...localStateFindings(ctx, podSpec, podSpecPath));
  }
  if (ctx.baseline) findings.push(...templateChangeFindings(ctx, ctx.baseline));
  return findings;
}

function base(ctx: WorkloadContext, path: FieldPath): Pick<Finding, 'file' | 'range' | 'kind' | 'name' | 'address' | 'path'> {
  return { file: ctx.file, range: rangeOfPath(ctx.manifest, ctx.object, path), kind: ctx.object.kind, name: ctx.name, address: ctx.address, path: formatPath(path) };
}

function containersOf(podSpec: Record<string, unknown>, list: 'containers' | 'initContainers'): Array<{ container: Record<string, unknown>; index: number }> {
  const items = podSpec[list];
  if (!Array.isArray(items)) return [];
  return items.flatMap((container, index) => (isPlainObject(container) ? [{ container, index }] : []));
}

function imageFindings(ctx: WorkloadContext, podSpec: Record<string, unknown>, podSpecPath: FieldPath): Finding[] {
  const findings: Finding[] = [];
  for (const list of ['initContainers', 'containers'] as const) {
    for (const { container, index } of containersOf(podSpec, list)) {
      const image = container.image;
      if (typeof image !== 'string' || isPlaceholderImage(image)) continue;
      const reason = floatingReason(image);
      if (!reason) continue;
      const path = [...podSpecPath, list, index, 'image'];
      findings.push({
        ...base(ctx, path),
        severity: 'warning',
        code: 'kubernetes/mutable-image-tag',
        message: floatingImageMessage(image, reason, String(container.name ?? index)),
        after: image,
        detail:
          'An image, once built and tagged, should never change. `latest` (which no tag means), channel names such as `stable` and `-SNAPSHOT` tags ' +
          'are re-pointed by their publisher; a version line without a patch number, such as `1.23` or `16`, is re-pointed by some publishers and never by others. ' +
          'Where a tag is re-pointed, a rollback, a restart or a new node can pull different code. A digest pins the exact image.',
        ruleSource: 'Immutable Infra: floating image tags (see imageReference.ts)',
      });
    }
  }
  return findings;
}

/** The update strategy a workload rolls with, or undefined when a template edit replaces no pods by itself. */
function rollingStrategy(object: ManifestObject): 'RollingUpdate' | 'Recreate' | undefined {
  const spec = isPlainObject(object.value.spec) ? object.value.spec : {};
  if (object.kind === 'Deployment') return valueAt(spec, ['strategy', 'type']) === 'Recreate' ? 'Recreate' : 'RollingUpdate';
  if (object.kind === 'StatefulSet' || object.kind === 'DaemonSet') return valueAt(spec, ['updateStrategy', 'type']) === 'OnDelete' ? undefined : 'RollingUpdate';
  return undefined;
}

function readinessFindings(ctx: WorkloadContext, podSpec: Record<string, unknown>, podSpecPath: FieldPath): Finding[] {
  if (rollingStrategy(ctx.object) !== 'RollingUpdate') return [];
  const containers = containersOf(podSpec, 'containers');
  if (containers.length === 0 || containers.some(({ container }) => isPlainObject(container.readinessProbe))) return [];
  const first = containers[0];
  return [
    {
      ...base(ctx, [...podSpecPath, 'containers', first.index]),
      severity: 'warning',
      code: 'kubernetes/no-readiness-probe',
      message:
        `No container of ${ctx.object.kind} \`${ctx.name}\` has a readinessProbe: a new pod counts as available as soon as it starts, ` +
        'so the rolling update removes old pods before the new ones can serve, and cannot protect availability. Add a readinessProbe.',
      detail:
        'A pod is Ready when all its containers are; a container without a readiness probe is ready once started. The rollout only waits for ' +
        '*available* pods (Ready for minReadySeconds), so without a probe it proceeds at full speed even when the new version is broken.',
      ruleSource: 'kubernetes/kubernetes pkg/api/v1/pod IsPodAvailable; pkg/controller/deployment/rolling.go',
    },
  ];
}

function localStateFindings(ctx: WorkloadContext, podSpec: Record<string, unknown>, podSpecPath: FieldPath): Finding[] {
  if (ctx.object.kind !== 'Deployment' || !Array.isArray(podSpec.volumes)) return [];
  const findings: Finding[] = [];
  podSpec.volumes.forEach((volume, index) => {
    if (!isPlainObject(volume)) return;
    const type = volume.emptyDir !== undefined ? 'emptyDir' : volume.hostPath !== undefined ? 'hostPath' : undefined;
    if (!type) return;
    const what = type === 'emptyDir' ? 'an emptyDir' : 'a hostPath';
    const where = type === 'emptyDir' ? 'is deleted with its pod' : 'stays on its node, and the replacement pod may land on another';
    findings.push({
      ...base(ctx, [...podSpecPath, 'volumes', index, type]),
      severity: 'information',
      code: 'kubernetes/local-state',
      message:
        `Volume \`${String(volume.name ?? index)}\` of Deployment \`${ctx.name}\` is ${what}, which ${where}: every rollout replaces the pods, ` +
        'so keep state that must survive outside them (a PersistentVolumeClaim, or a managed database or object store).',
      detail: 'Immutable infrastructure replaces rather than patches: whatever lives inside a replaced pod is gone after the next rollout, restart or eviction.',
      ruleSource: 'Immutable Infra: state outside what gets replaced',
    });
  });
  return findings;
}

function templateChangeFindings(ctx: WorkloadContext, baseline: ManifestObject): Finding[] {
  const templatePath = POD_TEMPLATE_PATH[ctx.object.kind];
  const strategy = rollingStrategy(ctx.object);
  if (!templatePath || !strategy) return [];
  const changed = changedPaths(valueAt(baseline.value, templatePath), valueAt(ctx.object.value, templatePath), templatePath);
  if (changed.length === 0) return [];
  const at = changed[0];
  const more = changed.length > 1 ? ` (and ${changed.length - 1} more field${changed.length === 2 ? '' : 's'})` : '';
  const spec = isPlainObject(ctx.object.value.spec) ? ctx.object.value.spec : {};
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const readyAfter = readyAfterSeconds(valueAt(ctx.object.value, [...templatePath, 'spec']) as Record<string, unknown> | undefined, spec.minReadySeconds);
  const common = {
    ...base(ctx, at),
    // The object's `kind:` line, where a code lens announces the rollout.
    blockRange: rangeOfPath(ctx.manifest, ctx.object, []),
    before: shortValue(valueAt(baseline.value, at)),
    after: shortValue(valueAt(ctx.object.value, at)),
  };
  const changedField = `\`${formatPath(at)}\`${more}`;
  const assumption = `Assumes every pod becomes available about ${readyAfter} s after it is created (the readiness probe's delay and period plus minReadySeconds, or 15 s without a probe).`;
  if (strategy === 'Recreate') {
    return [
      {
        ...common,
        severity: 'warning',
        code: 'kubernetes/recreate-downtime',
        message:
          `Changing ${changedField} replaces the pods of Deployment \`${ctx.name}\` with strategy Recreate: all ${replicas} pod${replicas === 1 ? '' : 's'} ` +
          `stop before any new one starts, so it is down for ${formatDuration(readyAfter)} or longer. Use RollingUpdate unless two versions must never run together.`,
        detail: `The Recreate strategy scales the old ReplicaSet to 0 and waits for its pods to terminate before it creates the new ones. ${assumption}`,
        ruleSource: 'kubernetes/kubernetes pkg/controller/deployment/recreate.go',
      },
    ];
  }
  if (ctx.object.kind === 'Deployment') return [deploymentRollout(ctx, common, changedField, spec, replicas, readyAfter, assumption)];
  if (ctx.object.kind === 'StatefulSet') {
    const partition = valueAt(spec, ['updateStrategy', 'rollingUpdate', 'partition']);
    const replaced = Math.max(0, replicas - (typeof partition === 'number' ? partition : 0));
    return [
      {
        ...common,
        severity: 'information',
        code: 'kubernetes/rolling-update',
        message:
          `Changing ${changedField} starts a rolling update of StatefulSet \`${ctx.name}\`: ${replaced} pod${replaced === 1 ? '' : 's'} replaced one at a time, ` +
          `highest ordinal first, at most ${replicas} running and at least ${Math.max(0, replicas - 1)} available at once, ${formatDuration(replaced * readyAfter)}.`,
        detail: `A StatefulSet deletes each pod and waits for its replacement to be Running and Ready before the next one${typeof partition === 'number' ? `; pods with an ordinal below the partition (${partition}) keep the old template` : ''}. ${assumption}`,
        ruleSource: 'kubernetes/kubernetes pkg/controller/statefulset/stateful_set_control.go',
      },
    ];
  }
  // DaemonSet: one pod per node; the node count is not in the manifest.
  const maxUnavailable = valueAt(spec, ['updateStrategy', 'rollingUpdate', 'maxUnavailable']) ?? 1;
  const maxSurge = valueAt(spec, ['updateStrategy', 'rollingUpdate', 'maxSurge']) ?? 0;
  return [
    {
      ...common,
      severity: 'information',
      code: 'kubernetes/rolling-update',
      message:
        `Changing ${changedField} starts a rolling update of DaemonSet \`${ctx.name}\`: the pod on every node is replaced, ` +
        `at most ${String(maxUnavailable)} node${maxUnavailable === 1 ? '' : 's'} without a ready pod at a time (maxSurge ${String(maxSurge)}), about ${readyAfter} s per step.`,
      detail: `How long it takes depends on the number of nodes, which the manifest doesn't say. ${assumption}`,
      ruleSource: 'kubernetes/kubernetes pkg/controller/daemon/update.go',
    },
  ];
}

function deploymentRollout(
  ctx: WorkloadContext,
  common: Omit<Finding, 'severity' | 'code' | 'message'>,
  changedField: string,
  spec: Record<string, unknown>,
  replicas: number,
  readyAfter: number,
  assumption: string,
): Finding {
  const rawSurge = valueAt(spec, ['strategy', 'rollingUpdate', 'maxSurge']) as IntOrPercent | undefined;
  const rawUnavailable = valueAt(spec, ['strategy', 'rollingUpdate', 'maxUnavailable']) as IntOrPercent | undefined;
  const fenceposts = resolveFenceposts(replicas, rawSurge, rawUnavailable);
  const finding = { ...common, severity: 'information' as const, code: 'kubernetes/rolling-update' as const, ruleSource: ROLLOUT_SOURCE };
  if (!fenceposts) {
    return {
      ...finding,
      message: `Changing ${changedField} starts a rolling update of Deployment \`${ctx.name}\`, but maxSurge/maxUnavailable are not integers or percentages, so the API server will reject the Deployment.`,
    };
  }
  const estimate = estimateRollingUpdate(replicas, fenceposts, readyAfter);
  const show = (raw: IntOrPercent | undefined, resolved: number, roundUp: boolean) => {
    const value = raw ?? DEFAULT_ROLLING_VALUE;
    return typeof value === 'string' && scaledValue(value, replicas, roundUp) !== undefined ? `${value} → ${resolved}` : String(resolved);
  };
  const surgeText = show(rawSurge, fenceposts.maxSurge, true);
  // The 0/0 → 1 adjustment is the controller's, not rounding: say so.
  const unavailableRounded = scaledValue(rawUnavailable ?? DEFAULT_ROLLING_VALUE, replicas, false);
  const unavailableText =
    unavailableRounded === 0 && fenceposts.maxUnavailable === 1
      ? `${rawUnavailable ?? DEFAULT_ROLLING_VALUE} → 0, raised to 1 because maxSurge is also 0`
      : show(rawUnavailable, fenceposts.maxUnavailable, false);
  const message =
    `Changing ${changedField} starts a rolling update of Deployment \`${ctx.name}\`: ${replicas} pod${replicas === 1 ? '' : 's'} replaced, ` +
    `at most ${estimate.peakPods} running and at least ${estimate.minAvailable} available at once ` +
    `(maxSurge ${surgeText}, maxUnavailable ${unavailableText}), ${formatDuration(estimate.durationSeconds)}.`;
  return {
    ...finding,
    message,
    detail:
      `maxSurge rounds up and maxUnavailable rounds down against ${replicas} replicas; when both come to 0 the controller allows 1 unavailable. ` +
      `The controller creates new pods up to ${replicas + fenceposts.maxSurge} in total, and removes old ones only while at least ${replicas - fenceposts.maxUnavailable} stay available. ` +
      `${estimate.waves} wait${estimate.waves === 1 ? '' : 's'} for new pods to become available. ${assumption}`,
  };
}
