/**
 * CRD immutability rules: what is read from a CustomResourceDefinition (each form, nested fields,
 * rules under `items` and `additionalProperties`, several versions, rules not evaluated, bad
 * input), and what an edit of a custom resource is told, in the words kube-apiserver 1.37.2
 * answered for the same edits (test/e2e-k8s/customResourceRules.test.ts checks them against it).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { stringify } from 'yaml';
import { goErrorValue, goNumber, goQuote } from '../../core/src/kubernetes/customResourceErrorText';
import { CustomResourceRegistry, definitionsInManifest } from '../../core/src/kubernetes/customResourceRegistry';
import { customResourceDefinitionRules, type CustomResourceDefinitionRules } from '../../core/src/kubernetes/customResourceRules';
import { customResourceViolations } from '../../core/src/kubernetes/customResourceViolations';
import { manifestFindings } from '../../core/src/kubernetes/manifestFindings';
import { parseManifest } from '../../core/src/kubernetes/manifestParser';
import { identityKey } from '../../core/src/kubernetes/objectIdentity';
import { certificate, certificateCrd, CERTIFICATE_EDITS, CRD_NAME } from '../support/certificateCrd';

function readRules(crd: unknown = certificateCrd()): CustomResourceDefinitionRules {
  const read = customResourceDefinitionRules(crd);
  assert.ok('rules' in read, 'problem' in read ? read.problem : '');
  return read.rules;
}

function v1Schema() {
  return readRules().versions.find((v) => v.version === 'v1')!.schema;
}

describe('reading a CRD', () => {
  test('names, served versions only, each rule with its form, field, message and reason', () => {
    const rules = readRules();
    assert.equal(rules.name, CRD_NAME);
    assert.equal(rules.kind, 'Certificate');
    assert.equal(rules.namespaced, true);
    assert.deepEqual(
      rules.versions.map((v) => v.version),
      ['v1', 'v1alpha1'],
    );
    const v1 = rules.versions[0]!;
    assert.deepEqual(
      v1.rules.map((r) => [r.schemaPath, r.form, r.property ?? '', r.message, r.reason, r.fieldPath ?? '']),
      [
        ['spec', 'not-removed', 'issuerRef', 'issuerRef may not be removed', 'FieldValueInvalid', ''],
        ['spec', 'presence-unchanged', 'keystore', 'failed rule: has(self.keystore) == has(oldSelf.keystore)', 'FieldValueInvalid', ''],
        ['spec', 'not-added', 'dnsName', 'dnsName may not be added', 'FieldValueInvalid', ''],
        ['spec', 'unchanged-once-set', 'duration', 'duration may not change once set', 'FieldValueInvalid', ''],
        ['spec', 'unchanged-and-set', 'commonName', 'commonName is fixed', 'FieldValueForbidden', 'commonName'],
        ['spec.secretName', 'unchanged', '', 'secretName is immutable', 'FieldValueInvalid', ''],
        ['spec.plain', 'unchanged', '', 'failed rule: self == oldSelf', 'FieldValueInvalid', ''],
        ['spec.count', 'unchanged', '', 'failed rule: self == oldSelf', 'FieldValueForbidden', ''],
        ['spec.ratio', 'unchanged', '', 'failed rule: self == oldSelf', 'FieldValueInvalid', ''],
        ['spec.issuerRef', 'unchanged', '', 'issuerRef is immutable', 'FieldValueInvalid', ''],
        ['spec.labels[*]', 'unchanged', '', 'label values are fixed', 'FieldValueInvalid', ''],
        ['spec.usages', 'unchanged', '', 'failed rule: self == oldSelf', 'FieldValueInvalid', ''],
        ['spec.ports[*].port', 'unchanged', '', 'port is immutable', 'FieldValueInvalid', ''],
      ],
    );
    assert.deepEqual(v1.skipped, [{ schemaPath: 'spec', rule: 'self.renewBefore <= oldSelf.renewBefore', why: 'it is none of the forms evaluated here' }]);
    assert.deepEqual(
      rules.versions[1]!.rules.map((r) => [r.schemaPath, r.message]),
      [['spec.secretName', 'secretName is immutable in v1alpha1']],
    );
  });

  test('the forms are recognised however they are spaced and ordered; rules without oldSelf are no immutability rules', () => {
    const crd = certificateCrd();
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'] = [
      { rule: '  oldSelf==self ' },
      { rule: 'has(oldSelf.a)==has(self.a)' },
      { rule: 'has(self.b) || !has(oldSelf.b)' },
      { rule: '!has(self.c) || has(oldSelf.c)' },
      { rule: 'self.d == oldSelf.d || !has(oldSelf.d)' },
      { rule: 'self.__namespace__ == oldSelf.__namespace__' },
      { rule: 'self.e__dash__f == oldSelf.e__dash__f' },
      { rule: 'self.size() > 0' },
      { rule: 'has(self.g) == has(oldSelf.h)' },
      { rule: 'self == oldSelf', messageExpression: "'was ' + oldSelf" },
      { rule: 'self == oldSelf', optionalOldSelf: true },
      { rule: 'self == oldSelf', reason: 'FieldValueTooLong' },
      { rule: 'self == oldSelf', fieldPath: "['a']" },
    ];
    const v1 = readRules(crd).versions[0]!;
    assert.deepEqual(
      v1.rules.filter((r) => r.schemaPath === 'spec').map((r) => [r.form, r.property ?? '', r.rule]),
      [
        ['unchanged', '', 'oldSelf==self'],
        ['presence-unchanged', 'a', 'has(oldSelf.a)==has(self.a)'],
        ['not-removed', 'b', 'has(self.b) || !has(oldSelf.b)'],
        ['not-added', 'c', '!has(self.c) || has(oldSelf.c)'],
        ['unchanged-once-set', 'd', 'self.d == oldSelf.d || !has(oldSelf.d)'],
        ['unchanged-and-set', 'namespace', 'self.__namespace__ == oldSelf.__namespace__'],
        ['unchanged-and-set', 'e-f', 'self.e__dash__f == oldSelf.e__dash__f'],
      ],
    );
    assert.deepEqual(
      v1.skipped.map((s) => s.why),
      [
        'it is none of the forms evaluated here',
        'its message is an expression (`messageExpression`)',
        'it sees an optional `oldSelf` (`optionalOldSelf`)',
        'its reason `FieldValueTooLong` is none the API server knows',
        "its `fieldPath` (['a']) is not a plain `.a.b` path",
      ],
    );
  });

  test('bad input is refused with a message that says what is wrong', () => {
    const problem = (crd: unknown) => {
      const read = customResourceDefinitionRules(crd);
      assert.ok('problem' in read);
      return read.problem;
    };
    assert.equal(problem('text'), 'A CustomResourceDefinition must be an object.');
    const crd = certificateCrd();
    assert.equal(
      problem({ ...crd, apiVersion: 'apiextensions.k8s.io/v1beta1' }),
      `CustomResourceDefinition \`${CRD_NAME}\` has apiVersion \`apiextensions.k8s.io/v1beta1\`: only apiextensions.k8s.io/v1 is read (the API server stopped serving v1beta1 in Kubernetes 1.22).`,
    );
    assert.equal(problem({ ...crd, spec: undefined }), `CustomResourceDefinition \`${CRD_NAME}\` has no \`spec\`.`);
    assert.equal(problem({ ...crd, metadata: {}, spec: { ...crd.spec, group: '' } }), 'A CustomResourceDefinition without a name has no `spec.group`.');
    assert.equal(
      problem({ ...crd, spec: { ...crd.spec, names: { kind: 'Certificate' } } }),
      `CustomResourceDefinition \`${CRD_NAME}\` lacks \`spec.names.kind\` or \`spec.names.plural\`.`,
    );
    assert.equal(problem({ ...crd, spec: { ...crd.spec, versions: [] } }), `CustomResourceDefinition \`${CRD_NAME}\` has no \`spec.versions\`.`);
    assert.equal(
      problem({ ...crd, spec: { ...crd.spec, versions: [{ name: 'v1', served: true }] } }),
      `CustomResourceDefinition \`${CRD_NAME}\`: version \`v1\` has no \`schema.openAPIV3Schema\`.`,
    );
    assert.equal(problem({ ...crd, spec: { ...crd.spec, versions: [{ served: true }] } }), `CustomResourceDefinition \`${CRD_NAME}\`: \`spec.versions[0]\` has no name.`);
    const { definitions, problems } = definitionsInManifest(parseManifest(stringify({ ...crd, spec: { ...crd.spec, versions: 'v1' } })), 'crds/bad.yaml');
    assert.deepEqual(definitions, []);
    assert.deepEqual(problems, [{ source: 'crds/bad.yaml', problem: `CustomResourceDefinition \`${CRD_NAME}\` has no \`spec.versions\`.` }]);
  });
});

describe('evaluating the rules against the deployed version', () => {
  for (const { label, edit, errors } of CERTIFICATE_EDITS) {
    test(label, () => {
      const before = certificate();
      const after = structuredClone(before);
      edit(after.spec);
      const violations = customResourceViolations(v1Schema(), before, after);
      const texts = violations.map(
        (v) => `${v.error.path}: ${v.error.type}${v.error.value !== undefined ? `: ${v.error.value}` : ''}${v.error.detail ? `: ${v.error.detail}` : ''}`,
      );
      assert.deepEqual(texts.sort(), [...(errors ?? [])].sort());
    });
  }

  test('transition rules need the field in both versions; a created object has none to compare', () => {
    const before = certificate();
    delete before.spec.secretName;
    const after = certificate();
    assert.deepEqual(customResourceViolations(v1Schema(), before, after), []);
  });

  test('oldSelf.x == self.x fails evaluation when x is added', () => {
    const before = certificate();
    delete before.spec.commonName;
    const after = certificate();
    assert.deepEqual(
      customResourceViolations(v1Schema(), before, after).map((v) => [v.error.path, v.error.value, v.error.detail]),
      [['spec', '"object"', 'no such key: commonName evaluating rule: commonName is fixed']],
    );
  });

  test('rules on the object’s root: the server names it <nil>; whole-object and metadata rules are not evaluated', () => {
    const crd = certificateCrd();
    const schema = crd.spec.versions[0].schema.openAPIV3Schema;
    schema.properties.data = { type: 'string' };
    schema['x-kubernetes-validations'] = [
      { rule: '!has(oldSelf.spec) || has(self.spec)' },
      { rule: '!has(oldSelf.data) || self.data == oldSelf.data' },
      { rule: 'self == oldSelf' },
      { rule: 'self.metadata == oldSelf.metadata' },
    ];
    const version = readRules(crd).versions[0]!;
    assert.deepEqual(
      version.skipped.filter((s) => s.schemaPath === '(the object)').map((s) => s.rule),
      ['self == oldSelf', 'self.metadata == oldSelf.metadata'],
    );
    const before: Record<string, unknown> = { ...certificate(), data: 'd' };
    const errors = (after: Record<string, unknown>) =>
      customResourceViolations(version.schema, before, after).map(
        (v) => `${v.error.path}: ${v.error.type}${v.error.value !== undefined ? `: ${v.error.value}` : ''}: ${v.error.detail}`,
      );
    // As kube-apiserver 1.37.2 answered the same edits of a CRD with these root rules.
    const { spec: _spec, ...withoutSpec } = before;
    assert.deepEqual(errors(withoutSpec), ['<nil>: Invalid value: failed rule: !has(oldSelf.spec) || has(self.spec)']);
    const { data: _data, ...withoutData } = before;
    assert.deepEqual(errors(withoutData), ['<nil>: Invalid value: "object": no such key: data evaluating rule: !has(oldSelf.data) || self.data == oldSelf.data']);
  });

  test('a rule under the items of a list that is not a map list has no old item to compare with', () => {
    const crd = certificateCrd();
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.ports['x-kubernetes-list-type'] = 'atomic';
    const schema = readRules(crd).versions[0]!.schema;
    const before = certificate();
    const after = structuredClone(before);
    after.spec.ports[0].port = 444;
    assert.deepEqual(customResourceViolations(schema, before, after), []);
  });

  test('where the finding points: the edited field, or its parent when removed', () => {
    const before = certificate();
    const after = structuredClone(before);
    after.spec.ports = [after.spec.ports[1], { name: 'https', port: 444 }];
    delete after.spec.issuerRef;
    const violations = customResourceViolations(v1Schema(), before, after);
    assert.deepEqual(
      violations.map((v) => [v.at.join('.'), v.field, v.before, v.after]),
      [
        ['spec.issuerRef', 'spec.issuerRef', { name: 'letsencrypt', kind: 'ClusterIssuer' }, undefined],
        ['spec.ports.1.port', 'spec.ports[1].port', 443, 444],
      ],
    );
  });
});

describe('the values in the server’s words', () => {
  test("Go's %q and %v, as the API server printed them", () => {
    assert.equal(goQuote('x\x01é"\t'), '"x\\x01é\\"\\t"');
    assert.equal(goNumber(0.00001), '1e-05');
    assert.equal(goNumber(2), '2');
    assert.equal(goNumber(1.5), '1.5');
    assert.equal(goNumber(1e21), '1e+21');
    assert.equal(goNumber(0.0001), '0.0001');
    assert.equal(goErrorValue(false), 'false');
    assert.equal(goErrorValue({ b: 1, a: '<' }), '{"a":"\\u003c","b":1}');
  });
});

describe('findings on custom resources', () => {
  const crdYaml = stringify(certificateCrd());
  const registry = () => new CustomResourceRegistry(definitionsInManifest(parseManifest(crdYaml), 'crds/certificate.yaml').definitions);
  const analyse = (before: object, after: object, rules = registry()) => {
    const objects = new Map(parseManifest(stringify(before)).objects.map((o) => [identityKey(o.identity!), o]));
    return manifestFindings('/w/cert.yaml', parseManifest(stringify(after)), { objects, description: 'the test baseline' }, undefined, rules);
  };

  test('an edited immutable field: kubernetes/immutable-field with the server’s answer, the rule and the CRD as its source', () => {
    const before = certificate();
    const after = structuredClone(before);
    after.spec.secretName = 'web-tls-2';
    const [finding, ...rest] = analyse(before, after);
    assert.deepEqual(rest, []);
    assert.equal(finding!.code, 'kubernetes/immutable-field');
    assert.equal(finding!.severity, 'error');
    assert.equal(finding!.path, 'spec.secretName');
    assert.equal(finding!.address, 'Certificate.cert.example.test/default/web-tls');
    assert.equal(
      finding!.message,
      '`spec.secretName` of Certificate `web-tls` cannot change after creation (CustomResourceDefinition `certificates.cert.example.test`): ' +
        'kubectl apply will fail with `The Certificate "web-tls" is invalid: spec.secretName: Invalid value: "web-tls-2": secretName is immutable`. ' +
        'Applying it means deleting and re-creating the Certificate.',
    );
    assert.equal(finding!.ruleSource, 'CustomResourceDefinition certificates.cert.example.test (v1, x-kubernetes-validations), read from crds/certificate.yaml');
    assert.match(finding!.detail!, /\*\*Rule:\*\* `self == oldSelf` on `spec.secretName`/);
    assert.match(finding!.detail!, /\*\*Not checked:\*\* 1 other rule of this CRD version that compares with `oldSelf`/);
    // The line of `secretName:` in the edited file.
    const line = stringify(after)
      .split('\n')
      .findIndex((l) => l.includes('secretName:'));
    assert.equal(finding!.range.start.line, line);
  });

  test('the version of the edited manifest picks the rules; unserved versions and unknown CRDs give nothing', () => {
    const before: Record<string, any> = { ...certificate(), apiVersion: 'cert.example.test/v1alpha1' };
    const after = structuredClone(before);
    after.spec.secretName = 'web-tls-2';
    assert.match(analyse(before, after)[0]!.message, /secretName is immutable in v1alpha1/);
    assert.deepEqual(analyse({ ...before, apiVersion: 'cert.example.test/v0' }, { ...after, apiVersion: 'cert.example.test/v0' }), []);
    assert.deepEqual(analyse(before, after, new CustomResourceRegistry()), []);
  });

  test('without a deployed version there is nothing to compare', () => {
    const findings = manifestFindings('/w/cert.yaml', parseManifest(stringify(certificate())), undefined, undefined, registry());
    assert.deepEqual(findings, []);
  });
});
