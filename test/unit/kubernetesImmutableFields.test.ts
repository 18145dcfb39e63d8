/**
 * One row per immutability rule of the Kubernetes validation code, for the kinds the rules cover
 * (kubernetes/kubernetes `pkg/apis/{apps,batch,core,storage}/validation/validation.go` and the
 * apps registries' `strategy.go`): the edit gives the finding with the API server's text, and
 * allowed edits nearby give none.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyse, clone, seedDeployment, toYaml } from './kubernetesTestSupport';

type Obj = Record<string, any>;

interface Row {
  name: string;
  before: Obj;
  edit: (o: Obj) => void;
  /** Undefined: an allowed change, no immutable-field / immutable-config-changed finding. */
  expect?: { code?: string; severity?: string; path: string; answer: string };
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
const service = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { clusterIP: '10.0.0.10', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
});
const loadBalancer = (): Obj => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'edge' },
  spec: {
    type: 'LoadBalancer',
    loadBalancerClass: 'example.com/lb',
    externalTrafficPolicy: 'Local',
    healthCheckNodePort: 30100,
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
const claim = (): Obj => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data' },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '10Gi' } } },
});
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

const STS =
  "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
const POD = 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`';
const PVC = 'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims';
const CONFIG = 'Forbidden: field is immutable when `immutable` is set';
const NEW_SELECTOR =
  'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"nginx", "tier":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable';
const addTier = (o: Obj) => (o.spec.selector.matchLabels.tier = 'web');

const ROWS: Row[] = [
  // Deployment, ReplicaSet, DaemonSet: the selector, from the registry strategies.
  {
    name: 'Deployment spec.selector',
    before: seedDeployment(),
    edit: addTier,
    expect: { path: 'spec.selector', answer: `The Deployment "nginx-deployment" is invalid: ${NEW_SELECTOR}` },
  },
  { name: 'Deployment replicas', before: seedDeployment(), edit: (o) => (o.spec.replicas = 10) },
  { name: 'Deployment template', before: seedDeployment(), edit: (o) => (o.spec.template.spec.containers[0].image = 'nginx:1.23.3') },
  { name: 'Deployment strategy', before: seedDeployment(), edit: (o) => (o.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } }) },
  {
    name: 'Deployment selector under extensions/v1beta1 (no check there)',
    before: { ...seedDeployment(), apiVersion: 'extensions/v1beta1' },
    edit: addTier,
  },
  {
    name: 'ReplicaSet spec.selector',
    before: withKind('ReplicaSet')(),
    edit: addTier,
    expect: { path: 'spec.selector', answer: `The ReplicaSet "nginx-deployment" is invalid: ${NEW_SELECTOR}` },
  },
  {
    name: 'DaemonSet spec.selector',
    before: withKind('DaemonSet')(),
    edit: addTier,
    expect: { path: 'spec.selector', answer: `The DaemonSet "nginx-deployment" is invalid: ${NEW_SELECTOR}` },
  },
  { name: 'DaemonSet template', before: withKind('DaemonSet')(), edit: (o) => (o.spec.template.spec.containers[0].image = 'nginx:1.25.0') },

  // StatefulSet: one Forbidden on spec; we name the field.
  {
    name: 'StatefulSet volumeClaimTemplates',
    before: statefulSet(),
    edit: (o) => (o.spec.volumeClaimTemplates[0].spec.resources.requests.storage = '20Gi'),
    expect: { path: 'spec.volumeClaimTemplates', answer: `The StatefulSet "db" is invalid: ${STS}` },
  },
  { name: 'StatefulSet serviceName', before: statefulSet(), edit: (o) => (o.spec.serviceName = 'db-headless'), expect: { path: 'spec.serviceName', answer: STS } },
  { name: 'StatefulSet selector', before: statefulSet(), edit: (o) => (o.spec.selector.matchLabels.app = 'pg'), expect: { path: 'spec.selector', answer: STS } },
  {
    name: 'StatefulSet podManagementPolicy',
    before: statefulSet(),
    edit: (o) => (o.spec.podManagementPolicy = 'Parallel'),
    expect: { path: 'spec.podManagementPolicy', answer: STS },
  },
  {
    name: 'StatefulSet revisionHistoryLimit (allowed by newer servers: a warning)',
    before: statefulSet(),
    edit: (o) => (o.spec.revisionHistoryLimit = 3),
    expect: { severity: 'warning', path: 'spec.revisionHistoryLimit', answer: STS },
  },
  { name: 'StatefulSet podManagementPolicy written as its default', before: statefulSet(), edit: (o) => (o.spec.podManagementPolicy = 'OrderedReady') },
  { name: 'StatefulSet replicas', before: statefulSet(), edit: (o) => (o.spec.replicas = 5) },
  { name: 'StatefulSet template', before: statefulSet(), edit: (o) => (o.spec.template.spec.containers[0].image = 'postgres:16.5') },
  { name: 'StatefulSet updateStrategy', before: statefulSet(), edit: (o) => (o.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }) },
  {
    name: 'StatefulSet minReadySeconds, ordinals, PVC retention policy',
    before: statefulSet(),
    edit: (o) => Object.assign(o.spec, { minReadySeconds: 10, ordinals: { start: 1 }, persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } }),
  },

  // Job.
  {
    name: 'Job spec.template',
    before: job(),
    edit: (o) => (o.spec.template.spec.containers[0].image = 'app:1.4.3'),
    expect: {
      path: 'spec.template.spec.containers[0].image',
      answer: 'The Job "migrate" is invalid: spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable',
    },
  },
  {
    name: 'Job spec.selector',
    before: job(),
    edit: (o) => (o.spec.selector = { matchLabels: { job: 'migrate' } }),
    expect: { path: 'spec.selector', answer: 'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"job":"migrate"}' },
  },
  {
    name: 'Job spec.completions',
    before: job(),
    edit: (o) => (o.spec.completions = 2),
    expect: { path: 'spec.completions', answer: 'spec.completions: Invalid value: 2: field is immutable' },
  },
  {
    name: 'Indexed Job completions without parallelism',
    before: indexedJob(),
    edit: (o) => (o.spec.completions = 4),
    expect: { path: 'spec.completions', answer: 'spec.completions: Invalid value: 4: can only be modified in tandem with spec.parallelism' },
  },
  { name: 'Indexed Job completions in tandem with parallelism', before: indexedJob(), edit: (o) => Object.assign(o.spec, { completions: 5, parallelism: 5 }) },
  {
    name: 'Job spec.completionMode',
    before: job(),
    edit: (o) => (o.spec.completionMode = 'Indexed'),
    expect: { path: 'spec.completionMode', answer: 'spec.completionMode: Invalid value: "Indexed": field is immutable' },
  },
  {
    name: 'Job spec.podFailurePolicy',
    before: job(),
    edit: (o) => (o.spec.podFailurePolicy = { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] }),
    expect: { path: 'spec.podFailurePolicy', answer: 'spec.podFailurePolicy: Invalid value: batch.PodFailurePolicy{…}: field is immutable' },
  },
  {
    name: 'Job spec.backoffLimitPerIndex',
    before: indexedJob(),
    edit: (o) => (o.spec.backoffLimitPerIndex = 2),
    expect: { path: 'spec.backoffLimitPerIndex', answer: 'spec.backoffLimitPerIndex: Invalid value: 2: field is immutable' },
  },
  {
    name: 'Job spec.managedBy',
    before: job(),
    edit: (o) => (o.spec.managedBy = 'kueue.x-k8s.io/multikueue'),
    expect: { path: 'spec.managedBy', answer: 'spec.managedBy: Invalid value: "kueue.x-k8s.io/multikueue": field is immutable' },
  },
  {
    name: 'Job spec.successPolicy',
    before: indexedJob(),
    edit: (o) => (o.spec.successPolicy = { rules: [{ succeededCount: 1 }] }),
    expect: { path: 'spec.successPolicy', answer: 'spec.successPolicy: Invalid value: batch.SuccessPolicy{…}: field is immutable' },
  },
  {
    name: 'Job parallelism, activeDeadlineSeconds, backoffLimit, suspend, ttlSecondsAfterFinished',
    before: job(),
    edit: (o) => Object.assign(o.spec, { parallelism: 4, activeDeadlineSeconds: 600, backoffLimit: 1, suspend: true, ttlSecondsAfterFinished: 100 }),
  },
  {
    name: 'suspended Job: scheduling directives and template labels',
    before: { ...job(), spec: { ...job().spec, suspend: true } },
    edit: (o) =>
      Object.assign(o.spec.template, {
        metadata: { labels: { queue: 'b' } },
        spec: { ...o.spec.template.spec, nodeSelector: { pool: 'batch' }, tolerations: [{ key: 'batch', operator: 'Exists' }] },
      }),
  },
  {
    name: 'suspended Job: the container image',
    before: { ...job(), spec: { ...job().spec, suspend: true } },
    edit: (o) => (o.spec.template.spec.containers[0].image = 'app:2.0.0'),
    expect: { path: 'spec.template.spec.containers[0].image', answer: 'spec.template: Invalid value: core.PodTemplateSpec{…}: field is immutable' },
  },
  {
    name: 'CronJob: schedule and job template may change',
    before: { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' }, spec: { schedule: '0 2 * * *', jobTemplate: { spec: job().spec } } },
    edit: (o) => Object.assign(o.spec, { schedule: '0 3 * * *', jobTemplate: { spec: { ...o.spec.jobTemplate.spec, completions: 3 } } }),
  },

  // Service.
  {
    name: 'Service clusterIP once set',
    before: service(),
    edit: (o) => (o.spec.clusterIP = '10.0.0.20'),
    expect: { path: 'spec.clusterIP', answer: 'The Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.0.0.20"}: may not change once set' },
  },
  {
    name: 'Service made headless',
    before: service(),
    edit: (o) => (o.spec.clusterIP = 'None'),
    expect: { path: 'spec.clusterIP', answer: 'spec.clusterIPs[0]: Invalid value: []string{"None"}: may not change once set' },
  },
  {
    name: 'Service clusterIP set where the server allocated one',
    before: { ...service(), spec: { ...service().spec, clusterIP: undefined } },
    edit: (o) => (o.spec.clusterIP = '10.0.0.20'),
  },
  { name: 'Service ports', before: service(), edit: (o) => o.spec.ports.push({ name: 'metrics', port: 9090 }) },
  {
    name: 'Service of type ExternalName',
    before: { ...service(), spec: { type: 'ExternalName', externalName: 'a.example.com', clusterIP: '' } },
    edit: (o) => (o.spec.externalName = 'b.example.com'),
  },
  {
    name: 'Service ipFamilies[0]',
    before: loadBalancer(),
    edit: (o) => (o.spec.ipFamilies = ['IPv6']),
    expect: { path: 'spec.ipFamilies[0]', answer: 'spec.ipFamilies[0]: Invalid value: []core.IPFamily{"IPv6"}: may not change once set' },
  },
  {
    name: 'Service loadBalancerClass',
    before: loadBalancer(),
    edit: (o) => (o.spec.loadBalancerClass = 'example.com/other'),
    expect: { path: 'spec.loadBalancerClass', answer: 'spec.loadBalancerClass: Invalid value: "example.com/other": may not change once set' },
  },
  {
    name: 'Service healthCheckNodePort',
    before: loadBalancer(),
    edit: (o) => (o.spec.healthCheckNodePort = 30200),
    expect: { path: 'spec.healthCheckNodePort', answer: 'spec.healthCheckNodePort: Forbidden: field is immutable' },
  },

  // Pod.
  {
    name: 'Pod container command',
    before: pod(),
    edit: (o) => (o.spec.containers[0].command = ['sleep', '60']),
    expect: { path: 'spec.containers[0].command[1]', answer: `The Pod "client-pod" is invalid: ${POD}` },
  },
  {
    name: 'Pod activeDeadlineSeconds raised',
    before: pod(),
    edit: (o) => (o.spec.activeDeadlineSeconds = 1200),
    expect: { path: 'spec.activeDeadlineSeconds', answer: 'spec.activeDeadlineSeconds: Invalid value: 1200: must be less than or equal to previous value' },
  },
  {
    name: 'Pod activeDeadlineSeconds removed',
    before: pod(),
    edit: (o) => delete o.spec.activeDeadlineSeconds,
    expect: { path: 'spec.activeDeadlineSeconds', answer: 'spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value' },
  },
  { name: 'Pod toleration removed', before: pod(), edit: (o) => (o.spec.tolerations = []), expect: { path: 'spec.tolerations', answer: POD } },
  {
    name: 'Pod image, lower deadline, added toleration',
    before: pod(),
    edit: (o) =>
      Object.assign(o.spec, {
        activeDeadlineSeconds: 300,
        tolerations: [...o.spec.tolerations, { key: 'b', operator: 'Exists' }],
        containers: [{ ...o.spec.containers[0], image: 'busybox:1.37.0' }],
      }),
  },

  // PersistentVolumeClaim.
  {
    name: 'PVC storage shrinks',
    before: claim(),
    edit: (o) => (o.spec.resources.requests.storage = '5Gi'),
    expect: {
      path: 'spec.resources.requests.storage',
      answer: 'The PersistentVolumeClaim "data" is invalid: spec.resources.requests.storage: Forbidden: field can not be less than previous value',
    },
  },
  { name: 'PVC storage grows', before: claim(), edit: (o) => (o.spec.resources.requests.storage = '20Gi') },
  { name: 'PVC storage written in other units', before: claim(), edit: (o) => (o.spec.resources.requests.storage = '10240Mi') },
  { name: 'PVC storageClassName', before: claim(), edit: (o) => (o.spec.storageClassName = 'slow'), expect: { path: 'spec.storageClassName', answer: PVC } },
  { name: 'PVC accessModes', before: claim(), edit: (o) => (o.spec.accessModes = ['ReadWriteMany']), expect: { path: 'spec.accessModes[0]', answer: PVC } },
  {
    name: 'PVC volumeMode',
    before: claim(),
    edit: (o) => (o.spec.volumeMode = 'Block'),
    expect: { path: 'spec.volumeMode', answer: 'volumeMode: Invalid value: "Block": field is immutable' },
  },
  {
    name: 'PVC storageClassName set from nil',
    before: { ...claim(), spec: { ...claim().spec, storageClassName: undefined } },
    edit: (o) => (o.spec.storageClassName = 'fast'),
  },
  {
    name: 'PVC volumeAttributesClassName removed',
    before: { ...claim(), spec: { ...claim().spec, volumeAttributesClassName: 'gold' } },
    edit: (o) => delete o.spec.volumeAttributesClassName,
    expect: { path: 'spec.volumeAttributesClassName', answer: 'spec.volumeAttributesClassName: Forbidden: update from non-nil value to nil is forbidden' },
  },

  // PersistentVolume.
  {
    name: 'PV volume source',
    before: volume(),
    edit: (o) => (o.spec.nfs.server = 'nfs-2.example.internal'),
    expect: { path: 'spec.nfs.server', answer: 'spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation' },
  },
  {
    name: 'PV volumeMode',
    before: volume(),
    edit: (o) => (o.spec.volumeMode = 'Block'),
    expect: { path: 'spec.volumeMode', answer: 'volumeMode: Invalid value: "Block": field is immutable' },
  },
  {
    name: 'PV nodeAffinity once set',
    before: volume(),
    edit: (o) => (o.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values = ['b']),
    expect: {
      path: 'spec.nodeAffinity',
      answer: 'nodeAffinity: Invalid value: core.VolumeNodeAffinity{…}: field is immutable, except for updating from beta label to GA',
    },
  },
  {
    name: 'PV capacity and reclaim policy',
    before: volume(),
    edit: (o) => Object.assign(o.spec, { capacity: { storage: '200Gi' }, persistentVolumeReclaimPolicy: 'Delete' }),
  },

  // ConfigMap and Secret.
  {
    name: 'immutable ConfigMap data',
    before: configMap(true),
    edit: (o) => (o.data.LOG_LEVEL = 'debug'),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'data.LOG_LEVEL', answer: `The ConfigMap "settings" is invalid: data: ${CONFIG}` },
  },
  {
    name: 'immutable ConfigMap binaryData',
    before: configMap(true),
    edit: (o) => (o.binaryData.blob = 'AAED'),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'binaryData.blob', answer: `binaryData: ${CONFIG}` },
  },
  {
    name: 'immutable ConfigMap made mutable',
    before: configMap(true),
    edit: (o) => (o.immutable = false),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'immutable', answer: `immutable: ${CONFIG}` },
  },
  { name: 'mutable ConfigMap data', before: configMap(false), edit: (o) => (o.data.LOG_LEVEL = 'debug') },
  { name: 'ConfigMap made immutable', before: configMap(false), edit: (o) => (o.immutable = true) },
  {
    name: 'immutable Secret data',
    before: secret(true),
    edit: (o) => (o.data.password = Buffer.from('other').toString('base64')),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'data.password', answer: `The Secret "creds" is invalid: data: ${CONFIG}` },
  },
  {
    name: 'immutable Secret data through stringData',
    before: secret(true),
    edit: (o) => (o.stringData = { password: 'other' }),
    expect: { code: 'kubernetes/immutable-config-changed', path: 'stringData.password', answer: `data: ${CONFIG}` },
  },
  {
    name: 'immutable Secret: the same value moved to stringData',
    before: secret(true),
    edit: (o) => Object.assign(o, { data: undefined, stringData: { password: 's3cret' } }),
  },
  {
    name: 'Secret type (even a mutable one)',
    before: secret(false),
    edit: (o) => (o.type = 'kubernetes.io/basic-auth'),
    expect: { path: 'type', answer: 'type: Invalid value: "kubernetes.io/basic-auth": field is immutable' },
  },

  // StorageClass.
  {
    name: 'StorageClass parameters',
    before: storageClass(),
    edit: (o) => (o.parameters.type = 'io2'),
    expect: { path: 'parameters.type', answer: 'The StorageClass "fast" is invalid: parameters: Forbidden: updates to parameters are forbidden.' },
  },
  {
    name: 'StorageClass provisioner',
    before: storageClass(),
    edit: (o) => (o.provisioner = 'pd.csi.storage.gke.io'),
    expect: { path: 'provisioner', answer: 'provisioner: Forbidden: updates to provisioner are forbidden.' },
  },
  {
    name: 'StorageClass reclaimPolicy',
    before: storageClass(),
    edit: (o) => (o.reclaimPolicy = 'Retain'),
    expect: { path: 'reclaimPolicy', answer: 'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.' },
  },
  {
    name: 'StorageClass volumeBindingMode',
    before: storageClass(),
    edit: (o) => (o.volumeBindingMode = 'WaitForFirstConsumer'),
    expect: { path: 'volumeBindingMode', answer: 'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable' },
  },
  {
    name: 'StorageClass defaults written out, expansion toggled',
    before: storageClass(),
    edit: (o) => Object.assign(o, { reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate', allowVolumeExpansion: false }),
  },
];

const IMMUTABLE_CODES = new Set(['kubernetes/immutable-field', 'kubernetes/immutable-config-changed']);

describe('immutable fields: one row per rule of the validation code', () => {
  for (const row of ROWS) {
    test(row.name, () => {
      const after = clone(row.before);
      row.edit(after);
      const findings = analyse(toYaml(row.before), toYaml(after)).filter((f) => IMMUTABLE_CODES.has(f.code));
      if (!row.expect) {
        assert.deepEqual(
          findings.map((f) => f.message),
          [],
          'an allowed change gives no immutable-field finding',
        );
        return;
      }
      assert.equal(
        findings.length,
        1,
        JSON.stringify(
          findings.map((f) => f.message),
          null,
          2,
        ),
      );
      const [finding] = findings;
      assert.equal(finding.code, row.expect.code ?? 'kubernetes/immutable-field');
      assert.equal(finding.severity, row.expect.severity ?? 'error');
      assert.equal(finding.path, row.expect.path);
      assert.ok(finding.message.includes(row.expect.answer), `message:\n${finding.message}\nshould quote:\n${row.expect.answer}`);
      assert.ok(finding.detail?.includes('**Rule:**') && finding.ruleSource?.startsWith('kubernetes/kubernetes '), 'the hover names the rule and its source');
      // What delete-and-recreate means for the kind is part of the message.
      assert.match(finding.message, /delet|re-creat|new name/i);
    });
  }
});

describe('immutable-field findings: where and what', () => {
  test('the squiggle is on the changed field of the edited object, in its own document', () => {
    const before = toYaml(service(), seedDeployment());
    const edited = seedDeployment();
    addTier(edited);
    const text = toYaml(service(), edited);
    const [finding] = analyse(before, text).filter((f) => f.code === 'kubernetes/immutable-field');
    const lines = text.split('\n');
    assert.equal(lines[finding.range.start.line].trim(), 'selector:');
    assert.ok(finding.range.start.line > text.split('---')[0].split('\n').length - 1, 'in the second document');
    assert.equal(finding.address, 'Deployment.apps/default/nginx-deployment');
    assert.equal(finding.kind, 'Deployment');
    assert.equal(finding.name, 'nginx-deployment');
  });

  test('a renamed object is another object: no immutable-field finding', () => {
    const edited = seedDeployment();
    edited.metadata.name = 'nginx-v2';
    addTier(edited);
    assert.deepEqual(
      analyse(toYaml(seedDeployment()), toYaml(edited)).filter((f) => IMMUTABLE_CODES.has(f.code)),
      [],
    );
  });

  test('the namespace is part of the identity; "default" when unset', () => {
    const deployed = seedDeployment();
    const edited = seedDeployment();
    edited.metadata.namespace = 'default';
    addTier(edited);
    assert.equal(analyse(toYaml(deployed), toYaml(edited)).filter((f) => f.code === 'kubernetes/immutable-field').length, 1);
    edited.metadata.namespace = 'staging';
    assert.equal(analyse(toYaml(deployed), toYaml(edited)).filter((f) => f.code === 'kubernetes/immutable-field').length, 0);
  });

  test('moving a Deployment from extensions/v1beta1 to apps/v1 edits the same object', () => {
    const deployed = { ...seedDeployment(), apiVersion: 'extensions/v1beta1' };
    const edited = seedDeployment();
    addTier(edited);
    assert.equal(analyse(toYaml(deployed), toYaml(edited)).filter((f) => f.code === 'kubernetes/immutable-field').length, 1);
  });

  test('objects inside a List are matched one by one', () => {
    const list = (items: Obj[]) => ({ apiVersion: 'v1', kind: 'List', items });
    const edited = claim();
    edited.spec.resources.requests.storage = '1Gi';
    const findings = analyse(toYaml(list([service(), claim()])), toYaml(list([service(), edited])));
    assert.deepEqual(
      findings.map((f) => f.code),
      ['kubernetes/immutable-field'],
    );
    assert.equal(findings[0].path, 'spec.resources.requests.storage');
  });
});
