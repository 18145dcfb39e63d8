/**
 * The edits of deployed objects that the immutable-field rules judge, one row per rule and branch:
 * the deployed object, the edit, and what we expect (the finding and the exact line kubectl prints,
 * or nothing for an allowed edit). The unit test checks our findings against these rows; the
 * end-to-end test applies the same rows to a real API server (`kubectl apply --dry-run=server`)
 * and checks that its verdict and message agree with ours.
 *
 * A row whose deployed state a manifest cannot express (a bound claim, a claim with a current
 * volume attributes class) says so in `status` (written through the status subresource before the
 * edit, as the controllers would) or, where the server cannot be made to hold it here, in
 * `serverException`: the reason the server's answer is not comparable.
 */
export type Obj = Record<string, any>;

/** The seed Deployment of the examples (examples/kubernetes/deployment-v1.yaml): nginx, 3 replicas, selector app: nginx. */
export function seedDeployment(image = 'nginx:1.21.6'): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'nginx-deployment', labels: { app: 'nginx' } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'nginx' } },
      template: {
        metadata: { labels: { app: 'nginx' } },
        spec: { containers: [{ name: 'nginx', image, ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: '/', port: 80 } } }] },
      },
    },
  };
}

export interface ExpectedFinding {
  /** Default `kubernetes/immutable-field`. */
  code?: string;
  /** Default `error`. */
  severity?: string;
  /** The finding's field (where the squiggle is). */
  path: string;
  /**
   * The line the finding quotes: what kubectl prints against kube-apiserver 1.37.2 for this error (up to
   * the diff the server appends, where it appends one; `{…}` / `"…"` for a value only the server knows).
   */
  answer: string;
  /** How many immutable-field findings the edit gives (default 1): the server reports some edits twice. */
  findings?: number;
}

export interface ImmutableFieldCase {
  name: string;
  /** The field the edit touches, for the agreement table. */
  field: string;
  before: Obj;
  edit: (o: Obj) => void;
  /** Undefined: an allowed edit, no immutable-field / immutable-config-changed finding. */
  expect?: ExpectedFinding;
  /** Objects the server needs before `before` can exist (same namespace; cluster-scoped ones get the row's suffix). */
  prerequisites?: Obj[];
  /** The deployed object's status, as its controller would have written it (merged through `/status`). */
  status?: Obj;
  /** Why the real server's answer cannot be compared with ours for this row. */
  serverException?: string;
}

const statefulSet = (): Obj => ({
  apiVersion: 'apps/v1',
  kind: 'StatefulSet',
  metadata: { name: 'db', namespace: 'data' },
  spec: {
    replicas: 3,
    serviceName: 'db',
    selector: { matchLabels: { app: 'db' } },
    template: {
      metadata: { labels: { app: 'db' } },
      spec: { containers: [{ name: 'db', image: 'postgres:16.4', readinessProbe: { exec: { command: ['pg_isready'] } } }] },
    },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } } }],
  },
});
const job = (): Obj => ({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate' },
  spec: {
    parallelism: 1,
    completions: 1,
    backoffLimit: 4,
    template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'app:1.4.2', command: ['migrate'] }] } },
  },
});
const indexedJob = (): Obj => {
  const j = job();
  j.spec.completionMode = 'Indexed';
  j.spec.completions = 3;
  j.spec.parallelism = 3;
  return j;
};
const manualSelectorJob = (): Obj => {
  const j = job();
  j.spec.manualSelector = true;
  j.spec.selector = { matchLabels: { job: 'migrate' } };
  j.spec.template.metadata = { labels: { job: 'migrate' } };
  return j;
};
const suspendedJob = (): Obj => {
  const j = job();
  j.spec.suspend = true;
  return j;
};
/**
 * A Service with its address in the test cluster's service range (10.96.0.0/16). Addresses and node
 * ports are taken cluster-wide, so each row names its own.
 */
export const service = (clusterIP = '10.96.0.10'): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { clusterIP, selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
});
const loadBalancer = (healthCheckNodePort = 30100): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'edge' },
  spec: {
    type: 'LoadBalancer',
    loadBalancerClass: 'example.com/lb',
    externalTrafficPolicy: 'Local',
    healthCheckNodePort,
    ipFamilies: ['IPv4'],
    selector: { app: 'edge' },
    ports: [{ port: 443 }],
  },
});
const pod = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'client-pod' },
  spec: {
    activeDeadlineSeconds: 600,
    tolerations: [{ key: 'a', operator: 'Exists' }],
    containers: [{ name: 'client', image: 'busybox:1.36.1', command: ['sleep', '3600'] }],
  },
});
export const claim = (): Obj => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data' },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '10Gi' } } },
});
/** What the binder writes: the claim got the capacity it asked for. */
const BOUND = { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '10Gi' } };
const volume = (): Obj => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pv-nfs' },
  spec: {
    capacity: { storage: '100Gi' },
    accessModes: ['ReadWriteMany'],
    persistentVolumeReclaimPolicy: 'Retain',
    nfs: { server: 'nfs-1.example.internal', path: '/exports/a' },
    nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } },
  },
});
const csiVolume = (): Obj => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name: 'pv-csi' },
  spec: {
    capacity: { storage: '10Gi' },
    accessModes: ['ReadWriteOnce'],
    csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-0123' },
  },
});
const configMap = (immutable: boolean): Obj => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'settings' },
  immutable,
  data: { LOG_LEVEL: 'info' },
  binaryData: { blob: 'AAEC' },
});
const secret = (immutable: boolean): Obj => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'creds' },
  type: 'Opaque',
  immutable,
  data: { password: Buffer.from('s3cret').toString('base64') },
});
const storageClass = (): Obj => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name: 'fast' },
  provisioner: 'ebs.csi.aws.com',
  parameters: { type: 'gp3' },
  allowVolumeExpansion: true,
});
const withKind = (kind: string) => (): Obj => {
  const d = seedDeployment('nginx:1.23.3');
  d.kind = kind;
  if (kind !== 'Deployment') delete d.spec.replicas;
  return d;
};
const addTier = (o: Obj) => (o.spec.selector.matchLabels.tier = 'web');
const addTierEverywhere = (o: Obj) => {
  o.spec.selector.matchLabels.tier = 'web';
  o.spec.template.metadata.labels.tier = 'web';
};

const CONFIG = 'Forbidden: field is immutable when `immutable` is set';
const NEW_SELECTOR = 'spec.selector: Invalid value: {"matchLabels":{"app":"nginx","tier":"web"}}: field is immutable';
const POD_FIELDS =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';
const POD = `spec: Forbidden: ${POD_FIELDS}`;
const PVC = 'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';
const SERVED_NO_MORE = 'extensions/v1beta1 and apps/v1beta1 Deployments are not served since Kubernetes 1.16: no server of the pinned version can hold one';

export const IMMUTABLE_FIELD_CASES: ImmutableFieldCase[] = [
  // Deployment, ReplicaSet, DaemonSet: the selector, from the registry strategies.
  {
    name: 'Deployment spec.selector',
    field: 'spec.selector',
    before: seedDeployment(),
    edit: addTierEverywhere,
    expect: { path: 'spec.selector', answer: `The Deployment "nginx-deployment" is invalid: ${NEW_SELECTOR}` },
  },
  {
    name: 'Deployment spec.selector with matchExpressions',
    field: 'spec.selector',
    before: seedDeployment(),
    edit: (o) => (o.spec.selector = { matchLabels: { app: 'nginx' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] }),
    expect: {
      path: 'spec.selector',
      answer:
        'The Deployment "nginx-deployment" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"nginx"},"matchExpressions":[{"key":"tier","operator":"NotIn","values":["db"]}]}: field is immutable',
    },
  },
  { name: 'Deployment replicas', field: 'spec.replicas', before: seedDeployment(), edit: (o) => (o.spec.replicas = 10) },
  {
    name: 'Deployment template',
    field: 'spec.template.spec.containers[0].image',
    before: seedDeployment(),
    edit: (o) => (o.spec.template.spec.containers[0].image = 'nginx:1.23.3'),
  },
  {
    name: 'Deployment strategy',
    field: 'spec.strategy',
    before: seedDeployment(),
    edit: (o) => (o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }),
  },
  {
    name: 'Deployment selector under extensions/v1beta1 (no check there)',
    field: 'spec.selector',
    before: { ...seedDeployment(), apiVersion: 'extensions/v1beta1' },
    edit: addTier,
    serverException: SERVED_NO_MORE,
  },
  {
    name: 'Deployment selector under apps/v1beta1 (no check there)',
    field: 'spec.selector',
    before: { ...seedDeployment(), apiVersion: 'apps/v1beta1' },
    edit: addTier,
    serverException: SERVED_NO_MORE,
  },
  {
    name: 'ReplicaSet spec.selector',
    field: 'spec.selector',
    before: withKind('ReplicaSet')(),
    edit: addTierEverywhere,
    expect: { path: 'spec.selector', answer: `The ReplicaSet "nginx-deployment" is invalid: ${NEW_SELECTOR}` },
  },
  { name: 'ReplicaSet template', field: 'spec.template', before: withKind('ReplicaSet')(), edit: (o) => (o.spec.template.spec.containers[0].image = 'nginx:1.25.0') },
  {
    name: 'DaemonSet spec.selector',
    field: 'spec.selector',
    before: withKind('DaemonSet')(),
    edit: addTierEverywhere,
    expect: { path: 'spec.selector', answer: `The DaemonSet "nginx-deployment" is invalid: ${NEW_SELECTOR}` },
  },
  { name: 'DaemonSet template', field: 'spec.template', before: withKind('DaemonSet')(), edit: (o) => (o.spec.template.spec.containers[0].image = 'nginx:1.25.0') },

  // StatefulSet: one error per fixed field.
  {
    name: 'StatefulSet volumeClaimTemplates',
    field: 'spec.volumeClaimTemplates',
    before: statefulSet(),
    edit: (o) => (o.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '20Gi'),
    expect: {
      path: 'spec.volumeClaimTemplates',
      // The internal type has no JSON names: Go prints its fields, and the claim's defaults.
      answer:
        'The StatefulSet "db" is invalid: spec.volumeClaimTemplates: Invalid value: [{"name":"data","Spec":{"AccessModes":["ReadWriteOnce"],"Selector":null,' +
        '"Resources":{"Limits":null,"Requests":{"storage":"20Gi"}},"VolumeName":"","StorageClassName":null,"VolumeMode":"Filesystem","DataSource":null,' +
        '"DataSourceRef":null,"VolumeAttributesClassName":null},"Status":{"Phase":"Pending","AccessModes":null,"Capacity":null,"Conditions":null,' +
        '"AllocatedResources":null,"AllocatedResourceStatuses":null,"CurrentVolumeAttributesClassName":null,"ModifyVolumeStatus":null,"HealthStatus":null}}]: field is immutable',
    },
  },
  {
    name: 'StatefulSet serviceName',
    field: 'spec.serviceName',
    before: statefulSet(),
    edit: (o) => (o.spec.serviceName = 'db-headless'),
    expect: { path: 'spec.serviceName', answer: 'The StatefulSet "db" is invalid: spec.serviceName: Invalid value: "db-headless": field is immutable' },
  },
  {
    name: 'StatefulSet selector',
    field: 'spec.selector',
    before: statefulSet(),
    edit: (o) => {
      o.spec.selector.matchLabels.app = 'pg';
      o.spec.template.metadata.labels.app = 'pg';
    },
    expect: { path: 'spec.selector', answer: 'The StatefulSet "db" is invalid: spec.selector: Invalid value: {"matchLabels":{"app":"pg"}}: field is immutable' },
  },
  {
    name: 'StatefulSet podManagementPolicy',
    field: 'spec.podManagementPolicy',
    before: statefulSet(),
    edit: (o) => (o.spec.podManagementPolicy = 'Parallel'),
    expect: { path: 'spec.podManagementPolicy', answer: 'The StatefulSet "db" is invalid: spec.podManagementPolicy: Invalid value: "Parallel": field is immutable' },
  },
  { name: 'StatefulSet revisionHistoryLimit', field: 'spec.revisionHistoryLimit', before: statefulSet(), edit: (o) => (o.spec.revisionHistoryLimit = 3) },
  {
    name: 'StatefulSet podManagementPolicy written as its default',
    field: 'spec.podManagementPolicy',
    before: statefulSet(),
    edit: (o) => (o.spec.podManagementPolicy = 'OrderedReady'),
  },
  { name: 'StatefulSet replicas', field: 'spec.replicas', before: statefulSet(), edit: (o) => (o.spec.replicas = 5) },
  { name: 'StatefulSet template', field: 'spec.template', before: statefulSet(), edit: (o) => (o.spec.template.spec.containers[0].image = 'postgres:16.5') },
  {
    name: 'StatefulSet updateStrategy',
    field: 'spec.updateStrategy',
    before: statefulSet(),
    edit: (o) => (o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }),
  },
  {
    name: 'StatefulSet minReadySeconds, ordinals, PVC retention policy',
    field: 'spec.minReadySeconds',
    before: statefulSet(),
    edit: (o) => Object.assign(o.spec, { minReadySeconds: 10, ordinals: { start: 1 }, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } }),
  },

  // Job.
  {
    name: 'Job spec.template',
    field: 'spec.template',
    before: job(),
    edit: (o) => (o.spec.template.spec.containers[0].image = 'app:1.4.3'),
    expect: { path: 'spec.template.spec.containers[0].image', answer: 'The Job "migrate" is invalid: spec.template: Invalid value: {…}: field is immutable' },
  },
  {
    name: 'Job spec.selector (a manual selector)',
    field: 'spec.selector',
    before: manualSelectorJob(),
    edit: (o) => (o.spec.selector.matchExpressions = [{ key: 'job', operator: 'Exists' }]),
    expect: {
      path: 'spec.selector',
      answer:
        'The Job "migrate" is invalid: spec.selector: Invalid value: {"matchLabels":{"job":"migrate"},"matchExpressions":[{"key":"job","operator":"Exists"}]}: field is immutable',
    },
  },
  {
    name: 'Job spec.selector set where the server generated one',
    field: 'spec.selector',
    before: job(),
    edit: (o) => (o.spec.selector = { matchLabels: { job: 'migrate' } }),
    expect: { path: 'spec.selector', answer: 'The Job "migrate" is invalid: spec.selector: Invalid value: {"matchLabels":{"job":"migrate"}}: field is immutable' },
    serverException:
      "the server merges the manifest's selector into the one it generated (which holds the Job's uid) and also finds it no longer matches the template's generated labels: the message names that uid",
  },
  {
    name: 'Job spec.completions',
    field: 'spec.completions',
    before: job(),
    edit: (o) => (o.spec.completions = 2),
    expect: { path: 'spec.completions', answer: 'The Job "migrate" is invalid: spec.completions: Invalid value: 2: field is immutable' },
  },
  {
    name: 'Indexed Job completions without parallelism',
    field: 'spec.completions',
    before: indexedJob(),
    edit: (o) => (o.spec.completions = 4),
    expect: {
      path: 'spec.completions',
      answer: 'The Job "migrate" is invalid: spec.completions: Invalid value: 4: can only be modified in tandem with spec.parallelism',
    },
  },
  {
    name: 'Indexed Job completions in tandem with parallelism',
    field: 'spec.completions',
    before: indexedJob(),
    edit: (o) => Object.assign(o.spec, { completions: 5, parallelism: 5 }),
  },
  {
    name: 'Job spec.completionMode',
    field: 'spec.completionMode',
    before: job(),
    edit: (o) => (o.spec.completionMode = 'Indexed'),
    expect: { path: 'spec.completionMode', answer: 'The Job "migrate" is invalid: spec.completionMode: Invalid value: "Indexed": field is immutable' },
  },
  {
    name: 'Job spec.podFailurePolicy',
    field: 'spec.podFailurePolicy',
    before: job(),
    // A pod failure policy needs podReplacementPolicy Failed, which may change.
    edit: (o) =>
      Object.assign(o.spec, { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] }, podReplacementPolicy: 'Failed' }),
    expect: {
      path: 'spec.podFailurePolicy',
      answer:
        'The Job "migrate" is invalid: spec.podFailurePolicy: Invalid value: {"Rules":[{"Action":"FailJob","OnExitCodes":{"ContainerName":null,"Operator":"In","Values":[42]},"OnPodConditions":null}]}: field is immutable',
    },
  },
  {
    name: 'Job spec.backoffLimitPerIndex',
    field: 'spec.backoffLimitPerIndex',
    before: indexedJob(),
    edit: (o) => (o.spec.backoffLimitPerIndex = 2),
    expect: { path: 'spec.backoffLimitPerIndex', answer: 'The Job "migrate" is invalid: spec.backoffLimitPerIndex: Invalid value: 2: field is immutable' },
  },
  {
    name: 'Job spec.managedBy',
    field: 'spec.managedBy',
    before: job(),
    edit: (o) => (o.spec.managedBy = 'kueue.x-k8s.io/multikueue'),
    expect: { path: 'spec.managedBy', answer: 'The Job "migrate" is invalid: spec.managedBy: Invalid value: "kueue.x-k8s.io/multikueue": field is immutable' },
  },
  {
    name: 'Job spec.successPolicy',
    field: 'spec.successPolicy',
    before: indexedJob(),
    edit: (o) => (o.spec.successPolicy = { rules: [{ succeededCount: 1 }] }),
    expect: {
      path: 'spec.successPolicy',
      answer: 'The Job "migrate" is invalid: spec.successPolicy: Invalid value: {"Rules":[{"SucceededIndexes":null,"SucceededCount":1}]}: field is immutable',
    },
  },
  {
    name: 'Job parallelism, activeDeadlineSeconds, backoffLimit, suspend, ttlSecondsAfterFinished',
    field: 'spec.parallelism',
    before: job(),
    edit: (o) => Object.assign(o.spec, { parallelism: 4, activeDeadlineSeconds: 600, backoffLimit: 1, suspend: true, ttlSecondsAfterFinished: 100 }),
  },
  {
    name: 'suspended Job: scheduling directives and template labels',
    field: 'spec.template.spec.nodeSelector',
    before: suspendedJob(),
    edit: (o) =>
      Object.assign(o.spec.template, {
        metadata: { labels: { queue: 'b' } },
        spec: { ...o.spec.template.spec, nodeSelector: { pool: 'batch' }, tolerations: [{ key: 'batch', operator: 'Exists' }] },
      }),
  },
  {
    name: 'suspended Job: the container image',
    field: 'spec.template.spec',
    before: suspendedJob(),
    edit: (o) => (o.spec.template.spec.containers[0].image = 'app:2.0.0'),
    expect: { path: 'spec.template.spec.containers[0].image', answer: 'The Job "migrate" is invalid: spec.template.spec: Invalid value: {…}: field is immutable' },
  },
  {
    name: 'suspended Job: container resources',
    field: 'spec.template.spec.containers[0].resources',
    before: suspendedJob(),
    edit: (o) => (o.spec.template.spec.containers[0].resources = { requests: { cpu: '500m', memory: '256Mi' } }),
  },
  {
    name: 'Job (not suspended): container resources',
    field: 'spec.template',
    before: job(),
    edit: (o) => (o.spec.template.spec.containers[0].resources = { requests: { cpu: '500m' } }),
    expect: { path: 'spec.template.spec.containers[0].resources', answer: 'The Job "migrate" is invalid: spec.template: Invalid value: {…}: field is immutable' },
  },
  {
    name: 'CronJob: schedule and job template may change',
    field: 'spec.schedule',
    before: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 2 * * *', jobTemplate: { spec: job().spec } } },
    edit: (o) => Object.assign(o.spec, { schedule: '0 3 * * *', jobTemplate: { spec: { ...o.spec.jobTemplate.spec, completions: 3 } } }),
  },

  // Service.
  {
    name: 'Service clusterIP once set',
    field: 'spec.clusterIP',
    before: service(),
    edit: (o) => (o.spec.clusterIP = '10.96.0.20'),
    expect: { path: 'spec.clusterIP', answer: 'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.20"]: may not change once set' },
  },
  {
    name: 'Service made headless',
    field: 'spec.clusterIP',
    before: service('10.96.0.11'),
    edit: (o) => (o.spec.clusterIP = 'None'),
    expect: { path: 'spec.clusterIP', answer: 'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["None"]: may not change once set' },
  },
  {
    name: 'Service clusterIP set where the server allocated one',
    field: 'spec.clusterIP',
    before: { ...service(), spec: { ...service().spec, clusterIP: undefined } },
    edit: (o) => (o.spec.clusterIP = '10.96.0.20'),
    // A warning: the server allocated an address the manifest doesn't know, and accepts only that one.
    expect: {
      severity: 'warning',
      path: 'spec.clusterIP',
      answer: 'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.0.20"]: may not change once set',
    },
  },
  {
    name: 'Service ports',
    field: 'spec.ports',
    before: service('10.96.0.12'),
    edit: (o) =>
      (o.spec.ports = [
        { name: 'http', port: 80, targetPort: 8080 },
        { name: 'metrics', port: 9090 },
      ]),
  },
  {
    name: 'Service of type ExternalName',
    field: 'spec.externalName',
    before: { ...service(), spec: { type: 'ExternalName', externalName: 'a.example.com' } },
    edit: (o) => (o.spec.externalName = 'b.example.com'),
  },
  {
    name: 'Service ipFamilies[0]',
    field: 'spec.ipFamilies',
    before: loadBalancer(30101),
    edit: (o) => (o.spec.ipFamilies = ['IPv6']),
    expect: {
      path: 'spec.ipFamilies[0]',
      answer: 'The Service "edge" is invalid: spec.clusterIPs[0]: Invalid value: "…": expected an IPv6 value as indicated by `ipFamilies[0]`',
    },
  },
  {
    name: 'Service ipFamilies[0] with the clusterIP in the manifest',
    field: 'spec.ipFamilies',
    before: { ...loadBalancer(30104), spec: { ...loadBalancer(30104).spec, clusterIP: '10.96.0.14' } },
    edit: (o) => (o.spec.ipFamilies = ['IPv6']),
    expect: {
      path: 'spec.ipFamilies[0]',
      answer: 'The Service "edge" is invalid: spec.clusterIPs[0]: Invalid value: "10.96.0.14": expected an IPv6 value as indicated by `ipFamilies[0]`',
    },
  },
  {
    name: 'Service loadBalancerClass',
    field: 'spec.loadBalancerClass',
    before: loadBalancer(),
    edit: (o) => (o.spec.loadBalancerClass = 'example.com/other'),
    expect: {
      path: 'spec.loadBalancerClass',
      answer: 'The Service "edge" is invalid: spec.loadBalancerClass: Invalid value: "example.com/other": may not change once set',
    },
  },
  {
    name: 'Service healthCheckNodePort',
    field: 'spec.healthCheckNodePort',
    before: loadBalancer(30102),
    edit: (o) => (o.spec.healthCheckNodePort = 30200),
    expect: { path: 'spec.healthCheckNodePort', answer: 'The Service "edge" is invalid: spec.healthCheckNodePort: Forbidden: field is immutable' },
  },
  {
    name: 'Service externalTrafficPolicy and type may change',
    field: 'spec.externalTrafficPolicy',
    before: loadBalancer(30103),
    edit: (o) => Object.assign(o.spec, { externalTrafficPolicy: 'Cluster', healthCheckNodePort: undefined }),
  },

  // Pod.
  {
    name: 'Pod container command',
    field: 'spec.containers[0].command',
    before: pod(),
    edit: (o) => (o.spec.containers[0].command = ['sleep', '60']),
    expect: { path: 'spec.containers[0].command[1]', answer: `The Pod "client-pod" is invalid: ${POD}` },
  },
  {
    name: 'Pod activeDeadlineSeconds raised',
    field: 'spec.activeDeadlineSeconds',
    before: pod(),
    edit: (o) => (o.spec.activeDeadlineSeconds = 1200),
    expect: {
      path: 'spec.activeDeadlineSeconds',
      answer: 'The Pod "client-pod" is invalid: spec.activeDeadlineSeconds: Invalid value: 1200: must be less than or equal to previous value',
    },
  },
  {
    name: 'Pod activeDeadlineSeconds removed',
    field: 'spec.activeDeadlineSeconds',
    before: pod(),
    edit: (o) => delete o.spec.activeDeadlineSeconds,
    expect: {
      path: 'spec.activeDeadlineSeconds',
      answer: 'The Pod "client-pod" is invalid: spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value',
    },
  },
  {
    name: 'Pod toleration removed',
    field: 'spec.tolerations',
    before: pod(),
    edit: (o) => (o.spec.tolerations = []),
    expect: {
      path: 'spec.tolerations',
      answer: 'The Pod "client-pod" is invalid: spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds',
    },
  },
  {
    name: 'Pod toleration tolerationSeconds changed',
    field: 'spec.tolerations',
    before: { ...pod(), spec: { ...pod().spec, tolerations: [{ key: 'a', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }] } },
    edit: (o) => (o.spec.tolerations[0].tolerationSeconds = 30),
  },
  {
    name: 'Pod container resources',
    field: 'spec.containers[0].resources',
    before: pod(),
    edit: (o) => (o.spec.containers[0].resources = { requests: { cpu: '100m' } }),
    expect: { path: 'spec.containers[0].resources', answer: `The Pod "client-pod" is invalid: ${POD}` },
  },
  {
    name: 'Pod image, lower deadline, added toleration',
    field: 'spec.containers[0].image',
    before: pod(),
    edit: (o) =>
      Object.assign(o.spec, {
        activeDeadlineSeconds: 300,
        tolerations: [...o.spec.tolerations, { key: 'b', operator: 'Exists' }],
        containers: [{ ...o.spec.containers[0], image: 'busybox:1.37.0' }],
      }),
  },

  // PersistentVolumeClaim: bound, as a deployed claim usually is.
  {
    name: 'PVC storage shrinks',
    field: 'spec.resources.requests.storage',
    before: claim(),
    status: BOUND,
    prerequisites: [storageClass()],
    edit: (o) => (o.spec.resources.requests.storage = '5Gi'),
    expect: {
      path: 'spec.resources.requests.storage',
      answer: 'The PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
    },
  },
  {
    name: 'PVC storage grows',
    field: 'spec.resources.requests.storage',
    before: claim(),
    status: BOUND,
    prerequisites: [storageClass()],
    edit: (o) => (o.spec.resources.requests.storage = '20Gi'),
  },
  {
    name: 'PVC storage grows on a claim not yet bound',
    field: 'spec.resources.requests.storage',
    before: claim(),
    prerequisites: [storageClass()],
    edit: (o) => (o.spec.resources.requests.storage = '20Gi'),
    serverException: "whether the claim is bound is in its status, which a manifest doesn't have: we judge it as bound (a deployed claim usually is)",
  },
  {
    name: 'PVC storage written in other units',
    field: 'spec.resources.requests.storage',
    before: claim(),
    status: BOUND,
    prerequisites: [storageClass()],
    edit: (o) => (o.spec.resources.requests.storage = '10240Mi'),
  },
  {
    name: 'PVC storageClassName',
    field: 'spec.storageClassName',
    before: claim(),
    status: BOUND,
    edit: (o) => (o.spec.storageClassName = 'slow'),
    expect: { path: 'spec.storageClassName', answer: `The PersistentVolumeClaim "data" is invalid: ${PVC}` },
  },
  {
    name: 'PVC accessModes',
    field: 'spec.accessModes',
    before: claim(),
    status: BOUND,
    edit: (o) => (o.spec.accessModes = ['ReadWriteMany']),
    expect: { path: 'spec.accessModes[0]', answer: `The PersistentVolumeClaim "data" is invalid: ${PVC}` },
  },
  {
    name: 'PVC volumeMode',
    field: 'spec.volumeMode',
    before: claim(),
    status: BOUND,
    edit: (o) => (o.spec.volumeMode = 'Block'),
    // The spec error (with volumeMode in its diff) comes too: two findings, as kubectl prints two errors.
    expect: { path: 'spec.volumeMode', answer: 'The PersistentVolumeClaim "data" is invalid: volumeMode: Invalid value: "Block": field is immutable', findings: 2 },
  },
  {
    name: 'PVC storageClassName set from nil',
    field: 'spec.storageClassName',
    before: { ...claim(), spec: { ...claim().spec, storageClassName: undefined } },
    edit: (o) => (o.spec.storageClassName = 'fast'),
  },
  {
    name: 'PVC volumeName set once',
    field: 'spec.volumeName',
    before: claim(),
    edit: (o) => (o.spec.volumeName = 'pv-data'),
  },
  {
    name: 'PVC volumeName changed',
    field: 'spec.volumeName',
    before: { ...claim(), spec: { ...claim().spec, volumeName: 'pv-data' } },
    status: BOUND,
    edit: (o) => (o.spec.volumeName = 'pv-other'),
    expect: { path: 'spec.volumeName', answer: `The PersistentVolumeClaim "data" is invalid: ${PVC}` },
  },
  {
    name: 'PVC volumeAttributesClassName changed on a bound claim',
    field: 'spec.volumeAttributesClassName',
    before: { ...claim(), spec: { ...claim().spec, volumeAttributesClassName: 'gold' } },
    status: BOUND,
    edit: (o) => (o.spec.volumeAttributesClassName = 'silver'),
  },
  {
    name: 'PVC volumeAttributesClassName removed once applied',
    field: 'spec.volumeAttributesClassName',
    before: { ...claim(), spec: { ...claim().spec, volumeAttributesClassName: 'gold' } },
    status: { ...BOUND, currentVolumeAttributesClassName: 'gold' },
    edit: (o) => delete o.spec.volumeAttributesClassName,
    expect: {
      path: 'spec.volumeAttributesClassName',
      answer:
        'The PersistentVolumeClaim "data" is invalid: spec.volumeAttributesClassName: Forbidden: update to nil is forbidden when status.currentVolumeAttributesClassName is not nil',
    },
  },

  // PersistentVolume.
  {
    name: 'PV volume source',
    field: 'spec.nfs',
    before: volume(),
    edit: (o) => (o.spec.nfs.server = 'nfs-2.example.internal'),
    expect: {
      path: 'spec.nfs.server',
      answer: 'The PersistentVolume "pv-nfs" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation',
    },
  },
  {
    name: 'PV csi controllerExpandSecretRef added',
    field: 'spec.csi.controllerExpandSecretRef',
    before: csiVolume(),
    edit: (o) => (o.spec.csi.controllerExpandSecretRef = { name: 'expand', namespace: 'kube-system' }),
  },
  {
    name: 'PV csi volumeHandle',
    field: 'spec.csi.volumeHandle',
    before: csiVolume(),
    edit: (o) => (o.spec.csi.volumeHandle = 'vol-4567'),
    expect: {
      path: 'spec.csi.volumeHandle',
      answer: 'The PersistentVolume "pv-csi" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation',
    },
  },
  {
    name: 'PV volumeMode',
    field: 'spec.volumeMode',
    before: volume(),
    edit: (o) => (o.spec.volumeMode = 'Block'),
    expect: { path: 'spec.volumeMode', answer: 'The PersistentVolume "pv-nfs" is invalid: volumeMode: Invalid value: "Block": field is immutable' },
  },
  {
    name: 'PV nodeAffinity changed',
    field: 'spec.nodeAffinity',
    before: volume(),
    edit: (o) => (o.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values = ['b']),
    expect: {
      path: 'spec.nodeAffinity',
      answer:
        'The PersistentVolume "pv-nfs" is invalid: nodeAffinity: Invalid value: {"Required":{"NodeSelectorTerms":[{"MatchExpressions":[{"Key":"zone","Operator":"In","Values":["b"]}],"MatchFields":null}]}}: field is immutable, except for updating from beta label to GA',
    },
  },
  {
    name: 'PV nodeAffinity set where there was none',
    field: 'spec.nodeAffinity',
    before: csiVolume(),
    edit: (o) => (o.spec.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] }] } }),
  },
  {
    name: 'PV capacity and reclaim policy',
    field: 'spec.capacity',
    before: volume(),
    edit: (o) => Object.assign(o.spec, { capacity: { storage: '200Gi' }, persistentVolumeReclaimPolicy: 'Delete' }),
  },
  {
    name: 'PV volumeAttributesClassName removed',
    field: 'spec.volumeAttributesClassName',
    before: { ...csiVolume(), spec: { ...csiVolume().spec, volumeAttributesClassName: 'gold' } },
    edit: (o) => delete o.spec.volumeAttributesClassName,
    expect: {
      path: 'spec.volumeAttributesClassName',
      answer: 'The PersistentVolume "pv-csi" is invalid: spec.volumeAttributesClassName: Forbidden: update from non-nil value to nil is forbidden',
    },
  },

  // ConfigMap and Secret.
  {
    name: 'immutable ConfigMap data',
    field: 'data',
    before: configMap(true),
    edit: (o) => (o.data.LOG_LEVEL = 'debug'),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'data.LOG_LEVEL', answer: `The ConfigMap "settings" is invalid: data: ${CONFIG}` },
  },
  {
    name: 'immutable ConfigMap binaryData',
    field: 'binaryData',
    before: configMap(true),
    edit: (o) => (o.binaryData.blob = 'AAED'),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'binaryData.blob', answer: `The ConfigMap "settings" is invalid: binaryData: ${CONFIG}` },
  },
  {
    name: 'immutable ConfigMap made mutable',
    field: 'immutable',
    before: configMap(true),
    edit: (o) => (o.immutable = false),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'immutable', answer: `The ConfigMap "settings" is invalid: immutable: ${CONFIG}` },
  },
  { name: 'mutable ConfigMap data', field: 'data', before: configMap(false), edit: (o) => (o.data.LOG_LEVEL = 'debug') },
  { name: 'ConfigMap made immutable', field: 'immutable', before: configMap(false), edit: (o) => (o.immutable = true) },
  {
    name: 'immutable Secret data',
    field: 'data',
    before: secret(true),
    edit: (o) => (o.data.password = Buffer.from('other').toString('base64')),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'data.password', answer: `The Secret "creds" is invalid: data: ${CONFIG}` },
  },
  {
    name: 'immutable Secret data through stringData',
    field: 'stringData',
    before: secret(true),
    edit: (o) => (o.stringData = { password: 'other' }),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'stringData.password', answer: `The Secret "creds" is invalid: data: ${CONFIG}` },
  },
  {
    name: 'immutable Secret made mutable',
    field: 'immutable',
    before: secret(true),
    edit: (o) => (o.immutable = false),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'immutable', answer: `The Secret "creds" is invalid: immutable: ${CONFIG}` },
  },
  {
    name: 'immutable Secret: the same value moved to stringData',
    field: 'stringData',
    before: secret(true),
    edit: (o) => Object.assign(o, { data: undefined, stringData: { password: 's3cret' } }),
  },
  { name: 'mutable Secret data', field: 'data', before: secret(false), edit: (o) => (o.data.password = Buffer.from('other').toString('base64')) },
  {
    name: 'Secret type (even a mutable one)',
    field: 'type',
    before: secret(false),
    edit: (o) => {
      o.type = 'kubernetes.io/basic-auth';
      o.data = { username: Buffer.from('app').toString('base64'), password: o.data.password };
    },
    expect: { path: 'type', answer: 'The Secret "creds" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable' },
  },

  // StorageClass.
  {
    name: 'StorageClass parameters',
    field: 'parameters',
    before: storageClass(),
    edit: (o) => (o.parameters.type = 'io2'),
    expect: { path: 'parameters.type', answer: 'The StorageClass "fast" is invalid: parameters: Invalid value: null: field is immutable' },
  },
  {
    name: 'StorageClass provisioner',
    field: 'provisioner',
    before: storageClass(),
    edit: (o) => (o.provisioner = 'pd.csi.storage.gke.io'),
    expect: { path: 'provisioner', answer: 'The StorageClass "fast" is invalid: provisioner: Invalid value: null: field is immutable' },
  },
  {
    name: 'StorageClass reclaimPolicy',
    field: 'reclaimPolicy',
    before: storageClass(),
    edit: (o) => (o.reclaimPolicy = 'Retain'),
    expect: { path: 'reclaimPolicy', answer: 'The StorageClass "fast" is invalid: reclaimPolicy: Invalid value: null: field is immutable' },
  },
  {
    name: 'StorageClass volumeBindingMode',
    field: 'volumeBindingMode',
    before: storageClass(),
    edit: (o) => (o.volumeBindingMode = 'WaitForFirstConsumer'),
    expect: { path: 'volumeBindingMode', answer: 'The StorageClass "fast" is invalid: volumeBindingMode: Invalid value: null: field is immutable' },
  },
  {
    name: 'StorageClass defaults written out, expansion toggled',
    field: 'allowVolumeExpansion',
    before: storageClass(),
    edit: (o) => Object.assign(o, { reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', allowVolumeExpansion: false }),
  },
];

/** The edited object of a row. */
export function editedObject(row: ImmutableFieldCase): Obj {
  const after = structuredClone(row.before);
  row.edit(after);
  return after;
}
