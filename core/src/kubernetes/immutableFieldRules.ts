/**
 * Which edits of a deployed object kube-apiserver 1.37.2 refuses, and the error it answers: the rules
 * of the apps, batch, core and storage validation code of kubernetes/kubernetes
 * (`pkg/apis/{apps,batch,core,storage}/validation/validation.go`, and for the selectors the
 * `ValidateUpdate` of `pkg/registry/apps/{deployment,replicaset,daemonset}/strategy.go`; each rule's
 * `ruleSource` names its function), applied to the manifest as committed (before) and as edited
 * (after). Pure: two plain objects in, violations out, in the order the server reports them. The
 * end-to-end tests check every rule's verdict and message against that server; where older servers
 * answered otherwise, the violation's `note` says so.
 *
 * Manifests rarely spell out defaulted fields, so each rule compares after filling the defaults
 * the server would fill for the fields it checks (a StorageClass without `reclaimPolicy` has
 * `Delete`); a field that only the server sets (a Job's generated selector, a Service's allocated
 * clusterIP) is compared only when both versions set it. What only the object's status tells (is a
 * claim bound, has a Job started) is assumed as it usually is for a deployed object: a claim is
 * bound and got the capacity it asked for, a suspended Job has not started.
 */
import {
  ELIDED_OBJECT,
  ELIDED_STRING,
  goJson,
  goValue,
  internalJson,
  kubectlInvalidText,
  labelSelectorJson,
  POD_FAILURE_POLICY,
  SUCCESS_POLICY,
  VOLUME_CLAIM_TEMPLATES,
  VOLUME_NODE_AFFINITY,
  type FieldError,
} from './apiErrorText';
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
        error: { path: 'spec.selector', type: 'Invalid', value: labelSelectorJson(now), detail: IMMUTABLE },
        rule: `A ${kind}'s \`spec.selector\` cannot change after creation (apps/v1 and apps/v1beta2).`,
        ruleSource: `${SRC} ${source}`,
        before: old,
        after: now,
      },
    ];
  };
}

const STATEFULSET_SOURCE = `${SRC} pkg/apis/apps/validation/validation.go ValidateStatefulSetUpdate`;
const STATEFULSET_OLDER =
  "Older API servers answer a single `spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', " +
  "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden` instead, and refuse `revisionHistoryLimit` edits too.";

/** The four fixed fields, each with its own error, in the server's order; everything else in the spec may change. */
function statefulSetRule({ before, after }: RuleInput): ImmutableViolation[] {
  const old = spec(before);
  const now = spec(after);
  const fields: Array<{ field: string; same: boolean; value: () => string }> = [
    { field: 'selector', same: deepEqual(old.selector, now.selector), value: () => labelSelectorJson(now.selector) },
    {
      field: 'volumeClaimTemplates',
      // Compared as the server holds them, defaults filled (volumeMode Filesystem).
      same: internalJson(VOLUME_CLAIM_TEMPLATES, old.volumeClaimTemplates) === internalJson(VOLUME_CLAIM_TEMPLATES, now.volumeClaimTemplates),
      value: () => internalJson(VOLUME_CLAIM_TEMPLATES, now.volumeClaimTemplates),
    },
    { field: 'serviceName', same: (old.serviceName ?? '') === (now.serviceName ?? ''), value: () => goValue(now.serviceName ?? '') },
    {
      field: 'podManagementPolicy',
      same: (old.podManagementPolicy ?? 'OrderedReady') === (now.podManagementPolicy ?? 'OrderedReady'),
      value: () => goValue(now.podManagementPolicy ?? 'OrderedReady'),
    },
  ];
  return fields
    .filter((f) => !f.same)
    .map(({ field, value }) => ({
      code: 'kubernetes/immutable-field' as const,
      severity: 'error' as const,
      at: ['spec', field],
      error: { path: `spec.${field}`, type: 'Invalid' as const, value: value(), detail: IMMUTABLE },
      rule: "A StatefulSet's `selector`, `volumeClaimTemplates`, `serviceName` and `podManagementPolicy` cannot change after creation; the rest of its spec may.",
      ruleSource: STATEFULSET_SOURCE,
      note: STATEFULSET_OLDER,
      before: old[field],
      after: now[field],
    }));
}

const JOB_SOURCE = `${SRC} pkg/apis/batch/validation/validation.go ValidateJobSpecUpdate`;

/** The Job fields fixed after creation besides completions, selector and template, in the server's order, and how it prints each. */
const JOB_FIXED: Array<{ field: string; value: (v: unknown) => string }> = [
  { field: 'completionMode', value: (v) => goValue(v ?? 'NonIndexed') },
  { field: 'podFailurePolicy', value: (v) => internalJson(POD_FAILURE_POLICY, v) },
  { field: 'backoffLimitPerIndex', value: goValue },
  { field: 'managedBy', value: goValue },
  { field: 'successPolicy', value: (v) => internalJson(SUCCESS_POLICY, v) },
];

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
            value: goValue(now.completions),
            detail: indexed ? 'can only be modified in tandem with spec.parallelism' : IMMUTABLE,
          },
          "A Job's `spec.completions` cannot change, except for an Indexed Job whose completions and parallelism change together and stay equal.",
        ),
      );
    }
  }
  // The selector is usually generated (`controller-uid`); a manifest that sets one where the
  // deployed Job had none still differs from the generated one.
  if (now.selector !== undefined && !deepEqual(old.selector, now.selector)) {
    out.push(
      violation(
        'selector',
        { path: 'spec.selector', type: 'Invalid', value: labelSelectorJson(now.selector), detail: IMMUTABLE },
        "A Job's `spec.selector` cannot change.",
        old.selector === undefined
          ? "The deployed Job's selector was generated (it holds the Job's uid): the server merges this one into it, prints the merged selector, and also finds the template's generated labels no longer match."
          : undefined,
      ),
    );
  }
  const templateChange = jobTemplateChange(old, now);
  if (templateChange) {
    const suspended = old.suspend === true;
    out.push({
      ...violation(
        'template',
        // The server prints the whole stored template (defaults, the generated labels with the Job's uid): elided.
        { path: suspended ? 'spec.template.spec' : 'spec.template', type: 'Invalid', value: ELIDED_OBJECT, valueElided: true, detail: IMMUTABLE },
        "A Job's pod template cannot change. While the Job is suspended and has not started, its node affinity, node selector, tolerations, scheduling gates, template labels and annotations and container resources may change.",
        suspended
          ? 'The deployed Job is suspended, so scheduling directives, template labels/annotations and container resources may change, but this edit changes more (if the Job has started, none of it may change).'
          : undefined,
      ),
      at: ['spec', 'template', ...templateChange],
      before: valueAt(old.template, templateChange),
      after: valueAt(now.template, templateChange),
      ruleSource: `${JOB_SOURCE} (validatePodTemplateUpdate); pkg/registry/batch/job/strategy.go validationOptionsForJob`,
    });
  }
  for (const { field, value } of JOB_FIXED) {
    if (deepEqual(old[field] ?? defaultOf(field), now[field] ?? defaultOf(field))) continue;
    out.push(violation(field, { path: `spec.${field}`, type: 'Invalid', value: value(now[field]), detail: IMMUTABLE }, `A Job's \`spec.${field}\` cannot change.`));
  }
  return out;
}

function defaultOf(jobField: string): unknown {
  return jobField === 'completionMode' ? 'NonIndexed' : undefined;
}

/** Template fields a suspended, not yet started Job may change (`AllowMutableSchedulingDirectives`, `AllowMutablePodResources`). */
const SUSPENDED_JOB_MUTABLE: FieldPath[] = [
  ['metadata'],
  ['spec', 'nodeSelector'],
  ['spec', 'tolerations'],
  ['spec', 'schedulingGates'],
  ['spec', 'affinity', 'nodeAffinity'],
];

function jobTemplateChange(old: Record<string, unknown>, now: Record<string, unknown>): FieldPath | undefined {
  let before = old.template;
  let after = now.template;
  if (old.suspend === true) {
    // Only the pod spec is compared, with the scheduling directives and container resources as edited.
    before = withoutPaths(before, SUSPENDED_JOB_MUTABLE);
    after = withoutPaths(after, SUSPENDED_JOB_MUTABLE);
    before = withContainerResourcesOf(before, after);
    if (isPlainObject(before) && isPlainObject(before.spec) && isPlainObject(before.spec.affinity) && Object.keys(before.spec.affinity).length === 0)
      delete before.spec.affinity;
    if (isPlainObject(after) && isPlainObject(after.spec) && isPlainObject(after.spec.affinity) && Object.keys(after.spec.affinity).length === 0)
      delete after.spec.affinity;
  }
  return changedPaths(before, after, [], 1)[0];
}

/** `template` with each container's resources taken from `edited` (same count, same name), as the server copies them. */
function withContainerResourcesOf(template: unknown, edited: unknown): unknown {
  if (!isPlainObject(template) || !isPlainObject(template.spec) || !isPlainObject(edited) || !isPlainObject(edited.spec)) return template;
  const editedSpec = edited.spec;
  const spec: Record<string, unknown> = { ...template.spec };
  for (const list of ['containers', 'initContainers']) {
    const mine = spec[list];
    const theirs = editedSpec[list];
    if (!Array.isArray(mine) || !Array.isArray(theirs) || mine.length !== theirs.length) continue;
    spec[list] = mine.map((c: unknown, i: number) => {
      const other: unknown = theirs[i];
      if (!isPlainObject(c) || !isPlainObject(other) || c.name !== other.name) return c;
      const merged: Record<string, unknown> = { ...c };
      if (other.resources === undefined) delete merged.resources;
      else merged.resources = other.resources;
      return merged;
    });
  }
  return { ...template, spec };
}

const POD_DETAIL =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';
const POD_SOURCE = `${SRC} pkg/apis/core/validation/validation.go ValidatePodUpdate`;

function podRule({ before, after }: RuleInput): ImmutableViolation[] {
  const old = spec(before);
  const now = spec(after);
  const out: ImmutableViolation[] = [];
  // Adding or removing a container ends the check: the only error.
  for (const list of ['containers', 'initContainers']) {
    const oldCount = Array.isArray(old[list]) ? old[list].length : 0;
    const newCount = Array.isArray(now[list]) ? now[list].length : 0;
    if (oldCount !== newCount)
      return [podViolation([list], { path: `spec.${list}`, type: 'Forbidden', detail: 'pod updates may not add or remove containers' }, old, now)];
  }
  const oldDeadline = old.activeDeadlineSeconds;
  const newDeadline = now.activeDeadlineSeconds;
  if (typeof oldDeadline === 'number' && typeof newDeadline === 'number' && newDeadline > oldDeadline) {
    // A raised deadline ends the check too.
    return [
      podViolation(
        ['activeDeadlineSeconds'],
        { path: 'spec.activeDeadlineSeconds', type: 'Invalid', value: goValue(newDeadline), detail: 'must be less than or equal to previous value' },
        old,
        now,
      ),
    ];
  }
  if (typeof oldDeadline === 'number' && (newDeadline === undefined || newDeadline === null)) {
    out.push(
      podViolation(
        ['activeDeadlineSeconds'],
        { path: 'spec.activeDeadlineSeconds', type: 'Invalid', value: 'null', detail: 'must not update from a positive integer to nil value' },
        old,
        now,
      ),
    );
  }
  // Every existing toleration must still be there (its tolerationSeconds may change).
  const withoutSeconds = (t: unknown) => (isPlainObject(t) ? without(t, ['tolerationSeconds']) : t);
  const oldTolerations = Array.isArray(old.tolerations) ? old.tolerations : [];
  const newTolerations = Array.isArray(now.tolerations) ? now.tolerations : [];
  if (!oldTolerations.every((t) => newTolerations.some((n) => deepEqual(withoutSeconds(t), withoutSeconds(n))))) {
    out.push(
      podViolation(
        ['tolerations'],
        { path: 'spec.tolerations', type: 'Forbidden', detail: 'existing toleration can not be modified except its tolerationSeconds' },
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
    if (Array.isArray(oldList) && Array.isArray(newList)) {
      allowed[list] = oldList.map((c, i) => (isPlainObject(c) && isPlainObject(newList[i]) ? { ...c, image: newList[i].image } : c));
    }
  }
  allowed.activeDeadlineSeconds = now.activeDeadlineSeconds;
  // The tolerations were checked on their own above.
  allowed.tolerations = now.tolerations;
  if (typeof old.terminationGracePeriodSeconds === 'number' && old.terminationGracePeriodSeconds < 0 && now.terminationGracePeriodSeconds === 1) {
    allowed.terminationGracePeriodSeconds = 1;
  }
  const first = changedPaths(allowed, now, [], 1)[0];
  if (first) out.push(podViolation(first, { path: 'spec', type: 'Forbidden', detail: POD_DETAIL, diffFollows: true }, old, now));
  return out;
}

function podViolation(at: FieldPath, error: FieldError, old: Record<string, unknown>, now: Record<string, unknown>): ImmutableViolation {
  return {
    code: 'kubernetes/immutable-field',
    severity: 'error',
    at: ['spec', ...at],
    error,
    rule: "A Pod's spec may change only in container images, activeDeadlineSeconds (only down), tolerations (only additions, and their tolerationSeconds) and a negative terminationGracePeriodSeconds set to 1.",
    ruleSource: POD_SOURCE,
    note: error.diffFollows
      ? 'The server adds a diff of the two specs after this text. Container resources change through the `resize` subresource (`kubectl patch --subresource resize`), not an update.'
      : undefined,
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
        error: { path: `spec.clusterIPs[${i}]`, type: 'Invalid', value: goJson(newIPs), detail: 'may not change once set' },
        rule: "A Service's cluster IPs cannot change once set (not checked for ExternalName Services or between two headless ones).",
        ruleSource: `${SERVICE_SOURCE} validateUpgradeDowngradeClusterIPs`,
        before: oldIPs[i],
        after: newIPs[i],
      });
    }
    if (oldIPs.length === 0 && newIPs.length > 0) {
      // The deployed Service got an address the manifest doesn't know: this one differs unless it is that very address.
      const field = Array.isArray(now.clusterIPs) ? 'clusterIPs' : 'clusterIP';
      out.push({
        code: 'kubernetes/immutable-field',
        severity: 'warning',
        at: ['spec', field, ...(field === 'clusterIPs' ? [0] : [])],
        error: { path: 'spec.clusterIPs[0]', type: 'Invalid', value: goJson(newIPs), detail: 'may not change once set' },
        rule: "A Service's cluster IPs cannot change once set, and the server set one when the Service was created without it.",
        ruleSource: `${SERVICE_SOURCE} validateUpgradeDowngradeClusterIPs`,
        note: 'Accepted only if this is the address the server allocated (`kubectl get service` shows it).',
        before: undefined,
        after: newIPs[0],
      });
    }
  }
  const oldFamilies = Array.isArray(old.ipFamilies) ? old.ipFamilies : [];
  const newFamilies = Array.isArray(now.ipFamilies) ? now.ipFamilies : [];
  if (!externalName && oldFamilies.length > 0 && newFamilies.length > 0 && oldFamilies[0] !== newFamilies[0] && !bothHeadless && newIPs[0] !== 'None') {
    // The server keeps the allocated address, and its family no longer matches: that is the error it
    // reports (before the "may not change once set" of the family itself). The address is the
    // manifest's, or the one the server allocated (elided).
    const address = oldIPs[0] !== undefined && (newIPs.length === 0 || newIPs[0] === oldIPs[0]) ? goValue(oldIPs[0]) : ELIDED_STRING;
    out.push({
      code: 'kubernetes/immutable-field',
      severity: 'error',
      at: ['spec', 'ipFamilies', 0],
      error: {
        path: 'spec.clusterIPs[0]',
        type: 'Invalid',
        value: address,
        ...(address === ELIDED_STRING ? { valueElided: true } : {}),
        detail: `expected an ${String(newFamilies[0])} value as indicated by \`ipFamilies[0]\``,
      },
      rule: "A Service's primary IP family cannot change once set: its cluster IP stays, and no longer matches.",
      ruleSource: `${SERVICE_SOURCE} validateUpgradeDowngradeIPFamilies, ValidateServiceClusterIPsRelatedFields`,
      note: 'Only the family mismatch of the kept address is reported by Kubernetes 1.37.2; the family itself "may not change once set" either.',
      before: oldFamilies[0],
      after: newFamilies[0],
    });
  }
  if (old.type === 'LoadBalancer' && now.type === 'LoadBalancer' && !deepEqual(old.loadBalancerClass, now.loadBalancerClass)) {
    out.push({
      code: 'kubernetes/immutable-field',
      severity: 'error',
      at: ['spec', 'loadBalancerClass'],
      error: { path: 'spec.loadBalancerClass', type: 'Invalid', value: goValue(now.loadBalancerClass), detail: 'may not change once set' },
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

/**
 * The claim is taken as bound with the capacity it asked for (so its storage request may grow and its
 * volumeAttributesClassName change), and a volumeAttributesClassName it has as applied.
 */
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
  // Everything else in spec is fixed (volumeMode too: it is also reported on its own), except a few one-way settings.
  const strip = (s: Record<string, unknown>) => {
    const copy = without(s, ['volumeAttributesClassName']);
    copy.volumeMode = volumeMode(s);
    if (isPlainObject(copy.resources)) copy.resources = without(copy.resources, ['requests']);
    if (!old.volumeName) delete copy.volumeName; // binding sets it once
    if (old.storageClassName === undefined) delete copy.storageClassName; // set from nil (a default class, or the migration)
    return copy;
  };
  const first = changedPaths(strip(old), strip(now), [], 1)[0];
  if (first) {
    out.push(
      violation(
        first,
        { path: 'spec', type: 'Forbidden', detail: PVC_DETAIL, diffFollows: true },
        "A claim's spec is fixed once created, except its storage request (growth) and volumeAttributesClassName, and only for a bound claim.",
        'The server adds a diff of the two specs after this text. A claim not yet bound may not change at all.',
      ),
    );
  }
  const oldStorage = parseQuantity(valueAt(old, ['resources', 'requests', 'storage']));
  const newStorage = parseQuantity(valueAt(now, ['resources', 'requests', 'storage']));
  if (oldStorage !== undefined && newStorage !== undefined && newStorage < oldStorage) {
    out.push(
      violation(
        ['resources', 'requests', 'storage'],
        { path: 'spec.resources.requests.storage', type: 'Forbidden', detail: 'field can not be less than status.capacity' },
        "A claim's storage request may grow (where its StorageClass allows expansion) but not shrink below the capacity it has.",
        'Only after a failed expansion, whose capacity stayed below the request, may the request shrink back, down to above that capacity. ' +
          'Servers without RecoverVolumeExpansionFailure answer "field can not be less than previous value".',
      ),
    );
  }
  if (volumeMode(old) !== volumeMode(now)) {
    out.push(
      violation(['volumeMode'], { path: 'volumeMode', type: 'Invalid', value: goValue(volumeMode(now)), detail: IMMUTABLE }, "A claim's volumeMode cannot change."),
    );
  }
  if (typeof old.volumeAttributesClassName === 'string' && old.volumeAttributesClassName !== '' && !now.volumeAttributesClassName) {
    const to = now.volumeAttributesClassName === '' ? 'empty string' : 'nil';
    out.push(
      violation(
        ['volumeAttributesClassName'],
        {
          path: 'spec.volumeAttributesClassName',
          type: 'Forbidden',
          detail: `update to ${to} is forbidden when status.currentVolumeAttributesClassName is not nil`,
        },
        "A claim's volumeAttributesClassName may change but not be removed once it has been applied.",
        'Before the class has been applied to the volume (status.currentVolumeAttributesClassName unset), it may be removed.',
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
      error: { path: 'spec.persistentvolumesource', type: 'Forbidden', detail: 'spec.persistentvolumesource is immutable after creation', diffFollows: true },
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
      error: { path: 'volumeMode', type: 'Invalid', value: goValue(volumeMode(now)), detail: IMMUTABLE },
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
        value: internalJson(VOLUME_NODE_AFFINITY, now.nodeAffinity),
        detail: 'field is immutable, except for updating from beta label to GA',
      },
      rule: "A PersistentVolume's nodeAffinity may be set once, then not changed (except renaming beta topology labels to GA).",
      note: 'With the MutablePVNodeAffinity feature gate (alpha, off by default in Kubernetes 1.37.2) it may change.',
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
      error: { path: 'type', type: 'Invalid', value: goValue(type(after)), detail: IMMUTABLE },
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
  // Declarative validation reports these four without the value: `Invalid value: null`.
  const immutable = (path: string): FieldError => ({ path, type: 'Invalid', value: 'null', detail: IMMUTABLE });
  const fields: Array<{ field: string; fallback?: unknown; error: (value: unknown) => FieldError }> = [
    { field: 'parameters', fallback: {}, error: () => immutable('parameters') },
    { field: 'provisioner', error: () => immutable('provisioner') },
    { field: 'reclaimPolicy', fallback: 'Delete', error: () => immutable('reclaimPolicy') },
    { field: 'volumeBindingMode', fallback: 'Immediate', error: () => immutable('volumeBindingMode') },
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
      note: 'Older servers answer `Forbidden: updates to parameters are forbidden.` (and likewise for provisioner and reclaimPolicy), and print the volumeBindingMode value.',
      before: old,
      after: now,
    });
  }
  return out;
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
