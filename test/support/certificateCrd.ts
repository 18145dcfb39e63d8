/**
 * A cert-manager-like CustomResourceDefinition whose `x-kubernetes-validations` declare immutable
 * fields in every form the analysis evaluates, plus one it doesn't: shared by the unit tests, the
 * language-server test and the end-to-end test against the real API server (which accepts it).
 */
type Obj = Record<string, any>;

export const CRD_GROUP = 'cert.example.test';
export const CRD_NAME = `certificates.${CRD_GROUP}`;

const selfUnchanged = (message?: string, extra: Obj = {}) => [{ rule: 'self == oldSelf', ...(message ? { message } : {}), ...extra }];

export function certificateCrd(): Obj {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: CRD_NAME },
    spec: {
      group: CRD_GROUP,
      names: { kind: 'Certificate', plural: 'certificates', singular: 'certificate', listKind: 'CertificateList' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  'x-kubernetes-validations': [
                    { rule: '!has(oldSelf.issuerRef) || has(self.issuerRef)', message: 'issuerRef may not be removed' },
                    { rule: 'has(self.keystore) == has(oldSelf.keystore)' },
                    { rule: 'has(oldSelf.dnsName) || !has(self.dnsName)', message: 'dnsName may not be added' },
                    { rule: '!has(oldSelf.duration) || self.duration == oldSelf.duration', message: 'duration may not change once set' },
                    { rule: 'oldSelf.commonName == self.commonName', reason: 'FieldValueForbidden', fieldPath: '.commonName', message: 'commonName is fixed' },
                    { rule: 'self.renewBefore <= oldSelf.renewBefore', message: 'renewBefore may only shrink' },
                  ],
                  properties: {
                    secretName: { type: 'string', 'x-kubernetes-validations': selfUnchanged('secretName is immutable') },
                    plain: { type: 'string', 'x-kubernetes-validations': selfUnchanged() },
                    count: { type: 'integer', 'x-kubernetes-validations': selfUnchanged(undefined, { reason: 'FieldValueForbidden' }) },
                    ratio: { type: 'number', 'x-kubernetes-validations': selfUnchanged() },
                    issuerRef: {
                      type: 'object',
                      properties: { name: { type: 'string' }, kind: { type: 'string' } },
                      'x-kubernetes-validations': selfUnchanged('issuerRef is immutable'),
                    },
                    keystore: { type: 'object', properties: { pkcs12: { type: 'boolean' } } },
                    dnsName: { type: 'string' },
                    duration: { type: 'string' },
                    commonName: { type: 'string' },
                    renewBefore: { type: 'integer' },
                    labels: {
                      type: 'object',
                      maxProperties: 10,
                      additionalProperties: { type: 'string', maxLength: 64, 'x-kubernetes-validations': selfUnchanged('label values are fixed') },
                    },
                    usages: {
                      type: 'array',
                      maxItems: 10,
                      'x-kubernetes-list-type': 'set',
                      items: { type: 'string', maxLength: 64 },
                      'x-kubernetes-validations': selfUnchanged(),
                    },
                    ports: {
                      type: 'array',
                      maxItems: 10,
                      'x-kubernetes-list-type': 'map',
                      'x-kubernetes-list-map-keys': ['name'],
                      items: {
                        type: 'object',
                        required: ['name'],
                        properties: {
                          name: { type: 'string', maxLength: 64 },
                          port: { type: 'integer', 'x-kubernetes-validations': selfUnchanged('port is immutable') },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        },
        {
          name: 'v1alpha1',
          served: true,
          storage: false,
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: {
                  type: 'object',
                  properties: { secretName: { type: 'string', 'x-kubernetes-validations': selfUnchanged('secretName is immutable in v1alpha1') } },
                },
              },
            },
          },
        },
        {
          name: 'v0',
          served: false,
          storage: false,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
        },
      ],
    },
  };
}

/** A Certificate that every edit of the tests starts from. */
export function certificate(name = 'web-tls', namespace?: string): Obj {
  return {
    apiVersion: `${CRD_GROUP}/v1`,
    kind: 'Certificate',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    spec: {
      secretName: 'web-tls',
      plain: 'p',
      count: 1,
      ratio: 1.5,
      issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer' },
      keystore: { pkcs12: true },
      duration: '2160h',
      commonName: 'web.example.test',
      renewBefore: 360,
      labels: { team: 'web' },
      usages: ['digital signature', 'key encipherment'],
      ports: [
        { name: 'https', port: 443 },
        { name: 'alt', port: 8443 },
      ],
    },
  };
}

export interface CertificateEdit {
  label: string;
  edit: (spec: Obj) => void;
  /** The error kubectl prints for the edit (each `* ` line when several), as kube-apiserver 1.37.2 answered it; undefined: allowed. */
  errors?: string[];
}

/** Each rule form once, and edits the rules allow; the errors are the API server's (see customResourceRules.e2e). */
export const CERTIFICATE_EDITS: CertificateEdit[] = [
  {
    label: 'self == oldSelf on a string, with a message',
    edit: (s) => (s.secretName = 'web-tls-2'),
    errors: ['spec.secretName: Invalid value: "web-tls-2": secretName is immutable'],
  },
  { label: 'self == oldSelf without a message', edit: (s) => (s.plain = 'q'), errors: ['spec.plain: Invalid value: "q": failed rule: self == oldSelf'] },
  { label: 'reason FieldValueForbidden', edit: (s) => (s.count = 2), errors: ['spec.count: Forbidden: failed rule: self == oldSelf'] },
  { label: 'a number', edit: (s) => (s.ratio = 0.00001), errors: ['spec.ratio: Invalid value: 1e-05: failed rule: self == oldSelf'] },
  { label: 'self == oldSelf on an object', edit: (s) => (s.issuerRef.name = 'other'), errors: ['spec.issuerRef: Invalid value: issuerRef is immutable'] },
  { label: 'may not be removed', edit: (s) => delete s.issuerRef, errors: ['spec: Invalid value: issuerRef may not be removed'] },
  { label: 'presence may not change', edit: (s) => delete s.keystore, errors: ['spec: Invalid value: failed rule: has(self.keystore) == has(oldSelf.keystore)'] },
  { label: 'may not be added', edit: (s) => (s.dnsName = 'web.example.test'), errors: ['spec: Invalid value: dnsName may not be added'] },
  { label: 'may not change once set', edit: (s) => (s.duration = '720h'), errors: ['spec: Invalid value: duration may not change once set'] },
  {
    label: 'may not change once set, removed',
    edit: (s) => delete s.duration,
    errors: ['spec: Invalid value: "object": no such key: duration evaluating rule: duration may not change once set'],
  },
  {
    label: 'oldSelf.x == self.x with reason and fieldPath',
    edit: (s) => (s.commonName = 'www.example.test'),
    errors: ['spec.commonName: Forbidden: commonName is fixed'],
  },
  { label: 'an additionalProperties value', edit: (s) => (s.labels.team = 'api'), errors: ['spec.labels[team]: Invalid value: "api": label values are fixed'] },
  { label: 'a set list changed', edit: (s) => (s.usages = ['server auth']), errors: ['spec.usages: Invalid value: failed rule: self == oldSelf'] },
  {
    label: 'an item of a map list, matched by its key',
    edit: (s) => (s.ports = [s.ports[1], { name: 'https', port: 444 }]),
    errors: ['spec.ports[1].port: Invalid value: 444: port is immutable'],
  },
  { label: 'allowed: a set list reordered', edit: (s) => s.usages.reverse() },
  { label: 'allowed: a map list item added', edit: (s) => s.ports.push({ name: 'metrics', port: 9402 }) },
  { label: 'allowed: a label added', edit: (s) => (s.labels.owner = 'ops') },
  { label: 'allowed: secretName removed (a transition rule needs both versions)', edit: (s) => delete s.secretName },
  { label: 'allowed: a rule not evaluated here (renewBefore shrinks)', edit: (s) => (s.renewBefore = 300) },
  {
    label: 'several rules at once',
    edit: (s) => {
      s.secretName = 'web-tls-2';
      delete s.keystore;
    },
    errors: ['spec: Invalid value: failed rule: has(self.keystore) == has(oldSelf.keystore)', 'spec.secretName: Invalid value: "web-tls-2": secretName is immutable'],
  },
];
