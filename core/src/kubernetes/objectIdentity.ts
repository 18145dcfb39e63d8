/**
 * Which Kubernetes object a manifest describes: (group, kind, namespace, name), the key under
 * which an edited object is matched with its deployed version. Pure; no I/O.
 */

/** The kinds the Kubernetes rules analyse. Anything else in a manifest is recognised but left alone. */
export const ANALYSED_KINDS = [
  'Deployment',
  'ReplicaSet',
  'DaemonSet',
  'StatefulSet',
  'Job',
  'CronJob',
  'Pod',
  'Service',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'ConfigMap',
  'Secret',
  'StorageClass',
] as const;
export type AnalysedKind = (typeof ANALYSED_KINDS)[number];

/** Cluster-scoped kinds: they have no namespace, so `metadata.namespace` is ignored (as the server does). */
const CLUSTER_SCOPED = new Set([
  'PersistentVolume',
  'StorageClass',
  'Namespace',
  'Node',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PriorityClass',
  'IngressClass',
  'RuntimeClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'APIService',
]);

/**
 * Deployments, ReplicaSets and DaemonSets once lived in `extensions` (and apps/v1beta1/2): the
 * API server serves one object under all those versions, so moving a manifest from
 * `extensions/v1beta1` to `apps/v1` edits the same object rather than creating another.
 */
const SAME_OBJECT_GROUPS: Record<string, Record<string, string>> = {
  extensions: { Deployment: 'apps', ReplicaSet: 'apps', DaemonSet: 'apps' },
};

export interface ApiVersion {
  /** '' for the core group (`v1`). */
  group: string;
  version: string;
}

export function parseApiVersion(apiVersion: string): ApiVersion {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export interface ObjectIdentity {
  group: string;
  kind: string;
  /** Undefined for cluster-scoped kinds. */
  namespace?: string;
  name: string;
}

export function isAnalysedKind(kind: string): kind is AnalysedKind {
  return (ANALYSED_KINDS as readonly string[]).includes(kind);
}

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** Undefined when the object has no literal name (e.g. only `generateName`): it cannot be matched. */
export function objectIdentity(apiVersion: string, kind: string, metadata: unknown): ObjectIdentity | undefined {
  const meta = typeof metadata === 'object' && metadata !== null ? (metadata as Record<string, unknown>) : {};
  const name = meta.name;
  if (typeof name !== 'string' || name === '') return undefined;
  const { group } = parseApiVersion(apiVersion);
  const canonicalGroup = SAME_OBJECT_GROUPS[group]?.[kind] ?? group;
  if (isClusterScoped(kind)) return { group: canonicalGroup, kind, name };
  const namespace = typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : 'default';
  return { group: canonicalGroup, kind, namespace, name };
}

export function identityKey(identity: ObjectIdentity): string {
  return [identity.group, identity.kind, identity.namespace ?? '', identity.name].join('\0');
}

/** How findings name an object: `Deployment.apps/default/web`, `Service/default/web`, `StorageClass.storage.k8s.io/fast`. */
export function identityAddress(identity: ObjectIdentity): string {
  const kind = identity.group ? `${identity.kind}.${identity.group}` : identity.kind;
  return identity.namespace === undefined ? `${kind}/${identity.name}` : `${kind}/${identity.namespace}/${identity.name}`;
}
