/**
 * Findings about the pods a workload runs: the rollout a template edit starts (or the downtime
 * of `Recreate`), floating image tags, missing readiness probes under a rolling update, and
 * state kept inside the pods that a rollout replaces. Pure: objects in, findings out.
 */
import type { Finding } from '../../../common/src/findings';
import { renderFinding } from '../findingText/ruleText';
import type { TemplateChange } from '../findingText/kubernetesText';
import { floatingReason, isPlaceholderImage } from './imageReference';
import { rangeOfPath, type FieldPath, type ManifestObject, type ParsedManifest } from './manifestParser';
import { estimateRollingUpdate, readyAfterSeconds, resolveFenceposts, type IntOrPercent } from './rolloutEstimate';
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
      const { message, detail } = renderFinding('kubernetes/mutable-image-tag', { image, reason, container: String(container.name ?? index) });
      findings.push({
        ...base(ctx, path),
        severity: 'warning',
        code: 'kubernetes/mutable-image-tag',
        message,
        after: image,
        detail,
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
  const { message, detail } = renderFinding('kubernetes/no-readiness-probe', { kind: ctx.object.kind, name: ctx.name });
  return [
    {
      ...base(ctx, [...podSpecPath, 'containers', first.index]),
      severity: 'warning',
      code: 'kubernetes/no-readiness-probe',
      message,
      detail,
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
    const { message, detail } = renderFinding('kubernetes/local-state', { volume: String(volume.name ?? index), name: ctx.name, type });
    findings.push({
      ...base(ctx, [...podSpecPath, 'volumes', index, type]),
      severity: 'information',
      code: 'kubernetes/local-state',
      message,
      detail,
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
  const change: TemplateChange = { field: formatPath(at), otherFields: changed.length - 1, name: ctx.name, readyAfter };
  if (strategy === 'Recreate') {
    const { message, detail } = renderFinding('kubernetes/recreate-downtime', { ...change, replicas });
    return [
      {
        ...common,
        severity: 'warning',
        code: 'kubernetes/recreate-downtime',
        message,
        detail,
        ruleSource: 'kubernetes/kubernetes pkg/controller/deployment/recreate.go',
      },
    ];
  }
  if (ctx.object.kind === 'Deployment') return [deploymentRollout(common, change, spec, replicas)];
  if (ctx.object.kind === 'StatefulSet') {
    const partition = valueAt(spec, ['updateStrategy', 'rollingUpdate', 'partition']);
    const replaced = Math.max(0, replicas - (typeof partition === 'number' ? partition : 0));
    const { message, detail } = renderFinding('kubernetes/rolling-update', {
      ...change,
      workload: 'StatefulSet',
      replicas,
      replaced,
      ...(typeof partition === 'number' ? { partition } : {}),
    });
    return [
      {
        ...common,
        severity: 'information',
        code: 'kubernetes/rolling-update',
        message,
        detail,
        ruleSource: 'kubernetes/kubernetes pkg/controller/statefulset/stateful_set_control.go',
      },
    ];
  }
  // DaemonSet: one pod per node; the node count is not in the manifest.
  const maxUnavailable = valueAt(spec, ['updateStrategy', 'rollingUpdate', 'maxUnavailable']) ?? 1;
  const maxSurge = valueAt(spec, ['updateStrategy', 'rollingUpdate', 'maxSurge']) ?? 0;
  const { message, detail } = renderFinding('kubernetes/rolling-update', { ...change, workload: 'DaemonSet', maxUnavailable, maxSurge });
  return [
    { ...common, severity: 'information', code: 'kubernetes/rolling-update', message, detail, ruleSource: 'kubernetes/kubernetes pkg/controller/daemon/update.go' },
  ];
}

function deploymentRollout(common: Omit<Finding, 'severity' | 'code' | 'message'>, change: TemplateChange, spec: Record<string, unknown>, replicas: number): Finding {
  const rawSurge = valueAt(spec, ['strategy', 'rollingUpdate', 'maxSurge']) as IntOrPercent | undefined;
  const rawUnavailable = valueAt(spec, ['strategy', 'rollingUpdate', 'maxUnavailable']) as IntOrPercent | undefined;
  const fenceposts = resolveFenceposts(replicas, rawSurge, rawUnavailable);
  const finding = { ...common, severity: 'information' as const, code: 'kubernetes/rolling-update' as const, ruleSource: ROLLOUT_SOURCE };
  if (!fenceposts) return { ...finding, message: renderFinding('kubernetes/rolling-update', { ...change, workload: 'Deployment', fenceposts: undefined }).message };
  const estimate = estimateRollingUpdate(replicas, fenceposts, change.readyAfter);
  const { message, detail } = renderFinding('kubernetes/rolling-update', {
    ...change,
    workload: 'Deployment',
    replicas,
    ...(rawSurge !== undefined ? { maxSurge: rawSurge } : {}),
    ...(rawUnavailable !== undefined ? { maxUnavailable: rawUnavailable } : {}),
    fenceposts,
    estimate,
  });
  return { ...finding, message, detail };
}
