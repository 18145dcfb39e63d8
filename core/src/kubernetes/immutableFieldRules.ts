/**
 * Which edits of a deployed object the API server refuses, and the error it answers: the rules of
 * the apps, batch, core and storage validation code of kubernetes/kubernetes
 * (`pkg/apis/{apps,batch,core,storage}/validation/validation.go`, and for the selectors the
 * `ValidateUpdate` of `pkg/registry/apps/{deployment,replicaset,daemonset}/strategy.go`; each rule's
 * `ruleSource` names its function), applied to the manifest as committed (before) and as edited
 * (after). Pure: two plain objects in, violations out.
 *
 * Manifests rarely spell out defaulted fields, so each rule compares after filling the defaults
 * the server would fill for the fields it checks (a StorageClass without `reclaimPolicy` has
 * `Delete`); a field that only the server sets (a Job's generated selector, a Service's allocated
 * clusterIP) is compared only when both versions set it.
 */
import { goLabelSelector, goScalar, goStringSlice, goStruct, kubectlInvalidText, type FieldError } from './apiErrorText';
import type { FieldPath } from './manifestParser';
import { parseQuantity } from './quantity';
import { changedPaths, deepEqual, isPlainObject, valueAt, without } from './valueDiff';

export interface ImmutableViolation {
  code: 'kubernetes/immutable-field' | 'kubernetes/immutable-config-changed';
  severity: 'error' | 'warning';
  /** Where the edit is in the new manifest (the nearest existing ancestor is underlined). */
  at: FieldPath;
  error: FieldError;
  /** One sentence: the rule, for the hover. */
  rule: string;
  /** Where the rule lives upstream. */
  ruleSource: string;
  /** Extra condition worth knowing (a version difference, an exception). */
  note?: string;
  before?: unknown;
  after?: unknown;
}

export interface RuleInput {
  kind: string;
  /** Of the edited manifest: the request's API version decides which checks run. */
  group: string;
  version: string;
  name: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

const SRC = 'kubernetes/kubernetes';
const IMMUTABLE = 'field is immutable';

type Rule = (input: RuleInput) => ImmutableViolation[];

const RULES: Record<string, Rule> = {
  Deployment: selectorRule('pkg/registry/apps/deployment/strategy.go ValidateUpdate'),
  ReplicaSet: selectorRule('pkg/registry/apps/replicaset/strategy.go ValidateUpdate'),
  DaemonSet: selectorRule('pkg/registry/apps/daemonset/strategy.go ValidateUpdate'),
  StatefulSet: statefulSetRule,
  Job: jobRule,
  Pod: podRule,
  Service: serviceRule,
  PersistentVolumeClaim: persistentVolumeClaimRule,
  PersistentVolume: persistentVolumeRule,
  ConfigMap: configMapRule,
  Secret: secretRule,
  StorageClass: storageClassRule,
};

export function immutableFieldViolations(input: RuleInput): ImmutableViolation[] {
  return RULES[input.kind]?.(input) ?? [];
}

/** The whole error line kubectl prints for one violation. */
export function kubectlAnswer(input: Pick<RuleInput, 'kind' | 'name'>, violation: ImmutableViolation): string {
  return kubectlInvalidText(input.kind, input.name, [violation.error]);
}

function spec(object: Record<string, unknown>): Record<string, unknown> {
  return isPlainObject(object.spec) ? object.spec : {};
}

/**
 * Deployment, ReplicaSet, DaemonSet: the selector is fixed by the registry strategy for every
 * version except the deprecated extensions/v1beta1 (and apps/v1beta1 for Deployments), which
 * predate the rule.
 */
function selectorRule(source: string): Rule {
  return ({ kind, group, version, before, after }) => {
    if (group === 'extensions' || (kind === 'Deployment' && group === 'apps' && version === 'v1beta1')) return [];
    const old = spec(before).selector;
    const now = spec(after).selector;
    if (old === undefined || now === undefined || deepEqual(old, now)) return [];
    return [
      {
        code: 'kubernetes/immutable-field',
        severity: 'error',
        at: ['spec', 'selector'],
        error: { path: 'spec.selector', type: 'Invalid', value: goLabelSelector(now), detail: IMMUTABLE },
        rule: `A ${kind}'s \`spec.selector\` cannot change after creation (apps/v1 and apps/v1beta2).`,
        ruleSource: `${SRC} ${source}`,
        before: old,
        after: now,
      },
    ];
  };
}

const STATEFULSET_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];
const STATEFULSET_DEFAULTS: Record<string, unknown> = { podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 10 };
const STATEFULSET_DETAIL =
  "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";

/** One Forbidden error on `spec` for any field outside the allowed list; we name the field. */
function statefulSetRule({ before, after }: RuleInput): ImmutableViolation[] {
  const old = withDefaults(without(spec(before), STATEFULSET_MUTABLE), STATEFULSET_DEFAULTS);
  const now = withDefaults(without(spec(after), STATEFULSET_MUTABLE), STATEFULSET_DEFAULTS);
  const keys = new Set(changedPaths(old, now).map((p) => p[0] as string));
  return [...keys].map((key) => {
    const newerAllow = key === 'revisionHistoryLimit';
    return {
      code: 'kubernetes/immutable-field' as const,
      // Recent API servers (about 1.34 on) allow revisionHistoryLimit: a warning, not a certain failure.
      severity: newerAllow ? ('warning' as const) : ('error' as const),
      at: ['spec', key],
      error: { path: 'spec', type: 'Forbidden' as const, detail: STATEFULSET_DETAIL },
      rule: "A StatefulSet's spec may change only in replicas, ordinals, template, updateStrategy, persistentVolumeClaimRetentionPolicy and minReadySeconds.",
      ruleSource: `${SRC} pkg/apis/apps/validation/validation.go ValidateStatefulSetUpdate`,
      note: newerAllow ? 'Newer API servers (about Kubernetes 1.34 and later) also allow `revisionHistoryLimit`; older ones refuse it.' : undefined,
      before: spec(before)[key],
      after: spec(after)[key],
    };
  });
}

const JOB_ALWAYS_IMMUTABLE = ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'];
const JOB_SOURCE = `${SRC} pkg/apis/batch/validation/validation.go ValidateJobSpecUpdate`;

function jobRule({ before, after }: RuleInput): ImmutableViolation[] {
  const old = spec(before);
  const now = spec(after);
  const out: ImmutableViolation[] = [];
  const violation = (field: string, error: FieldError, rule: string, note?: string): ImmutableViolation => ({
    code: 'kubernetes/immutable-field',
    severity: 'error',
    at: ['spec', field],
    error,
    rule,
    ruleSource: JOB_SOURCE,
    note,
    before: old[field],
    after: now[field],
  });
  // The selector is usually generated (`controller-uid`); a manifest that sets one where the
  // deployed Job had none still differs from the generated one.
  if (now.selector !== undefined && !deepEqual(old.selector, now.selector)) {
    out.push(
      violation(
        'selector',
        { path: 'spec.selector', type: 'Invalid', value: goLabelSelector(now.selector), detail: IMMUTABLE },
        "A Job's `spec.selector` cannot change.",
      ),
    );
  }
  const templateChange = jobTemplateChange(old, now);
  if (templateChange) {
    out.push({
      ...violation(
        'template',
        { path: 'spec.template', type: 'Invalid', value: goStruct('core.PodTemplateSpec'), detail: IMMUTABLE },
        "A Job's pod template cannot change. Only while the Job is suspended and has not started may its node affinity, node selector, tolerations, scheduling gates and template labels and annotations change.",
        old.suspend === true
          ? 'The deployed Job is suspended, so scheduling directives and template labels/annotations may change, but this edit changes more.'
          : undefined,
      ),
      at: ['spec', 'template', ...templateChange],
      before: valueAt(old.template, templateChange),
      after: valueAt(now.template, templateChange),
    });
    out[out.length - 1].ruleSource = `${JOB_SOURCE} (validatePodTemplateUpdate); pkg/registry/batch/job/strategy.go validationOptionsForJob`;
  }
  if (!deepEqual(old.completions, now.completions)) {
    const indexed = now.completionMode === 'Indexed' && old.completionMode === 'Indexed';
    const inTandem = indexed && deepEqual(now.completions, now.parallelism) && deepEqual(old.completions, old.parallelism);
    if (!inTandem) {
      out.push(
        violation(
          'completions',
          {
            path: 'spec.completions',
            type: 'Invalid',
            value: goScalar(now.completions),
            detail: indexed ? 'can only be modified in tandem with spec.parallelism' : IMMUTABLE,
          },
          "A Job's `spec.completions` cannot change, except for an Indexed Job whose completions and parallelism change together and stay equal.",
        ),
      );
    }
  }
  for (const field of JOB_ALWAYS_IMMUTABLE) {
    if (deepEqual(old[field], now[field])) continue;
    const value = typeof now[field] === 'object' && now[field] !== null ? goStruct(`batch.${field[0].toUpperCase()}${field.slice(1)}`) : goScalar(now[field]);
    out.push(violation(field, { path: `spec.${field}`, type: 'Invalid', value, detail: IMMUTABLE }, `A Job's \`spec.${field}\` cannot change.`));
  }
  return out;
}

/** Template fields a suspended, not yet started Job may change (`AllowMutableSchedulingDirectives`). */
const SUSPENDED_JOB_MUTABLE: FieldPath[] = [
  ['metadata', 'labels'],
  ['metadata', 'annotations'],
  ['spec', 'nodeSelector'],
  ['spec', 'tolerations'],
  ['spec', 'schedulingGates'],
  ['spec', 'affinity', 'nodeAffinity'],
];

function jobTemplateChange(old: Record<string, unknown>, now: Record<string, unknown>): FieldPath | undefined {
  let before = old.template;
  let after = now.template;
  if (old.suspend === true) {
    before = withoutPaths(before, SUSPENDED_JOB_MUTABLE);
    after = withoutPaths(after, SUSPENDED_JOB_MUTABLE);
  }
  return changedPaths(before, after, [], 1)[0];
}

const POD_DETAIL =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';
const POD_SOURCE = `${SRC} pkg/apis/core/validation/validation.go ValidatePodUpdate`;

function podRule({ before, after }: RuleInput): ImmutableViolation[] {
  const old = spec(before);
  const now = spec(after);
  const out: ImmutableViolation[] = [];
  const oldDeadline = old.activeDeadlineSeconds;
  const newDeadline = now.activeDeadlineSeconds;
  if (typeof oldDeadline === 'number' && oldDeadline > 0 && (newDeadline === undefined || newDeadline === null)) {
    out.push(
      podViolation(
        ['activeDeadlineSeconds'],
        { path: 'spec.activeDeadlineSeconds', type: 'Invalid', value: 'null', detail: 'must not update from a positive integer to nil value' },
        old,
        now,
      ),
    );
  } else if (typeof oldDeadline === 'number' && typeof newDeadline === 'number' && newDeadline > oldDeadline) {
    out.push(
      podViolation(
        ['activeDeadlineSeconds'],
        { path: 'spec.activeDeadlineSeconds', type: 'Invalid', value: goScalar(newDeadline), detail: 'must be less than or equal to previous value' },
        old,
        now,
      ),
    );
  }
  // Copy what may change from the new spec into the old one; whatever still differs is forbidden.
  const allowed = { ...old };
  for (const list of ['containers', 'initContainers']) {
    const oldList = old[list];
    const newList = now[list];
    if (Array.isArray(oldList) && Array.isArray(newList) && oldList.length === newList.length) {
      allowed[list] = oldList.map((c, i) => (isPlainObject(c) && isPlainObject(newList[i]) ? { ...c, image: newList[i].image } : c));
    }
  }
  allowed.activeDeadlineSeconds = now.activeDeadlineSeconds;
  const oldTolerations = Array.isArray(old.tolerations) ? old.tolerations : [];
  const newTolerations = Array.isArray(now.tolerations) ? now.tolerations : [];
  if (oldTolerations.every((t) => newTolerations.some((n) => deepEqual(t, n)))) allowed.tolerations = now.tolerations;
  if (typeof old.terminationGracePeriodSeconds === 'number' && old.terminationGracePeriodSeconds < 0 && now.terminationGracePeriodSeconds === 1) {
    allowed.terminationGracePeriodSeconds = 1;
  }
  const first = changedPaths(allowed, now, [], 1)[0];
  if (first) out.push(podViolation(first, { path: 'spec', type: 'Forbidden', detail: POD_DETAIL }, old, now));
  return out;
}

function podViolation(at: FieldPath, error: FieldError, old: Record<string, unknown>, now: Record<string, unknown>): ImmutableViolation {
  return {
    code: 'kubernetes/immutable-field',
    severity: 'error',
    at: ['spec', ...at],
    error,
    rule: "A Pod's spec may change only in container images, activeDeadlineSeconds (only down), tolerations (only additions) and a negative terminationGracePeriodSeconds set to 1.",
    ruleSource: POD_SOURCE,
    note: error.type === 'Forbidden' ? 'The server adds a diff of the two specs after this text.' : undefined,
    before: valueAt(old, at),
    after: valueAt(now, at),
  };
}

const SERVICE_SOURCE = `${SRC} pkg/apis/core/validation/validation.go`;

function serviceRule({ before, after }: RuleInput): ImmutableViolation[] {
  const old = spec(before);
  const now = spec(after);
  const out: ImmutableViolation[] = [];
  const externalName = old.type === 'ExternalName' || now.type === 'ExternalName';
  const oldIPs = clusterIPs(old);
  const newIPs = clusterIPs(now);
  const bothHeadless = oldIPs[0] === 'None' && newIPs[0] === 'None';
  if (!externalName && !bothHeadless) {
    // "Only once set": an IP the server allocated (absent from the manifest) is kept, not changed.
    for (let i = 0; i < Math.min(oldIPs.length, newIPs.length); i++) {
      if (oldIPs[i] === newIPs[i]) continue;
      const field = Array.isArray(now.clusterIPs) ? 'clusterIPs' : 'clusterIP';
      out.push({
        code: 'kubernetes/immutable-field',
        severity: 'error',
        at: ['spec', field, ...(field === 'clusterIPs' ? [i] : [])],
        error: { path: `spec.clusterIPs[${i}]`, type: 'Invalid', value: goStringSlice(newIPs), detail: 'may not change once set' },
        rule: "A Service's cluster IPs cannot change once set (not checked for ExternalName Services or between two headless ones).",
        ruleSource: `${SERVICE_SOURCE} validateUpgradeDowngradeClusterIPs`,
        before: oldIPs[i],
        after: newIPs[i],
      });
    }
  }
  const oldFamilies = Array.isArray(old.ipFamilies) ? old.ipFamilies : [];
  const newFamilies = Array.isArray(now.ipFamilies) ? now.ipFamilies : [];
  if (!externalName && oldFamilies.length > 0 && newFamilies.length > 0 && oldFamilies[0] !== newFamilies[0] && !bothHeadless) {
    out.push({
      code: 'kubernetes/immutable-field',
      severity: 'error',
      at: ['spec', 'ipFamilies', 0],
      error: {
        path: 'spec.ipFamilies[0]',
        type: 'Invalid',
        value: `[]core.IPFamily{${newFamilies.map((f) => JSON.stringify(String(f))).join(', ')}}`,
        detail: 'may not change once set',
      },
      rule: "A Service's primary IP family cannot change once set.",
      ruleSource: `${SERVICE_SOURCE} validateUpgradeDowngradeIPFamilies`,
      before: oldFamilies[0],
      after: newFamilies[0],
    });
  }
  if (old.type === 'LoadBalancer' && now.type === 'LoadBalancer' && !deepEqual(old.loadBalancerClass, now.loadBalancerClass)) {
    out.push({
      code: 'kubernetes/immutable-field',
      severity: 'error',
      at: ['spec', 'loadBalancerClass'],
      error: { path: 'spec.loadBalancerClass', type: 'Invalid', value: goScalar(now.loadBalancerClass), detail: 'may not change once set' },
      rule: "A LoadBalancer Service's `loadBalancerClass` cannot change (nor be set or unset) while it stays a LoadBalancer.",
      ruleSource: `${SERVICE_SOURCE} validateLoadBalancerClassField`,
      before: old.loadBalancerClass,
      after: now.loadBalancerClass,
    });
  }
  const needsHealthCheck = (s: Record<string, unknown>) => s.type === 'LoadBalancer' && s.externalTrafficPolicy === 'Local';
  if (
    needsHealthCheck(old) &&
    needsHealthCheck(now) &&
    old.healthCheckNodePort !== undefined &&
    now.healthCheckNodePort !== undefined &&
    old.healthCheckNodePort !== now.healthCheckNodePort
  ) {
    out.push({
      code: 'kubernetes/immutable-field',
      severity: 'error',
      at: ['spec', 'healthCheckNodePort'],
      error: { path: 'spec.healthCheckNodePort', type: 'Forbidden', detail: IMMUTABLE },
      rule: 'A LoadBalancer Service with `externalTrafficPolicy: Local` keeps its `healthCheckNodePort`.',
      ruleSource: `${SERVICE_SOURCE} validateServiceExternalTrafficFieldsUpdate`,
      before: old.healthCheckNodePort,
      after: now.healthCheckNodePort,
    });
  }
  return out;
}

/** The server fills `clusterIPs` from `clusterIP`; an empty string means "allocate one". */
function clusterIPs(s: Record<string, unknown>): string[] {
  if (Array.isArray(s.clusterIPs) && s.clusterIPs.length > 0) return s.clusterIPs.map(String);
  return typeof s.clusterIP === 'string' && s.clusterIP !== '' ? [s.clusterIP] : [];
}

const PVC_SOURCE = `${SRC} pkg/apis/core/validation/validation.go ValidatePersistentVolumeClaimUpdate`;
const PVC_DETAIL = 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';

function persistentVolumeClaimRule({ before, after }: RuleInput): ImmutableViolation[] {
  const old = spec(before);
  const now = spec(after);
  const out: ImmutableViolation[] = [];
  const violation = (at: FieldPath, error: FieldError, rule: string, note?: string): ImmutableViolation => ({
    code: 'kubernetes/immutable-field',
    severity: 'error',
    at: ['spec', ...at],
    error,
    rule,
    ruleSource: PVC_SOURCE,
    note,
    before: valueAt(old, at),
    after: valueAt(now, at),
  });
  const volumeMode = (s: Record<string, unknown>) => s.volumeMode ?? 'Filesystem';
  if (volumeMode(old) !== volumeMode(now)) {
    out.push(
      violation(['volumeMode'], { path: 'volumeMode', type: 'Invalid', value: goScalar(volumeMode(now)), detail: IMMUTABLE }, "A claim's volumeMode cannot change."),
    );
  }
  const oldStorage = parseQuantity(valueAt(old, ['resources', 'requests', 'storage']));
  const newStorage = parseQuantity(valueAt(now, ['resources', 'requests', 'storage']));
  if (oldStorage !== undefined && newStorage !== undefined && newStorage < oldStorage) {
    out.push(
      violation(
        ['resources', 'requests', 'storage'],
        { path: 'spec.resources.requests.storage', type: 'Forbidden', detail: 'field can not be less than previous value' },
        "A claim's storage request may grow (where its StorageClass allows expansion) but never shrink.",
        'With the RecoverVolumeExpansionFailure feature a claim may shrink back after a failed expansion, but never below its current capacity.',
      ),
    );
  }
  if (typeof old.volumeAttributesClassName === 'string' && old.volumeAttributesClassName !== '' && !now.volumeAttributesClassName) {
    out.push(
      violation(
        ['volumeAttributesClassName'],
        {
          path: 'spec.volumeAttributesClassName',
          type: 'Forbidden',
          detail: now.volumeAttributesClassName === '' ? 'update from non-nil value to an empty string is forbidden' : 'update from non-nil value to nil is forbidden',
        },
        "A claim's volumeAttributesClassName may change but not be removed once set.",
      ),
    );
  }
  // Everything else in spec is fixed, except a few one-way settings.
  const strip = (s: Record<string, unknown>) => {
    const copy = without(s, ['volumeMode', 'volumeAttributesClassName']);
    if (isPlainObject(copy.resources)) copy.resources = without(copy.resources, ['requests']);
    if (!old.volumeName) delete copy.volumeName; // binding sets it once
    if (old.storageClassName === undefined) delete copy.storageClassName; // set from nil (migration)
    return copy;
  };
  const rest = strip(old);
  const restNow = strip(now);
  const first = changedPaths(rest, restNow, [], 1)[0];
  if (first) {
    out.push(
      violation(
        first,
        { path: 'spec', type: 'Forbidden', detail: PVC_DETAIL },
        "A claim's spec is fixed once created, except its storage request (growth) and volumeAttributesClassName.",
        'The server adds a diff of the two specs after this text.',
      ),
    );
  }
  return out;
}

/** The volume source fields of a PersistentVolume spec: together the `persistentvolumesource`. */
const PV_SOURCES = [
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'csi',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'glusterfs',
  'hostPath',
  'iscsi',
  'local',
  'nfs',
  'photonPersistentDisk',
  'portworxVolume',
  'quobyte',
  'rbd',
  'scaleIO',
  'storageos',
  'vsphereVolume',
];
const PV_SOURCE = `${SRC} pkg/apis/core/validation/validation.go ValidatePersistentVolumeUpdate`;

function persistentVolumeRule({ before, after }: RuleInput): ImmutableViolation[] {
  const old = spec(before);
  const now = spec(after);
  const out: ImmutableViolation[] = [];
  const base = { code: 'kubernetes/immutable-field' as const, severity: 'error' as const, ruleSource: PV_SOURCE };
  const sourceOf = (s: Record<string, unknown>) => Object.fromEntries(PV_SOURCES.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));
  const oldSource = sourceOf(old);
  const newSource = sourceOf(now);
  // The one exception: a CSI volume may gain a controllerExpandSecretRef.
  if (isPlainObject(oldSource.csi) && isPlainObject(newSource.csi) && oldSource.csi.controllerExpandSecretRef === undefined) {
    newSource.csi = without(newSource.csi, ['controllerExpandSecretRef']);
  }
  const sourceChange = changedPaths(oldSource, newSource, [], 1)[0];
  if (sourceChange) {
    out.push({
      ...base,
      at: ['spec', ...sourceChange],
      error: { path: 'spec.persistentvolumesource', type: 'Forbidden', detail: 'spec.persistentvolumesource is immutable after creation' },
      rule: "A PersistentVolume's volume source (nfs, csi, hostPath, …) cannot change after creation.",
      note: 'The server adds a diff of the two sources after this text.',
      before: valueAt(old, sourceChange),
      after: valueAt(now, sourceChange),
    });
  }
  const volumeMode = (s: Record<string, unknown>) => s.volumeMode ?? 'Filesystem';
  if (volumeMode(old) !== volumeMode(now)) {
    out.push({
      ...base,
      at: ['spec', 'volumeMode'],
      error: { path: 'volumeMode', type: 'Invalid', value: goScalar(volumeMode(now)), detail: IMMUTABLE },
      rule: "A PersistentVolume's volumeMode cannot change.",
      before: old.volumeMode,
      after: now.volumeMode,
    });
  }
  if (old.nodeAffinity !== undefined && !deepEqual(old.nodeAffinity, now.nodeAffinity)) {
    out.push({
      ...base,
      at: ['spec', 'nodeAffinity'],
      error: {
        path: 'nodeAffinity',
        type: 'Invalid',
        value: now.nodeAffinity === undefined ? 'null' : goStruct('core.VolumeNodeAffinity'),
        detail: 'field is immutable, except for updating from beta label to GA',
      },
      rule: "A PersistentVolume's nodeAffinity may be set once, then not changed (except renaming beta topology labels to GA).",
      ruleSource: `${PV_SOURCE} (validatePvNodeAffinity)`,
      before: old.nodeAffinity,
      after: now.nodeAffinity,
    });
  }
  if (typeof old.volumeAttributesClassName === 'string' && old.volumeAttributesClassName !== '' && !now.volumeAttributesClassName) {
    out.push({
      ...base,
      at: ['spec', 'volumeAttributesClassName'],
      error: { path: 'spec.volumeAttributesClassName', type: 'Forbidden', detail: 'update from non-nil value to nil is forbidden' },
      rule: "A PersistentVolume's volumeAttributesClassName cannot be removed once set.",
      before: old.volumeAttributesClassName,
      after: now.volumeAttributesClassName,
    });
  }
  return out;
}

const CONFIG_DETAIL = 'field is immutable when `immutable` is set';

function configMapRule({ before, after }: RuleInput): ImmutableViolation[] {
  if (before.immutable !== true) return [];
  const out: ImmutableViolation[] = [];
  const source = `${SRC} pkg/apis/core/validation/validation.go ValidateConfigMapUpdate`;
  if (after.immutable !== true) out.push(configViolation('ConfigMap', ['immutable'], 'immutable', source, before.immutable, after.immutable));
  for (const field of ['data', 'binaryData']) {
    if (!deepEqual(before[field] ?? {}, after[field] ?? {})) {
      const first = changedPaths(before[field] ?? {}, after[field] ?? {}, [field], 1)[0] ?? [field];
      out.push(configViolation('ConfigMap', first, field, source, valueAt(before, first), valueAt(after, first)));
    }
  }
  return out;
}

function secretRule({ before, after }: RuleInput): ImmutableViolation[] {
  const out: ImmutableViolation[] = [];
  const source = `${SRC} pkg/apis/core/validation/validation.go ValidateSecretUpdate`;
  const type = (s: Record<string, unknown>) => s.type ?? 'Opaque';
  if (type(before) !== type(after)) {
    out.push({
      code: 'kubernetes/immutable-field',
      severity: 'error',
      at: ['type'],
      error: { path: 'type', type: 'Invalid', value: goScalar(type(after)), detail: IMMUTABLE },
      rule: "A Secret's type never changes, immutable or not.",
      ruleSource: source,
      before: type(before),
      after: type(after),
    });
  }
  if (before.immutable !== true) return out;
  if (after.immutable !== true) out.push(configViolation('Secret', ['immutable'], 'immutable', source, before.immutable, after.immutable));
  // The server folds stringData into data before it compares.
  const oldData = secretData(before);
  const newData = secretData(after);
  const changedKey = [...new Set([...Object.keys(oldData), ...Object.keys(newData)])].find((k) => oldData[k] !== newData[k]);
  if (changedKey !== undefined) {
    const inStringData = isPlainObject(after.stringData) && changedKey in after.stringData;
    const at = [inStringData ? 'stringData' : 'data', changedKey];
    out.push(configViolation('Secret', at, 'data', source, valueAt(before, at), valueAt(after, at)));
  }
  return out;
}

/** Secret contents as the server sees them: `data` base64-decoded, overlaid with `stringData`. */
function secretData(secret: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  if (isPlainObject(secret.data)) {
    for (const [key, value] of Object.entries(secret.data)) out[key] = Buffer.from(String(value ?? ''), 'base64').toString('latin1');
  }
  if (isPlainObject(secret.stringData)) {
    for (const [key, value] of Object.entries(secret.stringData)) out[key] = Buffer.from(String(value ?? ''), 'utf8').toString('latin1');
  }
  return out;
}

function configViolation(kind: 'ConfigMap' | 'Secret', at: FieldPath, reported: string, source: string, before: unknown, after: unknown): ImmutableViolation {
  return {
    code: 'kubernetes/immutable-config-changed',
    severity: 'error',
    at,
    error: { path: reported, type: 'Forbidden', detail: CONFIG_DETAIL },
    rule: `A ${kind} marked \`immutable: true\` can never change its contents or become mutable again; only deleting it is allowed.`,
    ruleSource: source,
    before,
    after,
  };
}

const STORAGE_CLASS_SOURCE = `${SRC} pkg/apis/storage/validation/validation.go ValidateStorageClassUpdate`;

function storageClassRule({ before, after }: RuleInput): ImmutableViolation[] {
  const out: ImmutableViolation[] = [];
  const fields: Array<{ field: string; fallback?: unknown; error: (value: unknown) => FieldError }> = [
    { field: 'parameters', fallback: {}, error: () => ({ path: 'parameters', type: 'Forbidden', detail: 'updates to parameters are forbidden.' }) },
    { field: 'provisioner', error: () => ({ path: 'provisioner', type: 'Forbidden', detail: 'updates to provisioner are forbidden.' }) },
    { field: 'reclaimPolicy', fallback: 'Delete', error: () => ({ path: 'reclaimPolicy', type: 'Forbidden', detail: 'updates to reclaimPolicy are forbidden.' }) },
    { field: 'volumeBindingMode', fallback: 'Immediate', error: (value) => ({ path: 'volumeBindingMode', type: 'Invalid', value: goScalar(value), detail: IMMUTABLE }) },
  ];
  for (const { field, fallback, error } of fields) {
    const old = before[field] ?? fallback;
    const now = after[field] ?? fallback;
    if (deepEqual(old, now)) continue;
    const first = isPlainObject(old) && isPlainObject(now) ? (changedPaths(old, now, [field], 1)[0] ?? [field]) : [field];
    out.push({
      code: 'kubernetes/immutable-field',
      severity: 'error',
      at: first,
      error: error(now),
      rule: "A StorageClass's provisioner, parameters, reclaimPolicy and volumeBindingMode are fixed at creation.",
      ruleSource: STORAGE_CLASS_SOURCE,
      note: 'Some newer servers answer "field is immutable" for all four fields.',
      before: old,
      after: now,
    });
  }
  return out;
}

function withDefaults(value: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  const copy = { ...value };
  for (const [key, fallback] of Object.entries(defaults)) if (copy[key] === undefined || copy[key] === null) copy[key] = fallback;
  return copy;
}

function withoutPaths(value: unknown, paths: FieldPath[]): unknown {
  if (!isPlainObject(value)) return value;
  const copy = structuredClone(value);
  for (const path of paths) {
    let parent: unknown = copy;
    for (const segment of path.slice(0, -1)) parent = isPlainObject(parent) ? parent[segment as string] : undefined;
    if (isPlainObject(parent)) delete parent[path[path.length - 1] as string];
  }
  return copy;
}
